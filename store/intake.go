package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoadCursor returns a receiver's saved position (Telegram's update offset), "" when none is
// saved. Store implements bot.Cursor with it, over the kv table.
func (s *Store) LoadCursor(ctx context.Context, key string) (string, error) {
	var v string
	err := s.View(ctx, func(tx *Tx) (err error) {
		v, err = tx.GetKV(ctx, key)
		return err
	})
	return v, err
}

// SaveCursor stores a receiver's position. A receiver calls it once the updates before that
// position are committed, often while stopping: give it a context that is not cancelled.
func (s *Store) SaveCursor(ctx context.Context, key, value string) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.SetKV(ctx, key, value) })
}

// MarkInboundFrom is MarkInbound that also records who sent the message, so that CountInbound can
// count a sender's messages in a window.
func (t *Tx) MarkInboundFrom(ctx context.Context, net, id, sender string, at time.Time) (bool, error) {
	if id == "" {
		return true, nil
	}
	res, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO processed_inbound(net, msg_id, sender, processed_at) VALUES (?, ?, ?, ?)`,
		net, id, sender, at.UTC())
	if err != nil {
		return false, fmt.Errorf("mark inbound %s/%s: %w", net, id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CountInbound returns how many messages sender sent on net since since (inclusive), counting no
// further than upTo: the cost stays bounded by the limit however much a sender floods. noticed
// tells whether the sender's burst has its notice on record (ClaimFloodNotice), so that clearing
// it costs a statement only when there is one.
func (t *Tx) CountInbound(ctx context.Context, net, sender string, since time.Time, upTo int) (n int, noticed bool, err error) {
	err = t.q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM processed_inbound
		WHERE net = ? AND sender = ? AND processed_at >= ? LIMIT ?)),
		EXISTS (SELECT 1 FROM flood_notices WHERE net = ? AND sender = ?)`,
		net, sender, since.UTC(), upTo, net, sender).Scan(&n, &noticed)
	if err != nil {
		return 0, false, fmt.Errorf("count inbound of %s/%s: %w", net, sender, err)
	}
	return n, noticed, nil
}

// ClaimFloodNotice records that sender is told their replies are paused, and returns true when
// this is the first notice of the burst (none is recorded yet).
func (t *Tx) ClaimFloodNotice(ctx context.Context, net, sender string, now time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO flood_notices(net, sender, noticed_at) VALUES (?, ?, ?)`, net, sender, now.UTC())
	if err != nil {
		return false, fmt.Errorf("record flood notice of %s/%s: %w", net, sender, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ClearFloodNotice ends sender's burst: the next one gets a notice again.
func (t *Tx) ClearFloodNotice(ctx context.Context, net, sender string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM flood_notices WHERE net = ? AND sender = ?`, net, sender); err != nil {
		return fmt.Errorf("clear flood notice of %s/%s: %w", net, sender, err)
	}
	return nil
}

// SeeIdentity finds the chat account a message came from and records, in the same statement, that
// it was just seen (notices to its employee go to the account they used last): it returns the
// account with LastSeen at, or ErrNotFound, marking nothing, when the account is not linked to an
// active employee. It is the start of every message: one statement instead of a look-up and an
// update.
func (t *Tx) SeeIdentity(ctx context.Context, net, externalID string, at time.Time) (Identity, error) {
	id, err := scanIdentity(t.q.QueryRowContext(ctx, `UPDATE identities AS i SET last_seen_at = ?
		WHERE net = ? AND external_id = ? AND EXISTS (SELECT 1 FROM employees e WHERE e.nip = i.employee_nip AND e.active = 1)
		RETURNING `+identityCols, at.UTC(), net, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return id, ErrNotFound
	}
	if err != nil {
		return id, fmt.Errorf("see identity %s/%s: %w", net, externalID, err)
	}
	return id, nil
}

// DeadLetter is an inbound update that could not be handled, kept for the operator.
type DeadLetter struct {
	ID        int64
	Net       string
	MsgID     string
	ChatID    string
	SenderID  string
	Kind      string // what failed: "file", "decode", "handler"
	Reason    string
	Raw       string // the update as received (JSON)
	CreatedAt time.Time
	RetriedAt *time.Time
}

// AddDeadLetter keeps a failed update.
func (t *Tx) AddDeadLetter(ctx context.Context, d DeadLetter) (int64, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO dead_letters(net, msg_id, chat_id, sender_id, kind, reason, raw, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Net, d.MsgID, d.ChatID, d.SenderID, d.Kind, d.Reason, d.Raw, d.CreatedAt.UTC())
	if err != nil {
		return 0, fmt.Errorf("keep dead letter %s/%s: %w", d.Net, d.MsgID, err)
	}
	return res.LastInsertId()
}

// DeadLetters returns the kept failed updates, newest first, at most limit of them.
func (t *Tx) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, net, msg_id, chat_id, sender_id, kind, reason, raw, created_at, retried_at
		FROM dead_letters ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	var out []DeadLetter
	for rows.Next() {
		var d DeadLetter
		var retried sql.NullTime
		if err := rows.Scan(&d.ID, &d.Net, &d.MsgID, &d.ChatID, &d.SenderID, &d.Kind, &d.Reason, &d.Raw, &d.CreatedAt, &retried); err != nil {
			return nil, err
		}
		if retried.Valid {
			d.RetriedAt = &retried.Time
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeadLetterCount returns how many failed updates are kept.
func (t *Tx) DeadLetterCount(ctx context.Context) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dead_letters`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count dead letters: %w", err)
	}
	return n, nil
}

// DeadLetterByID returns one kept failed update, or ErrNotFound.
func (t *Tx) DeadLetterByID(ctx context.Context, id int64) (DeadLetter, error) {
	var d DeadLetter
	var retried sql.NullTime
	err := t.q.QueryRowContext(ctx, `SELECT id, net, msg_id, chat_id, sender_id, kind, reason, raw, created_at, retried_at
		FROM dead_letters WHERE id = ?`, id).Scan(&d.ID, &d.Net, &d.MsgID, &d.ChatID, &d.SenderID, &d.Kind, &d.Reason, &d.Raw, &d.CreatedAt, &retried)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("get dead letter %d: %w", id, err)
	}
	if retried.Valid {
		d.RetriedAt = &retried.Time
	}
	return d, nil
}

// MarkDeadLetterRetried records that a kept update was handled again (`lapkin inbox --retry`).
func (t *Tx) MarkDeadLetterRetried(ctx context.Context, id int64, at time.Time) error {
	if _, err := t.q.ExecContext(ctx, `UPDATE dead_letters SET retried_at = ? WHERE id = ?`, at.UTC(), id); err != nil {
		return fmt.Errorf("mark dead letter %d retried: %w", id, err)
	}
	return nil
}
