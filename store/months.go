package store

import (
	"context"
	"fmt"
	"time"
)

// Reopening is a closed month opened again for one person by an admin ([kinerja] close_day).
type Reopening struct {
	ID        int64
	NIP       string
	Month     string // YYYY-MM
	OpenUntil string // YYYY-MM-DD: the last day the month is open again
	Reason    string
	OpenedBy  string // the admin's NIP
	OpenedAt  time.Time
}

const reopeningCols = `id, nip, month, open_until, reason, opened_by, opened_at`

// AddReopening records that r.NIP's r.Month is open again through r.OpenUntil, and returns its id.
func (t *Tx) AddReopening(ctx context.Context, r Reopening) (int64, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO month_reopenings(nip, month, open_until, reason, opened_by, opened_at)
		VALUES (?, ?, ?, ?, ?, ?)`, r.NIP, r.Month, r.OpenUntil, r.Reason, r.OpenedBy, r.OpenedAt.UTC())
	if err != nil {
		return 0, fmt.Errorf("reopen %s for %s: %w", r.Month, r.NIP, err)
	}
	return res.LastInsertId()
}

// Reopenings returns the reopenings still open on day (YYYY-MM-DD): of nip alone, or of
// everyone when nip is "". Each person's months are listed oldest first.
func (t *Tx) Reopenings(ctx context.Context, nip, day string) ([]Reopening, error) {
	q := `SELECT ` + reopeningCols + ` FROM month_reopenings WHERE open_until >= ?`
	args := []any{day}
	if nip != "" {
		q += ` AND nip = ?`
		args = append(args, nip)
	}
	return t.reopenings(ctx, q+` ORDER BY nip, month, id`, args...)
}

// ReopeningsOf returns every reopening of nip's month (YYYY-MM), the first first.
func (t *Tx) ReopeningsOf(ctx context.Context, nip, month string) ([]Reopening, error) {
	return t.reopenings(ctx, `SELECT `+reopeningCols+` FROM month_reopenings WHERE nip = ? AND month = ? ORDER BY id`, nip, month)
}

func (t *Tx) reopenings(ctx context.Context, q string, args ...any) ([]Reopening, error) {
	rows, err := t.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list reopened months: %w", err)
	}
	defer rows.Close()
	var out []Reopening
	for rows.Next() {
		var r Reopening
		if err := rows.Scan(&r.ID, &r.NIP, &r.Month, &r.OpenUntil, &r.Reason, &r.OpenedBy, &r.OpenedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
