package flows

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/store"
)

// JobMonthlyRecap sends each OPD's group the recap of the month that closed ([schedule]
// monthly_recap, [kinerja] close_day).
const JobMonthlyRecap = "monthly_recap"

// recapLines is how many people the chat's recap names; the workbook holds everyone.
const recapLines = 25

// recapTotals sums a recap's rows: what a group reads in one line.
type recapTotals struct {
	people, work, reported, reports         int
	approved, returned, rejected, unchecked int
	validation                              bool
	withThreshold, met                      int
	final                                   bool
}

func totalsOf(rows []export.RecapRow) recapTotals {
	t := recapTotals{final: len(rows) > 0}
	seen := map[string]bool{}
	for _, row := range rows {
		if !seen[row.NIP] {
			seen[row.NIP] = true
			t.people++
		}
		t.work += row.WorkDays
		t.reported += row.ReportedDays
		t.reports += row.Reports
		t.validation = row.Validation
		t.approved += row.Approved
		t.returned += row.Returned
		t.rejected += row.Rejected
		t.unchecked += row.Unchecked
		if p, ok := row.ThresholdPct(); ok {
			t.withThreshold++
			if p >= 100-1e-9 {
				t.met++
			}
		}
		t.final = t.final && row.Final
	}
	return t
}

// recapArgs are the catalog arguments of a recap's title and totals.
func (r *request) recapArgs(lang string, m calendar.Month, title string, t recapTotals) catalog.Args {
	k := "-"
	if t.work > 0 {
		k = FormatPercent(100 * float64(t.reported) / float64(t.work))
	}
	return catalog.Args{"Title": title, "Month": r.monthLabel(lang, m), "Final": t.final, "People": t.people, "K": k,
		"Reported": t.reported, "Work": t.work, "Reports": t.reports, "Validation": t.validation, "Approved": t.approved, "Returned": t.returned, "Rejected": t.rejected,
		"Unchecked": t.unchecked, "WithThreshold": t.withThreshold, "Met": t.met}
}

// recapText is the chat's recap: its title and totals, then one line per person (at most
// recapLines), and where the rest is.
func (r *request) recapText(lang string, m calendar.Month, title string, rows []export.RecapRow) string {
	t := totalsOf(rows)
	lines := []string{r.tl(lang, "recap.title", r.recapArgs(lang, m, title, t)), r.tl(lang, "recap.totals", r.recapArgs(lang, m, title, t))}
	for i, row := range rows {
		if i == recapLines {
			lines = append(lines, r.tl(lang, "team.more", catalog.Args{"Count": len(rows) - i}))
			break
		}
		args := catalog.Args{"N": i + 1, "Name": row.Name, "K": "-", "Reported": row.ReportedDays, "Work": row.WorkDays,
			"Reports": row.Reports, "Validation": row.Validation,
			"Approved": row.Approved, "Returned": row.Returned, "Rejected": row.Rejected, "Unchecked": row.Unchecked,
			"Minutes": FormatNumber(float64(row.Minutes)), "Pct": "", "OPD": row.OPDCode, "Part": r.partOfMonth(m, row)}
		if row.KMeasured {
			args["K"] = FormatPercent(row.K)
		}
		if p, ok := row.ThresholdPct(); ok {
			args["Pct"] = FormatPercent(p)
		}
		if r.partOfMonth(m, row) {
			args["From"], args["To"] = formatStored(lang, row.From), formatStored(lang, row.To)
		}
		lines = append(lines, r.tl(lang, "recap.line", args))
	}
	lines = append(lines, r.tl(lang, "recap.footer", nil))
	return strings.Join(lines, "\n")
}

// partOfMonth reports whether a row counts part of its month only, for a reason worth saying:
// the person took up the post after its first day, or left it (a transfer) before its end. A
// month not over yet counts up to today for everyone, which goes without saying.
func (r *request) partOfMonth(m calendar.Month, row export.RecapRow) bool {
	if row.From != m.First().String() {
		return true
	}
	return m.Last() < calendar.Of(r.today) && row.To != m.Last().String()
}

// recapReplies are the recap's text and its workbook, to chat.
func (r *request) recapReplies(to chat.ChatRef, lang string, m calendar.Month, title, code string, rows []export.RecapRow) ([]chat.Reply, error) {
	text := r.recapText(lang, m, title, rows)
	if len(rows) == 0 {
		return []chat.Reply{{To: to, Text: r.tl(lang, "recap.empty", catalog.Args{"Title": title, "Month": r.monthLabel(lang, m)})}}, nil
	}
	book, err := export.RecapWorkbook(rows)
	if err != nil {
		return nil, err
	}
	return []chat.Reply{{To: to, Text: text},
		{To: to, Text: r.tl(lang, "recap.attachment", catalog.Args{"Month": r.monthLabel(lang, m), "Title": title}),
			Document: book, DocumentName: "rekap-bulanan-" + strings.ToLower(code) + "-" + m.String() + ".xlsx"}}, nil
}

