package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/lapkin-id/lapkin/chat"
)

// stoppedWait is how long the outbox is asked to wait while the number must not send and the end
// is not known (logged out, outdated, replaced: the operator has to act).
const stoppedWait = 10 * time.Minute

// sendTimeout bounds one send in the outbox lane: longer than whatsmeow's own wait for the
// server's answer (75 s), so that whatsmeow reports its timeout (ErrMessageTimedOut, which counts
// towards the pace) rather than the lane cutting a send that may have reached WhatsApp.
const sendTimeout = 90 * time.Second

// Limits declares the number's sending habits to the outbox lane: one send at a time (whatsmeow
// serialises them anyway). The interval, its jitter and the daily cap are in Pacing, which the
// lane consults through HoldUntil.
func (w *WhatsApp) Limits() chat.Limits {
	return chat.Limits{Concurrency: 1, SendTimeout: sendTimeout}
}

// ChatLimits declares no per-chat window: the daily cap is a calendar day in the city's timezone,
// which HoldUntil answers.
func (w *WhatsApp) ChatLimits(chat.ChatRef) []chat.Window { return nil }

// HoldUntil tells the outbox lane when a message to `to` may go (for the whole number when to.ID
// is empty): after the pause since the last send, or — when the chat has had its daily cap — at
// the start of the next day. The zero time is at once.
func (w *WhatsApp) HoldUntil(to chat.ChatRef) time.Time {
	now := w.clock.Now()
	if at := w.pacing.ReadyAt(to, now); at.After(now) {
		return at
	}
	return time.Time{}
}

// Send delivers one reply: a text, a photo with a caption (uploaded first), or a document. It
// sends with r.ID as the message id when the outbox chose one, so that every attempt of one
// outbox row is the same message to WhatsApp. It refuses to send while the number is logged out,
// banned, outdated or replaced, and when the chat has had its daily cap (RetryLater with the
// wait).
func (w *WhatsApp) Send(ctx context.Context, r chat.Reply) error {
	h := w.Health()
	if !h.CanSend {
		return &chat.Error{Code: chat.RetryLater, Wait: w.stoppedFor(), Cause: fmt.Errorf("whatsapp: not sending while %s: %s", h.State, h.Detail)}
	}
	jid, err := parseChat(r.To.ID)
	if err != nil {
		return &chat.Error{Code: chat.Rejected, Cause: fmt.Errorf("whatsapp: %w", err)}
	}
	now := w.clock.Now()
	if wait := w.pacing.ReadyAt(r.To, now).Sub(now); wait > w.pacing.MaxGap() {
		return &chat.Error{Code: chat.RetryLater, Wait: wait, Cause: fmt.Errorf("whatsapp: daily cap of %d messages to %s reached", w.cfg.DailyCap, r.To.ID)}
	} else if err := w.sleep(ctx, wait); err != nil {
		return &chat.Error{Code: chat.RetryLater, Cause: err}
	}
	w.mu.Lock()
	cli := w.cli
	w.mu.Unlock()
	if cli == nil {
		return &chat.Error{Code: chat.RetryLater, Wait: stoppedWait, Cause: errors.New("whatsapp: not linked")}
	}
	msg, err := w.build(ctx, cli, r)
	if err != nil {
		return err
	}
	id := r.ID
	if id == "" {
		id = cli.GenerateMessageID()
	}
	if w.sess != nil {
		if err := w.sess.putSent(ctx, id, r.To.ID, msg, now); err != nil {
			return &chat.Error{Code: chat.RetryLater, Cause: err}
		}
	}
	_, err = cli.SendMessage(ctx, jid, msg, whatsmeow.SendRequestExtra{ID: types.MessageID(id)})
	if err == nil || errors.Is(err, whatsmeow.ErrServerReturnedError) || errors.Is(err, whatsmeow.ErrMessageTimedOut) {
		// It reached WhatsApp (or may have): it counts towards the pause and the day's cap. A send
		// that never left (not connected) does not.
		w.pacing.Sent(r.To, w.clock.Now())
	}
	return classify(err)
}

