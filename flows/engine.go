// Package flows decides what Lapkin's messages mean: the chat commands, the multi-step
// conversations, and what each stores and answers. It never imports a transport: it reads
// chat.Message values and queues chat.Reply values in the outbox, inside the same transaction as the
// effects that caused them.
package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/freetext"
	"github.com/lapkin-id/lapkin/outbox"
	"github.com/lapkin-id/lapkin/sanitize"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// Options are the parts of the configuration the flows need.
type Options struct {
	Location        *time.Location
	Language        string          // default reply language
	AdminNIPs       []string        // admins in addition to the roster's role
	MaxText         int             // longest report text, in characters
	MaxPhotoBytes   int64           // largest evidence photo
	RequireApproval bool            // only validated reports count
	Holidays        []store.Holiday // from the config, in addition to the database's (/libur, the national calendar)
	EvidenceDir     string          // where evidence files are stored
	FlowTimeout     time.Duration   // idle time after which a flow expires
	// ShowMissing names, in the digest, the people who did not report at all ([digest] show_missing).
	ShowMissing bool
	// DigestToHeads are the networks on which the heads of an OPD also get its weekly digest in
	// private, in addition to the group (chat.HeadsDigest), on their account there.
	DigestToHeads []string
	// Scoring holds the weights, bands and pass mark of [evaluation]; zero means SPEC's defaults.
	Scoring scoring.Params
	// FloodMax is how many messages one sender may send within FloodWindow and still get every
	// reply ([intake] max_messages); beyond it their messages are handled and stored as always, but
	// the replies to their chat are coalesced into one notice (intake.go). 0 turns the limit off.
	FloodMax    int
	FloodWindow time.Duration
	// StrangerRepliesPerHour caps the replies to people not registered, over all networks, in
	// any hour ([intake] stranger_replies_per_hour); beyond it strangers get no answer. 0 is no cap.
	StrangerRepliesPerHour int
	// Networks are the networks Lapkin serves (cmd/lapkin's table): what each one's chats carry
	// (chat.Capabilities) is read from it. A network it does not hold gets no limit.
	Networks chat.Networks
	// NewCode makes a registration code; nil means random from crypto/rand. Only the demo sets it,
	// so that a piped script can type the code it will be given.
	NewCode func() string
	// BackdateDays is how many working days back a report may be dated ([reports]
	// backdate_days, default 3, the e-Kinerja practice); 0 takes the default, a negative value
	// allows none.
	BackdateDays int
	// Abbreviations are the city's own short forms for the free-text reader ([reports]
	// abbreviations: "sp2d" = "surat perintah pencairan dana"), in addition to Lapkin's list.
	Abbreviations map[string]string

	// The practice of issue 21 (practice.go); every zero value is off. MinutesDay and
	// MinutesMonth are [kinerja]'s effective-minutes thresholds; MinutesApprovedOnly counts only
	// validated reports' minutes (minutes_count, "auto" resolved by the caller).
	MinutesDay, MinutesMonth int
	MinutesApprovedOnly      bool
	// CloseDay is [kinerja] close_day: a month closes at the end of that day of the next month.
	CloseDay int
	// ReviewDays is [reports] review_days: working days to validate a report.
	ReviewDays int
	// Checkpoints is [evaluation] checkpoints as config.CheckpointRule reads it: "3b6b" (also
	// when empty), "bulanan" or "triwulan".
	Checkpoints string
}

// Engine handles inbound messages.
type Engine struct {
	store *store.Store
	clock chat.Clock
	cat   *catalog.Catalog
	opt   Options
	log   *slog.Logger

	// Queued, when set, is called after replies have been committed to the outbox, to wake the sender.
	Queued func()

	noPreload bool // tests: ask person by person, to compare with the batched answers

	kept keptPreviews // the last /evaluate preview's results, for its confirmation

	lex *freetext.Lexicon // reads free-text reports
}