// cmdMonthRecap is the monthly recap of /rekap bulan [YYYY-MM] [KODE-OPD]: of the sender's OPD
// for its head, of their team for another supervisor, of any OPD for an admin. Without a month
// it is this month so far.
func cmdMonthRecap(r *request, args []string) error {
	m := calendar.MonthOf(calendar.Of(r.today))
	code := r.who.OPDCode
	for _, a := range args {
		if pm, err := calendar.ParseMonth(a); err == nil {
			m = pm
			continue
		}
		if !r.isAdmin() {
			return invalid("recap.format", nil)
		}
		code = strings.ToUpper(a)
	}
	if m.First() > calendar.Of(r.today) {
		return invalid("recap.future", catalog.Args{"Month": r.monthLabel(r.lang, m)})
	}
	opd, err := r.tx.OPD(r.ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("team.no_opd", catalog.Args{"OPD": code})
	}
	if err != nil {
		return err
	}
	emps, err := r.teamOf(opd.Code)
	if err != nil {
		return err
	}
	title := opd.Name + " (" + opd.Code + ")"
	if !r.isAdmin() && r.who.Role != store.RoleKepala {
		title = r.t("recap.team_of", catalog.Args{"Name": r.salutation(r.who)})
	}
	// The whole OPD for its head or an admin, with those who left it in the month; a supervisor's
	// own team as it is now.
	whole := r.isAdmin() || r.who.Role == store.RoleKepala
	rows, err := r.recapGroup([]calendar.Month{m}, opd.Code, emps, whole)
	if err != nil {
		return err
	}
	reps, err := r.recapReplies(r.msg.Chat, r.lang, m, title, opd.Code, rows)
	if err != nil {
		return err
	}
	r.out = append(r.out, reps...)
	return nil
}

// monthlyRecapJob sends, once a month has closed, its final recap to each OPD's bound groups (or,
// for an OPD without one, its head privately): the day after it closed, or at the first run
// after that. Each OPD's is sent once (the ledger holds one row per OPD and month).
func (e *Engine) monthlyRecapJob(ctx context.Context, at time.Time) error {
	if e.opt.CloseDay <= 0 {
		return nil // months never close: no recap is final
	}
	now := at.In(e.opt.Location)
	today := calendar.Of(civil(now))
	m := calendar.MonthOf(today).Prev()
	if !e.closing().Closed(m, today) {
		return nil
	}
	var opds []store.OPD
	if err := e.store.View(ctx, func(tx *store.Tx) (err error) { opds, err = tx.OPDs(ctx); return err }); err != nil {
		return err
	}
	for _, o := range opds {
		var claimed bool
		err := e.store.View(ctx, func(tx *store.Tx) error {
			sent, err := tx.ClaimedNotices(ctx, JobMonthlyRecap, m.String())
			claimed = sent["opd:"+o.Code]
			return err
		})
		if err != nil {
			return err
		}
		if claimed {
			continue
		}
		var rows []export.RecapRow
		err = e.store.View(ctx, func(tx *store.Tx) error {
			r := e.jobRequest(ctx, tx, at)
			emps, err := tx.Employees(ctx, o.Code)
			if err != nil {
				return err
			}
			rows, err = r.recapGroup([]calendar.Month{m}, o.Code, emps, true)
			return err
		})
		if err != nil {
			return err
		}
		err = e.jobWrite(ctx, at, func(r *request) error {
			ok, err := r.tx.ClaimNotice(ctx, JobMonthlyRecap, m.String(), "opd:"+o.Code, r.now)
			if err != nil || !ok {
				return err
			}
			return r.sendRecap(o, m, rows)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// sendRecap queues an OPD's recap to its bound groups, or to its heads when it has none.
func (r *request) sendRecap(o store.OPD, m calendar.Month, rows []export.RecapRow) error {
	title := o.Name + " (" + o.Code + ")"
	groups, err := r.tx.OPDGroups(r.ctx, o.Code)
	if err != nil {
		return err
	}
	for _, g := range groups {
		reps, err := r.recapReplies(chat.ChatRef{Net: g.Net, ID: g.ChatID}, r.e.opt.Language, m, title, o.Code, rows)
		if err != nil {
			return err
		}
		r.out = append(r.out, reps...)
	}
	if len(groups) > 0 {
		return nil
	}
	emps, err := r.tx.Employees(r.ctx, o.Code)
	if err != nil {
		return err
	}
	for _, emp := range emps {
		if emp.Role != store.RoleKepala {
			continue
		}
		ids, err := r.tx.IdentitiesOf(r.ctx, emp.NIP)
		if err != nil {
			return err
		}
		to, ok := noticeAccount(ids)
		if !ok {
			continue
		}
		reps, err := r.recapReplies(to, r.langOf(&emp), m, title, o.Code, rows)
		if err != nil {
			return err
		}
		r.out = append(r.out, reps...)
	}
	return nil
}
