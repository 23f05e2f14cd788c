package flows

import (
	"context"
	"errors"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// TransportAlert tells the admins that a network stopped sending (h.State one of the stopped
// states: logged out, banned, outdated, replaced, not linked): one message to each admin, in
// their language, on a network other than the failing one. An admin reachable only there is not
// told here; the log and /healthz say it too.
func (e *Engine) TransportAlert(ctx context.Context, h bot.Health) error {
	err := e.store.Update(ctx, func(tx *store.Tx) error {
		r := e.jobRequest(ctx, tx, e.clock.Now())
		admins, err := tx.Admins(ctx)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, nip := range append(admins, e.opt.AdminNIPs...) {
			if seen[nip] {
				continue
			}
			seen[nip] = true
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
			text := r.tl(lang, "transport.alert."+h.State, catalog.Args{"Net": r.tl(lang, "transport.net."+h.Net, nil), "Detail": h.Detail})
			for _, id := range ids {
				if !id.Unreachable && id.Net != h.Net {
					r.out = append(r.out, bot.Reply{To: bot.ChatRef{Net: id.Net, ID: id.ExternalID}, Text: text})
					break
				}
			}
		}
		return r.flush()
	})
	if err == nil {
		e.queued()
	}
	return err
}
