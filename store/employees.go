package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Roles an employee can have.
const (
	RoleASN    = "asn"
	RoleKepala = "kepala"
	RoleAdmin  = "admin"
)

// OPD is a city agency.
type OPD struct {
	Code     string
	Name     string
	WorkDays int // 5 or 6
}

// Employee is one civil servant of the roster.
type Employee struct {
	NIP           string
	Name          string
	Position      string
	Eselon        string
	OPDCode       string
	Phone         string
	Role          string
	SupervisorNIP string
	Language      string
	Active        bool
	// Since is when the employee entered the roster: before it, Lapkin could not have received
	// their reports.
	Since time.Time
	// StartDate is the TMT (YYYY-MM-DD) from the roster's column mulai: the day the person started
	// in this position; "" when the roster does not say.
	StartDate string
	// CallName is how the person is addressed, from the roster's column sapaan ("Ibu Luh", "Made");
	// "" when the roster does not say, and the greeting is made from the name (flows). Given to
	// UpsertEmployee, "" keeps the stored one and "-" clears it.
	CallName string
	// Email is the address the person writes from, lower-cased, from the roster's optional column
	// email (issue 23): the e-mail network names a sender by it (EmployeeByEmail). "" when the
	// roster does not say. Given to UpsertEmployee, "" keeps the stored one and "-" clears it.
	Email string
}

const employeeCols = `nip, name, position, eselon, opd_code, COALESCE(phone, ''), role, COALESCE(supervisor_nip, ''), language, active, created_at, start_date, call_name, email`

func scanEmployee(sc interface{ Scan(...any) error }) (Employee, error) {
	var e Employee
	err := sc.Scan(&e.NIP, &e.Name, &e.Position, &e.Eselon, &e.OPDCode, &e.Phone, &e.Role, &e.SupervisorNIP, &e.Language, &e.Active, &e.Since, &e.StartDate, &e.CallName, &e.Email)
	return e, err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// UpsertOPD creates or updates an OPD.
func (t *Tx) UpsertOPD(ctx context.Context, o OPD, now time.Time) error {
	if o.WorkDays == 0 {
		o.WorkDays = 5
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO opds(code, name, work_days, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(code) DO UPDATE SET name = excluded.name, work_days = excluded.work_days, updated_at = excluded.updated_at`,
		o.Code, o.Name, o.WorkDays, now.UTC(), now.UTC())
	if err != nil {
		return fmt.Errorf("save OPD %s: %w", o.Code, err)
	}
	return nil
}

// OPD returns the OPD with code.
func (t *Tx) OPD(ctx context.Context, code string) (OPD, error) {
	if p := t.pre; p != nil {
		if o, ok := p.opds[code]; ok {
			return o, nil
		}
	}
	var o OPD
	err := t.q.QueryRowContext(ctx, `SELECT code, name, work_days FROM opds WHERE code = ?`, code).Scan(&o.Code, &o.Name, &o.WorkDays)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("get OPD %s: %w", code, err)
	}
	return o, nil
}

// OPDs returns every OPD by code.
func (t *Tx) OPDs(ctx context.Context) ([]OPD, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT code, name, work_days FROM opds ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list OPDs: %w", err)
	}
	defer rows.Close()
	var out []OPD
	for rows.Next() {
		var o OPD
		if err := rows.Scan(&o.Code, &o.Name, &o.WorkDays); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// UpsertEmployee creates or updates an employee. The language a person chose is kept, and so is
// a start date (mulai) when the new row has none: a roster without the optional column must not
// erase what an earlier import said.
func (t *Tx) UpsertEmployee(ctx context.Context, e Employee, now time.Time) error {
	if e.Role == "" {
		e.Role = RoleASN
	}
	email := e.Email
	if email == "-" {
		email = ""
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO employees(nip, name, position, eselon, opd_code, phone, role, supervisor_nip, language, active, created_at, updated_at, start_date, call_name, email)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
		ON CONFLICT(nip) DO UPDATE SET name = excluded.name, position = excluded.position, eselon = excluded.eselon,
			opd_code = excluded.opd_code, phone = excluded.phone, role = excluded.role,
			supervisor_nip = excluded.supervisor_nip, active = 1, updated_at = excluded.updated_at,
			start_date = CASE WHEN excluded.start_date <> '' THEN excluded.start_date ELSE employees.start_date END,
			call_name = CASE excluded.call_name WHEN '' THEN employees.call_name WHEN '-' THEN '' ELSE excluded.call_name END,
			email = CASE WHEN ? = '' THEN employees.email ELSE excluded.email END`,
		e.NIP, e.Name, e.Position, e.Eselon, e.OPDCode, nullIfEmpty(e.Phone), e.Role, nullIfEmpty(e.SupervisorNIP), e.Language,
		now.UTC(), now.UTC(), e.StartDate, e.CallName, email, e.Email)
	if err != nil {
		return fmt.Errorf("save employee %s: %w", e.NIP, err)
	}
	if e.CallName == "-" { // a new row took the "-" as written
		if _, err := t.q.ExecContext(ctx, `UPDATE employees SET call_name = '' WHERE nip = ? AND call_name = '-'`, e.NIP); err != nil {
			return fmt.Errorf("save employee %s: %w", e.NIP, err)
		}
	}
	// A link made by a phone number holds only while the roster gives the person that number: a
	// number they gave up may be someone else's now (operators recycle numbers), and whoever holds
	// it must not read or report as them. Links made by a code an admin issued stay.
	if _, err := t.q.ExecContext(ctx, `DELETE FROM identities WHERE employee_nip = ? AND linked_via = ? AND linked_phone <> ?`,
		e.NIP, LinkedByPhone, e.Phone); err != nil {
		return fmt.Errorf("drop links of %s by an old number: %w", e.NIP, err)
	}
	// The same for an address: a link made by one holds while the roster gives it to the person
	// ("" keeps the stored address, so only a changed or cleared one drops the link).
	if e.Email != "" {
		if _, err := t.q.ExecContext(ctx, `DELETE FROM identities WHERE employee_nip = ? AND linked_via = ?
			AND linked_phone <> (SELECT email FROM employees WHERE nip = ?)`, e.NIP, LinkedByAddress, e.NIP); err != nil {
			return fmt.Errorf("drop links of %s by an old address: %w", e.NIP, err)
		}
	}
	return nil
}

// Employee returns the employee with nip.
func (t *Tx) Employee(ctx context.Context, nip string) (Employee, error) {
	if e, ok := t.pre.employee(nip); ok {
		return e, nil
	}
	e, err := scanEmployee(t.q.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE nip = ?`, nip))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("get employee %s: %w", nip, err)
	}
	return e, nil
}

// EmployeeByPhone returns the employee whose normalised phone is phone.
func (t *Tx) EmployeeByPhone(ctx context.Context, phone string) (Employee, error) {
	e, err := scanEmployee(t.q.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE phone = ? AND active = 1`, phone))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("find employee by phone: %w", err)
	}
	return e, nil
}

