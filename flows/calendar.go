package flows

import (
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/store"
)

// Day kinds for one employee on one date: calendar.Kind, under the names the flows use.
const (
	dayWork    = calendar.Work
	dayWeekend = calendar.Weekend
	dayHoliday = calendar.Off
	dayLeave   = calendar.Leave
)

// workCalendar knows which days one employee was expected to work: calendar.Days (five or six
// days a week by their OPD, less the city's holidays, less their own leave), read with the flows'
// civil dates (midnight UTC). Leave never counts against anyone.
type workCalendar struct {
	days  calendar.Days
	leave []store.Leave // the employee's approved leave of the period, as stored (its kind)
}

// calendarFor loads the calendar of emp for from..to (civil dates): their OPD's week, the city's
// holidays and their approved leave. An employee value with only OPDCode set gives the OPD's
// own calendar (no leave).
func (r *request) calendarFor(emp *store.Employee, from, to time.Time) (*workCalendar, error) {
	opd, err := r.tx.OPD(r.ctx, emp.OPDCode)
	if err != nil {
		return nil, err
	}
	city, err := r.cityCalendar(from, to)
	if err != nil {
		return nil, err
	}
	var leave []store.Leave
	if emp.NIP != "" {
		if leave, err = r.tx.LeaveBetween(r.ctx, emp.NIP, dateKey(from), dateKey(to)); err != nil {
			return nil, err
		}
	}
	return &workCalendar{days: city.Days(opd.WorkDays, leaveSpans(leave)...), leave: leave}, nil
}

// cityCalendar returns the city's holidays from..to: the config's [holidays] and the database's
// (the national calendar copied in each year, and /libur's), merged once, by calendar.NewCalendar,
// for everything that counts days.
//
// A request asks it once per person with the same days (a job walks an OPD, the recap a city):
// the calendar is made once per span and kept for the request, which holidays do not change
// under (a /libur request changes them and counts nothing after).
func (r *request) cityCalendar(from, to time.Time) (*calendar.Calendar, error) {
	key := [2]calendar.Date{calendar.Of(from), calendar.Of(to)}
	if c, ok := r.cityCals[key]; ok {
		return c, nil
	}
	stored, err := r.tx.HolidaysBetween(r.ctx, dateKey(from), dateKey(to))
	if err != nil {
		return nil, err
	}
	c := calendar.NewCalendar(r.e.opt.Holidays, stored)
	if r.cityCals == nil {
		r.cityCals = map[[2]calendar.Date]*calendar.Calendar{}
	}
	r.cityCals[key] = c
	return c, nil
}

// leaveSpans turns stored leave into the calendar's spans. A row whose dates do not read (the
// database's CHECK keeps them ordered; the form is the store's own) excuses nothing.
func leaveSpans(ls []store.Leave) []calendar.Span {
	out := make([]calendar.Span, 0, len(ls))
	for _, l := range ls {
		from, err1 := calendar.Parse(l.StartDate)
		to, err2 := calendar.Parse(l.EndDate)
		if err1 == nil && err2 == nil {
			out = append(out, calendar.Span{From: from, To: to})
		}
	}
	return out
}

// storedDate reads a date the store keeps as TEXT (YYYY-MM-DD), written by dateKey, as the flows'
// civil date (midnight UTC). One that does not read is a damaged row: an error to report, not the
// year 1 to show or count with.
func storedDate(s string) (time.Time, error) {
	d, err := calendar.Parse(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("read stored date: %w", err)
	}
	return d.Time(), nil
}

// formatStored writes a stored date (YYYY-MM-DD) as FormatDate does, for the listings that
// cannot fail. One that does not read is shown as stored, as leaveRange shows a leave's, rather
// than as the year 1.
func formatStored(lang, s string) string {
	d, err := calendar.Parse(s)
	if err != nil {
		return s
	}
	return FormatDate(lang, d.Time())
}

// kind tells what date d is for this employee.
func (c *workCalendar) kind(d time.Time) calendar.Kind { return c.days.Kind(calendar.Of(d)) }

// holiday returns the name of the holiday on d, "" when d is none.
func (c *workCalendar) holiday(d time.Time) string {
	h, _ := c.days.Holiday(calendar.Of(d))
	return h.Name
}

// span counts the days of a period by kind.
type span = calendar.Count

// count walks from..to (inclusive) and counts working days, and those of them with a report.
func (c *workCalendar) count(from, to time.Time, reported map[string]bool) span {
	if from.After(to) {
		return span{}
	}
	var has func(calendar.Date) bool
	if reported != nil {
		has = func(d calendar.Date) bool { return reported[d.String()] }
	}
	return c.days.Count(calendar.Of(from), calendar.Of(to), has)
}

// streak counts the consecutive working days with a report, ending today, or yesterday's working
// day when today has no report yet (the day is not over). Holidays, weekends and leave do not
// break a streak.
func (c *workCalendar) streak(today time.Time, reported map[string]bool, limit int) int {
	n, _ := c.streakOpen(today, reported, limit)
	return n
}

// streakOpen is streak, and whether the streak may go on beyond limit days (no unreported
// working day was met): a caller that looked at fewer days than it must then looks further.
func (c *workCalendar) streakOpen(today time.Time, reported map[string]bool, limit int) (int, bool) {
	return c.days.Streak(calendar.Of(today), func(d calendar.Date) bool { return reported[d.String()] }, limit)
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
