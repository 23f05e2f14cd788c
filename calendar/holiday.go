package calendar

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Kinds of holiday in the national calendar (the three ministers' joint decree, SKB).
const (
	KindNational   = "libur nasional"
	KindCollective = "cuti bersama"
)

// Where a holiday comes from.
const (
	// SourceConfig is a day of the config file's [holidays] dates: changed only there.
	SourceConfig = "config"
	// SourceStored is a day of the database's holiday table: copied from the embedded national
	// calendar once a year, or added with /libur (and removable with /libur hapus).
	SourceStored = "libur"
)

// Holiday is a day off for every OPD: a national holiday, a cuti bersama, or a day the city
// gives (the config's [holidays], /libur). It is the one holiday type of Lapkin: the config
// reads it, the store returns it, the embedded national calendar lists it.
type Holiday struct {
	Date Date
	Name string // "Hari Raya Natal"; may be empty in the config
	// Kind is KindNational or KindCollective for the embedded national calendar, else "".
	Kind string
	// Source is SourceConfig, SourceStored, or the embedded file a national day comes from.
	Source string
}

// ParseHoliday parses "YYYY-MM-DD" or "YYYY-MM-DD Keterangan" (a description after a space),
// the form of the config's [holidays] dates.
func ParseHoliday(s string) (Holiday, error) {
	s = strings.TrimSpace(s)
	datePart, name := s, ""
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		datePart, name = s[:i], strings.TrimSpace(s[i:])
	}
	d, err := Parse(datePart)
	if err != nil {
		return Holiday{}, fmt.Errorf("invalid holiday %q: write \"YYYY-MM-DD\" or \"YYYY-MM-DD Keterangan\"", s)
	}
	return Holiday{Date: d, Name: name}, nil
}

// UnmarshalText parses the form described at [ParseHoliday].
func (h *Holiday) UnmarshalText(text []byte) error {
	v, err := ParseHoliday(string(text))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// UnmarshalTOML accepts a string (see [ParseHoliday]) or a bare TOML date such as 2026-12-25,
// since operators who know TOML will write the latter.
func (h *Holiday) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		return h.UnmarshalText([]byte(v))
	case time.Time:
		if hh, mm, ss := v.Clock(); hh != 0 || mm != 0 || ss != 0 || v.Nanosecond() != 0 {
			return fmt.Errorf("invalid holiday %s: write a date without a time", v.Format(time.RFC3339))
		}
		*h = Holiday{Date: Of(v)}
		return nil
	default:
		return fmt.Errorf("invalid holiday %v: write \"YYYY-MM-DD\" or \"YYYY-MM-DD Keterangan\"", v)
	}
}

// MarshalText writes the holiday in the form ParseHoliday reads.
func (h Holiday) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// String returns "YYYY-MM-DD" or "YYYY-MM-DD Keterangan".
func (h Holiday) String() string {
	if h.Name == "" {
		return h.Date.String()
	}
	return h.Date.String() + " " + h.Name
}
