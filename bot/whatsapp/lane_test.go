package whatsapp

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// The outbox lane drives the WhatsApp transport by what it declares: one send at a time, none
// before the pause since the last one is over (HoldUntil), each with the message id the lane
// stored in the outbox before sending.
func TestOutboxLaneKeepsPaceAndIDs(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{SendInterval: 3 * time.Second})
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	budi, siti := bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}, bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000003"}
	err = st.Update(ctx, func(tx *store.Tx) error {
		for _, r := range []bot.Reply{{To: budi, Text: "satu"}, {To: budi, Text: "dua"}, {To: siti, Text: "tiga"}} {
			if err := bot.Enqueue(ctx, tx, r, ta.clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := bot.NewSender(st, ta.clock, quiet, ta.WhatsApp)
	var at []time.Time
	for round := 1; round <= 3; round++ {
		if n, err := s.Flush(ctx); n != 1 || err != nil {
			t.Fatalf("round %d: flush sent %d (%v), want 1 then a hold", round, n, err)
		}
		at = append(at, ta.clock.Now())
		if hold := ta.HoldUntil(bot.ChatRef{Net: bot.NetWhatsApp}); !hold.IsZero() {
			ta.clock.Set(hold)
		}
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 3*time.Second {
			t.Errorf("send %d came %s after the one before, under send_interval", i+1, gap)
		}
	}
	sends := ta.fake.sends()
	rows, err := st.DB().Query(`SELECT msg_id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if len(sends) != 3 || len(ids) != 3 {
		t.Fatalf("%d sends, %d rows", len(sends), len(ids))
	}
	for i, m := range sends {
		if ids[i] == "" || string(m.id) != ids[i] {
			t.Errorf("send %d went with id %q, the outbox holds %q", i+1, m.id, ids[i])
		}
		if want := []string{"satu", "dua", "tiga"}[i]; m.msg.GetConversation() != want {
			t.Errorf("send %d is %q, want %q", i+1, m.msg.GetConversation(), want)
		}
	}
}
