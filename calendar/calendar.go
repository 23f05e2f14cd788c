package calendar

import (
	"sort"
	"time"
)

// Calendar is the city's holidays: every day off that applies to all OPDs. It is made from the
// sources Lapkin has (NewCalendar) and read by Days, which adds an OPD's working week and a
// person's leave. A Calendar is never changed once made, so it may be shared.
type Calendar struct {
	days map[Date]Holiday
}

// NewCalendar merges holiday lists into one calendar. When two lists name the same date the first
// list wins: callers pass the config's days first, since an operator cannot change those in chat
// (/libur refuses them) and they are what the config file says.
func NewCalendar(sources ...[]Holiday) *Calendar {
	n := 0
	for _, s := range sources {
		n += len(s)
	}
	c := &Calendar{days: make(map[Date]Holiday, n)}
	for _, s := range sources {
		for _, h := range s {
			if h.Date.IsZero() {
				continue
			}
			if _, ok := c.days[h.Date]; !ok {
				c.days[h.Date] = h
			}
		}
	}
	return c
}

// Holiday returns the holiday on d, if d is one.
func (c *Calendar) Holiday(d Date) (Holiday, bool) {
	if c == nil {
		return Holiday{}, false
	}
	h, ok := c.days[d]
	return h, ok
}

// Between returns the holidays from..to (inclusive), by date.
func (c *Calendar) Between(from, to Date) []Holiday {
	if c == nil {
		return nil
	}
	var out []Holiday
	for d, h := range c.days {
		if d >= from && d <= to {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// InWorkWeek reports whether d is a day of an OPD's working week: Monday to Friday, and Saturday
// too when the OPD works six days (workDays 6; health and education offices often do). It is the
// one place the rule is written; holidays and leave are Days' business.
func InWorkWeek(d Date, workDays int) bool {
	switch d.Weekday() {
	case time.Sunday:
		return false
	case time.Saturday:
		return workDays == 6
	}
	return true
}

// WeekEnd returns the last day of an OPD's working week that holds d: its Friday, or its
// Saturday when the OPD works six days. Holidays do not move it: a week's digest ends there.
func WeekEnd(d Date, workDays int) Date {
	last := d.Monday() + 6
	for !InWorkWeek(last, workDays) {
		last--
	}
	return last
}

// Kind is what a date is for one person or OPD.
type Kind uint8

// The kinds of day. A holiday that falls in someone's leave is a holiday: leave is never charged
// for a day nobody works.
const (
	Work    Kind = iota // a working day: a report is expected
	Weekend             // outside the OPD's working week
	Off                 // a holiday of the city
	Leave               // the person's approved leave, sick leave or official travel
)

// String names the kind: "work", "weekend", "holiday" or "leave".
func (k Kind) String() string {
	switch k {
	case Work:
		return "work"
	case Weekend:
		return "weekend"
	case Off:
		return "holiday"
	case Leave:
		return "leave"
	}
	return "unknown"
}

// Span is a run of days, From..To inclusive: a period of leave.
type Span struct {
	From, To Date
}

// Days is the working calendar of one person, or of an OPD as a whole (no leave): the city's
// holidays, the OPD's working week and the person's leave. It is a small value: make one per
// person and period.
type Days struct {
	cal      *Calendar
	workDays int
	leave    []Span
}

// Days returns the calendar of someone in an OPD working workDays days a week (5 or 6; anything
// else is 5) with the given leave. Without leave it is the OPD's own calendar.
func (c *Calendar) Days(workDays int, leave ...Span) Days {
	if workDays != 6 {
		workDays = 5
	}
	return Days{cal: c, workDays: workDays, leave: leave}
}

// WorkDays returns the length of the working week: 5 or 6.
func (d Days) WorkDays() int { return d.workDays }

// Calendar returns the city's holidays this calendar reads.
func (d Days) Calendar() *Calendar { return d.cal }

// WithoutLeave returns the same calendar without the person's leave: how many working days a
// leave would cover is asked of it.
func (d Days) WithoutLeave() Days { d.leave = nil; return d }

// Kind tells what day is.
func (d Days) Kind(day Date) Kind {
	if !InWorkWeek(day, d.workDays) {
		return Weekend
	}
	return d.weekdayKind(day)
}

// weekdayKind is Kind for a day of the working week.
func (d Days) weekdayKind(day Date) Kind {
	if _, ok := d.cal.Holiday(day); ok {
		return Off
	}
	for _, l := range d.leave {
		if l.From <= day && day <= l.To {
			return Leave
		}
	}
	return Work
}

// Holiday returns the holiday on day, if it is one (whatever the day of the week).
func (d Days) Holiday(day Date) (Holiday, bool) { return d.cal.Holiday(day) }

// Working reports whether day is a working day.
func (d Days) Working(day Date) bool { return d.Kind(day) == Work }

// Count is how the days of a period divide: working days (and how many of them have a report),
// holidays and leave on days of the working week. Weekends are not counted.
type Count struct {
	Work, Reported, Holiday, Leave int
}

// Count walks from..to (inclusive) and counts its days by kind; reported, when not nil, says
// which days have a report, and Reported counts the working days among them.
func (d Days) Count(from, to Date, reported func(Date) bool) Count {
	var c Count
	for day := from; day <= to; day++ {
		if !InWorkWeek(day, d.workDays) {
			continue
		}
		switch d.weekdayKind(day) {
		case Work:
			c.Work++
			if reported != nil && reported(day) {
				c.Reported++
			}
		case Off:
			c.Holiday++
		case Leave:
			c.Leave++
		}
	}
	return c
}

// WorkingDays returns the working days from..to (inclusive), in order.
func (d Days) WorkingDays(from, to Date) []Date {
	var out []Date
	for day := from; day <= to; day++ {
		if d.Kind(day) == Work {
			out = append(out, day)
		}
	}
	return out
}

// AddWorkingDays returns the n-th working day after from (from itself not counted): the deadline
// of something due within n working days. n of 0 or less returns from.
func (d Days) AddWorkingDays(from Date, n int) Date {
	day := from
	// A year of holidays and leave cannot hide more than a few hundred days: the bound only
	// keeps a calendar with no working day at all from looping.
	for i := 0; n > 0 && i < 3660; i++ {
		day++
		if d.Kind(day) == Work {
			n--
		}
	}
	return day
}

// Streak counts the consecutive working days with a report ending today, or ending the working
// day before when today has no report yet (the day is not over). Weekends, holidays and leave do
// not break a streak. It looks at most limit days back, and open reports whether the streak may
// go on beyond them (no unreported working day was met): a caller that read fewer days of
// reports than it must then reads further.
func (d Days) Streak(today Date, reported func(Date) bool, limit int) (n int, open bool) {
	day := today
	if !reported(day) {
		day--
	}
	for i := 0; i < limit; i, day = i+1, day-1 {
		if d.Kind(day) != Work {
			continue
		}
		if !reported(day) {
			return n, false
		}
		n++
	}
	return n, true
}