// New returns an engine. Zero options take their defaults.
func New(st *store.Store, clock chat.Clock, cat *catalog.Catalog, opt Options, log *slog.Logger) *Engine {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Language == "" {
		opt.Language = "id"
	}
	if opt.MaxText == 0 {
		opt.MaxText = 1000
	}
	if opt.MaxPhotoBytes == 0 {
		opt.MaxPhotoBytes = 5 << 20
	}
	if opt.Scoring == (scoring.Params{}) {
		opt.Scoring = scoring.DefaultParams
	}
	if opt.NewCode == nil {
		opt.NewCode = newCode
	}
	if opt.FlowTimeout == 0 {
		opt.FlowTimeout = 30 * time.Minute
	}
	// The config's days are marked as such: /libur cannot change them, and its list says so.
	opt.Holidays = slices.Clone(opt.Holidays)
	for i := range opt.Holidays {
		opt.Holidays[i].Source = calendar.SourceConfig
	}
	if log == nil {
		log = slog.Default()
	}
	switch {
	case opt.BackdateDays == 0:
		opt.BackdateDays = 3
	case opt.BackdateDays < 0:
		opt.BackdateDays = 0
	}
	lex := freetext.Default()
	for short, long := range opt.Abbreviations {
		lex.Add(short, long)
	}
	return &Engine{store: st, clock: clock, cat: cat, opt: opt, log: log, lex: lex}
}

// request is one message being handled: who sent it, in which language to answer, and the replies
// gathered so far.
type request struct {
	ctx   context.Context
	e     *Engine
	tx    *store.Tx
	msg   chat.Message
	now   time.Time // in the city's timezone
	today time.Time // civil date, midnight UTC
	who   *store.Employee
	lang  string
	out   []chat.Reply

	subordinates *[]store.Employee // the sender's direct reports, loaded once when needed
	flowChanged  bool              // the chat's conversation was saved or ended while handling this message
	params       string            // the scoring parameters as stored with an evaluation, once encoded
	// evaluatorNames is how notices of an evaluation name its evaluator, by language, once made.
	evaluatorNames map[string]string
	// cityCals are the city's holidays by the span they were read for (cityCalendar).
	cityCals map[[2]calendar.Date]*calendar.Calendar
	// posts are the posts people left (transfers), by NIP, read once when first asked.
	posts map[string][]store.Posting

	// later, when set, runs after the message's transaction has committed: work too long to hold
	// the write lock for (an evaluation of a whole OPD or city), which reads on a snapshot and
	// writes in transactions of its own.
	later func() error
}

// t renders a message in the request's language.
func (r *request) t(key string, args catalog.Args) string { return r.e.cat.T(r.lang, key, args) }

// tl renders a message in a given language (for someone other than the sender).
func (r *request) tl(lang, key string, args catalog.Args) string { return r.e.cat.T(lang, key, args) }

// say queues a reply to the chat the message came from.
func (r *request) say(key string, args catalog.Args) { r.sayText(r.t(key, args)) }

func (r *request) sayText(text string) {
	r.out = append(r.out, chat.Reply{To: r.msg.Chat, Text: text})
}

// ask queues a question with buttons.
func (r *request) ask(text string, buttons [][]chat.Button) {
	r.out = append(r.out, chat.Reply{To: r.msg.Chat, Text: text, Buttons: buttons})
}

