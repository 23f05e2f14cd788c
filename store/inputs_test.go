package store

import (
	"context"
	"testing"
)

// What counts as a change to the inputs of results spanning 5 January – 4 July 2026 (final, seen
// on 23 November): anything undated, and a dated change only when its day can count.
func TestInputsChangedSinceCountsOnlyDaysThatCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	seed(t, s)
	const siti, ahmad = "198503122010012003", "197001011995031001"
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.DB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	report := func(nip, day string) {
		t.Helper()
		exec(`INSERT INTO reports(nip, opd_code, local_date, text, created_at) VALUES (?, 'DISKOMINFO', ?, 'Rapat', ?)`, nip, day, t0)
	}
	for _, day := range []string{"2025-12-15", "2026-03-02", "2026-10-01"} {
		report(siti, day)
	}
	exec(`INSERT INTO leave(nip, kind, start_date, end_date, created_at) VALUES (?, 'cuti', '2026-08-03', '2026-08-05', ?)`, siti, t0)
	span := InputsSpan{From: "2026-01-05", To: "2026-07-04", Before: "2026-11-23"}

	for _, tc := range []struct {
		what    string
		change  string
		args    []any
		changed bool
	}{
		{"nothing", ``, nil, false},
		{"a holiday of another year", `INSERT INTO holidays(date, name, created_at) VALUES ('2000-01-01', 'x', ?)`, []any{t0}, false},
		{"a holiday after the periods", `INSERT INTO holidays(date, name, created_at) VALUES ('2026-08-17', 'x', ?)`, []any{t0}, false},
		{"a holiday in them", `INSERT INTO holidays(date, name, created_at) VALUES ('2026-03-03', 'x', ?)`, []any{t0}, true},
		{"a holiday in them removed", `DELETE FROM holidays WHERE date = '2026-03-03'`, nil, true},
		{"leave over their last day", `INSERT INTO leave(nip, kind, start_date, end_date, created_at) VALUES (?, 'sakit', '2026-06-30', '2026-07-10', ?)`, []any{siti, t0}, true},
		{"leave after them cancelled", `UPDATE leave SET cancelled_at = ? WHERE start_date = '2026-08-03'`, []any{t0}, false},
		{"a report after them validated", `UPDATE reports SET status = 'approved' WHERE local_date = '2026-10-01'`, nil, false},
		{"a report in them validated", `UPDATE reports SET status = 'approved' WHERE local_date = '2026-03-02'`, nil, true},
		{"a report before them returned (a target's realisation counts it)", `UPDATE reports SET status = 'returned' WHERE local_date = '2025-12-15'`, nil, true},
		{"a report after them deleted (it may have been the first)", `UPDATE reports SET status = 'deleted' WHERE local_date = '2026-10-01'`, nil, true},
		{"a report moved to another day", `UPDATE reports SET local_date = '2026-10-02' WHERE local_date = '2026-10-01'`, nil, true},
		{"a late report after them, not its author's first", `INSERT INTO reports(nip, opd_code, local_date, text, created_at) VALUES (?, 'DISKOMINFO', '2026-11-20', 'x', ?)`, []any{siti, t0}, false},
		{"a report of the day not counted", `INSERT INTO reports(nip, opd_code, local_date, text, created_at) VALUES (?, 'DISKOMINFO', '2026-11-23', 'x', ?)`, []any{ahmad, t0}, false},
		{"a late report after them, its author's first", `INSERT INTO reports(nip, opd_code, local_date, text, created_at) VALUES (?, 'DISKOMINFO', '2026-11-20', 'x', ?)`, []any{ahmad, t0}, true},
		{"a late report in them", `INSERT INTO reports(nip, opd_code, local_date, text, created_at) VALUES (?, 'DISKOMINFO', '2026-07-01', 'x', ?)`, []any{siti, t0}, true},
		{"the roster", `UPDATE employees SET name = 'Siti Aminah' WHERE nip = ?`, []any{siti}, true},
		{"an OPD's working days", `UPDATE opds SET work_days = 6`, nil, true},
	} {
		var mark InputsMark
		if err := s.View(ctx, func(tx *Tx) (err error) { mark, err = tx.InputsMark(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if tc.change != "" {
			exec(tc.change, tc.args...)
		}
		var changed bool
		if err := s.View(ctx, func(tx *Tx) (err error) { changed, err = tx.InputsChangedSince(ctx, mark, span); return err }); err != nil {
			t.Fatal(err)
		}
		if changed != tc.changed {
			t.Errorf("%s: changed %v, want %v", tc.what, changed, tc.changed)
		}
	}

	// A mark older than what the log keeps is a change, whatever the days.
	var mark InputsMark
	if err := s.View(ctx, func(tx *Tx) (err error) { mark, err = tx.InputsMark(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11000)
		INSERT INTO input_changes(kind, first, last) SELECT 'calendar', '2000-01-01', '2000-01-01' FROM c`)
	var rows int
	s.DB().QueryRow(`SELECT COUNT(*) FROM input_changes`).Scan(&rows)
	if rows > 11000 {
		t.Fatalf("the log keeps %d rows", rows)
	}
	var changed bool
	if err := s.View(ctx, func(tx *Tx) (err error) { changed, err = tx.InputsChangedSince(ctx, mark, span); return err }); err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Fatal("a mark older than the log is not a change")
	}
}
