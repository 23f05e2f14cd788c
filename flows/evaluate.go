package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/period"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// What recording an evaluation did.
const (
	evalInterim  = "interim"  // the period is not over: shown to the evaluator, not recorded
	evalNew      = "new"      // the first result of this person and period
	evalSame     = "same"     // the result recorded before, unchanged: nothing recorded or sent
	evalReplaced = "replaced" // a changed result: recorded, and the earlier row marked superseded
	evalRange    = "range"    // a free date range: a preview, never recorded (final.go)
	evalHeld     = "held"     // never registered: recorded only when the evaluator confirms them too (unregistered.go)
)

// Why compliance starts after the period's first day, or cannot be measured.
const (
	kFromMulai  = "mulai"  // the roster's start date in the position (TMT)
	kFromLapkin = "lapkin" // the first of roster entry, first report and first signing
)

// evaluation is one computed result with what the explanation needs.
type evaluation struct {
	id  int64 // the stored row (or the unchanged earlier one)
	emp store.Employee
	// The contract's version and hash, stored with the result (its targets are in in.Targets).
	contractVersion int
	contractSHA256  string
	per             period.Period
	final           bool      // the period's last day has ended
	rangeOnly       bool      // a free date range, no period the rules name: never recorded
	unregistered    bool      // the person never registered with Lapkin (marked in a preview)
	asOf            time.Time // the last day counted: the period's end, or today for a period not over
	kFrom           time.Time // the first day compliance counts
	kWhy            string    // kFromMulai or kFromLapkin when kFrom is after the period's start
	kSkipped        bool      // working days of the period before kFrom were left out
	in              scoring.Input
	score           scoring.Result
	row             *store.Evaluation // what is (or would be) stored; nil once recorded (slim)

	status   string            // evalInterim, evalNew, evalSame or evalReplaced, once recorded
	previous *store.Evaluation // the earlier result of the same period, when there is one

	// explained is explain's text in the language explainedIn, made ahead by the reader of an
	// OPD so that the write that records the result has less to do.
	explained, explainedIn string
}

func (ev *evaluation) interim() bool { return !ev.final }

// slim lets go of what only recording and the person's own notice need (the stored row and its
// JSON, each target's detail), once they are done: the ranking of a whole city keeps 20,000
// results, and the garbage collector lets the heap grow to twice what is kept.
func (ev *evaluation) slim() {
	ev.row = nil
	ev.explained, ev.explainedIn = "", ""
	ev.in.Targets, ev.score.Targets = nil, nil
	ev.contractSHA256 = ""
	if p := ev.previous; p != nil {
		ev.previous = &store.Evaluation{ID: p.ID, Score: p.Score, Predicate: p.Predicate, CreatedAt: p.CreatedAt}
	}
}

// evaluateConfirm is the flow that waits for an evaluator's "ya" before an OPD's or everyone's
// results are recorded and people are told.
const (
	flowEvaluate      = "evaluate"
	stepEvaluateOK    = "confirm"
	buttonEvaluateYes = "eval:yes"
	buttonEvaluateNo  = "eval:no"
)

// evaluateDraft is the confirmation flow's data: what to evaluate again once confirmed.
type evaluateDraft struct {
	Subject string `json:"subject"`
	Period  string `json:"period,omitempty"`
	// All records the results of people who never registered too (the answer "ya semua").
	All bool `json:"all,omitempty"`
}

// cmdEvaluate is /evaluate <NIP|KODE-OPD|semua> [periode]. One NIP is recorded at once; an OPD or
// everyone is first shown as a ranked preview and recorded only when the evaluator confirms.
func cmdEvaluate(r *request, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 || len(fields) > 2 {
		return invalid("evaluate.format", nil)
	}
	d := evaluateDraft{Subject: fields[0]}
	if len(fields) == 2 {
		d.Period = fields[1]
	}
	return r.evaluateSubject(d, false)
}

// evaluateSubject evaluates what d names. With record false, a group is previewed and the
// confirmation flow saved; with record true (the evaluator said "ya") it is recorded. Every check
// of the command runs again on confirmation: a role may have changed meanwhile.
func (r *request) evaluateSubject(d evaluateDraft, record bool) error {
	var per *period.Period
	if d.Period != "" {
		p, err := period.Parse(d.Period)
		if err != nil {
			return invalid("evaluate.bad_period", catalog.Args{"Value": d.Period})
		}
		per = &p
	}
	subject := d.Subject
	switch {
	case strings.EqualFold(subject, "semua") || strings.EqualFold(subject, "all"):
		if !r.isAdmin() {
			return forbidden("evaluate.all_admin_only", nil)
		}
		title := r.t("evaluate.all_title", nil)
		return r.evaluateLater(func() error { return r.evaluateMany(d, title, "", per, record) }, record)
	case isDigits(subject):
		emp, err := r.evaluee(subject)
		if err != nil {
			return err
		}
		ev, err := r.evaluate(emp, per)
		if err != nil {
			return err
		}
		if err := r.record(ev); err != nil {
			return err
		}
		told, err := r.announceResult(ev, nil)
		if err != nil {
			return err
		}
		text := r.explain(r.lang, ev) + "\n\n" + r.outcome(ev, told)
		changed, err := r.whatChanged(r.lang, ev)
		if err != nil {
			return err
		}
		if changed != "" {
			text += "\n" + changed
		}
		r.sayText(text)
		return nil
	default:
		code := strings.ToUpper(subject)
		opd, err := r.tx.OPD(r.ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("evaluate.no_opd", catalog.Args{"OPD": code})
		}
		if err != nil {
			return err
		}
		if !r.isAdmin() && (r.who.Role != store.RoleKepala || r.who.OPDCode != opd.Code) {
			return forbidden("evaluate.not_your_opd", catalog.Args{"OPD": opd.Code})
		}
		// Evaluated after this message commits, on a snapshot: an OPD's or the city's evaluation
		// must not hold the write lock that incoming reports need.
		return r.evaluateLater(func() error { return r.evaluateMany(d, opd.Name+" ("+opd.Code+")", opd.Code, per, record) }, record)
	}
}