// Handle handles one inbound message: it stores the effects and queues the replies in one
// transaction. A redelivered message is recognised by its id and ignored. A message its receiver
// gave up on (m.Failed) is kept as a dead letter and answered politely. It returns an error only
// when nothing could be committed, so that the transport does not acknowledge the message.
//
// What the person wrote (text, caption, button data, a shared number) is cleaned by
// sanitize.Text before anything reads it: control characters and bidirectional overrides are
// dropped, not refused, because they almost always come from pasting out of a PDF or a word
// processor, and refusing would lose the report of someone who did nothing wrong. Cleaning here,
// at the one entry every transport goes through, means no flow can store, broadcast (/umumkan)
// or export them.
func (e *Engine) Handle(ctx context.Context, m chat.Message) error {
	m = cleanInbound(m)
	if foreignSender(m) {
		return e.refuseForeign(ctx, m)
	}
	m, err := e.fetchMedia(ctx, m)
	if err != nil {
		return err
	}
	now := e.clock.Now().In(e.opt.Location)
	var lang string
	var later *request
	err = e.store.Update(ctx, func(tx *store.Tx) error {
		fresh, err := tx.MarkInboundFrom(ctx, m.Sender.Net, m.ID, m.Sender.ID, now)
		if err != nil || !fresh {
			return err
		}
		r := &request{ctx: ctx, e: e, tx: tx, msg: m, now: now, today: civil(now)}
		if err := r.identify(); err != nil {
			return err
		}
		lang = r.lang
		if m.Returned != nil {
			return r.returned(m.Returned)
		}
		if m.Failed != nil {
			if err := r.deadLetter(m.Failed); err != nil {
				return err
			}
		} else if err := e.safeDispatch(r); err != nil {
			return err
		}
		if err := r.limitFlood(); err != nil {
			return err
		}
		if r.later != nil {
			later = r
		}
		return r.flush()
	})
	if err == nil {
		e.queued()
		if later != nil {
			e.runLater(ctx, later)
		}
		return nil
	}
	// The effects were rolled back. Answer in a transaction of its own, which also marks the
	// message handled: a coded error with its explanation, anything else with an apology, and
	// then the message is kept as a dead letter for the operator.
	if lang == "" {
		lang = e.opt.Language
	}
	text := e.cat.T(lang, "common.internal_error", nil)
	fe, coded := asError(err)
	if coded {
		text = e.cat.T(lang, fe.Key, fe.Args)
	} else {
		e.log.Error("handle message", "chat", m.Chat.String(), "msg", m.ID, "err", err)
	}
	err2 := e.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.MarkInboundFrom(ctx, m.Sender.Net, m.ID, m.Sender.ID, now); err != nil {
			return err
		}
		r := &request{ctx: ctx, e: e, tx: tx, msg: m, now: now, today: civil(now), lang: lang}
		if !coded {
			f := m.Failed
			if f == nil {
				f = &chat.Failure{Kind: chat.FailHandler, Reason: err.Error()}
			}
			if err := r.keepDeadLetter(f); err != nil {
				return err
			}
		}
		if m.Chat.ID != "" && !(m.Failed != nil && m.Group) {
			r.sayText(text)
		}
		if err := r.limitFlood(); err != nil {
			return err
		}
		return r.flush()
	})
	if err2 != nil {
		return fmt.Errorf("answer failed message: %w (after %v)", err2, err)
	}
	e.queued()
	return nil
}

// safeDispatch is dispatch that turns a panic in a flow into an error, so that the transaction is
// rolled back and the message answered and kept, rather than handled again and again.
func (e *Engine) safeDispatch(r *request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in flow: %v", p)
		}
	}()
	return e.dispatch(r)
}

func (e *Engine) queued() {
	if e.Queued != nil {
		e.Queued()
	}
}

// flush queues the gathered replies in the outbox, each with its priority (prioritize).
func (r *request) flush() error {
	if err := r.prioritize(); err != nil {
		return err
	}
	for _, rep := range r.out {
		if err := outbox.Enqueue(r.ctx, r.tx, rep, r.now, r.e.opt.Networks.Capabilities(rep.To.Net)); err != nil {
			return err
		}
	}
	r.out = nil
	return nil
}

