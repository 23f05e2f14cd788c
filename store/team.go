package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The queries of a supervisor's commands (/tim, /ingatkan, /validasi, /pegawai) and of /umumkan.

// ReportCounts returns, for each of the given employees with at least one report dated date
// (YYYY-MM-DD) that was neither deleted nor returned, how many such reports they made. Validation
// does not matter here: a report waiting for its supervisor still shows that the person reported.
func (t *Tx) ReportCounts(ctx context.Context, nips []string, date string) (map[string]int, error) {
	out := map[string]int{}
	if len(nips) == 0 {
		return out, nil
	}
	args := []any{date}
	for _, n := range nips {
		args = append(args, n)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT nip, COUNT(*) FROM reports
		WHERE local_date = ? AND status IN ('submitted', 'approved') AND nip IN (`+placeholders(len(nips))+`)
		GROUP BY nip`, args...)
	if err != nil {
		return nil, fmt.Errorf("count reports of %s: %w", date, err)
	}
	defer rows.Close()
	for rows.Next() {
		var nip string
		var n int
		if err := rows.Scan(&nip, &n); err != nil {
			return nil, err
		}
		out[nip] = n
	}
	return out, rows.Err()
}

// ClaimNotice records that job sent its notice for period to recipient, and reports whether this
// is the first time: false means the notice went out before and must not be sent again. It writes
// a job_ledger row, in the caller's transaction, so the claim commits with the notice itself.
func (t *Tx) ClaimNotice(ctx context.Context, job, period, recipient string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO job_ledger(job, period_key, recipient, created_at) VALUES (?, ?, ?, ?)`,
		job, period, recipient, at.UTC())
	if err != nil {
		return false, fmt.Errorf("claim %s/%s for %s: %w", job, period, recipient, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim %s/%s for %s: %w", job, period, recipient, err)
	}
	return n == 1, nil
}

// ClaimedNotices returns the recipients already in the ledger for (job, period).
func (t *Tx) ClaimedNotices(ctx context.Context, job, period string) (map[string]bool, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT recipient FROM job_ledger WHERE job = ? AND period_key = ?`, job, period)
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", job, period, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out[r] = true
	}
	return out, rows.Err()
}

// NoticeClaimed reports whether the notice (job, period, recipient) is already in the ledger. A
// job's read phase uses it to skip work; only ClaimNotice, in the write, decides.
func (t *Tx) NoticeClaimed(ctx context.Context, job, period, recipient string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_ledger WHERE job = ? AND period_key = ? AND recipient = ?`,
		job, period, recipient).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up %s/%s for %s: %w", job, period, recipient, err)
	}
	return n > 0, nil
}

// ReviewScope selects whose reports a reviewer may validate: everyone (an admin), or the listed
// employees. Except, when set, is left out in both cases: nobody validates their own reports.
type ReviewScope struct {
	All    bool
	NIPs   []string
	Except string
	// OpenFrom, when set (YYYY-MM-DD), leaves out reports dated before it (months already
	// closed), except those of Reopened: a person's days of a month reopened for them.
	OpenFrom string
	Reopened []DateRange
	// NotFinal leaves out, and OnlyFinal keeps only, the reports a final result in force counts
	// (FinalEvaluationsCounting): deciding those asks first (flows/final.go).
	NotFinal, OnlyFinal bool
}

// DateRange is some days of one person: NIP's From..To (YYYY-MM-DD, inclusive).
type DateRange struct {
	NIP, From, To string
}

