package flows

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// Bounds of /cuti and /libur. Leave is recorded when it is taken, not back-dated at will: a month
// is enough to record a sick day after the fact, and a longer gap would rewrite compliance figures
// a supervisor has already seen. Ninety days covers the longest ordinary leave in one record;
// longer leave (maternity, cuti besar) is recorded in two parts.
const (
	maxLeaveDays     = 90
	maxLeaveBackDays = 30
	maxLeaveReason   = 200
	maxHolidayName   = 100
	leaveListMax     = 10
)

// dateLike matches a token that was meant as a date, so that "31-02-2026" is reported as a wrong
// date rather than taken as the first word of the reason.
var dateLike = regexp.MustCompile(`^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$`)

// leaveKind returns the leave kind a word names (Indonesian or English), or "".
func leaveKind(word string) string {
	switch strings.ToLower(word) {
	case "cuti", "leave":
		return store.LeaveCuti
	case "sakit", "sick":
		return store.LeaveSakit
	case "dl", "dinas", "travel":
		return store.LeaveDL
	}
	return ""
}

// isRangeWord reports whether word joins a start and an end date: "24-11-2026 s.d. 26-11-2026".
func isRangeWord(word string) bool {
	switch strings.ToLower(word) {
	case "-", "–", "—", "s/d", "s.d.", "s.d", "sd", "sampai", "hingga", "to", "until", "..":
		return true
	}
	return false
}

// leaveInput is a parsed /cuti line.
type leaveInput struct {
	kind       string
	start, end time.Time
	reason     string
}

// exampleArgs gives the format messages of /cuti example dates a week ahead, so that the example
// can be sent as it is and is never in the past.
func (r *request) exampleArgs(args catalog.Args) catalog.Args {
	if args == nil {
		args = catalog.Args{}
	}
	start := r.today.AddDate(0, 0, 7)
	args["ExStart"] = dateKey(start)
	args["ExEnd"] = dateKey(start.AddDate(0, 0, 2))
	args["ExDay"] = start.Format("02-01-2006")
	return args
}

// parseLeave reads "[kind] <start> [end] [reason]".
func (r *request) parseLeave(words []string) (leaveInput, error) {
	in := leaveInput{kind: store.LeaveCuti}
	if k := leaveKind(words[0]); k != "" {
		in.kind = k
		words = words[1:]
		if k == store.LeaveDL && len(words) > 0 && strings.EqualFold(words[0], "luar") {
			words = words[1:] // "dinas luar"
		}
	}
	if len(words) == 0 {
		return in, invalid("leave.format", r.exampleArgs(nil))
	}
	date := func(tok string) (time.Time, error) {
		d, ok := parse.Date(tok)
		if !ok {
			if dateLike.MatchString(tok) {
				return d, invalid("leave.bad_date", r.exampleArgs(catalog.Args{"Token": tok}))
			}
			return d, invalid("leave.format", r.exampleArgs(nil))
		}
		return d, nil
	}
	var err error
	if in.start, err = date(words[0]); err != nil {
		return in, err
	}
	words = words[1:]
	in.end = in.start
	if len(words) >= 2 && isRangeWord(words[0]) && dateLike.MatchString(words[1]) {
		words = words[1:]
	}
	if len(words) > 0 && dateLike.MatchString(words[0]) {
		if in.end, err = date(words[0]); err != nil {
			return in, err
		}
		words = words[1:]
	}
	in.reason = strings.Join(words, " ")
	if n := utf8.RuneCountInString(in.reason); n > maxLeaveReason {
		return in, invalid("leave.reason_too_long", catalog.Args{"Max": maxLeaveReason})
	}
	return in, nil
}

// validateLeave applies the bounds of /cuti to in.
func (r *request) validateLeave(in leaveInput) error {
	if in.end.Before(in.start) {
		return invalid("leave.end_before_start", r.exampleArgs(catalog.Args{
			"Start": FormatDate(r.lang, in.start), "End": FormatDate(r.lang, in.end)}))
	}
	if days := int(in.end.Sub(in.start).Hours()/24) + 1; days > maxLeaveDays {
		return invalid("leave.too_long", catalog.Args{"Days": days, "Max": maxLeaveDays})
	}
	if earliest := r.today.AddDate(0, 0, -maxLeaveBackDays); in.start.Before(earliest) {
		return invalid("leave.too_old", catalog.Args{"Start": FormatDate(r.lang, in.start),
			"Max": maxLeaveBackDays, "Earliest": FormatDate(r.lang, earliest)})
	}
	if last := time.Date(r.today.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC); in.end.After(last) {
		return invalid("leave.too_far", catalog.Args{"End": FormatDate(r.lang, in.end), "Last": FormatDate(r.lang, last)})
	}
	return nil
}

