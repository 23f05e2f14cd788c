package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Evaluation is one immutable evaluation result: what it was computed from (Inputs), what came
// out (Outputs), and the weights and bands used (Parameters), all as JSON, with who evaluated when.
type Evaluation struct {
	ID           int64
	NIP          string
	ContractID   int64
	PeriodKey    string
	PeriodStart  string
	PeriodEnd    string
	Checkpoint   string
	Inputs       string
	Outputs      string
	Score        float64
	Predicate    string
	StandardMet  bool
	Parameters   string
	EvaluatorNIP string
	CreatedAt    time.Time
}

// AddEvaluation stores a result. Evaluations are never updated or deleted (triggers refuse it): a
// new result for the same period is a new row, and Supersede marks the earlier one replaced.
func (t *Tx) AddEvaluation(ctx context.Context, e Evaluation) (int64, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO evaluations(nip, contract_id, period_key, period_start, period_end, checkpoint,
		inputs, outputs, score, predicate, standard_met, parameters, evaluator_nip, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.NIP, e.ContractID, e.PeriodKey, e.PeriodStart, e.PeriodEnd, e.Checkpoint, e.Inputs, e.Outputs, e.Score, e.Predicate,
		e.StandardMet, e.Parameters, e.EvaluatorNIP, e.CreatedAt.UTC())
	if err != nil {
		return 0, fmt.Errorf("save evaluation of %s: %w", e.NIP, err)
	}
	return res.LastInsertId()
}

