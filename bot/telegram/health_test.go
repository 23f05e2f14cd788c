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

// The transport's health follows the Bot API: connected after getMe; after a refused token
// (401) logged out, may not send, and the poll loop ends with the reason.
func TestHealthTokenRefused(t *testing.T) {
	tg, srv := newTG(t)
	if h := tg.Health(); h.State != bot.StateConnected || !h.CanSend || h.Net != bot.NetTelegram {
		t.Fatalf("after getMe: %+v", h)
	}
	srv.Fail("getUpdates", 1, 401, "Unauthorized", 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := tg.Poller(&healthCursor{}).Receive(ctx, func(context.Context, bot.Message, func(error)) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("receive: %v", err)
	}
	if h := tg.Health(); h.State != bot.StateLoggedOut || h.CanSend || !strings.Contains(h.Detail, "401") {
		t.Fatalf("after 401: %+v", h)
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
	tg, _ := newTG(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tg.Poller(cancelledCursor{}).Receive(ctx, func(context.Context, bot.Message, func(error)) bool { return true }); err != nil {
		t.Fatalf("receive after a stop: %v", err)
	}
}
