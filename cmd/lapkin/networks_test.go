package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot/telegram"
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
	// go list, not go/build: the module's packages are found as the go command finds them, also
	// in a binary built with -trimpath (CI), where go/build knows no GOROOT.
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list the adapters' imports")
	}
	const module = "github.com/lapkin-id/lapkin"
	for _, n := range networks {
		pkg := reflect.TypeOf(n).PkgPath()
		out, err := exec.Command(gocmd, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if (dep == module || strings.HasPrefix(dep, module+"/")) && dep != module+"/chat" && dep != pkg {
				t.Errorf("%s links %s", pkg, dep)
			}
		}
	}
}

// tgSettings are cfg's [telegram] as the adapter reads it.
func tgSettings(t testing.TB, cfg *config.Config) telegram.Settings {
	t.Helper()
	setup, err := configure(cfg, telegram.Network{})
	if err != nil {
		t.Fatal(err)
	}
	return setup.(*telegram.Setup).Settings
}

// tgLimitsOff turns Telegram's send limits off in cfg: send_rate = 0, send_private_interval =
// "0s", send_group_per_minute = 0.
func tgLimitsOff(cfg *config.Config) {
	cfg.Set("telegram.send_rate", 0)
	cfg.Set("telegram.send_private_interval", "0s")
	cfg.Set("telegram.send_group_per_minute", 0)
}

// tgLimitsDefault gives Telegram's send limits in cfg back their defaults, Telegram's own.
func tgLimitsDefault(cfg *config.Config) {
	cfg.Set("telegram.send_rate", nil)
	cfg.Set("telegram.send_private_interval", nil)
	cfg.Set("telegram.send_group_per_minute", nil)
}

// [telegram] and [whatsapp] are their adapters' to check, and a mistake in them still stops every
// command at start, naming the file and each key, as one in Lapkin's own sections does; the
// environment's token is read for every command too.
func TestNetworkSectionMistakesStopAtStart(t *testing.T) {
	t.Setenv(telegram.EnvToken, "")
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("[telegram]\nenabled = true\nsend_concurrency = 0\n[whatsapp]\ndaily_cap = -1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI(t, "", "inbox", "--config", path)
	if err == nil {
		t.Fatal("a bad [telegram] and [whatsapp] were accepted")
	}
	msg := err.Error() + stderr
	for _, want := range []string{path + ": telegram.token: required when telegram.enabled is true; set telegram.token or LAPKIN_TELEGRAM_TOKEN",
		path + ": telegram.send_concurrency: must be between 1 and 64, got 0",
		path + ": whatsapp.daily_cap: must not be negative (0 = no cap), got -1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	t.Setenv(telegram.EnvToken, "111:env")
	if err := os.WriteFile(path, []byte("[telegram]\nenabled = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := (&commonFlags{config: path}).loadConfig()
	if err != nil {
		t.Fatalf("the token from the environment was not taken: %v", err)
	}
	if s := tgSettings(t, cfg); !s.Enabled || s.Token != "111:env" {
		t.Errorf("[telegram] read as %+v", s)
	}
}
