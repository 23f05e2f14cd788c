package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// downTransport is a Telegram whose Bot API fails for some chats, as in an outage seen from
// the bot.
type downTransport struct {
	mu   sync.Mutex
	down map[string]bool
	sent []bot.Reply
}

func (d *downTransport) Net() string { return bot.NetTelegram }
func (d *downTransport) Send(_ context.Context, r bot.Reply) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down[r.To.ID] {
		return &bot.Error{Code: bot.RetryLater, Cause: errors.New("502 Bad Gateway")}
	}
	d.sent = append(d.sent, r)
	return nil
}

func (d *downTransport) to(chat string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, r := range d.sent {
		if r.To.ID == chat {
			out = append(out, r.Text)
		}
	}
	return out
}

// Messages whose attempts run out are parked, the admin is told once (not once per message),
// `lapkin outbox` lists them apart from those failed for good, and `lapkin outbox retry` sends
// them again.
func TestParkedMessagesToldOnceAndRetried(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, upkeepZone)
	m0, _ := upkeepMain(t, now)
	cfg := m0.Config
	m0.Close()
	tr := &downTransport{down: map[string]bool{"555": true, "556": true}}
	clock := bot.NewManualClock(now)
	m, err := Open(ctx, cfg, clock, m0.Log, nil, tr)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	rows, err := roster.ReadFile("sample/roster.csv")
	if err == nil {
		_, err = roster.Import(ctx, m.Store, rows, now)
	}
	if err != nil {
		t.Fatal(err)
	}
	const hendra = "197803152005011002" // admin in the sample roster
	err = m.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.LinkIdentity(ctx, bot.NetTelegram, "700", hendra, now); err != nil {
			return err
		}
		for _, chat := range []string{"555", "556", "blocked"} {
			if err := bot.Enqueue(ctx, tx, bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: chat}, Text: "Laporan tercatat untuk " + chat}, now); err != nil {
				return err
			}
		}
		_, err := tx.Enqueue(ctx, store.OutMessage{Net: bot.NetTelegram, ChatID: "blocked", Payload: `{"text":"x"}`}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Store.Update(ctx, func(tx *store.Tx) error { return tx.Fail(ctx, 3, "403 Forbidden: bot was blocked by the user") })
	m.Sender.MaxAttempts = 3
	for range 6 {
		if _, err := m.Sender.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	alerts := tr.to("700")
	if len(alerts) != 1 || !strings.Contains(alerts[0], "diparkir") || !strings.Contains(alerts[0], "502 Bad Gateway") {
		t.Fatalf("Hendra got %d alerts, want one for the episode: %q", len(alerts), alerts)
	}

	db := cfg.DatabasePath()
	out, stderr, err := runCLI(t, "", "outbox", "--db", db)
	if err != nil {
		t.Fatalf("outbox: %v %s", err, stderr)
	}
	for _, want := range []string{"2 diparkir", "1 gagal permanen", "#1 ", "tg:555", "3 attempts", "502 Bad Gateway", "Laporan tercatat untuk 556"} {
		if !strings.Contains(out, want) {
			t.Errorf("lapkin outbox lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runCLI(t, "", "outbox", "retry", "--db", db, "--id", "3"); err == nil || !strings.Contains(err.Error(), "not parked") {
		t.Fatalf("retry of a message failed for good: %v", err)
	}
	tr.mu.Lock()
	tr.down = nil // the outage is over
	tr.mu.Unlock()
	if out, _, err := runCLI(t, "", "outbox", "retry", "--db", db, "--id", "1"); err != nil || !strings.Contains(out, "1 pesan dikembalikan") {
		t.Fatalf("retry --id 1: %v %s", err, out)
	}
	if out, _, err := runCLI(t, "", "outbox", "retry", "--db", db); err != nil || !strings.Contains(out, "1 pesan dikembalikan") {
		t.Fatalf("retry: %v %s", err, out)
	}
	if _, err := m.Sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(tr.to("555")) != 1 || len(tr.to("556")) != 1 {
		t.Fatalf("after the retry: %q %q", tr.to("555"), tr.to("556"))
	}
	if out, _, _ := runCLI(t, "", "outbox", "--db", db); !strings.Contains(out, "Tidak ada pesan yang diparkir") {
		t.Fatalf("after the retry:\n%s", out)
	}
}
