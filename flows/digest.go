package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chart"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// weekDigest is what an OPD's weekly digest shows (UX.md): compliance, reports per day, the most
// consistent reporters, who did not report at all, targets on track and behind, unsigned contracts.
type weekDigest struct {
	opd       store.OPD
	from, to  time.Time        // the OPD's working week up to the digest's day
	monthly   bool             // /rekap bulan: the month so far, drawn by week
	team      string           // whose team, when the digest is of a supervisor's direct reports only
	members   []store.Employee // nil: everyone in the OPD
	days      []digestDay
	weeks     []digestDay // monthly only: the month's weeks, date being each week's first day
	people    int
	workDays  int // person-days of work in the week
	reported  int // of them, with a report
	threshold int // "reported at least n days"
	steady    int // people reaching the threshold (or all their days, when on leave)
	top       []string
	missing   []string
	onTrack   int
	behind    int
	unsigned  []string
	persons   []chart.Person  // compliance per person, best first, for the chart
	minutes   []personMinutes // effective minutes per person, when [kinerja] sets a threshold
}

// personMinutes is one person's effective minutes over a digest's days, and their threshold.
type personMinutes struct {
	name               string
	minutes, threshold int
}

type digestDay struct {
	date      time.Time
	last      time.Time // weeks only: the week's last day in the period
	off       string    // the holiday's name when the OPD does not work that day
	reports   int
	reporters int // distinct people who reported that day (that week, for a week)
	headcount int // people with a working day that day (that week, for a week)
}

// buildDigest computes the digest of an OPD for the week of day `at`, counting up to that day.
func (r *request) buildDigest(opdCode string, at time.Time) (*weekDigest, error) {
	day := civil(at)
	monday := calendar.Of(day).Monday().Time()
	return r.buildDigestRange(&weekDigest{}, opdCode, monday, day)
}

