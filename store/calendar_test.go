package store

import (
	"context"
	"errors"
	"testing"

	"github.com/lapkin-id/lapkin/calendar"
)

func TestLeaveOverlapDeleteAndCheck(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	const nip = "198503122010012003"
	var id int64
	err := s.Update(ctx, func(tx *Tx) (err error) {
		id, err = tx.AddLeave(ctx, Leave{NIP: nip, Kind: LeaveSakit, StartDate: "2026-11-24", EndDate: "2026-11-26", Reason: "Demam"}, t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// LeaveBetween finds every record that touches the range, including at its edges.
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2026-11-20", "2026-11-23", 0},
		{"2026-11-20", "2026-11-24", 1},
		{"2026-11-25", "2026-11-25", 1},
		{"2026-11-26", "2026-12-01", 1},
		{"2026-11-27", "2026-12-01", 0},
		{"2026-11-01", "2026-12-31", 1},
	} {
		var got []Leave
		s.View(ctx, func(tx *Tx) (err error) { got, err = tx.LeaveBetween(ctx, nip, c.from, c.to); return err })
		if len(got) != c.want {
			t.Errorf("LeaveBetween(%s, %s) = %d records, want %d", c.from, c.to, len(got), c.want)
		}
	}
	s.View(ctx, func(tx *Tx) error {
		l, err := tx.Leave(ctx, id)
		if err != nil || l.NIP != nip || l.Kind != LeaveSakit || l.Reason != "Demam" {
			t.Errorf("Leave(%d) = %+v, %v", id, l, err)
		}
		if _, err := tx.Leave(ctx, id+1); !errors.Is(err, ErrNotFound) {
			t.Errorf("Leave of a missing id: %v", err)
		}
		return nil
	})

	// The schema refuses an end before the start and an unknown kind.
	for _, bad := range []Leave{
		{NIP: nip, Kind: LeaveCuti, StartDate: "2026-12-02", EndDate: "2026-12-01"},
		{NIP: nip, Kind: "libur", StartDate: "2026-12-01", EndDate: "2026-12-01"},
	} {
		err := s.Update(ctx, func(tx *Tx) error { _, err := tx.AddLeave(ctx, bad, t0); return err })
		if err == nil {
			t.Errorf("stored %+v", bad)
		}
	}

	err = s.Update(ctx, func(tx *Tx) error { return tx.DeleteLeave(ctx, id, t0) })
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx *Tx) error { return tx.DeleteLeave(ctx, id, t0) })
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestHolidayAddRenameDelete(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	err := s.Update(ctx, func(tx *Tx) error {
		for _, h := range []Holiday{{Date: calendar.New(2026, 12, 24), Name: "Cuti bersama"}, {Date: calendar.New(2027, 1, 1), Name: "Tahun Baru"}, {Date: calendar.New(2026, 12, 24), Name: "Cuti bersama Natal"}} {
			if err := tx.AddHoliday(ctx, h, "admin", t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var hs []Holiday
	s.View(ctx, func(tx *Tx) (err error) { hs, err = tx.HolidaysBetween(ctx, "2026-12-01", "2027-12-31"); return err })
	if len(hs) != 2 || hs[0] != (Holiday{Date: calendar.New(2026, 12, 24), Name: "Cuti bersama Natal", Source: calendar.SourceStored}) || hs[1].Date != calendar.New(2027, 1, 1) {
		t.Fatalf("holidays %+v", hs)
	}
	if err := s.Update(ctx, func(tx *Tx) error { return tx.DeleteHoliday(ctx, "2026-12-24") }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx *Tx) error { return tx.DeleteHoliday(ctx, "2026-12-24") }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	s.View(ctx, func(tx *Tx) (err error) { hs, err = tx.HolidaysBetween(ctx, "2026-12-01", "2027-12-31"); return err })
	if len(hs) != 1 || hs[0].Date != calendar.New(2027, 1, 1) {
		t.Fatalf("after delete %+v", hs)
	}
}

// A cancelled leave keeps its row, so a new leave never takes its id.
func TestCancelledLeaveIDNotReused(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	var first, second int64
	s.Update(ctx, func(tx *Tx) (err error) {
		first, err = tx.AddLeave(ctx, Leave{NIP: "198503122010012003", Kind: LeaveCuti, StartDate: "2026-12-01", EndDate: "2026-12-02"}, t0)
		return err
	})
	if err := s.Update(ctx, func(tx *Tx) error { return tx.DeleteLeave(ctx, first, t0) }); err != nil {
		t.Fatal(err)
	}
	s.Update(ctx, func(tx *Tx) (err error) {
		second, err = tx.AddLeave(ctx, Leave{NIP: "198503122010012003", Kind: LeaveCuti, StartDate: "2026-12-01", EndDate: "2026-12-02"}, t0)
		return err
	})
	if second == first {
		t.Fatalf("the new leave took the cancelled one's id %d", first)
	}
	var rows int
	s.DB().QueryRow(`SELECT COUNT(*) FROM leave`).Scan(&rows)
	if rows != 2 {
		t.Fatalf("%d leave rows, want 2 (the cancelled one kept)", rows)
	}
}
