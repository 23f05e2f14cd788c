package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
)

// Leave kinds.
const (
	LeaveCuti  = "cuti"
	LeaveSakit = "sakit"
	LeaveDL    = "dl"
)

// Leave statuses. Only approved leave excuses a day.
const (
	LeavePending  = "pending"  // recorded after it started: waits for the supervisor
	LeaveApproved = "approved" // counts: approved by DecidedBy, or recorded ahead (DecidedBy empty)
	LeaveRejected = "rejected" // rejected by DecidedBy: excuses nothing
)

// Leave is a period an employee is away: leave, sick leave or official travel.
type Leave struct {
	ID        int64
	NIP       string
	Kind      string
	StartDate string // YYYY-MM-DD
	EndDate   string // YYYY-MM-DD, inclusive
	Reason    string
	Status    string // LeavePending, LeaveApproved or LeaveRejected; empty means approved
	DecidedBy string // NIP of who approved or rejected it; empty when nobody has yet
	Note      string // the reason given with the decision
}

const leaveColumns = `id, nip, kind, start_date, end_date, reason, status, COALESCE(decided_by, ''), decision_note`

func scanLeave(s interface{ Scan(...any) error }) (Leave, error) {
	var l Leave
	err := s.Scan(&l.ID, &l.NIP, &l.Kind, &l.StartDate, &l.EndDate, &l.Reason, &l.Status, &l.DecidedBy, &l.Note)
	return l, err
}

// AddLeave stores a leave period.
func (t *Tx) AddLeave(ctx context.Context, l Leave, now time.Time) (int64, error) {
	if l.Status == "" {
		l.Status = LeaveApproved
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO leave(nip, kind, start_date, end_date, reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.NIP, l.Kind, l.StartDate, l.EndDate, l.Reason, l.Status, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("save leave of %s: %w", l.NIP, err)
	}
	return res.LastInsertId()
}

// LeaveBetween returns the employee's leave that overlaps from..to and excuses days: approved,
// not cancelled. It is the one query every count of excused days goes through (compliance,
// reminders, the digest, /tim, evaluations), so leave waiting for approval or rejected never
// excuses a day anywhere.
func (t *Tx) LeaveBetween(ctx context.Context, nip, from, to string) ([]Leave, error) {
	if t.pre.has(nip, from, to) {
		var out []Leave
		for _, l := range t.pre.leave[nip] {
			if l.StartDate <= to && l.EndDate >= from {
				out = append(out, l)
			}
		}
		return out, nil
	}
	return t.leaveWhere(ctx, nip, from, to, `status = 'approved'`)
}

// LeaveRecords returns the employee's leave records that overlap from..to and still stand:
// approved or waiting for approval, not cancelled, not rejected. It is what a new record may not
// overlap and what the employee's own list shows.
func (t *Tx) LeaveRecords(ctx context.Context, nip, from, to string) ([]Leave, error) {
	return t.leaveWhere(ctx, nip, from, to, `status IN ('approved', 'pending')`)
}

func (t *Tx) leaveWhere(ctx context.Context, nip, from, to, cond string) ([]Leave, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+leaveColumns+` FROM leave
		WHERE cancelled_at IS NULL AND `+cond+` AND nip = ? AND start_date <= ? AND end_date >= ? ORDER BY start_date`, nip, to, from)
	if err != nil {
		return nil, fmt.Errorf("leave of %s: %w", nip, err)
	}
	defer rows.Close()
	var out []Leave
	for rows.Next() {
		l, err := scanLeave(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// DecideLeave approves or rejects a leave record (status LeaveApproved or LeaveRejected) on
// behalf of by, with an optional note.
func (t *Tx) DecideLeave(ctx context.Context, id int64, status, by, note string, now time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE leave SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
		WHERE id = ? AND cancelled_at IS NULL`, status, by, now.UTC(), note, id)
	if err != nil {
		return fmt.Errorf("decide leave %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Holiday is a day off for every OPD: calendar.Holiday, Lapkin's one holiday type. Those read
// from the database have Source calendar.SourceStored.
type Holiday = calendar.Holiday

// AddHoliday stores a holiday, replacing the name of one already on that date.
func (t *Tx) AddHoliday(ctx context.Context, h Holiday, by string, now time.Time) error {
	if h.Date.IsZero() {
		return fmt.Errorf("save holiday %q: no date", h.Name)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO holidays(date, name, created_by, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(date) DO UPDATE SET name = excluded.name`, h.Date, h.Name, by, now.UTC())
	if err != nil {
		return fmt.Errorf("save holiday %s: %w", h.Date, err)
	}
	return nil
}

// HolidaysBetween returns the stored holidays from..to.
func (t *Tx) HolidaysBetween(ctx context.Context, from, to string) ([]Holiday, error) {
	if p := t.pre; p != nil {
		// Asked once per person with the same days: remembered, not read again.
		if hs, ok := p.holidays[from+".."+to]; ok {
			return hs, nil
		}
		hs, err := (&Tx{q: t.q}).HolidaysBetween(ctx, from, to)
		if err == nil {
			p.holidays[from+".."+to] = hs
		}
		return hs, err
	}
	rows, err := t.q.QueryContext(ctx, `SELECT date, name FROM holidays WHERE date BETWEEN ? AND ? ORDER BY date`, from, to)
	if err != nil {
		return nil, fmt.Errorf("list holidays: %w", err)
	}
	defer rows.Close()
	var out []Holiday
	for rows.Next() {
		h := Holiday{Source: calendar.SourceStored}
		if err := rows.Scan(&h.Date, &h.Name); err != nil {
			return nil, fmt.Errorf("list holidays: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Leave returns the leave period with id, whatever its status, unless it was cancelled.
func (t *Tx) Leave(ctx context.Context, id int64) (Leave, error) {
	l, err := scanLeave(t.q.QueryRowContext(ctx, `SELECT `+leaveColumns+` FROM leave WHERE id = ? AND cancelled_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("get leave %d: %w", id, err)
	}
	return l, nil
}

// DeleteLeave cancels a leave period. The row stays, marked cancelled: its id is never given to
// another leave (so a repeated "/cuti batal 5" cannot cancel a newer one), and what was recorded
// is kept.
func (t *Tx) DeleteLeave(ctx context.Context, id int64, now time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE leave SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL`, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("delete leave %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteHoliday removes the stored holiday on date (YYYY-MM-DD). It returns ErrNotFound when none is
// stored; holidays of the config file are not in the database and cannot be deleted here.
func (t *Tx) DeleteHoliday(ctx context.Context, date string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM holidays WHERE date = ?`, date)
	if err != nil {
		return fmt.Errorf("delete holiday %s: %w", date, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