// EmployeeByEmail returns the active employee whose roster address is addr (compared lower-cased):
// the e-mail network's sender is matched against it.
func (t *Tx) EmployeeByEmail(ctx context.Context, addr string) (Employee, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return Employee{}, ErrNotFound
	}
	e, err := scanEmployee(t.q.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE email = ? AND active = 1`, addr))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("find employee by e-mail: %w", err)
	}
	return e, nil
}

// Employees returns the active employees of one OPD, or of every OPD when opd is "", by name.
func (t *Tx) Employees(ctx context.Context, opd string) ([]Employee, error) {
	if opd == "" {
		return t.employeesWhere(ctx, `1 ORDER BY opd_code, name`)
	}
	// Two queries rather than "(? = '' OR opd_code = ?)": with the OR SQLite cannot use
	// employees_opd and reads the whole city for one OPD.
	return t.employeesWhere(ctx, `opd_code = ? ORDER BY name`, opd)
}

// employeesWhere lists the active employees matching a condition (and its ORDER BY).
func (t *Tx) employeesWhere(ctx context.Context, cond string, args ...any) ([]Employee, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE active = 1 AND `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("list employees: %w", err)
	}
	defer rows.Close()
	var out []Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetLanguage stores a person's reply language.
func (t *Tx) SetLanguage(ctx context.Context, nip, lang string, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE employees SET language = ?, updated_at = ? WHERE nip = ?`, lang, now.UTC(), nip)
	if err != nil {
		return fmt.Errorf("set language of %s: %w", nip, err)
	}
	return nil
}

// How a chat account was linked (Identity.Via).
const (
	// LinkedByPhone: by a phone number the network vouches for (Telegram's contact button,
	// WhatsApp's own number) that the roster gives the person.
	LinkedByPhone = "phone"
	// LinkedByAddress: by an address the network names every sender by (e-mail), that the
	// roster gives the person (column email); Link.Phone holds that address.
	LinkedByAddress = "address"
	// LinkedByCode: by a one-time code an admin issued (/daftar <NIP> <KODE>).
	LinkedByCode = "code"
)

// Identity links a chat account to an employee. A person has at most one account per network.
type Identity struct {
	Net         string
	ExternalID  string
	NIP         string
	Unreachable bool
	// LinkedAt is when the account was linked.
	LinkedAt time.Time
	// LastSeen is when a message last came from this account; nil if none has since the link.
	LastSeen *time.Time
	// Via says how it was linked (LinkedByPhone, LinkedByAddress, LinkedByCode), "" when seeded
	// or not known.
	Via string
	// Phone is the roster number a LinkedByPhone link was made by, or the roster address of a
	// LinkedByAddress one (the column linked_phone holds either).
	Phone string
}

const identityCols = `net, external_id, employee_nip, unreachable, linked_at, last_seen_at, linked_via, linked_phone`

func scanIdentity(sc interface{ Scan(...any) error }) (Identity, error) {
	var id Identity
	var seen sql.NullTime
	err := sc.Scan(&id.Net, &id.ExternalID, &id.NIP, &id.Unreachable, &id.LinkedAt, &seen, &id.Via, &id.Phone)
	if seen.Valid {
		id.LastSeen = &seen.Time
	}
	return id, err
}

// LookupIdentity returns the employee NIP linked to the chat account, or ErrNotFound.
func (t *Tx) LookupIdentity(ctx context.Context, net, externalID string) (Identity, error) {
	id, err := scanIdentity(t.q.QueryRowContext(ctx, `SELECT `+identityCols+` FROM identities i
		WHERE net = ? AND external_id = ? AND EXISTS (SELECT 1 FROM employees e WHERE e.nip = i.employee_nip AND e.active = 1)`,
		net, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return id, ErrNotFound
	}
	if err != nil {
		return id, fmt.Errorf("look up identity %s/%s: %w", net, externalID, err)
	}
	return id, nil
}

// Link is a chat account to link to an employee.
type Link struct {
	Net, ExternalID, NIP string
	// Via is how the link is made (LinkedByPhone, LinkedByAddress, LinkedByCode; "" for
	// seeding), and Phone the roster number of a LinkedByPhone link (the address of a
	// LinkedByAddress one).
	Via, Phone string
	At         time.Time
}

// LinkAccount links the chat account to the employee as their one account on that network: the
// account's earlier link, to anyone, is replaced, and so is the employee's other account on that
// network, which it returns so that its owner can be told it lost access.
func (t *Tx) LinkAccount(ctx context.Context, l Link) (replaced []Identity, err error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+identityCols+` FROM identities WHERE employee_nip = ? AND net = ? AND external_id <> ?`,
		l.NIP, l.Net, l.ExternalID)
	if err != nil {
		return nil, fmt.Errorf("accounts of %s on %s: %w", l.NIP, l.Net, err)
	}
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		replaced = append(replaced, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM identities WHERE employee_nip = ? AND net = ? AND external_id <> ?`,
		l.NIP, l.Net, l.ExternalID); err != nil {
		return nil, fmt.Errorf("replace account of %s on %s: %w", l.NIP, l.Net, err)
	}
	phone := ""
	if l.Via == LinkedByPhone || l.Via == LinkedByAddress {
		phone = l.Phone
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO identities(net, external_id, employee_nip, linked_at, linked_via, linked_phone) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(net, external_id) DO UPDATE SET employee_nip = excluded.employee_nip, unreachable = 0, linked_at = excluded.linked_at,
			last_seen_at = NULL, linked_via = excluded.linked_via, linked_phone = excluded.linked_phone`,
		l.Net, l.ExternalID, l.NIP, l.At.UTC(), l.Via, phone)
	if err != nil {
		return nil, fmt.Errorf("link %s/%s to %s: %w", l.Net, l.ExternalID, l.NIP, err)
	}
	return replaced, nil
}

// LinkIdentity is LinkAccount for seeding (the demo's console accounts, load tests), where nobody
// is told about a replaced account.
func (t *Tx) LinkIdentity(ctx context.Context, net, externalID, nip string, now time.Time) error {
	_, err := t.LinkAccount(ctx, Link{Net: net, ExternalID: externalID, NIP: nip, At: now})
	return err
}

// UnlinkAccounts removes the employee's chat account on net, or all of them when net is "", and
// returns what it removed.
func (t *Tx) UnlinkAccounts(ctx context.Context, nip, net string) ([]Identity, error) {
	ids, err := t.IdentitiesOf(ctx, nip)
	if err != nil {
		return nil, err
	}
	var gone []Identity
	for _, id := range ids {
		if net != "" && id.Net != net {
			continue
		}
		if _, err := t.q.ExecContext(ctx, `DELETE FROM identities WHERE net = ? AND external_id = ?`, id.Net, id.ExternalID); err != nil {
			return nil, fmt.Errorf("unlink %s/%s: %w", id.Net, id.ExternalID, err)
		}
		gone = append(gone, id)
	}
	return gone, nil
}

// IdentitiesOf returns the chat accounts of an employee, the one a message last came from first,
// then the most recently linked: a notice goes to the first reachable one.
func (t *Tx) IdentitiesOf(ctx context.Context, nip string) ([]Identity, error) {
	if p := t.pre; p != nil && p.nips[nip] && !p.NoPeople {
		return append([]Identity(nil), p.idents[nip]...), nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+identityCols+` FROM identities
		WHERE employee_nip = ? ORDER BY max(linked_at, COALESCE(last_seen_at, linked_at)) DESC, net`, nip)
	if err != nil {
		return nil, fmt.Errorf("identities of %s: %w", nip, err)
	}
	defer rows.Close()
	var out []Identity
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetAccountLanguage keeps the reply language of a chat account that is not linked to anyone yet.
func (t *Tx) SetAccountLanguage(ctx context.Context, net, externalID, lang string, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO account_languages(net, external_id, language, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(net, external_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
		net, externalID, lang, now.UTC())
	if err != nil {
		return fmt.Errorf("set language of %s/%s: %w", net, externalID, err)
	}
	return nil
}

// AccountLanguage returns the language SetAccountLanguage kept, "" when none.
func (t *Tx) AccountLanguage(ctx context.Context, net, externalID string) (string, error) {
	var lang string
	err := t.q.QueryRowContext(ctx, `SELECT language FROM account_languages WHERE net = ? AND external_id = ?`, net, externalID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("language of %s/%s: %w", net, externalID, err)
	}
	return lang, nil
}

// MarkUnreachable records that a chat account can no longer be written to (it blocked the bot).
func (t *Tx) MarkUnreachable(ctx context.Context, net, externalID string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE identities SET unreachable = 1 WHERE net = ? AND external_id = ?`, net, externalID)
	return err
}