// buildDigestRange fills d, the digest of an OPD over from..to: a week, or a month (d.monthly) for
// /rekap bulan, of everyone in the OPD or of d.members only. The threshold of "reported at least n
// days" is all the OPD's working days but one.
func (r *request) buildDigestRange(d *weekDigest, opdCode string, from, to time.Time) (*weekDigest, error) {
	opd, err := r.tx.OPD(r.ctx, opdCode)
	if err != nil {
		return nil, err
	}
	d.opd, d.from, d.to = opd, from, to
	if !d.monthly {
		// A week ends with the OPD's last working weekday: a Friday digest of a five-day OPD
		// counts Monday to Friday.
		if last := calendar.WeekEnd(calendar.Of(from), opd.WorkDays).Time(); last.Before(d.to) {
			d.to = last
		}
	}
	opdCal, err := r.calendarFor(&store.Employee{OPDCode: opd.Code}, d.from, d.to)
	if err != nil {
		return nil, err
	}
	var opdDays []time.Time
	for t := d.from; !t.After(d.to); t = t.AddDate(0, 0, 1) {
		switch opdCal.kind(t) {
		case dayWork:
			opdDays = append(opdDays, t)
			d.days = append(d.days, digestDay{date: t})
		case dayHoliday:
			// Shown as a holiday rather than dropped: a week of four bars otherwise reads as a
			// missing day.
			d.days = append(d.days, digestDay{date: t, off: opdCal.holiday(t)})
		}
	}
	if d.monthly {
		for _, day := range d.days {
			if n := len(d.weeks); n > 0 && sameISOWeek(d.weeks[n-1].date, day.date) {
				d.weeks[n-1].last = day.date
				continue
			}
			d.weeks = append(d.weeks, digestDay{date: day.date, last: day.date})
		}
	}
	d.threshold = max(1, len(opdDays)-1)
	emps := d.members
	if emps == nil {
		if emps, err = r.tx.Employees(r.ctx, opd.Code); err != nil {
			return nil, err
		}
	}
	restore, err := r.preload(emps, store.Preload{From: dateKey(d.from), To: dateKey(d.to), Year: d.to.Year(),
		Reports: true, RealisedAt: func(string) string { return dateKey(d.to) }})
	if err != nil {
		return nil, err
	}
	defer restore()
	type standing struct {
		name          string
		days, reports int
	}
	var ranks []standing
	for i := range emps {
		emp := &emps[i]
		d.people++
		cal, err := r.calendarFor(emp, d.from, d.to)
		if err != nil {
			return nil, err
		}
		// Compliance counts from the person's compliance start, as /progres and /evaluate count it:
		// the days before someone took up their post are not days they missed.
		from := d.from
		if start, _, err := r.complianceStart(emp); err != nil {
			return nil, err
		} else if start.After(from) {
			from = start
		}
		reps, err := r.tx.ReportsBetween(r.ctx, emp.NIP, dateKey(d.from), dateKey(d.to))
		if err != nil {
			return nil, err
		}
		reportedOn := map[string]bool{}
		count := 0
		for _, rep := range reps {
			if rep.Status == store.ReportReturned {
				continue
			}
			reportedOn[rep.LocalDate] = true
			count++
			for j := range d.days {
				if dateKey(d.days[j].date) == rep.LocalDate {
					d.days[j].reports++
				}
			}
		}
		worked, reported := map[int]bool{}, map[int]bool{} // by week index, monthly only
		for j := range d.days {
			if cal.kind(d.days[j].date) == dayWork && !d.days[j].date.Before(from) {
				d.days[j].headcount++
				w := weekIndex(d.weeks, d.days[j].date)
				worked[w] = true
				if reportedOn[dateKey(d.days[j].date)] {
					d.days[j].reporters++
					reported[w] = true
				}
			}
		}
		for w := range d.weeks {
			if worked[w] {
				d.weeks[w].headcount++
			}
			if reported[w] {
				d.weeks[w].reporters++
			}
		}
		sp := cal.count(from, d.to, reportedOn)
		if sp.Work > 0 {
			d.persons = append(d.persons, chart.Person{Name: emp.Name, Pct: 100 * float64(sp.Reported) / float64(sp.Work)})
		}
		d.workDays += sp.Work
		d.reported += sp.Reported
		if sp.Reported >= min(d.threshold, sp.Work) && sp.Work > 0 || sp.Work == 0 {
			d.steady++
		}
		if sp.Work > 0 && sp.Reported == 0 {
			d.missing = append(d.missing, emp.Name)
		}
		ranks = append(ranks, standing{emp.Name, sp.Reported, count})
		if r.e.minutesConfigured() {
			pm := personMinutes{name: emp.Name, minutes: r.e.sumMinutes(reps), threshold: r.e.opt.MinutesDay * sp.Work}
			if d.monthly {
				pm.threshold = r.e.monthMinutesThreshold(sp.Work)
			}
			d.minutes = append(d.minutes, pm)
		}

		c, err := r.tx.SignedContract(r.ctx, emp.NIP, d.to.Year())
		if errors.Is(err, store.ErrNotFound) {
			d.unsigned = append(d.unsigned, emp.Name)
			continue
		}
		if err != nil {
			return nil, err
		}
		standing, err := r.targetStanding(&c, d.to)
		if err != nil {
			return nil, err
		}
		d.onTrack += standing[0]
		d.behind += standing[1]
	}
	for _, day := range d.days {
		if w := weekIndex(d.weeks, day.date); w >= 0 && day.off == "" {
			d.weeks[w].reports += day.reports
		}
	}
	sort.SliceStable(d.persons, func(i, j int) bool { return d.persons[i].Pct > d.persons[j].Pct })
	sort.SliceStable(ranks, func(i, j int) bool {
		if ranks[i].days != ranks[j].days {
			return ranks[i].days > ranks[j].days
		}
		return ranks[i].reports > ranks[j].reports
	})
	for _, s := range ranks {
		if len(d.top) == 3 || s.days == 0 {
			break
		}
		d.top = append(d.top, s.name)
	}
	return d, nil
}

// sameISOWeek reports whether a and b fall in the same Monday-to-Sunday week: the same Monday.
func sameISOWeek(a, b time.Time) bool { return calendar.Of(a).Monday() == calendar.Of(b).Monday() }

// weekIndex is the index of the week of weeks that holds day, -1 when none does.
func weekIndex(weeks []digestDay, day time.Time) int {
	for i, w := range weeks {
		if !day.Before(w.date) && !day.After(w.last) {
			return i
		}
	}
	return -1
}

// targetStanding counts a contract's targets on track and behind at day `at`.
func (r *request) targetStanding(c *store.Contract, at time.Time) ([2]int, error) {
	var out [2]int
	signed := civil(c.SignedAt.In(r.e.opt.Location))
	var ids []int64
	for _, t := range c.Targets {
		ids = append(ids, t.ID)
	}
	done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(at), r.e.opt.RequireApproval)
	if err != nil {
		return out, err
	}
	for _, t := range c.Targets {
		due, err := storedDate(t.DueDate)
		if err != nil {
			return out, fmt.Errorf("target %d: %w", t.ID, err)
		}
		if done[t.ID]+1e-9 >= t.Quantity*expectedFraction(signed, due, at) {
			out[0]++
		} else {
			out[1]++
		}
	}
	return out, nil
}

