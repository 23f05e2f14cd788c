package roster

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseNIP(t *testing.T) {
	t.Parallel()
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		in   string
		want NIP    // when key is ""
		key  string // expected FieldError key
	}{
		// 19850312 | 201001 | 1 | 003: born 12 March 1985, appointed January 2010, male, third.
		{"valid", "198503122010011003", NIP{"198503122010011003", date(1985, 3, 12), date(2010, 1, 1), 1, 3}, ""},
		// 19900101 | 201503 | 2 | 001: born 1 January 1990, appointed March 2015, female, first.
		{"valid female", "199001012015032001", NIP{"199001012015032001", date(1990, 1, 1), date(2015, 3, 1), 2, 1}, ""},
		{"spaces inside", "19850312 201001 1 003", NIP{"198503122010011003", date(1985, 3, 12), date(2010, 1, 1), 1, 3}, ""},
		{"dots and outer spaces", "  19850312.201001.1.003 ", NIP{"198503122010011003", date(1985, 3, 12), date(2010, 1, 1), 1, 3}, ""},
		{"spreadsheet apostrophe", "'198503122010011003", NIP{"198503122010011003", date(1985, 3, 12), date(2010, 1, 1), 1, 3}, ""},
		// 2000 is a leap year (divisible by 400): 29 February exists.
		{"leap day", "200002292020012001", NIP{"200002292020012001", date(2000, 2, 29), date(2020, 1, 1), 2, 1}, ""},
		// Born 2010, appointed 2025: exactly the lenient minimum age of 15.
		{"youngest", "201001012025011999", NIP{"201001012025011999", date(2010, 1, 1), date(2025, 1, 1), 1, 999}, ""},

		{"empty", "  ", NIP{}, keyNIPEmpty},
		{"17 digits", "19850312201001100", NIP{}, keyNIPLength},
		{"19 digits", "1985031220100110031", NIP{}, keyNIPLength},
		{"letter", "19850312201001100A", NIP{}, keyNIPChars},
		{"letter O for zero", "198503122O10011003", NIP{}, keyNIPChars},
		{"scientific notation", "1.98503122010011E+17", NIP{}, keyNIPScientific},
		{"scientific comma", "1,98503E+17", NIP{}, keyNIPScientific},
		// 30 February does not exist.
		{"birth 30 Feb", "198502302010011003", NIP{}, keyNIPBirthDate},
		// 1990 is not a leap year (not divisible by 4).
		{"birth 29 Feb 1990", "199002292015011001", NIP{}, keyNIPBirthDate},
		{"birth month 00", "198500122010011003", NIP{}, keyNIPBirthDate},
		{"birth 1930", "193003122010011003", NIP{}, keyNIPBirthYear},
		{"birth 2011", "201101012030011001", NIP{}, keyNIPBirthYear},
		{"appointment month 13", "198503122010131003", NIP{}, keyNIPAppointedMonth},
		{"appointment month 00", "198503122010001003", NIP{}, keyNIPAppointedMonth},
		// Born 1950, appointed 1959: before 1960.
		{"appointment 1959", "195003121959011003", NIP{}, keyNIPAppointedYear},
		// Born 1985, appointed 1995: at 10, below 1985 + 15 = 2000.
		{"appointed at 10", "198503121995011003", NIP{}, keyNIPAppointedAge},
		// Born 2010, appointed 2024: 14 < 15.
		{"appointed at 14", "201001012024011001", NIP{}, keyNIPAppointedAge},
		{"sex 3", "198503122010013003", NIP{}, keyNIPSex},
		{"sex 0", "198503122010010003", NIP{}, keyNIPSex},
		{"sequence 000", "198503122010011000", NIP{}, keyNIPSeq},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNIP(tt.in)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("ParseNIP(%q) error %v", tt.in, err)
				}
				if got != tt.want {
					t.Fatalf("ParseNIP(%q) = %+v, want %+v", tt.in, got, tt.want)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseNIP(%q) = %+v, %v; want *FieldError %s", tt.in, got, err, tt.key)
			}
			if fe.Key != tt.key {
				t.Fatalf("ParseNIP(%q) key %s, want %s", tt.in, fe.Key, tt.key)
			}
			if v := fe.Args["Value"]; v != strings.TrimSpace(tt.in) {
				t.Errorf("Value = %v, want the NIP as given %q", v, tt.in)
			}
		})
	}
}

// FuzzParseNIP checks that no input panics and that a parsed NIP parses again to itself.
func FuzzParseNIP(f *testing.F) {
	for _, s := range []string{"198503122010011003", "19850312 201001 1 003", "1.98503E+17", "", "'", "198502302010011003", "١٩٨٥"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIP(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key == "" {
				t.Fatalf("ParseNIP(%q) error %v is not a keyed *FieldError", s, err)
			}
			return
		}
		if len(n.Raw) != 18 {
			t.Fatalf("ParseNIP(%q).Raw = %q, not 18 digits", s, n.Raw)
		}
		again, err := ParseNIP(n.Raw)
		if err != nil || again != n {
			t.Fatalf("ParseNIP(%q) = %+v, but ParseNIP(%q) = %+v, %v", s, n, n.Raw, again, err)
		}
	})
}
