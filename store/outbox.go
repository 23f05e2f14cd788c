package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	// MsgID is the platform message id chosen before the first attempt (SetOutboxMsgID), '' until
	// then and for platforms that choose their own ids.
	MsgID string
	// Priority orders what is sent first (migration 0021): PriorityReply, PriorityNotice or
	// PriorityStranger.
	Priority int
}

// Priorities of outbox messages: lower goes first.
const (
	PriorityReply    = 0 // a reply to a registered person's own message
	PriorityNotice   = 1 // a notice: a reminder, a digest, what someone else caused
	PriorityStranger = 2 // a reply to someone not registered
)

// Enqueue adds a message to the outbox. Called inside the transaction of the effects that caused
// it, so a reply exists exactly when its effects do.
func (t *Tx) Enqueue(ctx context.Context, m OutMessage, now time.Time) (int64, error) {
	if m.NotBefore.IsZero() {
		m.NotBefore = now
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO outbox(chat_net, chat_id, payload, photo, not_before, created_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.Net, m.ChatID, m.Payload, m.Photo, m.NotBefore.UTC(), now.UTC(), m.Priority)
	if err != nil {
		return 0, fmt.Errorf("queue message to %s/%s: %w", m.Net, m.ChatID, err)
	}
	return res.LastInsertId()
}

// DueOutbox returns up to limit pending messages for the given networks that may be sent at now, in
// the order they were queued. The sender reads OutboxHeads; this is for looking at what waits.
func (t *Tx) DueOutbox(ctx context.Context, nets []string, now time.Time, limit int) ([]OutMessage, error) {
	if len(nets) == 0 {
		return nil, nil
	}
	args := []any{now.UTC()}
	for _, n := range nets {
		args = append(args, n)
	}
	args = append(args, limit)
	rows, err := t.q.QueryContext(ctx, `SELECT id, chat_net, chat_id, payload, photo, attempts, not_before, created_at, msg_id, priority FROM outbox
		WHERE status = 'pending' AND not_before <= ? AND chat_net IN (`+placeholders(len(nets))+`)
		ORDER BY id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return scanOutMessages(rows)
}

// OutboxHeads returns up to limit messages of network net that a sender may send at now: the head
// of each chat, when it is due, leaving out the chats in skip (those with a send in flight or not
// ready under a rate limit). A chat's head is its pending message of the lowest priority, the
// oldest among those: messages of one priority are delivered in order, and a reply to the
// person's own message overtakes the notices queued for them (a subordinate's 300 leave requests
// never hold their supervisor's own answer). The heads come by priority, then oldest first, so
// registered people are served before strangers (issue 26, item 3).
func (t *Tx) OutboxHeads(ctx context.Context, net string, now time.Time, skip []string, limit int) ([]OutMessage, error) {
	if skip == nil {
		skip = []string{}
	}
	skipJSON, err := json.Marshal(skip)
	if err != nil {
		return nil, err
	}
	// The subquery reads only the partial index outbox_heads; json_each takes any number of
	// chats to skip in one parameter.
	// The key packs priority and id in one integer (ids stay far below 2^40), so that one MIN per
	// chat finds the head.
	rows, err := t.q.QueryContext(ctx, `SELECT o.id, o.chat_net, o.chat_id, o.payload, o.photo, o.attempts, o.not_before, o.created_at, o.msg_id, o.priority
		FROM (SELECT MIN((priority << 40) | id) AS k FROM outbox WHERE chat_net = ? AND status = 'pending' GROUP BY chat_id) h
		JOIN outbox o ON o.id = (h.k & 1099511627775)
		WHERE o.not_before <= ? AND o.chat_id NOT IN (SELECT value FROM json_each(?))
		ORDER BY o.priority, o.id LIMIT ?`, net, now.UTC(), string(skipJSON), limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", net, err)
	}
	return scanOutMessages(rows)
}

// NextOutboxDue returns the earliest time after now at which a pending message of network net
// falls due (a retry's not_before), so a sender can wake for it; ok is false when none waits.
func (t *Tx) NextOutboxDue(ctx context.Context, net string, now time.Time) (at time.Time, ok bool, err error) {
	err = t.q.QueryRowContext(ctx, `SELECT not_before FROM outbox WHERE status = 'pending' AND not_before > ? AND chat_net = ?
		ORDER BY not_before LIMIT 1`, now.UTC(), net).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read next due message of %s: %w", net, err)
	}
	return at, true, nil
}

// SetOutboxMsgID records the platform message id chosen for a message before its first attempt.
// It never replaces an id already chosen, and returns the one the row holds.
func (t *Tx) SetOutboxMsgID(ctx context.Context, id int64, msgID string) (string, error) {
	if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET msg_id = ? WHERE id = ? AND msg_id = ''`, msgID, id); err != nil {
		return "", fmt.Errorf("set message id of %d: %w", id, err)
	}
	var got string
	if err := t.q.QueryRowContext(ctx, `SELECT msg_id FROM outbox WHERE id = ?`, id).Scan(&got); err != nil {
		return "", fmt.Errorf("read message id of %d: %w", id, err)
	}
	return got, nil
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

// Fail gives up on a message for good (the platform refused it, the recipient blocked the bot, it
// does not decode); it stays in the table with its reason for the operator to see.
func (t *Tx) Fail(ctx context.Context, id int64, reason string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("mark message %d failed: %w", id, err)
	}
	return nil
}

// Returned records that a message sent to chatID on net under the platform id msgID came back
// undelivered for good (an e-mail bounce): it is marked failed with reason, and the account
// unreachable, as when the transport refuses a recipient at once. Nothing changes, and false is
// returned, when no message was sent there under that id.
func (t *Tx) Returned(ctx context.Context, net, chatID, msgID, reason string) (bool, error) {
	if msgID == "" {
		return false, nil
	}
	res, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = ?
		WHERE chat_net = ? AND chat_id = ? AND msg_id = ? AND status = 'sent'`, "returned: "+reason, net, chatID, msgID)
	if err != nil {
		return false, fmt.Errorf("record message %s returned: %w", msgID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, t.MarkUnreachable(ctx, net, chatID)
}

// Park sets a message aside after its attempts ran out (an outage longer than the retries): it
// is not dropped, and `lapkin outbox retry` (RetryParked) puts it back in the queue. It reports
// whether this started a parking episode, that is whether no other message was parked: the
// admins are told once per episode, not once per message.
func (t *Tx) Park(ctx context.Context, id int64, reason string) (first bool, err error) {
	var others int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'parked' AND id <> ?`, id).Scan(&others); err != nil {
		return false, fmt.Errorf("count parked messages: %w", err)
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'parked', attempts = attempts + 1, last_error = ? WHERE id = ?`, reason, id); err != nil {
		return false, fmt.Errorf("park message %d: %w", id, err)
	}
	return others == 0, nil
}

// OutboxEntry is an outbox row as the operator sees it (`lapkin outbox`), without its attachment.
type OutboxEntry struct {
	ID        int64
	Net       string
	ChatID    string
	Status    string
	Attempts  int
	LastError string
	Payload   string
	CreatedAt time.Time
}

// OutboxByStatus lists up to limit messages with status (parked, failed, pending), oldest first.
func (t *Tx) OutboxByStatus(ctx context.Context, status string, limit int) ([]OutboxEntry, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, chat_net, chat_id, status, attempts, last_error, payload, created_at FROM outbox
		WHERE status = ? ORDER BY id LIMIT ?`, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list %s messages: %w", status, err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		if err := rows.Scan(&e.ID, &e.Net, &e.ChatID, &e.Status, &e.Attempts, &e.LastError, &e.Payload, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxEntryByID returns one outbox row; ErrNotFound when there is none.
func (t *Tx) OutboxEntryByID(ctx context.Context, id int64) (OutboxEntry, error) {
	var e OutboxEntry
	err := t.q.QueryRowContext(ctx, `SELECT id, chat_net, chat_id, status, attempts, last_error, payload, created_at FROM outbox WHERE id = ?`, id).
		Scan(&e.ID, &e.Net, &e.ChatID, &e.Status, &e.Attempts, &e.LastError, &e.Payload, &e.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("read outbox message %d: %w", id, err)
	}
	return e, nil
}

// RetryParked puts parked messages back in the queue with their attempts counted afresh: all of
// them when id is 0, else the one with that id. They are due at once (their not_before, the time
// of their last attempt, is past), in their chat's order. It returns how many went back.
func (t *Tx) RetryParked(ctx context.Context, id int64) (int, error) {
	q := `UPDATE outbox SET status = 'pending', attempts = 0 WHERE status = 'parked'`
	var args []any
	if id != 0 {
		q += ` AND id = ?`
		args = append(args, id)
	}
	res, err := t.q.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("requeue parked messages: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// OutboxCounts returns how many messages are pending, sent and failed; failed counts both those
// given up for good and the parked ones (OutboxStats tells them apart).
func (t *Tx) OutboxCounts(ctx context.Context) (pending, sent, failed int, err error) {
	err = t.q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'sent'), 0), COALESCE(SUM(status IN ('failed', 'parked')), 0) FROM outbox`).
		Scan(&pending, &sent, &failed)
	return
}

// DropOldAttachments clears the attachment bytes (photos, export files) of messages queued before
// before that are done with (sent or failed for good): the payload says what was sent, the bytes
// are the bulk of the table and a copy of evidence kept elsewhere. Pending and parked messages keep
// theirs, as they still have to go. It returns how many rows lost their bytes.
func (t *Tx) DropOldAttachments(ctx context.Context, before time.Time) (int, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE outbox SET photo = NULL WHERE photo IS NOT NULL AND status IN ('sent', 'failed') AND created_at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("drop old attachments: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PruneOutbox deletes up to limit messages queued before before that are done with (sent, or
// failed for good), oldest first, and returns how many it deleted: the daily upkeep calls it until
// it deletes fewer than limit, each call a short transaction of its own, so that a first run on a
// year of rows never holds the write lock for long. Pending and parked messages stay.
func (t *Tx) PruneOutbox(ctx context.Context, before time.Time, limit int) (int, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
		WHERE status IN ('sent', 'failed') AND created_at < ? ORDER BY id LIMIT ?)`, before.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("prune old outbox messages: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PruneInbound forgets the ids of inbound messages handled before before: past the platforms'
// redelivery window no update comes again, so there is nothing left to recognise. It returns how
// many ids were forgotten.
func (t *Tx) PruneInbound(ctx context.Context, before time.Time) (int, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM processed_inbound WHERE processed_at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("prune processed inbound ids: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// scanOutMessages reads rows of id, chat_net, chat_id, payload, photo, attempts, not_before,
// created_at, msg_id and closes them.
func scanOutMessages(rows *sql.Rows) ([]OutMessage, error) {
	defer rows.Close()
	var out []OutMessage
	for rows.Next() {
		var m OutMessage
		if err := rows.Scan(&m.ID, &m.Net, &m.ChatID, &m.Payload, &m.Photo, &m.Attempts, &m.NotBefore, &m.CreatedAt, &m.MsgID, &m.Priority); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountStrangerReplies returns how many replies to strangers were queued since since, counting no
// further than upTo: the [intake] cap per hour (issue 26, item 3).
func (t *Tx) CountStrangerReplies(ctx context.Context, since time.Time, upTo int) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE priority = 2 AND created_at >= ? LIMIT ?)`,
		since.UTC(), upTo).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count replies to strangers: %w", err)
	}
	return n, nil
}