// where renders the scope as a condition on reports aliased r, with its arguments. An empty list
// without All matches nothing.
func (s ReviewScope) where() (string, []any) {
	var conds []string
	var args []any
	if !s.All {
		if len(s.NIPs) == 0 {
			return "0", nil
		}
		conds = append(conds, "r.nip IN ("+placeholders(len(s.NIPs))+")")
		for _, n := range s.NIPs {
			args = append(args, n)
		}
	}
	if s.Except != "" {
		conds = append(conds, "r.nip <> ?")
		args = append(args, s.Except)
	}
	if s.OpenFrom != "" {
		open := []string{"r.local_date >= ?"}
		args = append(args, s.OpenFrom)
		for _, d := range s.Reopened {
			open = append(open, "(r.nip = ? AND r.local_date BETWEEN ? AND ?)")
			args = append(args, d.NIP, d.From, d.To)
		}
		conds = append(conds, "("+strings.Join(open, " OR ")+")")
	}
	if s.NotFinal {
		conds = append(conds, "NOT "+reportUnderFinal)
	}
	if s.OnlyFinal {
		conds = append(conds, reportUnderFinal)
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

// PendingReport is a report waiting for validation, with what a reviewer needs to recognise it:
// the author's name and the number and unit of the target it counts towards (0 and "" for none).
type PendingReport struct {
	Report
	Name    string
	TargetN int
	Unit    string
}

// SubmittedReports returns up to limit reports of the scope that wait for validation, oldest
// first, and how many wait in all.
func (t *Tx) SubmittedReports(ctx context.Context, scope ReviewScope, limit int) ([]PendingReport, int, error) {
	cond, args := scope.where()
	var total int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports r WHERE r.status = 'submitted' AND `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count reports awaiting validation: %w", err)
	}
	cols := "r." + strings.ReplaceAll(reportCols, ", ", ", r.")
	rows, err := t.q.QueryContext(ctx, `SELECT `+cols+`, e.name, COALESCE(tg.n, 0), COALESCE(tg.unit, '')
		FROM reports r JOIN employees e ON e.nip = r.nip LEFT JOIN targets tg ON tg.id = r.target_id
		WHERE r.status = 'submitted' AND `+cond+` ORDER BY r.local_date, r.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list reports awaiting validation: %w", err)
	}
	defer rows.Close()
	var out []PendingReport
	for rows.Next() {
		var p PendingReport
		rep, err := scanReport(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &p.Name, &p.TargetN, &p.Unit)...)
		}))
		if err != nil {
			return nil, 0, err
		}
		p.Report = rep
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// scanFunc adapts a function to the Scan interface scanReport reads from, so that a query can
// select a report's columns followed by columns of its own.
type scanFunc func(dest ...any) error

// Scan calls f with the destinations.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// SetReportStatus records a supervisor's decision on a report that waits for validation: status
// approved or returned, with the reason for a return. It reports whether the report was still
// waiting; a report decided, deleted or unknown is left alone.
func (t *Tx) SetReportStatus(ctx context.Context, id int64, status, note, by string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE reports SET status = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?
		WHERE id = ? AND status = 'submitted'`, status, note, by, at.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("set status of report %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("set status of report %d: %w", id, err)
	}
	return n == 1, nil
}

// ApproveSubmitted approves every report of the scope that waits for validation and returns how
// many it approved.
func (t *Tx) ApproveSubmitted(ctx context.Context, scope ReviewScope, by string, at time.Time) (int, error) {
	cond, args := scope.where()
	res, err := t.q.ExecContext(ctx, `UPDATE reports AS r SET status = 'approved', review_note = '', reviewed_by = ?, reviewed_at = ?
		WHERE r.status = 'submitted' AND `+cond, append([]any{by, at.UTC()}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("approve reports: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("approve reports: %w", err)
	}
	return int(n), nil
}

// OPDGroup is a group chat bound to an OPD with /hubungkan.
type OPDGroup struct {
	Net     string
	ChatID  string
	OPDCode string
}

// OPDGroups returns the group chats bound to an OPD, in the order they were bound.
func (t *Tx) OPDGroups(ctx context.Context, opd string) ([]OPDGroup, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT net, chat_id, opd_code FROM group_bindings WHERE opd_code = ? ORDER BY bound_at, net, chat_id`, opd)
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", opd, err)
	}
	defer rows.Close()
	var out []OPDGroup
	for rows.Next() {
		var g OPDGroup
		if err := rows.Scan(&g.Net, &g.ChatID, &g.OPDCode); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// EvaluationSummary is the headline of one recorded evaluation, as a profile shows it.
type EvaluationSummary struct {
	PeriodKey   string
	PeriodStart string // YYYY-MM-DD
	PeriodEnd   string // YYYY-MM-DD
	Checkpoint  string // "", "3b" or "6b"
	Score       float64
	Predicate   string
	StandardMet bool
	CreatedAt   time.Time
}

// LastEvaluationSummary returns the employee's most recent final evaluation, or ErrNotFound when
// they have never been evaluated. A free date range recorded before ranges became previews only is
// not a final result and is passed over.
func (t *Tx) LastEvaluationSummary(ctx context.Context, nip string) (EvaluationSummary, error) {
	var e EvaluationSummary
	err := t.q.QueryRowContext(ctx, `SELECT period_key, period_start, period_end, checkpoint, score, predicate, standard_met, created_at
		FROM evaluations WHERE nip = ? AND (checkpoint <> '' OR period_key NOT LIKE '%..%')
		ORDER BY created_at DESC, id DESC LIMIT 1`, nip).
		Scan(&e.PeriodKey, &e.PeriodStart, &e.PeriodEnd, &e.Checkpoint, &e.Score, &e.Predicate, &e.StandardMet, &e.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("last evaluation of %s: %w", nip, err)
	}
	return e, nil
}
