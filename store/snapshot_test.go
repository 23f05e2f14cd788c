package store

import (
	"context"
	"testing"
	"time"
)

func countReports(t *testing.T, tx *Tx) int {
	t.Helper()
	var n int
	if err := tx.q.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM reports`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func addReport(t *testing.T, tx *Tx, text string) {
	t.Helper()
	if _, err := tx.AddReport(context.Background(), Report{NIP: "198503122010012003", OPDCode: "DISKOMINFO", LocalDate: "2026-11-23",
		Text: text, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
}

// A View is one snapshot: a write committed while it reads is not seen by it, and does not wait
// for it (one writer connection, readers on their own pool, WAL). A View inside an Update reads the
// last committed state and does not wait for the Update's own connection.
func TestViewIsASnapshotThatNeverHoldsUpTheWriter(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx *Tx) error { addReport(t, tx, "satu"); return nil }); err != nil {
		t.Fatal(err)
	}
	err := s.View(ctx, func(tx *Tx) error {
		if n := countReports(t, tx); n != 1 {
			t.Fatalf("the snapshot sees %d reports, want 1", n)
		}
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			done <- s.Update(ctx, func(tx *Tx) error {
				_, err := tx.AddReport(ctx, Report{NIP: "198503122010012003", OPDCode: "DISKOMINFO", LocalDate: "2026-11-23",
					Text: "dua", CreatedAt: t0})
				return err
			})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("a write during a read: %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("a write waited for a read transaction")
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("the write took %s while the read was open", d)
		}
		if n := countReports(t, tx); n != 1 {
			t.Fatalf("the snapshot sees %d reports after a commit, want still 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx *Tx) error {
		addReport(t, tx, "tiga")
		if n := countReports(t, tx); n != 3 {
			t.Fatalf("the write sees %d reports, want its own third", n)
		}
		return s.View(ctx, func(vtx *Tx) error {
			if n := countReports(t, vtx); n != 2 {
				t.Fatalf("a View inside an Update sees %d reports, want the 2 committed", n)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.View(ctx, func(tx *Tx) error {
		if n := countReports(t, tx); n != 3 {
			t.Fatalf("a new View sees %d reports, want 3", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A View cannot write: the readers are query_only.
	if err := s.View(ctx, func(tx *Tx) error {
		_, err := tx.AddReport(ctx, Report{NIP: "198503122010012003", OPDCode: "DISKOMINFO", LocalDate: "2026-11-23", Text: "x", CreatedAt: t0})
		if err == nil {
			t.Fatal("a View wrote a report")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
