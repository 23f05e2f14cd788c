package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// A group bound to one OPD moves to another only with the consent of the OPD it leaves (issue 26,
// item 6): before, the head of any OPD could take another OPD's group, and its digest with it,
// by confirming their own question. Now the new OPD's head asks; the group is told that the
// leaving OPD's head (or a BKPPD admin) must confirm, and those heads are told in private; the
// request waits in the group's flow state until one of them sends "/hubungkan <KODE> ya" there.

// flowBindMove is the flow state of a group with a move asked for.
const flowBindMove = "bind_move"

// moveRequestFor is how long a move asked for waits for the leaving OPD's head.
const moveRequestFor = 7 * 24 * time.Hour

// bindMove is a move asked for: to which OPD, by whom.
type bindMove struct {
	OPD string `json:"opd"`
	By  string `json:"by"`
}

// moveRequest returns the move asked for in this group, nil when none (or it is too old).
func (r *request) moveRequest() (*bindMove, error) {
	st, err := r.tx.FlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID)
	if errors.Is(err, store.ErrNotFound) || err == nil && (st.Flow != flowBindMove || r.now.Sub(st.UpdatedAt) > moveRequestFor) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m bindMove
	if err := json.Unmarshal([]byte(st.Data), &m); err != nil {
		return nil, fmt.Errorf("read move request: %w", err)
	}
	return &m, nil
}

// requestMove records that the sender, head of to, asks for this group, bound to from, and tells
// the group who must confirm and from's heads how.
func (r *request) requestMove(from, to *store.OPD) error {
	data, err := json.Marshal(bindMove{OPD: to.Code, By: r.who.NIP})
	if err != nil {
		return err
	}
	if err := r.saveFlow(flowBindMove, "requested", string(data)); err != nil {
		return err
	}
	staff, err := r.tx.Employees(r.ctx, from.Code)
	if err != nil {
		return err
	}
	told := 0
	for _, s := range staff {
		if s.Role != store.RoleKepala || s.NIP == r.who.NIP {
			continue
		}
		before := len(r.out)
		err := r.notifyFunc(s.NIP, func(lang, name string) string {
			return r.e.cat.T(lang, "bind.move_request_notice", catalog.Args{"Name": name, "Current": from.Name, "CurrentCode": from.Code,
				"New": to.Name, "NewCode": to.Code, "By": r.teamSender(lang)})
		})
		if err != nil {
			return err
		}
		told += len(r.out) - before
	}
	r.say("bind.move_requested", catalog.Args{"Current": from.Name, "CurrentCode": from.Code, "Name": to.Name, "OPD": to.Code,
		"Told": told > 0})
	return nil
}
