package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// streakWindow bounds how far back a streak is counted.
const streakWindow = 120

func cmdProgress(r *request, _ string) error {
	c, err := r.contract()
	if err != nil {
		return err
	}
	lines := []string{r.t("progress.title", catalog.Args{"Name": r.salutation(r.who), "Date": FormatDate(r.lang, r.today)})}
	if c == nil {
		lines = append(lines, r.t("progress.no_contract", nil))
	} else {
		tl, err := r.employeeTargetLines(c)
		if err != nil {
			return err
		}
		lines = append(lines, tl...)
	}
	cl, err := r.employeeCompliance(r.who)
	if err != nil {
		return err
	}
	lines = append(lines, cl)
	ml, err := r.minutesLines(r.who)
	if err != nil {
		return err
	}
	lines = append(lines, ml...)

	from := r.today.AddDate(0, 0, -streakWindow)
	cal, err := r.calendarFor(r.who, from, r.today)
	if err != nil {
		return err
	}
	reported, err := r.tx.ReportDates(r.ctx, r.who.NIP, dateKey(from), dateKey(r.today))
	if err != nil {
		return err
	}
	if n := cal.streak(r.today, reported, streakWindow); n > 0 {
		lines = append(lines, r.t("progress.streak", catalog.Args{"Days": n}))
	}
	if !reported[dateKey(r.today)] && cal.kind(r.today) == dayWork {
		lines = append(lines, r.t("progress.not_yet_today", nil))
	}
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// employeeTargetLines renders each target of a signed contract as /progres does: realisation against the
// target, and what was expected by today, flagged when behind. Realisation counts validated
// reports only when validation is on.
func (r *request) employeeTargetLines(c *store.Contract) ([]string, error) {
	signed := civil(c.SignedAt.In(r.e.opt.Location))
	var ids []int64
	for _, t := range c.Targets {
		ids = append(ids, t.ID)
	}
	done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(r.today), r.e.opt.RequireApproval)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, t := range c.Targets {
		due, err := storedDate(t.DueDate)
		if err != nil {
			return nil, fmt.Errorf("target %d: %w", t.ID, err)
		}
		expected := t.Quantity * expectedFraction(signed, due, r.today)
		key := "progress.target"
		if done[t.ID]+1e-9 < expected {
			key = "progress.target_behind"
		}
		lines = append(lines, r.t(key, catalog.Args{"N": t.N, "Desc": t.Description, "Done": FormatNumber(done[t.ID]),
			"Target": FormatNumber(t.Quantity), "Unit": t.Unit, "Pct": FormatPercent(100 * done[t.ID] / t.Quantity),
			"Expected": FormatNumber(expected), "Due": FormatDate(r.lang, due)}))
	}
	return lines, nil
}

// employeeCompliance is emp's reporting compliance this month, counted as /progres counts it: working
// days up to yesterday, and today once it has a report; leave and holidays are not counted.
func (r *request) employeeCompliance(emp *store.Employee) (string, error) {
	monthStart := time.Date(r.today.Year(), r.today.Month(), 1, 0, 0, 0, 0, time.UTC)
	cal, err := r.calendarFor(emp, monthStart, r.today)
	if err != nil {
		return "", err
	}
	reported, err := r.tx.ReportDates(r.ctx, emp.NIP, dateKey(monthStart), dateKey(r.today))
	if err != nil {
		return "", err
	}
	end := r.today
	if !reported[dateKey(r.today)] {
		end = r.today.AddDate(0, 0, -1)
	}
	// From the same start as /evaluate: the roster's mulai, else the person's first day in Lapkin.
	from := monthStart
	if start, _, err := r.complianceStart(emp); err != nil {
		return "", err
	} else if start.After(from) {
		from = start
	}
	s := cal.count(from, end, reported)
	if s.Work == 0 {
		return r.t("progress.compliance_none", nil), nil
	}
	return r.t("progress.compliance", catalog.Args{"Pct": FormatPercent(100 * float64(s.Reported) / float64(s.Work)),
		"Reported": s.Reported, "Work": s.Work, "Holiday": s.Holiday, "Leave": s.Leave}), nil
}
