package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/config"
)

func TestWhatsAppLoginRefusesABadPhone(t *testing.T) {
	_, stderr, err := runCLI(t, "", "whatsapp-login", "--phone", "12ab")
	if err == nil || !strings.Contains(stderr, "Nomor 12ab belum sesuai") {
		t.Fatalf("err %v, stderr %q: want the number refused before any connection", err, stderr)
	}
}

// The demo shows a newcomer the WhatsApp experience: numbered choices, no buttons, and commands
// named without their slash.
func TestDemoShowsWhatsApp(t *testing.T) {
	script := "/lapor\nRapat koordinasi SPJ\n2\n3\n0\n:net tg\n/bantuan\n"
	out, stderr, err := runCLI(t, script, "demo", "--net", "wa", "--time", "2026-11-23T09:00")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	wa, tg, _ := strings.Cut(out, "<<< :net tg")
	for _, s := range []string{"(Ketik batal untuk membatalkan.)", "1. Pemeliharaan server", "0. Tanpa target", "Balas dengan angka 0 sampai 3.", "Balas 1 untuk menyimpan"} {
		if !strings.Contains(wa, s) {
			t.Errorf("WhatsApp view lacks %q:\n%s", s, wa)
		}
	}
	for _, line := range strings.Split(wa, "\n") {
		if !strings.HasPrefix(line, "<<<") && strings.Contains(line, " /") {
			t.Errorf("WhatsApp view names a command with its slash: %q", line)
		}
	}
	if !strings.Contains(tg, "/lapor – kirim laporan harian") {
		t.Errorf("after :net tg the console's own view is back:\n%s", tg)
	}
}

func TestNewWhatsAppFromConfigWaitsForALink(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.App.DataDir = t.TempDir()
	wa, err := openWhatsApp(context.Background(), cfg, bot.SystemClock{}, nil)
	if err != nil {
		t.Fatalf("an unlinked number must not be an error: %v", err)
	}
	defer wa.Close()
	if h := wa.Health(); h.State != bot.StateNotLinked || !strings.Contains(h.Detail, "lapkin whatsapp-login") {
		t.Errorf("health %+v", h)
	}
	if _, err := os.Stat(filepath.Join(cfg.App.DataDir, "whatsapp.db")); err != nil {
		t.Errorf("session file not created in the data dir: %v", err)
	}
}
