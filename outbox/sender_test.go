package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// laneTransport is a transport for the lane tests: it declares the limits it is given, records
// every attempt, fails the attempts fail says to, and can hold sends until released.
type laneTransport struct {
	net    string
	limits chat.Limits
	chat   []chat.Window
	fail   func(r chat.Reply, attempt int) error // nil: every attempt succeeds

	mu          sync.Mutex
	attempts    []chat.Reply
	sent        []chat.Reply
	inflight    map[string]int
	maxInflight int
	overlap     bool          // two sends to one chat were in flight at once
	hold        chan struct{} // when set, each send waits for a value (or its context)
	hang        string        // sends to this chat wait for their context to end
	started     chan string   // when set, receives each send's chat as it starts
}

func (f *laneTransport) Net() string                           { return f.net }
func (f *laneTransport) Limits() chat.Limits                   { return f.limits }
func (f *laneTransport) ChatLimits(chat.ChatRef) []chat.Window { return f.chat }

func (f *laneTransport) Send(ctx context.Context, r chat.Reply) error {
	f.mu.Lock()
	if f.inflight == nil {
		f.inflight = map[string]int{}
	}
	f.inflight[r.To.ID]++
	if f.inflight[r.To.ID] > 1 {
		f.overlap = true
	}
	total := 0
	for _, n := range f.inflight {
		total += n
	}
	f.maxInflight = max(f.maxInflight, total)
	f.attempts = append(f.attempts, r)
	attempt := 0
	for _, a := range f.attempts {
		if a.Text == r.Text && a.To == r.To {
			attempt++
		}
	}
	hold, started := f.hold, f.started
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight[r.To.ID]--
		f.mu.Unlock()
	}()
	if started != nil {
		started <- r.To.ID
	}
	if r.To.ID == f.hang {
		<-ctx.Done()
		return &chat.Error{Code: chat.RetryLater, Cause: ctx.Err()}
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return &chat.Error{Code: chat.RetryLater, Cause: ctx.Err()}
		}
	}
	if f.fail != nil {
		if err := f.fail(r, attempt); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.sent = append(f.sent, r)
	f.mu.Unlock()
	return nil
}

// texts returns "chat:text" of the delivered replies, in delivery order.
func (f *laneTransport) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.sent {
		out = append(out, r.To.ID+":"+r.Text)
	}
	return out
}

// laneEnv is a sender over a real SQLite file with one transport, on a manual clock.
type laneEnv struct {
	t     *testing.T
	st    *store.Store
	clock *chat.ManualClock
	s     *Sender
}

var laneStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newLaneEnv(t *testing.T, tr chat.Transport) *laneEnv {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := chat.NewManualClock(laneStart)
	return &laneEnv{t: t, st: st, clock: clock, s: NewSender(st, clock, nil, tr)}
}

// queue puts "chat:text" messages of the sender's network in the outbox, in the order given.
func (e *laneEnv) queue(net string, msgs ...string) {
	e.t.Helper()
	var replies []chat.Reply
	for _, m := range msgs {
		cid, text, _ := strings.Cut(m, ":")
		replies = append(replies, chat.Reply{To: chat.ChatRef{Net: net, ID: cid}, Text: text})
	}
	queue(e.t, e.st, e.clock.Now(), replies...)
}

// step lets the lane start what may go now and waits for those sends to finish. It returns how
// many were delivered and when a chat waiting for its window may go (zero: none waits).
func (e *laneEnv) step() (int, time.Time) {
	e.t.Helper()
	l := e.s.lanes[0]
	l.drive.Lock()
	defer l.drive.Unlock()
	next, _, err := l.dispatch(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return l.settle(), earliest(next, l.holdNext)
}

func (e *laneEnv) counts() (pending, sent, failed int) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.st.View(ctx, func(tx *store.Tx) (err error) { pending, sent, failed, err = tx.OutboxCounts(ctx); return }); err != nil {
		e.t.Fatal(err)
	}
	return
}

