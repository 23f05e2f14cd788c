package flows

import (
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
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// evaluation is one computed result with what the explanation needs.
type evaluation struct {
	id       int64 // the stored row
	emp      store.Employee
	contract store.Contract
	per      period.Period
	asOf     time.Time // the last day counted: the period's end, or today for a period not over
	kFrom    time.Time // the first day compliance counts: the period's start, or the roster date
	in       scoring.Input
	score    scoring.Result
}

func (ev *evaluation) interim() bool { return ev.asOf.Before(ev.per.End) }

// cmdEvaluate is /evaluate <NIP|KODE-OPD|semua> [periode].
func cmdEvaluate(r *request, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 || len(fields) > 2 {
		return invalid("evaluate.format", nil)
	}
	var per *period.Period
	if len(fields) == 2 {
		p, err := period.Parse(fields[1])
		if err != nil {
			return invalid("evaluate.bad_period", catalog.Args{"Value": fields[1]})
		}
		per = &p
	}
	subject := fields[0]
	switch {
	case strings.EqualFold(subject, "semua") || strings.EqualFold(subject, "all"):
		if !r.isAdmin() {
			return forbidden("evaluate.all_admin_only", nil)
		}
		emps, err := r.tx.Employees(r.ctx, "")
		if err != nil {
			return err
		}
		return r.evaluateMany(r.t("evaluate.all_title", nil), emps, per)
	case isDigits(subject):
		emp, err := r.employeeArg(subject)
		if err != nil {
			return err
		}
		ev, err := r.evaluate(emp, per)
		if err != nil {
			return err
		}
		r.sayText(r.explain(r.lang, ev))
		return r.announceResult(ev)
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
		emps, err := r.tx.Employees(r.ctx, opd.Code)
		if err != nil {
			return err
		}
		return r.evaluateMany(opd.Name+" ("+opd.Code+")", emps, per)
	}
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// evaluate computes and stores one employee's evaluation for per (nil: their current checkpoint).
func (r *request) evaluate(emp *store.Employee, per *period.Period) (*evaluation, error) {
	year := r.today.Year()
	if per != nil && per.Checkpoint == 0 {
		year = per.End.Year()
	}
	c, err := r.tx.SignedContract(r.ctx, emp.NIP, year)
	if errors.Is(err, store.ErrNotFound) {
		return nil, conflict("evaluate.unsigned", catalog.Args{"Employee": emp.Name, "Year": year})
	}
	if err != nil {
		return nil, err
	}
	signed := civil(c.SignedAt.In(r.e.opt.Location))
	var p period.Period
	switch {
	case per == nil:
		// The current checkpoint: the latest one reached, else the first one so far.
		p = period.Checkpoint(3, signed)
		if six := period.Checkpoint(6, signed); !r.today.Before(six.End) {
			p = six
		}
	case per.Checkpoint > 0:
		p = period.Checkpoint(per.Checkpoint, signed)
	default:
		p = *per
	}
	if p.Start.After(r.today) {
		return nil, conflict("evaluate.future", catalog.Args{"From": FormatDate(r.lang, p.Start)})
	}
	ev := &evaluation{emp: *emp, contract: c, per: p, asOf: p.End}
	if r.today.Before(p.End) {
		ev.asOf = r.today
	}
	cal, err := r.calendarFor(emp, p.Start, ev.asOf)
	if err != nil {
		return nil, err
	}
	reported, err := r.tx.ReportDates(r.ctx, emp.NIP, dateKey(p.Start), dateKey(ev.asOf), r.e.opt.RequireApproval)
	if err != nil {
		return nil, err
	}
	last := ev.asOf
	if last.Equal(r.today) && !reported[dateKey(r.today)] {
		last = r.today.AddDate(0, 0, -1) // today is not over: it counts once reported
	}
	// Compliance counts from the day the employee entered the roster: before it nobody could
	// report to Lapkin, and a day that could not be reported must not count as a day missed.
	ev.kFrom = p.Start
	if since := civil(emp.Since.In(r.e.opt.Location)); since.After(ev.kFrom) {
		ev.kFrom = since
	}
	sp := cal.count(ev.kFrom, last, reported)
	ev.in = scoring.Input{WorkDays: sp.Work, ReportedDays: sp.Reported, HolidayDays: sp.Holiday, LeaveDays: sp.Leave}
	var ids []int64
	for _, t := range c.Targets {
		ids = append(ids, t.ID)
	}
	done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(ev.asOf), r.e.opt.RequireApproval)
	if err != nil {
		return nil, err
	}
	for _, t := range c.Targets {
		due, _ := time.Parse("2006-01-02", t.DueDate)
		ev.in.Targets = append(ev.in.Targets, scoring.Target{N: t.N, Description: t.Description, Unit: t.Unit,
			Quantity: t.Quantity, Weight: t.Weight, Fraction: expectedFraction(signed, due, ev.asOf), Done: done[t.ID]})
	}
	ev.score, err = scoring.Compute(ev.in, r.e.opt.Scoring)
	if errors.Is(err, scoring.ErrNothing) {
		return nil, conflict("evaluate.nothing", catalog.Args{"Employee": emp.Name})
	}
	if err != nil {
		return nil, err
	}
	inputs, _ := json.Marshal(struct {
		scoring.Input
		AsOf            string `json:"as_of"`
		ComplianceFrom  string `json:"compliance_from"`
		RequireApproval bool   `json:"require_approval"`
		ContractVersion int    `json:"contract_version"`
		ContractSHA256  string `json:"contract_sha256"`
	}{ev.in, dateKey(ev.asOf), dateKey(ev.kFrom), r.e.opt.RequireApproval, c.Version, c.SHA256})
	outputs, _ := json.Marshal(ev.score)
	params, _ := json.Marshal(r.e.opt.Scoring)
	checkpoint := ""
	if p.Checkpoint > 0 {
		checkpoint = p.Key
	}
	ev.id, err = r.tx.AddEvaluation(r.ctx, store.Evaluation{NIP: emp.NIP, ContractID: c.ID, PeriodKey: p.Key,
		PeriodStart: dateKey(p.Start), PeriodEnd: dateKey(p.End), Checkpoint: checkpoint, Inputs: string(inputs),
		Outputs: string(outputs), Score: ev.score.N, Predicate: ev.score.Predicate, StandardMet: ev.score.StandardMet,
		Parameters: string(params), EvaluatorNIP: r.who.NIP, CreatedAt: r.now})
	return ev, err
}

// tl renders a message in a given language (for someone other than the sender).
func (r *request) tl(lang, key string, args catalog.Args) string { return r.e.cat.T(lang, key, args) }

// explain writes the result first, then why: K with its days, C per target, and the formula.
func (r *request) explain(lang string, ev *evaluation) string {
	s, in := ev.score, ev.in
	args := catalog.Args{"Employee": ev.emp.Name, "NIP": ev.emp.NIP, "Period": ev.per.Key,
		"From": FormatDate(lang, ev.per.Start), "To": FormatDate(lang, ev.per.End), "AsOf": FormatDate(lang, ev.asOf),
		"Interim": ev.interim(), "N": FormatNumber(s.N), "Predicate": s.Predicate, "Met": s.StandardMet,
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
	} else {
		lines = append(lines, r.tl(lang, "evaluate.k_none", nil))
	}
	if ev.kFrom.After(ev.per.Start) {
		lines = append(lines, r.tl(lang, "evaluate.k_since", catalog.Args{"Date": FormatDate(lang, ev.kFrom)}))
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

// announceResult tells the employee and their supervisor the result of a complete period, and
// the admins when a 6-month miss puts the official under the resignation procedure. An interim
// result (a period not over) is the evaluator's alone.
func (r *request) announceResult(ev *evaluation) error {
	if ev.interim() {
		return nil
	}
	miss := !ev.score.StandardMet
	next := ""
	switch {
	case miss && ev.per.Checkpoint == 6:
		next = "evaluate.next_resign"
	case miss && ev.per.Checkpoint == 3:
		next = "evaluate.next_warning"
	case miss:
		next = "evaluate.next_miss"
	}
	tell := func(nip string, withNext bool) error {
		return r.notifyFunc(nip, func(lang string, name string) string {
			text := r.tl(lang, "evaluate.to_person", catalog.Args{"Name": name}) + "\n" + r.explain(lang, ev)
			if withNext && next != "" {
				text += "\n" + r.tl(lang, next, nil)
			}
			return text
		})
	}
	if ev.emp.NIP != r.who.NIP {
		if err := tell(ev.emp.NIP, true); err != nil {
			return err
		}
	}
	if sup, err := r.supervisorOf(&ev.emp); err != nil {
		return err
	} else if sup != "" && sup != r.who.NIP {
		if err := tell(sup, true); err != nil {
			return err
		}
	}
	if miss && ev.per.Checkpoint == 6 {
		admins, err := r.tx.Admins(r.ctx)
		if err != nil {
			return err
		}
		for _, a := range append(admins, r.e.opt.AdminNIPs...) {
			if a == r.who.NIP {
				continue
			}
			err := r.notifyFunc(a, func(lang, name string) string {
				return r.tl(lang, "evaluate.to_admin_resign", catalog.Args{"Name": name, "Employee": ev.emp.Name,
					"NIP": ev.emp.NIP, "N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate})
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// evaluateMany evaluates a list of employees and answers with a ranked table: score, predicate,
// the standard, and the distribution of predicates; those without a signed contract are named.
func (r *request) evaluateMany(title string, emps []store.Employee, per *period.Period) error {
	var done []*evaluation
	var unsigned, unscored []string
	for i := range emps {
		ev, err := r.evaluate(&emps[i], per)
		if fe, ok := asError(err); ok {
			if fe.Key == "evaluate.unsigned" {
				unsigned = append(unsigned, emps[i].Name)
			} else {
				unscored = append(unscored, emps[i].Name)
			}
			continue
		}
		if err != nil {
			return err
		}
		done = append(done, ev)
		if err := r.announceResult(ev); err != nil {
			return err
		}
	}
	sort.SliceStable(done, func(i, j int) bool { return done[i].score.N > done[j].score.N })
	lines := []string{r.t("evaluate.table_title", catalog.Args{"Title": title, "Count": len(done)})}
	dist := map[string]int{}
	met := 0
	for i, ev := range done {
		dist[ev.score.Predicate]++
		if ev.score.StandardMet {
			met++
		}
		lines = append(lines, r.t("evaluate.table_line", catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name,
			"N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate, "Met": ev.score.StandardMet,
			"Period": ev.per.Key, "Interim": ev.interim()}))
	}
	var parts []string
	for _, p := range scoring.Predicates {
		parts = append(parts, fmt.Sprintf("%s %d", p, dist[p]))
	}
	lines = append(lines, r.t("evaluate.distribution", catalog.Args{"Parts": strings.Join(parts, " · "), "Met": met, "Count": len(done)}))
	if len(unsigned) > 0 {
		lines = append(lines, r.t("evaluate.unsigned_list", catalog.Args{"Count": len(unsigned), "Names": strings.Join(unsigned, ", ")}))
	}
	if len(unscored) > 0 {
		lines = append(lines, r.t("evaluate.unscored_list", catalog.Args{"Count": len(unscored), "Names": strings.Join(unscored, ", ")}))
	}
	lines = append(lines, r.t("evaluate.table_footer", nil))
	r.sayText(strings.Join(lines, "\n"))
	if !r.isAdmin() || len(done) == 0 {
		return nil
	}
	// Admins also get the ranking as a workbook, the form BKPPD files and forwards.
	ids := make([]int64, len(done))
	for i, ev := range done {
		ids[i] = ev.id
	}
	rows, err := r.tx.EvaluationsByID(r.ctx, ids)
	if err != nil {
		return err
	}
	book, err := export.EvaluationsWorkbook(rows, r.e.opt.Location)
	if err != nil {
		return err
	}
	r.out = append(r.out, bot.Reply{To: r.msg.Chat, Text: r.t("evaluate.attachment", catalog.Args{"Title": title}),
		Document: book, DocumentName: "evaluasi-" + dateKey(r.today) + ".xlsx"})
	return nil
}
