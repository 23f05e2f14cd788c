package parse

import (
	"testing"
)

// FuzzDate: any text given as a date (/cuti, /libur) parses without panicking, and an accepted
// date is a plausible civil date that reads back to itself in the ISO form.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2026-11-23", "23-11-2026", "3-1-2026", "23/11/2026", "2026-02-30", "31-04-2026",
		"1999-12-31", "2101-01-01", "", "  2026-11-23  ", "2026-11-23T09:00", "٢٠٢٦-١١-٢٣", "23.11.2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := Date(s)
		if !ok {
			return
		}
		if d.Year() < 2000 || d.Year() > 2100 || d.Hour() != 0 || d.Minute() != 0 || d.Location().String() != "UTC" {
			t.Fatalf("Date(%q) = %v", s, d)
		}
		if back, ok := Date(d.Format("2006-01-02")); !ok || !back.Equal(d) {
			t.Fatalf("Date(%q) = %v does not read back", s, d)
		}
	})
}
