package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// The supervisor's commands (/tim, /ingatkan, /pegawai, /validasi) and the admin's broadcast
// (/umumkan). The router lets only a kepala or an admin in; the scope is enforced here, always by
// canManage or by the sender's own OPD: a kepala sees their OPD, an admin sees all (SPEC.md).

const (
	// teamMaxNames bounds the names listed per group of /tim, to keep the reply phone-sized.
	teamMaxNames = 15
	// reviewListSize is how many reports /validasi lists at a time.
	reviewListSize = 10
	// nudgeJob names /ingatkan's rows in the job ledger: one per person and day.
	nudgeJob = "nudge"
)

// teamMember is one member of a team on one day: what the day is for them, the kind of their
// leave (cuti, sakit, dl) when on leave, and how many reports they sent.
type teamMember struct {
	emp     store.Employee
	kind    calendar.Kind
	leave   string
	reports int
	minutes int // effective minutes today, read only when [kinerja] sets a threshold
}

// teamDay is a team's state today: the OPD, what today is for the OPD as a whole (work, weekend or
// holiday, with the holiday's name), and every member but the sender.
type teamDay struct {
	opd     store.OPD
	kind    calendar.Kind
	holiday string
	members []teamMember
}

// teamOf returns the people a supervisor's team commands count in opdCode, the same for /tim and
// /rekap: the whole OPD (its head included, as in the OPD's digest) for its head or an admin, the
// direct reports for a supervisor who is not the head.
func (r *request) teamOf(opdCode string) ([]store.Employee, error) {
	if !r.isAdmin() && r.who.Role != store.RoleKepala {
		return r.mySubordinates(), nil
	}
	return r.tx.Employees(r.ctx, opdCode)
}

// teamToday resolves the team of /tim and /ingatkan and loads its day. Without an argument it is
// the sender's own OPD; an admin may name any OPD (`/tim DISKOMINFO`), a kepala only their own.
// withSelf keeps the sender among the members (/tim counts them as the digest does; /ingatkan
// does not remind its sender).
func (r *request) teamToday(args string, withSelf bool) (*teamDay, error) {
	code := strings.ToUpper(strings.TrimSpace(args))
	if strings.ContainsAny(code, " \t\n") {
		return nil, invalid("team.format", nil)
	}
	if code == "" {
		code = r.who.OPDCode
	}
	if code != r.who.OPDCode && !r.isAdmin() {
		return nil, forbidden("team.not_yours", catalog.Args{"OPD": code})
	}
	opd, err := r.tx.OPD(r.ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("team.no_opd", catalog.Args{"OPD": code})
	}
	if err != nil {
		return nil, err
	}
	// The OPD's own calendar: its working week and the holidays, without anyone's leave.
	cal, err := r.calendarFor(&store.Employee{OPDCode: opd.Code}, r.today, r.today)
	if err != nil {
		return nil, err
	}
	d := &teamDay{opd: opd, kind: cal.kind(r.today), holiday: cal.holiday(r.today)}
	emps, err := r.teamOf(opd.Code)
	if err != nil {
		return nil, err
	}
	var nips []string
	for _, e := range emps {
		nips = append(nips, e.NIP)
	}
	counts, err := r.tx.ReportCounts(r.ctx, nips, dateKey(r.today))
	if err != nil {
		return nil, err
	}
	var minutes map[string]int
	if r.e.minutesConfigured() {
		if minutes, err = r.tx.MinutesOn(r.ctx, nips, dateKey(r.today), r.e.opt.MinutesApprovedOnly); err != nil {
			return nil, err
		}
	}
	// Everyone's calendar of today in a few queries, not three per person.
	restore, err := r.preload(emps, store.Preload{From: dateKey(r.today), To: dateKey(r.today), Year: r.today.Year(), NoContracts: true})
	if err != nil {
		return nil, err
	}
	defer restore()
	for _, e := range emps {
		if e.NIP == r.who.NIP && !withSelf {
			continue
		}
		c, err := r.calendarFor(&e, r.today, r.today)
		if err != nil {
			return nil, err
		}
		m := teamMember{emp: e, kind: c.kind(r.today), reports: counts[e.NIP], minutes: minutes[e.NIP]}
		if m.kind == dayLeave {
			m.leave = store.LeaveCuti
			for _, l := range c.leave {
				if l.StartDate <= dateKey(r.today) && dateKey(r.today) <= l.EndDate {
					m.leave = l.Kind
					break
				}
			}
		}
		d.members = append(d.members, m)
	}
	return d, nil
}

