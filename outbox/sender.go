package outbox

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// Sender delivers the outbox through the transports and keeps undelivered messages for later: a
// failed send is retried with backoff, a 429 waits the time the platform named, and a recipient
// who blocked the bot is marked unreachable.
//
// Each network has its own lane, so a slow or throttled network never holds another. Inside a
// lane, chats are independent: a chat that may not be written to yet (its rate window is full, a
// send to it is in flight) is skipped and comes back when it is ready, while up to
// Limits.Concurrency sends to other chats run at once within the network's own windows. A chat's
// messages go one at a time, oldest first: a message waiting for a retry holds the ones queued
// after it, so nobody reads an answer before the question.
type Sender struct {
	store *store.Store
	clock chat.Clock
	log   *slog.Logger
	lanes []*lane

	// MaxAttempts is how many times a message is tried before it is parked (DefaultMaxAttempts).
	MaxAttempts int
	// Backoff is the first wait before a failed send is tried again, doubling to 10 minutes
	// ([retry] backoff; chat.DefaultBackoff when zero).
	Backoff time.Duration
	// Observer, when set, is told each delivery's outcome (the metrics); it must not block.
	Observer DeliveryObserver
	// Parked, when set, is called after a message was parked with the error of its last attempt,
	// first true when it started a parking episode (no other message was parked): the runtime
	// tells the admins then, once.
	Parked func(ctx context.Context, m store.OutMessage, err error, first bool)
	// FailedForGood, when set, is called after a message was given up for good (code Unreachable
	// or Rejected): the runtime tells the heads of an OPD whose bound group can no longer be
	// reached. It must not block for long.
	FailedForGood func(ctx context.Context, m store.OutMessage, code string, err error)
}

// DefaultMaxAttempts is how often a message is tried before it is parked. With Backoff (2 s
// doubling to 10 minutes) the 99 waits between 100 attempts add up to 15 h 17 min (RetrySpan), so
// a platform outage of a whole night, from the office's close to the next morning, loses no reply;
// and a message parked after that is still not lost (`lapkin outbox retry`).
const DefaultMaxAttempts = 100

// RetrySpan is how long a message keeps being retried with Backoff before its attempts run out:
// the sum of the waits between attempts (the attempts' own time comes on top).
func RetrySpan(attempts int) time.Duration {
	var d time.Duration
	for i := 0; i < attempts-1; i++ {
		d += chat.Backoff(i)
	}
	return d
}

// Outcomes of a failed delivery attempt, as DeliveryObserver.Failed names them.
const (
	OutcomeRetry       = "retry"       // tried again later
	OutcomeUnreachable = "unreachable" // the recipient blocked the bot: given up for good
	OutcomeRejected    = "rejected"    // the platform refused the message: given up for good
	OutcomeParked      = "parked"      // attempts ran out: kept for `lapkin outbox retry`
)

// DeliveryObserver is told the outcome of every delivery attempt (ops.Metrics implements it), so
// that the runtime can count them without bot/ knowing how.
type DeliveryObserver interface {
	Sent(net string)
	Failed(net, outcome string)
}

// NewSender returns a sender with one lane for each transport's network.
func NewSender(st *store.Store, clock chat.Clock, log *slog.Logger, transports ...chat.Transport) *Sender {
	if log == nil {
		log = slog.Default()
	}
	s := &Sender{store: st, clock: clock, log: log, MaxAttempts: DefaultMaxAttempts}
	for _, t := range transports {
		s.lanes = append(s.lanes, newLane(s, t))
	}
	return s
}

// Notify tells a running sender that new messages are waiting.
func (s *Sender) Notify() {
	for _, l := range s.lanes {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// Run delivers messages until ctx ends, waking on Notify, when a rate limit lets a waiting chat
// go, and at least every poll interval (for retries that have become due and messages queued by
// another process). Sends in flight when ctx ends finish, within their deadline, before Run
// returns.
func (s *Sender) Run(ctx context.Context, poll time.Duration) {
	var wg sync.WaitGroup
	for _, l := range s.lanes {
		wg.Go(func() { l.run(ctx, poll) })
	}
	wg.Wait()
}

// Flush delivers every message that is due now, waiting (on the sender's clock) for the rate
// limits as they require, and returns how many were delivered. It does not wait out a retry, a
// 429 or a transport that may not send: those messages stay queued for Run. Flush and Run take
// turns on a lane, so a message is never sent twice.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	var (
		mu   sync.Mutex
		sent int
		errs []error
		wg   sync.WaitGroup
	)
	for _, l := range s.lanes {
		wg.Go(func() {
			n, err := l.flush(ctx)
			mu.Lock()
			sent += n
			errs = append(errs, err)
			mu.Unlock()
		})
	}
	wg.Wait()
	return sent, errors.Join(errs...)
}

