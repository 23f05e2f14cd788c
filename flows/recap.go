package flows

import (
	"context"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/store"
)

// The monthly recap (issue 21, item 4): what payroll reads to pay the performance allowance
// (TPP). One row per person and post for a month: who they are and whom they answer to, their
// working days and the days they reported, their reports by the state of their validation, their
// effective minutes against the threshold, and compliance K. A row is final once its month is
// closed for the person ([kinerja] close_day), provisional (sementara) before.
//
// Every figure is counted as elsewhere: working days by the one calendar from the person's
// compliance start (as /evaluate and /progres), a day reported when it has a report not returned
// or deleted (K's rule), minutes as [kinerja] minutes_count says (minutes.go). A month not over
// counts up to today, and today only once it has a report, as /progres does.

// recapSegment is one person at one post over some days of a month: the month, or its part before
// or after a transfer (mutasi).
type recapSegment struct {
	emp      store.Employee // as at that post: OPD, position, eselon, supervisor
	from, to time.Time      // civil dates, inclusive
}

// recapGroup computes the rows of months (in order) for people of OPD opd (emps, as
// store.Employees lists them), month by month, reading ahead once what each asks for over all of
// them: a year's recap reads each person's leave, report days and first report once, not twelve
// times. Only their days at opd count: someone transferred in has a row for the days since; with
// leavers, those transferred out of opd in the months have a row for their days there. Months not
// begun by today have no rows.
func (r *request) recapGroup(months []calendar.Month, opd string, emps []store.Employee, leavers bool) ([]export.RecapRow, error) {
	for len(months) > 0 && months[len(months)-1].First().Time().After(r.today) {
		months = months[:len(months)-1]
	}
	if len(months) == 0 {
		return nil, nil
	}
	if leavers {
		var err error
		if emps, err = r.withLeavers(opd, months[0].First(), emps); err != nil {
			return nil, err
		}
	}
	if len(emps) == 0 {
		return nil, nil
	}
	restore, err := r.preload(emps, store.Preload{From: months[0].First().String(), To: months[len(months)-1].Last().String(),
		Year: months[0].Year, Anchors: true, NoContracts: true})
	if err != nil {
		return nil, err
	}
	defer restore()
	reopenings, err := r.tx.Reopenings(r.ctx, "", dateKey(r.today))
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for i := range emps {
		names[emps[i].NIP] = emps[i].Name
	}
	var rows []export.RecapRow
	for _, m := range months {
		rs, err := r.recapMonth(m, opd, emps, names, reopenings)
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs...)
	}
	return rows, nil
}