// teamOPDArg is the OPD argument to repeat in a hint: empty for the sender's own OPD.
func (r *request) teamOPDArg(d *teamDay) string {
	if d.opd.Code == r.who.OPDCode {
		return ""
	}
	return d.opd.Code
}

// teamNames joins names for one line of /tim, cut after teamMaxNames.
func (r *request) teamNames(names []string) string {
	if len(names) == 0 {
		return "-"
	}
	if len(names) > teamMaxNames {
		more := len(names) - teamMaxNames
		names = append(names[:teamMaxNames:teamMaxNames], r.t("team.more", catalog.Args{"Count": more}))
	}
	return joinNames(names)
}

// teamDayOff explains why today is not a working day for the OPD.
func (r *request) teamDayOff(d *teamDay) string {
	why := r.t("team.weekend", nil)
	if d.kind == dayHoliday {
		why = d.holiday
	}
	return r.t("team.day_off", catalog.Args{"Date": FormatLongDate(r.lang, r.today), "OPD": d.opd.Code, "Why": why})
}

// cmdTeam shows today's status of the sender's team: who reported (and how often), who has not
// yet, and who is on leave, sick or on official travel. On a weekend or holiday it says so and
// counts who reported anyway.
func cmdTeam(r *request, args string) error {
	d, err := r.teamToday(args, true)
	if err != nil {
		return err
	}
	if len(d.members) == 0 {
		r.say("team.empty", catalog.Args{"OPD": d.opd.Code})
		return nil
	}
	var reported, notYet, away []string
	for _, m := range d.members {
		switch {
		case m.reports > 0 && r.e.minutesConfigured():
			reported = append(reported, r.t("minutes.team_count", catalog.Args{"Name": m.emp.Name, "Count": m.reports,
				"Minutes": FormatNumber(float64(m.minutes)), "Pct": minutesPct(m.minutes, r.e.opt.MinutesDay)}))
		case m.reports > 0:
			reported = append(reported, r.t("team.report_count", catalog.Args{"Name": m.emp.Name, "Count": m.reports}))
		case m.kind == dayLeave:
			away = append(away, r.t("team.leave_kind", catalog.Args{"Name": m.emp.Name, "Kind": r.t("team.leave."+m.leave, nil)}))
		default:
			notYet = append(notYet, m.emp.Name)
		}
	}
	lines := []string{r.t("team.title", catalog.Args{"OPD": d.opd.Code, "Date": FormatLongDate(r.lang, r.today)})}
	if d.kind != dayWork {
		lines = append(lines, r.teamDayOff(d))
		if len(reported) > 0 {
			lines = append(lines, r.t("team.reported", catalog.Args{"Count": len(reported), "Names": r.teamNames(reported)}))
		}
		r.sayText(strings.Join(lines, "\n"))
		return nil
	}
	lines = append(lines,
		r.t("team.reported", catalog.Args{"Count": len(reported), "Names": r.teamNames(reported)}),
		r.t("team.not_yet", catalog.Args{"Count": len(notYet), "Names": r.teamNames(notYet)}))
	if len(away) > 0 {
		lines = append(lines, r.t("team.away", catalog.Args{"Count": len(away), "Names": r.teamNames(away)}))
	}
	if len(notYet) > 0 {
		lines = append(lines, r.t("team.nudge_hint", catalog.Args{"OPD": r.teamOPDArg(d)}))
	}
	if r.isAdmin() && d.opd.Code == r.who.OPDCode {
		lines = append(lines, r.t("team.other_opd_hint", nil))
	}
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// teamLang is the language messages to emp are written in.
func (r *request) teamLang(emp *store.Employee) string {
	if emp.Language != "" {
		return catalog.Lang(emp.Language)
	}
	return r.e.opt.Language
}

// teamReachable reports whether a message to nip can reach them: they registered at least one chat
// account that has not blocked the bot.
func (r *request) teamReachable(nip string) (bool, error) {
	ids, err := r.tx.IdentitiesOf(r.ctx, nip)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if !id.Unreachable {
			return true, nil
		}
	}
	return false, nil
}

// teamSender names the sender for a message to someone else, in that person's language:
// "Bapak Ahmad (Kepala Dinas)".
func (r *request) teamSender(lang string) string {
	name := r.salutationIn(lang, r.who)
	if r.who.Position == "" {
		return name
	}
	return name + " (" + r.who.Position + ")"
}

