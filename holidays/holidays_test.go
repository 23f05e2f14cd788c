package holidays

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/store"
)

// workingDays counts Monday–Friday in year/month that are not in the calendar.
func workingDays(t *testing.T, days []Day, year int, month time.Month) (work, off int) {
	t.Helper()
	m := calendar.Month{Year: year, Month: month}
	c := calendar.NewCalendar(days).Days(5).Count(m.First(), m.Last(), nil)
	return c.Work, c.Holiday
}

// The 2026 calendar: November has no holiday (its 21 weekdays are all working days); in March,
// Nyepi (18–19) and the Idul Fitri week (cuti bersama 20, 23, 24; Idul Fitri on the weekend of
// 21–22) take 5 of its 22 weekdays: 17 working days.
func TestCalendar2026(t *testing.T) {
	t.Parallel()
	days, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 25 || days[0].Date != calendar.New(2026, 1, 1) || days[len(days)-1].Date != calendar.New(2026, 12, 25) {
		t.Fatalf("%d days, %v … %v", len(days), days[0], days[len(days)-1])
	}
	if w, off := workingDays(t, days, 2026, time.November); w != 21 || off != 0 {
		t.Fatalf("November: %d working days, %d off", w, off)
	}
	if w, off := workingDays(t, days, 2026, time.March); w != 17 || off != 5 {
		t.Fatalf("March: %d working days, %d off", w, off)
	}
}

// Seed copies 2026 once: an operator's name for a date is kept, and a day removed afterwards is
// not put back by the next start.
func TestSeedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	st.Update(ctx, func(tx *store.Tx) error {
		return tx.AddHoliday(ctx, store.Holiday{Date: calendar.New(2026, 8, 17), Name: "HUT RI ke-81"}, "admin", now)
	})
	n, err := Seed(ctx, st, now)
	if err != nil || n != 24 {
		t.Fatalf("seeded %d: %v", n, err)
	}
	var all []store.Holiday
	st.View(ctx, func(tx *store.Tx) (err error) { all, err = tx.HolidaysBetween(ctx, "2026-01-01", "2026-12-31"); return })
	if len(all) != 25 {
		t.Fatalf("%d holidays stored", len(all))
	}
	for _, h := range all {
		if h.Date == calendar.New(2026, 8, 17) && h.Name != "HUT RI ke-81" {
			t.Fatalf("the operator's name was replaced: %q", h.Name)
		}
	}
	st.Update(ctx, func(tx *store.Tx) error { return tx.DeleteHoliday(ctx, "2026-05-15") })
	if n, err := Seed(ctx, st, now.AddDate(0, 0, 1)); err != nil || n != 0 {
		t.Fatalf("second seed added %d: %v", n, err)
	}
	st.View(ctx, func(tx *store.Tx) (err error) { all, err = tx.HolidaysBetween(ctx, "2026-05-15", "2026-05-15"); return })
	if len(all) != 0 {
		t.Fatal("a removed holiday came back")
	}
}
