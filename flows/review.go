package flows

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// Validation on time (issue 21, item 2). With [reports] require_approval, a supervisor has
// [reports] review_days working days (of the author's OPD) from the day a report was sent to
// validate it. On the last day the one who validates (the supervisor, or their acting supervisor)
// is reminded once; the day after, what is still unchecked is escalated to the OPD's head, or to
// the admins when the head is the author or the one who let it lapse. An acting supervisor (Plh,
// /plh) validates the supervisor's team and is told in their place for the days named.

// JobReview reminds and escalates validations ([schedule] review).
const JobReview = "review"

// jobReviewEscalation is the ledger of escalations: one row per report, so that a report is
// escalated once whatever day the job first sees it overdue.
const jobReviewEscalation = "review_escalation"

// maxActingDays bounds one /plh appointment; a longer absence is named again.
const maxActingDays = 90

// reviewLines bounds the reports one reminder or escalation names; the rest are counted.
const reviewLines = 10

// reviewOn reports whether validation has deadlines: require_approval with review_days set.
func (e *Engine) reviewOn() bool { return e.opt.RequireApproval && e.opt.ReviewDays > 0 }

// reviewDeadline is the last day to validate a report sent on sent by someone of an OPD whose
// calendar is office: the review_days-th working day after it.
func (e *Engine) reviewDeadline(office calendar.Days, sent time.Time) calendar.Date {
	return office.AddWorkingDays(calendar.Of(sent.In(e.opt.Location)), e.opt.ReviewDays)
}

// officeDays returns the calendar of an OPD (its week and the city's holidays, no leave) from
// from for a year: long enough for any deadline counted from a day in it.
func (r *request) officeDays(opdCode string, from time.Time) (calendar.Days, error) {
	c, err := r.calendarFor(&store.Employee{OPDCode: opdCode}, from, from.AddDate(1, 0, 0))
	if err != nil {
		return calendar.Days{}, err
	}
	return c.days, nil
}

// actingToday returns the acting supervisors (Plh) named for today, of everyone or of nip (as
// the supervisor or the one acting).
func (r *request) actingToday(nip string) ([]store.Acting, error) {
	return r.tx.ActingBetween(r.ctx, nip, dateKey(r.today), dateKey(r.today))
}

// actingFor returns the supervisors the sender stands in for today.
func (r *request) actingFor() ([]string, error) {
	if r.who == nil {
		return nil, nil
	}
	as, err := r.actingToday(r.who.NIP)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range as {
		if a.ActingNIP == r.who.NIP {
			out = append(out, a.SupervisorNIP)
		}
	}
	return out, nil
}

