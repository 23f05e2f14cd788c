package store

import (
	"context"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
)

// TestDateColumnText checks that a calendar.Date goes into a TEXT column as the YYYY-MM-DD text
// the store has always written, and comes back as the same day: dates compare as text in SQL.
func TestDateColumnText(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	day := calendar.New(2026, 12, 25)
	err := st.Update(ctx, func(tx *Tx) error {
		return tx.AddHoliday(ctx, Holiday{Date: day, Name: "Hari Raya Natal"}, "test", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	var typ, text string
	var back calendar.Date
	if err := st.DB().QueryRowContext(ctx, `SELECT typeof(date), date, date FROM holidays`).Scan(&typ, &text, &back); err != nil {
		t.Fatal(err)
	}
	if typ != "text" || text != "2026-12-25" || back != day {
		t.Fatalf("stored %s %q, read back %s", typ, text, back)
	}
	err = st.View(ctx, func(tx *Tx) error {
		hs, err := tx.HolidaysBetween(ctx, "2026-12-01", "2026-12-31")
		if err != nil || len(hs) != 1 || hs[0].Date != day || hs[0].Name != "Hari Raya Natal" {
			t.Fatalf("HolidaysBetween = %v, %v", hs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
