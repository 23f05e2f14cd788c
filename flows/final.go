package flows

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/period"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// A final result stays final (issue 26, item 1). Leave decided and reports validated or returned
// after a person's period was evaluated for good would change what the result counted; done
// silently, a supervisor could bend a score BKPPD has already recorded and announced. So such a
// change is never refused (a late sick note is real) but it asks first: the command is answered
// with the results it touches and how to go on, and goes through only when sent again with the
// word "tetap" ("anyway") and a reason. Each change is then recorded against each result it
// touches, with who made it and why (store.FinalChange), and the result itself stays as it was
// until someone evaluates the period again, whose result says what changed.

// finalTouch is one change a command is about to make to something final results may count.
type finalTouch struct {
	nip         string // whose leave or report
	kind        string // store.FinalChangeLeave or store.FinalChangeReport
	ref         int64  // the leave's or report's id
	action      string // the status it gets
	first, last string // the days it touches (YYYY-MM-DD)
	target      int64  // a report's target, 0 for none
}

// maxFinalReason bounds the reason given with "tetap", like a leave's reason.
const maxFinalReason = 200

// anywayWords are the words that confirm a change to what a final result counted.
func isAnyway(w string) bool {
	switch strings.ToLower(w) {
	case "tetap", "anyway":
		return true
	}
	return false
}

// splitAnyway cuts words at the confirming word: what comes before it, the reason after it, and
// whether it was there.
func splitAnyway(words []string) ([]string, string, bool) {
	for i, w := range words {
		if isAnyway(w) {
			return words[:i], strings.Join(words[i+1:], " "), true
		}
	}
	return words, "", false
}

// finalHits returns the final results in force that c changes.
func (r *request) finalHits(c finalTouch) ([]store.Evaluation, error) {
	if c.kind == store.FinalChangeLeave {
		return r.tx.FinalEvaluationsOver(r.ctx, c.nip, c.first, c.last)
	}
	return r.tx.FinalEvaluationsCounting(r.ctx, c.nip, c.first, c.target)
}

// checkReason refuses a confirmation without a reason, or with one too long, saying how to write it.
func (r *request) checkReason(reason, command string) error {
	if strings.TrimSpace(reason) == "" {
		return invalid("final.reason_required", catalog.Args{"Command": command})
	}
	if utf8.RuneCountInString(reason) > maxFinalReason {
		return invalid("final.reason_too_long", catalog.Args{"Max": maxFinalReason})
	}
	return nil
}

// finalAsk is the answer to a change that touches final results and came without "tetap": what it
// would touch and how to confirm it. Nothing is changed.
func (r *request) finalAsk(what, command string, evs []store.Evaluation) error {
	return conflict("final.ask", catalog.Args{"What": what, "Results": r.finalResults(r.lang, evs),
		"Command": command, "Count": len(evs)})
}

// recordFinal records c against each result in evs, as made by the sender for reason.
func (r *request) recordFinal(c finalTouch, evs []store.Evaluation, reason string) error {
	for _, ev := range evs {
		err := r.tx.AddFinalChange(r.ctx, store.FinalChange{EvaluationID: ev.ID, NIP: c.nip, Kind: c.kind, RefID: c.ref,
			Action: c.action, FirstDay: c.first, LastDay: c.last, ActorNIP: r.who.NIP, Reason: reason, CreatedAt: r.now})
		if err != nil {
			return err
		}
	}
	return nil
}

// finalRecorded is the line added to the answer of a confirmed change: it is on record, and the
// results change only when evaluated again.
func (r *request) finalRecorded(evs []store.Evaluation) string {
	return r.t("final.recorded", catalog.Args{"Results": r.finalResults(r.lang, evs), "NIP": evs[0].NIP,
		"Period": evs[0].PeriodKey, "Count": len(evs)})
}

