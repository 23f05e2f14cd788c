package flows_test

import (
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/flows"
)

// narrowConsole is the console network declaring a small message and slash-only commands, to see
// the flows obey a network's capabilities rather than its name.
type narrowConsole struct{ caps chat.Capabilities }

func (n narrowConsole) ID() string                                 { return "console" }
func (n narrowConsole) Capabilities() chat.Capabilities            { return n.caps }
func (n narrowConsole) Section() string                            { return "" }
func (n narrowConsole) Configure(chat.Section) (chat.Setup, error) { return nil, nil }

// A reply longer than the network's MaxText arrives whole, in several messages, each within it.
func TestRepliesCutToTheNetworksMaxText(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) {
		o.Networks = chat.Networks{narrowConsole{chat.Capabilities{MaxText: 300}}}
	})
	parts := h.send(console.Message(budi, "/bantuan", nil, h.clock.Now()))
	if len(parts) < 2 {
		t.Fatalf("help came in %d message(s) on a network of 300 characters", len(parts))
	}
	wide := newHarness(t)
	whole := wide.send(console.Message(budi, "/bantuan", nil, wide.clock.Now()))
	if len(whole) != 1 {
		t.Fatalf("help came in %d messages on a network without a limit", len(whole))
	}
	for _, p := range parts {
		if n := len([]rune(p)); n > 300 {
			t.Errorf("a part of %d characters", n)
		}
	}
	if strings.Join(parts, "\n") != whole[0] {
		t.Errorf("the parts do not make the whole help:\n%s\n---\n%s", strings.Join(parts, "\n"), whole[0])
	}
}

// On a network whose people must write the slash, a bare command word is not a command.
func TestSlashOnlyNetwork(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) {
		o.Networks = chat.Networks{narrowConsole{chat.Capabilities{SlashOnly: true}}}
	})
	reject(t, h.say(budi, "riwayat"), "Belum ada laporan dalam 7 hari")
	loose := newHarness(t)
	expect(t, loose.say(budi, "riwayat"), "Belum ada laporan dalam 7 hari")
}
