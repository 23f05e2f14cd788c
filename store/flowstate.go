package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FlowState is where one chat is in a multi-step conversation. Data is the flow's own JSON.
type FlowState struct {
	Flow      string
	Step      string
	Data      string
	UpdatedAt time.Time
}

// FlowState returns the chat's flow state, or ErrNotFound.
func (t *Tx) FlowState(ctx context.Context, net, chatID string) (FlowState, error) {
	var f FlowState
	err := t.q.QueryRowContext(ctx, `SELECT flow, step, data, updated_at FROM flow_state WHERE chat_net = ? AND chat_id = ?`,
		net, chatID).Scan(&f.Flow, &f.Step, &f.Data, &f.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("get flow state: %w", err)
	}
	return f, nil
}

// SaveFlowState stores the chat's flow state.
func (t *Tx) SaveFlowState(ctx context.Context, net, chatID string, f FlowState) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO flow_state(chat_net, chat_id, flow, step, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(chat_net, chat_id) DO UPDATE SET flow = excluded.flow, step = excluded.step, data = excluded.data, updated_at = excluded.updated_at`,
		net, chatID, f.Flow, f.Step, f.Data, f.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("save flow state: %w", err)
	}
	return nil
}

// ClearFlowState ends the chat's flow. It reports whether there was one.
func (t *Tx) ClearFlowState(ctx context.Context, net, chatID string) (bool, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM flow_state WHERE chat_net = ? AND chat_id = ?`, net, chatID)
	if err != nil {
		return false, fmt.Errorf("clear flow state: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
