package main

import (
	"go/build"
	"reflect"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
)

// Every network of the table has its catalog file (its names, as a title and inside a sentence,
// in every language), a unique id, and a section the config accepts.
func TestNetworkTable(t *testing.T) {
	t.Parallel()
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

// Every adapter of the table links nothing of Lapkin's but the edge (package chat): not the
// store, not the flows, not another adapter (go list -deps ./bot/<name> | grep lapkin).
func TestAdaptersImportOnlyTheEdge(t *testing.T) {
	t.Parallel()
	const module = "github.com/lapkin-id/lapkin"
	for _, n := range networks {
		pkg := reflect.TypeOf(n).PkgPath()
		seen := map[string]bool{}
		var walk func(path string)
		walk = func(path string) {
			if seen[path] {
				return
			}
			seen[path] = true
			p, err := build.Import(path, ".", 0)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, imp := range p.Imports {
				if imp == module || strings.HasPrefix(imp, module+"/") {
					if imp != module+"/chat" {
						t.Errorf("%s links %s (through %s)", pkg, imp, path)
					}
					walk(imp)
				}
			}
		}
		walk(pkg)
	}
}
