package flows

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chart"
	"github.com/lapkin-id/lapkin/store"
)

// weekDigest is what an OPD's weekly digest shows (UX.md): compliance, reports per day, the most
// consistent reporters, who did not report at all, targets on track and behind, unsigned contracts.
type weekDigest struct {
	opd       store.OPD
	from, to  time.Time // the OPD's working week up to the digest's day
	days      []digestDay
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
	persons   []chart.Person // compliance per person, best first, for the chart
}

type digestDay struct {
	date      time.Time
	reports   int
	reporters int // distinct people who reported that day
	headcount int // people with a working day that day
}

// buildDigest computes the digest of an OPD for the week of day `at`, counting up to that day.
func (r *request) buildDigest(opdCode string, at time.Time) (*weekDigest, error) {
	day := civil(at)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	return r.buildDigestRange(opdCode, monday, day)
}

// buildDigestRange computes the digest of an OPD over from..to: a week, or a month for
// /rekap bulan. The threshold of "reported at least n days" is all the OPD's working days but one.
func (r *request) buildDigestRange(opdCode string, from, to time.Time) (*weekDigest, error) {
	opd, err := r.tx.OPD(r.ctx, opdCode)
	if err != nil {
		return nil, err
	}
	d := &weekDigest{opd: opd, from: from, to: to}
	if to.Sub(from) < 7*24*time.Hour {
		// A week ends with the OPD's last working weekday: a Friday digest of a five-day OPD
		// counts Monday to Friday.
		if last := from.AddDate(0, 0, opd.WorkDays-1); last.Before(d.to) {
			d.to = last
		}
	}
	opdCal, err := r.calendarFor(&store.Employee{OPDCode: opd.Code}, d.from, d.to)
	if err != nil {
		return nil, err
	}
	var opdDays []time.Time
	for t := d.from; !t.After(d.to); t = t.AddDate(0, 0, 1) {
		if opdCal.kind(t) == dayWork {
			opdDays = append(opdDays, t)
			d.days = append(d.days, digestDay{date: t})
		}
	}
	d.threshold = max(1, len(opdDays)-1)
	emps, err := r.tx.Employees(r.ctx, opd.Code)
	if err != nil {
		return nil, err
	}
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
		for j := range d.days {
			if cal.kind(d.days[j].date) == dayWork {
				d.days[j].headcount++
				if reportedOn[dateKey(d.days[j].date)] {
					d.days[j].reporters++
				}
			}
		}
		sp := cal.count(d.from, d.to, reportedOn)
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
		due, _ := time.Parse("2006-01-02", t.DueDate)
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
	lines := []string{
		r.tl(lang, "digest.title", catalog.Args{"OPD": d.opd.Name, "Code": d.opd.Code, "From": FormatDate(lang, d.from), "To": FormatDate(lang, d.to)}),
		r.tl(lang, "digest.compliance", catalog.Args{"Pct": FormatPercent(pct), "Steady": d.steady, "People": d.people, "Days": d.threshold}),
	}
	var perDay []string
	for _, day := range d.days {
		perDay = append(perDay, fmt.Sprintf("%s %d", dayAbbrev(lang, day.date.Weekday()), day.reports))
	}
	if len(perDay) > 0 {
		lines = append(lines, r.tl(lang, "digest.per_day", catalog.Args{"Days": strings.Join(perDay, " · ")}))
	}
	if len(d.top) > 0 {
		lines = append(lines, r.tl(lang, "digest.top", catalog.Args{"Names": strings.Join(d.top, ", ")}))
	}
	if showMissing && len(d.missing) > 0 {
		lines = append(lines, r.tl(lang, "digest.missing", catalog.Args{"Count": len(d.missing), "Names": strings.Join(d.missing, ", ")}))
	}
	lines = append(lines, r.tl(lang, "digest.targets", catalog.Args{"OnTrack": d.onTrack, "Behind": d.behind}))
	if len(d.unsigned) > 0 {
		lines = append(lines, r.tl(lang, "digest.unsigned", catalog.Args{"Count": len(d.unsigned), "Names": strings.Join(d.unsigned, ", ")}))
	}
	return strings.Join(lines, "\n")
}

