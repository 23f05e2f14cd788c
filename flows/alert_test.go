package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// When WhatsApp stops the bot's number, the admins hear of it on their other network, in their
// language, and nobody else does.
func TestTransportAlertTellsAdminsElsewhere(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	// Hendra (admin) also linked WhatsApp, later than the console: the alert must not go there.
	if err := h.st.Update(ctx, func(tx *store.Tx) error {
		return tx.LinkIdentity(ctx, bot.NetWhatsApp, "6281900000009", admin, h.clock.Now().Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	health := bot.Health{Net: bot.NetWhatsApp, State: bot.StateBanned, Detail: "code 101: you sent too many messages", CanSend: false}
	if err := h.eng.TransportAlert(ctx, health); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(h.con.Received(admin), "\n")
	expect(t, got, "diblokir sementara", "code 101", "send_interval")
	if n := len(h.con.Received(budi)); n != 0 {
		t.Errorf("staff received %d alerts", n)
	}
	var pending int
	_ = h.st.View(ctx, func(tx *store.Tx) error {
		due, err := tx.DueOutbox(ctx, []string{bot.NetWhatsApp}, h.clock.Now().Add(time.Hour), 10)
		pending = len(due)
		return err
	})
	if pending != 0 {
		t.Errorf("%d alerts queued on the network that stopped", pending)
	}
}

// A person registered on two networks gets a notice once, on the one linked last.
func TestNoticeGoesToOneNetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	if err := h.st.Update(ctx, func(tx *store.Tx) error {
		return tx.LinkIdentity(ctx, bot.NetWhatsApp, "6281200000002", budi, h.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2026, 11, 23, 14, 0, 0, 0, jakarta))
	if err := h.eng.RunJob(ctx, "reminder", h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	var wa, con int
	_ = h.st.View(ctx, func(tx *store.Tx) error {
		due, err := tx.DueOutbox(ctx, []string{bot.NetWhatsApp, bot.NetConsole}, h.clock.Now().Add(time.Hour), 100)
		for _, m := range due {
			if m.ChatID == "6281200000002" {
				wa++
			}
			if m.ChatID == budi {
				con++
			}
		}
		return err
	})
	if wa != 1 || con != 0 {
		t.Errorf("Budi's reminder: %d on WhatsApp, %d on the console; want exactly one, on WhatsApp (linked last)", wa, con)
	}
}
