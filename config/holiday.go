package config

import "github.com/lapkin-id/lapkin/calendar"

// Holiday is one day off from [holidays] dates: calendar.Holiday, Lapkin's one holiday type. In
// the file it is written "YYYY-MM-DD" or "YYYY-MM-DD Keterangan" (a description after a space),
// or as a bare TOML date; the ISO form is the only one, so that 02-03-2026 can never be read as
// the wrong month.
type Holiday = calendar.Holiday

// ParseHoliday parses "YYYY-MM-DD" or "YYYY-MM-DD Keterangan", the form used in [holidays] dates.
func ParseHoliday(s string) (Holiday, error) { return calendar.ParseHoliday(s) }
