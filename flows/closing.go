package flows

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// The month that closes (issue 21, item 3). Month m closes at the end of day [kinerja] close_day
// of the month after it: until then late reports for it (within the back-dating rule), its
// validations and its leave may still change; afterwards nothing about it does, and its recap is
// final. An admin may reopen one person's month for a few working days with a reason, which is
// kept (/bukabulan).

// reopenWorkingDays is how long a reopened month stays open: through the third working day after
// the day it was reopened (the person's OPD calendar), time for a late validation or a leave
// record, short enough that the recap is final again before the next payroll.
const reopenWorkingDays = 3

// maxReopenReason bounds the reason kept with a reopening.
const maxReopenReason = 200

// closing is the city's rule of the month that closes.
func (e *Engine) closing() calendar.Closing { return calendar.Closing(e.opt.CloseDay) }

// monthOpen reports whether what nip did on day (a civil date, midnight UTC) may still change on
// r.today: day's month is not closed yet ([kinerja] close_day), or an admin reopened it for nip
// and the reopening still runs. Everything that would change a month asks it first: a report
// for an earlier day, a validation, leave and its approval.
func (r *request) monthOpen(nip string, day time.Time) (bool, error) {
	m := calendar.MonthOf(calendar.Of(day))
	if !r.e.closing().Closed(m, calendar.Of(r.today)) {
		return true, nil
	}
	rs, err := r.tx.Reopenings(r.ctx, nip, dateKey(r.today))
	if err != nil {
		return false, err
	}
	for _, ro := range rs {
		if ro.Month == m.String() {
			return true, nil
		}
	}
	return false, nil
}

// checkMonthOpen is monthOpen as a coded refusal: nil when day's month is open for nip, else
// a reply naming the month, when it closed and who can reopen it.
func (r *request) checkMonthOpen(nip string, day time.Time) error {
	open, err := r.monthOpen(nip, day)
	if err != nil || open {
		return err
	}
	m := calendar.MonthOf(calendar.Of(day))
	return conflict("month.closed", catalog.Args{"Month": r.monthLabel(r.lang, m),
		"Closed": FormatDate(r.lang, r.e.closing().LastOpen(m).Time())})
}

// checkHolidayMonthOpen refuses a holiday added to or removed from a closed month: it would
// change every recap of that month, which payroll has read. A reopening for one person does not
// open the city's calendar.
func (r *request) checkHolidayMonthOpen(d time.Time) error {
	m := calendar.MonthOf(calendar.Of(d))
	if !r.e.closing().Closed(m, calendar.Of(r.today)) {
		return nil
	}
	return conflict("month.closed_holiday", catalog.Args{"Month": r.monthLabel(r.lang, m),
		"Closed": FormatDate(r.lang, r.e.closing().LastOpen(m).Time())})
}

// monthLabel writes a month as "November 2026".
func (r *request) monthLabel(lang string, m calendar.Month) string {
	return monthName(lang, m.Month) + " " + itoa(m.Year)
}

// openReviewScope limits scope to the reports that may still be validated: those of months not
// closed yet, and those of months reopened for their author.
func (r *request) openReviewScope(scope store.ReviewScope) (store.ReviewScope, error) {
	first := r.e.closing().FirstOpen(calendar.Of(r.today))
	if first.IsZero() {
		return scope, nil
	}
	scope.OpenFrom = first.String()
	rs, err := r.tx.Reopenings(r.ctx, "", dateKey(r.today))
	if err != nil {
		return scope, err
	}
	for _, ro := range rs {
		m, err := calendar.ParseMonth(ro.Month)
		if err != nil {
			continue
		}
		scope.Reopened = append(scope.Reopened, store.DateRange{NIP: ro.NIP, From: m.First().String(), To: m.Last().String()})
	}
	return scope, nil
}

// cmdReopen is /bukabulan <NIP> <YYYY-MM> <alasan> (admin): the person's closed month opens
// again for reopenWorkingDays working days, the reason is kept, and the person and their
// supervisor are told.
func cmdReopen(r *request, args string) error {
	nipArg, rest := teamSplit(args)
	monthArg, reason := teamSplit(rest)
	if nipArg == "" || monthArg == "" {
		return invalid("reopen.format", nil)
	}
	emp, err := r.employeeArg(nipArg)
	if err != nil {
		return err
	}
	m, err := calendar.ParseMonth(monthArg)
	if err != nil {
		return invalid("reopen.bad_month", catalog.Args{"Value": monthArg})
	}
	label := r.monthLabel(r.lang, m)
	today := calendar.Of(r.today)
	if m.First() > today {
		return invalid("reopen.future", catalog.Args{"Month": label})
	}
	if !r.e.closing().Closed(m, today) {
		if r.e.opt.CloseDay <= 0 {
			return conflict("reopen.never_closes", nil)
		}
		return conflict("reopen.not_closed", catalog.Args{"Month": label,
			"Until": FormatDate(r.lang, r.e.closing().LastOpen(m).Time())})
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return invalid("reopen.reason_required", catalog.Args{"Month": label, "NIP": emp.NIP, "Value": m.String()})
	}
	if utf8.RuneCountInString(reason) > maxReopenReason {
		return invalid("reopen.reason_too_long", catalog.Args{"Max": maxReopenReason})
	}
	cal, err := r.calendarFor(&store.Employee{OPDCode: emp.OPDCode}, r.today, r.today.AddDate(0, 2, 0))
	if err != nil {
		return err
	}
	until := cal.days.AddWorkingDays(today, reopenWorkingDays)
	if _, err := r.tx.AddReopening(r.ctx, store.Reopening{NIP: emp.NIP, Month: m.String(), OpenUntil: until.String(),
		Reason: reason, OpenedBy: r.who.NIP, OpenedAt: r.now}); err != nil {
		return err
	}
	tell := func(lang string) catalog.Args {
		return catalog.Args{"Month": r.monthLabel(lang, m), "Until": FormatLongDate(lang, until.Time()), "Reason": reason,
			"By": r.who.Name, "Employee": emp.Name}
	}
	if err := r.notifyFunc(emp.NIP, func(lang, name string) string {
		a := tell(lang)
		a["Name"] = name
		return r.tl(lang, "reopen.notice", a)
	}); err != nil {
		return err
	}
	if sup, err := r.supervisorOf(emp); err != nil {
		return err
	} else if sup != "" && sup != r.who.NIP {
		if err := r.notifyFunc(sup, func(lang, name string) string {
			a := tell(lang)
			a["Name"] = name
			return r.tl(lang, "reopen.notice_supervisor", a)
		}); err != nil {
			return err
		}
	}
	r.say("reopen.done", tell(r.lang))
	return nil
}