// lane sends one network's messages. The fields below drive are owned by whoever holds it (Run's
// loop or a Flush); sends in flight report back through done.
type lane struct {
	s      *Sender
	net    string
	t      chat.Transport
	limits chat.Limits
	log    *slog.Logger
	wake   chan struct{}
	done   chan outcome

	drive       sync.Mutex
	network     []*window
	chats       map[string][]*window // windows of chats that sent recently
	inflight    map[string]bool      // chats with a send in flight
	held        map[string]time.Time // chats the transport holds (Holder), until when
	holdNext    time.Time            // when the earliest hold seen by the last dispatch ends
	pausedUntil time.Time            // the whole network waits (a flood wait for the bot)
	floods      []flood              // recent per-chat 429s, to tell a network-wide flood
	rng         *rand.Rand
}

// outcome is what a send reports back to its lane.
type outcome struct {
	m         store.OutMessage
	tk        ticket
	completed time.Time
	sent      bool
	err       error // the transport's error, nil when sent
}

// ticket names the window slots a send holds: network windows first, then the chat's.
type ticket struct {
	network []int
	chat    []int
}

// flood is one 429 that named a chat.
type flood struct {
	chat string
	at   time.Time
}

// floodSpan is how close together 429s from different chats must come to mean a network-wide
// flood wait (see throttled).
const floodSpan = time.Second

func newLane(s *Sender, t chat.Transport) *lane {
	l := &lane{s: s, net: t.Net(), t: t, log: s.log.With("net", t.Net()), wake: make(chan struct{}, 1),
		chats: map[string][]*window{}, inflight: map[string]bool{}, held: map[string]time.Time{}, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	if lt, ok := t.(chat.Limiter); ok {
		l.limits = lt.Limits()
	}
	if l.limits.Concurrency < 1 {
		l.limits.Concurrency = 1
	}
	if l.limits.SendTimeout <= 0 {
		l.limits.SendTimeout = chat.DefaultSendTimeout
	}
	l.network = windows(l.limits.Network)
	l.done = make(chan outcome, l.limits.Concurrency)
	return l
}

// after waits d on the sender's clock.
func (l *lane) after(d time.Duration) <-chan time.Time {
	if t, ok := l.s.clock.(chat.Timer); ok {
		return t.After(d)
	}
	return time.After(d)
}

func (l *lane) run(ctx context.Context, poll time.Duration) {
	l.drive.Lock()
	defer l.drive.Unlock()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		var timer <-chan time.Time
		if ctx.Err() == nil {
			next, _, err := l.dispatch(ctx)
			if err != nil && ctx.Err() == nil {
				l.log.Error("deliver outbox", "err", err)
			}
			now := l.s.clock.Now()
			next = earliest(next, l.holdNext)
			if l.pausedUntil.After(now) {
				next = earliest(next, l.pausedUntil)
			}
			if len(l.inflight) == 0 {
				// Nothing will bring the lane back before the poll: wake for the next retry.
				if at, ok := l.nextDue(ctx, now); ok {
					next = earliest(next, at)
				}
			}
			if !next.IsZero() {
				timer = l.after(next.Sub(l.s.clock.Now()))
			}
		}
		select {
		case <-ctx.Done():
			l.settle()
			return
		case o := <-l.done:
			l.collect(o)
		case <-l.wake:
		case <-tick.C:
		case <-timer:
		}
	}
}

// nextDue is when the lane's next waiting message falls due, if one does.
func (l *lane) nextDue(ctx context.Context, now time.Time) (at time.Time, ok bool) {
	err := l.s.store.View(ctx, func(tx *store.Tx) (err error) {
		at, ok, err = tx.NextOutboxDue(ctx, l.net, now)
		return err
	})
	if err != nil && ctx.Err() == nil {
		l.log.Error("read outbox", "err", err)
	}
	return at, ok
}

