package config

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// dateLayout is the only date form the config accepts, the ISO form TOML
// itself uses, so that 02-03-2026 can never be read as the wrong month.
const dateLayout = "2006-01-02"

// Holiday is one day off from [holidays] dates. In the file it is written
// "YYYY-MM-DD" or "YYYY-MM-DD Keterangan" (a description after a space), or
// as a bare TOML date.
type Holiday struct {
	// Date is the civil date at midnight UTC. Compare it with a local day
	// by year, month and day, not as an instant.
	Date time.Time
	// Name is the optional description, such as "Hari Raya Natal".
	Name string
}

// ParseHoliday parses "YYYY-MM-DD" or "YYYY-MM-DD Keterangan", the form used
// in [holidays] dates.
func ParseHoliday(s string) (Holiday, error) {
	s = strings.TrimSpace(s)
	datePart, name := s, ""
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		datePart, name = s[:i], strings.TrimSpace(s[i:])
	}
	d, err := time.Parse(dateLayout, datePart)
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

// UnmarshalTOML accepts a string (see [ParseHoliday]) or a bare TOML date
// such as 2026-12-25, since operators who know TOML will write the latter.
func (h *Holiday) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		return h.UnmarshalText([]byte(v))
	case time.Time:
		if hh, mm, ss := v.Clock(); hh != 0 || mm != 0 || ss != 0 || v.Nanosecond() != 0 {
			return fmt.Errorf("invalid holiday %s: write a date without a time", v.Format(time.RFC3339))
		}
		*h = Holiday{Date: time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)}
		return nil
	default:
		return fmt.Errorf("invalid holiday %v: write \"YYYY-MM-DD\" or \"YYYY-MM-DD Keterangan\"", v)
	}
}

// MarshalText writes the holiday in the form ParseHoliday reads.
func (h Holiday) MarshalText() ([]byte, error) {
	return []byte(h.String()), nil
}

// String returns "YYYY-MM-DD" or "YYYY-MM-DD Keterangan".
func (h Holiday) String() string {
	if h.Name == "" {
		return h.Date.Format(dateLayout)
	}
	return h.Date.Format(dateLayout) + " " + h.Name
}
