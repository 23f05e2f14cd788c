package flows

import (
	"context"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// GroupSendFailed is told by the outbox sender that a message to a chat was given up for good
// (code bot.Unreachable: the bot was removed from the group or the group is gone; bot.Rejected:
// the platform refuses what is sent there). When the chat is a group bound to an OPD, the group
// is marked (/healthz shows it) and, once per episode, the OPD's heads are told in private, so
// that a digest never stops arriving without anyone knowing (issue 26, item 5). A head who cannot
// be reached leaves it to the admins.
func (e *Engine) GroupSendFailed(ctx context.Context, net, chatID, code, reason string) error {
	err := e.store.Update(ctx, func(tx *store.Tx) error {
		now := e.clock.Now()
		opd, bound, first, err := tx.MarkGroupFailed(ctx, net, chatID, reason, now)
		if err != nil || !bound || !first {
			return err
		}
		r := e.jobRequest(ctx, tx, now)
		o, err := tx.OPD(ctx, opd)
		if err != nil {
			return err
		}
		staff, err := tx.Employees(ctx, opd)
		if err != nil {
			return err
		}
		why := "group.why." + code
		text := func(lang, name string) string {
			return r.tl(lang, "group.send_failed", catalog.Args{"Name": name, "OPD": o.Name, "Code": o.Code,
				"Net": r.tl(lang, "transport.net."+net, nil), "Why": r.tl(lang, why, nil)})
		}
		before := len(r.out)
		for _, s := range staff {
			if s.Role == store.RoleKepala {
				if err := r.notifyFunc(s.NIP, text); err != nil {
					return err
				}
			}
		}
		if len(r.out) == before {
			admins, err := r.adminNIPs()
			if err != nil {
				return err
			}
			for _, a := range admins {
				if err := r.notifyFunc(a, text); err != nil {
					return err
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

// groupMoved follows a group that its network moved to a new id (a Telegram group upgraded to a
// supergroup): the OPD binding and the messages waiting for the group go with it, silently.
func (r *request) groupMoved() error {
	moved, err := r.tx.MoveChat(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID, r.msg.MovedTo)
	if err == nil && moved {
		r.e.log.Info("group moved to a new id; its binding follows", "from", r.msg.Chat.String(), "to", r.msg.MovedTo)
	}
	return err
}