// finalResults names results: "3b (5 Jan 2026 – 4 Apr 2026, N = 82,5 Baik)", joined.
func (r *request) finalResults(lang string, evs []store.Evaluation) string {
	parts := make([]string, 0, len(evs))
	for _, ev := range evs {
		parts = append(parts, r.tl(lang, "final.result", catalog.Args{"Period": ev.PeriodKey, "From": formatStored(lang, ev.PeriodStart),
			"To": formatStored(lang, ev.PeriodEnd), "N": FormatNumber(ev.Score), "Predicate": ev.Predicate}))
	}
	return strings.Join(parts, "; ")
}

// whatChanged says, for a result that replaces an earlier one of the same period, what moved:
// compliance and achievement before and after, and each change recorded against the earlier
// result after it was final (who, what, why). Empty when nothing is to be said.
func (r *request) whatChanged(lang string, ev *evaluation) (string, error) {
	if ev.previous == nil {
		return "", nil
	}
	var lines []string
	if old, ok := ev.previousScore(); ok {
		if old.KMeasured && ev.score.KMeasured && old.K != ev.score.K {
			lines = append(lines, r.tl(lang, "final.changed_k", catalog.Args{"Old": FormatPercent(old.K), "New": FormatPercent(ev.score.K)}))
		}
		if old.CMeasured && ev.score.CMeasured && old.C != ev.score.C {
			lines = append(lines, r.tl(lang, "final.changed_c", catalog.Args{"Old": FormatPercent(old.C), "New": FormatPercent(ev.score.C)}))
		}
	}
	changes, err := r.tx.FinalChanges(r.ctx, ev.previous.ID)
	if err != nil {
		return "", err
	}
	for _, c := range changes {
		actor := c.ActorNIP
		if emp, err := r.tx.Employee(r.ctx, c.ActorNIP); err == nil {
			actor = emp.Name
		}
		from, err := storedDate(c.FirstDay)
		if err != nil {
			return "", fmt.Errorf("final change %d: %w", c.RefID, err)
		}
		to, err := storedDate(c.LastDay)
		if err != nil {
			return "", fmt.Errorf("final change %d: %w", c.RefID, err)
		}
		days := FormatDate(lang, from)
		if c.LastDay != c.FirstDay {
			days += " – " + FormatDate(lang, to)
		}
		lines = append(lines, r.tl(lang, "final.change_line", catalog.Args{"Kind": c.Kind, "Action": c.Action, "ID": c.RefID,
			"Days": days, "By": actor, "Reason": c.Reason, "When": FormatDate(lang, civil(c.CreatedAt.In(r.e.opt.Location)))}))
	}
	if len(lines) == 0 {
		return r.tl(lang, "final.changed_none", nil), nil
	}
	return r.tl(lang, "final.changed_title", nil) + "\n" + strings.Join(lines, "\n"), nil
}

// previousScore reads what the earlier result of the period came to, from its stored outputs.
func (ev *evaluation) previousScore() (scoring.Result, bool) {
	var s scoring.Result
	if ev.previous == nil || ev.previous.Outputs == "" || json.Unmarshal([]byte(ev.previous.Outputs), &s) != nil {
		return s, false
	}
	return s, true
}

// reviewTouch is what validating (approved) or returning (returned) rep changes.
func reviewTouch(rep store.Report, action string) finalTouch {
	c := finalTouch{nip: rep.NIP, kind: store.FinalChangeReport, ref: rep.ID, action: action, first: rep.LocalDate, last: rep.LocalDate}
	if rep.TargetID != nil {
		c.target = *rep.TargetID
	}
	return c
}

// reviewHits returns the final results in force that deciding rep changes.
func (r *request) reviewHits(rep store.Report, action string) ([]store.Evaluation, error) {
	return r.finalHits(reviewTouch(rep, action))
}

// finalHeldMax bounds the ids a held answer lists.
const finalHeldMax = 20

