package roster

import (
	"context"
	"errors"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/store"
)

// recordTransfer notes a transfer (mutasi) when the roster moves someone already in it to another
// OPD, position or supervisor: the post they leave is kept with its last day, and their signed
// contract ends on it (it stays, evaluable up to that day; they write a new one for the new post,
// as Kota Bengkulu required after every mutasi). The transfer takes effect on the new row's mulai
// when it brings a new one, else on the day of the import (now's date). It reports whether e is
// a transfer; the flows tell the person and both supervisors (flows.Engine.TransferNotices).
func recordTransfer(ctx context.Context, tx *store.Tx, e store.Employee, now time.Time) (bool, error) {
	old, err := tx.Employee(ctx, e.NIP)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if old.OPDCode == e.OPDCode && old.Position == e.Position && old.SupervisorNIP == e.SupervisorNIP {
		return false, nil
	}
	date := calendar.Of(now)
	if e.StartDate != "" && e.StartDate != old.StartDate {
		if d, err := calendar.Parse(e.StartDate); err == nil {
			date = d
		}
	}
	last := date - 1
	if old.StartDate != "" && old.StartDate > last.String() {
		// A correction of a post taken up on or after this day, not a transfer: nothing of the
		// old one is left to keep.
		return false, nil
	}
	p := store.Posting{NIP: old.NIP, OPDCode: old.OPDCode, Position: old.Position, Eselon: old.Eselon,
		SupervisorNIP: old.SupervisorNIP, StartDate: old.StartDate, LastDay: last.String(), TransferDate: date.String(), RecordedAt: now}
	c, err := tx.SignedContract(ctx, old.NIP, last.Year())
	switch {
	case err == nil && c.SignedAt != nil && calendar.Of(c.SignedAt.In(now.Location())) <= last:
		if _, ended, err := tx.ContractEnd(ctx, c.ID); err != nil {
			return false, err
		} else if !ended {
			p.ContractID = c.ID
		}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return false, err
	}
	_, err = tx.AddPosting(ctx, p)
	return true, err
}