// identify finds the employee behind the sender, and the language to answer in: theirs, or the
// one their account chose before registering.
func (r *request) identify() error {
	r.lang = r.e.opt.Language
	// The account a message last came from is where their notices go (notifyFunc): marked seen
	// in the same statement that finds it.
	id, err := r.tx.SeeIdentity(r.ctx, r.msg.Sender.Net, r.msg.Sender.ID, r.now)
	if errors.Is(err, store.ErrNotFound) {
		lang, err := r.tx.AccountLanguage(r.ctx, r.msg.Sender.Net, r.msg.Sender.ID)
		if lang != "" {
			r.lang = catalog.Lang(lang)
		}
		return err
	}
	if err != nil {
		return err
	}
	emp, err := r.tx.Employee(r.ctx, id.NIP)
	if err != nil {
		return err
	}
	r.setWho(emp)
	return nil
}

func (r *request) setWho(emp store.Employee) {
	r.who = &emp
	if emp.Language != "" {
		r.lang = catalog.Lang(emp.Language)
	}
}

// isAdmin reports whether the sender is an admin, by the roster or by the config.
func (r *request) isAdmin() bool { return r.who != nil && r.e.admin(r.who) }

// admin reports whether emp is an admin, by the roster's role or by [admin] nips in the config.
func (e *Engine) admin(emp *store.Employee) bool {
	return emp.Role == store.RoleAdmin || slices.Contains(e.opt.AdminNIPs, emp.NIP)
}

// hasRole reports whether the sender may use a command for role.
func (r *request) hasRole(role string) bool {
	switch role {
	case "":
		return true
	case store.RoleASN:
		return r.who != nil
	case store.RoleKepala:
		// SPEC: the kepala role is the head of an OPD or a supervisor named as atasan_nip.
		return r.who != nil && (r.who.Role == store.RoleKepala || r.isAdmin() || len(r.mySubordinates()) > 0)
	case store.RoleAdmin:
		return r.isAdmin()
	}
	return false
}

// mySubordinates returns the sender's direct reports (those whose atasan_nip they are). A failed
// lookup counts as none: it only ever withholds a supervisor's command.
func (r *request) mySubordinates() []store.Employee {
	if r.subordinates == nil {
		var subs []store.Employee
		if r.who != nil {
			var err error
			if subs, err = r.tx.Subordinates(r.ctx, r.who.NIP); err != nil {
				r.e.log.Error("load subordinates", "nip", r.who.NIP, "err", err)
				subs = nil
			}
			if acting, err := r.actingTeam(); err != nil { // an acting supervisor's team (Plh), today
				r.e.log.Error("load acting team", "nip", r.who.NIP, "err", err)
			} else {
				subs = append(subs, acting...)
			}
		}
		r.subordinates = &subs
	}
	return *r.subordinates
}

