package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Report statuses.
const (
	ReportSubmitted = "submitted"
	ReportApproved  = "approved"
	ReportReturned  = "returned"
	ReportDeleted   = "deleted"
)

// Report is one entry of an employee's daily work.
type Report struct {
	ID          int64
	NIP         string
	OPDCode     string
	LocalDate   string // YYYY-MM-DD in the city's timezone
	Text        string
	Quantity    *float64
	TargetID    *int64
	Minutes     *int
	EvidenceID  *int64
	CreatedAt   time.Time
	SourceNet   string
	SourceMsgID string
	Status      string
	// Late is true for a report sent after the day it is for (back-dated, within the rules).
	Late bool
}

const reportCols = `id, nip, opd_code, local_date, text, quantity, target_id, minutes, evidence_id, created_at, source_net, source_msg_id, status, late`

func scanReport(sc interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var q sql.NullFloat64
	var tid, eid sql.NullInt64
	var min sql.NullInt64
	err := sc.Scan(&r.ID, &r.NIP, &r.OPDCode, &r.LocalDate, &r.Text, &q, &tid, &min, &eid, &r.CreatedAt, &r.SourceNet, &r.SourceMsgID, &r.Status, &r.Late)
	if q.Valid {
		r.Quantity = &q.Float64
	}
	if tid.Valid {
		r.TargetID = &tid.Int64
	}
	if eid.Valid {
		r.EvidenceID = &eid.Int64
	}
	if min.Valid {
		m := int(min.Int64)
		r.Minutes = &m
	}
	return r, err
}

// AddReport stores a report and returns its id.
func (t *Tx) AddReport(ctx context.Context, r Report) (int64, error) {
	if r.Status == "" {
		r.Status = ReportSubmitted
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO reports(nip, opd_code, local_date, text, quantity, target_id, minutes, evidence_id, created_at, source_net, source_msg_id, status, late)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.NIP, r.OPDCode, r.LocalDate, r.Text, r.Quantity, r.TargetID, r.Minutes, r.EvidenceID, r.CreatedAt.UTC(), r.SourceNet, r.SourceMsgID, r.Status, r.Late)
	if err != nil {
		return 0, fmt.Errorf("save report of %s: %w", r.NIP, err)
	}
	return res.LastInsertId()
}

