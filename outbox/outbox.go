// Package outbox keeps the replies Lapkin owes in the store and delivers them: Enqueue queues a
// reply in the transaction of the effects that caused it, and a Sender sends the queue through the
// transports, each network in its own lane at its own pace. Adapters never import it: they only
// implement chat.Transport.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// Enqueue puts a reply in the outbox inside tx, the transaction of the effects that caused it: the
// reply exists exactly when its effects do, and survives a restart until it is delivered.
//
// A reply longer than its network takes in one message is queued as several, in order (Split): it
// is cut here, not when sending, so that each part is a row of its own with its own id and its own
// retries, and a restart between two parts neither loses nor repeats one. c is what the reply's
// network carries (chat.Networks.Capabilities of r.To.Net).
func Enqueue(ctx context.Context, tx *store.Tx, r chat.Reply, now time.Time, c chat.Capabilities) error {
	for _, part := range chat.Split(r, c) {
		if err := enqueue(ctx, tx, part, now); err != nil {
			return err
		}
	}
	return nil
}

func enqueue(ctx context.Context, tx *store.Tx, r chat.Reply, now time.Time) error {
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
	case chat.PriorityReply:
		rank = store.PriorityReply
	case chat.PriorityStranger:
		rank = store.PriorityStranger
	}
	_, err = tx.Enqueue(ctx, store.OutMessage{Net: r.To.Net, ChatID: r.To.ID, Payload: string(payload), Photo: blob, Priority: rank}, now)
	return err
}

// DecodeReply turns an outbox row back into a reply.
func DecodeReply(m store.OutMessage) (chat.Reply, error) {
	var r chat.Reply
	if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
		return r, fmt.Errorf("decode outbox message %d: %w", m.ID, err)
	}
	r.To = chat.ChatRef{Net: m.Net, ID: m.ChatID}
	switch m.Priority {
	case store.PriorityReply:
		r.Priority = chat.PriorityReply
	case store.PriorityStranger:
		r.Priority = chat.PriorityStranger
	}
	if r.DocumentName != "" {
		r.Document = m.Photo
	} else {
		r.Photo = m.Photo
	}
	return r, nil
}
