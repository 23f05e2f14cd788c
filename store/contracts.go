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
	Decision      ContractDecision
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
	// CarriedFrom is the same target in the previous version of the contract, whose reports still
	// count towards this one.
	CarriedFrom *int64
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
	// The targets go in while the contract is a draft: a signed contract's targets are frozen.
	res, err := t.q.ExecContext(ctx, `INSERT INTO contracts(nip, year, version, status, supervisor_nip, signed_at, sha256, created_at)
		VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)`, c.NIP, c.Year, c.Version, nullIfEmpty(c.SupervisorNIP), signed, c.SHA256, now.UTC())
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
		if _, err := t.q.ExecContext(ctx, `INSERT INTO targets(contract_id, n, description, quantity, unit, due_date, weight, carried_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, tg.N, tg.Description, tg.Quantity, tg.Unit, tg.DueDate, tg.Weight, tg.CarriedFrom); err != nil {
			return 0, fmt.Errorf("save target %d of %s: %w", tg.N, c.NIP, err)
		}
	}
	if c.Status != "" && c.Status != ContractDraft {
		if _, err := t.q.ExecContext(ctx, `UPDATE contracts SET status = ? WHERE id = ?`, c.Status, id); err != nil {
			return 0, fmt.Errorf("set contract status: %w", err)
		}
	}
	return id, nil
}

// SignedContract returns the employee's newest signed contract for year, with its targets, or
// ErrNotFound when there is none.
func (t *Tx) SignedContract(ctx context.Context, nip string, year int) (Contract, error) {
	if p := t.pre; p != nil && p.nips[nip] && p.Year == year && !p.NoContracts {
		c := p.contracts[nip]
		if c == nil {
			return Contract{}, ErrNotFound
		}
		out := *c
		out.Targets = append([]Target(nil), c.Targets...)
		return out, nil
	}
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
	// A signed contract's targets never change (triggers refuse it): every quick report asks for
	// them, and they are read once per signing.
	key := frozenKey{id: c.ID, signedAt: signed.Time.UnixNano(), sha: c.SHA256}
	if tg, ok := t.frozen.get(key); ok {
		c.Targets = tg
		return c, nil
	}
	if c.Targets, err = t.Targets(ctx, c.ID); err != nil {
		return c, err
	}
	if t.frozenLater != nil {
		*t.frozenLater = append(*t.frozenLater, frozenEntry{key, c.Targets})
	} else {
		t.frozen.put(key, c.Targets) // a read transaction reads only what was committed
	}
	return c, nil
}

// Targets returns a contract's targets in their order.
func (t *Tx) Targets(ctx context.Context, contractID int64) ([]Target, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+targetCols+` FROM targets t WHERE contract_id = ? ORDER BY n`, contractID)
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var tg Target
		if err := rows.Scan(tg.fields()...); err != nil {
			return nil, err
		}
		out = append(out, tg)
	}
	return out, rows.Err()
}

// targetCols are a Target's columns, of the table named t, in the order of fields.
const targetCols = `t.id, t.contract_id, t.n, t.description, t.quantity, t.unit, t.due_date, t.weight, t.carried_from`

// fields are where Scan puts targetCols.
func (tg *Target) fields() []any {
	return []any{&tg.ID, &tg.ContractID, &tg.N, &tg.Description, &tg.Quantity, &tg.Unit, &tg.DueDate, &tg.Weight, &tg.CarriedFrom}
}

// FirstTarget is the first target (the lowest number) of nip's newest signed contract of year:
// SignedContract's Targets[0]. ErrNotFound when there is no signed contract or it has no target.
func (t *Tx) FirstTarget(ctx context.Context, nip string, year int) (Target, error) {
	if p := t.pre; p != nil && p.nips[nip] && p.Year == year {
		if p.FirstTargets {
			if tg := p.first[nip]; tg != nil {
				return *tg, nil
			}
			return Target{}, ErrNotFound
		}
		if !p.NoContracts {
			if c := p.contracts[nip]; c != nil && len(c.Targets) > 0 {
				return c.Targets[0], nil
			}
			return Target{}, ErrNotFound
		}
	}
	var tg Target
	err := t.q.QueryRowContext(ctx, `SELECT `+targetCols+` FROM targets t WHERE t.contract_id =
		(SELECT id FROM contracts WHERE nip = ? AND year = ? AND status = 'signed' ORDER BY version DESC LIMIT 1)
		ORDER BY t.n LIMIT 1`, nip, year).
		Scan(tg.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return tg, ErrNotFound
	}
	if err != nil {
		return tg, fmt.Errorf("first target of %s: %w", nip, err)
	}
	return tg, nil
}

// Contract decision fields, shown in /kontrak and the canonical text.
type ContractDecision struct {
	SubmittedAt  *time.Time
	DecidedAt    *time.Time
	DecidedBy    string
	RejectReason string
}

const contractCols = `id, nip, year, version, status, COALESCE(supervisor_nip, ''), signed_at, sha256, created_at,
	submitted_at, decided_at, COALESCE(decided_by, ''), reject_reason`

func (t *Tx) scanContract(ctx context.Context, row *sql.Row) (Contract, error) {
	var c Contract
	var signed, submitted, decided sql.NullTime
	err := row.Scan(&c.ID, &c.NIP, &c.Year, &c.Version, &c.Status, &c.SupervisorNIP, &signed, &c.SHA256, &c.CreatedAt,
		&submitted, &decided, &c.Decision.DecidedBy, &c.Decision.RejectReason)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("read contract: %w", err)
	}
	for _, p := range []struct {
		n  sql.NullTime
		to **time.Time
	}{{signed, &c.SignedAt}, {submitted, &c.Decision.SubmittedAt}, {decided, &c.Decision.DecidedAt}} {
		if p.n.Valid {
			v := p.n.Time
			*p.to = &v
		}
	}
	c.Targets, err = t.Targets(ctx, c.ID)
	return c, err
}

// WorkingContract returns the employee's newest contract version for year that is not superseded:
// the one being drafted, decided or signed. ErrNotFound when there is none.
func (t *Tx) WorkingContract(ctx context.Context, nip string, year int) (Contract, error) {
	return t.scanContract(ctx, t.q.QueryRowContext(ctx, `SELECT `+contractCols+` FROM contracts
		WHERE nip = ? AND year = ? AND status <> 'superseded' ORDER BY version DESC LIMIT 1`, nip, year))
}

// ContractByID returns one contract version with its targets.
func (t *Tx) ContractByID(ctx context.Context, id int64) (Contract, error) {
	return t.scanContract(ctx, t.q.QueryRowContext(ctx, `SELECT `+contractCols+` FROM contracts WHERE id = ?`, id))
}

// AddTarget appends a target to a contract that is not signed, numbered after the last.
func (t *Tx) AddTarget(ctx context.Context, contractID int64, tg Target) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) + 1 FROM targets WHERE contract_id = ?`, contractID).Scan(&n); err != nil {
		return 0, fmt.Errorf("number target: %w", err)
	}
	if tg.Weight == 0 {
		tg.Weight = 1
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO targets(contract_id, n, description, quantity, unit, due_date, weight, carried_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		contractID, n, tg.Description, tg.Quantity, tg.Unit, tg.DueDate, tg.Weight, tg.CarriedFrom)
	if err != nil {
		return 0, fmt.Errorf("add target: %w", err)
	}
	return n, nil
}

