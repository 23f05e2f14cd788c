package flows

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/freetext"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// The steps of the /lapor conversation.
const (
	flowReport    = "lapor"
	stepText      = "text"
	stepTarget    = "target"
	stepQuantity  = "qty"
	stepPhoto     = "photo"
	stepConfirm   = "confirm"
	buttonSkip    = "skip"
	buttonSave    = "save"
	buttonCancel  = "cancel"
	targetButtonP = "t:"
)

// reportAskAgain asks again the pending question of a /lapor conversation (its step flow's ask).
func reportAskAgain(r *request, st store.FlowState) error {
	var d reportDraft
	if err := json.Unmarshal([]byte(st.Data), &d); err != nil {
		return fmt.Errorf("read report draft: %w", err)
	}
	return r.reportAsk(st.Step, d)
}

// reportDraft is what the /lapor conversation has gathered so far; it is the flow state's data.
type reportDraft struct {
	Text       string  `json:"text"`
	Target     int     `json:"target,omitempty"`
	Quantity   float64 `json:"qty,omitempty"`
	Minutes    int     `json:"minutes,omitempty"`
	EvidenceID int64   `json:"evidence,omitempty"`
	// Day is the day the report is for (YYYY-MM-DD), "" for the day it was sent; Late marks a
	// report sent after its day (free text: "kemarin …").
	Day  string `json:"day,omitempty"`
	Late bool   `json:"late,omitempty"`
}

// contract returns the sender's signed contract for this year, or nil when there is none.
func (r *request) contract() (*store.Contract, error) {
	c, err := r.tx.SignedContract(r.ctx, r.who.NIP, r.today.Year())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// reportContract is the sender's signed contract whose targets a report sent today may count
// towards: nil once a transfer has ended it (the new post's work is not the old post's), until
// the new contract is signed.
func (r *request) reportContract() (*store.Contract, error) {
	c, err := r.contract()
	if err != nil || c == nil {
		return c, err
	}
	last, ended, err := r.contractEnded(r.who.NIP, c)
	if err != nil {
		return nil, err
	}
	if ended && r.sentDay().After(last) {
		return nil, nil
	}
	return c, nil
}

func findTarget(c *store.Contract, n int) *store.Target {
	if c == nil {
		return nil
	}
	for i := range c.Targets {
		if c.Targets[i].N == n {
			return &c.Targets[i]
		}
	}
	return nil
}

func cmdReport(r *request, args string) error {
	if args == "" {
		d := reportDraft{}
		if r.msg.Photo != nil {
			id, err := r.storeEvidence(r.msg.Photo)
			if err != nil {
				return err
			}
			d.EvidenceID = id
		}
		return r.reportAsk(stepText, d)
	}
	q, err := ParseQuickReport(args)
	if err != nil {
		return err
	}
	if len([]rune(q.Text)) > r.e.opt.MaxText {
		return invalid("report.too_long", catalog.Args{"Max": r.e.opt.MaxText})
	}
	c, err := r.reportContract()
	if err != nil {
		return err
	}
	// The quick form's refusals stand (a bad number, two targets); what it leaves unread, the
	// free-text reader reads: number words ("tiga spj #2"), "2 jam", "kemarin", and the target a
	// text without #n clearly names ("3 dokumen spj").
	day := r.sentDay()
	u := r.e.lex.UnderstandReport(args, day, freeTargets(c))
	var ev int64
	if r.msg.Photo != nil {
		if ev, err = r.storeEvidence(r.msg.Photo); err != nil {
			return err
		}
	}
	if len(u.Activities) == 0 {
		u = freetext.Understanding{Reading: freetext.Reading{Kind: freetext.Report, Activities: []freetext.Activity{{Text: q.Text, Day: day}}},
			Matches: []freetext.Match{{Verdict: freetext.None}}}
	}
	return r.reportUnderstood(u, c, day, ev, &q)
}

// overTarget reports whether the draft's quantity is more than the whole of its target. The whole
// target, not what is left of it: going past what is left is ordinary over-achievement late in
// the year, while one report larger than the year's target is almost always a typo.
func overTarget(d reportDraft, c *store.Contract) bool {
	t := findTarget(c, d.Target)
	return t != nil && d.Quantity > t.Quantity
}

// reportAsk asks the question of a step and saves the flow there.
func (r *request) reportAsk(step string, d reportDraft) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := r.saveFlow(flowReport, step, string(data)); err != nil {
		return err
	}
	cancelHint := r.t("flow.cancel_hint", nil)
	switch step {
	case stepText:
		r.sayText(r.t("report.ask_text", nil) + "\n" + cancelHint)
	case stepTarget:
		c, err := r.reportContract()
		if err != nil {
			return err
		}
		r.askTarget(r.t("report.ask_target", nil), c)
	case stepQuantity:
		c, err := r.reportContract()
		if err != nil {
			return err
		}
		t := findTarget(c, d.Target)
		r.say("report.ask_quantity", catalog.Args{"Unit": t.Unit, "N": t.N})
	case stepPhoto:
		r.ask(r.t("report.ask_photo", nil), [][]chat.Button{{{Label: r.t("button.skip", nil), Data: buttonSkip}}})
	case stepConfirm:
		c, err := r.reportContract()
		if err != nil {
			return err
		}
		summary := r.t("report.confirm", catalog.Args{"What": r.describe(d, c)})
		if overTarget(d, c) {
			t := findTarget(c, d.Target)
			summary = r.t("report.over_target", catalog.Args{"Qty": FormatNumber(d.Quantity), "Unit": t.Unit, "N": t.N,
				"Target": FormatNumber(t.Quantity)}) + "\n" + summary
		}
		r.ask(summary, r.saveCancelButtons())
	}
	return nil
}