// cmdLeave records leave, sick leave or official travel for the sender (/cuti), or lists their
// current and upcoming leave (bare /cuti, and /cuti daftar: cmdLeaveList). Its sub-verbs cancel
// leave that has not started (/cuti batal <id>: cmdLeaveCancel) and let a supervisor approve or
// reject their staff's leave (/cuti setujui|tolak <id>: cmdLeaveApprove, cmdLeaveReject).
//
// Approved leave days are neither reminded nor counted against compliance. Leave recorded from
// today on is approved at once (the supervisor is told and may still reject it); leave that started
// before today excuses nothing until the supervisor approves it, so that a missed day cannot be
// turned into leave after the fact by the person who missed it.
func cmdLeave(r *request, args string) error {
	words := strings.Fields(args)
	if len(words) == 0 {
		return r.listLeave()
	}
	in, err := r.parseLeave(words)
	if err != nil {
		return err
	}
	if err := r.validateLeave(in); err != nil {
		return err
	}
	if err := r.checkMonthOpen(r.who.NIP, in.start); err != nil {
		return err // leave reaching into a closed month would change its recap
	}
	from, to := dateKey(in.start), dateKey(in.end)
	clash, err := r.tx.LeaveRecords(r.ctx, r.who.NIP, from, to)
	if err != nil {
		return err
	}
	if len(clash) > 0 {
		c := clash[0]
		return conflict("leave.overlap", catalog.Args{"Kind": r.t("leave.kind."+c.Kind, nil),
			"Range": r.leaveRange(r.lang, c.StartDate, c.EndDate), "ID": c.ID, "CanCancel": c.StartDate > dateKey(r.today)})
	}
	s, err := r.leaveDays(r.who, in.start, in.end)
	if err != nil {
		return err
	}
	if s.Work == 0 {
		// Nothing to excuse: weekends and holidays are not counted anyway.
		r.say("leave.no_work_days", catalog.Args{"Kind": r.t("leave.kind."+in.kind, nil), "Range": r.leaveRange(r.lang, from, to),
			"OneDay": from == to})
		return nil
	}
	status := store.LeaveApproved
	if in.start.Before(r.today) {
		status = store.LeavePending
	}
	id, err := r.tx.AddLeave(r.ctx, store.Leave{NIP: r.who.NIP, Kind: in.kind, StartDate: from, EndDate: to, Reason: in.reason, Status: status}, r.now)
	if err != nil {
		return err
	}
	key, buttons := "leave.notify_supervisor", leaveButtons(id, false)
	if status == store.LeavePending {
		key, buttons = "leave.notify_pending", leaveButtons(id, true)
	}
	told, err := r.tellSupervisorButtons(key, func(lang string) catalog.Args {
		return catalog.Args{"Kind": r.e.cat.T(lang, "leave.kind."+in.kind, nil), "Range": r.leaveRange(lang, from, to),
			"Work": s.Work, "Reason": in.reason, "ID": id}
	}, buttons)
	if err != nil {
		return err
	}
	args2 := catalog.Args{"Kind": upperFirst(r.t("leave.kind."+in.kind, nil)), "Range": r.leaveRange(r.lang, from, to),
		"Work": s.Work, "Holiday": s.Holiday, "OneDay": from == to, "Told": told, "ID": id, "CanCancel": in.start.After(r.today)}
	if status == store.LeavePending {
		r.say("leave.saved_pending", args2)
		return nil
	}
	r.say("leave.saved", args2)
	return nil
}

// leaveButtons are the choices of a supervisor's leave notice, as commands: the same as typing
// them, with the same checks. Leave that already counts only needs a way to reject it.
func leaveButtons(id int64, pending bool) func(lang string, t func(lang, key string) string) [][]chat.Button {
	return func(lang string, t func(lang, key string) string) [][]chat.Button {
		ids := strconv.FormatInt(id, 10)
		row := []chat.Button{{Label: t(lang, "leave.button_reject"), Data: "/cuti tolak " + ids}}
		if pending {
			row = append([]chat.Button{{Label: t(lang, "leave.button_approve"), Data: "/cuti setujui " + ids}}, row...)
		}
		return [][]chat.Button{row}
	}
}