// digestChart draws the digest's chart in lang, titled like the text.
func (r *request) digestChart(lang string, d *weekDigest) ([]byte, error) {
	c := chart.Digest{
		Title: r.tl(lang, "digest.chart_title", catalog.Args{"Code": d.opd.Code, "From": FormatDate(lang, d.from), "To": FormatDate(lang, d.to)}),
		Lang:  lang, People: d.persons,
		Labels: chart.Labels{ReportsPerDay: r.tl(lang, "digest.chart_reports", nil), ReportersPerDay: r.tl(lang, "digest.chart_reporters", nil),
			Compliance: r.tl(lang, "digest.chart_compliance", nil), Percent: r.tl(lang, "digest.chart_percent", nil),
			NoData: r.tl(lang, "digest.chart_no_data", nil), More: r.tl(lang, "digest.chart_more", nil)},
	}
	for _, day := range d.days {
		c.Days = append(c.Days, chart.Day{Label: dayAbbrev(lang, day.date.Weekday()) + " " + day.date.Format("2/1"),
			Reports: day.reports, Reporters: day.reporters, Headcount: day.headcount})
	}
	return chart.PNG(c)
}

// digestReplies is the digest for one chat: the text, then the chart as a photo with its title.
func (r *request) digestReplies(to bot.ChatRef, lang string, d *weekDigest, showMissing bool) ([]bot.Reply, error) {
	png, err := r.digestChart(lang, d)
	if err != nil {
		return nil, err
	}
	return []bot.Reply{
		{To: to, Text: r.digestText(lang, d, showMissing)},
		{To: to, Text: r.tl(lang, "digest.chart_caption", catalog.Args{"Code": d.opd.Code}), Photo: png,
			PhotoName: "rekap-" + strings.ToLower(d.opd.Code) + "-" + dateKey(d.to) + ".png"},
	}, nil
}

// digest sends each OPD its weekly digest: to its bound groups, or privately to its head when no
// group is bound. One ledger row per OPD and ISO week.
func (e *Engine) digest(ctx context.Context, at time.Time) error {
	err := e.store.Update(ctx, func(tx *store.Tx) error {
		r := e.jobRequest(ctx, tx, at)
		period := weekPeriod(r)
		opds, err := tx.OPDs(ctx)
		if err != nil {
			return err
		}
		for _, o := range opds {
			if ok, err := tx.ClaimNotice(ctx, JobDigest, period, "opd:"+o.Code, r.now); err != nil || !ok {
				if err != nil {
					return err
				}
				continue
			}
			d, err := r.buildDigest(o.Code, r.today)
			if err != nil {
				return err
			}
			groups, err := tx.OPDGroups(ctx, o.Code)
			if err != nil {
				return err
			}
			for _, g := range groups {
				reps, err := r.digestReplies(bot.ChatRef{Net: g.Net, ID: g.ChatID}, e.opt.Language, d, e.opt.ShowMissing)
				if err != nil {
					return err
				}
				r.out = append(r.out, reps...)
			}
			if len(groups) > 0 {
				continue
			}
			emps, err := tx.Employees(ctx, o.Code)
			if err != nil {
				return err
			}
			for _, emp := range emps {
				if emp.Role != store.RoleKepala {
					continue
				}
				if err := r.sendDigestTo(&emp, d); err != nil {
					return err
				}
			}
		}
		return r.flush()
	})
	if err == nil {
		e.queued()
	}
	return err
}

// sendDigestTo sends the digest privately to every registered account of emp, in their language.
func (r *request) sendDigestTo(emp *store.Employee, d *weekDigest) error {
	ids, err := r.tx.IdentitiesOf(r.ctx, emp.NIP)
	if err != nil {
		return err
	}
	lang := r.e.opt.Language
	if emp.Language != "" {
		lang = catalog.Lang(emp.Language)
	}
	for _, id := range ids {
		if id.Unreachable {
			continue
		}
		reps, err := r.digestReplies(bot.ChatRef{Net: id.Net, ID: id.ExternalID}, lang, d, r.e.opt.ShowMissing)
		if err != nil {
			return err
		}
		r.out = append(r.out, reps...)
	}
	return nil
}

// cmdDigest is /rekap: the digest of the sender's OPD for this week, privately, on demand, with the
// same text and chart as the group's.
func cmdDigest(r *request, args string) error {
	var d *weekDigest
	var err error
	switch strings.ToLower(strings.TrimSpace(args)) {
	case "", "minggu", "week":
		d, err = r.buildDigest(r.who.OPDCode, r.today)
	case "bulan", "month":
		d, err = r.buildDigestRange(r.who.OPDCode, time.Date(r.today.Year(), r.today.Month(), 1, 0, 0, 0, 0, time.UTC), r.today)
	default:
		return invalid("digest.format", nil)
	}
	if err != nil {
		return err
	}
	reps, err := r.digestReplies(r.msg.Chat, r.lang, d, r.e.opt.ShowMissing)
	if err != nil {
		return err
	}
	r.out = append(r.out, reps...)
	return nil
}