// stoppedFor is how long to wait before trying again in a stopped state: until a ban's end when
// it is known, else stoppedWait.
func (w *WhatsApp) stoppedFor() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.health.State == StateBanned && !w.banEnd.IsZero() {
		if d := w.banEnd.Sub(w.clock.Now()); d > 0 {
			return d
		}
	}
	return stoppedWait
}

// build makes the WhatsApp message of a reply, uploading its media.
func (w *WhatsApp) build(ctx context.Context, cli waClient, r chat.Reply) (*waE2E.Message, error) {
	text := r.Text
	if !strings.HasSuffix(r.To.ID, "@"+types.GroupServer) {
		// In a group only slash commands are read (convert), so a command named there keeps it.
		text = Format(text)
	}
	switch {
	case r.Document != nil:
		up, err := cli.Upload(ctx, r.Document, whatsmeow.MediaDocument)
		if err != nil {
			return nil, &chat.Error{Code: chat.RetryLater, Cause: fmt.Errorf("whatsapp: upload document: %w", err)}
		}
		mimeType := http.DetectContentType(r.Document)
		if strings.HasSuffix(strings.ToLower(r.DocumentName), ".xlsx") {
			mimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		} else if strings.HasSuffix(strings.ToLower(r.DocumentName), ".csv") {
			mimeType = "text/csv"
		}
		return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			Caption: proto.String(text), FileName: proto.String(r.DocumentName), Title: proto.String(r.DocumentName),
			Mimetype: proto.String(mimeType), URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath),
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}, nil
	case r.Photo != nil:
		up, err := cli.Upload(ctx, r.Photo, whatsmeow.MediaImage)
		if err != nil {
			return nil, &chat.Error{Code: chat.RetryLater, Cause: fmt.Errorf("whatsapp: upload photo: %w", err)}
		}
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			Caption: proto.String(text), Mimetype: proto.String(http.DetectContentType(r.Photo)),
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath),
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}, nil
	}
	return &waE2E.Message{Conversation: proto.String(text)}, nil
}

// classify turns a send failure into the code the outbox sender acts on. A refusal by the server
// carries its code only in the error's text ("server returned error 463").
func classify(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, whatsmeow.ErrServerReturnedError):
		code := strings.TrimSpace(strings.TrimPrefix(err.Error(), whatsmeow.ErrServerReturnedError.Error()))
		switch code {
		case "463":
			// WhatsApp's "reach-out" lock: this number may not start a conversation with that
			// person now. Another try does not help; the person's next message opens the chat.
			return &chat.Error{Code: chat.Rejected, Cause: fmt.Errorf("whatsapp: refused (463: the number may not write first to this person): %w", err)}
		case "479":
			return &chat.Error{Code: chat.Rejected, Cause: fmt.Errorf("whatsapp: refused (479: no phone number known for this LID): %w", err)}
		}
		if strings.HasPrefix(code, "4") {
			return &chat.Error{Code: chat.Rejected, Cause: err}
		}
		return &chat.Error{Code: chat.RetryLater, Cause: err}
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported):
		return &chat.Error{Code: chat.Rejected, Cause: err}
	}
	// Not connected, not logged in yet, timed out waiting for the server's answer: the same id is
	// sent again later, and WhatsApp shows it once.
	return &chat.Error{Code: chat.RetryLater, Cause: err}
}

// messageForRetry is Client.GetMessageForRetry: when a recipient's device could not decrypt a
// message and asks for it again, whatsmeow looks in its memory of the last 256 sends, then here,
// in the messages kept in the session database before they were sent.
func (w *WhatsApp) messageForRetry(requester, to types.JID, id types.MessageID) *waE2E.Message {
	if w.sess == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := w.sess.sentMessage(ctx, string(id))
	if err != nil {
		w.log.Warn("look up message for retry", "msg", id, "requester", requester.String(), "err", err)
		return nil
	}
	if m == nil {
		w.log.Info("retry asked for a message not kept", "msg", id, "requester", requester.String())
	}
	return m
}