// digestText renders a digest in lang, to read in 20 seconds.
func (r *request) digestText(lang string, d *weekDigest, showMissing bool) string {
	pct := 0.0
	if d.workDays > 0 {
		pct = 100 * float64(d.reported) / float64(d.workDays)
	}
	titleKey := "digest.title"
	if d.monthly {
		titleKey = "digest.title_month"
	}
	lines := []string{
		r.tl(lang, titleKey, catalog.Args{"OPD": d.opd.Name, "Code": d.opd.Code, "From": FormatDate(lang, d.from), "To": FormatDate(lang, d.to), "Team": d.team,
			"Month": monthName(lang, d.from.Month()) + " " + itoa(d.from.Year())}),
		r.tl(lang, "digest.compliance", catalog.Args{"Pct": FormatPercent(pct), "Steady": d.steady, "People": d.people, "Days": d.threshold}),
	}
	var perDay []string
	for _, day := range d.days {
		if day.off != "" {
			perDay = append(perDay, dayAbbrev(lang, day.date.Weekday())+" "+r.tl(lang, "digest.holiday_short", nil))
			continue
		}
		perDay = append(perDay, fmt.Sprintf("%s %d", dayAbbrev(lang, day.date.Weekday()), day.reports))
	}
	switch {
	case d.monthly:
		var perWeek []string
		for _, w := range d.weeks {
			perWeek = append(perWeek, weekLabel(lang, w.date, w.last)+" "+itoa(w.reports))
		}
		if len(perWeek) > 0 {
			lines = append(lines, r.tl(lang, "digest.per_week", catalog.Args{"Weeks": strings.Join(perWeek, " · ")}))
		}
	case len(perDay) > 0:
		lines = append(lines, r.tl(lang, "digest.per_day", catalog.Args{"Days": strings.Join(perDay, " · ")}))
	}
	if len(d.top) > 0 {
		lines = append(lines, r.tl(lang, "digest.top", catalog.Args{"Names": joinNames(d.top)}))
	}
	if showMissing && len(d.missing) > 0 {
		lines = append(lines, r.tl(lang, "digest.missing", catalog.Args{"Count": len(d.missing), "Names": joinNames(d.missing)}))
	}
	if len(d.minutes) > 0 {
		lines = append(lines, r.digestMinutes(lang, d))
	}
	lines = append(lines, r.tl(lang, "digest.targets", catalog.Args{"OnTrack": d.onTrack, "Behind": d.behind}))
	if len(d.unsigned) > 0 {
		lines = append(lines, r.tl(lang, "digest.unsigned", catalog.Args{"Count": len(d.unsigned), "Names": joinNames(d.unsigned)}))
	}
	return strings.Join(lines, "\n")
}

// digestMinutesNames is how many people the digest's line of effective minutes names.
const digestMinutesNames = 15

// digestMinutes is the digest's line of effective minutes: each person's minutes over the days
// (and their share of their threshold), most first.
func (r *request) digestMinutes(lang string, d *weekDigest) string {
	ms := append([]personMinutes(nil), d.minutes...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].minutes > ms[j].minutes })
	var items []string
	for i, m := range ms {
		if i == digestMinutesNames {
			items = append(items, r.tl(lang, "team.more", catalog.Args{"Count": len(ms) - i}))
			break
		}
		items = append(items, r.tl(lang, "minutes.digest_item", catalog.Args{"Name": m.name,
			"Minutes": FormatNumber(float64(m.minutes)), "Pct": minutesPct(m.minutes, m.threshold)}))
	}
	return r.tl(lang, "minutes.digest", catalog.Args{"Threshold": formatThreshold(r.e.opt.MinutesDay), "List": joinNames(items)})
}