// RemoveTarget deletes target n of a contract that is not signed and renumbers the ones after it,
// so the numbers the employee sees stay 1, 2, 3… It reports whether target n existed.
func (t *Tx) RemoveTarget(ctx context.Context, contractID int64, n int) (bool, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM targets WHERE contract_id = ? AND n = ?`, contractID, n)
	if err != nil {
		return false, fmt.Errorf("remove target: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return false, nil
	}
	// Two steps, so that the UNIQUE(contract_id, n) never sees two targets with one number.
	if _, err := t.q.ExecContext(ctx, `UPDATE targets SET n = -(n - 1) WHERE contract_id = ? AND n > ?`, contractID, n); err != nil {
		return false, fmt.Errorf("renumber targets: %w", err)
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE targets SET n = -n WHERE contract_id = ? AND n < 0`, contractID); err != nil {
		return false, fmt.Errorf("renumber targets: %w", err)
	}
	return true, nil
}

// ReviseContract starts version+1 of a signed contract as a draft with the same targets, each
// carried from its predecessor so that the reports already made keep counting. The signed version
// stays in force until the revision is signed.
func (t *Tx) ReviseContract(ctx context.Context, signed Contract, now time.Time) (int64, error) {
	next := Contract{NIP: signed.NIP, Year: signed.Year, Version: signed.Version + 1, Status: ContractDraft, SupervisorNIP: signed.SupervisorNIP}
	for _, tg := range signed.Targets {
		from := tg.ID
		tg.ID, tg.ContractID, tg.CarriedFrom = 0, 0, &from
		next.Targets = append(next.Targets, tg)
	}
	return t.AddContract(ctx, next, now)
}

