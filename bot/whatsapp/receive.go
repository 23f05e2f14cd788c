package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"

	"github.com/lapkin-id/lapkin/chat"
)

// How the receive loop waits.
const (
	// linkPoll is how often an unlinked transport looks whether `lapkin whatsapp-login` has
	// linked the number meanwhile.
	linkPoll = 30 * time.Second
	// redeliverAfter is how long after a message was left unacknowledged the loop reconnects,
	// which makes WhatsApp deliver it again.
	redeliverAfter = time.Minute
	// banRetry is when to try again after a ban whose end WhatsApp did not say.
	banRetry = time.Hour
)

// Receive connects and hands every message to submit until ctx ends (then it disconnects and
// returns nil). It never fails the other networks: a number that is not linked, logged out,
// banned, outdated or replaced is a state (see Health), and Receive waits in it — for a link, for
// the end of a ban — rather than returning an error. The first connection is retried with
// backoff; after that whatsmeow reconnects by itself.
func (w *WhatsApp) Receive(ctx context.Context, submit chat.Submit) error {
	w.mu.Lock()
	w.ctx, w.submit = ctx, submit
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.submit = nil
		conn := w.conn
		w.mu.Unlock()
		if conn != nil {
			conn.Disconnect()
		}
	}()
	failures := 0
	for ctx.Err() == nil {
		h := w.Health()
		w.mu.Lock()
		conn, failed, banEnd := w.conn, w.failed, w.banEnd
		w.mu.Unlock()
		wait := linkPoll
		switch {
		case h.State == StateNotLinked || h.State == chat.StateLoggedOut:
			w.relink(ctx)
		case h.State == StateOutdated || h.State == StateReplaced:
			wait = time.Hour // the operator must act; Health and the alert say how
		case h.State == StateBanned:
			end := banEnd
			if end.IsZero() {
				end = h.Since.Add(banRetry)
			}
			if wait = end.Sub(w.clock.Now()); wait <= 0 {
				w.log.Info("WhatsApp ban over, reconnecting")
				w.setState(chat.StateConnecting, "", true)
				continue
			}
		case conn == nil:
		case !conn.IsConnected():
			if h.State == chat.StateConnected {
				break // whatsmeow's own reconnect is at work
			}
			w.setState(chat.StateConnecting, "", true)
			err := conn.ConnectContext(ctx)
			if err == nil || errors.Is(err, whatsmeow.ErrAlreadyConnected) {
				failures = 0
				wait = redeliverAfter
				break
			}
			failures++
			wait = chat.Backoff(failures)
			w.setState(chat.StateDisconnected, "cannot reach WhatsApp: "+err.Error(), true)
			w.log.Warn("WhatsApp connect failed", "err", err, "retry_in", wait)
		case !failed.IsZero() && w.clock.Now().Sub(failed) >= redeliverAfter:
			// A message was left unacknowledged: reconnecting has WhatsApp deliver it again.
			w.mu.Lock()
			w.failed = time.Time{}
			w.mu.Unlock()
			w.log.Info("reconnecting to have an unacknowledged message delivered again")
			conn.Disconnect() // emits no event, and stops whatsmeow's own reconnect
			w.setState(chat.StateDisconnected, "reconnecting for a redelivery", true)
			continue
		default:
			wait = redeliverAfter
		}
		select {
		case <-ctx.Done():
		case <-w.changed:
		case <-w.after(wait):
		}
	}
	return nil
}

// relink looks whether the session has been linked since (by `lapkin whatsapp-login`, or after a
// logout) and, if so, builds the client for it; the loop then connects.
func (w *WhatsApp) relink(ctx context.Context) {
	if w.sess == nil {
		return
	}
	dev, err := w.sess.Container.GetFirstDevice(ctx)
	if err != nil {
		w.log.Warn("read WhatsApp session", "err", err)
		return
	}
	if dev.ID == nil {
		if w.Health().State == chat.StateLoggedOut {
			return // keep saying why until it is linked again
		}
		w.notLinked()
		return
	}
	w.sess.Device = dev
	w.log.Info("WhatsApp number linked", "jid", dev.ID.ToNonAD().String())
	w.attach(w.sess)
}
