package flows

import (
	"errors"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/period"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

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