// BindGroup makes a group chat receive an OPD's digests.
func (t *Tx) BindGroup(ctx context.Context, net, chatID, opd, by string, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO group_bindings(net, chat_id, opd_code, bound_by, bound_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(net, chat_id) DO UPDATE SET opd_code = excluded.opd_code, bound_by = excluded.bound_by, bound_at = excluded.bound_at,
			failed_at = NULL, failed_reason = ''`,
		net, chatID, opd, by, now.UTC())
	if err != nil {
		return fmt.Errorf("bind group %s/%s to %s: %w", net, chatID, opd, err)
	}
	return nil
}

// GroupOPD returns the OPD a group chat is bound to, or ErrNotFound.
func (t *Tx) GroupOPD(ctx context.Context, net, chatID string) (string, error) {
	var code string
	err := t.q.QueryRowContext(ctx, `SELECT opd_code FROM group_bindings WHERE net = ? AND chat_id = ?`, net, chatID).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return code, err
}

// RegistrationCode is a one-time code an admin issues for one employee.
type RegistrationCode struct {
	Code      string
	NIP       string
	CreatedBy string
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// AddRegistrationCode stores a new code; earlier unused codes of the same employee stop working.
func (t *Tx) AddRegistrationCode(ctx context.Context, c RegistrationCode, now time.Time) error {
	if _, err := t.q.ExecContext(ctx, `UPDATE registration_codes SET expires_at = ? WHERE nip = ? AND used_at IS NULL AND expires_at > ?`,
		now.UTC(), c.NIP, now.UTC()); err != nil {
		return fmt.Errorf("retire old codes of %s: %w", c.NIP, err)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO registration_codes(code, nip, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hashCode(c.Code, c.NIP), c.NIP, c.CreatedBy, now.UTC(), c.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("save registration code: %w", err)
	}
	return nil
}

// UseRegistrationCode consumes the code if it belongs to nip, is unused and has not expired. It
// reports whether the code was accepted.
func (t *Tx) UseRegistrationCode(ctx context.Context, code, nip string, now time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE registration_codes SET used_at = ?
		WHERE code = ? AND nip = ? AND used_at IS NULL AND expires_at > ?`, now.UTC(), hashCode(code, nip), nip, now.UTC())
	if err != nil {
		return false, fmt.Errorf("use registration code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// hashCode is what is stored of a registration code: a slow, salted hash, so that a copy of the
// database (a backup, an export gone astray) holds no working code. A code has only 30 bits, so a
// fast hash would be reversed in a second; Argon2id at ~16 MiB and two passes costs tens of
// milliseconds per guess, which makes trying every code within its 24 hours impractical, while
// /daftar (limited to 5 tries an hour per account) hardly notices. The salt is the NIP the code
// was issued for, so that equal codes of two people hash differently.
func hashCode(code, nip string) string {
	salt := sha256.Sum256([]byte("lapkin registration code\x00" + nip))
	key := argon2.IDKey([]byte(strings.ToUpper(strings.TrimSpace(code))), salt[:], 2, 16*1024, 1, 32)
	return "argon2id:" + hex.EncodeToString(key)
}

// AddRegistrationFailure records a failed registration attempt of a chat account.
func (t *Tx) AddRegistrationFailure(ctx context.Context, net, externalID string, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO registration_failures(net, external_id, at) VALUES (?, ?, ?)`, net, externalID, now.UTC())
	return err
}

// RegistrationFailures counts the failed attempts of a chat account since a time.
func (t *Tx) RegistrationFailures(ctx context.Context, net, externalID string, since time.Time) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM registration_failures WHERE net = ? AND external_id = ? AND at > ?`,
		net, externalID, since.UTC()).Scan(&n)
	return n, err
}

// ClearPhone removes an employee's phone number, so that a roster import can hand it to another.
func (t *Tx) ClearPhone(ctx context.Context, nip string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE employees SET phone = NULL WHERE nip = ?`, nip)
	return err
}

// EmployeeWithEmail returns the employee, active or not, who holds addr: a roster import asks
// before giving the address to someone else, since the unique index holds it for them.
func (t *Tx) EmployeeWithEmail(ctx context.Context, addr string) (Employee, error) {
	e, err := scanEmployee(t.q.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE email = ?`, strings.ToLower(addr)))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("find employee by e-mail: %w", err)
	}
	return e, nil
}