// actingTeam returns the direct reports of the supervisors the sender stands in for today: they
// count among the sender's team for /validasi, /tim and /rekap while the appointment runs.
func (r *request) actingTeam() ([]store.Employee, error) {
	sups, err := r.actingFor()
	if err != nil {
		return nil, err
	}
	var out []store.Employee
	for _, s := range sups {
		subs, err := r.tx.Subordinates(r.ctx, s)
		if err != nil {
			return nil, err
		}
		for _, e := range subs {
			if e.NIP != r.who.NIP {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// canReview reports whether the sender may validate emp's reports: as their supervisor (or head,
// or an admin; canManage), or standing in for their supervisor today.
func (r *request) canReview(emp *store.Employee) (bool, error) {
	if r.canManage(emp) {
		return true, nil
	}
	if r.who == nil || emp.NIP == r.who.NIP {
		return false, nil
	}
	sup, err := r.supervisorOf(emp)
	if err != nil || sup == "" {
		return false, err
	}
	sups, err := r.actingFor()
	if err != nil {
		return false, err
	}
	for _, s := range sups {
		if s == sup {
			return true, nil
		}
	}
	return false, nil
}

// reviewDue describes the deadline of a report waiting for validation, for /validasi's list: the
// working days left, the last day, or how many working days it is late. "" when validation has
// no deadline.
func (r *request) reviewDue(rep *store.Report, offices map[string]calendar.Days) (string, error) {
	if !r.e.reviewOn() {
		return "", nil
	}
	office, ok := offices[rep.OPDCode]
	if !ok {
		var err error
		if office, err = r.officeDays(rep.OPDCode, civil(rep.CreatedAt.In(r.e.opt.Location))); err != nil {
			return "", err
		}
		offices[rep.OPDCode] = office
	}
	due := r.e.reviewDeadline(office, rep.CreatedAt)
	today := calendar.Of(r.today)
	switch {
	case due == today:
		return r.t("review.due_today", nil), nil
	case due > today:
		return r.t("review.due_left", catalog.Args{"Days": office.Count(today+1, due, nil).Work}), nil
	}
	return r.t("review.due_over", catalog.Args{"Days": office.Count(due+1, today, nil).Work}), nil
}

// reject is /validasi tolak <id> <alasan>: the report is rejected (Ditolak), counts nowhere, and
// its author is told why; unlike a returned report it is not to be revised.
func (r *request) reject(scope store.ReviewScope, rest string) error {
	idArg, reason := teamSplit(rest)
	if idArg == "" {
		return invalid("review.format", nil)
	}
	rep, err := r.reviewReport(idArg)
	if err != nil {
		return err
	}
	if reason == "" {
		return invalid("review.reject_reason_required", catalog.Args{"ID": rep.ID})
	}
	if _, err := r.tx.RejectReport(r.ctx, rep.ID, reason, r.who.NIP, r.now); err != nil {
		return err
	}
	author, err := r.tx.Employee(r.ctx, rep.NIP)
	if err != nil {
		return err
	}
	lang := r.teamLang(&author)
	d, err := storedDate(rep.LocalDate)
	if err != nil {
		return fmt.Errorf("report %d: %w", rep.ID, err)
	}
	if err := r.notify(rep.NIP, "review.rejected_notice", catalog.Args{"ID": rep.ID, "Date": FormatDate(lang, d),
		"Text": shorten(rep.Text, 60), "From": r.teamSender(lang), "Reason": reason}); err != nil {
		return err
	}
	return r.reviewDone(scope, r.t("review.rejected", catalog.Args{"ID": rep.ID, "Name": author.Name}))
}

// review is the daily job: for each OPD, the reports waiting for validation whose deadline is
// today remind the one who validates them (once: the ledger holds one row per person and day),
// and those past it are escalated, each report once.
func (e *Engine) review(ctx context.Context, at time.Time) error {
	if !e.reviewOn() {
		return nil
	}
	var opds []store.OPD
	if err := e.store.View(ctx, func(tx *store.Tx) (err error) { opds, err = tx.OPDs(ctx); return err }); err != nil {
		return err
	}
	for _, o := range opds {
		var plan reviewPlan
		err := e.store.View(ctx, func(tx *store.Tx) error {
			r := e.jobRequest(ctx, tx, at)
			var err error
			plan, err = r.reviewPlanOf(o)
			return err
		})
		if err != nil {
			return err
		}
		if len(plan.remind) == 0 && len(plan.escalate) == 0 {
			continue
		}
		if err := e.jobWrite(ctx, at, func(r *request) error { return r.sendReviewPlan(plan) }); err != nil {
			return err
		}
	}
	return nil
}

// jobWrite runs fn as the job scheduled at `at` in a write transaction of its own, and queues what
// fn said in it.
func (e *Engine) jobWrite(ctx context.Context, at time.Time, fn func(r *request) error) error {
	err := e.store.Update(ctx, func(tx *store.Tx) error {
		r := e.jobRequest(ctx, tx, at)
		if err := fn(r); err != nil {
			return err
		}
		return r.flush()
	})
	if err == nil {
		e.queued()
	}
	return err
}

// reviewItem is a report the review job tells someone about.
type reviewItem struct {
	store.Unchecked
	author    string // the author's name
	validator string // who should have validated it: the supervisor, or their Plh
}

// reviewPlan is what the review job will send for one OPD: by recipient, the reports whose last
// day is today (remind) and those past it (escalate).
type reviewPlan struct {
	remind, escalate map[string][]reviewItem
	next             map[string]string // for a reminder: who gets the report if it lapses
}

// reviewPlanOf reads one OPD's unchecked reports of the months still open and decides who is
// told what.
func (r *request) reviewPlanOf(o store.OPD) (reviewPlan, error) {
	plan := reviewPlan{remind: map[string][]reviewItem{}, escalate: map[string][]reviewItem{}, next: map[string]string{}}
	since := r.e.closing().FirstOpen(calendar.Of(r.today))
	if since.IsZero() {
		// Without a close day: the reports of the last two months, which covers any deadline.
		since = calendar.Of(r.today).AddMonths(-2)
	}
	reps, err := r.tx.UncheckedSince(r.ctx, o.Code, since.String())
	if err != nil || len(reps) == 0 {
		return plan, err
	}
	office, err := r.officeDays(o.Code, since.Time())
	if err != nil {
		return plan, err
	}
	emps, err := r.tx.Employees(r.ctx, o.Code)
	if err != nil {
		return plan, err
	}
	byNIP := map[string]*store.Employee{}
	head := ""
	for i := range emps {
		byNIP[emps[i].NIP] = &emps[i]
		if emps[i].Role == store.RoleKepala && head == "" {
			head = emps[i].NIP
		}
	}
	admins, err := r.adminNIPs()
	if err != nil {
		return plan, err
	}
	today := calendar.Of(r.today)
	// Acting supervisors of today, read once for the OPD: a late team has many reports per head.
	acting, err := r.actingToday("")
	if err != nil {
		return plan, err
	}
	plhOf := map[string]string{}
	for _, a := range acting {
		plhOf[a.SupervisorNIP] = a.ActingNIP // the one named last wins
	}
	for _, u := range reps {
		due := r.e.reviewDeadline(office, u.CreatedAt)
		if due > today {
			continue
		}
		author := byNIP[u.NIP]
		if author == nil {
			continue // moved to another OPD since: that OPD's run sees it no more; it waits in /validasi
		}
		// supervisorOf, without reading the OPD again: the atasan, else the head.
		sup := author.SupervisorNIP
		if sup == "" && head != u.NIP {
			sup = head
		}
		validator := sup
		if plh := plhOf[sup]; sup != "" && plh != "" {
			validator = plh
		}
		// Beyond the supervisor: the head, unless the head wrote it or let it lapse; then the admins.
		var up []string
		if head != "" && head != u.NIP && head != sup && head != validator {
			up = []string{head}
		} else {
			for _, a := range admins {
				if a != u.NIP {
					up = append(up, a)
				}
			}
		}
		it := reviewItem{Unchecked: u, author: author.Name, validator: validator}
		if due == today && validator != "" {
			plan.remind[validator] = append(plan.remind[validator], it)
			if len(up) > 0 {
				plan.next[validator] = up[0]
			}
			continue
		}
		if due < today {
			for _, to := range up {
				plan.escalate[to] = append(plan.escalate[to], it)
			}
		}
	}
	return plan, nil
}

// sendReviewPlan claims and queues one OPD's reminders and escalations.
func (r *request) sendReviewPlan(plan reviewPlan) error {
	for _, to := range sortedKeys(plan.remind) {
		items := plan.remind[to]
		ok, err := r.tx.ClaimNotice(r.ctx, JobReview, dateKey(r.today), "remind:"+to, r.now)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		next := ""
		if n := plan.next[to]; n != "" {
			if emp, err := r.tx.Employee(r.ctx, n); err == nil {
				next = emp.Name
			}
		}
		err = r.notifyFunc(to, func(lang, name string) string {
			return r.tl(lang, "review.remind_last_day", catalog.Args{"Name": name, "Count": len(items),
				"List": r.reviewJobList(lang, items, false), "Next": next})
		})
		if err != nil {
			return err
		}
	}
	for _, to := range sortedKeys(plan.escalate) {
		var fresh []reviewItem
		for _, it := range plan.escalate[to] {
			ok, err := r.tx.ClaimNotice(r.ctx, jobReviewEscalation, "-", strconv.FormatInt(it.ID, 10)+":"+to, r.now)
			if err != nil {
				return err
			}
			if ok {
				fresh = append(fresh, it)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		err := r.notifyFunc(to, func(lang, name string) string {
			return r.tl(lang, "review.escalated", catalog.Args{"Name": name, "Count": len(fresh), "Days": r.e.opt.ReviewDays,
				"List": r.reviewJobList(lang, fresh, true)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reviewJobList writes the reports of a reminder or escalation, one a line, at most reviewLines.
func (r *request) reviewJobList(lang string, items []reviewItem, withValidator bool) string {
	var lines []string
	for i, it := range items {
		if i == reviewLines {
			lines = append(lines, r.tl(lang, "team.more", catalog.Args{"Count": len(items) - i}))
			break
		}
		args := catalog.Args{"ID": it.ID, "Name": it.author, "Date": formatStored(lang, it.LocalDate), "Text": shorten(it.Text, 40)}
		if withValidator && it.validator != "" {
			if emp, err := r.tx.Employee(r.ctx, it.validator); err == nil {
				args["Validator"] = emp.Name
			}
		}
		lines = append(lines, r.tl(lang, "review.job_item", args))
	}
	return strings.Join(lines, "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// cmdActing is /plh: bare, the acting supervisors the sender named, stands in for or has;
// `/plh <NIP> <mulai> <selesai> [NIP atasan]` (an OPD head or an admin) names an acting
// supervisor for the sender, or for a supervisor of the head's OPD (an admin: anyone);
// `/plh batal <id>` (cmdActingCancel) ends one; `/plh daftar` (cmdActingList) lists as bare /plh.
func cmdActing(r *request, args string) error {
	words := strings.Fields(args)
	if len(words) == 0 {
		return r.listActing()
	}
	if !r.isAdmin() && r.who.Role != store.RoleKepala {
		return forbidden("plh.head_only", nil) // the head names a Plh, as the practice has it
	}
	if len(words) < 3 || len(words) > 4 {
		return invalid("plh.format", r.actingExample())
	}
	plh, err := r.actingPerson(words[0])
	if err != nil {
		return err
	}
	sup := r.who
	if len(words) == 4 {
		if sup, err = r.actingPerson(words[3]); err != nil {
			return err
		}
		if !r.isAdmin() && sup.NIP != r.who.NIP && !(r.who.Role == store.RoleKepala && sup.OPDCode == r.who.OPDCode) {
			return forbidden("plh.not_yours", catalog.Args{"Supervisor": sup.Name})
		}
	}
	if sup.NIP == plh.NIP {
		return invalid("plh.self", nil)
	}
	if subs, err := r.tx.Subordinates(r.ctx, sup.NIP); err != nil {
		return err
	} else if len(subs) == 0 && sup.Role != store.RoleKepala {
		return conflict("plh.no_team", catalog.Args{"Supervisor": sup.Name})
	}
	start, ok1 := parse.Date(words[1])
	end, ok2 := parse.Date(words[2])
	if !ok1 || !ok2 {
		return invalid("plh.format", r.actingExample())
	}
	if end.Before(start) {
		return invalid("plh.end_before_start", catalog.Args{"Start": FormatDate(r.lang, start), "End": FormatDate(r.lang, end)})
	}
	if days := int(end.Sub(start).Hours()/24) + 1; days > maxActingDays {
		return invalid("plh.too_long", catalog.Args{"Days": days, "Max": maxActingDays})
	}
	if end.Before(r.today) {
		return invalid("plh.past", catalog.Args{"End": FormatDate(r.lang, end)})
	}
	clash, err := r.tx.ActingBetween(r.ctx, sup.NIP, dateKey(start), dateKey(end))
	if err != nil {
		return err
	}
	for _, c := range clash {
		if c.SupervisorNIP == sup.NIP {
			other, _ := r.tx.Employee(r.ctx, c.ActingNIP)
			return conflict("plh.overlap", catalog.Args{"Plh": other.Name, "Range": r.leaveRange(r.lang, c.Start, c.End), "ID": c.ID})
		}
	}
	id, err := r.tx.AddActing(r.ctx, store.Acting{SupervisorNIP: sup.NIP, ActingNIP: plh.NIP, Start: dateKey(start), End: dateKey(end),
		NamedBy: r.who.NIP, CreatedAt: r.now})
	if err != nil {
		return err
	}
	tell := func(lang string) catalog.Args {
		return catalog.Args{"Plh": plh.Name, "Supervisor": sup.Name, "Position": sup.Position,
			"Range": r.leaveRange(lang, dateKey(start), dateKey(end)), "By": r.who.Name, "ID": id}
	}
	if err := r.notifyFunc(plh.NIP, func(lang, name string) string {
		a := tell(lang)
		a["Name"] = name
		return r.tl(lang, "plh.notice_acting", a)
	}); err != nil {
		return err
	}
	if sup.NIP != r.who.NIP {
		if err := r.notifyFunc(sup.NIP, func(lang, name string) string {
			a := tell(lang)
			a["Name"] = name
			return r.tl(lang, "plh.notice_supervisor", a)
		}); err != nil {
			return err
		}
	}
	r.say("plh.done", tell(r.lang))
	return nil
}

// actingPerson reads an NIP argument of /plh: anyone in the roster (an acting supervisor may
// come from another unit).
func (r *request) actingPerson(arg string) (*store.Employee, error) {
	nip, err := roster.ParseNIP(arg)
	if err != nil {
		return nil, invalid("people.bad_nip", catalog.Args{"NIP": arg})
	}
	emp, err := r.tx.Employee(r.ctx, nip.Raw)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("people.not_found", catalog.Args{"NIP": nip.Raw})
	}
	if err != nil {
		return nil, err
	}
	return &emp, nil
}

// actingExample is the example of /plh's format: a week from today.
func (r *request) actingExample() catalog.Args {
	start := r.today.AddDate(0, 0, 7)
	return catalog.Args{"ExStart": dateKey(start), "ExEnd": dateKey(start.AddDate(0, 0, 4))}
}

// listActing lists the current and coming appointments the sender is part of, or named.
// cmdActingList is /plh daftar.
func cmdActingList(r *request, _ string) error { return r.listActing() }

// cmdActingCancel is /plh batal <id>.
func cmdActingCancel(r *request, args string) error { return r.cancelActing(strings.Fields(args)) }

func (r *request) listActing() error {
	as, err := r.tx.ActingBetween(r.ctx, "", dateKey(r.today), "9999-12-31")
	if err != nil {
		return err
	}
	var lines []string
	for _, a := range as {
		if a.SupervisorNIP != r.who.NIP && a.ActingNIP != r.who.NIP && a.NamedBy != r.who.NIP && !r.isAdmin() {
			continue
		}
		sup, _ := r.tx.Employee(r.ctx, a.SupervisorNIP)
		plh, _ := r.tx.Employee(r.ctx, a.ActingNIP)
		lines = append(lines, r.t("plh.list_item", catalog.Args{"ID": a.ID, "Plh": plh.Name, "Supervisor": sup.Name,
			"Range": r.leaveRange(r.lang, a.Start, a.End)}))
	}
	if len(lines) == 0 {
		r.say("plh.list_empty", r.actingExample())
		return nil
	}
	r.sayText(r.t("plh.list_title", nil) + "\n" + strings.Join(lines, "\n") + "\n" + r.t("plh.list_footer", nil))
	return nil
}

// cancelActing ends an appointment the sender named, is the supervisor of, or (admin) any.
func (r *request) cancelActing(words []string) error {
	if len(words) != 1 {
		return invalid("plh.cancel_format", nil)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(words[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return invalid("plh.cancel_format", nil)
	}
	as, err := r.tx.ActingBetween(r.ctx, "", "0000-01-01", "9999-12-31")
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.ID != id {
			continue
		}
		if !r.isAdmin() && a.SupervisorNIP != r.who.NIP && a.NamedBy != r.who.NIP {
			break
		}
		if err := r.tx.CancelActing(r.ctx, id, r.now); err != nil {
			return err
		}
		plh, _ := r.tx.Employee(r.ctx, a.ActingNIP)
		sup, _ := r.tx.Employee(r.ctx, a.SupervisorNIP)
		if err := r.notify(a.ActingNIP, "plh.cancelled_notice", catalog.Args{"Supervisor": sup.Name, "By": r.who.Name}); err != nil {
			return err
		}
		r.say("plh.cancelled", catalog.Args{"ID": id, "Plh": plh.Name, "Supervisor": sup.Name})
		return nil
	}
	return notFound("plh.not_found", catalog.Args{"ID": id})
}