// digestChart draws the digest's chart in lang, titled like the text.
func (r *request) digestChart(lang string, d *weekDigest) ([]byte, error) {
	titleKey, reportsKey := "digest.chart_title", "digest.chart_reports"
	if d.monthly {
		titleKey, reportsKey = "digest.chart_title_month", "digest.chart_reports_week"
	}
	c := chart.Digest{
		Title: r.tl(lang, titleKey, catalog.Args{"Code": d.opd.Code, "From": FormatDate(lang, d.from), "To": FormatDate(lang, d.to),
			"Month": monthName(lang, d.from.Month()) + " " + itoa(d.from.Year())}),
		Lang: lang, People: d.persons,
		Labels: chart.Labels{ReportsPerDay: r.tl(lang, reportsKey, nil), ReportersPerDay: r.tl(lang, "digest.chart_reporters", nil),
			Compliance: r.tl(lang, "digest.chart_compliance", nil), Percent: r.tl(lang, "digest.chart_percent", nil),
			NoData: r.tl(lang, "digest.chart_no_data", nil), More: r.tl(lang, "digest.chart_more", nil),
			NoReports: r.tl(lang, "digest.chart_no_reports", catalog.Args{"Month": d.monthly})},
	}
	if d.monthly {
		for _, w := range d.weeks {
			c.Days = append(c.Days, chart.Day{Label: weekLabel(lang, w.date, w.last), Reports: w.reports, Reporters: w.reporters, Headcount: w.headcount})
		}
		return chart.PNG(c)
	}
	for _, day := range d.days {
		cd := chart.Day{Label: dayAbbrev(lang, day.date.Weekday()) + " " + day.date.Format("2/1"),
			Reports: day.reports, Reporters: day.reporters, Headcount: day.headcount}
		if day.off != "" {
			cd = chart.Day{Label: cd.Label, Off: r.tl(lang, "digest.holiday_short", nil)}
		}
		c.Days = append(c.Days, cd)
	}
	return chart.PNG(c)
}

// digestReplies is the digest for one chat: the text, then the chart as a photo with its title.
func (r *request) digestReplies(to chat.ChatRef, lang string, d *weekDigest, showMissing bool) ([]chat.Reply, error) {
	png, err := r.digestChart(lang, d)
	if err != nil {
		return nil, err
	}
	captionKey, name := "digest.chart_caption", "rekap-"+strings.ToLower(d.opd.Code)+"-"+dateKey(d.to)+".png"
	if d.monthly {
		captionKey, name = "digest.chart_caption_month", "rekap-bulan-"+strings.ToLower(d.opd.Code)+"-"+d.from.Format("2006-01")+".png"
	}
	return []chat.Reply{
		{To: to, Text: r.digestText(lang, d, showMissing)},
		{To: to, Text: r.tl(lang, captionKey, catalog.Args{"Code": d.opd.Code}), Photo: png, PhotoName: name},
	}, nil
}

// weekLabel names a week of a monthly recap: "2–6 Nov", "30 Nov–4 Des", or one date.
func weekLabel(lang string, from, last time.Time) string {
	short := func(m time.Month) string { return monthName(lang, m)[:3] }
	switch {
	case from.Equal(last):
		return itoa(from.Day()) + " " + short(from.Month())
	case from.Month() == last.Month():
		return itoa(from.Day()) + "–" + itoa(last.Day()) + " " + short(last.Month())
	}
	return itoa(from.Day()) + " " + short(from.Month()) + "–" + itoa(last.Day()) + " " + short(last.Month())
}

// SaturdaySpec is the schedule of JobDigestSaturday derived from the digest's: the same minute and
// hour, on Saturday. It is empty when spec does not have the five fields of a cron spec.
func SaturdaySpec(spec string) string {
	f := strings.Fields(spec)
	if len(f) != 5 {
		return ""
	}
	return f[0] + " " + f[1] + " * * 6"
}

// digest sends each OPD its weekly digest: to its bound groups, or privately to its head when no
// group is bound. One ledger row per OPD and ISO week, shared by both runs: a six-day OPD's week
// ends on Saturday, so a weekday run (JobDigest, Friday by default) leaves it to the Saturday run
// (JobDigestSaturday), which sends only theirs.
func (e *Engine) digest(ctx context.Context, at time.Time, saturday bool) error {
	var opds []store.OPD
	err := e.store.View(ctx, func(tx *store.Tx) (err error) {
		opds, err = tx.OPDs(ctx)
		return err
	})
	if err != nil {
		return err
	}
	// Each OPD's digest is read in a read transaction of its own, then claimed and queued in a
	// short write: the reading never holds up an incoming report. Two OPDs are read at a time
	// (drawing a chart is a tenth of a second of one core) and written in their order.
	period := weekPeriod(e.jobRequest(ctx, nil, at))
	return e.readInOrder(ctx, at, len(opds), func(ctx context.Context, i int, b *noticeBatch) error {
		b.job, b.period = JobDigest, period
		return e.store.View(ctx, func(tx *store.Tx) error { return e.readDigest(ctx, tx, at, saturday, opds[i], b) })
	})
}