func eq(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") }

// A chat whose window is full is skipped, not waited on: the next chat goes, and the skipped one
// comes back when its window frees, still in its own order.
func TestLaneSkipsChatThatIsNotReady(t *testing.T) {
	t.Parallel()
	ft := &laneTransport{net: "fake", chat: []chat.Window{{N: 1, Per: time.Second}}}
	e := newLaneEnv(t, ft)
	e.queue("fake", "a:1", "a:2", "b:1", "b:2")

	if n, _ := e.step(); n != 1 {
		t.Fatalf("first step sent %d", n)
	}
	// a:2 is now a's head, but a sent a second ago: b goes past it.
	if n, _ := e.step(); n != 1 {
		t.Fatalf("second step sent %d", n)
	}
	n, next := e.step()
	if n != 0 || !next.Equal(laneStart.Add(time.Second)) {
		t.Fatalf("third step sent %d, next %v: both chats sent within the second", n, next)
	}
	e.clock.Advance(time.Second)
	e.step()
	e.step()
	if want := []string{"a:1", "b:1", "a:2", "b:2"}; !eq(ft.texts(), want) {
		t.Fatalf("delivered %v, want %v", ft.texts(), want)
	}
}

// Several sends run at once, never more than Concurrency and never two to one chat; each chat's
// messages arrive in the order they were queued, even when a send fails and is retried.
func TestLaneConcurrencyAndChatOrder(t *testing.T) {
	t.Parallel()
	ft := &laneTransport{net: "fake", limits: chat.Limits{Concurrency: 3}, hold: make(chan struct{}), started: make(chan string, 100),
		fail: func(r chat.Reply, attempt int) error {
			if r.To.ID == "c1" && r.Text == "0" && attempt == 1 {
				return errors.New("connection reset")
			}
			return nil
		}}
	e := newLaneEnv(t, ft)
	var msgs []string
	for i := range 4 {
		for c := range 5 {
			msgs = append(msgs, fmt.Sprintf("c%d:%d", c, i))
		}
	}
	e.queue("fake", msgs...)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.s.Run(ctx, time.Hour) }()
	// Three sends start and hold: no fourth starts while they are in flight.
	for range 3 {
		<-ft.started
	}
	select {
	case cid := <-ft.started:
		t.Fatalf("a fourth send (to %s) started while three were in flight", cid)
	case <-time.After(50 * time.Millisecond):
	}
	// Let everything through; c1's first message fails once and is retried after its backoff.
	go func() {
		for {
			select {
			case ft.hold <- struct{}{}:
			case <-done:
				return
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(ft.texts()) < 16 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // room for a wrong send to c1 to show
	if got := ft.texts(); len(got) != 16 || strings.Contains(strings.Join(got, " "), "c1:") {
		t.Fatalf("before c1's retry: %v (c1's later messages must wait behind its failed first)", got)
	}
	e.clock.Advance(chat.Backoff(0))
	e.s.Notify()
	for len(ft.texts()) < 20 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done

	ft.mu.Lock()
	maxIn, overlap := ft.maxInflight, ft.overlap
	ft.mu.Unlock()
	if maxIn != 3 || overlap {
		t.Fatalf("at most %d in flight (want 3), two to one chat at once: %v", maxIn, overlap)
	}
	next := map[string]int{}
	for _, m := range ft.texts() {
		cid, text, _ := strings.Cut(m, ":")
		if text != fmt.Sprint(next[cid]) {
			t.Fatalf("chat %s got %s before %d: %v", cid, text, next[cid], ft.texts())
		}
		next[cid]++
	}
	if pending, sent, _ := e.counts(); pending != 0 || sent != 20 {
		t.Fatalf("pending %d sent %d", pending, sent)
	}
}

// A send that hangs ends at the lane's deadline and is retried later; the other chat is not held.
func TestLaneSendDeadline(t *testing.T) {
	t.Parallel()
	ft := &laneTransport{net: "fake", limits: chat.Limits{Concurrency: 2, SendTimeout: 50 * time.Millisecond}, hang: "hung"}
	e := newLaneEnv(t, ft)
	e.queue("fake", "hung:1", "ok:1")
	if n, _ := e.step(); n != 1 || !eq(ft.texts(), []string{"ok:1"}) {
		t.Fatalf("sent %d: %v", n, ft.texts())
	}
	var lastErr string
	var attempts int
	if err := e.st.DB().QueryRow(`SELECT last_error, attempts FROM outbox WHERE chat_id = 'hung' AND status = 'pending'`).Scan(&lastErr, &attempts); err != nil {
		t.Fatal(err)
	}
	if attempts != 1 || !strings.Contains(lastErr, "deadline exceeded") {
		t.Fatalf("hung message: attempts %d, last error %q", attempts, lastErr)
	}
}

// A 429 for one chat pauses that chat only; 429s for two chats within a second pause the network
// until the retry_after has passed; a transport can pause the network outright with ScopeNetwork.
func TestLaneFloodWaitScope(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	flood := map[string]*chat.Error{}
	ft := &laneTransport{net: "fake", fail: func(r chat.Reply, attempt int) error {
		mu.Lock()
		defer mu.Unlock()
		e := flood[r.To.ID]
		delete(flood, r.To.ID) // each 429 is answered once
		if e != nil {
			return e
		}
		return nil
	}}
	e := newLaneEnv(t, ft)
	tooMany := &chat.Error{Code: chat.RetryLater, Wait: 5 * time.Second}
	setFlood := func(cid string, e *chat.Error) { mu.Lock(); flood[cid] = e; mu.Unlock() }
	setFlood("a", tooMany)
	e.queue("fake", "a:1", "a:2", "b:1")
	e.step() // a:1 meets a 429
	e.step() // b goes; a waits
	if n, _ := e.step(); n != 0 || !eq(ft.texts(), []string{"b:1"}) {
		t.Fatalf("after a chat's 429: %v", ft.texts())
	}

	// Two seconds later c and d both meet a 429 within the second: the whole network waits, e too.
	e.clock.Advance(2 * time.Second)
	setFlood("c", tooMany)
	setFlood("d", tooMany)
	e.queue("fake", "c:1", "d:1", "e:1")
	e.step()
	e.step()
	if n, _ := e.step(); n != 0 {
		t.Fatalf("sent %d during a network-wide flood wait", n)
	}
	e.clock.Advance(5 * time.Second)
	for range 5 {
		e.step()
	}
	if want := []string{"b:1", "a:1", "a:2", "c:1", "d:1", "e:1"}; !eq(ft.texts(), want) {
		t.Fatalf("delivered %v, want %v", ft.texts(), want)
	}

	// A transport that knows the whole network must wait says so.
	setFlood("f", &chat.Error{Code: chat.RetryLater, Wait: time.Minute, Scope: chat.ScopeNetwork})
	e.queue("fake", "f:1", "g:1")
	e.step()
	if n, _ := e.step(); n != 0 {
		t.Fatalf("sent %d during a network pause", n)
	}
	e.clock.Advance(time.Minute)
	e.step()
	e.step()
	if got := ft.texts(); !eq(got[len(got)-2:], []string{"f:1", "g:1"}) {
		t.Fatalf("after the pause: %v", got)
	}
}

// The network's window is a sliding window counted from when sends complete: with 2 a second, a
// third send waits until a second after the first completed, however fast they go.
func TestLaneNetworkWindow(t *testing.T) {
	t.Parallel()
	ft := &laneTransport{net: "fake", limits: chat.Limits{Concurrency: 5, Network: []chat.Window{{N: 2, Per: time.Second}}}}
	e := newLaneEnv(t, ft)
	e.queue("fake", "a:1", "b:1", "c:1", "d:1")
	if n, _ := e.step(); n != 2 {
		t.Fatalf("first step sent %d, want 2", n)
	}
	n, next := e.step()
	if n != 0 || !next.Equal(laneStart.Add(time.Second)) {
		t.Fatalf("second step sent %d, next %v", n, next)
	}
	e.clock.Advance(time.Second)
	if n, _ := e.step(); n != 2 {
		t.Fatalf("after a second sent %d, want 2", n)
	}
}

// idTransport chooses message ids like WhatsApp and checks that each attempt's id is already in
// the outbox when it is sent.
type idTransport struct {
	laneTransport
	st    *store.Store
	n     int
	check []string // msg_id in the outbox row at each attempt
}

func (f *idTransport) NewMessageID() string {
	f.n++
	return fmt.Sprintf("3EB0%04d", f.n)
}

func (f *idTransport) Send(ctx context.Context, r chat.Reply) error {
	var stored string
	if err := f.st.DB().QueryRowContext(ctx, `SELECT msg_id FROM outbox WHERE chat_id = ?`, r.To.ID).Scan(&stored); err != nil {
		return err
	}
	f.check = append(f.check, stored+"="+r.ID)
	return f.laneTransport.Send(ctx, r)
}

// A transport that chooses message ids gets one before the first attempt, stored in the outbox,
// and the same one on every retry, also after a restart.
func TestLaneMessageIDsStoredBeforeSend(t *testing.T) {
	t.Parallel()
	ft := &idTransport{laneTransport: laneTransport{net: "wa", fail: func(r chat.Reply, attempt int) error {
		if attempt == 1 {
			return errors.New("connection reset")
		}
		return nil
	}}}
	e := newLaneEnv(t, ft)
	ft.st = e.st
	e.queue("wa", "628111:halo")
	e.step()
	// A restart: a new sender over the same database.
	e.s = NewSender(e.st, e.clock, nil, ft)
	e.clock.Advance(time.Minute)
	if n, _ := e.step(); n != 1 {
		t.Fatalf("retry sent %d", n)
	}
	if want := []string{"3EB00001=3EB00001", "3EB00001=3EB00001"}; !eq(ft.check, want) || ft.n != 1 {
		t.Fatalf("ids at each attempt (stored=sent) %v, %d ids made; want %v from one id", ft.check, ft.n, want)
	}
}

// healthTransport may or may not send, as its health says.
type healthTransport struct {
	laneTransport
	mu      sync.Mutex
	canSend bool
}

func (f *healthTransport) Health() chat.Health {
	f.mu.Lock()
	defer f.mu.Unlock()
	return chat.Health{Net: f.net, State: chat.StateLoggedOut, CanSend: f.canSend}
}

// While a transport says it may not send, its messages stay queued, untouched; they go once it may.
func TestLaneKeepsMessagesWhileTransportCannotSend(t *testing.T) {
	t.Parallel()
	ft := &healthTransport{laneTransport: laneTransport{net: "wa"}}
	e := newLaneEnv(t, ft)
	e.queue("wa", "628111:satu", "628222:dua")
	if n, err := e.s.Flush(context.Background()); n != 0 || err != nil {
		t.Fatalf("flush while logged out sent %d (%v)", n, err)
	}
	var attempts int
	e.st.DB().QueryRow(`SELECT SUM(attempts) FROM outbox`).Scan(&attempts)
	if pending, _, _ := e.counts(); pending != 2 || attempts != 0 || len(ft.attempts) != 0 {
		t.Fatalf("pending %d, attempts %d/%d: messages touched while the transport could not send", pending, attempts, len(ft.attempts))
	}
	ft.mu.Lock()
	ft.canSend = true
	ft.mu.Unlock()
	if n, err := e.s.Flush(context.Background()); n != 2 || err != nil {
		t.Fatalf("flush once connected sent %d (%v)", n, err)
	}
}

// Each network has its own lane: a network whose sends hang does not hold another.
func TestLanesPerNetwork(t *testing.T) {
	t.Parallel()
	slow := &laneTransport{net: "slow", limits: chat.Limits{SendTimeout: time.Hour}, hold: make(chan struct{})}
	fast := &laneTransport{net: "fast"}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := chat.NewManualClock(laneStart)
	s := NewSender(st, clock, nil, slow, fast)
	queue(t, st, laneStart, chat.Reply{To: chat.ChatRef{Net: "slow", ID: "1"}, Text: "x"}, chat.Reply{To: chat.ChatRef{Net: "fast", ID: "2"}, Text: "y"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx, time.Hour) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(fast.texts()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !eq(fast.texts(), []string{"2:y"}) {
		t.Fatalf("fast network delivered %v while the slow one hangs", fast.texts())
	}
	slow.hold <- struct{}{}
	cancel()
	<-done
	if !eq(slow.texts(), []string{"1:x"}) {
		t.Fatalf("slow network: %v", slow.texts())
	}
}

// holdTransport holds chats (or, under "", the whole network) until given times.
type holdTransport struct {
	laneTransport
	mu    sync.Mutex
	until map[string]time.Time
}

func (f *holdTransport) HoldUntil(to chat.ChatRef) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.until[to.ID]
}

// A transport can say "not before T" for one chat or for the whole network; the lane serves the
// others meanwhile and comes back at T.
func TestLaneHolder(t *testing.T) {
	t.Parallel()
	ft := &holdTransport{laneTransport: laneTransport{net: "wa"}, until: map[string]time.Time{"x": laneStart.Add(time.Minute)}}
	e := newLaneEnv(t, ft)
	e.queue("wa", "x:1", "y:1")
	if n, _ := e.step(); n != 1 {
		t.Fatalf("first step sent %d: the held chat took y's turn", n)
	}
	n, next := e.step()
	if n != 0 || !eq(ft.texts(), []string{"y:1"}) || !next.Equal(laneStart.Add(time.Minute)) {
		t.Fatalf("sent %v, next %v: want y first and x at its time", ft.texts(), next)
	}
	ft.mu.Lock()
	ft.until[""] = laneStart.Add(time.Hour) // e.g. a daily cap reached
	ft.mu.Unlock()
	e.clock.Advance(time.Minute)
	if n, next := e.step(); n != 0 || !next.Equal(laneStart.Add(time.Hour)) {
		t.Fatalf("sent %d while the network is held, next %v", n, next)
	}
	// Flush does not wait out a hold (on this clock it would wait for ever).
	if n, err := e.s.Flush(context.Background()); n != 0 || err != nil {
		t.Fatalf("flush during a hold: %d %v", n, err)
	}
	e.clock.Set(laneStart.Add(time.Hour))
	if n, _ := e.step(); n != 1 || !eq(ft.texts(), []string{"y:1", "x:1"}) {
		t.Fatalf("after the holds: %v", ft.texts())
	}
}

// Jitter adds a random wait after each send on the network, never less than the window's own.
func TestLaneJitter(t *testing.T) {
	t.Parallel()
	ft := &laneTransport{net: "wa", limits: chat.Limits{Network: []chat.Window{{N: 1, Per: 3 * time.Second}}, Jitter: 2 * time.Second}}
	e := newLaneEnv(t, ft)
	e.queue("wa", "x:1", "y:1")
	e.step()
	_, next := e.step()
	if wait := next.Sub(laneStart); wait < 3*time.Second || wait >= 5*time.Second {
		t.Fatalf("next send after %v, want 3 s plus less than 2 s of jitter", wait)
	}
}
