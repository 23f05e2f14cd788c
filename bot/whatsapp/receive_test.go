package whatsapp

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapkin-id/lapkin/bot"
)

// fakeConn stands in for the connecting half of the client.
type fakeConn struct {
	mu          sync.Mutex
	errs        []error // returned by the next connects, then nil
	connects    int
	disconnects int
	up          bool
}

func (f *fakeConn) ConnectContext(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connects++
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return err
	}
	f.up = true
	return nil
}

func (f *fakeConn) Disconnect() {
	f.mu.Lock()
	f.disconnects++
	f.up = false
	f.mu.Unlock()
}

func (f *fakeConn) IsConnected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.up
}

// runLoop runs Receive with waits that pass at once on the manual clock, until stop says so.
func runLoop(t *testing.T, ta *testAdapter, conn *fakeConn, stop func(waits []time.Duration) bool) []time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	ta.conn = conn
	ta.after = func(d time.Duration) <-chan time.Time {
		waits = append(waits, d)
		ta.clock.Advance(d)
		if stop(waits) || len(waits) > 50 {
			cancel()
		}
		ch := make(chan time.Time, 1)
		ch <- ta.clock.Now()
		return ch
	}
	submit := ta.submit
	if err := ta.Receive(ctx, submit); err != nil {
		t.Fatal(err)
	}
	return waits
}

func TestReceiveRetriesTheFirstConnectionWithBackoff(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{})
	ta.setState(bot.StateDisconnected, "", true)
	conn := &fakeConn{errs: []error{errors.New("dial tcp: no route to host"), errors.New("dial tcp: no route to host")}}
	waits := runLoop(t, ta, conn, func(w []time.Duration) bool { return len(w) == 3 })
	if conn.connects != 3 || len(conn.errs) != 0 {
		t.Fatalf("%d connects; want the third to succeed", conn.connects)
	}
	if h := ta.Health(); h.State != bot.StateConnecting {
		t.Errorf("state %s after connecting, want connecting until whatsmeow's Connected", h.State)
	}
	if waits[0] != bot.Backoff(1) || waits[1] != bot.Backoff(2) {
		t.Errorf("waits %v, want backoff %s then %s", waits, bot.Backoff(1), bot.Backoff(2))
	}
	if conn.disconnects != 1 {
		t.Errorf("%d disconnects, want 1 when Receive ends", conn.disconnects)
	}
}

func TestReceiveReconnectsForARedelivery(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{})
	conn := &fakeConn{up: true}
	ta.fail = errBoom
	ta.onEvent(msgEvent("R1", budiPN, budiPN, budiPN, text("lapor 1 rapat")))
	ta.clock.Advance(2 * redeliverAfter)
	runLoop(t, ta, conn, func([]time.Duration) bool { return conn.connects >= 1 })
	if conn.disconnects < 1 || conn.connects != 1 {
		t.Errorf("disconnects %d, connects %d: want one reconnection so WhatsApp delivers the message again", conn.disconnects, conn.connects)
	}
}

func TestReceiveWaitsOutABan(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{})
	conn := &fakeConn{}
	ta.onEvent(&events.TemporaryBan{Code: events.TempBanBlockedByUsers, Expire: 30 * time.Minute})
	waits := runLoop(t, ta, conn, func([]time.Duration) bool { return conn.connects >= 1 })
	if len(waits) == 0 || waits[0] != 30*time.Minute {
		t.Fatalf("waits %v, want the ban's 30 minutes first", waits)
	}
	if conn.connects != 1 {
		t.Errorf("%d connects after the ban, want 1", conn.connects)
	}
	ta.onEvent(&events.Connected{})
	if h := ta.Health(); h.State != bot.StateConnected || !h.CanSend {
		t.Errorf("after the ban: %+v", h)
	}
}
