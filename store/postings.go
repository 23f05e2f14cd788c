package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Posting is a post a person left (a transfer, mutasi): what their employee row said there, and
// when it ended.
type Posting struct {
	ID            int64
	NIP           string
	OPDCode       string
	Position      string
	Eselon        string
	SupervisorNIP string
	StartDate     string // the roster's mulai at that post, '' when none
	LastDay       string // YYYY-MM-DD: the last day at this post
	TransferDate  string // YYYY-MM-DD: the first day at the next post
	ContractID    int64  // the signed contract the transfer ended; 0 for none
	RecordedAt    time.Time
}

const postingCols = `id, nip, opd_code, position, eselon, supervisor_nip, start_date, last_day, transfer_date, COALESCE(contract_id, 0), recorded_at`

// AddPosting records a post nip left, and returns its id.
func (t *Tx) AddPosting(ctx context.Context, p Posting) (int64, error) {
	var contract any
	if p.ContractID != 0 {
		contract = p.ContractID
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO postings(nip, opd_code, position, eselon, supervisor_nip, start_date, last_day,
		transfer_date, contract_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.NIP, p.OPDCode, p.Position, p.Eselon,
		p.SupervisorNIP, p.StartDate, p.LastDay, p.TransferDate, contract, p.RecordedAt.UTC())
	if err != nil {
		return 0, fmt.Errorf("record the post %s left: %w", p.NIP, err)
	}
	return res.LastInsertId()
}

// PostingsSince returns the posts left on or after since (YYYY-MM-DD): of nip, or of everyone
// when nip is "". By person, then oldest first.
func (t *Tx) PostingsSince(ctx context.Context, nip, since string) ([]Posting, error) {
	q := `SELECT ` + postingCols + ` FROM postings WHERE last_day >= ?`
	args := []any{since}
	if nip != "" {
		q += ` AND nip = ?`
		args = append(args, nip)
	}
	rows, err := t.q.QueryContext(ctx, q+` ORDER BY nip, last_day, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list past posts: %w", err)
	}
	defer rows.Close()
	var out []Posting
	for rows.Next() {
		var p Posting
		if err := rows.Scan(&p.ID, &p.NIP, &p.OPDCode, &p.Position, &p.Eselon, &p.SupervisorNIP, &p.StartDate, &p.LastDay,
			&p.TransferDate, &p.ContractID, &p.RecordedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ContractEnd returns the last day of a signed contract that a transfer ended, and false for a
// contract no transfer ended.
func (t *Tx) ContractEnd(ctx context.Context, contractID int64) (string, bool, error) {
	var last string
	err := t.q.QueryRowContext(ctx, `SELECT MIN(last_day) FROM postings WHERE contract_id = ? HAVING COUNT(*) > 0`, contractID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("end of contract %d: %w", contractID, err)
	}
	return last, true, nil
}
