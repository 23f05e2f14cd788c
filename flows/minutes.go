package flows

import (
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// Effective minutes (issue 21, item 1): the time a report says the work took (its duration,
// `90m`, `2j`, or what free text said), added up per day and per month and held against the
// thresholds of [kinerja]. Which reports count is [kinerja] minutes_count: validated ones only,
// or those waiting for validation too; returned and deleted reports never count.

// minutesConfigured reports whether a threshold is set: the digest and /tim show minutes only then.
func (e *Engine) minutesConfigured() bool { return e.opt.MinutesDay > 0 || e.opt.MinutesMonth > 0 }

// minutesOf returns what rep adds to its author's effective minutes.
func (e *Engine) minutesOf(rep *store.Report) int {
	if rep.Minutes == nil || *rep.Minutes <= 0 {
		return 0
	}
	switch rep.Status {
	case store.ReportApproved:
		return *rep.Minutes
	case store.ReportSubmitted:
		if !e.opt.MinutesApprovedOnly {
			return *rep.Minutes
		}
	}
	return 0
}

// sumMinutes adds up the effective minutes of reps.
func (e *Engine) sumMinutes(reps []store.Report) int {
	n := 0
	for i := range reps {
		n += e.minutesOf(&reps[i])
	}
	return n
}

// monthMinutesThreshold is the month's threshold of someone with work working days in it:
// [kinerja] minutes_month when set, else minutes_day for each working day; 0 when neither is set.
func (e *Engine) monthMinutesThreshold(work int) int {
	if e.opt.MinutesMonth > 0 {
		return e.opt.MinutesMonth
	}
	return e.opt.MinutesDay * work
}

// minutesPct is minutes as a share of threshold, written as a percentage; "" without a threshold.
func minutesPct(minutes, threshold int) string {
	if threshold <= 0 {
		return ""
	}
	return FormatPercent(100 * float64(minutes) / float64(threshold))
}

// minutesLines are /progres's lines on effective minutes: today's against the daily threshold,
// and this month's against the month's (its working days from the person's compliance start,
// less holidays and leave). They are shown when a threshold is set or the person recorded
// minutes this month.
func (r *request) minutesLines(emp *store.Employee) ([]string, error) {
	first := time.Date(r.today.Year(), r.today.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	reps, err := r.tx.ReportsBetween(r.ctx, emp.NIP, dateKey(first), dateKey(r.today))
	if err != nil {
		return nil, err
	}
	month, today := 0, 0
	for i := range reps {
		m := r.e.minutesOf(&reps[i])
		month += m
		if reps[i].LocalDate == dateKey(r.today) {
			today += m
		}
	}
	if month == 0 && !r.e.minutesConfigured() {
		return nil, nil
	}
	cal, err := r.calendarFor(emp, first, last)
	if err != nil {
		return nil, err
	}
	from := first
	if start, _, err := r.complianceStart(emp); err != nil {
		return nil, err
	} else if start.After(from) {
		from = start
	}
	threshold := r.e.monthMinutesThreshold(cal.count(from, last, nil).Work)
	day := 0
	if cal.kind(r.today) == dayWork {
		day = r.e.opt.MinutesDay
	}
	return []string{
		r.t("minutes.today", catalog.Args{"Minutes": FormatNumber(float64(today)), "Threshold": formatThreshold(day),
			"Pct": minutesPct(today, day)}),
		r.t("minutes.month", catalog.Args{"Minutes": FormatNumber(float64(month)), "Threshold": formatThreshold(threshold),
			"Pct": minutesPct(month, threshold), "Approved": r.e.opt.MinutesApprovedOnly}),
	}, nil
}

// formatThreshold writes a threshold, "" for none (the catalog's templates test it).
func formatThreshold(n int) string {
	if n <= 0 {
		return ""
	}
	return FormatNumber(float64(n))
}