func (l *lane) flush(ctx context.Context) (int, error) {
	l.drive.Lock()
	defer l.drive.Unlock()
	sent := 0
	for {
		if ctx.Err() != nil {
			return sent + l.settle(), ctx.Err()
		}
		next, started, err := l.dispatch(ctx)
		if err != nil {
			return sent + l.settle(), err
		}
		if started > 0 || len(l.inflight) > 0 {
			select {
			case o := <-l.done:
				sent += l.collect(o)
			case <-ctx.Done():
			}
			continue
		}
		if next.IsZero() {
			return sent, nil // nothing due, or only what waits for a retry, a 429 or the transport
		}
		// A chat waits for its window: worth waiting for only if a message is due at all.
		var due []store.OutMessage
		if err := l.s.store.View(ctx, func(tx *store.Tx) (err error) {
			due, err = tx.OutboxHeads(ctx, l.net, l.s.clock.Now(), nil, 1)
			return err
		}); err != nil || len(due) == 0 {
			return sent, err
		}
		select {
		case <-l.after(next.Sub(l.s.clock.Now())):
		case <-ctx.Done():
		}
	}
}

// settle waits for the sends in flight and returns how many of them were delivered.
func (l *lane) settle() int {
	sent := 0
	for len(l.inflight) > 0 {
		sent += l.collect(<-l.done)
	}
	return sent
}

// dispatch starts the sends that may go now and returns how many it started, and next: when a
// chat or the network waiting only for a rate window may go (zero when none waits for one). A
// 429 pause, a transport's hold (l.holdNext) or a transport that may not send is not in next:
// Flush does not wait for them, Run comes back for them.
func (l *lane) dispatch(ctx context.Context) (next time.Time, started int, err error) {
	now := l.s.clock.Now()
	l.holdNext = time.Time{}
	budget := l.limits.Concurrency - len(l.inflight)
	if budget <= 0 || now.Before(l.pausedUntil) {
		return time.Time{}, 0, nil
	}
	if h, ok := l.t.(chat.HealthReporter); ok && !h.Health().CanSend {
		return time.Time{}, 0, nil
	}
	if h, ok := l.t.(chat.Holder); ok {
		if until := h.HoldUntil(chat.ChatRef{Net: l.net}); until.After(now) {
			l.holdNext = until
			return time.Time{}, 0, nil
		}
	}
	// The network's windows bound how many may start now.
	for _, w := range l.network {
		if n := w.available(now); n < budget {
			budget = n
			if at, ok := w.ready(now); ok && n == 0 && (next.IsZero() || at.After(next)) {
				next = at
			}
		}
	}
	if budget <= 0 {
		return next, 0, nil
	}
	// Chats in flight and chats whose own windows are full are left to the query.
	skip := make([]string, 0, len(l.inflight)+len(l.chats))
	var chatNext time.Time
	for cid, ws := range l.chats {
		if l.inflight[cid] {
			continue
		}
		if at, ready := chatReady(ws, now); !ready {
			skip = append(skip, cid)
			if chatNext.IsZero() || at.Before(chatNext) {
				chatNext = at
			}
		} else if allIdle(ws, now) {
			delete(l.chats, cid) // nothing to remember
		}
	}
	for cid := range l.inflight {
		skip = append(skip, cid)
	}
	for cid, until := range l.held {
		if !until.After(now) {
			delete(l.held, cid)
			continue
		}
		skip = append(skip, cid)
		l.holdNext = earliest(l.holdNext, until)
	}
	holder, _ := l.t.(chat.Holder)
	// A round ends when every head the query gave was started; a head the transport holds is
	// skipped from then on and the query asked again, so it takes no other chat's turn.
	for again := true; again && started < budget; {
		again = false
		var heads []store.OutMessage
		err = l.s.store.View(ctx, func(tx *store.Tx) (err error) {
			heads, err = tx.OutboxHeads(ctx, l.net, now, skip, budget-started)
			return err
		})
		if err != nil {
			return time.Time{}, started, err
		}
		for _, m := range heads {
			to := chat.ChatRef{Net: l.net, ID: m.ChatID}
			if holder != nil {
				if until := holder.HoldUntil(to); until.After(now) {
					l.held[m.ChatID] = until
					skip = append(skip, m.ChatID)
					l.holdNext = earliest(l.holdNext, until)
					again = true
					continue
				}
			}
			ws, ok := l.chats[m.ChatID]
			if !ok {
				if lt, ok := l.t.(chat.Limiter); ok {
					ws = windows(lt.ChatLimits(to))
				}
				l.chats[m.ChatID] = ws
			}
			var tk ticket
			for _, w := range l.network {
				tk.network = append(tk.network, w.take(now))
			}
			for _, w := range ws {
				tk.chat = append(tk.chat, w.take(now))
			}
			l.inflight[m.ChatID] = true
			skip = append(skip, m.ChatID)
			started++
			go l.send(ctx, m, tk)
		}
	}
	// Only when no send was started does a chat waiting for its window need a timer: otherwise
	// the sends' completions bring the lane back.
	if started == 0 && !chatNext.IsZero() {
		next = earliest(next, chatNext)
	}
	return next, started, nil
}

