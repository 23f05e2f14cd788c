package store

import (
	"context"
	"fmt"
	"time"
)

// Kinds of change to what a final evaluation counted (FinalChange.Kind).
const (
	FinalChangeLeave  = "leave"  // leave approved or rejected: the working days of the period
	FinalChangeReport = "report" // a report validated, returned or added late: compliance, or a target's realisation
)

// FinalChange is one change made, after a final evaluation, to something it counted: who made it,
// why, and which result it touches. The result itself stays as it was recorded; the change shows
// when the person is evaluated again (the new result says what changed since the old one).
type FinalChange struct {
	ID           int64
	EvaluationID int64
	NIP          string // whose evaluation
	Kind         string // FinalChangeLeave or FinalChangeReport
	RefID        int64  // the leave's or the report's id
	Action       string // what was done: a leave or report status (approved, rejected, returned)
	FirstDay     string // the days it touches, YYYY-MM-DD
	LastDay      string
	ActorNIP     string
	Reason       string
	CreatedAt    time.Time
}

// finalEvaluationCond selects, among evaluations aliased v, those in force (not superseded) and
// recorded as final: every row but a free date range recorded before ranges became previews only.
const finalEvaluationCond = `NOT EXISTS (SELECT 1 FROM evaluation_supersessions s WHERE s.evaluation_id = v.id)
	AND (v.checkpoint <> '' OR v.period_key NOT LIKE '%..%')`

// FinalEvaluationsOver returns nip's final results in force whose period shares a day with
// first..last (YYYY-MM-DD): what leave over those days changes.
func (t *Tx) FinalEvaluationsOver(ctx context.Context, nip, first, last string) ([]Evaluation, error) {
	return t.finalEvaluations(ctx, `SELECT `+evaluationCols+` FROM evaluations v
		WHERE v.nip = ? AND v.period_start <= ? AND v.period_end >= ? AND `+finalEvaluationCond+`
		ORDER BY v.period_start, v.id`, nip, last, first)
}

// FinalEvaluationsCounting returns nip's final results in force that count a report dated day
// towards target (0: none): those whose period holds the day (compliance), and those of the
// target's contract whose period ends on or after it (the realisation up to the period's end).
func (t *Tx) FinalEvaluationsCounting(ctx context.Context, nip, day string, target int64) ([]Evaluation, error) {
	return t.finalEvaluations(ctx, `SELECT `+evaluationCols+` FROM evaluations v
		WHERE v.nip = ? AND v.period_end >= ? AND (v.period_start <= ?
		   OR v.contract_id IN (SELECT contract_id FROM targets WHERE id = ?)) AND `+finalEvaluationCond+`
		ORDER BY v.period_start, v.id`, nip, day, day, target)
}

// reportUnderFinal is FinalEvaluationsCounting's condition for a report aliased r: some final
// result in force counts it.
const reportUnderFinal = `EXISTS (SELECT 1 FROM evaluations v WHERE v.nip = r.nip AND v.period_end >= r.local_date
	AND (v.period_start <= r.local_date OR v.contract_id IN (SELECT contract_id FROM targets WHERE id = r.target_id))
	AND ` + finalEvaluationCond + `)`

func (t *Tx) finalEvaluations(ctx context.Context, query string, args ...any) ([]Evaluation, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("final evaluations: %w", err)
	}
	defer rows.Close()
	var out []Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, fmt.Errorf("final evaluations: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddFinalChange records one change to what a final result counted.
func (t *Tx) AddFinalChange(ctx context.Context, c FinalChange) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO final_changes(evaluation_id, nip, kind, ref_id, action, first_day, last_day,
		actor_nip, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.EvaluationID, c.NIP, c.Kind, c.RefID, c.Action, c.FirstDay, c.LastDay, c.ActorNIP, c.Reason, c.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("record change to evaluation %d: %w", c.EvaluationID, err)
	}
	return nil
}

// FinalChanges returns the changes recorded against the result evaluationID, oldest first.
func (t *Tx) FinalChanges(ctx context.Context, evaluationID int64) ([]FinalChange, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, evaluation_id, nip, kind, ref_id, action, first_day, last_day, actor_nip, reason, created_at
		FROM final_changes WHERE evaluation_id = ? ORDER BY id`, evaluationID)
	if err != nil {
		return nil, fmt.Errorf("changes to evaluation %d: %w", evaluationID, err)
	}
	defer rows.Close()
	var out []FinalChange
	for rows.Next() {
		var c FinalChange
		if err := rows.Scan(&c.ID, &c.EvaluationID, &c.NIP, &c.Kind, &c.RefID, &c.Action, &c.FirstDay, &c.LastDay,
			&c.ActorNIP, &c.Reason, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("changes to evaluation %d: %w", evaluationID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