// Admins returns the NIPs of the active employees with the admin role.
func (t *Tx) Admins(ctx context.Context) ([]string, error) {
	if p := t.pre; p != nil {
		// Asked once per person by some jobs (the contract notice): one scan of the roster for
		// the whole read-ahead instead of one per person.
		if p.admins == nil {
			admins, err := (&Tx{q: t.q}).Admins(ctx)
			if err != nil {
				return nil, err
			}
			p.admins = &admins
		}
		return append([]string(nil), *p.admins...), nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT nip FROM employees WHERE role = 'admin' AND active = 1 ORDER BY nip`)
	if err != nil {
		return nil, fmt.Errorf("list admins: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

const evaluationCols = `id, nip, COALESCE(contract_id, 0), period_key, period_start, period_end, checkpoint, inputs, outputs,
	score, predicate, standard_met, parameters, evaluator_nip, created_at`

func scanEvaluation(sc interface{ Scan(...any) error }) (Evaluation, error) {
	var e Evaluation
	err := sc.Scan(&e.ID, &e.NIP, &e.ContractID, &e.PeriodKey, &e.PeriodStart, &e.PeriodEnd, &e.Checkpoint, &e.Inputs,
		&e.Outputs, &e.Score, &e.Predicate, &e.StandardMet, &e.Parameters, &e.EvaluatorNIP, &e.CreatedAt)
	return e, err
}

// CurrentEvaluation returns the result in force for nip over the days start..end (YYYY-MM-DD):
// the latest row for exactly those days that no later row superseded. It returns ErrNotFound when
// the period was never evaluated. A checkpoint ("3b") and the same days written as a range are one
// period.
func (t *Tx) CurrentEvaluation(ctx context.Context, nip, start, end string) (Evaluation, error) {
	if e, found, ok := t.pre.currentEvaluation(nip, start, end); ok {
		if !found {
			return e, ErrNotFound
		}
		return e, nil
	}
	e, err := scanEvaluation(t.q.QueryRowContext(ctx, `SELECT `+evaluationCols+` FROM evaluations v
		WHERE nip = ? AND period_start = ? AND period_end = ?
		  AND NOT EXISTS (SELECT 1 FROM evaluation_supersessions s WHERE s.evaluation_id = v.id)
		ORDER BY created_at DESC, id DESC LIMIT 1`, nip, start, end))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("current evaluation of %s: %w", nip, err)
	}
	return e, nil
}

// Supersede records that evaluation old is replaced by the later evaluation by. Both rows stay as
// they were written; the mark itself can never be changed or removed.
func (t *Tx) Supersede(ctx context.Context, old, by int64, now time.Time) error {
	if _, err := t.q.ExecContext(ctx, `INSERT INTO evaluation_supersessions(evaluation_id, superseded_by, created_at) VALUES (?, ?, ?)`,
		old, by, now.UTC()); err != nil {
		return fmt.Errorf("supersede evaluation %d: %w", old, err)
	}
	return nil
}

// ComplianceAnchors returns what tells, when the roster has no start date, from when a person
// could report: the date of their first report that was not deleted (YYYY-MM-DD, "" when none),
// and when they first signed a contract (nil when never). Both are domain dates, not the wall
// clock of the roster import, so a demo clock moved back cannot shift them.
func (t *Tx) ComplianceAnchors(ctx context.Context, nip string) (firstReport string, firstSigned *time.Time, err error) {
	if p := t.pre; p != nil && p.nips[nip] && p.Anchors {
		return p.firstRep[nip], p.firstSign[nip], nil
	}
	var rep sql.NullString
	if err = t.q.QueryRowContext(ctx, `SELECT MIN(local_date) FROM reports WHERE nip = ? AND status <> 'deleted'`, nip).Scan(&rep); err != nil {
		return "", nil, fmt.Errorf("first report of %s: %w", nip, err)
	}
	// MIN over TIMESTAMP text would lose the type: take the row instead.
	var signed time.Time
	err = t.q.QueryRowContext(ctx, `SELECT signed_at FROM contracts WHERE nip = ? AND signed_at IS NOT NULL ORDER BY signed_at LIMIT 1`, nip).Scan(&signed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return rep.String, nil, nil
	case err != nil:
		return "", nil, fmt.Errorf("first signing of %s: %w", nip, err)
	}
	return rep.String, &signed, nil
}

// InputsMark is where the inputs of evaluations stood at one moment: the counter that migration
// 0011's triggers move on every undated change (contracts, targets, the roster, OPDs, a report
// deleted or moved), the newest report's id, and the last row of migration 0012's log of dated
// changes (reports changed in place, leave, holidays).
type InputsMark struct {
	Generation int64
	LastReport int64
	LastChange int64
}

// InputsMark reads where the inputs of evaluations stand now.
func (t *Tx) InputsMark(ctx context.Context) (InputsMark, error) {
	var m InputsMark
	err := t.q.QueryRowContext(ctx, `SELECT (SELECT n FROM input_generation WHERE id = 1), COALESCE((SELECT MAX(id) FROM reports), 0),
		COALESCE((SELECT MAX(id) FROM input_changes), 0)`).Scan(&m.Generation, &m.LastReport, &m.LastChange)
	if err != nil {
		return m, fmt.Errorf("read the inputs mark: %w", err)
	}
	return m, nil
}

// InputsSpan is what results read, for InputsChangedSince: the days from..to (YYYY-MM-DD) of
// their periods (to: the last day any of them counts), and before, the day from which a new
// report is left out (the caller knows no result counts it: "9999-12-31" when some result
// counts today).
type InputsSpan struct {
	From, To, Before string
}

// InputsChangedSince reports whether anything results spanning s read changed after m: an
// undated change (the counter), a report changed in place dated up to s.To (its day counts for
// compliance, or for a target's realisation even before the period), leave or a holiday over a day
// of s.From..s.To, or a new report dated before s.Before that is dated up to s.To or is its
// author's first (which moves the day compliance counts from). Anything else (a holiday of another
// year, the validation of a report newer than every period) is not a change.
func (t *Tx) InputsChangedSince(ctx context.Context, m InputsMark, s InputsSpan) (bool, error) {
	now, err := t.InputsMark(ctx)
	if err != nil || now.Generation != m.Generation {
		return true, err
	}
	if now.LastChange != m.LastChange {
		var pruned bool
		var n int
		// The new rows only, by their ids; a mark older than what the log keeps is a change.
		err := t.q.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(id) FROM input_changes), 0) > ? + 1,
			(SELECT COUNT(*) FROM input_changes WHERE id > ? AND first <= ? AND (kind = 'report' OR last >= ?))`,
			m.LastChange, m.LastChange, s.To, s.From).Scan(&pruned, &n)
		if err != nil {
			return true, fmt.Errorf("changes since the inputs mark: %w", err)
		}
		if pruned || n > 0 {
			return true, nil
		}
	}
	if now.LastReport == m.LastReport {
		return false, nil
	}
	var n int
	// The new rows only, by their ids: a few at most, whatever the size of the table. A report
	// after s.To counts only as its author's first (one seek of reports_employee_date).
	err = t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports r WHERE r.id > ? AND r.local_date < ?
		AND (r.local_date <= ? OR NOT EXISTS (SELECT 1 FROM reports q
			WHERE q.nip = r.nip AND q.local_date <= r.local_date AND q.id <> r.id AND q.status <> 'deleted'))`,
		m.LastReport, s.Before, s.To).Scan(&n)
	if err != nil {
		return true, fmt.Errorf("reports since the inputs mark: %w", err)
	}
	return n > 0, nil
}
