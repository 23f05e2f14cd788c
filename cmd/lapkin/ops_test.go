package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/store"
)

// startMain is tgEnv.start that also returns the running Main (for its HTTP address).
func (e *tgEnv) startMain() (*Main, func()) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *Main, 1)
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: e.logLevel}))
	clock := &shiftedClock{base: testNow, start: time.Now()}
	go func() { done <- Run(ctx, e.cfg, clock, log, func(m *Main) { ready <- m }) }()
	var m *Main
	select {
	case m = <-ready:
	case err := <-done:
		e.t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		e.t.Fatal("run did not start")
	}
	return m, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("run returned %v", err)
			}
		case <-time.After(15 * time.Second):
			e.t.Fatal("run did not stop")
		}
	}
}

func opsGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// `lapkin run` serves /healthz and /metrics on [http] listen: 200 while Telegram answers, the
// metrics of a real conversation pass promtool, and when getUpdates keeps failing /healthz
// answers 503 naming Telegram and the error; it recovers when Telegram does.
func TestRunServesHealthzAndMetrics(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	e.cfg.HTTP.Listen = "127.0.0.1:0"
	// The failed polls that make /healthz say disconnected come 50 ms apart, not 2 s.
	e.cfg.Retry.Backoff = config.Duration{Duration: 50 * time.Millisecond}
	m, stop := e.startMain()
	defer stop()
	if m.HTTPAddr == "" {
		t.Fatal("no operator endpoints although [http] listen is set")
	}
	base := "http://" + m.HTTPAddr
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/lapor 2 Verifikasi SPJ #1"))
	e.expectSent(tgBudi.ID, "tercatat")

	code, body := opsGet(t, base+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, `"state": "connected"`) || !strings.Contains(body, `"job": "maintenance"`) {
		t.Fatalf("healthz while Telegram answers: %d\n%s", code, body)
	}
	code, body = opsGet(t, base+"/metrics")
	for _, want := range []string{`lapkin_messages_received_total{net="tg"} 2`, `lapkin_messages_sent_total{net="tg"}`,
		`lapkin_handle_duration_seconds_bucket{net="tg",le="+Inf"} 2`, "lapkin_outbox_parked 0", "lapkin_database_up 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil || len(problems) > 0 {
		t.Errorf("promlint: %v %v", err, problems)
	}
	if path, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(path, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics on lapkin run's /metrics: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool not installed (CI installs Debian's prometheus); promlint checked the exposition")
	}

	// Telegram goes down: getUpdates answers 502 from here on. An update ends the long poll in
	// progress, so the failures start at once.
	e.srv.Fail("getUpdates", 1000, 502, "Bad Gateway", 0)
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/riwayat"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body = opsGet(t, base+"/healthz")
		if code == http.StatusServiceUnavailable || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "tg: disconnected (getUpdates failed") || !strings.Contains(body, "Bad Gateway") {
		t.Fatalf("healthz while getUpdates fails: %d\n%s", code, body)
	}
}

// `lapkin backup` run while `lapkin run` handles a stream of reports gives a valid database
// holding the reports committed before it.
func TestBackupWhileRunning(t *testing.T) {
	e := newTGEnv(t)
	e.logLevel = slog.LevelWarn
	_, stop := e.startMain()
	defer stop()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	const reports = 300
	for i := range reports {
		e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, fmt.Sprintf("/lapor Kegiatan %d", i+1)))
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && e.count(`SELECT COUNT(*) FROM reports`) == 0; {
		time.Sleep(5 * time.Millisecond)
	}
	dir := t.TempDir()
	var outs []string
	for i := range 3 { // while the reports are coming in
		out := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		if o, se, err := runCLI(t, "", "backup", "--db", e.cfg.DatabasePath(), "--out", out); err != nil {
			t.Fatalf("backup: %v %s %s", err, o, se)
		}
		outs = append(outs, out)
	}
	last := -1
	var counts []int
	for _, out := range outs {
		fi, err := os.Stat(out)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v mode %v, want 0600", out, err, fi.Mode().Perm())
		}
		st, err := store.Open(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Check(context.Background()); err != nil {
			t.Fatalf("backup %s: %v", out, err)
		}
		var n int
		st.DB().QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&n)
		st.Close()
		if n < 1 || n < last {
			t.Fatalf("backup %s holds %d reports (the one before %d)", out, n, last)
		}
		last = n
		counts = append(counts, n)
	}
	t.Logf("backups taken while %d reports came in held %v reports", reports, counts)
}
