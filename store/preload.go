package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Preload says what to read at once for a group of employees (one OPD, or a supervisor's team)
// before a job walks them one by one.
type Preload struct {
	NIPs     []string
	From, To string // YYYY-MM-DD: the days whose leave, report dates (and reports) are read
	Year     int    // the year of the signed contracts
	// Reports reads the reports themselves (ReportsBetween), not only the days with one (ReportDates).
	Reports bool
	// Anchors reads what ComplianceAnchors answers (first report, first signing).
	Anchors bool
	// RealisedFrom, when set, reads the contracts' realisation ledgers for every date from it on
	// (TargetRealisation with `to` >= RealisedFrom), with ApprovedOnly as the jobs will ask.
	RealisedFrom string
	ApprovedOnly bool
}

// preloaded is what Preloaded read: the answers a job would otherwise ask for person by person.
type preloaded struct {
	Preload
	nips      map[string]bool
	employees map[string]Employee
	leave     map[string][]Leave
	reports   map[string][]Report
	dates     map[string][]string // sorted, distinct
	contracts map[string]*Contract
	firstRep  map[string]string
	firstSign map[string]*time.Time
	ledger    *targetLedger
	idents    map[string][]Identity
	opds      map[string]OPD
	holidays  map[string][]Holiday // by "from..to"
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
		idents: map[string][]Identity{}}
	opds, err := t.OPDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range opds {
		pre.opds[o.Code] = o
	}
	for _, n := range p.NIPs {
		pre.nips[n] = true
	}
	err = forChunks(p.NIPs, func(nips []string, in string, args []any) error {
		if err := t.preloadEmployees(ctx, pre, in, args); err != nil {
			return err
		}
		if err := t.preloadIdentities(ctx, pre, in, args); err != nil {
			return err
		}
		if p.From != "" {
			if err := t.preloadLeave(ctx, pre, in, args); err != nil {
				return err
			}
			if err := t.preloadReports(ctx, pre, in, args); err != nil {
				return err
			}
		}
		if err := t.preloadContracts(ctx, pre, in, args); err != nil {
			return err
		}
		if !p.Anchors {
			return nil
		}
		return t.preloadAnchors(ctx, pre, in, args)
	})
	if err != nil {
		return nil, err
	}
	if p.RealisedFrom != "" {
		var ids []int64
		for _, c := range pre.contracts {
			for _, tg := range c.Targets {
				ids = append(ids, tg.ID)
			}
		}
		if pre.ledger, err = t.ledger(ctx, ids, p.RealisedFrom, p.ApprovedOnly); err != nil {
			return nil, err
		}
	}
	return &Tx{q: t.q, pre: pre}, nil
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
		rows, err := t.q.QueryContext(ctx, `SELECT nip, group_concat(local_date) FROM (SELECT DISTINCT nip, local_date FROM reports
			WHERE nip IN `+in+` AND local_date BETWEEN ? AND ? AND status IN ('submitted', 'approved')) GROUP BY nip`, args...)
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
			pre.dates[nip] = days
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
	rows, err = t.q.QueryContext(ctx, `SELECT t.id, t.contract_id, t.n, t.description, t.quantity, t.unit, t.due_date, t.weight, t.carried_from
		FROM targets t JOIN contracts c ON c.id = t.contract_id
		WHERE c.nip IN `+in+` AND c.year = ? AND c.status = 'signed' ORDER BY t.contract_id, t.n`, append(args, pre.Year)...)
	if err != nil {
		return fmt.Errorf("preload targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tg Target
		if err := rows.Scan(&tg.ID, &tg.ContractID, &tg.N, &tg.Description, &tg.Quantity, &tg.Unit, &tg.DueDate, &tg.Weight, &tg.CarriedFrom); err != nil {
			return err
		}
		if c := byID[tg.ContractID]; c != nil {
			c.Targets = append(c.Targets, tg)
		}
	}
	return rows.Err()
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

// targetLedger holds, for a set of targets, their running totals (carried-over predecessors
// added) and the reports dated after a given day, so that the realisation at any date from that
// day on is computed without a query.
type targetLedger struct {
	after        string // the tail holds the reports dated after this day
	approvedOnly bool
	total        map[int64]float64
	tail         map[int64][]datedQty // by root target, any order
}

type datedQty struct {
	date string
	qty  float64
}

// at is the realisation of target id at date to.
func (l *targetLedger) at(id int64, to string) float64 {
	v := l.total[id]
	for _, d := range l.tail[id] {
		if d.date > to {
			v -= d.qty
		}
	}
	return math.Round(v*1e6) / 1e6
}

// ledger reads the totals of targetIDs and their reports dated after `after`.
func (t *Tx) ledger(ctx context.Context, targetIDs []int64, after string, approvedOnly bool) (*targetLedger, error) {
	l := &targetLedger{after: after, approvedOnly: approvedOnly, total: map[int64]float64{}, tail: map[int64][]datedQty{}}
	sort.Slice(targetIDs, func(i, j int) bool { return targetIDs[i] < targetIDs[j] })
	column, statuses := `counted`, `('submitted', 'approved')`
	if approvedOnly {
		column, statuses = `approved`, `('approved')`
	}
	for len(targetIDs) > 0 {
		n := min(len(targetIDs), preloadChunk)
		args := make([]any, n)
		for i, id := range targetIDs[:n] {
			args[i] = id
			l.total[id] = 0
		}
		targetIDs = targetIDs[n:]
		// A target carried into a revised contract keeps the reports of its predecessors.
		chain := `WITH RECURSIVE chain(id, root) AS (
			SELECT id, id FROM targets WHERE id IN (` + placeholders(n) + `)
			UNION ALL
			SELECT t.carried_from, c.root FROM targets t JOIN chain c ON t.id = c.id WHERE t.carried_from IS NOT NULL)`
		rows, err := t.q.QueryContext(ctx, chain+` SELECT c.root, SUM(tt.`+column+`) FROM chain c
			JOIN target_totals tt ON tt.target_id = c.id GROUP BY c.root`, args...)
		if err != nil {
			return nil, fmt.Errorf("read target totals: %w", err)
		}
		for rows.Next() {
			var id int64
			var v float64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, err
			}
			l.total[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = t.q.QueryContext(ctx, chain+` SELECT c.root, r.local_date, r.quantity FROM chain c
			JOIN reports r ON r.target_id = c.id
			WHERE r.local_date > ? AND r.quantity IS NOT NULL AND r.status IN `+statuses, append(args, after)...)
		if err != nil {
			return nil, fmt.Errorf("read recent realisation: %w", err)
		}
		for rows.Next() {
			var id int64
			var d datedQty
			if err := rows.Scan(&id, &d.date, &d.qty); err != nil {
				rows.Close()
				return nil, err
			}
			l.tail[id] = append(l.tail[id], d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// employee returns a preloaded employee.
func (p *preloaded) employee(nip string) (Employee, bool) {
	if p == nil {
		return Employee{}, false
	}
	e, ok := p.employees[nip]
	return e, ok
}

// ledgerFor returns the preloaded ledger when it answers for every one of ids at date to.
func (p *preloaded) ledgerFor(ids []int64, to string, approvedOnly bool) *targetLedger {
	if p == nil || p.ledger == nil || p.ledger.approvedOnly != approvedOnly || to < p.ledger.after {
		return nil
	}
	for _, id := range ids {
		if _, ok := p.ledger.total[id]; !ok {
			return nil
		}
	}
	return p.ledger
}