// evaluateLater leaves fn (an OPD's or everyone's evaluation) for after the message commits. A
// preview is a conversation of its own: it replaces the one in progress now, in the message's
// transaction, so the person is told at once that their draft was not kept.
func (r *request) evaluateLater(fn func() error, record bool) error {
	if !record {
		if err := r.endFlow(); err != nil {
			return err
		}
	}
	r.later = fn
	return nil
}

// evaluee reads the NIP of /evaluate and says truly why it cannot be evaluated by the sender:
// oneself, or someone outside the people they lead (whether or not the NIP exists, which is not
// theirs to learn).
func (r *request) evaluee(arg string) (*store.Employee, error) {
	nip, err := roster.ParseNIP(arg)
	if err != nil {
		return nil, invalid("people.bad_nip", catalog.Args{"NIP": arg})
	}
	if nip.Raw == r.who.NIP {
		return nil, forbidden("evaluate.self", nil)
	}
	emp, err := r.tx.Employee(r.ctx, nip.Raw)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if r.isAdmin() {
		if err != nil {
			return nil, notFound("people.not_found", catalog.Args{"NIP": nip.Raw})
		}
		return &emp, nil
	}
	if err != nil || !r.canManage(&emp) {
		return nil, forbidden("evaluate.not_your_staff", catalog.Args{"NIP": nip.Raw, "OPD": r.who.OPDCode})
	}
	return &emp, nil
}

// evaluateStep continues the confirmation of an OPD's or everyone's evaluation.
func evaluateStep(r *request, st store.FlowState) error {
	var d evaluateDraft
	if err := json.Unmarshal([]byte(st.Data), &d); err != nil {
		return fmt.Errorf("read evaluation draft: %w", err)
	}
	switch strings.ToLower(r.answer()) {
	case "1", "ya", "y", "yes", "catat", "simpan", buttonEvaluateYes:
		if err := r.endFlow(); err != nil {
			return err
		}
		return r.evaluateSubject(d, true)
	case "3", "ya semua", "yes all", "semua", "all", buttonEvaluateAll:
		if err := r.endFlow(); err != nil {
			return err
		}
		d.All = true
		return r.evaluateSubject(d, true)
	case "2", "tidak", "no", "n", buttonEvaluateNo:
		if err := r.endFlow(); err != nil {
			return err
		}
		r.e.kept.take(r.who.NIP) // its results are not wanted any more
		r.say("evaluate.preview_cancelled", nil)
		return nil
	}
	r.ask(r.t("evaluate.confirm_answer", nil), r.evaluateButtons())
	return nil
}

func (r *request) evaluateButtons() [][]bot.Button {
	return [][]bot.Button{{{Label: r.t("evaluate.button_record", nil), Data: buttonEvaluateYes},
		{Label: r.t("button.cancel", nil), Data: buttonEvaluateNo}}}
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// isOfficial reports whether an eselon makes its holder a pejabat struktural (eselon II, III or
// IV: head of agency, division or section), the officials the resignation rule is about.
func isOfficial(eselon string) bool { return roster.IsOfficial(eselon) }

// complianceStart is the first day emp could be expected to report, and why: the roster's start
// in the position (mulai) when given; otherwise the earliest of the roster entry, the first report
// and the first contract signing. The last two are domain dates: a roster imported late (or a
// demo clock moved back) does not erase the days the person was already working and reporting.
func (r *request) complianceStart(emp *store.Employee) (time.Time, string, error) {
	if emp.StartDate != "" {
		if d, err := storedDate(emp.StartDate); err == nil {
			return d, kFromMulai, nil
		}
	}
	start := civil(emp.Since.In(r.e.opt.Location))
	first, signed, err := r.tx.ComplianceAnchors(r.ctx, emp.NIP)
	if err != nil {
		return start, kFromLapkin, err
	}
	if d, err := storedDate(first); err == nil && d.Before(start) {
		start = d
	}
	if signed != nil {
		if d := civil(signed.In(r.e.opt.Location)); d.Before(start) {
			start = d
		}
	}
	return start, kFromLapkin, nil
}

// evaluate computes one employee's evaluation for per (nil: their current checkpoint), without
// recording it.
func (r *request) evaluate(emp *store.Employee, per *period.Period) (*evaluation, error) {
	if per != nil && per.Checkpoint == 0 && per.Start.After(r.today) {
		// A calendar period that has not begun: that is the reason, whatever the contracts.
		return nil, conflict("evaluate.future", catalog.Args{"From": FormatDate(r.lang, per.Start)})
	}
	c, p, err := r.evalPeriod(emp, per)
	if err != nil {
		return nil, err
	}
	if post, ended, err := r.endedBy(emp.NIP, c.ID); err != nil {
		return nil, err
	} else if ended {
		at := atPost(*emp, post) // the calendar and compliance start of the post the contract was for
		emp = &at
	}
	signed := civil(c.SignedAt.In(r.e.opt.Location))
	// A period is complete only once its last day has ended: until then the result is interim.
	ev := &evaluation{emp: *emp, contractVersion: c.Version, contractSHA256: c.SHA256, per: p, asOf: p.End, final: r.today.After(p.End),
		rangeOnly: isFreeRange(p)}
	if !ev.final {
		ev.asOf = r.today
	}
	cal, err := r.calendarFor(emp, p.Start, ev.asOf)
	if err != nil {
		return nil, err
	}
	reported, err := r.tx.ReportDates(r.ctx, emp.NIP, dateKey(p.Start), dateKey(ev.asOf))
	if err != nil {
		return nil, err
	}
	last := ev.asOf
	if !ev.final && !reported[dateKey(r.today)] {
		last = r.today.AddDate(0, 0, -1) // today is not over: it counts once reported
	}
	start, why, err := r.complianceStart(emp)
	if err != nil {
		return nil, err
	}
	ev.kFrom = p.Start
	if start.After(ev.kFrom) {
		ev.kFrom, ev.kWhy = start, why
	}
	if ev.kFrom.After(p.Start) {
		before := ev.kFrom.AddDate(0, 0, -1)
		if before.After(last) {
			before = last
		}
		ev.kSkipped = cal.count(p.Start, before, nil).Work > 0
	}
	sp := cal.count(ev.kFrom, last, reported)
	ev.in = scoring.Input{WorkDays: sp.Work, ReportedDays: sp.Reported, HolidayDays: sp.Holiday, LeaveDays: sp.Leave}
	var ids []int64
	for _, t := range c.Targets {
		ids = append(ids, t.ID)
	}
	// Achievement alone waits for validation; compliance counted every report above.
	done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(ev.asOf), r.e.opt.RequireApproval)
	if err != nil {
		return nil, err
	}
	for _, t := range c.Targets {
		due, err := storedDate(t.DueDate)
		if err != nil {
			return nil, fmt.Errorf("target %d: %w", t.ID, err)
		}
		ev.in.Targets = append(ev.in.Targets, scoring.Target{N: t.N, Description: t.Description, Unit: t.Unit,
			Quantity: t.Quantity, Weight: t.Weight, Fraction: expectedFraction(signed, due, ev.asOf), Done: done[t.ID]})
	}
	ev.score, err = scoring.Compute(ev.in, r.e.opt.Scoring)
	if errors.Is(err, scoring.ErrNothing) {
		return nil, conflict("evaluate.nothing", catalog.Args{"Employee": emp.Name, "Why": r.kNoneReason(r.lang, ev)})
	}
	if err != nil {
		return nil, err
	}
	checkpoint := ""
	if p.Checkpoint > 0 {
		checkpoint = p.Key
	}
	ev.row = &store.Evaluation{NIP: emp.NIP, ContractID: c.ID, PeriodKey: p.Key,
		PeriodStart: dateKey(p.Start), PeriodEnd: dateKey(p.End), Checkpoint: checkpoint,
		Score: ev.score.N, Predicate: ev.score.Predicate, StandardMet: ev.score.StandardMet,
		EvaluatorNIP: r.who.NIP, CreatedAt: r.now}
	r.encode(ev)
	return ev, nil
}