// cmdNudge reminds the members of the sender's team who have not reported today, are not on
// leave, and can be reached. A person is reminded by /ingatkan at most once a day (a job ledger
// row, committed with the reminder); the reply says who could not be reached because they never
// registered.
func cmdNudge(r *request, args string) error {
	d, err := r.teamToday(args, false)
	if err != nil {
		return err
	}
	if d.kind != dayWork {
		return conflict("nudge.not_workday", catalog.Args{"Why": r.teamDayOff(d)})
	}
	var sent, skipped, reported, away int
	var unreachable []string
	for _, m := range d.members {
		switch {
		case m.reports > 0:
			reported++
			continue
		case m.kind != dayWork:
			away++
			continue
		}
		ok, err := r.teamReachable(m.emp.NIP)
		if err != nil {
			return err
		}
		if !ok {
			unreachable = append(unreachable, m.emp.Name)
			continue
		}
		fresh, err := r.tx.ClaimNotice(r.ctx, nudgeJob, dateKey(r.today), m.emp.NIP, r.now)
		if err != nil {
			return err
		}
		if !fresh {
			skipped++
			continue
		}
		lang := r.teamLang(&m.emp)
		example, err := r.nudgeExample(lang, &m.emp)
		if err != nil {
			return err
		}
		if err := r.notify(m.emp.NIP, "nudge.message", catalog.Args{"From": r.teamSender(lang), "Example": example}); err != nil {
			return err
		}
		sent++
	}
	if sent == 0 && skipped == 0 && len(unreachable) == 0 {
		r.say("nudge.nobody", catalog.Args{"Reported": reported, "Away": away})
		return nil
	}
	lines := []string{r.t("nudge.sent", catalog.Args{"Count": sent})}
	if skipped > 0 {
		lines = append(lines, r.t("nudge.skipped", catalog.Args{"Count": skipped}))
	}
	if len(unreachable) > 0 {
		lines = append(lines, r.t("nudge.unreachable", catalog.Args{"Count": len(unreachable), "Names": r.teamNames(unreachable)}))
	}
	lines = append(lines, r.t("nudge.others", catalog.Args{"Reported": reported, "Away": away}))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// nudgeExample is the quick form a reminder shows, with one of the person's own targets when they
// have a signed contract (UX.md).
func (r *request) nudgeExample(lang string, emp *store.Employee) (string, error) {
	t, err := r.tx.FirstTarget(r.ctx, emp.NIP, r.today.Year())
	if errors.Is(err, store.ErrNotFound) {
		return r.e.cat.T(lang, "nudge.example", nil), nil
	}
	if err != nil {
		return "", err
	}
	return r.e.cat.T(lang, "nudge.example_target", catalog.Args{"Desc": firstWords(t.Description, 40), "N": t.N}), nil
}

// cmdEmployee shows one employee the sender may manage: profile, account, contract, progress per
// target, reporting compliance this month and the last evaluation. Someone out of scope is "not
// found", as employeeArg answers.
func cmdEmployee(r *request, args string) error {
	if strings.TrimSpace(args) == "" {
		return invalid("employee.format", nil)
	}
	emp, err := r.employeeArg(args)
	if err != nil {
		return err
	}
	opd, err := r.tx.OPD(r.ctx, emp.OPDCode)
	if err != nil {
		return err
	}
	supName := "-"
	supNIP, err := r.supervisorOf(emp)
	if err != nil {
		return err
	}
	if supNIP != "" {
		if sup, err := r.tx.Employee(r.ctx, supNIP); err == nil {
			supName = sup.Name
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	ids, err := r.tx.IdentitiesOf(r.ctx, emp.NIP)
	if err != nil {
		return err
	}
	position := emp.Position
	if emp.Eselon != "" {
		position = r.t("employee.with_eselon", catalog.Args{"Position": emp.Position, "Eselon": emp.Eselon})
	}
	lines := []string{
		r.t("employee.title", catalog.Args{"Name": emp.Name, "NIP": emp.NIP}),
		r.t("employee.position", catalog.Args{"Position": position, "OPD": opd.Name, "Code": opd.Code}),
		r.t("employee.role", catalog.Args{"Role": r.t("employee.role."+emp.Role, nil), "Supervisor": supName}),
	}
	lines = append(lines, r.accountLines(ids)...)
	posts, err := r.postLines(emp) // the posts left (transfers)
	if err != nil {
		return err
	}
	lines = append(lines, posts...)

	c, err := r.tx.SignedContract(r.ctx, emp.NIP, r.today.Year())
	switch {
	case err == nil:
		signed := civil(c.SignedAt.In(r.e.opt.Location))
		lines = append(lines, r.t("employee.contract_signed", catalog.Args{"Year": c.Year, "Date": FormatDate(r.lang, signed), "Count": len(c.Targets)}))
		tl, err := r.employeeTargetLines(&c)
		if err != nil {
			return err
		}
		lines = append(lines, tl...)
	case errors.Is(err, store.ErrNotFound):
		w, err := r.tx.WorkingContract(r.ctx, emp.NIP, r.today.Year())
		switch {
		case errors.Is(err, store.ErrNotFound):
			lines = append(lines, r.t("employee.contract_none", catalog.Args{"Year": r.today.Year()}))
		case err != nil:
			return err
		default:
			lines = append(lines, r.t("employee.contract_unsigned", catalog.Args{"Year": w.Year, "Status": r.t("employee.contract_status."+w.Status, nil), "Count": len(w.Targets)}))
		}
	default:
		return err
	}

	cl, err := r.employeeCompliance(emp)
	if err != nil {
		return err
	}
	lines = append(lines, cl)

	ev, err := r.tx.LastEvaluationSummary(r.ctx, emp.NIP)
	switch {
	case errors.Is(err, store.ErrNotFound):
		lines = append(lines, r.t("employee.evaluation_none", nil))
	case err != nil:
		return err
	default:
		lines = append(lines, r.t("employee.evaluation", catalog.Args{"Predicate": ev.Predicate, "Score": FormatNumber(ev.Score),
			"Period": ev.PeriodKey, "Date": FormatDate(r.lang, civil(ev.CreatedAt.In(r.e.opt.Location)))}))
	}
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// reviewScope is whose reports the sender validates: everyone's for an admin, else the people
// canManage allows; never the sender's own.
func (r *request) reviewScope() (store.ReviewScope, error) {
	if r.isAdmin() {
		return store.ReviewScope{All: true, Except: r.who.NIP}, nil
	}
	emps, err := r.tx.Employees(r.ctx, "")
	if err != nil {
		return store.ReviewScope{}, err
	}
	s := store.ReviewScope{Except: r.who.NIP}
	for i := range emps {
		if emps[i].NIP == r.who.NIP {
			continue
		}
		// Their supervisor's or head's, or as the acting supervisor (Plh) today.
		if ok, err := r.canReview(&emps[i]); err != nil {
			return s, err
		} else if ok {
			s.NIPs = append(s.NIPs, emps[i].NIP)
		}
	}
	return s, nil
}

// teamSplit cuts the first word off s: "kembalikan 12 foto buram" -> "kembalikan", "12 foto buram".
func teamSplit(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i+1:])
}

// cmdReview is /validasi: without arguments it lists the oldest reports waiting for the sender's
// validation; its sub-verbs `setujui <id>…`, `setujui semua` (cmdReviewApprove), `tolak <id>
// <alasan>` (cmdReviewReject) and `kembalikan <id> <alasan>` (cmdReviewReturn) decide them. A
// returned report goes back to its author with the reason. It works only with
// [reports] require_approval on; otherwise every report counts as it is.
func cmdReview(r *request, args string) error {
	scope, on, err := r.reviewOpen()
	if !on || err != nil {
		return err
	}
	if strings.TrimSpace(args) == "" {
		return r.reviewList(scope)
	}
	return invalid("review.format", nil)
}

// reviewOpen is what every form of /validasi starts with: it says so when validation is off (on
// is false), and returns the reports the sender may decide.
func (r *request) reviewOpen() (scope store.ReviewScope, on bool, err error) {
	if !r.e.opt.RequireApproval {
		r.say("review.off", nil)
		return scope, false, nil
	}
	scope, err = r.reviewScope()
	if err == nil {
		scope, err = r.openReviewScope(scope) // a closed month's reports are decided no more
	}
	return scope, true, err
}

// cmdReviewReject is /validasi tolak <id> <alasan>.
func cmdReviewReject(r *request, rest string) error {
	scope, on, err := r.reviewOpen()
	if !on || err != nil {
		return err
	}
	return r.reject(scope, rest)
}

// cmdReviewApprove is /validasi setujui <id>… or /validasi setujui semua.
func cmdReviewApprove(r *request, rest string) error {
	scope, on, err := r.reviewOpen()
	if !on || err != nil {
		return err
	}
	fields, finalReason, anyway := splitAnyway(strings.FieldsFunc(rest, func(c rune) bool { return c == ' ' || c == ',' || c == '\t' || c == '\n' }))
	if anyway {
		if err := r.checkReason(finalReason, r.t("final.command_review_approve", catalog.Args{"IDs": strings.Join(fields, " ")})); err != nil {
			return err
		}
	}
	if len(fields) == 1 && (strings.EqualFold(fields[0], "semua") || strings.EqualFold(fields[0], "all")) {
		return r.approveAll(scope, anyway, finalReason)
	}
	var ids, held []string
	var recorded []store.Evaluation
	seen := map[string]bool{} // "setujui 12 12" approves 12 once
	for _, f := range fields {
		if f = strings.TrimPrefix(f, "#"); seen[f] {
			continue
		}
		seen[f] = true
		rep, err := r.reviewReport(f)
		if err != nil {
			return err
		}
		// A report a final result counts is approved only once confirmed (final.go).
		hits, err := r.reviewHits(rep, store.ReportApproved)
		if err != nil {
			return err
		}
		if len(hits) > 0 && !anyway {
			held = append(held, strconv.FormatInt(rep.ID, 10))
			continue
		}
		if err := r.recordFinal(reviewTouch(rep, store.ReportApproved), hits, finalReason); err != nil {
			return err
		}
		recorded = append(recorded, hits...)
		if _, err := r.tx.SetReportStatus(r.ctx, rep.ID, store.ReportApproved, "", r.who.NIP, r.now); err != nil {
			return err
		}
		ids = append(ids, "#"+strconv.FormatInt(rep.ID, 10))
	}
	if len(ids) == 0 && len(held) == 0 {
		return invalid("review.format", nil)
	}
	return r.reviewApproved(scope, ids, held, recorded)
}

// cmdReviewReturn is /validasi kembalikan <id> <alasan>: the report goes back to its author.
func cmdReviewReturn(r *request, rest string) error {
	scope, on, err := r.reviewOpen()
	if !on || err != nil {
		return err
	}
	idArg, reason := teamSplit(rest)
	if idArg == "" {
		return invalid("review.format", nil)
	}
	rep, err := r.reviewReport(idArg)
	if err != nil {
		return err
	}
	first, after := teamSplit(reason)
	anyway := isAnyway(first)
	if anyway {
		reason = after
	}
	if reason == "" {
		return invalid("review.reason_required", catalog.Args{"ID": rep.ID})
	}
	hits, err := r.reviewHits(rep, store.ReportReturned)
	if err != nil {
		return err
	}
	author, err := r.tx.Employee(r.ctx, rep.NIP)
	if err != nil {
		return err
	}
	if len(hits) > 0 {
		command := r.t("final.command_review_return", catalog.Args{"ID": rep.ID})
		if !anyway {
			d, err := storedDate(rep.LocalDate)
			if err != nil {
				return fmt.Errorf("report %d: %w", rep.ID, err)
			}
			return r.finalAsk(r.t("final.what_report_returned", catalog.Args{"ID": rep.ID, "Employee": author.Name,
				"Date": FormatDate(r.lang, d)}), command, hits)
		}
		if err := r.recordFinal(reviewTouch(rep, store.ReportReturned), hits, reason); err != nil {
			return err
		}
	}
	if _, err := r.tx.SetReportStatus(r.ctx, rep.ID, store.ReportReturned, reason, r.who.NIP, r.now); err != nil {
		return err
	}
	lang := r.teamLang(&author)
	d, err := storedDate(rep.LocalDate)
	if err != nil {
		return fmt.Errorf("report %d: %w", rep.ID, err)
	}
	if err := r.notify(rep.NIP, "review.returned_notice", catalog.Args{"ID": rep.ID, "Date": FormatDate(lang, d),
		"Text": shorten(rep.Text, 60), "From": r.teamSender(lang), "Reason": reason}); err != nil {
		return err
	}
	done := r.t("review.returned", catalog.Args{"ID": rep.ID, "Name": author.Name})
	if len(hits) > 0 {
		done += "\n" + r.finalRecorded(hits)
	}
	return r.reviewDone(scope, done)
}

// reviewReport reads a report id argument and loads the report, which must wait for validation
// and belong to someone the sender manages (not the sender). Anything else out of scope is "not
// found", like a report that does not exist.
func (r *request) reviewReport(arg string) (store.Report, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return store.Report{}, invalid("review.format", nil)
	}
	rep, err := r.tx.Report(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return rep, notFound("review.not_found", catalog.Args{"ID": id})
	}
	if err != nil {
		return rep, err
	}
	author, err := r.tx.Employee(r.ctx, rep.NIP)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rep, err
	}
	if err != nil || rep.NIP == r.who.NIP || rep.Status == store.ReportDeleted {
		return rep, notFound("review.not_found", catalog.Args{"ID": id})
	}
	if ok, err := r.canReview(&author); err != nil {
		return rep, err
	} else if !ok {
		return rep, notFound("review.not_found", catalog.Args{"ID": id})
	}
	if rep.Status != store.ReportSubmitted {
		return rep, conflict("review.already", catalog.Args{"ID": id, "Status": r.t("review.status."+rep.Status, nil)})
	}
	if day, err := storedDate(rep.LocalDate); err == nil {
		if err := r.checkMonthOpen(rep.NIP, day); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// reviewList lists the oldest reports waiting for the sender's validation, and how to decide them.
func (r *request) reviewList(scope store.ReviewScope) error {
	reps, total, err := r.tx.SubmittedReports(r.ctx, scope, reviewListSize)
	if err != nil {
		return err
	}
	if total == 0 {
		r.say("review.none", nil)
		return nil
	}
	lines := []string{r.t("review.title", catalog.Args{"Total": total, "Shown": len(reps), "More": len(reps) < total})}
	offices := map[string]calendar.Days{}
	for _, p := range reps {
		d, err := storedDate(p.LocalDate)
		if err != nil {
			return fmt.Errorf("report %d: %w", p.ID, err)
		}
		what := shorten(p.Text, 50)
		if p.Quantity != nil {
			what += " — " + FormatNumber(*p.Quantity)
			if p.TargetN != 0 {
				what += " " + p.Unit + " (#" + strconv.Itoa(p.TargetN) + ")"
			}
		}
		if p.EvidenceID != nil {
			what += " · 📎"
		}
		if due, err := r.reviewDue(&p.Report, offices); err != nil {
			return err
		} else if due != "" {
			what += " · " + due
		}
		lines = append(lines, r.t("review.item", catalog.Args{"ID": p.ID, "Name": p.Name, "Date": FormatDate(r.lang, d), "What": what}))
	}
	lines = append(lines, r.t("review.how", nil))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// reviewDone answers a decision with what was done and how many reports still wait.
func (r *request) reviewDone(scope store.ReviewScope, first string) error {
	_, left, err := r.tx.SubmittedReports(r.ctx, scope, 0)
	if err != nil {
		return err
	}
	if left == 0 {
		r.sayText(first + "\n" + r.t("review.all_done", nil))
		return nil
	}
	r.sayText(first + "\n" + r.t("review.left", catalog.Args{"Count": left}))
	return nil
}

// cmdAnnounce broadcasts an admin's message to one OPD or to all: to each OPD's bound group chats,
// or, for an OPD without one, privately to each of its registered members. The reply counts the
// groups and people it went to, and those not reached because they never registered.
func cmdAnnounce(r *request, args string) error {
	target, text := teamSplit(args)
	if target == "" || text == "" {
		return invalid("announce.format", nil)
	}
	var opds []store.OPD
	switch code := strings.ToUpper(target); code {
	case "SEMUA", "ALL":
		all, err := r.tx.OPDs(r.ctx)
		if err != nil {
			return err
		}
		opds = all
	default:
		o, err := r.tx.OPD(r.ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("announce.no_opd", catalog.Args{"OPD": code})
		}
		if err != nil {
			return err
		}
		opds = []store.OPD{o}
	}
	// A group reads the bot's default language; each person reads their own (notify).
	groupText := r.e.cat.T(r.e.opt.Language, "announce.message", catalog.Args{"Text": text})
	var groups, people, unreached int
	for _, o := range opds {
		gs, err := r.tx.OPDGroups(r.ctx, o.Code)
		if err != nil {
			return err
		}
		if len(gs) > 0 {
			for _, g := range gs {
				r.out = append(r.out, chat.Reply{To: chat.ChatRef{Net: g.Net, ID: g.ChatID}, Text: groupText})
			}
			groups += len(gs)
			continue
		}
		emps, err := r.tx.Employees(r.ctx, o.Code)
		if err != nil {
			return err
		}
		for _, e := range emps {
			ok, err := r.teamReachable(e.NIP)
			if err != nil {
				return err
			}
			if !ok {
				unreached++
				continue
			}
			if err := r.notify(e.NIP, "announce.message", catalog.Args{"Text": text}); err != nil {
				return err
			}
			people++
		}
	}
	r.say("announce.done", catalog.Args{"Groups": groups, "People": people, "Unreached": unreached})
	return nil
}
