package outbox

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// countingObserver records the outcomes a sender reports.
type countingObserver struct {
	mu       sync.Mutex
	sent     int
	outcomes map[string]int
}

func (c *countingObserver) Sent(string) { c.mu.Lock(); c.sent++; c.mu.Unlock() }
func (c *countingObserver) Failed(_, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.outcomes == nil {
		c.outcomes = map[string]int{}
	}
	c.outcomes[outcome]++
}

// A message whose attempts run out is parked, not dropped; the first parking of an episode is
// flagged once; a blocked recipient stays apart (failed, unreachable); a retry sends the parked.
func TestOutboxParksAndRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	queue(t, st, now, chat.Reply{To: chat.ChatRef{Net: "fake", ID: "a"}, Text: "one"}, chat.Reply{To: chat.ChatRef{Net: "fake", ID: "b"}, Text: "two"},
		chat.Reply{To: chat.ChatRef{Net: "fake", ID: "blocked"}, Text: "three"})
	ft := &fakeTransport{}
	for range 5 {
		ft.errs = append(ft.errs, errors.New("502 Bad Gateway"))
	}
	ft.errs[2] = &chat.Error{Code: chat.Unreachable}
	clock := chat.NewManualClock(now)
	s := NewSender(st, clock, nil, ft)
	s.MaxAttempts = 2
	obs := &countingObserver{}
	s.Observer = obs
	var firsts []bool
	s.Parked = func(_ context.Context, m store.OutMessage, _ error, first bool) { firsts = append(firsts, first) }
	for range 4 {
		if _, err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	var stats store.OutboxStats
	st.View(ctx, func(tx *store.Tx) (err error) { stats, err = tx.OutboxStats(ctx); return })
	if stats.Parked != 2 || stats.Failed != 1 || len(stats.Pending) != 0 {
		t.Fatalf("parked %d failed %d pending %v, want 2 parked, 1 failed (the blocked one)", stats.Parked, stats.Failed, stats.Pending)
	}
	if len(firsts) != 2 || !firsts[0] || firsts[1] {
		t.Fatalf("parking episodes flagged %v, want [true false]: the admins are told once", firsts)
	}
	if obs.outcomes[OutcomeParked] != 2 || obs.outcomes[OutcomeUnreachable] != 1 || obs.outcomes[OutcomeRetry] != 2 {
		t.Fatalf("observed %v", obs.outcomes)
	}

	var n int
	st.Update(ctx, func(tx *store.Tx) (err error) { n, err = tx.RetryParked(ctx, 0); return })
	if n != 2 {
		t.Fatalf("%d messages requeued, want 2", n)
	}
	sent, err := s.Flush(ctx)
	if err != nil || sent != 2 || obs.sent != 2 {
		t.Fatalf("after retry: %d sent (observed %d), err %v", sent, obs.sent, err)
	}
	st.View(ctx, func(tx *store.Tx) (err error) { stats, err = tx.OutboxStats(ctx); return })
	if stats.Parked != 0 || stats.Failed != 1 {
		t.Fatalf("after retry: parked %d failed %d", stats.Parked, stats.Failed)
	}
}

// The default attempts must outlast a night's outage: 17:00 to 08:00 is 15 hours.
func TestRetrySpanCoversANight(t *testing.T) {
	t.Parallel()
	span := RetrySpan(DefaultMaxAttempts)
	t.Logf("%d attempts are retried over %s", DefaultMaxAttempts, span)
	if span < 15*time.Hour {
		t.Fatalf("%d attempts span %s, less than a night", DefaultMaxAttempts, span)
	}
	if RetrySpan(3) != 6*time.Second { // 2 s + 4 s
		t.Fatalf("RetrySpan(3) = %s", RetrySpan(3))
	}
}