// encode writes what ev was computed from, what came out and the parameters as the JSON stored
// with it. A kept preview drops it (2 KB a person) and encodes again before recording: the same
// inputs give the same text.
func (r *request) encode(ev *evaluation) {
	r.scoringParams()
	inputs, _ := json.Marshal(struct {
		scoring.Input
		AsOf            string `json:"as_of"`
		ComplianceFrom  string `json:"compliance_from"`
		ComplianceWhy   string `json:"compliance_from_reason,omitempty"`
		RequireApproval bool   `json:"require_approval"`
		ContractVersion int    `json:"contract_version"`
		ContractSHA256  string `json:"contract_sha256"`
	}{ev.in, dateKey(ev.asOf), dateKey(ev.kFrom), ev.kWhy, r.e.opt.RequireApproval, ev.contractVersion, ev.contractSHA256})
	outputs, _ := json.Marshal(ev.score)
	ev.row.Inputs, ev.row.Outputs, ev.row.Parameters = string(inputs), string(outputs), r.params
}

// scoringParams encodes the scoring parameters stored with each result, once: one text for every
// result of the request, not 20,000 copies of it.
func (r *request) scoringParams() {
	if r.params == "" {
		params, _ := json.Marshal(r.e.opt.Scoring)
		r.params = string(params)
	}
}

// evalYear is the contract year an evaluation of per (nil: the current checkpoint) reads.
func (r *request) evalYear(per *period.Period) int {
	if per != nil && per.Checkpoint == 0 {
		return per.End.Year()
	}
	if per == nil {
		return r.defaultYear()
	}
	return r.today.Year()
}

// evalPeriod finds the signed contract an evaluation of emp over per (nil: their current
// checkpoint) is about, and the period it covers.
func (r *request) evalPeriod(emp *store.Employee, per *period.Period) (store.Contract, period.Period, error) {
	year := r.evalYear(per)
	c, err := r.tx.SignedContract(r.ctx, emp.NIP, year)
	if errors.Is(err, store.ErrNotFound) {
		return c, period.Period{}, conflict("evaluate.unsigned", catalog.Args{"Employee": emp.Name, "Year": year})
	}
	if err != nil {
		return c, period.Period{}, err
	}
	signed := civil(c.SignedAt.In(r.e.opt.Location))
	var p period.Period
	switch {
	case per == nil:
		p = r.defaultPeriod(signed) // [evaluation] checkpoints (cadence.go)
	case per.Checkpoint > 0:
		p = period.Checkpoint(per.Checkpoint, signed)
	default:
		p = namedPeriod(*per, signed)
	}
	if p.Start.After(r.today) {
		return c, p, conflict("evaluate.future", catalog.Args{"From": FormatDate(r.lang, p.Start)})
	}
	c, p, _, err = r.transferredContract(emp, c, p, per) // a contract a transfer ended (transfers.go)
	return c, p, err
}

// preloadEvaluation reads ahead what evaluating emps over per asks person by person: first their
// contracts, to learn each one's period, then the calendars and report days of all those periods,
// and with compare the results in force, which a preview compares its results with. from..to
// are the days of those periods ("" when nobody has one), up to the last day counted.
func (r *request) preloadEvaluation(emps []store.Employee, per *period.Period, compare bool) (func(), string, string, error) {
	year := r.evalYear(per)
	restore, err := r.preload(emps, store.Preload{Year: year, Anchors: true, NoPeople: true})
	if err != nil {
		return nil, "", "", err
	}
	var from, to string
	asOf := map[string]string{}
	for i := range emps {
		_, p, err := r.evalPeriod(&emps[i], per)
		if err != nil {
			continue // evaluate says why, person by person
		}
		end := p.End
		if !r.today.After(p.End) {
			end = r.today
		}
		start, last := dateKey(p.Start), dateKey(end)
		if from == "" || start < from {
			from = start
		}
		if last > to {
			to = last
		}
		asOf[emps[i].NIP] = last
	}
	if from == "" {
		return restore, "", "", nil
	}
	// The second read keeps the first's contracts and people (store.Preloaded inherits them).
	restore2, err := r.preload(emps, store.Preload{From: from, To: to, Year: year, Anchors: true, NoPeople: true, Evaluations: compare,
		RealisedAt: func(nip string) string { return asOf[nip] }})
	if err != nil {
		restore()
		return nil, "", "", err
	}
	return func() { restore2(); restore() }, from, to, nil
}

