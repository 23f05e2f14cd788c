package whatsapp

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapkin-id/lapkin/chat"
)

// onEvent is the whatsmeow event handler (AddEventHandlerWithSuccessStatus). For a message it
// returns true only once the message's effects are committed, or when Lapkin ignores it: with
// SynchronousAck, false leaves the message unacknowledged, to be delivered again. It is called
// concurrently (connection events come from goroutines of their own) and recovers its own
// panics, which whatsmeow would otherwise count as success.
func (w *WhatsApp) onEvent(evt any) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			w.log.Error("panic in WhatsApp event handler", "event", fmt.Sprintf("%T", evt), "panic", p, "stack", string(debug.Stack()))
			w.markFailed()
			ok = false
		}
	}()
	switch e := evt.(type) {
	case *events.Message:
		return w.onMessage(e)
	case *events.Connected:
		w.mu.Lock()
		state := w.health.State
		w.mu.Unlock()
		if !stopped(state) || state == StateBanned {
			w.setState(chat.StateConnected, "", true)
			w.log.Info("WhatsApp connected")
		}
	case *events.Disconnected:
		w.mu.Lock()
		state := w.health.State
		w.mu.Unlock()
		if !stopped(state) {
			w.setState(chat.StateDisconnected, "", true)
			w.log.Warn("WhatsApp disconnected; whatsmeow reconnects")
		}
	case *events.KeepAliveTimeout:
		w.log.Warn("WhatsApp keep-alive timed out", "errors", e.ErrorCount, "last_success", e.LastSuccess)
	case *events.LoggedOut:
		w.alert(chat.StateLoggedOut, fmt.Sprintf("the phone removed the linked device (reason %d): link it again with `lapkin whatsapp-login`", int(e.Reason)))
	case *events.TemporaryBan:
		w.mu.Lock()
		w.banEnd = time.Time{}
		if e.Expire > 0 {
			w.banEnd = w.clock.Now().Add(e.Expire)
		}
		end := w.banEnd
		w.mu.Unlock()
		w.alert(StateBanned, banDetail(e.Code, e.Expire, end))
	case *events.ClientOutdated:
		w.alert(StateOutdated, "WhatsApp refused this client (405 client outdated): update whatsmeow (go get go.mau.fi/whatsmeow@latest) and rebuild")
	case *events.StreamReplaced:
		w.alert(StateReplaced, "another process connected with this session: run only one `lapkin run` per session file")
	case *events.ConnectFailure:
		w.log.Error("WhatsApp connection refused", "reason", int(e.Reason), "message", e.Message)
	case *events.StreamError:
		w.log.Error("WhatsApp stream error", "code", e.Code)
	case *events.UndecryptableMessage:
		w.log.Warn("WhatsApp message could not be decrypted; the sender's phone is asked to send it again",
			"msg", e.Info.ID, "from", e.Info.Sender.ToNonAD().String(), "unavailable", e.IsUnavailable)
	}
	return true
}

// banDetail explains a temporary ban's code in words and says when it ends.
func banDetail(code events.TempBanReason, expire time.Duration, end time.Time) string {
	d := "code " + code.String()
	if expire > 0 {
		d += fmt.Sprintf("; ends in %s (%s)", expire.Round(time.Minute), end.UTC().Format(time.RFC3339))
	} else {
		d += "; end unknown"
	}
	return d
}

// onMessage converts a message, hands it to the router and waits for its effects to be committed.
func (w *WhatsApp) onMessage(e *events.Message) bool {
	w.mu.Lock()
	ctx, submit, cli := w.ctx, w.submit, w.cli
	w.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	work := context.WithoutCancel(ctx)
	m, ok, err := w.convert(work, e)
	if err != nil {
		w.log.Warn("message not handled, will come again", "msg", e.Info.ID, "err", err)
		w.markFailed()
		return false
	}
	if !ok {
		return true
	}
	if submit == nil {
		return false // not receiving (stopping): the message comes again
	}
	res := make(chan error, 1)
	if !submit(work, m, func(err error) { res <- err }) {
		return false
	}
	if err := <-res; err != nil {
		w.log.Warn("message not committed, left unacknowledged", "msg", m.ID, "err", err)
		w.markFailed()
		return false
	}
	if cli != nil {
		// Blue ticks, once the report is safe; not worth holding the next message for.
		info := e.Info
		go func() {
			rctx, cancel := context.WithTimeout(work, 15*time.Second)
			defer cancel()
			if err := cli.MarkRead(rctx, []types.MessageID{info.ID}, info.Timestamp, info.Chat, info.Sender); err != nil {
				w.log.Debug("mark read", "msg", info.ID, "err", err)
			}
		}()
	}
	return true
}

// markFailed notes that a message was left unacknowledged: the receive loop reconnects a little
// later, on which WhatsApp delivers the unacknowledged messages again.
func (w *WhatsApp) markFailed() {
	w.mu.Lock()
	w.failed = w.clock.Now()
	w.mu.Unlock()
}
