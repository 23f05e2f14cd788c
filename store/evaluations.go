package store

import (
	"context"
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
// new evaluation of the same period is a new row, and the history shows both.
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