// record stores a final result once per person and period: the same result again is not stored
// twice, and a changed one is stored and supersedes the earlier row, which stays as it was. An
// interim result is never recorded.
func (r *request) record(ev *evaluation) error {
	if err := r.compare(ev); err != nil || ev.status != evalNew && ev.status != evalReplaced {
		return err
	}
	var err error
	if ev.id, err = r.tx.AddEvaluation(r.ctx, *ev.row); err != nil {
		return err
	}
	if ev.previous != nil {
		return r.tx.Supersede(r.ctx, ev.previous.ID, ev.id, r.now)
	}
	return nil
}

// compare tells, without writing anything, what recording ev would do: nothing for an interim
// result, nothing for the result recorded before (same contract, inputs, outputs and parameters),
// a first result, or one that replaces the earlier result of the period.
func (r *request) compare(ev *evaluation) error {
	if !ev.final {
		ev.status = evalInterim
		return nil
	}
	if ev.rangeOnly {
		ev.status = evalRange
		return nil
	}
	prev, err := r.tx.CurrentEvaluation(r.ctx, ev.row.NIP, ev.row.PeriodStart, ev.row.PeriodEnd)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ev.status = evalNew
	case err != nil:
		return err
	case prev.ContractID == ev.row.ContractID && prev.Inputs == ev.row.Inputs && prev.Outputs == ev.row.Outputs &&
		prev.Parameters == ev.row.Parameters:
		ev.status, ev.previous, ev.id = evalSame, &prev, prev.ID
	default:
		ev.status, ev.previous = evalReplaced, &prev
	}
	return nil
}

// tl renders a message in a given language (for someone other than the sender).
func (r *request) tl(lang, key string, args catalog.Args) string { return r.e.cat.T(lang, key, args) }

// kNoneReason says why compliance could not be measured: the person started after the period,
// the period's days are not over yet, or it truly has no working day.
func (r *request) kNoneReason(lang string, ev *evaluation) string {
	args := catalog.Args{"Date": FormatDate(lang, ev.kFrom), "Holidays": ev.in.HolidayDays, "Leave": ev.in.LeaveDays}
	switch {
	case ev.kFrom.After(ev.per.End) && ev.kWhy == kFromMulai:
		return r.tl(lang, "evaluate.k_none_mulai", args)
	case ev.kFrom.After(ev.per.End):
		return r.tl(lang, "evaluate.k_none_lapkin", args)
	case !ev.final && !ev.kFrom.Before(r.today):
		return r.tl(lang, "evaluate.k_none_not_over", args)
	}
	return r.tl(lang, "evaluate.k_none_days", args)
}

// explain writes the result first, then why: K with its days, C per target, and the formula.
func (r *request) explain(lang string, ev *evaluation) string {
	s, in := ev.score, ev.in
	args := catalog.Args{"Employee": ev.emp.Name, "NIP": ev.emp.NIP, "Period": ev.per.Key,
		"From": FormatDate(lang, ev.per.Start), "To": FormatDate(lang, ev.per.End), "AsOf": FormatDate(lang, ev.asOf),
		"Interim": ev.interim(), "Preview": ev.rangeOnly && ev.final, "N": FormatNumber(s.N), "Predicate": s.Predicate, "Met": s.StandardMet,
		"Pass": FormatNumber(r.e.opt.Scoring.PassScore)}
	lines := []string{r.tl(lang, "evaluate.title", args), r.tl(lang, "evaluate.score", args)}
	if s.KMeasured {
		var excluded []string
		if in.HolidayDays > 0 {
			excluded = append(excluded, r.tl(lang, "evaluate.holidays", catalog.Args{"Days": in.HolidayDays}))
		}
		if in.LeaveDays > 0 {
			excluded = append(excluded, r.tl(lang, "evaluate.leave", catalog.Args{"Days": in.LeaveDays}))
		}
		lines = append(lines, r.tl(lang, "evaluate.k", catalog.Args{"K": FormatPercent(s.K), "Reported": in.ReportedDays,
			"Work": in.WorkDays, "Excluded": strings.Join(excluded, r.tl(lang, "evaluate.and", nil))}))
		if ev.kSkipped {
			lines = append(lines, r.tl(lang, "evaluate.k_since_"+ev.kWhy, catalog.Args{"Date": FormatDate(lang, ev.kFrom)}))
		}
	} else {
		lines = append(lines, r.tl(lang, "evaluate.k_none", catalog.Args{"Why": r.kNoneReason(lang, ev)}))
	}
	if s.CMeasured {
		lines = append(lines, r.tl(lang, "evaluate.c", catalog.Args{"C": FormatPercent(s.C)}))
	} else {
		lines = append(lines, r.tl(lang, "evaluate.c_none", nil))
	}
	for i, t := range s.Targets {
		ti := in.Targets[i]
		targs := catalog.Args{"N": t.N, "Desc": ti.Description, "Unit": ti.Unit, "Done": FormatNumber(t.Done),
			"Expected": FormatNumber(t.Expected), "Pct": FormatPercent(t.Pct), "Capped": t.Counted && t.Done > t.Expected,
			"Weight": FormatNumber(ti.Weight), "Weighted": ti.Weight != 1}
		key := "evaluate.c_target"
		if !t.Counted {
			key = "evaluate.c_target_none"
		}
		lines = append(lines, r.tl(lang, key, targs))
	}
	fargs := catalog.Args{"WC": FormatNumber(r.e.opt.Scoring.WC), "WK": FormatNumber(r.e.opt.Scoring.WK),
		"C": FormatNumber(s.C), "K": FormatNumber(s.K), "N": FormatNumber(s.N)}
	switch {
	case s.KMeasured && s.CMeasured:
		lines = append(lines, r.tl(lang, "evaluate.formula", fargs))
	case s.CMeasured:
		lines = append(lines, r.tl(lang, "evaluate.formula_c_only", fargs))
	default:
		lines = append(lines, r.tl(lang, "evaluate.formula_k_only", fargs))
	}
	return strings.Join(lines, "\n")
}

