package store

import (
	"context"
	"fmt"
	"time"
)

// Acting is an acting supervisor (Plh): ActingNIP stands in for SupervisorNIP from Start to End.
type Acting struct {
	ID            int64
	SupervisorNIP string
	ActingNIP     string
	Start, End    string // YYYY-MM-DD, inclusive
	NamedBy       string
	CreatedAt     time.Time
}

const actingCols = `id, supervisor_nip, acting_nip, start_date, end_date, named_by, created_at`

// AddActing records an acting supervisor and returns its id.
func (t *Tx) AddActing(ctx context.Context, a Acting) (int64, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO acting_supervisors(supervisor_nip, acting_nip, start_date, end_date, named_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, a.SupervisorNIP, a.ActingNIP, a.Start, a.End, a.NamedBy, a.CreatedAt.UTC())
	if err != nil {
		return 0, fmt.Errorf("name acting supervisor for %s: %w", a.SupervisorNIP, err)
	}
	return res.LastInsertId()
}

// ActingBetween returns the acting supervisors, not cancelled, whose period overlaps from..to:
// every one when nip is "", else those where nip is the supervisor or the one acting. By start.
func (t *Tx) ActingBetween(ctx context.Context, nip, from, to string) ([]Acting, error) {
	q := `SELECT ` + actingCols + ` FROM acting_supervisors WHERE cancelled_at IS NULL AND start_date <= ? AND end_date >= ?`
	args := []any{to, from}
	if nip != "" {
		q += ` AND (supervisor_nip = ? OR acting_nip = ?)`
		args = append(args, nip, nip)
	}
	rows, err := t.q.QueryContext(ctx, q+` ORDER BY start_date, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list acting supervisors: %w", err)
	}
	defer rows.Close()
	var out []Acting
	for rows.Next() {
		var a Acting
		if err := rows.Scan(&a.ID, &a.SupervisorNIP, &a.ActingNIP, &a.Start, &a.End, &a.NamedBy, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CancelActing ends an acting supervisor's appointment (the row stays, marked).
func (t *Tx) CancelActing(ctx context.Context, id int64, now time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE acting_supervisors SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL`, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("cancel acting supervisor %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RejectReport records a supervisor's rejection (Ditolak) of a report waiting for validation: it
// leaves the queue and counts nowhere, like a returned one, and is marked rejected. It reports
// whether the report was still waiting.
func (t *Tx) RejectReport(ctx context.Context, id int64, note, by string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE reports SET status = 'returned', rejected = 1, review_note = ?, reviewed_by = ?, reviewed_at = ?
		WHERE id = ? AND status = 'submitted'`, note, by, at.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("reject report %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Rejected reports whether report id was rejected rather than returned.
func (t *Tx) Rejected(ctx context.Context, id int64) (bool, error) {
	var r bool
	if err := t.q.QueryRowContext(ctx, `SELECT rejected FROM reports WHERE id = ?`, id).Scan(&r); err != nil {
		return false, fmt.Errorf("read report %d: %w", id, err)
	}
	return r, nil
}

// Unchecked is a report waiting for validation, as the review job reads it.
type Unchecked struct {
	ID        int64
	NIP       string
	OPDCode   string
	LocalDate string
	CreatedAt time.Time
	Text      string
}

// UncheckedSince returns the reports of an OPD waiting for validation dated on or after since
// (YYYY-MM-DD; "" for all), oldest first. It reads the OPD's days from since on through the
// reports_opd_date index: a month or two of one OPD, not the city's year.
func (t *Tx) UncheckedSince(ctx context.Context, opd, since string) ([]Unchecked, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, nip, opd_code, local_date, created_at, text FROM reports
		WHERE opd_code = ? AND local_date >= ? AND status = 'submitted' ORDER BY local_date, id`, opd, since)
	if err != nil {
		return nil, fmt.Errorf("list unchecked reports: %w", err)
	}
	defer rows.Close()
	var out []Unchecked
	for rows.Next() {
		var u Unchecked
		if err := rows.Scan(&u.ID, &u.NIP, &u.OPDCode, &u.LocalDate, &u.CreatedAt, &u.Text); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
