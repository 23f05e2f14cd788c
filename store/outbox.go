package store

import (
	"context"
	"fmt"
	"time"
)

// OutMessage is one message waiting in the outbox. Payload is the sender's own JSON (text, buttons);
// Photo holds an image's bytes when the message is a photo.
type OutMessage struct {
	ID        int64
	Net       string
	ChatID    string
	Payload   string
	Photo     []byte
	Attempts  int
	NotBefore time.Time
	CreatedAt time.Time
}

// Enqueue adds a message to the outbox. Called inside the transaction of the effects that caused
// it, so a reply exists exactly when its effects do.
func (t *Tx) Enqueue(ctx context.Context, m OutMessage, now time.Time) (int64, error) {
	if m.NotBefore.IsZero() {
		m.NotBefore = now
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO outbox(chat_net, chat_id, payload, photo, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.Net, m.ChatID, m.Payload, m.Photo, m.NotBefore.UTC(), now.UTC())
	if err != nil {
		return 0, fmt.Errorf("queue message to %s/%s: %w", m.Net, m.ChatID, err)
	}
	return res.LastInsertId()
}

// DueOutbox returns up to limit pending messages for the given networks that may be sent at now, in
// the order they were queued.
func (t *Tx) DueOutbox(ctx context.Context, nets []string, now time.Time, limit int) ([]OutMessage, error) {
	if len(nets) == 0 {
		return nil, nil
	}
	args := []any{now.UTC()}
	for _, n := range nets {
		args = append(args, n)
	}
	args = append(args, limit)
	rows, err := t.q.QueryContext(ctx, `SELECT id, chat_net, chat_id, payload, photo, attempts, not_before, created_at FROM outbox
		WHERE status = 'pending' AND not_before <= ? AND chat_net IN (`+placeholders(len(nets))+`)
		ORDER BY id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []OutMessage
	for rows.Next() {
		var m OutMessage
		if err := rows.Scan(&m.ID, &m.Net, &m.ChatID, &m.Payload, &m.Photo, &m.Attempts, &m.NotBefore, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkSent records a delivered message.
func (t *Tx) MarkSent(ctx context.Context, id int64, now time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?`, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

// Retry puts a message back for another attempt at notBefore.
func (t *Tx) Retry(ctx context.Context, id int64, notBefore time.Time, reason string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?`,
		notBefore.UTC(), reason, id)
	if err != nil {
		return fmt.Errorf("reschedule message %d: %w", id, err)
	}
	return nil
}

// Fail gives up on a message; it stays in the table with its reason for the operator to see.
func (t *Tx) Fail(ctx context.Context, id int64, reason string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("mark message %d failed: %w", id, err)
	}
	return nil
}

// OutboxCounts returns how many messages are pending, sent and failed.
func (t *Tx) OutboxCounts(ctx context.Context) (pending, sent, failed int, err error) {
	err = t.q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'sent'), 0), COALESCE(SUM(status = 'failed'), 0) FROM outbox`).
		Scan(&pending, &sent, &failed)
	return
}
