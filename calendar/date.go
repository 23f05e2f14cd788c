// Package calendar is Lapkin's one working calendar: civil dates (Date, Month), the city's
// holidays (the national calendar, the config's days off and those added with /libur), an OPD's
// working week (five or six days) and a person's leave. Every count of working days goes through
// it: compliance, reminders, the digest, /tim, /evaluate, the monthly recap, the deadlines of
// validation, the demo's history and the seed. It knows no database and no chat: callers read
// the holidays and the leave and hand them over.
package calendar

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Date is a civil date: a day of the calendar, with no time and no time zone. The zero Date is no
// date (IsZero); Dates compare with <, == and >, and a Date plus n is n days later.
//
// It is a count of days (day 1 is 1 January of year 1), so that a walk over a year of days for
// 20,000 people costs additions, not time.Time arithmetic.
type Date int32

// unixDate is the Date of 1 January 1970.
const unixDate Date = 719163

// New returns the date y-m-d. Out-of-range months and days are normalised as time.Date does
// (31 November is 1 December).
func New(y int, m time.Month, d int) Date {
	return fromUnix(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix())
}

// Of returns the civil date of t in t's own location: an instant in Asia/Jakarta at 00:30 is that
// day, not the day before as it is in UTC. Convert with t.In(loc) first to read it elsewhere.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return New(y, m, d)
}

// OfIn returns the civil date of the instant t in loc: the day it is in the city (Asia/Jakarta,
// the config's zone) whatever zone t was made in.
func OfIn(t time.Time, loc *time.Location) Date { return Of(t.In(loc)) }

func fromUnix(sec int64) Date {
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	return unixDate + Date(days)
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == 0 }

// Time returns d at midnight UTC: the form the flows compare civil dates in.
func (d Date) Time() time.Time { return time.Unix(int64(d-unixDate)*86400, 0).UTC() }

// In returns the first instant of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// Date returns the year, month and day of d.
func (d Date) Date() (year int, month time.Month, day int) { return d.Time().Date() }

// Year returns d's year.
func (d Date) Year() int { y, _, _ := d.Date(); return y }

// Month returns d's month of the year.
func (d Date) Month() time.Month { _, m, _ := d.Date(); return m }

// Day returns d's day of the month.
func (d Date) Day() int { _, _, dd := d.Date(); return dd }

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday {
	// 1 January 1970 was a Thursday.
	return time.Weekday(((int(d-unixDate)+4)%7 + 7) % 7)
}

// AddDays returns the date n days after d (before it for a negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddMonths returns d moved by n months, normalised as time.AddDate does (31 January plus one
// month is 3 March in a common year).
func (d Date) AddMonths(n int) Date {
	y, m, dd := d.Date()
	return New(y, m+time.Month(n), dd)
}

// Monday returns the Monday of d's week, weeks running Monday to Sunday as the digest's do: d
// itself on a Monday, the Monday before on a Sunday.
func (d Date) Monday() Date { return d - Date((int(d.Weekday())+6)%7) }

// Sub returns the number of days from e to d (d - e).
func (d Date) Sub(e Date) int { return int(d - e) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d < e }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d > e }

// Compare returns -1 when d is before e, +1 when it is after, and 0 when they are the same day:
// the form slices.SortFunc wants.
func (d Date) Compare(e Date) int {
	switch {
	case d < e:
		return -1
	case d > e:
		return 1
	}
	return 0
}

// String returns d as YYYY-MM-DD, the form dates are stored and typed in, or "" for the zero Date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		return d.Time().Format("2006-01-02")
	}
	// By hand: a city's evaluation formats millions of days.
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return string(b[:])
}

// ErrSyntax is what Parse returns for text that is not a YYYY-MM-DD date.
var ErrSyntax = errors.New("not a date in the form YYYY-MM-DD")

// Parse reads a date written YYYY-MM-DD, the stored form. It refuses anything else, including
// dates that do not exist (2026-02-30): the forms people type (DD-MM-YYYY, 23/11) are the parse
// package's business.
func Parse(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q: %w", s, ErrSyntax)
	}
	n := func(part string) int {
		v := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := n(s[:4]), n(s[5:7]), n(s[8:])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("%q: %w", s, ErrSyntax)
	}
	out := New(y, time.Month(m), d)
	if out.Day() != d {
		return 0, fmt.Errorf("%q: no such day: %w", s, ErrSyntax)
	}
	return out, nil
}

// MustParse is Parse for dates the program wrote itself; it panics on anything else.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic("calendar: " + err.Error())
	}
	return d
}

// MarshalText writes d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value writes d to the database as the TEXT the schema keeps dates in (YYYY-MM-DD, byte for
// byte what the store wrote before Date existed); the zero Date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d == 0 {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date column: TEXT (or a blob) in the form YYYY-MM-DD, or NULL for the zero Date. A
// column that does not read is an error, never a silent year 1.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = 0
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	case time.Time:
		// A driver that reads a DATE column as a time gives midnight UTC of the stored day.
		*d = Of(v.UTC())
		return nil
	}
	return fmt.Errorf("scan date from %T: %w", src, ErrSyntax)
}

func (d *Date) scanText(s string) error {
	v, err := Parse(s)
	if err != nil {
		return fmt.Errorf("scan date: %w", err)
	}
	*d = v
	return nil
}

// Month is a month of a year: the unit of the monthly recap and of the month that closes.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month d falls in.
func MonthOf(d Date) Month {
	y, m, _ := d.Date()
	return Month{y, m}
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, fmt.Errorf("%q: not a month in the form YYYY-MM", s)
	}
	d, err := Parse(s + "-01")
	if err != nil {
		return Month{}, fmt.Errorf("%q: not a month in the form YYYY-MM", s)
	}
	return MonthOf(d), nil
}

// First returns the month's first day.
func (m Month) First() Date { return New(m.Year, m.Month, 1) }

// Last returns the month's last day.
func (m Month) Last() Date { return New(m.Year, m.Month+1, 1) - 1 }

// Next returns the month after m.
func (m Month) Next() Month { return MonthOf(m.Last() + 1) }

// Prev returns the month before m.
func (m Month) Prev() Month { return MonthOf(m.First() - 1) }

// Day returns day d of the month, or the month's last day when it has fewer days.
func (m Month) Day(d int) Date {
	if last := m.Last(); d > last.Day() {
		return last
	}
	return New(m.Year, m.Month, max(d, 1))
}

// Contains reports whether d falls in m.
func (m Month) Contains(d Date) bool { return d >= m.First() && d <= m.Last() }

// String returns YYYY-MM.
func (m Month) String() string { return m.First().String()[:7] }