// readDigest reads one OPD's digest for the run at `at` into b, unless it is not this run's or
// was sent already.
func (e *Engine) readDigest(ctx context.Context, tx *store.Tx, at time.Time, saturday bool, o store.OPD, b *noticeBatch) error {
	r := e.jobRequest(ctx, tx, at)
	sixDay := o.WorkDays == 6
	if saturday && !sixDay || !saturday && sixDay && r.today.Weekday() != time.Saturday && r.today.Weekday() != time.Sunday {
		return nil
	}
	if ok, err := b.claim(r, "opd:"+o.Code); err != nil || !ok {
		return err
	}
	defer b.take(r)
	d, err := r.buildDigest(o.Code, r.today)
	if err != nil {
		return err
	}
	groups, err := tx.OPDGroups(ctx, o.Code)
	if err != nil {
		return err
	}
	for _, g := range groups {
		reps, err := r.digestReplies(chat.ChatRef{Net: g.Net, ID: g.ChatID}, e.opt.Language, d, e.opt.ShowMissing)
		if err != nil {
			return err
		}
		r.out = append(r.out, reps...)
	}
	if len(groups) > 0 && len(e.opt.DigestToHeads) == 0 {
		return nil
	}
	emps, err := tx.Employees(ctx, o.Code)
	if err != nil {
		return err
	}
	for _, emp := range emps {
		if emp.Role != store.RoleKepala {
			continue
		}
		if err := r.sendDigestTo(&emp, d, len(groups) == 0); err != nil {
			return err
		}
	}
	return nil
}

// sendDigestTo sends the digest privately to emp, in their language: on the account they used
// last when the OPD has no group (private is then the only way), and on their account of each
// network that carries digests to heads (Options.DigestToHeads), once per account.
func (r *request) sendDigestTo(emp *store.Employee, d *weekDigest, noGroup bool) error {
	ids, err := r.tx.IdentitiesOf(r.ctx, emp.NIP)
	if err != nil {
		return err
	}
	lang := r.e.opt.Language
	if emp.Language != "" {
		lang = catalog.Lang(emp.Language)
	}
	var to []chat.ChatRef
	if last, ok := noticeAccount(ids); ok && noGroup {
		to = append(to, last)
	}
	for _, id := range ids {
		ref := chat.ChatRef{Net: id.Net, ID: id.ExternalID}
		if !id.Unreachable && slices.Contains(r.e.opt.DigestToHeads, id.Net) && !slices.Contains(to, ref) {
			to = append(to, ref)
		}
	}
	for _, ref := range to {
		reps, err := r.digestReplies(ref, lang, d, r.e.opt.ShowMissing)
		if err != nil {
			return err
		}
		r.out = append(r.out, reps...)
	}
	return nil
}

// cmdDigest is /rekap: the digest of the sender's OPD for this week, privately, on demand, with the
// same text and chart as the group's. Its sub-verbs: /rekap minggu (the same), /rekap bulan
// [bulan|OPD] (this month's, or a month's recap) and /rekap tahun (the city's year).
func cmdDigest(r *request, args string) error {
	if strings.TrimSpace(args) != "" {
		return invalid("digest.format", nil)
	}
	return r.digest(false)
}

// cmdDigestWeek is /rekap minggu, as bare /rekap.
func cmdDigestWeek(r *request, args string) error { return cmdDigest(r, args) }

// cmdDigestMonth is /rekap bulan: this month's digest; with a month or an OPD named, its recap alone.
func cmdDigestMonth(r *request, args string) error {
	if words := strings.Fields(strings.ToLower(args)); len(words) > 0 {
		return cmdMonthRecap(r, words)
	}
	return r.digest(true)
}

// cmdDigestYear is /rekap tahun: the city's figure per OPD (admins).
func cmdDigestYear(r *request, args string) error {
	return cmdYearRecap(r, strings.Fields(strings.ToLower(args)))
}

// digest answers with the digest of the sender's OPD (or their own team) for this week or month.
func (r *request) digest(monthly bool) error {
	d := &weekDigest{}
	if !r.isAdmin() && r.who.Role != store.RoleKepala {
		// A supervisor who is not the head sees their own team, as in /tim.
		d.members = r.mySubordinates()
		if d.members == nil {
			d.members = []store.Employee{}
		}
		d.team = r.salutation(r.who)
	}
	var err error
	today := r.today
	if monthly {
		d.monthly = true
		d, err = r.buildDigestRange(d, r.who.OPDCode, time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC), today)
	} else {
		monday := calendar.Of(today).Monday().Time()
		d, err = r.buildDigestRange(d, r.who.OPDCode, monday, today)
	}
	if err != nil {
		return err
	}
	reps, err := r.digestReplies(r.msg.Chat, r.lang, d, r.e.opt.ShowMissing)
	if err != nil {
		return err
	}
	r.out = append(r.out, reps...)
	if d.monthly {
		return cmdMonthRecap(r, nil) // and the month's recap per person, with its workbook
	}
	return nil
}
