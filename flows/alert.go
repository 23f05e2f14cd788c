package flows

import (
	"context"
	"errors"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// TransportAlert tells the admins that a network stopped sending (h.State one of the stopped
// states: logged out, banned, outdated, replaced, not linked): one message to each admin, in
// their language, on a network other than the failing one. An admin reachable only there is not
// told here; the log and /healthz say it too.
func (e *Engine) TransportAlert(ctx context.Context, h chat.Health) error {
	return e.alertAdmins(ctx, h.Net, false, func(r *request, lang string) string {
		return r.tl(lang, "transport.alert."+h.State, catalog.Args{"Net": r.tl(lang, "transport.net."+h.Net, nil), "Detail": h.Detail})
	})
}

// ParkedAlert tells the admins that a message to network net was parked: its attempts ran out
// (RetrySpan of retries), it is kept, and `lapkin outbox retry` on the server sends the parked
// messages again. The runtime calls it once per parking episode (store.Tx.Park), not once per
// message. It goes preferably over another network (net may be the one that is down), else over
// net itself: the message then waits in the outbox like any other.
func (e *Engine) ParkedAlert(ctx context.Context, net, reason string) error {
	return e.alertAdmins(ctx, net, true, func(r *request, lang string) string {
		return r.tl(lang, "outbox.parked_alert", catalog.Args{"Net": r.tl(lang, "transport.net."+net, nil), "Detail": reason})
	})
}

// alertAdmins queues one message to each admin (from the roster and [admin] nips), in their
// language, on their first reachable account on a network other than avoid, or, when fallback is
// set and they have none, on avoid itself.
func (e *Engine) alertAdmins(ctx context.Context, avoid string, fallback bool, text func(r *request, lang string) string) error {
	err := e.store.Update(ctx, func(tx *store.Tx) error {
		r := e.jobRequest(ctx, tx, e.clock.Now())
		admins, err := r.adminNIPs()
		if err != nil {
			return err
		}
		for _, nip := range admins {
			emp, err := tx.Employee(ctx, nip)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			ids, err := tx.IdentitiesOf(ctx, nip)
			if err != nil {
				return err
			}
			lang := catalog.Lang(emp.Language)
			if emp.Language == "" {
				lang = e.opt.Language
			}
			var to *chat.ChatRef
			for _, id := range ids {
				if id.Unreachable {
					continue
				}
				if id.Net != avoid {
					to = &chat.ChatRef{Net: id.Net, ID: id.ExternalID}
					break
				}
				if fallback && to == nil {
					to = &chat.ChatRef{Net: id.Net, ID: id.ExternalID}
				}
			}
			if to != nil {
				r.out = append(r.out, chat.Reply{To: *to, Text: text(r, lang)})
			}
		}
		return r.flush()
	})
	if err == nil {
		e.queued()
	}
	return err
}
