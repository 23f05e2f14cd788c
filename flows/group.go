package flows

import (
	"errors"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// cmdBind binds the group it is sent in to an OPD, whose digests the group then receives. Only the
// head of that OPD or an admin may do it.
func cmdBind(r *request, args string) error {
	if !r.msg.Group {
		return invalid("bind.in_group", nil)
	}
	code := strings.ToUpper(strings.TrimSpace(args))
	if code == "" || strings.ContainsAny(code, " \t") {
		return invalid("bind.format", nil)
	}
	opd, err := r.tx.OPD(r.ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("bind.no_opd", catalog.Args{"OPD": code})
	}
	if err != nil {
		return err
	}
	if !r.isAdmin() && (r.who.Role != store.RoleKepala || r.who.OPDCode != opd.Code) {
		return forbidden("bind.not_yours", catalog.Args{"OPD": opd.Code})
	}
	if err := r.tx.BindGroup(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID, opd.Code, r.who.NIP, r.now); err != nil {
		return err
	}
	r.say("bind.done", catalog.Args{"OPD": opd.Code, "Name": opd.Name})
	return nil
}
