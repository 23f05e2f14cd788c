package flows

import (
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// People who never registered with Lapkin (no account was ever linked to them and they never
// reported) got no reminder and could not report: a result computed for them says nothing of
// their work, and recorded it would stand on their file (issue 26, item 8). The preview of an
// OPD or of everyone marks them; "ya" records everyone else, "ya semua" (the third button)
// records them too.

// buttonEvaluateAll confirms a preview including the people who never registered.
const buttonEvaluateAll = "eval:all"

// recordable reports whether ev would be recorded: final, and of a period the rules name.
func (ev *evaluation) recordable() bool { return ev.final && !ev.rangeOnly }

// registeredAmong tells which of emps ever used Lapkin.
func (r *request) registeredAmong(emps []store.Employee) (map[string]bool, error) {
	nips := make([]string, len(emps))
	for i := range emps {
		nips[i] = emps[i].NIP
	}
	return r.tx.RegisteredNIPs(r.ctx, nips)
}

// unregisteredMark is what a table line adds for someone who never registered: in a preview,
// that they will not be recorded without "ya semua"; once recorded, that they were not.
func (r *request) unregisteredMark(ev *evaluation) string {
	switch {
	case !ev.unregistered || !ev.recordable():
		return ""
	case ev.status == evalHeld:
		return " " + r.t("evaluate.unregistered_mark_held", nil)
	case ev.status == evalNew || ev.status == evalReplaced:
		return " " + r.t("evaluate.unregistered_mark", nil)
	}
	return ""
}

// heldCounts are how many new and replacing results a preview confirmed with "ya" would leave
// out: those of people who never registered.
func heldCounts(evs []*evaluation) (newOnes, replacing int) {
	for _, ev := range evs {
		if !ev.unregistered || !ev.recordable() {
			continue
		}
		switch ev.status {
		case evalNew:
			newOnes++
		case evalReplaced:
			replacing++
		}
	}
	return newOnes, replacing
}

// resignationList ends the ranking of an OPD or of everyone with the officials whose result puts
// them under the resignation procedure (a missed 6-month checkpoint, eselon II–IV), recorded now
// or before: BKPPD's list to act on (issue 26, item 8). The admins other than the evaluator are
// sent the newly recorded ones (announceTeams). Nothing when there is none.
func (r *request) resignationList(evs []*evaluation) []string {
	var due []*evaluation
	for _, ev := range evs {
		if ev.recordable() && ev.status != evalHeld && nextStep(ev) == "evaluate.next_resign" {
			due = append(due, ev)
		}
	}
	if len(due) == 0 {
		return nil
	}
	lines := []string{r.t("evaluate.resign_list_title", catalog.Args{"Count": len(due)})}
	for i, ev := range due {
		lines = append(lines, r.t("evaluate.admin_resign_line", catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name, "NIP": ev.emp.NIP,
			"Eselon": ev.emp.Eselon, "OPD": ev.emp.OPDCode, "N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate}))
	}
	return lines
}