// earliest returns the earlier of two times, the zero time standing for "none".
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// chatReady reports whether each of a chat's windows has a free slot at now, and otherwise when
// the last of them will.
func chatReady(ws []*window, now time.Time) (time.Time, bool) {
	var at time.Time
	for _, w := range ws {
		if w.available(now) > 0 {
			continue
		}
		t, ok := w.ready(now)
		if !ok {
			t = busyUntil
		}
		if t.After(at) {
			at = t
		}
	}
	return at, at.IsZero()
}

func allIdle(ws []*window, now time.Time) bool {
	for _, w := range ws {
		if !w.idle(now) {
			return false
		}
	}
	return true
}

// collect takes a finished send back: its window slots start cooling down from when it completed,
// its chat may be sent to again, and a 429 pauses what it names. It returns 1 for a delivered
// message.
func (l *lane) collect(o outcome) int {
	var jitter time.Duration
	if l.limits.Jitter > 0 {
		jitter = time.Duration(l.rng.Int64N(int64(l.limits.Jitter)))
	}
	for i, w := range l.network {
		w.release(o.tk.network[i], o.completed, jitter)
	}
	for i, w := range l.chats[o.m.ChatID] {
		w.release(o.tk.chat[i], o.completed, 0)
	}
	delete(l.inflight, o.m.ChatID)
	if o.err != nil {
		var e *chat.Error
		if errors.As(o.err, &e) && e.Code == chat.RetryLater && e.Wait > 0 {
			l.throttled(o.m.ChatID, e.Scope, e.Wait, o.completed)
		}
	}
	if o.sent {
		return 1
	}
	return 0
}

// throttled applies a 429 (a RetryLater with a Wait). The message itself waits in the outbox
// (its not_before), and with it the rest of its chat, which keeps its order. Telegram does not
// say whether a 429 is for one chat or for the whole bot; the lane sends to a chat only when the
// chat's own window allows, so it takes a 429 as the chat's own flood wait, unless 429s name two
// or more different chats within floodSpan of each other: then the bot as a whole is over its
// limit, and every chat of the network waits until the latest retry_after has passed. A
// transport that knows (a WhatsApp ban) says so with ScopeNetwork.
func (l *lane) throttled(cid, scope string, wait time.Duration, at time.Time) {
	network := scope == chat.ScopeNetwork
	if !network {
		kept := l.floods[:0]
		for _, f := range l.floods {
			if at.Sub(f.at) <= floodSpan {
				kept = append(kept, f)
				network = network || f.chat != cid
			}
		}
		l.floods = append(kept, flood{chat: cid, at: at})
	}
	if network && at.Add(wait).After(l.pausedUntil) {
		l.pausedUntil = at.Add(wait)
		l.log.Warn("flood wait for the whole network", "until", l.pausedUntil, "wait", wait)
	}
}

// send delivers one message and reports the outcome to the lane. It runs apart from the lane's
// loop, under a context that a stop does not cancel, so a send in hand finishes (within its
// deadline) and its outcome is recorded.
func (l *lane) send(ctx context.Context, m store.OutMessage, tk ticket) {
	ctx = context.WithoutCancel(ctx)
	sent, err := l.deliver(ctx, m)
	l.done <- outcome{m: m, tk: tk, completed: l.s.clock.Now(), sent: sent, err: err}
}

