package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Preload says what to read at once for a group of employees (one OPD, or a supervisor's team)
// before a job walks them one by one.
type Preload struct {
	NIPs []string
	// People, when set, are the rows of NIPs' employees as the caller read them (store.Employees):
	// Employee answers from them instead of reading them again. A job lists the city to split it
	// by OPD, then read each OPD's rows a second time (a tenth of the reminders' CPU).
	People   []Employee
	From, To string // YYYY-MM-DD: the days whose leave, report dates (and reports) are read
	Year     int    // the year of the signed contracts
	// Reports reads the reports themselves (ReportsBetween), not only the days with one (ReportDates).
	Reports bool
	// Anchors reads what ComplianceAnchors answers (first report, first signing).
	Anchors bool
	// NoContracts leaves the contracts out (SignedContract then asks the database).
	NoContracts bool
	// FirstTargets reads the first target of each one's signed contract of Year (FirstTarget):
	// what a reminder names as its example. With NoContracts, it is all that is read of the
	// contracts (a reminder for 20,000 people read 40,000 contract and target rows for it).
	FirstTargets bool
	// Evaluations reads the results in force (CurrentEvaluation) of the employees. A write that
	// records one person's result may use it only for people whose results it has not recorded
	// yet: what it read is not updated.
	Evaluations bool
	// NoPeople leaves the employees and their chat accounts out (Employee and IdentitiesOf then
	// ask the database): an evaluation's reading asks for neither.
	NoPeople bool
	// RealisedAt, when set, reads the realisation of each preloaded contract's targets at the
	// date given for its owner (TargetRealisation of that date), with ApprovedOnly as the job asks.
	RealisedAt   func(nip string) string
	ApprovedOnly bool
}

// preloaded is what Preloaded read: the answers a job would otherwise ask for person by person.
type preloaded struct {
	Preload
	nips        map[string]bool
	employees   map[string]Employee
	leave       map[string][]Leave
	reports     map[string][]Report
	dates       map[string][]string // sorted, distinct
	contracts   map[string]*Contract
	first       map[string]*Target // FirstTargets: nil for someone without one
	firstRep    map[string]string
	firstSign   map[string]*time.Time
	realisation map[int64]float64 // by target id, at realisedTo
	realisedTo  map[int64]string
	idents      map[string][]Identity
	admins      *[]string // Admins, once asked
	opds        map[string]OPD
	holidays    map[string][]Holiday    // by "from..to"
	evaluations map[string][]Evaluation // in force, by NIP, each one's newest first within a period
}

// Preloaded returns a Tx over the same transaction that answers Employee, LeaveBetween,
// ReportDates, ReportsBetween, SignedContract, ComplianceAnchors and TargetRealisation for p's
// employees and dates from a handful of batched queries read now, instead of a few queries per
// person: the digest, reminders and /evaluate walk whole OPDs, and 20,000 people times a dozen
// queries was most of their time. Anything outside p goes to the database as before, so the
// answers are the same either way. The Tx must not be used to change what it preloaded: it is
// meant for a job's read phase (View) or for writing other tables (evaluations, the outbox).
func (t *Tx) Preloaded(ctx context.Context, p Preload) (*Tx, error) {
	pre := &preloaded{Preload: p, nips: map[string]bool{}, employees: map[string]Employee{}, leave: map[string][]Leave{},
		reports: map[string][]Report{}, dates: map[string][]string{}, contracts: map[string]*Contract{},
		firstRep: map[string]string{}, firstSign: map[string]*time.Time{}, opds: map[string]OPD{}, holidays: map[string][]Holiday{},
		idents: map[string][]Identity{}, first: map[string]*Target{}}
	opds, err := t.OPDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range opds {
		pre.opds[o.Code] = o
	}
	inherit := t.pre != nil && t.pre.Year == p.Year && (t.pre.Anchors || !p.Anchors) && (!t.pre.NoContracts || p.NoContracts) &&
		(!t.pre.NoPeople || p.NoPeople) && (t.pre.FirstTargets || !p.FirstTargets)
	for _, n := range p.NIPs {
		pre.nips[n] = true
		inherit = inherit && t.pre.nips[n]
	}
	if inherit {
		// Read ahead again for the same people (a wider span of days): what does not depend on
		// the days is kept from the first read.
		pre.employees, pre.idents, pre.contracts, pre.first = t.pre.employees, t.pre.idents, t.pre.contracts, t.pre.first
		pre.firstRep, pre.firstSign = t.pre.firstRep, t.pre.firstSign
	}
	if !inherit && !p.NoPeople {
		for _, e := range p.People {
			pre.employees[e.NIP] = e
		}
	}
	err = forChunks(p.NIPs, func(nips []string, in string, args []any) error {
		if !inherit && !p.NoPeople {
			if len(p.People) == 0 {
				if err := t.preloadEmployees(ctx, pre, in, args); err != nil {
					return err
				}
			}
			if err := t.preloadIdentities(ctx, pre, in, args); err != nil {
				return err
			}
		}
		if p.From != "" {
			if err := t.preloadLeave(ctx, pre, in, args); err != nil {
				return err
			}
			if err := t.preloadReports(ctx, pre, in, args); err != nil {
				return err
			}
		}
		if p.Evaluations {
			if err := t.preloadEvaluations(ctx, pre, in, args); err != nil {
				return err
			}
		}
		if inherit {
			return nil
		}
		if !p.NoContracts {
			if err := t.preloadContracts(ctx, pre, in, args); err != nil {
				return err
			}
		}
		if p.FirstTargets {
			if err := t.preloadFirstTargets(ctx, pre, in, args); err != nil {
				return err
			}
		}
		if !p.Anchors {
			return nil
		}
		return t.preloadAnchors(ctx, pre, in, args)
	})
	if err != nil {
		return nil, err
	}
	if p.RealisedAt != nil {
		pre.realisedTo = map[int64]string{}
		for nip, c := range pre.contracts {
			to := p.RealisedAt(nip)
			if to == "" {
				continue
			}
			for _, tg := range c.Targets {
				pre.realisedTo[tg.ID] = to
			}
		}
		if pre.realisation, err = t.realisedAt(ctx, pre.realisedTo, p.ApprovedOnly); err != nil {
			return nil, err
		}
	}
	return &Tx{q: t.q, pre: pre, frozen: t.frozen, frozenLater: t.frozenLater}, nil
}

// preloadChunk is how many NIPs one batched query names: an OPD of 500 in one or two queries,
// far under SQLite's limit on bound parameters.
const preloadChunk = 400

func forChunks(nips []string, fn func(nips []string, in string, args []any) error) error {
	for len(nips) > 0 {
		n := min(len(nips), preloadChunk)
		args := make([]any, n)
		for i, s := range nips[:n] {
			args[i] = s
		}
		if err := fn(nips[:n], "("+placeholders(n)+")", args); err != nil {
			return err
		}
		nips = nips[n:]
	}
	return nil
}

func (t *Tx) preloadEmployees(ctx context.Context, pre *preloaded, in string, args []any) error {
	rows, err := t.q.QueryContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE nip IN `+in, args...)
	if err != nil {
		return fmt.Errorf("preload employees: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return err
		}
		pre.employees[e.NIP] = e
	}
	return rows.Err()
}

func (t *Tx) preloadIdentities(ctx context.Context, pre *preloaded, in string, args []any) error {
	// The order of IdentitiesOf, within each person.
	rows, err := t.q.QueryContext(ctx, `SELECT `+identityCols+` FROM identities
		WHERE employee_nip IN `+in+` ORDER BY employee_nip, max(linked_at, COALESCE(last_seen_at, linked_at)) DESC, net`, args...)
	if err != nil {
		return fmt.Errorf("preload identities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			return err
		}
		pre.idents[id.NIP] = append(pre.idents[id.NIP], id)
	}
	return rows.Err()
}

func (t *Tx) preloadLeave(ctx context.Context, pre *preloaded, in string, args []any) error {
	// The same condition as LeaveBetween, over the whole preloaded span.
	rows, err := t.q.QueryContext(ctx, `SELECT `+leaveColumns+` FROM leave
		WHERE cancelled_at IS NULL AND status = 'approved' AND nip IN `+in+` AND start_date <= ? AND end_date >= ?
		ORDER BY nip, start_date`, append(args, pre.To, pre.From)...)
	if err != nil {
		return fmt.Errorf("preload leave: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLeave(rows)
		if err != nil {
			return err
		}
		pre.leave[l.NIP] = append(pre.leave[l.NIP], l)
	}
	return rows.Err()
}

func (t *Tx) preloadReports(ctx context.Context, pre *preloaded, in string, args []any) error {
	args = append(args, pre.From, pre.To)
	if !pre.Reports {
		// One row per person with the days joined: stepping through a row costs more in Go than
		// in SQLite, and reminders read 120 days of 20,000 people.
		// Grouped in the index's order, with no DISTINCT to sort: the repeats are dropped below.
		rows, err := t.q.QueryContext(ctx, `SELECT nip, group_concat(local_date) FROM reports
			WHERE nip IN `+in+` AND local_date BETWEEN ? AND ? AND status IN ('submitted', 'approved') GROUP BY nip`, args...)
		if err != nil {
			return fmt.Errorf("preload report dates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var nip, ds string
			if err := rows.Scan(&nip, &ds); err != nil {
				return err
			}
			days := strings.Split(ds, ",")
			sort.Strings(days)
			pre.dates[nip] = slices.Compact(days)
		}
		return rows.Err()
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+reportCols+` FROM reports
		WHERE nip IN `+in+` AND local_date BETWEEN ? AND ? AND status <> 'deleted' ORDER BY nip, local_date, id`, args...)
	if err != nil {
		return fmt.Errorf("preload reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return err
		}
		pre.reports[r.NIP] = append(pre.reports[r.NIP], r)
		if r.Status == ReportSubmitted || r.Status == ReportApproved {
			if ds := pre.dates[r.NIP]; len(ds) == 0 || ds[len(ds)-1] != r.LocalDate {
				pre.dates[r.NIP] = append(ds, r.LocalDate)
			}
		}
	}
	return rows.Err()
}

func (t *Tx) preloadContracts(ctx context.Context, pre *preloaded, in string, args []any) error {
	// The newest signed version of the year, as SignedContract picks it.
	rows, err := t.q.QueryContext(ctx, `SELECT c.id, c.nip, c.year, c.version, c.status, c.supervisor_nip, c.signed_at, c.sha256, c.created_at
		FROM contracts c WHERE c.nip IN `+in+` AND c.year = ? AND c.status = 'signed'
		AND c.version = (SELECT MAX(version) FROM contracts d WHERE d.nip = c.nip AND d.year = c.year AND d.status = 'signed')`,
		append(args, pre.Year)...)
	if err != nil {
		return fmt.Errorf("preload contracts: %w", err)
	}
	byID := map[int64]*Contract{}
	for rows.Next() {
		var c Contract
		var signed sql.NullTime
		var sup sql.NullString
		if err := rows.Scan(&c.ID, &c.NIP, &c.Year, &c.Version, &c.Status, &sup, &signed, &c.SHA256, &c.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		c.SupervisorNIP = sup.String
		if signed.Valid {
			c.SignedAt = &signed.Time
		}
		pre.contracts[c.NIP] = &c
		byID[c.ID] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(byID) == 0 {
		return err
	}
	// The targets of the versions just read, by their ids: the UNIQUE (contract_id, n) index gives
	// them in order without a sort, and older signed versions' targets are not read at all (a
	// join on the employees' signed contracts read both, and sorted them in a temporary B-tree).
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	rows, err = t.q.QueryContext(ctx, `SELECT `+targetCols+`
		FROM targets t WHERE t.contract_id IN (`+placeholders(len(ids))+`) ORDER BY t.contract_id, t.n`, ids...)
	if err != nil {
		return fmt.Errorf("preload targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tg Target
		if err := rows.Scan(tg.fields()...); err != nil {
			return err
		}
		if c := byID[tg.ContractID]; c != nil {
			c.Targets = append(c.Targets, tg)
		}
	}
	return rows.Err()
}

// firstTargetWhere picks, for each contract row c, the target FirstTarget answers: the lowest
// number of the newest signed version of the year (one seek each in the (contract_id, n) index).
const firstTargetWhere = `c.year = ? AND c.status = 'signed'
	AND c.version = (SELECT MAX(version) FROM contracts d WHERE d.nip = c.nip AND d.year = c.year AND d.status = 'signed')
	AND t.n = (SELECT MIN(n) FROM targets u WHERE u.contract_id = c.id)`

func (t *Tx) preloadFirstTargets(ctx context.Context, pre *preloaded, in string, args []any) error {
	rows, err := t.q.QueryContext(ctx, `SELECT c.nip, `+targetCols+` FROM contracts c JOIN targets t ON t.contract_id = c.id
		WHERE c.nip IN `+in+` AND `+firstTargetWhere, append(args, pre.Year)...)
	if err != nil {
		return fmt.Errorf("preload first targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var nip string
		var tg Target
		if err := rows.Scan(append([]any{&nip}, tg.fields()...)...); err != nil {
			return err
		}
		pre.first[nip] = &tg
	}
	return rows.Err()
}

func (t *Tx) preloadEvaluations(ctx context.Context, pre *preloaded, in string, args []any) error {
	if pre.evaluations == nil {
		pre.evaluations = map[string][]Evaluation{}
	}
	// CurrentEvaluation's rows for every period at once, in its order within each period.
	rows, err := t.q.QueryContext(ctx, `SELECT `+evaluationCols+` FROM evaluations v
		WHERE nip IN `+in+` AND NOT EXISTS (SELECT 1 FROM evaluation_supersessions s WHERE s.evaluation_id = v.id)
		ORDER BY nip, period_start, period_end, created_at DESC, id DESC`, args...)
	if err != nil {
		return fmt.Errorf("preload evaluations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return err
		}
		pre.evaluations[e.NIP] = append(pre.evaluations[e.NIP], e)
	}
	return rows.Err()
}

// currentEvaluation answers CurrentEvaluation from what was preloaded: ok is false when nip's
// results were not read.
func (p *preloaded) currentEvaluation(nip, start, end string) (e Evaluation, found, ok bool) {
	if p == nil || !p.Evaluations || !p.nips[nip] {
		return e, false, false
	}
	for _, e := range p.evaluations[nip] {
		if e.PeriodStart == start && e.PeriodEnd == end {
			return e, true, true
		}
	}
	return e, false, true
}

func (t *Tx) preloadAnchors(ctx context.Context, pre *preloaded, in string, args []any) error {
	// One seek per person on reports_employee_date, as ComplianceAnchors does.
	rows, err := t.q.QueryContext(ctx, `SELECT e.nip, COALESCE((SELECT MIN(local_date) FROM reports r WHERE r.nip = e.nip AND r.status <> 'deleted'), '')
		FROM employees e WHERE e.nip IN `+in, args...)
	if err != nil {
		return fmt.Errorf("preload first reports: %w", err)
	}
	for rows.Next() {
		var nip, d string
		if err := rows.Scan(&nip, &d); err != nil {
			rows.Close()
			return err
		}
		pre.firstRep[nip] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = t.q.QueryContext(ctx, `SELECT nip, signed_at FROM contracts WHERE nip IN `+in+` AND signed_at IS NOT NULL ORDER BY nip, signed_at`, args...)
	if err != nil {
		return fmt.Errorf("preload first signings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var nip string
		var at time.Time
		if err := rows.Scan(&nip, &at); err != nil {
			return err
		}
		if pre.firstSign[nip] == nil {
			pre.firstSign[nip] = &at
		}
	}
	return rows.Err()
}

// has reports whether nip's rows over from..to were preloaded.
func (p *preloaded) has(nip, from, to string) bool {
	return p != nil && p.nips[nip] && p.From <= from && to <= p.To
}

// realisedAt sums, for each target of cut, what was reported towards it (and its carried-over
// predecessors) up to and including its own date: the running totals less the reports dated after
// that date, added up in SQLite (a target's reports after a date are found on reports_target_date
// without reading the ones before).
func (t *Tx) realisedAt(ctx context.Context, cut map[int64]string, approvedOnly bool) (map[int64]float64, error) {
	out := make(map[int64]float64, len(cut))
	ids := make([]int64, 0, len(cut))
	for id := range cut {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	column, statuses := `counted`, `('submitted', 'approved')`
	if approvedOnly {
		column, statuses = `approved`, `('approved')`
	}
	for len(ids) > 0 {
		n := min(len(ids), preloadChunk)
		args := make([]any, 0, 2*n)
		var values strings.Builder
		for i, id := range ids[:n] {
			if i > 0 {
				values.WriteString(", ")
			}
			values.WriteString("(?, ?)")
			args = append(args, id, cut[id])
			out[id] = 0
		}
		ids = ids[n:]
		// A target carried into a revised contract keeps the reports of its predecessors: the
		// chain walks back through carried_from, each link keeping the asked target and date.
		query := `WITH RECURSIVE cut(id, upto) AS (VALUES ` + values.String() + `),
			chain(id, root, upto) AS (
				SELECT id, id, upto FROM cut
				UNION ALL
				SELECT t.carried_from, c.root, c.upto FROM targets t JOIN chain c ON t.id = c.id WHERE t.carried_from IS NOT NULL)
			SELECT c.root,
			       COALESCE((SELECT tt.` + column + ` FROM target_totals tt WHERE tt.target_id = c.id), 0)
			     - COALESCE((SELECT SUM(r.quantity) FROM reports r WHERE r.target_id = c.id AND r.local_date > c.upto
			                 AND r.quantity IS NOT NULL AND r.status IN ` + statuses + `), 0)
			FROM chain c`
		rows, err := t.q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("sum realisation: %w", err)
		}
		for rows.Next() {
			var id int64
			var v float64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] += v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for id, v := range out {
		// Adding and taking away leaves binary dust (0.1 + 0.2 - 0.1): quantities are written
		// with a few decimals, so six give the sum a plain addition would, and a target met
		// exactly stays met.
		out[id] = math.Round(v*1e6) / 1e6
	}
	return out, nil
}

// employee returns a preloaded employee.
func (p *preloaded) employee(nip string) (Employee, bool) {
	if p == nil {
		return Employee{}, false
	}
	e, ok := p.employees[nip]
	return e, ok
}

// realised returns the preloaded realisation of ids at date to, when every one of them was read
// for exactly that date.
func (p *preloaded) realised(ids []int64, to string, approvedOnly bool) (map[int64]float64, bool) {
	if p == nil || p.realisation == nil || p.ApprovedOnly != approvedOnly {
		return nil, false
	}
	out := make(map[int64]float64, len(ids))
	for _, id := range ids {
		v, ok := p.realisation[id]
		if !ok || p.realisedTo[id] != to {
			return nil, false
		}
		out[id] = v
	}
	return out, true
}
