package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
)

// ExportFilter selects the rows of an operator's export. From and To are inclusive civil dates
// (YYYY-MM-DD); an empty one leaves that side open. OPD, when set, keeps one OPD's rows only.
type ExportFilter struct {
	From, To string
	OPD      string
}

// dateClause restricts column to f's dates and returns the SQL with its arguments.
func (f ExportFilter) dateClause(column string) (string, []any) {
	clause, args := "", []any{}
	if f.From != "" {
		clause += ` AND ` + column + ` >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		clause += ` AND ` + column + ` <= ?`
		args = append(args, f.To)
	}
	return clause, args
}

// ExportReport is one report as the operator's export shows it: the report with its author's name
// and the number and unit of the target it counts towards.
type ExportReport struct {
	ID          int64
	LocalDate   string // YYYY-MM-DD
	NIP         string
	Name        string
	OPDCode     string // the OPD the report was made in
	Text        string
	Quantity    *float64
	TargetN     *int   // the target's number as the employee sees it (#2)
	TargetDesc  string // the target's description ("Verifikasi SPJ")
	Unit        string
	Minutes     *int
	HasEvidence bool
	Status      string
	CreatedAt   time.Time
}

// ReportsForExport calls fn with every report that is not deleted and matches f, by date, OPD,
// NIP and id. The rows are streamed, not collected, so that a year of a whole city fits in memory;
// an error from fn stops the walk and is returned.
//
// They are read one OPD's day at a time (reports_opd_date finds them, and only that day's few
// hundred are sorted): one query ordered by date over the whole table made SQLite sort all of it
// in memory first, 900 MB for a year of a city of 20,000.
func (t *Tx) ReportsForExport(ctx context.Context, f ExportFilter, fn func(ExportReport) error) error {
	var codes []string
	if f.OPD != "" {
		codes = []string{f.OPD}
	} else {
		opds, err := t.OPDs(ctx)
		if err != nil {
			return err
		}
		for _, o := range opds {
			codes = append(codes, o.Code)
		}
	}
	// The days to walk: those of the filter, narrowed to the reports there are.
	first, last := "", ""
	for _, code := range codes {
		var lo, hi sql.NullString
		if err := t.q.QueryRowContext(ctx, `SELECT MIN(local_date), MAX(local_date) FROM reports WHERE opd_code = ?`, code).Scan(&lo, &hi); err != nil {
			return fmt.Errorf("list reports for export: %w", err)
		}
		if lo.Valid && (first == "" || lo.String < first) {
			first = lo.String
		}
		if hi.Valid && hi.String > last {
			last = hi.String
		}
	}
	if f.From > first {
		first = f.From
	}
	if f.To != "" && f.To < last {
		last = f.To
	}
	start, err1 := calendar.Parse(first)
	end, err2 := calendar.Parse(last)
	if err1 != nil || err2 != nil {
		return nil // no reports, or none in the filter's days
	}
	const query = `SELECT r.id, r.local_date, r.nip, COALESCE(e.name, ''), r.opd_code, r.text,
			r.quantity, tg.n, COALESCE(tg.description, ''), COALESCE(tg.unit, ''), r.minutes, r.evidence_id IS NOT NULL, r.status, r.created_at
		FROM reports r
		LEFT JOIN employees e ON e.nip = r.nip
		LEFT JOIN targets tg ON tg.id = r.target_id
		WHERE r.opd_code = ? AND r.local_date = ? AND r.status <> 'deleted'
		ORDER BY r.nip, r.id`
	for d := start; !d.After(end); d = d.AddDays(1) {
		day := d.String()
		for _, code := range codes {
			if err := t.reportsForExport(ctx, query, fn, code, day); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Tx) reportsForExport(ctx context.Context, query string, fn func(ExportReport) error, args ...any) error {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("list reports for export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ExportReport
		var q sql.NullFloat64
		var n, min sql.NullInt64
		if err := rows.Scan(&r.ID, &r.LocalDate, &r.NIP, &r.Name, &r.OPDCode, &r.Text, &q, &n, &r.TargetDesc, &r.Unit, &min,
			&r.HasEvidence, &r.Status, &r.CreatedAt); err != nil {
			return fmt.Errorf("read report for export: %w", err)
		}
		if q.Valid {
			r.Quantity = &q.Float64
		}
		if n.Valid {
			v := int(n.Int64)
			r.TargetN = &v
		}
		if min.Valid {
			v := int(min.Int64)
			r.Minutes = &v
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list reports for export: %w", err)
	}
	return nil
}

// ExportEvaluation is one recorded evaluation with the names of the employee and the evaluator.
type ExportEvaluation struct {
	ID            int64
	NIP           string
	Name          string
	OPDCode       string // the employee's OPD today: an evaluation row does not record one
	Eselon        string // the employee's eselon today, as OPDCode
	PeriodKey     string
	PeriodStart   string // YYYY-MM-DD
	PeriodEnd     string // YYYY-MM-DD
	Checkpoint    string // "", "3b" or "6b"
	Outputs       string // JSON, at least {"K":…, "C":…, "N":…}
	Score         float64
	Predicate     string
	StandardMet   bool
	EvaluatorNIP  string
	EvaluatorName string // empty when the evaluator is not in the roster
	CreatedAt     time.Time
	// SupersededBy is the id of the later result of the same person and period that replaced
	// this one; 0 while it is the result in force.
	SupersededBy int64
}

// EvaluationsForExport returns the evaluations whose period ends within f's dates, of employees
// of f's OPD when it is set, in the order they were recorded.
func (t *Tx) EvaluationsForExport(ctx context.Context, f ExportFilter) ([]ExportEvaluation, error) {
	where, args := f.dateClause("v.period_end")
	if f.OPD != "" {
		where += ` AND e.opd_code = ?`
		args = append(args, f.OPD)
	}
	return t.exportEvaluations(ctx, where, args)
}

// EvaluationsByID returns the given evaluations in the order of ids (the ranking of one
// /evaluate run, for its XLSX attachment).
func (t *Tx) EvaluationsByID(ctx context.Context, ids []int64) ([]ExportEvaluation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.exportEvaluations(ctx, ` AND v.id IN (`+placeholders(len(ids))+`)`, args)
	if err != nil {
		return nil, err
	}
	byID := map[int64]ExportEvaluation{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := make([]ExportEvaluation, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func (t *Tx) exportEvaluations(ctx context.Context, where string, args []any) ([]ExportEvaluation, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT v.id, v.nip, COALESCE(e.name, ''), COALESCE(e.opd_code, ''), COALESCE(e.eselon, ''), v.period_key,
			v.period_start, v.period_end, v.checkpoint, v.outputs, v.score, v.predicate, v.standard_met,
			v.evaluator_nip, COALESCE(ev.name, ''), v.created_at, COALESCE(s.superseded_by, 0)
		FROM evaluations v
		LEFT JOIN evaluation_supersessions s ON s.evaluation_id = v.id
		LEFT JOIN employees e ON e.nip = v.nip
		LEFT JOIN employees ev ON ev.nip = v.evaluator_nip
		WHERE 1 = 1`+where+`
		ORDER BY v.created_at, v.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list evaluations for export: %w", err)
	}
	defer rows.Close()
	var out []ExportEvaluation
	for rows.Next() {
		var v ExportEvaluation
		if err := rows.Scan(&v.ID, &v.NIP, &v.Name, &v.OPDCode, &v.Eselon, &v.PeriodKey, &v.PeriodStart, &v.PeriodEnd, &v.Checkpoint,
			&v.Outputs, &v.Score, &v.Predicate, &v.StandardMet, &v.EvaluatorNIP, &v.EvaluatorName, &v.CreatedAt, &v.SupersededBy); err != nil {
			return nil, fmt.Errorf("read evaluation for export: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list evaluations for export: %w", err)
	}
	return out, nil
}

// OPDHeadcount is an OPD with the number of its active employees.
type OPDHeadcount struct {
	OPD
	Employees int
}

// OPDHeadcounts returns every OPD, or only the one with code opd when it is set, with its number
// of active employees, by code.
func (t *Tx) OPDHeadcounts(ctx context.Context, opd string) ([]OPDHeadcount, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT o.code, o.name, o.work_days,
			(SELECT COUNT(*) FROM employees e WHERE e.opd_code = o.code AND e.active = 1)
		FROM opds o WHERE ? = '' OR o.code = ? ORDER BY o.code`, opd, opd)
	if err != nil {
		return nil, fmt.Errorf("count employees per OPD: %w", err)
	}
	defer rows.Close()
	var out []OPDHeadcount
	for rows.Next() {
		var h OPDHeadcount
		if err := rows.Scan(&h.Code, &h.Name, &h.WorkDays, &h.Employees); err != nil {
			return nil, fmt.Errorf("count employees per OPD: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