// evaluatorName names who evaluated, for the notice: the BKPPD (with the operator's name) when an
// admin did, else the supervisor by name and position.
func (r *request) evaluatorName(lang string) string {
	// Once per language: every notice of an evaluation of a city names the evaluator.
	if name, ok := r.evaluatorNames[lang]; ok {
		return name
	}
	var name string
	if r.isAdmin() {
		name = r.tl(lang, "evaluate.by_bkppd", catalog.Args{"Name": r.who.Name})
	} else {
		name = r.tl(lang, "evaluate.by_person", catalog.Args{"Name": r.who.Name, "Position": r.who.Position})
	}
	if r.evaluatorNames == nil {
		r.evaluatorNames = map[string]string{}
	}
	r.evaluatorNames[lang] = name
	return name
}

// nextStep is the catalog key of what follows a miss: at the 6-month checkpoint the resignation
// procedure for an official (eselon II–IV) and a warning to improve for staff; at 3 months a
// warning; elsewhere a call to discuss improvement. "" for a result that meets the standard.
func nextStep(ev *evaluation) string {
	if ev.score.StandardMet {
		return ""
	}
	switch {
	case ev.per.Checkpoint == 6 && isOfficial(ev.emp.Eselon):
		return "evaluate.next_resign"
	case ev.per.Checkpoint == 6:
		return "evaluate.next_improve_staff"
	case ev.per.Checkpoint == 3:
		return "evaluate.next_warning"
	}
	return "evaluate.next_miss"
}

