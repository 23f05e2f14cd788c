package flows

import (
	"encoding/json"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// returned records the network's news that a message sent earlier came back undelivered (an
// e-mail bounce): the account is unreachable from now on, so notices go to the person's other
// accounts, as when a transport refuses a recipient at once. A notice that names no message the
// outbox sent there is only logged. Nobody is answered.
func (r *request) returned(ret *chat.Returned) error {
	ok, err := r.tx.Returned(r.ctx, ret.To.Net, ret.To.ID, ret.MsgID, ret.Reason)
	if err != nil {
		return err
	}
	if !ok {
		r.e.log.Warn("a returned message names nothing sent", "to", ret.To.String(), "msg_id", ret.MsgID)
		return nil
	}
	r.e.log.Warn("message returned undelivered; the account is unreachable", "to", ret.To.String(), "reason", ret.Reason)
	return nil
}

// deadLetter keeps a message its receiver gave up on and tells the sender, in a private chat the
// receiver could name, that it was not recorded and what to do.
func (r *request) deadLetter(f *chat.Failure) error {
	if err := r.keepDeadLetter(f); err != nil {
		return err
	}
	if r.msg.Chat.ID == "" || r.msg.Group {
		return nil
	}
	switch f.Kind {
	case chat.FailFile:
		r.say("intake.file_unavailable", nil)
	case chat.FailDecode:
		r.say("intake.unreadable", nil)
	default:
		r.say("common.internal_error", nil)
	}
	return nil
}

// keepDeadLetter stores the message with the reason, for `lapkin inbox --failed`. The raw content
// is the platform's update (from the receiver, or the message's own Raw), so that `lapkin inbox
// --retry` can hand it back to its transport; else the message as Lapkin read it.
func (r *request) keepDeadLetter(f *chat.Failure) error {
	raw := f.Raw
	if len(raw) == 0 && r.msg.Raw != nil {
		raw, _ = json.Marshal(r.msg.Raw)
	}
	if len(raw) == 0 {
		raw = messageRecord(r.msg)
	}
	r.e.log.Warn("message kept as a dead letter", "net", r.msg.Sender.Net, "msg", r.msg.ID, "kind", f.Kind, "reason", f.Reason)
	_, err := r.tx.AddDeadLetter(r.ctx, store.DeadLetter{Net: r.msg.Sender.Net, MsgID: r.msg.ID, ChatID: r.msg.Chat.ID,
		SenderID: r.msg.Sender.ID, Kind: f.Kind, Reason: f.Reason, Raw: string(raw), CreatedAt: r.now})
	return err
}

// messageRecord is a message as JSON, without a photo's bytes (the evidence store has those when
// it was saved), for a message whose platform object does not encode.
func messageRecord(m chat.Message) []byte {
	type photo struct {
		Name string `json:"name"`
		Size int64  `json:"size"`
	}
	rec := struct {
		ID       string    `json:"id"`
		Chat     string    `json:"chat"`
		Sender   string    `json:"sender"`
		Text     string    `json:"text,omitempty"`
		Callback string    `json:"callback,omitempty"`
		Photo    *photo    `json:"photo,omitempty"`
		Contact  bool      `json:"contact,omitempty"`
		Time     time.Time `json:"time"`
		Raw      any       `json:"raw,omitempty"`
	}{ID: m.ID, Chat: m.Chat.String(), Sender: m.Sender.String(), Text: m.Text, Callback: m.Callback,
		Contact: m.Contact != nil, Time: m.Time, Raw: m.Raw}
	if m.Photo != nil {
		rec.Photo = &photo{Name: m.Photo.Name, Size: m.Photo.Size}
	}
	b, _ := json.Marshal(rec) // plain strings and a time: cannot fail
	return b
}

// limitFlood applies the per-sender intake limit to the replies gathered for this message. Every
// message is handled and stored whatever the rate: only what it would send is held back once the
// sender has sent more than FloodMax messages within FloodWindow, so that one person (or one
// stranger) cannot fill the outbox, and with it everyone's wait. That includes the notices the
// message causes for others (a leave request to the supervisor, a decision to the employee): they
// count against the one who caused them, so a subordinate toggling leave 300 times floods no one
// (issue 26, item 3). The first message over the limit gets one short notice instead; the rest
// get nothing until the burst ends, which is when the sender's count in the window has fallen to
// half the limit (a sender hovering at the limit would otherwise be told again and again). A
// stranger over the limit gets no notice at all.
//
// The count is kept in the database (processed_inbound, in this message's own transaction) rather
// than in memory: it is exact however the router interleaves chats, and a restart in the middle of
// a flood does not open the gates again.
func (r *request) limitFlood() error {
	limit, window := r.e.opt.FloodMax, r.e.opt.FloodWindow
	if limit <= 0 || window <= 0 || r.msg.Sender.ID == "" || r.msg.ID == "" {
		return nil
	}
	net, sender := r.msg.Sender.Net, r.msg.Sender.ID
	n, noticed, err := r.tx.CountInbound(r.ctx, net, sender, r.now.Add(-window), limit+1)
	if err != nil {
		return err
	}
	if n <= limit {
		if noticed && 2*n <= limit+1 {
			return r.tx.ClearFloodNotice(r.ctx, net, sender)
		}
		return nil
	}
	if len(r.out) > 0 {
		r.e.log.Debug("replies held back: sender over the intake limit", "sender", r.msg.Sender.String(), "held", len(r.out))
	}
	dropped := len(r.out) > 0
	r.out = r.out[:0]
	if !dropped || r.who == nil {
		return nil
	}
	first, err := r.tx.ClaimFloodNotice(r.ctx, net, sender, r.now)
	if err != nil {
		return err
	}
	if first {
		r.e.log.Warn("sender over the intake limit: replies paused", "sender", r.msg.Sender.String(), "messages", n, "window", window)
		r.say("intake.flood_notice", nil)
	}
	return nil
}
