package flows

import (
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
)

// streakWindow bounds how far back a streak is counted.
const streakWindow = 120

func cmdProgress(r *request, _ string) error {
	c, err := r.contract()
	if err != nil {
		return err
	}
	var lines []string
	lines = append(lines, r.t("progress.title", catalog.Args{"Name": r.salutation(r.who), "Date": FormatDate(r.lang, r.today)}))
	if c == nil {
		lines = append(lines, r.t("progress.no_contract", nil))
	} else {
		signed := civil(c.SignedAt.In(r.e.opt.Location))
		var ids []int64
		for _, t := range c.Targets {
			ids = append(ids, t.ID)
		}
		done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(r.today), r.e.opt.RequireApproval)
		if err != nil {
			return err
		}
		for _, t := range c.Targets {
			due, _ := time.Parse("2006-01-02", t.DueDate)
			expected := t.Quantity * expectedFraction(signed, due, r.today)
			key := "progress.target"
			if done[t.ID]+1e-9 < expected {
				key = "progress.target_behind"
			}
			lines = append(lines, r.t(key, catalog.Args{"N": t.N, "Desc": t.Description, "Done": FormatNumber(done[t.ID]),
				"Target": FormatNumber(t.Quantity), "Unit": t.Unit, "Pct": FormatPercent(100 * done[t.ID] / t.Quantity),
				"Expected": FormatNumber(expected), "Due": FormatDate(r.lang, due)}))
		}
	}

	// Compliance this month: working days up to yesterday, and today once it has a report (the day
	// is not over before that).
	monthStart := time.Date(r.today.Year(), r.today.Month(), 1, 0, 0, 0, 0, time.UTC)
	from := r.today.AddDate(0, 0, -streakWindow)
	if monthStart.Before(from) {
		from = monthStart
	}
	cal, err := r.calendarFor(r.who, from, r.today)
	if err != nil {
		return err
	}
	reported, err := r.tx.ReportDates(r.ctx, r.who.NIP, dateKey(from), dateKey(r.today), r.e.opt.RequireApproval)
	if err != nil {
		return err
	}
	end := r.today
	if !reported[dateKey(r.today)] {
		end = r.today.AddDate(0, 0, -1)
	}
	s := cal.count(monthStart, end, reported)
	if s.Work > 0 {
		lines = append(lines, r.t("progress.compliance", catalog.Args{"Pct": FormatPercent(100 * float64(s.Reported) / float64(s.Work)),
			"Reported": s.Reported, "Work": s.Work, "Holiday": s.Holiday, "Leave": s.Leave}))
	} else {
		lines = append(lines, r.t("progress.compliance_none", nil))
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
