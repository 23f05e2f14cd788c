package period

import (
	"testing"
	"time"
)

func d(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }

func TestParse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, key, start, end string
		check               int
	}{
		{"2026-11", "2026-11", "2026-11-01", "2026-11-30", 0},
		{"2026-02", "2026-02", "2026-02-01", "2026-02-28", 0},
		{"2028-02", "2028-02", "2028-02-01", "2028-02-29", 0}, // leap year
		{"2026-Q4", "2026-Q4", "2026-10-01", "2026-12-31", 0},
		{"2026-q1", "2026-Q1", "2026-01-01", "2026-03-31", 0},
		{"2026", "2026", "2026-01-01", "2026-12-31", 0},
		{" 2026-01-05..2026-04-04 ", "2026-01-05..2026-04-04", "2026-01-05", "2026-04-04", 0},
		{"3b", "3b", "", "", 3},
		{"6B", "6b", "", "", 6},
	} {
		p, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if p.Key != c.key || p.Checkpoint != c.check || (c.start != "" && (!p.Start.Equal(d(c.start)) || !p.End.Equal(d(c.end)))) {
			t.Errorf("Parse(%q) = %+v", c.in, p)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-00", "2026-Q5", "1999", "9b", "2026-04-04..2026-01-05", "2026-02-30..2026-03-01", "minggu", "2026/11"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestCheckpoint(t *testing.T) {
	t.Parallel()
	// Signed 5 Jan: 3 months are 5 Jan – 4 Apr, 6 months 5 Jan – 4 Jul. Signed 31 Aug: 3 months
	// end on 30 Nov (Go's AddDate normalises 31 Nov to 1 Dec, minus a day).
	for _, c := range []struct {
		n             int
		signed, start string
		end           string
	}{
		{3, "2026-01-05", "2026-01-05", "2026-04-04"},
		{6, "2026-01-05", "2026-01-05", "2026-07-04"},
		{3, "2026-08-24", "2026-08-24", "2026-11-23"},
		{3, "2026-08-31", "2026-08-31", "2026-11-30"},
	} {
		p := Checkpoint(c.n, d(c.signed).Add(9*time.Hour))
		if !p.Start.Equal(d(c.start)) || !p.End.Equal(d(c.end)) || p.Checkpoint != c.n {
			t.Errorf("Checkpoint(%d, %s) = %s..%s", c.n, c.signed, p.Start.Format("2006-01-02"), p.End.Format("2006-01-02"))
		}
	}
}