// ClearEmail removes an employee's address, so that a roster import can hand it to another.
func (t *Tx) ClearEmail(ctx context.Context, nip string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE employees SET email = '' WHERE nip = ?`, nip)
	return err
}

// Subordinates returns the active employees whose atasan_nip is nip, by name.
func (t *Tx) Subordinates(ctx context.Context, nip string) ([]Employee, error) {
	return t.employeesWhere(ctx, `supervisor_nip = ? ORDER BY name`, nip)
}

// RegisteredNIPs tells which of nips ever used Lapkin: an account is linked to them, or they have
// reported. The others never registered, and /evaluate marks them (flows).
func (t *Tx) RegisteredNIPs(ctx context.Context, nips []string) (map[string]bool, error) {
	b, err := json.Marshal(nips)
	if err != nil {
		return nil, err
	}
	rows, err := t.q.QueryContext(ctx, `SELECT j.value FROM json_each(?) j
		WHERE EXISTS (SELECT 1 FROM identities i WHERE i.employee_nip = j.value)
		   OR EXISTS (SELECT 1 FROM reports r WHERE r.nip = j.value)`, string(b))
	if err != nil {
		return nil, fmt.Errorf("registered employees: %w", err)
	}
	defer rows.Close()
	out := make(map[string]bool, len(nips))
	for rows.Next() {
		var nip string
		if err := rows.Scan(&nip); err != nil {
			return nil, fmt.Errorf("registered employees: %w", err)
		}
		out[nip] = true
	}
	return out, rows.Err()
}
