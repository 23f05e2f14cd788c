package flows

import (
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// minutesPerDay is the most effective time one day can hold.
const minutesPerDay = 24 * 60

// checkDayMinutes refuses a report whose effective minutes, with those the person already
// reported for its day, come to more than 24 hours (issue 26, item 5): each duration may be
// plausible on its own ("20j" and "6j"), but not together, and the effective-minutes figures of
// a recap would be false. The reply says what the day already holds.
func (r *request) checkDayMinutes(rep store.Report) error {
	if rep.Minutes == nil || *rep.Minutes <= 0 {
		return nil
	}
	have, err := r.tx.DayMinutes(r.ctx, rep.NIP, rep.LocalDate)
	if err != nil {
		return err
	}
	if have+*rep.Minutes <= minutesPerDay {
		return nil
	}
	left := max(0, minutesPerDay-have)
	return invalid("report.day_over_24h", catalog.Args{"Have": FormatMinutes(r.lang, have), "Add": FormatMinutes(r.lang, *rep.Minutes),
		"Left": FormatMinutes(r.lang, left), "HasLeft": left > 0})
}
