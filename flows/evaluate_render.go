package flows

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/scoring"
)

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
			buttons[0] = append(buttons[0], chat.Button{Label: r.t("evaluate.button_record_all", nil), Data: buttonEvaluateAll})
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
	r.out = append(r.out, chat.Reply{To: r.msg.Chat, Text: r.t("evaluate.attachment", catalog.Args{"Title": title}),
		Document: book, DocumentName: "evaluasi-" + dateKey(r.today) + ".xlsx"})
	return "", nil
}
