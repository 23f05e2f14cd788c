package flows

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/freetext"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// Free-text reports (issue 20): most civil servants meet Lapkin on WhatsApp, where nobody types
// command syntax. A message from a registered person in a private chat that is not a command is
// read by package freetext: chat gets a short friendly answer at most, a question is answered by
// its command, and work becomes reports. An activity whose target is clear is saved at once and
// the reply says what was saved and how to undo it; one that could go to two targets, or whose
// unit does not fit, gets one numbered question (buttons on Telegram), never a guess. The same
// reading serves /lapor with text, so "/lapor tiga spj #2" counts three.

// freeTextFlow is the step flow of free text's questions, which no command leads (textFlows).
func freeTextFlow() *stepFlow {
	return &stepFlow{name: flowFree, title: "flow.name.teks", step: freeStep, ask: freeResume}
}

// The steps of the free-text conversation ("teks"): one question about the first activity still
// to settle, then the next.
const (
	flowFree     = "teks"
	freeTarget   = "target"  // which target?
	freeQuantity = "qty"     // how many, in the target's unit?
	freeConfirm  = "confirm" // the same report exists already, or more than the whole target: save anyway?
	freePhoto    = "photo"   // a photo without a caption: what does it show?
	freeFinal    = "final"   // a late report into a period with a final result: save anyway, and why?
)

