package period

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse: whatever a user types after /evaluate or --periode, Parse answers without panicking;
// a period it accepts is a real, ordered range of plausible days whose key parses back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-11", "2026-Q4", "2026-q1", "2026", "3b", "6B", "2026-01-05..2026-04-04",
		" 2026-11 ", "2026-13", "2026-00", "1999", "2026-02-30..2026-03-01", "..", "2026-01-05..", "٢٠٢٦", "2026-Q5", "9b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		if !utf8.ValidString(p.Key) || p.Key == "" {
			t.Fatalf("Parse(%q): key %q", s, p.Key)
		}
		if p.Checkpoint != 0 {
			if p.Checkpoint != 3 && p.Checkpoint != 6 || !p.Start.IsZero() {
				t.Fatalf("Parse(%q): checkpoint %+v", s, p)
			}
			return
		}
		if p.End.Before(p.Start) || !plausible(p.Start.Year()) || !plausible(p.End.Year()) {
			t.Fatalf("Parse(%q): range %v..%v", s, p.Start, p.End)
		}
		if p.Start.Hour() != 0 || p.Start.Location().String() != "UTC" {
			t.Fatalf("Parse(%q): start %v is not a civil date", s, p.Start)
		}
		q, err := Parse(p.Key)
		if err != nil || q.Start != p.Start || q.End != p.End {
			t.Fatalf("Parse(%q) key %q does not parse back: %+v %v", s, p.Key, q, err)
		}
	})
}
