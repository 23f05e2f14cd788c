package whatsapp

import (
	"context"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
)

// In a group Lapkin reads slash commands only (convert), so a reply to a group keeps the slash of
// the commands it names ("/hubungkan BKPPD ya" to confirm moving the group); a private reply names
// them without it, as WhatsApp users type them.
func TestGroupRepliesKeepTheSlash(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{})
	ctx := context.Background()
	const text = "Tekan tombol di bawah, atau kirim /hubungkan BKPPD ya untuk memindahkan."
	for _, r := range []bot.Reply{
		{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "120363025246125486@g.us"}, Text: text},
		{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}, Text: text},
	} {
		if err := ta.Send(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	s := ta.fake.sends()
	if got := s[0].msg.GetConversation(); got != text {
		t.Errorf("to the group: %q, want the slash kept", got)
	}
	if got := s[1].msg.GetConversation(); got != "Tekan tombol di bawah, atau kirim hubungkan BKPPD ya untuk memindahkan." {
		t.Errorf("to a person: %q", got)
	}
}