// Report returns the report with id.
func (t *Tx) Report(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(t.q.QueryRowContext(ctx, `SELECT `+reportCols+` FROM reports WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("get report %d: %w", id, err)
	}
	return r, nil
}

// ReportsBetween returns an employee's reports dated from..to (inclusive, YYYY-MM-DD), deleted ones
// left out, oldest first.
func (t *Tx) ReportsBetween(ctx context.Context, nip, from, to string) ([]Report, error) {
	if t.pre.has(nip, from, to) && t.pre.Reports {
		var out []Report
		for _, r := range t.pre.reports[nip] {
			if from <= r.LocalDate && r.LocalDate <= to {
				out = append(out, r)
			}
		}
		return out, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+reportCols+` FROM reports
		WHERE nip = ? AND local_date BETWEEN ? AND ? AND status <> 'deleted' ORDER BY local_date, id`, nip, from, to)
	if err != nil {
		return nil, fmt.Errorf("list reports of %s: %w", nip, err)
	}
	return scanReports(rows)
}

// scanReports reads every row of a query of reportCols, and closes it.
func scanReports(rows *sql.Rows) ([]Report, error) {
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecentReports returns an employee's reports stored at or after since, deleted ones left out,
// newest first: what /batal may still take back.
func (t *Tx) RecentReports(ctx context.Context, nip string, since time.Time) ([]Report, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+reportCols+` FROM reports
		WHERE nip = ? AND created_at >= ? AND status <> 'deleted' ORDER BY id DESC`, nip, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("list recent reports of %s: %w", nip, err)
	}
	return scanReports(rows)
}

// ClaimSmallTalk records that a chat is answered a greeting or thanks now, and reports whether it
// may be: not when the last such answer was after quietSince (no small talk in a row).
func (t *Tx) ClaimSmallTalk(ctx context.Context, net, chatID string, now, quietSince time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO small_talk(net, chat_id, last_at) VALUES (?, ?, ?)
		ON CONFLICT(net, chat_id) DO UPDATE SET last_at = excluded.last_at WHERE small_talk.last_at < ?`,
		net, chatID, now.UTC(), quietSince.UTC())
	if err != nil {
		return false, fmt.Errorf("claim small talk of %s:%s: %w", net, chatID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SameReport returns the id of an employee's report of day that says the same as the one about to
// be saved: the same target (or none), quantity (or none), minutes (or none) and text, whatever
// its case. 0 when there is none. A repeat is a report just sent again, so only the employee's
// last 5 reports of that day still awaiting validation (as every new report does) are compared.
// The inner query takes their ids from the index (nip, local_date, status, rejected, minutes)
// alone, so just those five rows are read from the table: when it selected the compared columns
// it read every report of the person's day before sorting them, a third of a report's time in
// `lapkin bench inbound`.
func (t *Tx) SameReport(ctx context.Context, nip, day string, targetID *int64, quantity *float64, minutes *int, text string) (int64, error) {
	var id int64
	err := t.q.QueryRowContext(ctx, `SELECT r.id FROM (
			SELECT id FROM reports WHERE nip = ? AND local_date = ? AND status = 'submitted'
			 ORDER BY id DESC LIMIT 5) AS last
		CROSS JOIN reports AS r ON r.id = last.id
		WHERE r.target_id IS ? AND r.quantity IS ? AND r.minutes IS ? AND r.text = ? COLLATE NOCASE
		LIMIT 1`,
		nip, day, targetID, quantity, minutes, text).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("look for the same report of %s: %w", nip, err)
	}
	return id, nil
}

// SetReportEvidence makes a stored evidence file the evidence of a report that had none (a photo
// sent just after its report).
func (t *Tx) SetReportEvidence(ctx context.Context, id, evidenceID int64) error {
	_, err := t.q.ExecContext(ctx, `UPDATE reports SET evidence_id = ? WHERE id = ? AND evidence_id IS NULL`, evidenceID, id)
	if err != nil {
		return fmt.Errorf("attach evidence to report %d: %w", id, err)
	}
	return nil
}

// DeleteReport marks a report deleted. The row stays, so nothing received is ever lost.
func (t *Tx) DeleteReport(ctx context.Context, id int64, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE reports SET status = 'deleted', deleted_at = ? WHERE id = ?`, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("delete report %d: %w", id, err)
	}
	return nil
}

// TargetRealisation sums the quantities reported towards each of the given targets up to and
// including date `to`. With approvedOnly, only validated reports count.
//
// The sum is the target's running total (target_totals, kept by triggers in every report's own
// transaction) less the reports dated after `to`: for today that is nothing, for a past period's
// end only what came since, so the cost does not grow with the target's history.
func (t *Tx) TargetRealisation(ctx context.Context, targetIDs []int64, to string, approvedOnly bool) (map[int64]float64, error) {
	if len(targetIDs) == 0 {
		return map[int64]float64{}, nil
	}
	if got, ok := t.pre.realised(targetIDs, to, approvedOnly); ok {
		return got, nil
	}
	if len(targetIDs) == 1 {
		// The reply to every report asks for its one target: without the recursive walk when the
		// target was not carried over from an earlier version of the contract (most are not).
		v, carried, err := t.realisedOne(ctx, targetIDs[0], to, approvedOnly)
		if err != nil || !carried {
			return map[int64]float64{targetIDs[0]: v}, err
		}
	}
	cut := make(map[int64]string, len(targetIDs))
	for _, id := range targetIDs {
		cut[id] = to
	}
	return t.realisedAt(ctx, cut, approvedOnly)
}

// realisedOne is realisedAt for one target, unless it was carried over (carried), which it leaves
// to realisedAt.
func (t *Tx) realisedOne(ctx context.Context, id int64, to string, approvedOnly bool) (v float64, carried bool, err error) {
	column, statuses := `counted`, `('submitted', 'approved')`
	if approvedOnly {
		column, statuses = `approved`, `('approved')`
	}
	err = t.q.QueryRowContext(ctx, `SELECT tg.carried_from IS NOT NULL,
		COALESCE((SELECT tt.`+column+` FROM target_totals tt WHERE tt.target_id = tg.id), 0)
		- COALESCE((SELECT SUM(r.quantity) FROM reports r WHERE r.target_id = tg.id AND r.local_date > ?
		            AND r.quantity IS NOT NULL AND r.status IN `+statuses+`), 0)
		FROM targets tg WHERE tg.id = ?`, to, id).Scan(&carried, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil // no such target: nothing realised, as realisedAt says
	}
	if err != nil {
		return 0, false, fmt.Errorf("sum realisation of target %d: %w", id, err)
	}
	// As realisedAt: six decimals undo the binary dust of adding and taking away.
	return math.Round(v*1e6) / 1e6, carried, nil
}

// RebuildTargetTotals recomputes every target's running total from its reports, after a bulk load
// that ran without the triggers (WithoutIndexes).
func (t *Tx) RebuildTargetTotals(ctx context.Context) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM target_totals`); err != nil {
		return fmt.Errorf("rebuild target totals: %w", err)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO target_totals(target_id, counted, approved)
		SELECT target_id, SUM(CASE WHEN status IN ('submitted', 'approved') THEN quantity ELSE 0 END),
		       SUM(CASE WHEN status = 'approved' THEN quantity ELSE 0 END)
		FROM reports WHERE target_id IS NOT NULL AND quantity IS NOT NULL GROUP BY target_id`)
	if err != nil {
		return fmt.Errorf("rebuild target totals: %w", err)
	}
	return nil
}

// ReportDates returns the distinct dates from..to on which the employee has a report that counts
// for compliance: every report neither deleted nor returned. Validation does not matter here, so
// that /progres, reminders, the digest and /evaluate agree: a report waiting for its supervisor
// still shows the person reported that day (only achievement waits for validation).
func (t *Tx) ReportDates(ctx context.Context, nip, from, to string) (map[string]bool, error) {
	if t.pre.has(nip, from, to) {
		out := map[string]bool{}
		for _, d := range t.pre.dates[nip] {
			if from <= d && d <= to {
				out[d] = true
			}
		}
		return out, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT DISTINCT local_date FROM reports
		WHERE nip = ? AND local_date BETWEEN ? AND ? AND status IN ('submitted', 'approved')`, nip, from, to)
	if err != nil {
		return nil, fmt.Errorf("report dates of %s: %w", nip, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out[d] = true
	}
	return out, rows.Err()
}

// Evidence is a stored file supporting a report, addressed by its content hash.
type Evidence struct {
	ID     int64
	SHA256 string
	Path   string
	MIME   string
	Size   int64
}

// AddEvidence records a stored file, or returns the id of the same content stored before.
func (t *Tx) AddEvidence(ctx context.Context, e Evidence, now time.Time) (int64, error) {
	if _, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO evidence(sha256, path, mime, size, created_at) VALUES (?, ?, ?, ?, ?)`,
		e.SHA256, e.Path, e.MIME, e.Size, now.UTC()); err != nil {
		return 0, fmt.Errorf("save evidence: %w", err)
	}
	var id int64
	if err := t.q.QueryRowContext(ctx, `SELECT id FROM evidence WHERE sha256 = ?`, e.SHA256).Scan(&id); err != nil {
		return 0, fmt.Errorf("find evidence: %w", err)
	}
	return id, nil
}

// EvidenceByID returns a stored file's record.
func (t *Tx) EvidenceByID(ctx context.Context, id int64) (Evidence, error) {
	var e Evidence
	err := t.q.QueryRowContext(ctx, `SELECT id, sha256, path, mime, size FROM evidence WHERE id = ?`, id).Scan(&e.ID, &e.SHA256, &e.Path, &e.MIME, &e.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// reportsPerInsert is how many rows one INSERT of AddReports carries (13 values each, well under
// SQLite's limit on bound parameters).
const reportsPerInsert = 64

// AddReports stores many reports with multi-row INSERTs, for loading a history (`lapkin seed`).
// It does not return the ids.
func (t *Tx) AddReports(ctx context.Context, reps []Report) error {
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for len(reps) > 0 {
		n := min(len(reps), reportsPerInsert)
		var sb strings.Builder
		sb.WriteString(`INSERT INTO reports(nip, opd_code, local_date, text, quantity, target_id, minutes, evidence_id, created_at, source_net, source_msg_id, status) VALUES `)
		args := make([]any, 0, n*12)
		for i, r := range reps[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(row)
			if r.Status == "" {
				r.Status = ReportSubmitted
			}
			args = append(args, r.NIP, r.OPDCode, r.LocalDate, r.Text, r.Quantity, r.TargetID, r.Minutes, r.EvidenceID,
				r.CreatedAt.UTC(), r.SourceNet, r.SourceMsgID, r.Status)
		}
		if _, err := t.q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("save %d reports: %w", n, err)
		}
		reps = reps[n:]
	}
	return nil
}

// DayMinutes returns the effective minutes nip's reports of day (YYYY-MM-DD) already hold, deleted
// and returned reports left out.
func (t *Tx) DayMinutes(ctx context.Context, nip, day string) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM reports
		WHERE nip = ? AND local_date = ? AND status IN ('submitted', 'approved')`, nip, day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("minutes of %s on %s: %w", nip, day, err)
	}
	return n, nil
}