// decideLeave approves or rejects leave of someone the sender supervises (/cuti setujui|tolak
// <id> [catatan]) and tells its owner. Leave of someone the sender may not manage is answered as
// unknown, like an NIP they may not see.
func (r *request) decideLeave(words []string, status string) error {
	if len(words) == 0 {
		return invalid("leave.decide_format", nil)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(words[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return invalid("leave.decide_format", nil)
	}
	rest, reason, anyway := splitAnyway(words[1:])
	note := strings.Join(rest, " ")
	if anyway {
		note = reason // the reason for changing a final result is the decision's note too
	}
	if utf8.RuneCountInString(note) > maxLeaveReason {
		return invalid("leave.reason_too_long", catalog.Args{"Max": maxLeaveReason})
	}
	l, err := r.tx.Leave(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("leave.not_found_any", catalog.Args{"ID": id})
	}
	if err != nil {
		return err
	}
	emp, err := r.tx.Employee(r.ctx, l.NIP)
	if err != nil {
		return err
	}
	if l.NIP == r.who.NIP {
		// Nobody decides their own leave, whatever their role: an admin's leave is decided by
		// another admin or by the head of their OPD.
		return forbidden("leave.decide_own", catalog.Args{"ID": id})
	}
	if !r.canManage(&emp) {
		return notFound("leave.not_found_any", catalog.Args{"ID": id})
	}
	if start, err := storedDate(l.StartDate); err == nil {
		if err := r.checkMonthOpen(l.NIP, start); err != nil {
			return err
		}
	}
	args := catalog.Args{"Kind": upperFirst(r.t("leave.kind."+l.Kind, nil)), "Range": r.leaveRange(r.lang, l.StartDate, l.EndDate),
		"Employee": emp.Name, "ID": id, "Note": note}
	if l.Status == status && (l.DecidedBy != "" || status == store.LeaveApproved) {
		r.say("leave.already_"+status, args)
		return nil
	}
	// Approving leave that was pending, or rejecting leave that counted, changes the working days
	// of its period: a final result over them is asked about first (final.go).
	var hits []store.Evaluation
	touch := finalTouch{nip: l.NIP, kind: store.FinalChangeLeave, ref: id, action: status, first: l.StartDate, last: l.EndDate}
	if counted := l.Status == store.LeaveApproved || l.Status == ""; counted != (status == store.LeaveApproved) {
		if hits, err = r.finalHits(touch); err != nil {
			return err
		}
	}
	if len(hits) > 0 {
		command := r.t("final.command_leave_"+status, catalog.Args{"ID": id})
		if !anyway {
			what := catalog.Args{"Kind": r.t("leave.kind."+l.Kind, nil), "Employee": emp.Name, "Range": args["Range"], "ID": id}
			return r.finalAsk(r.t("final.what_leave_"+status, what), command, hits)
		}
		if err := r.checkReason(reason, command); err != nil {
			return err
		}
		if err := r.recordFinal(touch, hits, reason); err != nil {
			return err
		}
	}
	if err := r.tx.DecideLeave(r.ctx, id, status, r.who.NIP, note, r.now); err != nil {
		return err
	}
	if err := r.notify(emp.NIP, "leave.decided_"+status, catalog.Args{"Kind": r.e.cat.T(r.langOf(&emp), "leave.kind."+l.Kind, nil),
		"Range": r.leaveRange(r.langOf(&emp), l.StartDate, l.EndDate), "By": r.who.Name, "Note": note}); err != nil {
		return err
	}
	text := r.t("leave.done_"+status, args)
	if len(hits) > 0 {
		text += "\n" + r.finalRecorded(hits)
	}
	r.sayText(text)
	return nil
}

// langOf is the language emp reads their messages in.
func (r *request) langOf(emp *store.Employee) string {
	if emp.Language != "" {
		return catalog.Lang(emp.Language)
	}
	return r.e.opt.Language
}

// leaveDays counts the working days and holidays of from..to for emp, as the calendar of scoring
// sees them, but without emp's own leave: the question is how many working days a leave covers.
func (r *request) leaveDays(emp *store.Employee, from, to time.Time) (span, error) {
	cal, err := r.calendarFor(emp, from, to)
	if err != nil {
		return span{}, err
	}
	cal.days = cal.days.WithoutLeave()
	return cal.count(from, to, nil), nil
}

// listLeave shows the sender's current and upcoming leave, and how to record or cancel it.
func (r *request) listLeave() error {
	ls, err := r.tx.LeaveRecords(r.ctx, r.who.NIP, dateKey(r.today), "9999-12-31")
	if err != nil {
		return err
	}
	if len(ls) == 0 {
		r.say("leave.list_empty", r.exampleArgs(nil))
		return nil
	}
	lines := []string{r.t("leave.list_title", nil)}
	for i, l := range ls {
		if i == leaveListMax {
			lines = append(lines, r.t("leave.list_more", catalog.Args{"More": len(ls) - leaveListMax}))
			break
		}
		start, err := storedDate(l.StartDate)
		if err != nil {
			return fmt.Errorf("leave %d: %w", l.ID, err)
		}
		end, err := storedDate(l.EndDate)
		if err != nil {
			return fmt.Errorf("leave %d: %w", l.ID, err)
		}
		s, err := r.leaveDays(r.who, start, end)
		if err != nil {
			return err
		}
		lines = append(lines, r.t("leave.list_item", catalog.Args{"ID": l.ID, "Kind": r.t("leave.kind."+l.Kind, nil),
			"Range": r.leaveRange(r.lang, l.StartDate, l.EndDate), "Work": s.Work, "Reason": l.Reason,
			"Ongoing": l.StartDate <= dateKey(r.today), "Pending": l.Status == store.LeavePending}))
	}
	lines = append(lines, r.t("leave.list_footer", nil))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// cancelLeave deletes one of the sender's leave records that has not started yet and tells the
// supervisor. Leave already started stays: the days behind it may already have been counted.
func (r *request) cancelLeave(words []string) error {
	if len(words) != 1 {
		return invalid("leave.cancel_format", nil)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(words[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return invalid("leave.cancel_format", nil)
	}
	l, err := r.tx.Leave(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && l.NIP != r.who.NIP) {
		return notFound("leave.not_found", catalog.Args{"ID": id})
	}
	if err != nil {
		return err
	}
	if l.StartDate <= dateKey(r.today) {
		return conflict("leave.started", catalog.Args{"Kind": r.t("leave.kind."+l.Kind, nil),
			"Range": r.leaveRange(r.lang, l.StartDate, l.EndDate)})
	}
	if err := r.tx.DeleteLeave(r.ctx, id, r.now); err != nil {
		return err
	}
	told, err := r.tellSupervisor("leave.notify_cancelled", func(lang string) catalog.Args {
		return catalog.Args{"Kind": r.e.cat.T(lang, "leave.kind."+l.Kind, nil), "Range": r.leaveRange(lang, l.StartDate, l.EndDate)}
	})
	if err != nil {
		return err
	}
	r.say("leave.cancelled", catalog.Args{"Kind": upperFirst(r.t("leave.kind."+l.Kind, nil)),
		"Range": r.leaveRange(r.lang, l.StartDate, l.EndDate), "Told": told})
	return nil
}

// tellSupervisor sends the sender's supervisor message key, with args rendered in the
// supervisor's own language (kinds and month names differ, and one message never mixes the two).
// It reports whether a message was queued: a supervisor who never registered is not told.
func (r *request) tellSupervisor(key string, args func(lang string) catalog.Args) (bool, error) {
	return r.tellSupervisorButtons(key, args, nil)
}

// tellSupervisorButtons is tellSupervisor with buttons under the message (labels in the
// supervisor's language); the text must also say how to answer without them.
func (r *request) tellSupervisorButtons(key string, args func(lang string) catalog.Args,
	buttons func(lang string, t func(lang, key string) string) [][]chat.Button) (bool, error) {
	sup, err := r.supervisorOf(r.who)
	if err != nil || sup == "" || sup == r.who.NIP {
		return false, err
	}
	emp, err := r.tx.Employee(r.ctx, sup)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	lang := r.e.opt.Language
	if emp.Language != "" {
		lang = catalog.Lang(emp.Language)
	}
	a := args(lang)
	a["Employee"] = r.who.Name
	a["NIP"] = r.who.NIP
	before := len(r.out)
	if err := r.notify(sup, key, a); err != nil {
		return false, err
	}
	if buttons != nil {
		b := buttons(lang, func(lang, key string) string { return r.e.cat.T(lang, key, nil) })
		for i := before; i < len(r.out); i++ {
			r.out[i].Buttons = b
		}
	}
	return len(r.out) > before, nil
}

// leaveRange writes from..to (YYYY-MM-DD) as "24 Nov 2026 – 26 Nov 2026", or one date for a
// one-day leave.
func (r *request) leaveRange(lang, from, to string) string {
	a, errA := storedDate(from)
	b, errB := storedDate(to)
	if errA != nil || errB != nil {
		return from + " – " + to
	}
	if from == to {
		return FormatDate(lang, a)
	}
	return FormatDate(lang, a) + " – " + FormatDate(lang, b)
}

// upperFirst capitalises the first letter, for a kind name that opens a sentence.
func upperFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(c)) + s[n:]
}

// cmdLeaveList is /cuti daftar: the sender's current and upcoming leave, as bare /cuti.
func cmdLeaveList(r *request, _ string) error { return r.listLeave() }

// cmdLeaveCancel is /cuti batal <id> (its older form /cuti hapus stays an alias).
func cmdLeaveCancel(r *request, args string) error { return r.cancelLeave(strings.Fields(args)) }

// cmdLeaveApprove is /cuti setujui <id>, a supervisor's.
func cmdLeaveApprove(r *request, args string) error {
	return r.decideLeave(strings.Fields(args), store.LeaveApproved)
}

// cmdLeaveReject is /cuti tolak <id> [alasan], a supervisor's.
func cmdLeaveReject(r *request, args string) error {
	return r.decideLeave(strings.Fields(args), store.LeaveRejected)
}