// askTarget asks which of the contract's targets something counts towards: a numbered list (the
// answer is the target's number, 0 for none) with a button for each on networks that have them.
func (r *request) askTarget(question string, c *store.Contract) {
	lines := []string{question}
	var buttons [][]chat.Button
	for _, t := range c.Targets {
		lines = append(lines, fmt.Sprintf("%d. %s (%s)", t.N, t.Description, t.Unit))
		buttons = append(buttons, []chat.Button{{Label: fmt.Sprintf("#%d %s", t.N, shorten(t.Description, 28)), Data: targetButtonP + strconv.Itoa(t.N)}})
	}
	lines = append(lines, "0. "+r.t("report.no_target", nil))
	buttons = append(buttons, []chat.Button{{Label: r.t("report.no_target", nil), Data: targetButtonP + "0"}})
	lines = append(lines, r.t("flow.reply_number", catalog.Args{"Max": len(c.Targets)}))
	r.ask(strings.Join(lines, "\n"), buttons)
}

// targetAnswer reads the answer to askTarget: a target's number ("2", "#2", or its button), or 0
// for none.
func targetAnswer(ans string, c *store.Contract) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(ans, targetButtonP), "#"))
	return n, err == nil && n >= 0 && (n == 0 || findTarget(c, n) != nil)
}

// saveCancelButtons are the buttons under a report shown back before it is saved.
func (r *request) saveCancelButtons() [][]chat.Button {
	return [][]chat.Button{{{Label: r.t("button.save", nil), Data: buttonSave}, {Label: r.t("button.cancel", nil), Data: buttonCancel}}}
}

// answer is the text of a reply or the data of a pressed button.
func (r *request) answer() string {
	if r.msg.Callback != "" {
		return r.msg.Callback
	}
	return strings.TrimSpace(r.msg.Text)
}

// reportStep continues /lapor with the person's answer. A wrong answer asks the same question
// again, so nothing typed so far is lost.
func reportStep(r *request, st store.FlowState) error {
	var d reportDraft
	if err := json.Unmarshal([]byte(st.Data), &d); err != nil {
		return fmt.Errorf("read report draft: %w", err)
	}
	ans := r.answer()
	c, err := r.reportContract()
	if err != nil {
		return err
	}
	switch st.Step {
	case stepText:
		if r.msg.Photo != nil && ans == "" {
			r.say("report.text_first", nil)
			return nil
		}
		if ans == "" || r.msg.Callback != "" {
			return r.reportAsk(stepText, d)
		}
		if len([]rune(ans)) > r.e.opt.MaxText {
			return invalid("report.too_long", catalog.Args{"Max": r.e.opt.MaxText})
		}
		d.Text = ans
		if c != nil && len(c.Targets) > 0 {
			return r.reportAsk(stepTarget, d)
		}
		return r.afterQuantity(d)
	case stepTarget:
		n, ok := targetAnswer(ans, c)
		if !ok {
			r.say("flow.reply_number", catalog.Args{"Max": len(c.Targets)})
			return nil
		}
		d.Target = n
		if n == 0 {
			d.Quantity = 0
			return r.afterQuantity(d)
		}
		return r.reportAsk(stepQuantity, d)
	case stepQuantity:
		f, ok := parse.Quantity(ans)
		if !ok {
			t := findTarget(c, d.Target)
			r.say("report.bad_quantity_answer", catalog.Args{"Unit": t.Unit})
			return nil
		}
		d.Quantity = f
		return r.afterQuantity(d)
	case stepPhoto:
		if r.msg.Photo != nil {
			id, err := r.storeEvidence(r.msg.Photo)
			if err != nil {
				return err
			}
			d.EvidenceID = id
			return r.reportAsk(stepConfirm, d)
		}
		if isSkip(ans) {
			return r.reportAsk(stepConfirm, d)
		}
		r.say("report.photo_or_skip", nil)
		return nil
	case stepConfirm:
		switch strings.ToLower(ans) {
		case "1", "ya", "y", "simpan", "yes", buttonSave:
			if err := r.endFlow(); err != nil {
				return err
			}
			return r.saveReport(d, c)
		case "2", "tidak", "no", "batal", buttonCancel:
			if err := r.endFlow(); err != nil {
				return err
			}
			r.say("cancel.done", nil)
			return nil
		}
		r.say("report.confirm_answer", nil)
		return nil
	}
	return r.endFlow()
}