// freeItem is one activity of a free-text report on its way to being saved.
type freeItem struct {
	Text     string  `json:"text"`
	Target   int     `json:"target,omitempty"`
	Quantity float64 `json:"qty,omitempty"`
	Unit     string  `json:"unit,omitempty"` // the unit as written, for the quantity question
	Minutes  int     `json:"minutes,omitempty"`
	Day      string  `json:"day"`
	Late     bool    `json:"late,omitempty"`
	Evidence int64   `json:"evidence,omitempty"`
	Choices  []int   `json:"choices,omitempty"`
	// Need is what must still be settled: freeTarget, freeQuantity, freeConfirm; "" when the
	// item can be saved.
	Need string `json:"need,omitempty"`
	// Dup is the report this one repeats (for freeConfirm); Checked says the duplicate and
	// over-target checks are done (or answered).
	Dup     int64 `json:"dup,omitempty"`
	Checked bool  `json:"checked,omitempty"`
	// FinalOK says the item touches no final evaluation, or the sender confirmed it does with
	// Reason ("tetap <alasan>", issue 26): the change is then recorded against those results.
	FinalOK bool   `json:"final_ok,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// freeDraft is the free-text conversation's state: the activities still to settle, the first
// being asked about; or a photo waiting for its text.
type freeDraft struct {
	Items    []freeItem `json:"items,omitempty"`
	Evidence int64      `json:"evidence,omitempty"` // a photo that came without a caption
	Recent   int64      `json:"recent,omitempty"`   // the report that photo may be evidence for
}

// sentDay is the day the message was sent, in the city's timezone: a report is dated by it, not
// by when Lapkin handled it, so an outage or a queue never moves work to another day. A time in
// the future (a phone's clock) or missing counts as now.
func (r *request) sentDay() time.Time {
	t := r.msg.Time
	if t.IsZero() || t.After(r.now.Add(5*time.Minute)) {
		return r.today
	}
	return civil(t.In(r.e.opt.Location))
}

// freeTargets lists a contract's targets for the reader.
func freeTargets(c *store.Contract) []freetext.Target {
	if c == nil {
		return nil
	}
	out := make([]freetext.Target, 0, len(c.Targets))
	for _, t := range c.Targets {
		out = append(out, freetext.Target{N: t.N, Description: t.Description, Unit: t.Unit})
	}
	return out
}

// freeText handles a message from a registered person in a private chat that is not a command.
func (r *request) freeText(text string) error {
	if r.msg.Photo != nil && strings.TrimSpace(text) == "" {
		return r.photoWithoutText()
	}
	c, err := r.reportContract()
	if err != nil {
		return err
	}
	day := r.sentDay()
	u := r.e.lex.Understand(text, day, freeTargets(c))
	switch u.Kind {
	case freetext.Chat:
		return r.smallTalk(text)
	case freetext.Question:
		if cmd := lookupCommand(u.Command); cmd != nil {
			return r.e.run(r, cmd, "")
		}
	case freetext.Unclear:
		if r.msg.Photo != nil {
			return r.photoWithoutText()
		}
		return r.quietly("free.unclear", catalog.Args{"Example": r.reportExample()})
	}
	if len(u.Activities) == 0 {
		return r.quietly("free.unclear", catalog.Args{"Example": r.reportExample()})
	}
	var ev int64
	if r.msg.Photo != nil {
		if ev, err = r.storeEvidence(r.msg.Photo); err != nil {
			return err
		}
	}
	return r.reportUnderstood(u, c, day, ev, nil)
}

// reportUnderstood turns what the reader made of a report into items, refuses those for a day out
// of reach, and saves or asks. quick, when given, is the /lapor quick form's reading of the same
// text, whose #n and digits win.
func (r *request) reportUnderstood(u freetext.Understanding, c *store.Contract, sent time.Time, ev int64, quick *parse.Report) error {
	var items []freeItem
	var refused []string
	for i, a := range u.Activities {
		m := u.Matches[i]
		it := freeItem{Text: a.Text, Quantity: m.Quantity, Unit: a.Unit, Minutes: a.Minutes, Day: dateKey(a.Day), Evidence: ev}
		if quick != nil && len(u.Activities) == 1 {
			// The quick form's own reading of "#n", the digits and the duration stands.
			if quick.Target != 0 {
				m = freetext.Match{Verdict: freetext.Sure, Target: quick.Target, Quantity: m.Quantity}
			}
			if quick.Quantity != 0 {
				it.Quantity = quick.Quantity
				m.AskQuantity = false
			}
			if quick.Minutes != 0 {
				it.Minutes = quick.Minutes
			}
		}
		if quick != nil && len(u.Activities) == 1 && (quick.Quantity != 0 || a.Quantity == 0) && (quick.Minutes != 0 || a.Minutes == 0) && !a.Day.Before(sent) {
			// Nothing read beyond the quick form: its text as typed, as ever.
			it.Text = quick.Text
		}
		if it.Text == "" {
			if t := findTarget(c, m.Target); t != nil {
				it.Text = t.Description
			} else if quick != nil {
				it.Text = quick.Text
			}
		}
		if len([]rune(it.Text)) > r.e.opt.MaxText {
			return invalid("report.too_long", catalog.Args{"Max": r.e.opt.MaxText})
		}
		if a.Target != 0 || quick != nil && quick.Target != 0 {
			n := m.Target
			if c == nil {
				return invalid("report.no_contract_for_target", nil)
			}
			if findTarget(c, n) == nil {
				return invalid("report.no_such_target", catalog.Args{"N": n, "Max": len(c.Targets)})
			}
		}
		switch m.Verdict {
		case freetext.Sure:
			it.Target = m.Target
			if m.AskQuantity {
				it.Need = freeQuantity
			}
		case freetext.Choose:
			it.Need, it.Choices = freeTarget, m.Choices
			if c == nil || len(c.Targets) == 0 {
				it.Need, it.Choices = "", nil
			}
		}
		why, ok, err := r.reachable(a.Day, sent)
		if err != nil {
			return err
		}
		if !ok {
			refused = append(refused, r.t(why, catalog.Args{"Day": FormatLongDate(r.lang, a.Day), "Text": shorten(it.Text, 60),
				"Days": r.e.opt.BackdateDays}))
			continue
		}
		it.Late = a.Day.Before(sent)
		items = append(items, it)
	}
	for _, line := range refused {
		r.sayText(line)
	}
	return r.settle(items, c)
}

// reachable says whether a report may still be dated day, sent on day sent: up to BackdateDays
// working days back (weekends and holidays are not counted), and in a month still open for the
// sender (monthOpen: [kinerja] close_day, or reopened for them). The string is the catalog key
// of the refusal.
func (r *request) reachable(day, sent time.Time) (string, bool, error) {
	if day.After(sent) {
		return "free.future", false, nil
	}
	if open, err := r.monthOpen(r.who.NIP, day); err != nil || !open {
		return "free.month_closed", false, err
	}
	if !day.Before(sent) {
		return "", true, nil
	}
	cal, err := r.calendarFor(r.who, day, sent)
	if err != nil {
		return "", false, err
	}
	back := 0
	for d := day; d.Before(sent); d = d.AddDate(0, 0, 1) {
		if k := cal.kind(d); k == dayWork || k == dayLeave {
			back++
		}
	}
	if back > r.e.opt.BackdateDays {
		return "free.too_old", false, nil
	}
	return "", true, nil
}

// settle saves every item that needs nothing more, in one reply, and asks about the first that
// does; the rest wait in the conversation's state.
func (r *request) settle(items []freeItem, c *store.Contract) error {
	var saved []savedReport
	var pending []freeItem
	for _, it := range items {
		if it.Need == "" && !it.FinalOK {
			evs, err := r.itemFinals(it, c)
			if err != nil {
				return err
			}
			it.FinalOK = len(evs) == 0
			if !it.FinalOK {
				it.Need = freeFinal
			}
		}
		if it.Need == "" && !it.Checked {
			if err := r.checkItem(&it, c); err != nil {
				return err
			}
		}
		if it.Need != "" {
			pending = append(pending, it)
			continue
		}
		s, err := r.saveItem(it, c)
		if err != nil {
			return err
		}
		saved = append(saved, s)
	}
	if len(saved) > 0 {
		if err := r.ackSaved(saved, c); err != nil {
			return err
		}
	}
	if len(pending) == 0 {
		return nil // a conversation that led here was ended by its step
	}
	return r.freeAsk(freeDraft{Items: pending}, c)
}

// itemFinals returns the final results in force that saving it would change: only a report for an
// earlier day can fall in a period already evaluated for good (a period is final once over).
func (r *request) itemFinals(it freeItem, c *store.Contract) ([]store.Evaluation, error) {
	if it.Day >= dateKey(r.today) {
		return nil, nil
	}
	return r.finalHits(itemTouch(r.who.NIP, it, c, 0))
}

// itemTouch is what saving it (as report id) changes, for the final results' record.
func itemTouch(nip string, it freeItem, c *store.Contract, id int64) finalTouch {
	var tid int64
	if t := findTarget(c, it.Target); t != nil {
		tid = t.ID
	}
	return finalTouch{nip: nip, kind: store.FinalChangeReport, ref: id, action: "added", first: it.Day, last: it.Day, target: tid}
}

// checkItem asks before a report is saved twice (the same activity, quantity, target and day as
// one already stored) or counts more than its whole target (a typo far more often than a day's
// work).
func (r *request) checkItem(it *freeItem, c *store.Contract) error {
	it.Checked = true
	if t := findTarget(c, it.Target); t != nil && it.Quantity > t.Quantity {
		it.Need = freeConfirm
		return nil
	}
	var tid *int64
	if t := findTarget(c, it.Target); t != nil {
		tid = &t.ID
	}
	var q *float64
	if it.Quantity > 0 {
		q = &it.Quantity
	}
	var mins *int
	if it.Minutes > 0 {
		mins = &it.Minutes
	}
	dup, err := r.tx.SameReport(r.ctx, r.who.NIP, it.Day, tid, q, mins, it.Text)
	if dup != 0 {
		it.Need, it.Dup = freeConfirm, dup
	}
	return err
}

// savedReport is one report just saved, for the acknowledgement.
type savedReport struct {
	id     int64
	item   freeItem
	finals []store.Evaluation // the final results it was recorded against
}

// saveItem stores one settled item.
func (r *request) saveItem(it freeItem, c *store.Contract) (savedReport, error) {
	id, err := r.insertReport(it.draft(), c)
	if err != nil || it.Reason == "" {
		return savedReport{id: id, item: it}, err
	}
	// Confirmed with "tetap": recorded against each final result it changes.
	evs, err := r.finalHits(itemTouch(r.who.NIP, it, c, id))
	if err == nil && len(evs) > 0 {
		err = r.recordFinal(itemTouch(r.who.NIP, it, c, id), evs, it.Reason)
	}
	return savedReport{id: id, item: it, finals: evs}, err
}

// ackSaved confirms what was saved, in one reply: each report, its target's new realisation, and
// how to undo it (batal, or /hapus with its id).
func (r *request) ackSaved(saved []savedReport, c *store.Contract) error {
	var ids []int64
	for _, s := range saved {
		if t := findTarget(c, s.item.Target); t != nil {
			ids = append(ids, t.ID)
		}
	}
	done, err := r.tx.TargetRealisation(r.ctx, ids, dateKey(r.today), r.e.opt.RequireApproval)
	if err != nil {
		return err
	}
	var lines []string
	// describe is a saved report's line, and its target's realisation line ("" without a target).
	describe := func(s savedReport) (string, string, error) {
		it := s.item
		line := r.describe(it.draft(), c)
		if it.Target == 0 && c != nil && len(c.Targets) > 0 {
			line += " · " + r.t("free.no_target", nil)
		}
		if it.Day != dateKey(r.today) {
			d, err := storedDate(it.Day)
			if err != nil {
				return "", "", fmt.Errorf("saved report %d: %w", s.id, err)
			}
			line += " · " + FormatShortDay(r.lang, d)
			if it.Late {
				line += " " + r.t("free.late", nil)
			}
		}
		if t := findTarget(c, it.Target); t != nil {
			return line, r.realisationLine(t, done[t.ID]), nil
		}
		return line, "", nil
	}
	if len(saved) == 1 {
		line, real, err := describe(saved[0])
		if err != nil {
			return err
		}
		lines = append(lines, r.t("report.saved", catalog.Args{"What": line}))
		if real != "" {
			lines = append(lines, real)
		}
	} else {
		lines = append(lines, r.t("free.saved_many", catalog.Args{"Count": len(saved)}))
		for i, s := range saved {
			line, real, err := describe(s)
			if err != nil {
				return err
			}
			lines = append(lines, fmt.Sprintf("%d. %s (ID %d)", i+1, line, s.id))
			if real != "" {
				lines = append(lines, "   "+real)
			}
		}
	}
	if r.e.opt.RequireApproval {
		lines = append(lines, r.t("report.awaiting_validation", nil))
	}
	for _, s := range saved {
		if len(s.finals) > 0 {
			lines = append(lines, r.finalRecorded(s.finals))
		}
	}
	if len(saved) == 1 {
		lines = append(lines, r.t("free.undo", catalog.Args{"ID": saved[0].id}))
	} else {
		lines = append(lines, r.t("free.undo_many", catalog.Args{"ID": saved[0].id}))
	}
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// freeAsk saves the conversation and asks about its first item (or the photo).
func (r *request) freeAsk(d freeDraft, c *store.Contract) error {
	step := freePhoto
	if len(d.Items) > 0 {
		step = d.Items[0].Need
	}
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := r.saveFlow(flowFree, step, string(data)); err != nil {
		return err
	}
	if step == freePhoto {
		if d.Recent != 0 {
			rep, err := r.tx.Report(r.ctx, d.Recent)
			if err != nil {
				return err
			}
			r.ask(r.t("free.photo_for_recent", catalog.Args{"Text": shorten(rep.Text, 60), "ID": rep.ID}),
				[][]chat.Button{{{Label: r.t("button.yes", nil), Data: "1"}, {Label: r.t("button.other", nil), Data: "2"}}})
			return nil
		}
		r.say("free.photo_what", catalog.Args{"Example": r.reportExample()})
		return nil
	}
	it := d.Items[0]
	what := shorten(it.Text, 80)
	switch step {
	case freeTarget:
		r.askTarget(r.t("free.ask_target", catalog.Args{"Text": what}), c)
	case freeQuantity:
		t := findTarget(c, it.Target)
		r.say("free.ask_quantity", catalog.Args{"Text": what, "Qty": FormatNumber(it.Quantity), "Written": it.Unit,
			"Unit": t.Unit, "N": t.N})
	case freeFinal:
		evs, err := r.itemFinals(it, c)
		if err != nil {
			return err
		}
		d, err := storedDate(it.Day)
		if err != nil {
			return fmt.Errorf("free-text draft: %w", err)
		}
		r.say("free.final_ask", catalog.Args{"Text": what, "Day": FormatLongDate(r.lang, d), "Results": r.finalResults(r.lang, evs)})
	case freeConfirm:
		var head string
		if t := findTarget(c, it.Target); t != nil && it.Quantity > t.Quantity {
			head = r.t("report.over_target", catalog.Args{"Qty": FormatNumber(it.Quantity), "Unit": t.Unit, "N": t.N,
				"Target": FormatNumber(t.Quantity)})
		} else {
			d, err := storedDate(it.Day)
			if err != nil {
				return fmt.Errorf("free-text draft: %w", err)
			}
			head = r.t("free.duplicate", catalog.Args{"ID": it.Dup, "Day": FormatLongDate(r.lang, d)})
		}
		desc := r.describe(it.draft(), c)
		r.ask(head+"\n"+r.t("report.confirm", catalog.Args{"What": desc}),
			r.saveCancelButtons())
	}
	return nil
}

// loadFree reads the free-text conversation's state and the sender's contract.
func (r *request) loadFree(st store.FlowState) (freeDraft, *store.Contract, error) {
	var d freeDraft
	if err := json.Unmarshal([]byte(st.Data), &d); err != nil {
		return d, nil, fmt.Errorf("read free-text draft: %w", err)
	}
	c, err := r.reportContract()
	return d, c, err
}

// draft is the item as the report it will be, for describing it.
func (it freeItem) draft() reportDraft {
	return reportDraft{Text: it.Text, Target: it.Target, Quantity: it.Quantity, Minutes: it.Minutes, EvidenceID: it.Evidence,
		Day: it.Day, Late: it.Late}
}

// freeStep takes the answer to the free-text conversation's question.
func freeStep(r *request, st store.FlowState) error {
	d, c, err := r.loadFree(st)
	if err != nil {
		return err
	}
	ans := strings.TrimSpace(r.answer())
	if st.Step == freePhoto {
		return r.photoAnswer(d, ans, c)
	}
	if len(d.Items) == 0 {
		return r.endFlow()
	}
	it := &d.Items[0]
	ok := false
	switch st.Step {
	case freeTarget:
		if n, good := targetAnswer(ans, c); good {
			ok = true
			it.Target, it.Need, it.Choices = n, "", nil
			switch {
			case n == 0:
			case it.Quantity == 0:
				it.Quantity = 1 // as the reply says; "#n 3" or /hapus changes it
			case needsQuantity(r, it, c):
				it.Need = freeQuantity
			}
		}
	case freeFinal:
		if words := strings.Fields(ans); len(words) > 0 && isAnyway(words[0]) {
			reason := strings.TrimSpace(strings.Join(words[1:], " "))
			if err := r.checkReason(reason, "tetap"); err != nil {
				return err
			}
			ok = true
			it.Need, it.FinalOK, it.Reason = "", true, reason
		}
	case freeQuantity:
		if q, good := freetext.Quantity(ans); good {
			ok = true
			it.Quantity, it.Need = q, ""
		}
	case freeConfirm:
		switch strings.ToLower(ans) {
		case "1", "ya", "y", "iya", "simpan", "yes", buttonSave:
			ok = true
			it.Need = ""
		case "2", "tidak", "tdk", "no", "jangan", buttonCancel:
			r.say("free.not_saved", catalog.Args{"Text": shorten(it.Text, 60)})
			d.Items = d.Items[1:]
			if err := r.endFlow(); err != nil {
				return err
			}
			return r.settle(d.Items, c)
		}
	}
	if !ok {
		// Not an answer. A new report instead? Then the question is dropped (and said so), and the
		// message read afresh; else the question is asked again.
		if r.msg.Callback == "" && ans != "" && st.Step != freeFinal {
			day := r.sentDay()
			if u := r.e.lex.Understand(ans, day, freeTargets(c)); u.Kind == freetext.Report && len(u.Activities) > 0 {
				if err := r.endFlow(); err != nil {
					return err
				}
				r.say("free.dropped", catalog.Args{"Text": shorten(it.Text, 60)})
				return r.freeText(ans)
			}
		}
		switch st.Step {
		case freeFinal:
			return r.freeAsk(d, c)
		case freeTarget:
			r.say("flow.reply_number", catalog.Args{"Max": len(c.Targets)})
		case freeQuantity:
			r.say("report.bad_quantity_answer", catalog.Args{"Unit": findTarget(c, it.Target).Unit})
		default:
			r.say("report.confirm_answer", nil)
		}
		return nil
	}
	if err := r.endFlow(); err != nil {
		return err
	}
	return r.settle(d.Items, c)
}

// needsQuantity says whether an item whose target was just chosen was written with a quantity in a
// unit that target is not counted in, so that its quantity must be asked.
func needsQuantity(r *request, it *freeItem, c *store.Contract) bool {
	if it.Unit == "" {
		return false
	}
	return r.e.lex.Matcher(freeTargets(c)).Settle(it.Target, it.Quantity, it.Unit).AskQuantity
}

// freeResume asks the free-text conversation's question again.
func freeResume(r *request, st store.FlowState) error {
	d, c, err := r.loadFree(st)
	if err != nil {
		return err
	}
	return r.freeAsk(d, c)
}

// photoWithoutText keeps a photo that came without a caption and asks what it shows: evidence for
// the report just sent (offered when there is one of the last hour without evidence), or a new
// report to be typed.
func (r *request) photoWithoutText() error {
	ev, err := r.storeEvidence(r.msg.Photo)
	if err != nil {
		return err
	}
	d := freeDraft{Evidence: ev}
	recent, err := r.tx.RecentReports(r.ctx, r.who.NIP, r.now.Add(-time.Hour))
	if err != nil {
		return err
	}
	for _, rep := range recent {
		if rep.EvidenceID == nil && rep.LocalDate == dateKey(r.sentDay()) {
			d.Recent = rep.ID
			break
		}
	}
	return r.freeAsk(d, nil) // the photo's question names no target

}

// photoAnswer takes the answer about a photo: "1" makes it the evidence of the recent report,
// "2" asks for the activity, and anything else is the activity it shows.
func (r *request) photoAnswer(d freeDraft, ans string, c *store.Contract) error {
	if d.Recent != 0 {
		switch strings.ToLower(ans) {
		case "1", "ya", "iya", "y", "yes":
			if err := r.tx.SetReportEvidence(r.ctx, d.Recent, d.Evidence); err != nil {
				return err
			}
			if err := r.endFlow(); err != nil {
				return err
			}
			r.say("free.photo_added", catalog.Args{"ID": d.Recent})
			return nil
		case "2", "bukan", "tidak", "lain", "no":
			d.Recent = 0
			return r.freeAsk(d, c)
		}
	}
	if ans == "" || r.msg.Callback != "" {
		if r.msg.Photo != nil {
			// Another photo: it takes the place of the first.
			if err := r.endFlow(); err != nil {
				return err
			}
			return r.photoWithoutText()
		}
		return r.freeAsk(d, c)
	}
	if err := r.endFlow(); err != nil {
		return err
	}
	u := r.e.lex.UnderstandReport(ans, r.sentDay(), freeTargets(c))
	if u.Kind != freetext.Report || len(u.Activities) == 0 {
		return r.freeAsk(d, c)
	}
	return r.reportUnderstood(u, c, r.sentDay(), d.Evidence, nil)
}

// smallTalk answers chat: a greeting or thanks gets a short friendly reply, talk of being sick or
// away a pointer to /cuti, anything else ("ok", "siap", an emoji) nothing. Never twice in a row.
func (r *request) smallTalk(text string) error {
	var key string
	switch freetext.ChatKindOf(text) {
	case freetext.ChatGreeting:
		key = "free.greeting." + partOfDay(r.now)
	case freetext.ChatThanks:
		key = "free.thanks"
	case freetext.ChatLeave:
		key = "free.leave"
	default:
		return nil
	}
	return r.quietly(key, catalog.Args{"Name": r.salutation(r.who), "Example": r.reportExample(), "Today": dateKey(r.today)})
}

// quietly says key, unless this chat was answered small talk in the last half hour: greetings,
// thanks and hints are said once, not to every message of a burst.
func (r *request) quietly(key string, args catalog.Args) error {
	ok, err := r.tx.ClaimSmallTalk(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID, r.now, r.now.Add(-30*time.Minute))
	if err != nil || !ok {
		return err
	}
	r.say(key, args)
	return nil
}

// partOfDay names the part of the day for a greeting: pagi until 11, siang until 15, sore until
// 18, malam after.
func partOfDay(t time.Time) string {
	switch h := t.Hour(); {
	case h < 11:
		return "pagi"
	case h < 15:
		return "siang"
	case h < 18:
		return "sore"
	}
	return "malam"
}

// reportExample is a line of free text the person could send: one of their own targets when they
// have a signed contract, never cut with "…".
func (r *request) reportExample() string {
	t, err := r.tx.FirstTarget(r.ctx, r.who.NIP, r.today.Year())
	if err != nil {
		return r.t("free.example", nil)
	}
	return r.t("free.example_target", catalog.Args{"Desc": strings.ToLower(firstWords(t.Description, 40)), "Unit": t.Unit})
}

// firstWords cuts s at a word boundary to at most n characters, without an ellipsis: an example a
// person may copy must not carry one.
func firstWords(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	out := ""
	for _, w := range strings.Fields(s) {
		if len([]rune(out))+1+len([]rune(w)) > n && out != "" {
			break
		}
		out = strings.TrimSpace(out + " " + w)
	}
	return out
}

// undoLast takes back the reports saved from the person's last message of the last 15 minutes:
// what "batal" does right after a report. It reports whether there was any.
func (r *request) undoLast() (bool, error) {
	if r.who == nil {
		return false, nil
	}
	recent, err := r.tx.RecentReports(r.ctx, r.who.NIP, r.now.Add(-15*time.Minute))
	if err != nil || len(recent) == 0 {
		return false, err
	}
	src := recent[0].SourceMsgID
	var texts []string
	for _, rep := range recent {
		if rep.SourceMsgID != src || rep.SourceNet != recent[0].SourceNet {
			continue
		}
		if err := r.tx.DeleteReport(r.ctx, rep.ID, r.now); err != nil {
			return false, err
		}
		texts = append(texts, fmt.Sprintf("%d «%s»", rep.ID, shorten(rep.Text, 40)))
	}
	r.say("free.undone", catalog.Args{"Count": len(texts), "Reports": strings.Join(texts, "; ")})
	return true, nil
}
