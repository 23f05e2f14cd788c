// Package period reads the evaluation and export periods of SPEC.md: a month ("2026-11"), a
// quarter ("2026-Q4"), a year ("2026"), a date range ("2026-01-05..2026-04-04"), or a checkpoint
// counted from a contract's signing ("3b", "6b"). Dates are civil dates at midnight UTC.
package period

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
)

// Period is an inclusive range of days.
type Period struct {
	Key        string    // as written, normalised: "2026-11", "2026-Q4", "2026", "3b", "2026-01-05..2026-04-04"
	Start, End time.Time // civil dates, inclusive
	// Checkpoint is 3 or 6 for "3b"/"6b" (months from signing), 0 otherwise.
	Checkpoint int
}

// ErrFormat is returned for a period that is none of the known forms.
var ErrFormat = errors.New("period: use 2026-11, 2026-Q4, 2026, 3b, 6b or YYYY-MM-DD..YYYY-MM-DD")

var (
	monthForm   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterForm = regexp.MustCompile(`^(\d{4})-[qQ]([1-4])$`)
	yearForm    = regexp.MustCompile(`^(\d{4})$`)
	checkForm   = regexp.MustCompile(`^([36])[bB]$`)
)

// Parse reads a calendar period. A checkpoint ("3b", "6b") needs the signing date: give it with
// Checkpoint; Parse returns it with Checkpoint set and no dates.
func Parse(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if m := checkForm.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Period{Key: m[1] + "b", Checkpoint: n}, nil
	}
	if m := monthForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 || !plausible(y) {
			return Period{}, ErrFormat
		}
		start := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		return Period{Key: s, Start: start, End: start.AddDate(0, 1, -1)}, nil
	}
	if m := quarterForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		if !plausible(y) {
			return Period{}, ErrFormat
		}
		start := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
		return Period{Key: fmt.Sprintf("%d-Q%d", y, q), Start: start, End: start.AddDate(0, 3, -1)}, nil
	}
	if m := yearForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		if !plausible(y) {
			return Period{}, ErrFormat
		}
		return Period{Key: s, Start: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)}, nil
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		from, err1 := calendar.Parse(strings.TrimSpace(a))
		to, err2 := calendar.Parse(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || to.Before(from) || !plausible(from.Year()) || !plausible(to.Year()) {
			return Period{}, ErrFormat
		}
		start, end := from.Time(), to.Time()
		return Period{Key: start.Format("2006-01-02") + ".." + end.Format("2006-01-02"), Start: start, End: end}, nil
	}
	return Period{}, ErrFormat
}

// Checkpoint is the period of the first n months after signing: from the signing date to the day
// before the same date n months later (signed 5 Jan: 3b is 5 Jan – 4 Apr).
func Checkpoint(n int, signed time.Time) Period {
	start := time.Date(signed.Year(), signed.Month(), signed.Day(), 0, 0, 0, 0, time.UTC)
	return Period{Key: strconv.Itoa(n) + "b", Start: start, End: start.AddDate(0, n, -1), Checkpoint: n}
}

func plausible(y int) bool { return y >= 2000 && y <= 2100 }
