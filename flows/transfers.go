package flows

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/period"
	"github.com/lapkin-id/lapkin/store"
)

// Transfers (mutasi, issue 21 item 5). A roster import that moves someone to another OPD,
// position or supervisor keeps the post they left (store.Posting) and ends their signed contract
// on its last day (roster.recordTransfer): the contract and its reports stay, evaluable up to that
// day, and the person writes a new contract for the new post. The person and both supervisors are
// told (TransferNotices); /pegawai shows the posts; the monthly recap gives each post its row.

// jobTransfer is the ledger of transfer notices: one row per post left.
const jobTransfer = "transfer"

// transferNoticeDays is how far back a transfer not yet told is still told: an import is told at
// once, and the weekly contract job catches one it missed.
const transferNoticeDays = 60

// postings returns every past post of nip, oldest first: all of the city's are read once per
// request (transfers are few), since the recap asks for each person and month.
func (r *request) postings(nip string) ([]store.Posting, error) {
	if r.posts == nil {
		all, err := r.tx.PostingsSince(r.ctx, "", "0000-01-01")
		if err != nil {
			return nil, err
		}
		r.posts = map[string][]store.Posting{}
		for _, p := range all {
			r.posts[p.NIP] = append(r.posts[p.NIP], p)
		}
	}
	return r.posts[nip], nil
}

// atPost is emp as they were at a post they left.
func atPost(emp store.Employee, p store.Posting) store.Employee {
	emp.OPDCode, emp.Position, emp.Eselon, emp.SupervisorNIP, emp.StartDate = p.OPDCode, p.Position, p.Eselon, p.SupervisorNIP, p.StartDate
	return emp
}

// postsBetween returns emp's posts over from..to (civil dates): the days spent at each OPD,
// position and supervisor, oldest first, each with emp as they were there.
func (r *request) postsBetween(emp *store.Employee, from, to time.Time) ([]recapSegment, error) {
	ps, err := r.postings(emp.NIP)
	if err != nil || len(ps) == 0 {
		return []recapSegment{{emp: *emp, from: from, to: to}}, err
	}
	var out []recapSegment
	start := from
	for _, p := range ps {
		last, err := storedDate(p.LastDay)
		if err != nil {
			return nil, fmt.Errorf("post of %s: %w", emp.NIP, err)
		}
		next, err := storedDate(p.TransferDate)
		if err != nil {
			return nil, fmt.Errorf("post of %s: %w", emp.NIP, err)
		}
		end := last
		if to.Before(end) {
			end = to
		}
		if !end.Before(start) {
			out = append(out, recapSegment{emp: atPost(*emp, p), from: start, to: end})
		}
		if next.After(start) {
			start = next
		}
	}
	if !to.Before(start) {
		out = append(out, recapSegment{emp: *emp, from: start, to: to})
	}
	return out, nil
}

// endedBy returns the post whose transfer ended contract c, and false for a contract still in force.
func (r *request) endedBy(nip string, c int64) (store.Posting, bool, error) {
	ps, err := r.postings(nip)
	if err != nil {
		return store.Posting{}, false, err
	}
	for _, p := range ps {
		if p.ContractID == c {
			return p, true, nil
		}
	}
	return store.Posting{}, false, nil
}

// transferredContract adjusts what an evaluation of emp reads after a transfer: the contract a
// transfer ended is evaluated up to its last day (p is cut there, and named by its dates), and a
// calendar period before the signing of the contract of the new post reads the one it ended. It
// returns the post the contract belongs to, when it is a past one, so that the calendar and
// the compliance start are those of that post.
func (r *request) transferredContract(emp *store.Employee, c store.Contract, p period.Period, per *period.Period) (store.Contract, period.Period, *store.Posting, error) {
	if per != nil && per.Checkpoint == 0 && c.SignedAt != nil && p.End.Before(civil(c.SignedAt.In(r.e.opt.Location))) {
		// The period is over before the contract in force was signed: the one a transfer ended
		// in it, if any, is the contract of those days.
		ps, err := r.postings(emp.NIP)
		if err != nil {
			return c, p, nil, err
		}
		for _, post := range ps {
			if post.ContractID != 0 && post.LastDay >= dateKey(p.Start) {
				old, err := r.tx.ContractByID(r.ctx, post.ContractID)
				if err != nil {
					return c, p, nil, err
				}
				c = old
				break
			}
		}
	}
	post, ended, err := r.endedBy(emp.NIP, c.ID)
	if err != nil || !ended {
		return c, p, nil, err
	}
	last, err := storedDate(post.LastDay)
	if err != nil {
		return c, p, nil, fmt.Errorf("post of %s: %w", emp.NIP, err)
	}
	if p.Start.After(last) {
		return c, p, nil, conflict("transfer.contract_ended", catalog.Args{"Employee": emp.Name, "Version": c.Version,
			"Date": FormatDate(r.lang, last), "From": FormatDate(r.lang, p.Start)})
	}
	if p.End.After(last) {
		p.End = last
		p.Key = dateKey(p.Start) + ".." + dateKey(last)
	}
	return c, p, &post, nil
}

