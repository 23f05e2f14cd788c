package telegram

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
)

// healthCursor is a bot.Cursor in memory.
type healthCursor struct{ v string }

func (c *healthCursor) LoadCursor(context.Context, string) (string, error) { return c.v, nil }
func (c *healthCursor) SaveCursor(_ context.Context, _, v string) error    { c.v = v; return nil }

// The transport's health follows the Bot API: connected after getMe; with a refused token (401)
// logged out, saying the token is wrong, and may not send; the receiver keeps running (retrying
// slowly) rather than ending `lapkin run` (issue 26, item 7).
func TestHealthTokenRefused(t *testing.T) {
	t.Parallel()
	tg, srv := newTG(t)
	if h := tg.Health(); h.State != bot.StateConnected || !h.CanSend || h.Net != bot.NetTelegram {
		t.Fatalf("after getMe: %+v", h)
	}
	wrong, err := New(context.Background(), Config{Token: "111:wrong", Endpoint: srv.Endpoint()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := wrong.Health(); h.State != bot.StateLoggedOut || h.CanSend || !strings.Contains(h.Detail, "401") || !strings.Contains(h.Detail, "wrong") {
		t.Fatalf("after a refused token: %+v", h)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = wrong.Poller(&healthCursor{}).Receive(ctx, func(context.Context, bot.Message, func(error)) bool { return true })
	if err != nil || ctx.Err() == nil {
		t.Fatalf("receive with a refused token ended early: %v", err)
	}
	if h := wrong.Health(); h.State != bot.StateLoggedOut {
		t.Fatalf("after receiving: %+v", h)
	}
}

// cancelledCursor fails like the store does when its context is cancelled.
type cancelledCursor struct{}

func (cancelledCursor) LoadCursor(ctx context.Context, _ string) (string, error) {
	return "", ctx.Err()
}
func (cancelledCursor) SaveCursor(ctx context.Context, _, _ string) error { return ctx.Err() }

// A stop that comes while the poller is starting (SIGTERM right after `lapkin run` began) is a
// clean stop, not "load offset: context canceled" and exit 1.
func TestPollerStoppedWhileStarting(t *testing.T) {
	t.Parallel()
	tg, _ := newTG(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tg.Poller(cancelledCursor{}).Receive(ctx, func(context.Context, bot.Message, func(error)) bool { return true }); err != nil {
		t.Fatalf("receive after a stop: %v", err)
	}
}
