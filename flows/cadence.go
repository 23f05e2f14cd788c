package flows

import (
	"time"

	"github.com/lapkin-id/lapkin/period"
)

// The evaluation cadence (issue 21, item 6): [evaluation] checkpoints says when officials are
// evaluated. "3b, 6b" (the default, Bekasi's rule) is 3 and 6 months after signing; "bulanan"
// every calendar month and "triwulan" every quarter (Bengkulu's rule). The evaluation_due job
// announces the periods that end in the week, and /evaluate without a period takes the current one.

// cadence is the configured rule: "3b6b", "bulanan" or "triwulan".
func (e *Engine) cadence() string {
	switch e.opt.Checkpoints {
	case "bulanan", "triwulan":
		return e.opt.Checkpoints
	}
	return "3b6b"
}

// calendarPeriod is the month or quarter holding day d.
func calendarPeriod(cadence string, d time.Time) period.Period {
	key := d.Format("2006-01")
	if cadence == "triwulan" {
		key = d.Format("2006") + "-Q" + itoa((int(d.Month())-1)/3+1)
	}
	p, _ := period.Parse(key) // a form this function wrote
	return p
}

// latestCalendarPeriod is the latest month or quarter over by today, or, when signed falls after
// it (a contract signed this month), the current one, which counts up to today.
func (r *request) latestCalendarPeriod(signed time.Time) period.Period {
	current := calendarPeriod(r.e.cadence(), r.today)
	over := calendarPeriod(r.e.cadence(), current.Start.AddDate(0, 0, -1))
	if signed.After(over.End) {
		return current
	}
	return over
}

// defaultPeriod is the period /evaluate takes without one, for a contract signed on signed: with
// "3b, 6b" the latest checkpoint over, else the first one so far; with "bulanan" or "triwulan"
// the latest month or quarter over.
func (r *request) defaultPeriod(signed time.Time) period.Period {
	if r.e.cadence() != "3b6b" {
		return r.latestCalendarPeriod(signed)
	}
	p := period.Checkpoint(3, signed)
	if six := period.Checkpoint(6, signed); r.today.After(six.End) {
		p = six
	}
	return p
}

// defaultYear is the contract year /evaluate reads without a period: this year, or with a
// calendar cadence the year of the latest month or quarter over (December's in January).
func (r *request) defaultYear() int {
	if r.e.cadence() == "3b6b" {
		return r.today.Year()
	}
	current := calendarPeriod(r.e.cadence(), r.today)
	return current.Start.AddDate(0, 0, -1).Year()
}

// duePeriods are the periods of a contract signed on signed that the evaluation_due job may
// announce in the week weekStart..weekEnd: its 3- and 6-month checkpoints, or the months or
// quarters of the week's days.
func (r *request) duePeriods(signed, weekStart, weekEnd time.Time) []period.Period {
	switch r.e.cadence() {
	case "bulanan", "triwulan":
		a, b := calendarPeriod(r.e.cadence(), weekStart), calendarPeriod(r.e.cadence(), weekEnd)
		if a.Key == b.Key {
			return []period.Period{a}
		}
		return []period.Period{a, b}
	}
	return []period.Period{period.Checkpoint(3, signed), period.Checkpoint(6, signed)}
}
