package flows

import (
	"errors"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// cmdBind binds the group it is sent in to an OPD, whose digests the group then receives. Only the
// head of that OPD or an admin may do it. A group already bound to another OPD is moved only once
// confirmed ("/hubungkan <KODE> ya", which the question's buttons send), and the heads of the
// other OPD are told, since their digest stops going there. The confirmation is the command with a
// word rather than a saved step: on WhatsApp a group passes Lapkin its slash commands only, so a
// numbered answer would never arrive, and the command is checked afresh whoever sends it.
func cmdBind(r *request, args string) error {
	if !r.msg.Group {
		return invalid("bind.in_group", nil)
	}
	fields := strings.Fields(args)
	if len(fields) == 0 || len(fields) > 2 {
		return invalid("bind.format", nil)
	}
	code := strings.ToUpper(fields[0])
	answer := ""
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "ya", "yes", "y":
			answer = "yes"
		case "batal", "cancel", "tidak", "no":
			answer = "no"
		default:
			return invalid("bind.format", nil)
		}
	}
	opd, err := r.tx.OPD(r.ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("bind.no_opd", catalog.Args{"OPD": code})
	}
	if err != nil {
		return err
	}
	headOf := func(code string) bool { return r.who.Role == store.RoleKepala && r.who.OPDCode == code }
	var current *store.OPD
	switch code, err := r.tx.GroupOPD(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID); {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case code != opd.Code:
		o, err := r.tx.OPD(r.ctx, code)
		if err != nil {
			return err
		}
		current = &o
	}
	// Binding is for the head of the OPD bound to, or an admin. Moving a group bound to another OPD
	// takes, besides, the leaving OPD's consent (issue 26, item 6): its head confirms a move its
	// new head asked for (moveRequest), or an admin moves it.
	mayBind := r.isAdmin() || headOf(opd.Code)
	mayLeave := current == nil || r.isAdmin() || headOf(current.Code)
	if current != nil && !r.isAdmin() && headOf(current.Code) && !headOf(opd.Code) {
		// The leaving OPD's head: only a move the other OPD's head asked for, confirmed.
		req, err := r.moveRequest()
		if err != nil {
			return err
		}
		if req == nil || req.OPD != opd.Code || answer == "" {
			return forbidden("bind.not_yours", catalog.Args{"OPD": opd.Code})
		}
		mayBind = true
	}
	if !mayBind {
		return forbidden("bind.not_yours", catalog.Args{"OPD": opd.Code})
	}
	if !mayLeave {
		return r.requestMove(current, &opd)
	}
	if current != nil && answer != "yes" {
		a := catalog.Args{"Current": current.Name, "CurrentCode": current.Code, "Name": opd.Name, "OPD": opd.Code}
		if answer == "no" {
			r.say("bind.kept", a)
			return nil
		}
		r.ask(r.t("bind.confirm", a), [][]chat.Button{{
			{Label: r.t("bind.button_move", nil), Data: "/hubungkan " + opd.Code + " ya"},
			{Label: r.t("button.cancel", nil), Data: "/hubungkan " + opd.Code + " batal"},
		}})
		return nil
	}
	if err := r.tx.BindGroup(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID, opd.Code, r.who.NIP, r.now); err != nil {
		return err
	}
	if _, err := r.tx.ClearFlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID); err != nil { // a move asked for is done
		return err
	}
	r.say("bind.done", catalog.Args{"OPD": opd.Code, "Name": opd.Name})
	if current == nil {
		return nil
	}
	staff, err := r.tx.Employees(r.ctx, current.Code)
	if err != nil {
		return err
	}
	for _, s := range staff {
		if s.Role != store.RoleKepala || s.NIP == r.who.NIP {
			continue
		}
		err := r.notifyFunc(s.NIP, func(lang, name string) string {
			return r.e.cat.T(lang, "bind.moved_notice", catalog.Args{"Name": name, "Current": current.Name, "CurrentCode": current.Code,
				"New": opd.Name, "NewCode": opd.Code, "By": r.teamSender(lang)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}
