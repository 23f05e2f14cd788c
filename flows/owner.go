package flows

import (
	"context"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// foreignSender reports whether m claims to be written in a private chat by someone other than
// that chat's owner. On every network a private chat is its owner's (Telegram: chat id = user
// id; WhatsApp: the sender's own number), so such a message is forged, or a platform's mistake:
// handled, it would act for one person (report, register, approve) on another's behalf, or
// answer one person's question into another's chat (issue 26, item 6).
func foreignSender(m chat.Message) bool {
	return !m.Group && m.Chat.ID != "" && m.Sender.ID != "" && m.Chat != m.Sender
}

// refuseForeign refuses such a message: it is marked handled (a redelivery is recognised) and
// kept as a dead letter for the operator, and nobody is answered: the chat's owner did not write
// it, and its sender has no chat of theirs here.
func (e *Engine) refuseForeign(ctx context.Context, m chat.Message) error {
	e.log.Warn("message refused: its sender is not the private chat's owner", "chat", m.Chat.String(), "sender", m.Sender.String(), "msg", m.ID)
	now := e.clock.Now().In(e.opt.Location)
	return e.store.Update(ctx, func(tx *store.Tx) error {
		fresh, err := tx.MarkInboundFrom(ctx, m.Sender.Net, m.ID, m.Sender.ID, now)
		if err != nil || !fresh {
			return err
		}
		r := &request{ctx: ctx, e: e, tx: tx, msg: m, now: now, today: civil(now)}
		return r.keepDeadLetter(&chat.Failure{Kind: chat.FailForeign, Reason: "sender " + m.Sender.String() + " is not the owner of the private chat " + m.Chat.String()})
	})
}
