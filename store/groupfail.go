package store

import (
	"context"
	"fmt"
	"time"
)

// GroupFailure is a bound group whose sends fail for good (the bot was removed, the group
// deleted, or the platform refuses what is sent there).
type GroupFailure struct {
	Net, ChatID, OPDCode string
	Since                time.Time
	Reason               string
}

// MarkGroupFailed records that a send to the group chat failed for good. bound is false when the
// chat is bound to no OPD; first is true when this starts an episode (the group was not marked
// already), which is when its OPD's heads are told. A later delivery to the chat, or binding it
// again, ends the episode (migration 0020).
func (t *Tx) MarkGroupFailed(ctx context.Context, net, chatID, reason string, now time.Time) (opd string, bound, first bool, err error) {
	res, err := t.q.ExecContext(ctx, `UPDATE group_bindings SET failed_at = ?, failed_reason = ?
		WHERE net = ? AND chat_id = ? AND failed_at IS NULL`, now.UTC(), reason, net, chatID)
	if err != nil {
		return "", false, false, fmt.Errorf("mark group %s/%s failed: %w", net, chatID, err)
	}
	n, _ := res.RowsAffected()
	opd, err = t.GroupOPD(ctx, net, chatID)
	if err == ErrNotFound {
		return "", false, false, nil
	}
	if err != nil {
		return "", false, false, err
	}
	return opd, true, n == 1, nil
}

// FailedGroups lists the bound groups whose sends fail for good, oldest first.
func (t *Tx) FailedGroups(ctx context.Context) ([]GroupFailure, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT net, chat_id, opd_code, failed_at, failed_reason FROM group_bindings
		WHERE failed_at IS NOT NULL ORDER BY failed_at, net, chat_id`)
	if err != nil {
		return nil, fmt.Errorf("failed groups: %w", err)
	}
	defer rows.Close()
	var out []GroupFailure
	for rows.Next() {
		var g GroupFailure
		if err := rows.Scan(&g.Net, &g.ChatID, &g.OPDCode, &g.Since, &g.Reason); err != nil {
			return nil, fmt.Errorf("failed groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// MoveChat readdresses a chat that the platform moved (a Telegram group upgraded to a supergroup
// gets a new id): its group binding and the messages still waiting for it follow it. It reports
// whether anything was bound or waiting there.
func (t *Tx) MoveChat(ctx context.Context, net, from, to string) (bool, error) {
	moved := false
	// A binding already made at the new id (the head ran /hubungkan in the supergroup) wins.
	res, err := t.q.ExecContext(ctx, `UPDATE OR IGNORE group_bindings SET chat_id = ?, failed_at = NULL, failed_reason = ''
		WHERE net = ? AND chat_id = ?`, to, net, from)
	if err != nil {
		return false, fmt.Errorf("move group %s/%s: %w", net, from, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		moved = true
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM group_bindings WHERE net = ? AND chat_id = ?`, net, from); err != nil {
		return false, fmt.Errorf("move group %s/%s: %w", net, from, err)
	}
	res, err = t.q.ExecContext(ctx, `UPDATE outbox SET chat_id = ? WHERE chat_net = ? AND chat_id = ? AND status IN ('pending', 'parked')`, to, net, from)
	if err != nil {
		return false, fmt.Errorf("move messages of %s/%s: %w", net, from, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		moved = true
	}
	return moved, nil
}
