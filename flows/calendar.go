package flows

import (
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// Day kinds for one employee on one date.
const (
	dayWork    = "work"
	dayWeekend = "weekend"
	dayHoliday = "holiday"
	dayLeave   = "leave"
)

// calendar knows which days one employee was expected to work: five or six days a week by their
// OPD, less holidays (the config's and /libur's), less their own leave. Leave never counts against
// anyone.
type calendar struct {
	workDays int
	holidays map[string]string
	leave    []store.Leave
}

// calendarFor loads the calendar of emp for from..to (civil dates).
func (r *request) calendarFor(emp *store.Employee, from, to time.Time) (*calendar, error) {
	opd, err := r.tx.OPD(r.ctx, emp.OPDCode)
	if err != nil {
		return nil, err
	}
	c := &calendar{workDays: opd.WorkDays, holidays: map[string]string{}}
	for _, h := range r.e.opt.Holidays {
		c.holidays[h.Date] = h.Name
	}
	hs, err := r.tx.HolidaysBetween(r.ctx, dateKey(from), dateKey(to))
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		c.holidays[h.Date] = h.Name
	}
	c.leave, err = r.tx.LeaveBetween(r.ctx, emp.NIP, dateKey(from), dateKey(to))
	return c, err
}

// kind tells what date d is for this employee.
func (c *calendar) kind(d time.Time) string {
	wd := d.Weekday()
	if wd == time.Sunday || (wd == time.Saturday && c.workDays != 6) {
		return dayWeekend
	}
	return c.kindOf(dateKey(d))
}

// kindOf tells what a working day of the week (not a weekend), written as key, is: a holiday,
// leave or a working day.
func (c *calendar) kindOf(key string) string {
	if _, ok := c.holidays[key]; ok {
		return dayHoliday
	}
	for _, l := range c.leave {
		if l.StartDate <= key && key <= l.EndDate {
			return dayLeave
		}
	}
	return dayWork
}

// span counts the days of from..to by kind.
type span struct {
	Work, Reported, Holiday, Leave int
}

// count walks from..to (inclusive) and counts working days, and those of them with a report.
func (c *calendar) count(from, to time.Time, reported map[string]bool) span {
	var s span
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Sunday || (wd == time.Saturday && c.workDays != 6) {
			continue // what kind says of a weekend, without writing the date
		}
		key := dateKey(d) // once for the calendar and the reports
		switch c.kindOf(key) {
		case dayWork:
			s.Work++
			if reported[key] {
				s.Reported++
			}
		case dayHoliday:
			s.Holiday++
		case dayLeave:
			s.Leave++
		}
	}
	return s
}

// streak counts the consecutive working days with a report, ending today, or yesterday's working
// day when today has no report yet (the day is not over). Holidays, weekends and leave do not
// break a streak.
func (c *calendar) streak(today time.Time, reported map[string]bool, limit int) int {
	n, _ := c.streakOpen(today, reported, limit)
	return n
}

// streakOpen is streak, and whether the streak may go on beyond limit days (no unreported
// working day was met): a caller that looked at fewer days than it must then looks further.
func (c *calendar) streakOpen(today time.Time, reported map[string]bool, limit int) (int, bool) {
	n := 0
	d := today
	if !reported[dateKey(d)] {
		d = d.AddDate(0, 0, -1)
	}
	for i := 0; i < limit; i, d = i+1, d.AddDate(0, 0, -1) {
		if c.kind(d) != dayWork {
			continue
		}
		if !reported[dateKey(d)] {
			return n, false
		}
		n++
	}
	return n, true
}

// expectedFraction is how much of a target's span (signing date to due date) has elapsed at date
// at: 0 before signing, 1 at or after the due date. It is the prorating of SPEC.md's scoring.
func expectedFraction(signed, due, at time.Time) float64 {
	total := due.Sub(signed).Hours() / 24
	if total <= 0 {
		if at.Before(due) {
			return 0
		}
		return 1
	}
	done := at.Sub(signed).Hours() / 24
	switch {
	case done <= 0:
		return 0
	case done >= total:
		return 1
	}
	return done / total
}
