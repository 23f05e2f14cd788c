package whatsapp

import (
	"context"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
)

func TestPacingIntervalAndJitter(t *testing.T) {
	t.Parallel()
	p := NewPacing(4*time.Second, 0, jakarta, 42)
	budi := bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}
	siti := bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281300000003"}
	now := monday
	if at := p.ReadyAt(budi, now); !at.Equal(now) {
		t.Fatalf("first message ready at %s, want at once", at)
	}
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		p.Sent(budi, now)
		// The pause holds for everyone, not only for the chat just written to.
		gap := p.ReadyAt(siti, now).Sub(now)
		if gap < 4*time.Second || gap >= 6*time.Second {
			t.Fatalf("pause %s, want 4s plus a jitter under 2s", gap)
		}
		seen[gap] = true
		now = now.Add(gap)
		if at := p.ReadyAt(siti, now); !at.Equal(now) {
			t.Fatalf("after the pause: ready at %s, want %s", at, now)
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d different pauses in 50: the jitter is not random enough to look human", len(seen))
	}
}

func TestPacingDailyCap(t *testing.T) {
	t.Parallel()
	p := NewPacing(time.Second, 3, jakarta, 1)
	budi := bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}
	group := bot.ChatRef{Net: bot.NetWhatsApp, ID: "120363025246125486@g.us"}
	now := time.Date(2026, 11, 23, 22, 0, 0, 0, jakarta)
	for i := 0; i < 3; i++ {
		now = p.ReadyAt(budi, now)
		p.Sent(budi, now)
	}
	now = now.Add(time.Minute)
	// Budi has had his three for Monday (Jakarta time): the next waits for Tuesday 00:00 WIB,
	// which is Monday 17:00 UTC — the day is the city's, not the server's.
	tuesday := time.Date(2026, 11, 24, 0, 0, 0, 0, jakarta)
	if at := p.ReadyAt(budi, now); !at.Equal(tuesday) {
		t.Errorf("after the cap: ready at %s, want %s", at, tuesday)
	}
	if at := p.ReadyAt(group, now); !at.Equal(now) {
		t.Errorf("another chat is not capped: ready at %s, want %s", at, now)
	}
	if at := p.ReadyAt(budi, tuesday); !at.Equal(tuesday) {
		t.Errorf("a new day starts a new count: ready at %s", at)
	}
}

func TestSendHonoursPaceAndCap(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{SendInterval: 3 * time.Second, DailyCap: 2})
	ctx := context.Background()
	r := bot.Reply{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}, Text: "halo"}
	start := ta.clock.Now()
	for i := 0; i < 2; i++ {
		// The lane holds the chat until the pause is over; Send sleeps a short pause itself.
		if at := ta.HoldUntil(r.To); !at.IsZero() {
			ta.clock.Set(at)
		}
		if err := ta.Send(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if waited := ta.clock.Now().Sub(start); waited < 3*time.Second || waited >= 5*time.Second {
		t.Errorf("two sends took %s on the clock, want one pause of 3s plus jitter", waited)
	}
	err := ta.Send(ctx, r)
	code, wait := bot.ErrorCode(err)
	midnight := time.Date(2026, 11, 24, 0, 0, 0, 0, jakarta)
	if code != bot.RetryLater || !ta.clock.Now().Add(wait).Equal(midnight) {
		t.Errorf("third send = %v (%s, %s), want RetryLater until %s", err, code, wait, midnight)
	}
	if n := len(ta.fake.sends()); n != 2 {
		t.Errorf("%d sent, want 2", n)
	}
	// A capped chat is held until midnight, and only that chat: the lane serves the others.
	if at := ta.HoldUntil(r.To); !at.Equal(midnight) {
		t.Errorf("capped chat held until %s, want %s", at, midnight)
	}
	other := bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000003"}
	if at := ta.HoldUntil(other); at.After(ta.clock.Now().Add(5 * time.Second)) {
		t.Errorf("another chat held until %s", at)
	}

	// A restart the same day remembers the counts (they are read back from the session).
	w2 := newAdapter(Config{SendInterval: 3 * time.Second, DailyCap: 2, Location: jakarta, Clock: ta.clock}, quiet)
	counts, err := ta.sess.sentSince(ctx, dayStart(ta.clock.Now(), jakarta))
	if err != nil {
		t.Fatal(err)
	}
	w2.pacing.seed(ta.clock.Now(), counts)
	if at := w2.pacing.ReadyAt(r.To, ta.clock.Now()); !at.Equal(midnight) {
		t.Errorf("after a restart: ready at %s, want %s", at, midnight)
	}
}