// deliver sends one message and records the outcome: sent, retry with backoff (or the wait the
// platform named), unreachable or rejected (failed for good), or parked after MaxAttempts. It
// returns the transport's error.
func (l *lane) deliver(ctx context.Context, m store.OutMessage) (bool, error) {
	st := l.s.store
	r, err := DecodeReply(m)
	if err != nil {
		l.record(ctx, "record undecodable message", func(tx *store.Tx) error { return tx.Fail(ctx, m.ID, err.Error()) })
		l.observe(OutcomeRejected)
		return false, err
	}
	if ids, ok := l.t.(chat.MessageIDs); ok {
		// The id is stored before the first attempt and reused on every retry, so a crash
		// between sending and recording cannot make the platform see two messages.
		if m.MsgID == "" {
			err := st.Update(ctx, func(tx *store.Tx) (err error) {
				m.MsgID, err = tx.SetOutboxMsgID(ctx, m.ID, ids.NewMessageID())
				return err
			})
			if err != nil {
				l.log.Error("store message id", "msg", m.ID, "err", err)
				return false, err
			}
		}
		r.ID = m.MsgID
	}
	sctx, cancel := context.WithTimeout(ctx, l.limits.SendTimeout)
	sendErr := l.t.Send(sctx, r)
	timedOut := sendErr != nil && errors.Is(sctx.Err(), context.DeadlineExceeded)
	cancel()
	now := l.s.clock.Now()
	if sendErr == nil {
		l.record(ctx, "record sent message", func(tx *store.Tx) error { return tx.MarkSent(ctx, m.ID, now) })
		if o := l.s.Observer; o != nil {
			o.Sent(l.net)
		}
		return true, nil
	}
	code, wait := chat.ErrorCode(sendErr)
	log := l.log.With("msg", m.ID, "to", r.To.String(), "attempt", m.Attempts+1)
	if timedOut {
		log = log.With("timeout", l.limits.SendTimeout)
	}
	maxAttempts := l.s.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	var outcome string
	var firstParked bool
	recorded := l.record(ctx, "record delivery failure", func(tx *store.Tx) (err error) {
		switch {
		case code == chat.Moved && movedTo(sendErr) != "" && movedTo(sendErr) != m.ChatID:
			outcome = OutcomeRetry
			to := movedTo(sendErr)
			log.Warn("chat moved to a new id; its binding and waiting messages follow", "new", to)
			if _, err := tx.MoveChat(ctx, m.Net, m.ChatID, to); err != nil {
				return err
			}
			return tx.Retry(ctx, m.ID, now, sendErr.Error())
		case code == chat.Unreachable:
			outcome = OutcomeUnreachable
			log.Warn("recipient unreachable", "err", sendErr)
			if err := tx.MarkUnreachable(ctx, m.Net, m.ChatID); err != nil {
				return err
			}
			return tx.Fail(ctx, m.ID, sendErr.Error())
		case code == chat.Rejected:
			outcome = OutcomeRejected
			log.Error("message refused by the platform", "err", sendErr)
			return tx.Fail(ctx, m.ID, sendErr.Error())
		case m.Attempts+1 >= maxAttempts:
			outcome = OutcomeParked
			log.Error("message parked after its last attempt; `lapkin outbox retry` sends it again", "err", sendErr)
			firstParked, err = tx.Park(ctx, m.ID, sendErr.Error())
			return err
		default:
			outcome = OutcomeRetry
			if wait <= 0 {
				wait = chat.BackoffFrom(l.s.Backoff, m.Attempts)
			}
			log.Warn("send failed, will retry", "wait", wait, "err", sendErr)
			return tx.Retry(ctx, m.ID, now.Add(wait), sendErr.Error())
		}
	})
	l.observe(outcome)
	if recorded && outcome == OutcomeParked && l.s.Parked != nil {
		l.s.Parked(ctx, m, sendErr, firstParked)
	}
	if recorded && (outcome == OutcomeUnreachable || outcome == OutcomeRejected) && l.s.FailedForGood != nil {
		l.s.FailedForGood(ctx, m, code, sendErr)
	}
	return false, sendErr
}

// movedTo is the new chat id a Moved error names.
func movedTo(err error) string {
	var e *chat.Error
	if errors.As(err, &e) {
		return e.MovedTo
	}
	return ""
}

// observe tells the observer of a failed attempt.
func (l *lane) observe(outcome string) {
	if o := l.s.Observer; o != nil && outcome != "" {
		o.Failed(l.net, outcome)
	}
}

// record writes a delivery outcome. If it cannot, the message stays pending as it was and is
// sent again later: a double is better than a loss.
func (l *lane) record(ctx context.Context, what string, fn func(*store.Tx) error) bool {
	if err := l.s.store.Update(ctx, fn); err != nil {
		l.log.Error(what, "err", err)
		return false
	}
	return true
}