// approveAll is "/validasi setujui semua": every waiting report of the scope is approved, except
// those a final result counts, which are named with how to confirm them; with "tetap" and a
// reason those too, each change recorded.
func (r *request) approveAll(scope store.ReviewScope, anyway bool, reason string) error {
	under := scope
	under.OnlyFinal = true
	limit := finalHeldMax
	if anyway {
		limit = -1 // every one, to record each
	}
	held, heldTotal, err := r.tx.SubmittedReports(r.ctx, under, limit)
	if err != nil {
		return err
	}
	var recorded []store.Evaluation
	if anyway {
		for _, p := range held {
			hits, err := r.reviewHits(p.Report, store.ReportApproved)
			if err != nil {
				return err
			}
			if err := r.recordFinal(reviewTouch(p.Report, store.ReportApproved), hits, reason); err != nil {
				return err
			}
			recorded = append(recorded, hits...)
		}
		held, heldTotal = nil, 0
	}
	approve := scope
	approve.NotFinal = !anyway
	n, err := r.tx.ApproveSubmitted(r.ctx, approve, r.who.NIP, r.now)
	if err != nil {
		return err
	}
	if n == 0 && heldTotal == 0 {
		r.say("review.none", nil)
		return nil
	}
	var lines []string
	if n > 0 {
		lines = append(lines, r.t("review.approved_all", catalog.Args{"Count": n}))
	}
	if len(recorded) > 0 {
		lines = append(lines, r.finalRecorded(recorded))
	}
	if heldTotal > 0 {
		ids := make([]string, 0, len(held))
		for _, p := range held {
			ids = append(ids, strconv.FormatInt(p.ID, 10))
		}
		lines = append(lines, r.finalHeld(ids, heldTotal))
	}
	return r.reviewDone(scope, strings.Join(lines, "\n"))
}

// reviewApproved answers "/validasi setujui <id>…": the reports approved, the changes recorded
// against final results, and those held until confirmed.
func (r *request) reviewApproved(scope store.ReviewScope, ids, held []string, recorded []store.Evaluation) error {
	var lines []string
	if len(ids) > 0 {
		lines = append(lines, r.t("review.approved", catalog.Args{"Count": len(ids), "IDs": strings.Join(ids, ", ")}))
	}
	if len(recorded) > 0 {
		lines = append(lines, r.finalRecorded(recorded))
	}
	if len(held) > 0 {
		lines = append(lines, r.finalHeld(held, len(held)))
	}
	return r.reviewDone(scope, strings.Join(lines, "\n"))
}

// finalHeld says which waiting reports were not approved because final results count them, and
// how to approve them anyway.
func (r *request) finalHeld(ids []string, total int) string {
	shown := make([]string, 0, len(ids))
	for _, id := range ids {
		shown = append(shown, "#"+id)
	}
	return r.t("final.held", catalog.Args{"Count": total, "IDs": strings.Join(shown, ", "), "More": total - len(ids),
		"Command": r.t("final.command_review_approve", catalog.Args{"IDs": strings.Join(ids, " ")})})
}

// namedPeriod returns the period the rules name that covers exactly the days of p: the checkpoint
// 3b or 6b of a contract signed on signed, or a calendar month, quarter or year. A range is
// recorded as that period (it is one: the same days, the same result); any other range is
// returned as it is, and isFreeRange tells it is a preview only.
func namedPeriod(p period.Period, signed time.Time) period.Period {
	if p.Checkpoint > 0 || !strings.Contains(p.Key, "..") {
		return p
	}
	for _, n := range []int{3, 6} {
		if c := period.Checkpoint(n, signed); c.Start.Equal(p.Start) && c.End.Equal(p.End) {
			return c
		}
	}
	y, m := p.Start.Year(), p.Start.Month()
	candidates := []string{fmt.Sprintf("%04d-%02d", y, m), fmt.Sprintf("%04d-Q%d", y, (int(m)-1)/3+1), fmt.Sprintf("%04d", y)}
	for _, key := range candidates {
		if c, err := period.Parse(key); err == nil && c.Start.Equal(p.Start) && c.End.Equal(p.End) {
			return c
		}
	}
	return p
}

// isFreeRange reports whether p is a date range the rules do not name (namedPeriod found none):
// /evaluate shows its result as a preview and records nothing, so that a convenient range can
// never stand in for a checkpoint, a month, a quarter or the year.
func isFreeRange(p period.Period) bool {
	return p.Checkpoint == 0 && strings.Contains(p.Key, "..")
}
