package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Contract statuses.
const (
	ContractDraft      = "draft"
	ContractSubmitted  = "submitted"
	ContractApproved   = "approved"
	ContractRejected   = "rejected"
	ContractSigned     = "signed"
	ContractSuperseded = "superseded"
)

// Contract is one version of an employee's performance contract for a year.
type Contract struct {
	ID            int64
	NIP           string
	Year          int
	Version       int
	Status        string
	SupervisorNIP string
	SignedAt      *time.Time
	SHA256        string
	CreatedAt     time.Time
	Targets       []Target
}

// Target is one measurable target of a contract. N is its number as the employee sees it (#1, #2).
type Target struct {
	ID          int64
	ContractID  int64
	N           int
	Description string
	Quantity    float64
	Unit        string
	DueDate     string // YYYY-MM-DD
	Weight      float64
}

// AddContract stores a contract with its targets and returns its id.
func (t *Tx) AddContract(ctx context.Context, c Contract, now time.Time) (int64, error) {
	if c.Version == 0 {
		c.Version = 1
	}
	var signed any
	if c.SignedAt != nil {
		signed = c.SignedAt.UTC()
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO contracts(nip, year, version, status, supervisor_nip, signed_at, sha256, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.NIP, c.Year, c.Version, c.Status, nullIfEmpty(c.SupervisorNIP), signed, c.SHA256, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("save contract of %s: %w", c.NIP, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for i, tg := range c.Targets {
		if tg.N == 0 {
			tg.N = i + 1
		}
		if tg.Weight == 0 {
			tg.Weight = 1
		}
		if _, err := t.q.ExecContext(ctx, `INSERT INTO targets(contract_id, n, description, quantity, unit, due_date, weight) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, tg.N, tg.Description, tg.Quantity, tg.Unit, tg.DueDate, tg.Weight); err != nil {
			return 0, fmt.Errorf("save target %d of %s: %w", tg.N, c.NIP, err)
		}
	}
	return id, nil
}

// SignedContract returns the employee's newest signed contract for year, with its targets, or
// ErrNotFound when there is none.
func (t *Tx) SignedContract(ctx context.Context, nip string, year int) (Contract, error) {
	var c Contract
	var signed sql.NullTime
	var sup sql.NullString
	err := t.q.QueryRowContext(ctx, `SELECT id, nip, year, version, status, supervisor_nip, signed_at, sha256, created_at FROM contracts
		WHERE nip = ? AND year = ? AND status = 'signed' ORDER BY version DESC LIMIT 1`, nip, year).
		Scan(&c.ID, &c.NIP, &c.Year, &c.Version, &c.Status, &sup, &signed, &c.SHA256, &c.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("get contract of %s: %w", nip, err)
	}
	c.SupervisorNIP = sup.String
	if signed.Valid {
		c.SignedAt = &signed.Time
	}
	c.Targets, err = t.Targets(ctx, c.ID)
	return c, err
}

// Targets returns a contract's targets in their order.
func (t *Tx) Targets(ctx context.Context, contractID int64) ([]Target, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, contract_id, n, description, quantity, unit, due_date, weight FROM targets
		WHERE contract_id = ? ORDER BY n`, contractID)
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var tg Target
		if err := rows.Scan(&tg.ID, &tg.ContractID, &tg.N, &tg.Description, &tg.Quantity, &tg.Unit, &tg.DueDate, &tg.Weight); err != nil {
			return nil, err
		}
		out = append(out, tg)
	}
	return out, rows.Err()
}