// announceResult tells the employee and their supervisor a newly recorded result (new or
// replacing an earlier one), and the admins when a 6-month miss puts an official under the
// resignation procedure. An interim or unchanged result tells nobody. It returns the names of
// those told. With team, the supervisor's and admins' notices are gathered there instead, to be
// sent once per person for the whole evaluation (announceTeams).
func (r *request) announceResult(ev *evaluation, team *teamNotices) ([]string, error) {
	if ev.status != evalNew && ev.status != evalReplaced {
		return nil, nil
	}
	next := nextStep(ev)
	var told []string
	tell := func(nip string, text func(lang, name string) string) error {
		emp, err := r.tx.Employee(r.ctx, nip)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		before := len(r.out)
		if err := r.notifyFunc(nip, text); err != nil {
			return err
		}
		if len(r.out) > before {
			told = append(told, emp.Name)
		}
		return nil
	}
	notice := func(lang string, name string) string {
		lines := []string{r.tl(lang, "evaluate.to_person", catalog.Args{"Name": name, "Evaluator": r.evaluatorName(lang)})}
		if ev.previous != nil {
			lines = append(lines, r.tl(lang, "evaluate.replaces", catalog.Args{
				"Date": FormatDate(lang, ev.previous.CreatedAt.In(r.e.opt.Location)), "N": FormatNumber(ev.previous.Score),
				"Predicate": ev.previous.Predicate}))
			if changed, err := r.whatChanged(lang, ev); err == nil && changed != "" {
				lines = append(lines, changed)
			}
		}
		if ev.explainedIn == lang && ev.explained != "" {
			lines = append(lines, ev.explained)
		} else {
			lines = append(lines, r.explain(lang, ev))
		}
		if next != "" {
			lines = append(lines, r.tl(lang, next, nil))
		}
		return strings.Join(lines, "\n")
	}
	if ev.emp.NIP != r.who.NIP {
		if err := tell(ev.emp.NIP, notice); err != nil {
			return nil, err
		}
	}
	if sup, err := r.supervisorOf(&ev.emp); err != nil {
		return nil, err
	} else if sup != "" && sup != r.who.NIP {
		if team != nil {
			team.add(sup, ev)
		} else if err := tell(sup, notice); err != nil {
			return nil, err
		}
	}
	if next == "evaluate.next_resign" && team != nil {
		team.resign = append(team.resign, ev)
	} else if next == "evaluate.next_resign" {
		admins, err := r.adminNIPs()
		if err != nil {
			return nil, err
		}
		for _, a := range admins {
			if a == r.who.NIP {
				continue
			}
			err := tell(a, func(lang, name string) string {
				return r.tl(lang, "evaluate.to_admin_resign", catalog.Args{"Name": name, "Employee": ev.emp.Name,
					"NIP": ev.emp.NIP, "Eselon": ev.emp.Eselon, "N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate,
					"Evaluator": r.evaluatorName(lang)})
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return told, nil
}

// outcome tells the evaluator what became of one result: interim and kept to themselves,
// unchanged, recorded, or recorded in place of an earlier one; and who was told.
func (r *request) outcome(ev *evaluation, told []string) string {
	args := catalog.Args{"End": FormatDate(r.lang, ev.per.End), "Told": r.listNames(told), "Anyone": len(told) > 0}
	if ev.previous != nil {
		args["Date"] = FormatDate(r.lang, ev.previous.CreatedAt.In(r.e.opt.Location))
		args["OldN"] = FormatNumber(ev.previous.Score)
	}
	return r.t("evaluate.outcome_"+ev.status, args)
}

// listNames joins names so that a name with a comma in it ("Drs. Ahmad Fauzi, M.Si.") stays
// readable: "A dan B", or "A; B; dan C".
func (r *request) listNames(names []string) string {
	and := r.t("evaluate.and", nil)
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + and + names[1]
	}
	return strings.Join(names[:len(names)-1], "; ") + ";" + and + names[len(names)-1]
}

// teamNotices gathers, while an OPD or everyone is evaluated, what each supervisor and the admins
// are to be told, so that each of them gets one message instead of one per person.
type teamNotices struct {
	order  []string                 // supervisors in the order first met
	bySup  map[string][]*evaluation // each supervisor's newly recorded results
	resign []*evaluation            // officials under the resignation procedure
}

func (t *teamNotices) add(sup string, ev *evaluation) {
	if _, ok := t.bySup[sup]; !ok {
		t.order = append(t.order, sup)
	}
	t.bySup[sup] = append(t.bySup[sup], ev)
}

// teamLinesPerMessage keeps a team's message within what every network carries in one message
// (Options.Networks' MaxText, 4,096 by default: 15 lines, a line being at most about 200
// characters and the header and footer the rest); a larger team gets its results in parts.
func (r *request) teamLinesPerMessage() int {
	return max(1, r.e.opt.Networks.MaxText()/teamLineBudget)
}

// teamLineBudget is the room a line of a team's results takes in a message, header and footer
// included.
const teamLineBudget = 270

// announceTeams sends each supervisor their team's results in one message (or a few, for a large
// team), and each admin one list of the officials under the resignation procedure. It returns the
// names of those told.
func (r *request) announceTeams(team *teamNotices) ([]string, error) {
	var told []string
	// tell sends lines under a header, in parts when there are many, and notes who was told.
	tell := func(nip string, n int, header func(lang, name string, part, parts int) string, line func(lang string, i int) string, footer string) error {
		teamLinesPerMessage := r.teamLinesPerMessage()
		parts := (n + teamLinesPerMessage - 1) / teamLinesPerMessage
		before := len(r.out)
		for part := 0; part < parts; part++ {
			err := r.notifyFunc(nip, func(lang, name string) string {
				p := 0
				if parts > 1 {
					p = part + 1
				}
				lines := []string{header(lang, name, p, parts)}
				for i := part * teamLinesPerMessage; i < min(n, (part+1)*teamLinesPerMessage); i++ {
					lines = append(lines, line(lang, i))
				}
				if footer != "" && part == parts-1 {
					lines = append(lines, r.tl(lang, footer, nil))
				}
				return strings.Join(lines, "\n")
			})
			if err != nil {
				return err
			}
		}
		if len(r.out) > before {
			if emp, err := r.tx.Employee(r.ctx, nip); err == nil {
				told = append(told, emp.Name)
			}
		}
		return nil
	}
	for _, sup := range team.order {
		evs := team.bySup[sup]
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].score.N > evs[j].score.N })
		err := tell(sup, len(evs), func(lang, name string, part, parts int) string {
			return r.tl(lang, "evaluate.to_team", catalog.Args{"Name": name, "Evaluator": r.evaluatorName(lang), "Count": len(evs),
				"Part": part, "Parts": parts})
		}, func(lang string, i int) string {
			ev := evs[i]
			args := catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name, "NIP": ev.emp.NIP, "N": FormatNumber(ev.score.N),
				"Predicate": ev.score.Predicate, "Met": ev.score.StandardMet, "C": "-", "K": "-", "Period": ev.per.Key,
				"Replaced": ev.previous != nil}
			if ev.score.CMeasured {
				args["C"] = FormatPercent(ev.score.C)
			}
			if ev.score.KMeasured {
				args["K"] = FormatPercent(ev.score.K)
			}
			if ev.previous != nil {
				args["OldN"] = FormatNumber(ev.previous.Score)
			}
			if next := nextStep(ev); next != "" {
				args["Next"] = r.tl(lang, strings.Replace(next, "evaluate.next_", "evaluate.team_next_", 1), nil)
			}
			return r.tl(lang, "evaluate.team_line", args)
		}, "evaluate.team_footer")
		if err != nil {
			return nil, err
		}
	}
	if len(team.resign) == 0 {
		return told, nil
	}
	admins, err := r.adminNIPs() // once for the whole evaluation, not once per official
	if err != nil {
		return nil, err
	}
	for _, a := range admins {
		if a == r.who.NIP {
			continue
		}
		err := tell(a, len(team.resign), func(lang, name string, part, parts int) string {
			return r.tl(lang, "evaluate.to_admins_resign", catalog.Args{"Name": name, "Count": len(team.resign),
				"Evaluator": r.evaluatorName(lang), "Part": part, "Parts": parts})
		}, func(lang string, i int) string {
			ev := team.resign[i]
			return r.tl(lang, "evaluate.admin_resign_line", catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name, "NIP": ev.emp.NIP,
				"Eselon": ev.emp.Eselon, "OPD": ev.emp.OPDCode, "N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate})
		}, "")
		if err != nil {
			return nil, err
		}
	}
	return told, nil
}