// TransferNotices tells, for each transfer recorded lately and not told yet, the person (their
// contract ended; write a new one for the new post) and their old and new supervisors. Each
// transfer is told once (the ledger). `lapkin import` runs it after an import; the weekly contract
// job catches what it missed.
func (e *Engine) TransferNotices(ctx context.Context) error {
	return e.transferNoticesAt(ctx, e.clock.Now())
}

func (e *Engine) transferNoticesAt(ctx context.Context, at time.Time) error {
	return e.jobWrite(ctx, at, func(r *request) error { return r.transferNotices() })
}

func (r *request) transferNotices() error {
	ps, err := r.tx.PostingsSince(r.ctx, "", dateKey(r.today.AddDate(0, 0, -transferNoticeDays)))
	if err != nil {
		return err
	}
	for _, p := range ps {
		ok, err := r.tx.ClaimNotice(r.ctx, jobTransfer, "-", "p"+strconv.FormatInt(p.ID, 10), r.now)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		emp, err := r.tx.Employee(r.ctx, p.NIP)
		if err != nil {
			return err
		}
		oldOPD, _ := r.tx.OPD(r.ctx, p.OPDCode)
		newOPD, _ := r.tx.OPD(r.ctx, emp.OPDCode)
		date, err := storedDate(p.TransferDate)
		if err != nil {
			return fmt.Errorf("post of %s: %w", p.NIP, err)
		}
		last, err := storedDate(p.LastDay)
		if err != nil {
			return fmt.Errorf("post of %s: %w", p.NIP, err)
		}
		version := 0
		if p.ContractID != 0 {
			if c, err := r.tx.ContractByID(r.ctx, p.ContractID); err == nil {
				version = c.Version
			}
		}
		args := func(lang, name string) catalog.Args {
			return catalog.Args{"Name": name, "Employee": emp.Name, "NIP": emp.NIP, "Date": FormatDate(lang, date),
				"Last": FormatDate(lang, last), "OldPosition": p.Position, "OldOPD": oldOPD.Name, "Position": emp.Position,
				"OPD": newOPD.Name, "Version": version, "Year": last.Year()}
		}
		if err := r.notifyFunc(emp.NIP, func(lang, name string) string { return r.tl(lang, "transfer.notice_person", args(lang, name)) }); err != nil {
			return err
		}
		oldSup := p.SupervisorNIP
		if oldSup == "" {
			old := atPost(emp, p)
			if oldSup, err = r.supervisorOf(&old); err != nil {
				return err
			}
		}
		newSup, err := r.supervisorOf(&emp)
		if err != nil {
			return err
		}
		if oldSup != "" && oldSup != emp.NIP {
			if err := r.notifyFunc(oldSup, func(lang, name string) string { return r.tl(lang, "transfer.notice_old", args(lang, name)) }); err != nil {
				return err
			}
		}
		if newSup != "" && newSup != oldSup && newSup != emp.NIP {
			if err := r.notifyFunc(newSup, func(lang, name string) string { return r.tl(lang, "transfer.notice_new", args(lang, name)) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// postLines are /pegawai's lines on the posts emp left, oldest first.
func (r *request) postLines(emp *store.Employee) ([]string, error) {
	ps, err := r.postings(emp.NIP)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	lines := []string{r.t("transfer.history_title", nil)}
	for _, p := range ps {
		opd, _ := r.tx.OPD(r.ctx, p.OPDCode)
		sup := "-"
		if p.SupervisorNIP != "" {
			if s, err := r.tx.Employee(r.ctx, p.SupervisorNIP); err == nil {
				sup = s.Name
			}
		}
		last, err := storedDate(p.LastDay)
		if err != nil {
			return nil, fmt.Errorf("post of %s: %w", emp.NIP, err)
		}
		args := catalog.Args{"Last": FormatDate(r.lang, last), "Position": p.Position, "OPD": opd.Name, "Code": p.OPDCode,
			"Supervisor": sup, "Ended": p.ContractID != 0, "Version": 0}
		if p.ContractID != 0 {
			if c, err := r.tx.ContractByID(r.ctx, p.ContractID); err == nil {
				args["Version"] = c.Version
			}
		}
		lines = append(lines, r.t("transfer.history_line", args))
	}
	return lines, nil
}

// contractEnded returns the last day of emp's signed contract c when a transfer ended it.
func (r *request) contractEnded(nip string, c *store.Contract) (time.Time, bool, error) {
	post, ended, err := r.endedBy(nip, c.ID)
	if err != nil || !ended {
		return time.Time{}, false, err
	}
	last, err := storedDate(post.LastDay)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("post of %s: %w", nip, err)
	}
	return last, true, nil
}
