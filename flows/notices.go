package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// deadlineWarnings are how many days before a target's due date its owner is warned when behind.
var deadlineWarnings = []int{7, 1}

// notices runs a job that writes to some employees: fn decides, per employee, whether to write and
// what (in the recipient's language); each notice is claimed in the ledger under (job, period,
// recipient key) first, so it is sent once.
func (e *Engine) notices(ctx context.Context, at time.Time, job string, period func(r *request) string,
	fn func(r *request, emp *store.Employee, claim func(key string) (bool, error)) error) error {
	ahead := func(r *request) store.Preload {
		return store.Preload{From: dateKey(r.today), To: dateKey(r.today), Year: r.today.Year(), RealisedAt: func(string) string { return dateKey(r.today) }}
	}
	return e.eachOPD(ctx, at, job, period(e.jobRequest(ctx, nil, at)), ahead, func(r *request, emps []store.Employee, b *noticeBatch) error {
		for i := range emps {
			claim := func(key string) (bool, error) { return b.claim(r, key) }
			if err := fn(r, &emps[i], claim); err != nil {
				return err
			}
		}
		return nil
	})
}

func dayPeriod(r *request) string { return dateKey(r.today) }

func weekPeriod(r *request) string {
	y, w := r.today.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// deadline warns the owner of a target due in 7 days or tomorrow that is behind its quantity.
func (e *Engine) deadline(ctx context.Context, at time.Time) error {
	return e.notices(ctx, at, JobDeadline, dayPeriod, func(r *request, emp *store.Employee, claim func(string) (bool, error)) error {
		c, err := r.tx.SignedContract(r.ctx, emp.NIP, r.today.Year())
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var ids []int64
		for _, t := range c.Targets {
			ids = append(ids, t.ID)
		}
		done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(r.today), r.e.opt.RequireApproval)
		if err != nil {
			return err
		}
		for _, t := range c.Targets {
			due, err := storedDate(t.DueDate)
			if err != nil {
				return fmt.Errorf("target %d: %w", t.ID, err)
			}
			days := int(due.Sub(r.today).Hours() / 24)
			if !containsInt(deadlineWarnings, days) || done[t.ID] >= t.Quantity {
				continue
			}
			if ok, err := claim(fmt.Sprintf("%s#%d", emp.NIP, t.ID)); err != nil || !ok {
				return err
			}
			args := catalog.Args{"N": t.N, "Desc": t.Description, "Days": days, "Done": FormatNumber(done[t.ID]),
				"Target": FormatNumber(t.Quantity), "Unit": t.Unit}
			err = r.notifyFunc(emp.NIP, func(lang, name string) string {
				args["Name"], args["Due"] = name, FormatDate(lang, due)
				return r.tl(lang, "deadline.text", args)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// contractNotice reminds, each week, those whose contract is not signed, and supervisors of the
// contracts waiting for their decision.
func (e *Engine) contractNotice(ctx context.Context, at time.Time) error {
	return e.notices(ctx, at, JobContract, weekPeriod, func(r *request, emp *store.Employee, claim func(string) (bool, error)) error {
		if _, err := r.tx.SignedContract(r.ctx, emp.NIP, r.today.Year()); errors.Is(err, store.ErrNotFound) {
			c, err := r.workingContract(emp.NIP)
			if err != nil {
				return err
			}
			status := "none"
			if c != nil {
				status = c.Status
			}
			if ok, err := claim(emp.NIP); err != nil || !ok {
				return err
			}
			if err := r.notifyFunc(emp.NIP, func(lang, name string) string {
				return r.tl(lang, "contract_notice.unsigned", catalog.Args{"Name": name, "Year": r.today.Year(),
					"Status": r.tl(lang, "contract.status."+status, nil), "Next": r.tl(lang, "contract.next."+nextStatus(status), nil)})
			}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		waiting, err := r.awaiting(emp)
		if err != nil || len(waiting) == 0 {
			return err
		}
		if ok, err := claim(emp.NIP + ":approve"); err != nil || !ok {
			return err
		}
		return r.notifyFunc(emp.NIP, func(lang, name string) string {
			return r.tl(lang, "contract_notice.waiting", catalog.Args{"Name": name, "Count": len(waiting)})
		})
	})
}

// nextStatus maps "none" to the draft hint: with no contract, the next step is to draft one.
func nextStatus(s string) string {
	if s == "none" {
		return store.ContractDraft
	}
	return s
}

// holidaysReminder tells an admin, in the last quarter of a year, that next year has no holiday
// in the calendar yet (neither the config's nor the database's): without the SKB's national
// holidays and cuti bersama, every holiday would count as a working day missed. It runs with the
// weekly evaluation_due job, so an admin hears it at most once a week until the days are added.
func (r *request) holidaysReminder(emp *store.Employee, claim func(string) (bool, error)) error {
	if r.today.Month() < time.October {
		return nil
	}
	if !r.e.admin(emp) {
		return nil
	}
	next := r.today.Year() + 1
	first, last := time.Date(next, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(next, 12, 31, 0, 0, 0, 0, time.UTC)
	city, err := r.cityCalendar(first, last)
	if err != nil || len(city.Between(calendar.Of(first), calendar.Of(last))) > 0 {
		return err
	}
	if ok, err := claim(emp.NIP + ":holidays"); err != nil || !ok {
		return err
	}
	return r.notifyFunc(emp.NIP, func(lang, name string) string {
		return r.tl(lang, "holidays.next_year_missing", catalog.Args{"Name": name, "Year": next})
	})
}

// evaluationDue tells admins and supervisors, each Monday, whose contracts reach 3 or 6 months
// this week (the checkpoint's last day falls in this week).
func (e *Engine) evaluationDue(ctx context.Context, at time.Time) error {
	var list []dueCheckpoint
	// The list is made once, by whichever OPD is read first (two are read at a time).
	var once sync.Once
	var listErr error
	return e.notices(ctx, at, JobEvaluationDue, weekPeriod, func(r *request, emp *store.Employee, claim func(string) (bool, error)) error {
		once.Do(func() { list, listErr = r.checkpointsThisWeek() })
		if listErr != nil {
			return listErr
		}
		if err := r.holidaysReminder(emp, claim); err != nil {
			return err
		}
		var mine []string
		for _, d := range list {
			sup, err := r.supervisorOf(&d.emp)
			if err != nil {
				return err
			}
			if emp.Role == store.RoleAdmin || sup == emp.NIP {
				mine = append(mine, fmt.Sprintf("%s (%s) %s", d.emp.Name, d.emp.NIP, d.checkpoint))
			}
		}
		if len(mine) == 0 {
			return nil
		}
		if ok, err := claim(emp.NIP); err != nil || !ok {
			return err
		}
		return r.notifyFunc(emp.NIP, func(lang, name string) string {
			return r.tl(lang, "evaluation_due.text", catalog.Args{"Name": name, "Count": len(mine), "List": strings.Join(mine, "\n")})
		})
	})
}

// dueCheckpoint is a contract whose 3- or 6-month checkpoint ends this week.
type dueCheckpoint struct {
	emp        store.Employee
	checkpoint string
	end        time.Time
}

// checkpointsThisWeek lists the signed contracts of this year whose checkpoint ends this week.
func (r *request) checkpointsThisWeek() ([]dueCheckpoint, error) {
	list := []dueCheckpoint{}
	weekStart := calendar.Of(r.today).Monday().Time()
	weekEnd := weekStart.AddDate(0, 0, 6)
	all, err := r.tx.Employees(r.ctx, "")
	if err != nil {
		return nil, err
	}
	for _, x := range all {
		c, err := r.tx.SignedContract(r.ctx, x.NIP, r.today.Year())
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, p := range r.duePeriods(civil(c.SignedAt.In(r.e.opt.Location)), weekStart, weekEnd) {
			if !p.End.Before(weekStart) && !p.End.After(weekEnd) {
				list = append(list, dueCheckpoint{x, p.Key, p.End})
			}
		}
	}
	return list, nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