// SetContractDraft puts a rejected or approved (unsigned) contract back to draft, because its
// content is being changed and must be decided again.
func (t *Tx) SetContractDraft(ctx context.Context, id int64) error {
	_, err := t.q.ExecContext(ctx, `UPDATE contracts SET status = 'draft', decided_at = NULL, decided_by = NULL WHERE id = ? AND status IN ('rejected', 'approved', 'draft')`, id)
	return err
}

// SubmitContract records that the contract went to its supervisor.
func (t *Tx) SubmitContract(ctx context.Context, id int64, supervisor string, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE contracts SET status = 'submitted', supervisor_nip = ?, submitted_at = ?, reject_reason = '' WHERE id = ?`,
		supervisor, now.UTC(), id)
	return err
}

// DecideContract records the supervisor's decision: approved, or rejected with a reason.
func (t *Tx) DecideContract(ctx context.Context, id int64, approve bool, by, reason string, now time.Time) error {
	status := ContractRejected
	if approve {
		status = ContractApproved
	}
	_, err := t.q.ExecContext(ctx, `UPDATE contracts SET status = ?, decided_by = ?, decided_at = ?, reject_reason = ? WHERE id = ? AND status = 'submitted'`,
		status, by, now.UTC(), reason, id)
	return err
}

// SignContract records the signing time and the SHA-256 of the canonical text, and retires the
// version it replaces.
func (t *Tx) SignContract(ctx context.Context, c Contract, sha string, at time.Time) error {
	if _, err := t.q.ExecContext(ctx, `UPDATE contracts SET status = 'superseded' WHERE nip = ? AND year = ? AND status = 'signed' AND id <> ?`,
		c.NIP, c.Year, c.ID); err != nil {
		return fmt.Errorf("retire the previous version: %w", err)
	}
	_, err := t.q.ExecContext(ctx, `UPDATE contracts SET status = 'signed', signed_at = ?, sha256 = ? WHERE id = ? AND status = 'approved'`,
		at.UTC(), sha, c.ID)
	return err
}

// ContractsAwaiting returns the submitted contracts whose supervisor is nip. With nip "" it returns
// those submitted to nobody in particular: the contracts of people without an atasan, which the
// admins decide.
func (t *Tx) ContractsAwaiting(ctx context.Context, supervisor string) ([]Contract, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id FROM contracts WHERE status = 'submitted' AND COALESCE(supervisor_nip, '') = ? ORDER BY submitted_at`, supervisor)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []Contract
	for _, id := range ids {
		c, err := t.ContractByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