// recapMonth computes month m's rows of emps, on what recapGroup read ahead.
func (r *request) recapMonth(m calendar.Month, opd string, emps []store.Employee, names map[string]string, reopenings []store.Reopening) ([]export.RecapRow, error) {
	first, last := m.First().Time(), m.Last().Time()
	var segs []recapSegment
	for i := range emps {
		s, err := r.recapSegments(&emps[i], first, last)
		if err != nil {
			return nil, err
		}
		for _, seg := range s {
			if seg.emp.OPDCode == opd {
				segs = append(segs, seg)
			}
		}
	}
	// The counts of everyone whose segment is the whole month in one read; others each alone.
	var whole []string
	for _, s := range segs {
		if s.from.Equal(first) && s.to.Equal(last) {
			whole = append(whole, s.emp.NIP)
		}
	}
	counts, err := r.tx.RecapCounts(r.ctx, whole, dateKey(first), dateKey(last))
	if err != nil {
		return nil, err
	}
	closed := r.e.closing().Closed(m, calendar.Of(r.today))
	reopened := map[string]bool{}
	for _, ro := range reopenings {
		if ro.Month == m.String() {
			reopened[ro.NIP] = true
		}
	}
	var rows []export.RecapRow
	for _, s := range segs {
		c := counts[s.emp.NIP]
		if !s.from.Equal(first) || !s.to.Equal(last) {
			one, err := r.tx.RecapCounts(r.ctx, []string{s.emp.NIP}, dateKey(s.from), dateKey(s.to))
			if err != nil {
				return nil, err
			}
			c = one[s.emp.NIP]
		}
		row, ok, err := r.recapRow(m, s, c, names)
		if err != nil {
			return nil, err
		}
		if ok {
			row.Final = closed && !reopened[s.emp.NIP]
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// recapSegments returns emp's posts over first..last: one, the whole month at their post today,
// unless a transfer (transfers.go) divides it.
func (r *request) recapSegments(emp *store.Employee, first, last time.Time) ([]recapSegment, error) {
	return r.postsBetween(emp, first, last)
}

// withLeavers adds to emps (the people of opd now) those who left opd on since or after.
func (r *request) withLeavers(opd string, since calendar.Date, emps []store.Employee) ([]store.Employee, error) {
	ps, err := r.tx.PostingsSince(r.ctx, "", since.String())
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for i := range emps {
		in[emps[i].NIP] = true
	}
	out := emps
	for _, p := range ps {
		if p.OPDCode != opd || in[p.NIP] {
			continue
		}
		e, err := r.tx.Employee(r.ctx, p.NIP)
		if err != nil {
			return nil, err
		}
		in[p.NIP] = true
		out = append(out[:len(out):len(out)], e)
	}
	return out, nil
}

// recapRow computes one segment's row; false when the person was not yet in post in it.
func (r *request) recapRow(m calendar.Month, s recapSegment, c store.RecapCount, names map[string]string) (export.RecapRow, bool, error) {
	emp := &s.emp
	start, _, err := r.complianceStart(emp)
	if err != nil {
		return export.RecapRow{}, false, err
	}
	from := s.from
	if start.After(from) {
		from = start
	}
	to := s.to
	reported, err := r.tx.ReportDates(r.ctx, emp.NIP, dateKey(s.from), dateKey(s.to))
	if err != nil {
		return export.RecapRow{}, false, err
	}
	if !to.Before(r.today) {
		to = r.today
		if !reported[dateKey(r.today)] {
			to = r.today.AddDate(0, 0, -1) // today is not over: it counts once reported
		}
	}
	if from.After(s.to) {
		return export.RecapRow{}, false, nil // not in post yet that month
	}
	cal, err := r.calendarFor(emp, s.from, s.to)
	if err != nil {
		return export.RecapRow{}, false, err
	}
	sp := cal.count(from, to, reported)
	opd, err := r.tx.OPD(r.ctx, emp.OPDCode)
	if err != nil {
		return export.RecapRow{}, false, err
	}
	sup := ""
	if nip, err := r.supervisorOf(emp); err != nil {
		return export.RecapRow{}, false, err
	} else if nip != "" {
		if sup = names[nip]; sup == "" {
			if e, err := r.tx.Employee(r.ctx, nip); err == nil {
				sup = e.Name
			}
		}
	}
	minutes := c.MinutesApproved
	if !r.e.opt.MinutesApprovedOnly {
		minutes += c.MinutesSubmitted
	}
	row := export.RecapRow{Month: m.String(), NIP: emp.NIP, Name: emp.Name, Eselon: emp.Eselon, Position: emp.Position,
		OPDCode: opd.Code, OPD: opd.Name, Supervisor: sup, From: dateKey(from), To: dateKey(to),
		WorkDays: sp.Work, ReportedDays: sp.Reported, Reports: c.Approved + c.Returned + c.Rejected + c.Unchecked,
		Validation: r.e.opt.RequireApproval, Approved: c.Approved, Returned: c.Returned, Rejected: c.Rejected,
		Unchecked: c.Unchecked, Minutes: minutes, Threshold: r.e.monthMinutesThreshold(sp.Work)}
	if to.Before(from) {
		row.To = row.From // nothing counted yet: the first day of the month, today
	}
	if sp.Work > 0 {
		row.K, row.KMeasured = 100*float64(sp.Reported)/float64(sp.Work), true
	}
	return row, true, nil
}

// recapReaders is how many OPDs the recap reads at once (the standard machine's two cores), and
// recapAhead how many are read ahead of the one being written.
const (
	recapReaders = 2
	recapAhead   = 3
)

// MonthlyRecap writes the recap of months (in order) to sink: of one OPD (by code), or of every
// OPD for "", as the city stands at the engine's clock. Each OPD is read on a snapshot of its
// own, two at a time, and written in the OPDs' order: by OPD, then month, then person.
func (e *Engine) MonthlyRecap(ctx context.Context, months []calendar.Month, opd string, sink export.RecapSink) error {
	at := e.clock.Now()
	var groups [][]store.Employee
	err := e.store.View(ctx, func(tx *store.Tx) error {
		emps, err := tx.Employees(ctx, opd)
		groups = byOPD(emps)
		return err
	})
	if err != nil {
		return err
	}
	read := func(ctx context.Context, i int) ([]export.RecapRow, error) {
		var rows []export.RecapRow
		err := e.store.View(ctx, func(tx *store.Tx) error {
			r := e.jobRequest(ctx, tx, at)
			var err error
			rows, err = r.recapGroup(months, groups[i][0].OPDCode, groups[i], true)
			return err
		})
		return rows, err
	}
	return inOrder(ctx, len(groups), recapReaders, recapAhead, read, func(_ int, rows []export.RecapRow) error {
		for _, row := range rows {
			if err := sink.Add(row); err != nil {
				return err
			}
		}
		return nil
	})
}
