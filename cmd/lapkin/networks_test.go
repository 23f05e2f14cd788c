package main

import (
	"testing"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
)

// Every network of the table has its catalog file (its names, as a title and inside a sentence,
// in every language), a unique id, and a section the config accepts.
func TestNetworkTable(t *testing.T) {
	cat := catalog.Must()
	seen := map[string]bool{}
	for _, n := range networks {
		if seen[n.ID()] {
			t.Errorf("network id %q twice", n.ID())
		}
		seen[n.ID()] = true
		for _, l := range catalog.Languages {
			for _, key := range []string{"links.net." + n.ID(), "transport.net." + n.ID()} {
				if !cat.Has(l, key) {
					t.Errorf("%s: no %s/%s in its catalog file", n.ID(), l, key)
				}
			}
		}
		if _, err := configure(config.Default(), n); err != nil {
			t.Errorf("%s: the default config is refused: %v", n.ID(), err)
		}
		if c := n.Capabilities(); c.Identity == "" {
			t.Errorf("%s: capabilities do not say how a person is identified", n.ID())
		}
	}
	for word, id := range map[string]string{"wa": "wa", "WhatsApp": "wa", "telegram": "tg", "konsol": "console", "Console": "console"} {
		if n, ok := networks.Named(word, networkNames(cat)); !ok || n.ID() != id {
			t.Errorf("%q names %v, want %s", word, n, id)
		}
	}
	if _, ok := networks.Named("fb", networkNames(cat)); ok {
		t.Error("an unknown word names a network")
	}
	if _, ok := networks.Find("wa"); !ok {
		t.Error("wa not found")
	}
	var _ chat.Networks = networks
}