// dispatch routes the message: a contact share, a step of the current flow, or a command.
func (e *Engine) dispatch(r *request) error {
	m := r.msg
	if m.Group && m.MovedTo != "" {
		return r.groupMoved()
	}
	if m.Group {
		// Groups get digests and announcements only; chatter there is none of our business, and
		// the only command taken there is the one that binds the group to its OPD, typed or
		// pressed (the buttons of its confirmation stand for the command).
		text := m.Text
		if m.Callback != "" {
			text = m.Callback
		}
		if cmd, args, ok := parseCommand(text, true); ok && cmd.group && (m.Callback == "" || strings.HasPrefix(m.Callback, "/")) {
			if r.who == nil && m.Contact != nil && m.Contact.Implicit {
				// WhatsApp names the sender by number: a head who never wrote to the bot in
				// private can still bind their group. Nothing is linked (that is for their own chat).
				if err := r.identifyByPhone(m.Contact.Phone); err != nil {
					return err
				}
			}
			if r.who == nil {
				// A stranger's command gets no answer in a group: the group learns nothing about
				// who is registered, and nobody is invited to try more.
				return nil
			}
			return e.run(r, cmd, args)
		}
		return nil
	}
	if m.Contact != nil && !m.Contact.Implicit && r.who != nil && strings.TrimSpace(m.Text) == "" {
		// The contact button pressed by someone already registered.
		r.say("register.already", catalog.Args{"Name": r.who.Name, "NIP": r.who.NIP})
		return nil
	}
	if m.Contact != nil && r.who == nil {
		if m.Contact.Implicit {
			if done, err := r.registerImplicit(m.Contact); err != nil || done {
				return err
			}
		} else {
			if err := r.registerByPhone(m.Contact); err != nil || r.who == nil {
				return err
			}
			if strings.TrimSpace(m.Text) == "" {
				return nil
			}
		}
	}
	if m.Unsupported != "" {
		// A document, video or voice note cannot be kept as evidence: say so rather than record a
		// report without its evidence, or drop it silently.
		r.say("media.unsupported", catalog.Args{"Kind": r.t("media.kind."+m.Unsupported, nil)})
		return nil
	}
	text := strings.TrimSpace(m.Text)
	if strings.HasPrefix(m.Callback, "/") {
		// A button that stands for a command (a supervisor's "Setujui" under a notice) is that
		// command typed: same parsing, same role checks, same effect on an open flow.
		text = strings.TrimSpace(m.Callback)
		m.Callback, r.msg.Callback = "", ""
	}
	if r.msg.Callback == "" && len([]rune(text)) > r.e.opt.MaxText+200 {
		return invalid("common.too_long", catalog.Args{"Max": r.e.opt.MaxText})
	}

	st, err := r.tx.FlowState(r.ctx, m.Chat.Net, m.Chat.ID)
	inFlow := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if inFlow && r.now.Sub(st.UpdatedAt) > e.opt.FlowTimeout {
		if _, err := r.tx.ClearFlowState(r.ctx, m.Chat.Net, m.Chat.ID); err != nil {
			return err
		}
		inFlow = false
		r.say("flow.expired", catalog.Args{"Flow": r.flowTitle(st.Flow), "Minutes": int(e.opt.FlowTimeout.Minutes())})
		if m.Callback != "" {
			return nil
		}
		if _, _, ok := parseCommand(text, true); !ok {
			return nil
		}
	}

	if inFlow {
		// Inside a flow a bare word is an answer; only a slash command (or "batal") leaves it.
		if cmd, args, ok := parseCommand(text, true); ok && m.Callback == "" {
			switch {
			case cmd.midFlow == flowEnds:
			case cmd.reads(args):
				// A question in the middle of a conversation: answer it, then ask again
				// what the conversation was waiting for.
				if err := e.run(r, cmd, args); err != nil {
					return err
				}
				return e.resume(r, st)
			case cmd.midFlow != flowReplaces:
				// Any other command that starts no conversation of its own (/hapus <id>,
				// /cuti with dates, /kode…) leaves this one where it was: answer it, then
				// ask again. One that starts its own replaces this one, and says so first.
				n := len(r.out)
				if err := e.run(r, cmd, args); err != nil {
					return err
				}
				if !r.flowChanged {
					return e.resume(r, st)
				}
				dropped := chat.Reply{To: m.Chat, Text: r.t("flow.dropped", catalog.Args{"Flow": r.flowTitle(st.Flow)})}
				r.out = append(r.out[:n], append([]chat.Reply{dropped}, r.out[n:]...)...)
				return nil
			default:
				// A new /lapor replaces the conversation, whatever it was.
				if _, err := r.tx.ClearFlowState(r.ctx, m.Chat.Net, m.Chat.ID); err != nil {
					return err
				}
				r.say("flow.dropped", catalog.Args{"Flow": r.flowTitle(st.Flow)})
			}
			return e.run(r, cmd, args)
		}
		return e.step(r, st)
	}

	if m.Callback != "" {
		// A button of a question that is no longer open.
		r.say("flow.stale_button", nil)
		return nil
	}
	cmd, args, ok := parseCommand(text, e.opt.Networks.Capabilities(m.Chat.Net).SlashOnly)
	if ok && r.who != nil && !strings.HasPrefix(text, "/") && !cmd.bareTakes(args) {
		// A command word without its slash, followed by what that command does not take, is a
		// person writing: "validasi data 50 berkas" is work, not /validasi.
		ok = false
	}
	if !ok {
		if r.who == nil {
			r.out = append(r.out, replyAskContact(r, r.t("register.unknown_person", nil)))
			return nil
		}
		return r.freeText(text)
	}
	return e.run(r, cmd, args)
}