// evaluateMany evaluates a list of employees and answers with a ranked table: score, predicate,
// the standard, and the distribution of predicates; those who cannot be scored are named with the
// reason. Unless record, it is a preview: nothing is stored, nobody is told, and the evaluator is
// asked to confirm.
func (r *request) evaluateMany(d evaluateDraft, title, opd string, per *period.Period, record bool) error {
	var done []*evaluation
	var unsigned, unscored []string
	counts := map[string]int{}
	var toldAll []string
	team := &teamNotices{bySup: map[string][]*evaluation{}}
	var groups [][]store.Employee
	// Confirming a preview records what the preview computed when nothing it read changed since.
	var kept *keptPreview
	var err error
	if record {
		if kept, err = r.keptFor(d); err != nil {
			return err
		}
	}
	keep := &keptPreview{evaluator: r.who.NIP, lang: r.lang, subject: d.Subject, period: d.Period, today: r.today}
	n := 0
	if kept == nil {
		err = r.inView(func() error {
			emps, err := r.tx.Employees(r.ctx, opd)
			groups = splitLone(byOPD(emps))
			if err != nil || record {
				return err
			}
			// Before any result is read: a change after it, even one a result saw, is a change.
			keep.mark, err = r.tx.InputsMark(r.ctx)
			return err
		})
		if err != nil {
			return err
		}
		n = len(groups)
	} else {
		n = len(kept.groups)
		unsigned, unscored = kept.unsigned, kept.unscored
	}
	// Each OPD is read on a snapshot of its own, ahead in a few queries (an OPD of 500 asked
	// 6,000 one by one), evalReaders OPDs at a time; the results are taken in the OPDs' order, and
	// each OPD's are recorded and announced in short writes while the next ones are read.
	r.scoringParams() // once, before the readers copy the request
	read := func(ctx context.Context, gi int) (*evalGroup, error) {
		if kept == nil {
			return r.reader(ctx).evaluateGroup(groups[gi], per, record)
		}
		g := &evalGroup{evs: kept.groups[gi]}
		kept.groups[gi] = nil
		for _, ev := range g.evs {
			if ev.final && !ev.rangeOnly { // an interim or range result is never recorded: it kept no row (slim)
				ev.row.CreatedAt = r.now
				r.encode(ev)
			}
		}
		return g, nil
	}
	err = inOrder(r.ctx, n, evalReaders, evalAhead, read, func(gi int, g *evalGroup) error {
		unsigned, unscored = append(unsigned, g.unsigned...), append(unscored, g.unscored...)
		for st, k := range g.counts {
			counts[st] += k
		}
		done = append(done, g.evs...)
		if !record {
			keep.groups = append(keep.groups, g.evs)
			keep.interim = keep.interim || g.interim
			if g.from != "" && (keep.from == "" || g.from < keep.from) {
				keep.from = g.from
			}
			keep.to = max(keep.to, g.to)
			return nil
		}
		for evs := g.evs; len(evs) > 0; {
			chunk := evs[:min(len(evs), evaluationsPerWrite)]
			evs = evs[len(chunk):]
			err := r.inUpdate(func() error {
				// Those told, their chat accounts and their results in force, in three queries
				// instead of four per person. Supervisors are told once, at the end (announceTeams).
				people := make([]store.Employee, 0, len(chunk))
				for _, ev := range chunk {
					people = append(people, ev.emp)
				}
				restore, err := r.preload(people, store.Preload{NoContracts: true, Evaluations: true})
				if err != nil {
					return err
				}
				defer restore()
				for _, ev := range chunk {
					if ev.unregistered && !d.All && ev.recordable() {
						ev.status = evalHeld // never registered: not recorded unless confirmed too
						counts[ev.status]++
						ev.slim()
						continue
					}
					if err := r.record(ev); err != nil {
						return err
					}
					counts[ev.status]++
					told, err := r.announceResult(ev, team)
					if err != nil {
						return err
					}
					toldAll = append(toldAll, told...)
					ev.slim()
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The ranking, the team messages and the admins' workbook are made on a snapshot too, and
	// queued in short writes; the preview's confirmation flow is saved with the last of them.
	var flowData string
	err = r.inView(func() (err error) {
		flowData, err = r.evaluateSummary(d, title, done, unsigned, unscored, counts, toldAll, team, record)
		return err
	})
	if err != nil {
		return err
	}
	out := r.out
	r.out = nil
	for {
		chunk := out[:min(len(out), noticesPerWrite)]
		out = out[len(chunk):]
		last := len(out) == 0
		err := r.inUpdate(func() error {
			r.out = append(r.out, chunk...)
			if last && flowData != "" {
				return r.saveFlow(flowEvaluate, stepEvaluateOK, flowData)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if !last {
			continue
		}
		if flowData != "" {
			// The preview is saved and asks for "ya": its results wait for the answer.
			keep.unsigned, keep.unscored = unsigned, unscored
			r.e.kept.put(keep)
		}
		return nil
	}
}

// evalGroup is what reading one OPD for /evaluate gave: its results in the order of its people,
// those who cannot be scored, and (for a preview) what recording would do.
type evalGroup struct {
	evs                []*evaluation
	unsigned, unscored []string
	counts             map[string]int // by status, for a preview (compare)
	interim            bool           // some result counts today
	from, to           string         // the days the results count (preloadEvaluation), "" for none
}

// evaluateGroup computes the results of one OPD's people on a snapshot. For a preview it also
// tells what recording each would do, and keeps only what "ya" will need.
func (r *request) evaluateGroup(group []store.Employee, per *period.Period, record bool) (*evalGroup, error) {
	g := &evalGroup{counts: map[string]int{}}
	err := r.inView(func() error {
		restore, from, to, err := r.preloadEvaluation(group, per, !record)
		if err != nil {
			return err
		}
		g.from, g.to = from, to
		defer restore()
		registered, err := r.registeredAmong(group)
		if err != nil {
			return err
		}
		for i := range group {
			if group[i].NIP == r.who.NIP {
				continue // nobody evaluates themselves
			}
			ev, err := r.evaluate(&group[i], per)
			if fe, ok := asError(err); ok {
				if fe.Key == "evaluate.unsigned" {
					g.unsigned = append(g.unsigned, group[i].Name)
				} else {
					g.unscored = append(g.unscored, r.t("evaluate.unscored_line", catalog.Args{"Employee": group[i].Name, "Why": r.t(fe.Key, fe.Args)}))
				}
				continue
			}
			if err != nil {
				return err
			}
			ev.unregistered = !registered[ev.emp.NIP]
			g.evs = append(g.evs, ev)
			if record && ev.final {
				// The person's notice, in the language most people read: a result that turns out
				// unchanged when recorded is told to nobody, and this was done for nothing.
				ev.explained, ev.explainedIn = r.explain(r.e.opt.Language, ev), r.e.opt.Language
			}
			if !record {
				if err := r.compare(ev); err != nil {
					return err
				}
				g.counts[ev.status]++
				ev.keep()
				g.interim = g.interim || !ev.final
			}
		}
		return nil
	})
	return g, err
}

// evalReaders is how many OPDs /evaluate reads at once: the standard machine's two cores (the
// read pool has four connections). evalAhead bounds how many OPDs are read, or being read, ahead
// of the one being recorded: the memory of a few OPDs' full results.
const (
	evalReaders = 2
	evalAhead   = 3
)

// splitLone divides the people of a lone OPD into evalReaders parts, in their order, so that its
// reading uses every reader (/evaluate of an OPD of 500 read it on one core). Each person is
// evaluated on their own whatever part they are read in, so the parts give the same results, in
// the same order, as the whole.
func splitLone(groups [][]store.Employee) [][]store.Employee {
	if len(groups) != 1 || len(groups[0]) < 2*evaluationsPerWrite {
		return groups
	}
	g := groups[0]
	size := (len(g) + evalReaders - 1) / evalReaders
	var out [][]store.Employee
	for len(g) > 0 {
		k := min(size, len(g))
		out, g = append(out, g[:k]), g[k:]
	}
	return out
}

// evaluationsPerWrite is how many results one write of /evaluate records and announces: a few
// milliseconds of the write lock each.
const evaluationsPerWrite = 50

// evaluateSummary tells the evaluator the ranking (and the supervisors and admins their lists,
// once recorded). For a preview with something to record it returns the confirmation flow's data,
// for the caller to save. It only reads.
func (r *request) evaluateSummary(d evaluateDraft, title string, done []*evaluation, unsigned, unscored []string, counts map[string]int,
	toldAll []string, team *teamNotices, record bool) (string, error) {
	if record {
		told, err := r.announceTeams(team)
		if err != nil {
			return "", err
		}
		toldAll = append(toldAll, told...)
	}
	// What confirming would record: new results and changed ones.
	pending := counts[evalNew] + counts[evalReplaced]
	sort.SliceStable(done, func(i, j int) bool { return done[i].score.N > done[j].score.N })
	titleKey := "evaluate.table_title"
	if !record && pending > 0 {
		titleKey = "evaluate.preview_title"
	}
	lines := []string{r.t(titleKey, catalog.Args{"Title": title, "Count": len(done)})}
	dist := map[string]int{}
	met := 0
	for i, ev := range done {
		dist[ev.score.Predicate]++
		if ev.score.StandardMet {
			met++
		}
		lines = append(lines, r.t("evaluate.table_line", catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name,
			"N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate, "Met": ev.score.StandardMet,
			"Period": ev.per.Key, "Interim": ev.interim(), "Preview": ev.status == evalRange, "Same": ev.status == evalSame, "Replaced": ev.status == evalReplaced})+
			r.unregisteredMark(ev))
	}
	var parts []string
	for _, p := range scoring.Predicates {
		parts = append(parts, fmt.Sprintf("%s %d", p, dist[p]))
	}
	lines = append(lines, r.t("evaluate.distribution", catalog.Args{"Parts": strings.Join(parts, " · "), "Met": met, "Count": len(done)}))
	figures, err := r.evaluateFigures(title, r.allSubject(d.Subject), done) // the OPDs own figures (figures.go)
	if err != nil {
		return "", err
	}
	lines = append(lines, figures...)
	if len(unsigned) > 0 {
		lines = append(lines, r.t("evaluate.unsigned_list", catalog.Args{"Count": len(unsigned), "Names": strings.Join(unsigned, "; ")}))
	}
	if len(unscored) > 0 {
		lines = append(lines, r.t("evaluate.unscored_list", catalog.Args{"Count": len(unscored)}))
		lines = append(lines, unscored...)
	}
	lines = append(lines, r.resignationList(done)...)
	switch {
	case !record && pending > 0:
		heldNew, heldReplaced := heldCounts(done)
		lines = append(lines, r.t("evaluate.preview_footer", catalog.Args{"New": counts[evalNew] - heldNew, "Replaced": counts[evalReplaced] - heldReplaced,
			"Same": counts[evalSame], "Interim": counts[evalInterim]}))
		buttons := r.evaluateButtons()
		if held := heldNew + heldReplaced; held > 0 {
			lines = append(lines, r.t("evaluate.unregistered_footer", catalog.Args{"Count": held}))
			buttons[0] = append(buttons[0], bot.Button{Label: r.t("evaluate.button_record_all", nil), Data: buttonEvaluateAll})
		}
		data, err := json.Marshal(d)
		if err != nil {
			return "", err
		}
		r.ask(strings.Join(lines, "\n"), buttons)
		return string(data), nil
	case !record && counts[evalSame] > 0:
		lines = append(lines, r.t("evaluate.nothing_new", catalog.Args{"Same": counts[evalSame], "Interim": counts[evalInterim]}))
	case !record && counts[evalRange] > 0:
		lines = append(lines, r.t("evaluate.all_range", nil))
	case !record && len(done) > 0:
		lines = append(lines, r.t("evaluate.all_interim", nil))
	default:
		lines = append(lines, r.t("evaluate.recorded_summary", catalog.Args{"New": counts[evalNew],
			"Replaced": counts[evalReplaced], "Same": counts[evalSame], "Interim": counts[evalInterim], "Told": len(toldAll)}))
		if counts[evalHeld] > 0 {
			lines = append(lines, r.t("evaluate.unregistered_held", catalog.Args{"Count": counts[evalHeld]}))
		}
	}
	lines = append(lines, r.t("evaluate.table_footer", nil))
	r.sayText(strings.Join(lines, "\n"))
	if !record || !r.isAdmin() {
		return "", nil
	}
	// Admins also get the ranking as a workbook, the form BKPPD files and forwards: the results
	// in force (recorded now, or unchanged from before).
	var ids []int64
	for _, ev := range done {
		if ev.id != 0 {
			ids = append(ids, ev.id)
		}
	}
	if len(ids) == 0 {
		return "", nil
	}
	rows, err := r.tx.EvaluationsByID(r.ctx, ids)
	if err != nil {
		return "", err
	}
	book, err := export.EvaluationsWorkbook(rows, r.e.opt.Location)
	if err != nil {
		return "", err
	}
	r.out = append(r.out, bot.Reply{To: r.msg.Chat, Text: r.t("evaluate.attachment", catalog.Args{"Title": title}),
		Document: book, DocumentName: "evaluasi-" + dateKey(r.today) + ".xlsx"})
	return "", nil
}
