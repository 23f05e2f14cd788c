package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// Enqueue puts a reply in the outbox inside tx, the transaction of the effects that caused it: the
// reply exists exactly when its effects do, and survives a restart until it is delivered.
//
// A reply longer than its network takes in one message is queued as several, in order (Split): it
// is cut here, not when sending, so that each part is a row of its own with its own id and its own
// retries, and a restart between two parts neither loses nor repeats one.
func Enqueue(ctx context.Context, tx *store.Tx, r Reply, now time.Time) error {
	for _, part := range Split(r) {
		if err := enqueue(ctx, tx, part, now); err != nil {
			return err
		}
	}
	return nil
}

func enqueue(ctx context.Context, tx *store.Tx, r Reply, now time.Time) error {
	payload, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	// The attachment's bytes go in the row's blob; the payload's photo_name or document_name says which.
	blob := r.Photo
	if r.Document != nil {
		blob = r.Document
	}
	rank := store.PriorityNotice
	switch r.Priority {
	case PriorityReply:
		rank = store.PriorityReply
	case PriorityStranger:
		rank = store.PriorityStranger
	}
	_, err = tx.Enqueue(ctx, store.OutMessage{Net: r.To.Net, ChatID: r.To.ID, Payload: string(payload), Photo: blob, Priority: rank}, now)
	return err
}

// DecodeReply turns an outbox row back into a reply.
func DecodeReply(m store.OutMessage) (Reply, error) {
	var r Reply
	if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
		return r, fmt.Errorf("decode outbox message %d: %w", m.ID, err)
	}
	r.To = ChatRef{Net: m.Net, ID: m.ChatID}
	switch m.Priority {
	case store.PriorityReply:
		r.Priority = PriorityReply
	case store.PriorityStranger:
		r.Priority = PriorityStranger
	}
	if r.DocumentName != "" {
		r.Document = m.Photo
	} else {
		r.Photo = m.Photo
	}
	return r, nil
}

// Backoff is the wait before retry number attempt+1: 2 s doubling to at most 10 minutes.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 0; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	if d > 10*time.Minute {
		d = 10 * time.Minute
	}
	return d
}