// afterQuantity moves on to the photo step, unless a photo came with /lapor already.
func (r *request) afterQuantity(d reportDraft) error {
	if d.EvidenceID != 0 {
		return r.reportAsk(stepConfirm, d)
	}
	return r.reportAsk(stepPhoto, d)
}

func isSkip(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0", "lewati", "tidak", "tidak ada", "no", "-", buttonSkip:
		return true
	}
	return false
}

// describe renders a draft in one line: "Verifikasi SPJ — 3 dokumen, target #2 · 1 j 30 mnt · 📎".
func (r *request) describe(d reportDraft, c *store.Contract) string {
	s := d.Text
	if t := findTarget(c, d.Target); t != nil {
		s += " — " + r.t("report.towards", catalog.Args{"Qty": FormatNumber(d.Quantity), "Unit": t.Unit, "N": t.N})
	} else if d.Quantity > 0 {
		s += " — " + FormatNumber(d.Quantity)
	}
	if d.Minutes > 0 {
		s += " · " + FormatMinutes(r.lang, d.Minutes)
	}
	if d.EvidenceID != 0 {
		s += " · 📎"
	}
	return s
}

// saveReport stores the report and acknowledges it: what was recorded, the target's new
// realisation, and how to undo it.
func (r *request) saveReport(d reportDraft, c *store.Contract) error {
	id, err := r.insertReport(d, c)
	if err != nil {
		return err
	}
	t := findTarget(c, d.Target)
	lines := []string{r.t("report.saved", catalog.Args{"What": r.describe(d, c)})}
	switch {
	case t != nil:
		done, err := r.tx.TargetRealisation(r.ctx, []int64{t.ID}, dateKey(r.today), r.e.opt.RequireApproval)
		if err != nil {
			return err
		}
		lines = append(lines, r.realisationLine(t, done[t.ID]))
	case d.Quantity > 0 && c != nil:
		lines = append(lines, r.t("report.hint_target", nil))
	}
	if r.e.opt.RequireApproval {
		lines = append(lines, r.t("report.awaiting_validation", nil))
	}
	lines = append(lines, r.t("report.undo", catalog.Args{"ID": id}))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// realisationLine is "Realisasi target #2: 45 dari 120 dokumen (37,5%).", for a report's reply.
func (r *request) realisationLine(t *store.Target, done float64) string {
	return r.t("report.realisation", catalog.Args{"N": t.N, "Done": FormatNumber(done), "Target": FormatNumber(t.Quantity),
		"Unit": t.Unit, "Pct": FormatPercent(100 * done / t.Quantity)})
}

// insertReport stores a report of the sender, dated d.Day (or the day the message was sent).
func (r *request) insertReport(d reportDraft, c *store.Contract) (int64, error) {
	day := d.Day
	if day == "" {
		day = dateKey(r.sentDay())
	}
	rep := store.Report{NIP: r.who.NIP, OPDCode: r.who.OPDCode, LocalDate: day, Text: d.Text,
		CreatedAt: r.now, SourceNet: r.msg.Sender.Net, SourceMsgID: r.msg.ID, Late: d.Late}
	t := findTarget(c, d.Target)
	if d.Quantity > 0 {
		q := d.Quantity
		rep.Quantity = &q
	}
	if t != nil {
		id := t.ID
		rep.TargetID = &id
	}
	if d.Minutes > 0 {
		m := d.Minutes
		rep.Minutes = &m
	}
	if d.EvidenceID != 0 {
		id := d.EvidenceID
		rep.EvidenceID = &id
	}
	if err := r.checkDayMinutes(rep); err != nil {
		return 0, err
	}
	return r.tx.AddReport(r.ctx, rep)
}

// storeEvidence keeps a photo under the evidence directory, addressed by its SHA-256 so that the
// same picture sent twice is stored once, and records it. Only images within the size limit are
// taken.
func (r *request) storeEvidence(p *chat.Photo) (int64, error) {
	if int64(len(p.Data)) > r.e.opt.MaxPhotoBytes || p.Size > r.e.opt.MaxPhotoBytes {
		return 0, invalid("report.photo_too_big", catalog.Args{"MaxMB": FormatNumber(float64(r.e.opt.MaxPhotoBytes) / (1 << 20))})
	}
	mime := http.DetectContentType(p.Data)
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}[mime]
	if ext == "" {
		return 0, invalid("report.photo_not_image", nil)
	}
	sum := sha256.Sum256(p.Data)
	hash := hex.EncodeToString(sum[:])
	rel := filepath.Join(hash[:2], hash+ext)
	path := filepath.Join(r.e.opt.EvidenceDir, rel)
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return 0, fmt.Errorf("store evidence: %w", err)
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, p.Data, 0o600); err != nil {
			return 0, fmt.Errorf("store evidence: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return 0, fmt.Errorf("store evidence: %w", err)
		}
	}
	return r.tx.AddEvidence(r.ctx, store.Evidence{SHA256: hash, Path: rel, MIME: mime, Size: int64(len(p.Data))}, r.now)
}

// shorten cuts s to n characters with an ellipsis, for button labels.
func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
