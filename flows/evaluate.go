package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
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

func (r *request) evaluateButtons() [][]chat.Button {
	return [][]chat.Button{{{Label: r.t("evaluate.button_record", nil), Data: buttonEvaluateYes},
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

// evalReaders is how many OPDs /evaluate reads at once: the standard machine's two cores (the
// read pool has four connections). evalAhead bounds how many OPDs are read, or being read, ahead
// of the one being recorded: the memory of a few OPDs' full results.
const (
	evalReaders = 2
	evalAhead   = 3
)