// run runs a command after checking the sender's role. The role is checked on every call.
func (e *Engine) run(r *request, cmd *command, args string) error {
	if cmd.run == nil {
		r.say("common.not_yet", catalog.Args{"Command": "/" + cmd.name})
		return nil
	}
	if r.who == nil && cmd.role != "" {
		r.out = append(r.out, replyAskContact(r, r.t("register.unknown_person", nil)))
		return nil
	}
	if !r.hasRole(cmd.role) {
		return forbidden("common.forbidden", catalog.Args{"Command": "/" + cmd.name})
	}
	if v, rest := cmd.splitVerb(args); v != nil {
		if !r.hasRole(v.role) {
			return forbidden("common.forbidden", catalog.Args{"Command": "/" + cmd.name + " " + v.names[0]})
		}
		return v.run(r, rest)
	}
	return cmd.run(r, strings.TrimSpace(args))
}

// step continues the chat's current flow with this message.
func (e *Engine) step(r *request, st store.FlowState) error {
	f := findFlow(st.Flow)
	if f == nil || r.who == nil {
		// A flow this version does not know, or its owner was removed from the roster: end it.
		_, err := r.tx.ClearFlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID)
		return err
	}
	return f.step(r, st)
}

// resume repeats the pending question of the chat's flow after a read-only command was answered
// in its middle, headed "Laporan Anda belum selesai:". A flow that cannot repeat its question (it
// declares no ask) gets a general reminder that it is still open.
func (e *Engine) resume(r *request, st store.FlowState) error {
	f := findFlow(st.Flow)
	if f == nil || f.ask == nil || r.who == nil {
		r.say("flow.pending_other", catalog.Args{"Flow": r.flowTitle(st.Flow)})
		return nil
	}
	n := len(r.out)
	if err := f.ask(r, st); err != nil {
		return err
	}
	name := r.flowTitle(st.Flow)
	head := r.t("flow.pending", catalog.Args{"Flow": name, "Title": upperFirst(name)})
	if len(r.out) > n {
		r.out[n].Text = head + "\n" + r.out[n].Text
	} else {
		r.sayText(head)
	}
	return nil
}

// saveFlow stores the chat's flow at step with data (JSON-encoded by the caller).
func (r *request) saveFlow(flow, step, data string) error {
	r.flowChanged = true
	return r.tx.SaveFlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID, store.FlowState{Flow: flow, Step: step, Data: data, UpdatedAt: r.now})
}

// endFlow ends the chat's flow.
func (r *request) endFlow() error {
	r.flowChanged = true
	_, err := r.tx.ClearFlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID)
	return err
}

// civil returns the calendar date of t as midnight UTC, the form dates are compared in.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dateKey formats a civil date as stored: YYYY-MM-DD. It is written by hand: an evaluation of a
// city formats millions of days (each day of each period, twice), and time.Format's layout
// parsing was a tenth of it.
func dateKey(d time.Time) string {
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		return d.Format("2006-01-02") // the same text as ever for years of other widths
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return string(b[:])
}

// cleanInbound returns m with what its sender wrote cleaned by sanitize.Text (see Handle).
func cleanInbound(m chat.Message) chat.Message {
	m.Text, _ = sanitize.Text(m.Text)
	m.Callback, _ = sanitize.Text(m.Callback)
	if m.Contact != nil {
		c := *m.Contact
		c.Phone = sanitize.Line(c.Phone)
		m.Contact = &c
	}
	return m
}
