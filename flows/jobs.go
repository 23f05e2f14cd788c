package flows

import (
	"context"
	"fmt"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// The scheduled jobs of SPEC.md, by their [schedule] keys.
const (
	JobReminder = "reminder"
	JobDeadline = "deadline"
	JobContract = "contract"
	JobDigest   = "digest"
	// JobDigestSaturday sends six-day OPDs their digest after their Saturday; its schedule is
	// derived from the digest's (SaturdaySpec), not a config key of its own.
	JobDigestSaturday = "digest_saturday"
	JobEvaluationDue  = "evaluation_due"
)

// officeEnd is when a day's reminders stop making sense: a missed run is not caught up after it.
const officeEnd = 17

// RunJob runs one scheduled job for the run scheduled at `at`. Every notice is claimed in the job
// ledger (job, period, recipient) in the transaction that queues it, so a restart, a catch-up or
// a second process sends nothing twice.
func (e *Engine) RunJob(ctx context.Context, job string, at time.Time) error {
	switch job {
	case JobReminder:
		return e.remind(ctx, at)
	case JobDigest:
		return e.digest(ctx, at, false)
	case JobDigestSaturday:
		return e.digest(ctx, at, true)
	case JobDeadline:
		return e.deadline(ctx, at)
	case JobContract:
		if err := e.transferNoticesAt(ctx, at); err != nil { // a transfer an import did not tell
			return err
		}
		return e.contractNotice(ctx, at)
	case JobEvaluationDue:
		return e.evaluationDue(ctx, at)
	case JobReview:
		return e.review(ctx, at)
	case JobMonthlyRecap:
		return e.monthlyRecapJob(ctx, at)
	}
	return fmt.Errorf("unknown job %q", job)
}

// StillCurrent tells whether a run scheduled at `at` still belongs to the period current at now:
// a day's reminders and deadline notices until the office closes that day, the weekly jobs (the
// digest, contract and evaluation notices) until the week ends.
func StillCurrent(job string, at, now time.Time) bool {
	switch job {
	case JobReminder, JobDeadline, JobReview, JobMonthlyRecap:
		return civil(at) == civil(now) && now.Hour() < officeEnd
	}
	return calendar.Of(at).Monday() == calendar.Of(now).Monday()
}

// jobRequest is the request a scheduled job works in: no sender, the default language.
func (e *Engine) jobRequest(ctx context.Context, tx *store.Tx, at time.Time) *request {
	now := at.In(e.opt.Location)
	return &request{ctx: ctx, e: e, tx: tx, now: now, today: civil(now), lang: e.opt.Language}
}

// reminderLookback is how many days back the reminder run reads for everyone at once.
const reminderLookback = 42

// reminderWordings is how many ways a reminder is written: WhatsApp bans numbers that send many
// identical messages, and people stop reading a text they know by heart.
const reminderWordings = 3

// remind reminds every registered employee who has a working day today (their OPD's week, no
// holiday, not on leave) and has not reported yet: by name, with the quick form and one of their
// own targets as the example, and their streak when they have one.
func (e *Engine) remind(ctx context.Context, at time.Time) error {
	now := at.In(e.opt.Location)
	today := civil(now)
	// Six weeks are read ahead for everyone; the few whose streak is longer are read further
	// (a streak of 120 days for 20,000 people was most of the run).
	from := today.AddDate(0, 0, -reminderLookback)
	ahead := func(r *request) store.Preload {
		return store.Preload{From: dateKey(from), To: dateKey(today), Year: today.Year(), NoContracts: true, FirstTargets: true}
	}
	return e.eachOPD(ctx, at, JobReminder, now.Format("2006-01-02T15:04"), ahead, func(r *request, emps []store.Employee, b *noticeBatch) error {
		var dues []reminderDue
		var further []store.Employee
		for i := range emps {
			emp := &emps[i]
			ids, err := r.tx.IdentitiesOf(ctx, emp.NIP)
			if err != nil {
				return err
			}
			if !reachable(ids) {
				continue // never a cold message to someone who never wrote to the bot
			}
			cal, err := r.calendarFor(emp, from, r.today)
			if err != nil {
				return err
			}
			if cal.kind(r.today) != dayWork {
				continue
			}
			reported, err := r.tx.ReportDates(ctx, emp.NIP, dateKey(from), dateKey(r.today))
			if err != nil {
				return err
			}
			if reported[dateKey(r.today)] {
				continue
			}
			streak, open := cal.streakOpen(r.today, reported, reminderLookback)
			if open {
				further = append(further, *emp)
			}
			dues = append(dues, reminderDue{emp: emp, streak: streak, open: open})
		}
		if err := r.longStreaks(further, dues); err != nil {
			return err
		}
		for _, d := range dues {
			if ok, err := b.claim(r, d.emp.NIP); err != nil || !ok {
				if err != nil {
					return err
				}
				continue
			}
			wording := (r.today.YearDay() + r.now.Hour() + digitSum(d.emp.NIP)) % reminderWordings
			err := r.notifyFunc(d.emp.NIP, func(lang, name string) string {
				example, _ := r.nudgeExample(lang, d.emp)
				text := r.tl(lang, "reminder.text."+string(rune('0'+wording)), catalog.Args{"Name": name, "Example": example})
				if d.streak > 0 {
					text += "\n" + r.tl(lang, "reminder.streak", catalog.Args{"Days": d.streak})
				}
				return text
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// reminderDue is someone the reminder run will remind, with their streak.
type reminderDue struct {
	emp    *store.Employee
	streak int
	open   bool // the streak may reach further back than was read
}

// longStreaks counts the streaks of those whose streak is longer than the days read for everyone
// (further), from their further history read ahead for all of them at once, not two queries each.
func (r *request) longStreaks(further []store.Employee, dues []reminderDue) error {
	if len(further) == 0 {
		return nil
	}
	long := r.today.AddDate(0, 0, -streakWindow)
	restore, err := r.preload(further, store.Preload{From: dateKey(long), To: dateKey(r.today), Year: r.today.Year(),
		NoContracts: true, FirstTargets: true})
	if err != nil {
		return err
	}
	defer restore()
	for i := range dues {
		if !dues[i].open {
			continue
		}
		cal, err := r.calendarFor(dues[i].emp, long, r.today)
		if err != nil {
			return err
		}
		reported, err := r.tx.ReportDates(r.ctx, dues[i].emp.NIP, dateKey(long), dateKey(r.today))
		if err != nil {
			return err
		}
		dues[i].streak = cal.streak(r.today, reported, streakWindow)
	}
	return nil
}

func reachable(ids []store.Identity) bool {
	for _, id := range ids {
		if !id.Unreachable {
			return true
		}
	}
	return false
}

func digitSum(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n += int(c - '0')
		}
	}
	return n
}
