package flows_test

import (
	"testing"

	"github.com/lapkin-id/lapkin/bot"
)

// Issue 26, item 6: a message in Budi's private chat whose sender is someone else is refused: no
// report, no answer to anyone, kept as a dead letter.
func TestMessageFromSomeoneElseInAPrivateChatIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	budiChat := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	forged := bot.Message{ID: "forged-1", Chat: budiChat, Sender: bot.ChatRef{Net: bot.NetConsole, ID: siti}, Text: "/lapor 3 Palsu #2",
		Time: h.clock.Now()}
	if got := h.send(forged); len(got) != 0 {
		t.Fatalf("Budi's chat got %q", got)
	}
	if n := len(h.con.Received(siti)); n != 0 {
		t.Fatalf("the sender got %d answers", n)
	}
	if n := len(h.reports(budi)) + len(h.reports(siti)); n != 0 {
		t.Fatalf("%d reports stored from a forged message", n)
	}
	var kind string
	h.st.DB().QueryRow(`SELECT kind FROM dead_letters WHERE msg_id = 'forged-1'`).Scan(&kind)
	if kind != bot.FailForeign {
		t.Fatalf("dead letter kind %q", kind)
	}
	// Budi himself is served as ever.
	expect(t, h.say(budi, "/lapor Rapat koordinasi"), "Laporan tercatat")
}
