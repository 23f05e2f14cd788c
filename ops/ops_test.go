package ops

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func enqueue(t *testing.T, st *store.Store, net string, at time.Time) {
	t.Helper()
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		return bot.Enqueue(context.Background(), tx, bot.Reply{To: bot.ChatRef{Net: net, ID: "42"}, Text: "halo"}, at)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// serve starts the operator endpoints on a free port and returns their base URL.
func serve(t *testing.T, h *Health, m *Metrics) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, ln, Mux(h, m), nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthzOKAndDown(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := bot.NewManualClock(t0)
	state := bot.Health{Net: bot.NetTelegram, State: bot.StateConnected, CanSend: true, Since: t0}
	h := &Health{Store: st, Clock: clock, Transports: func() []bot.Health { return []bot.Health{state} }, Jobs: []string{"reminder"}}
	base := serve(t, h, NewMetrics(st, nil))

	code, body := get(t, base+"/healthz")
	if code != http.StatusOK {
		t.Fatalf("healthy: got %d %s", code, body)
	}
	var rep Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "ok" || rep.Database != "ok" || len(rep.Transports) != 1 || len(rep.Jobs) != 1 || rep.Jobs[0].Job != "reminder" {
		t.Fatalf("report: %+v", rep)
	}
	// Issue 26, item 8: a job that never ran says so, not "0001-01-01T00:00:00Z".
	if j := rep.Jobs[0]; j.LastRun != "never" || j.At != nil || strings.Contains(body, "0001-01-01") {
		t.Fatalf("never-run job: %+v\n%s", j, body)
	}
	st.Update(context.Background(), func(tx *store.Tx) error {
		return tx.RecordJobRun(context.Background(), store.JobRun{Job: "reminder", At: t0, Duration: time.Second})
	})
	_, body = get(t, base+"/healthz")
	rep = Report{}
	json.Unmarshal([]byte(body), &rep)
	if j := rep.Jobs[0]; j.LastRun != t0.Format(time.RFC3339) || j.At == nil || !j.At.Equal(t0) {
		t.Fatalf("job that ran: %+v", j)
	}

	// The transport goes down: 503 naming it.
	state = bot.Health{Net: bot.NetWhatsApp, State: bot.StateLoggedOut, Detail: "run lapkin whatsapp-login", Since: t0}
	code, body = get(t, base+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "wa: logged_out (run lapkin whatsapp-login)") {
		t.Fatalf("logged out: got %d %s", code, body)
	}
}

func TestHealthzOutboxAgeAndParked(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := bot.NewManualClock(t0)
	h := &Health{Store: st, Clock: clock}
	enqueue(t, st, bot.NetTelegram, t0.Add(-20*time.Minute))
	enqueue(t, st, bot.NetTelegram, t0.Add(-time.Minute))
	rep := h.Check(context.Background())
	if rep.Status != "unavailable" || rep.Outbox.Pending["tg"] != 2 || rep.Outbox.OldestAgeSeconds != 1200 {
		t.Fatalf("old outbox: %+v", rep)
	}
	if !strings.Contains(strings.Join(rep.Reasons, ";"), "oldest reply has waited 20m0s") {
		t.Fatalf("reasons: %v", rep.Reasons)
	}
	clock.Set(t0.Add(-19 * time.Minute)) // only a minute old now
	if rep := h.Check(context.Background()); rep.Status != "ok" {
		t.Fatalf("fresh outbox: %+v", rep)
	}
}

func TestHealthzDatabaseGone(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	h := &Health{Store: st, Clock: bot.NewManualClock(t0)}
	st.Close()
	rep := h.Check(context.Background())
	if rep.Status != "unavailable" || rep.Database == "ok" || len(rep.Reasons) == 0 {
		t.Fatalf("closed database: %+v", rep)
	}
}

func TestMetricsExposedAndLinted(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := bot.NewManualClock(t0)
	m := NewMetrics(st, nil)
	h := m.Handler(bot.HandlerFunc(func(ctx context.Context, msg bot.Message) error {
		if msg.Text == "gagal" {
			return errors.New("boom")
		}
		return nil
	}))
	for _, text := range []string{"/lapor", "gagal"} {
		_ = h.Handle(context.Background(), bot.Message{Sender: bot.ChatRef{Net: bot.NetTelegram, ID: "1"}, Text: text})
	}
	m.Sent(bot.NetTelegram)
	m.Failed(bot.NetTelegram, "retry")
	run := m.Jobs(st, clock, nil, func(ctx context.Context, job string, at time.Time) error { return nil })
	if err := run(context.Background(), "digest", t0); err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, bot.NetTelegram, t0)

	base := serve(t, &Health{Store: st, Clock: clock}, m)
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`lapkin_messages_received_total{net="tg"} 2`,
		`lapkin_handle_errors_total{net="tg"} 1`,
		`lapkin_handle_duration_seconds_count{net="tg"} 2`,
		`lapkin_messages_sent_total{net="tg"} 1`,
		`lapkin_replies_failed_total{net="tg",outcome="retry"} 1`,
		`lapkin_job_runs_total{job="digest",result="ok"} 1`,
		`lapkin_outbox_pending{net="tg"} 1`,
		`lapkin_outbox_parked 0`,
		`lapkin_evaluations_recorded_total 0`,
		`lapkin_database_up 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	// CI installs Debian's prometheus package for promtool; elsewhere promlint above is the same check.
	if path, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(path, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool not installed; promlint checked the exposition")
	}

	// The job's run is kept for /healthz.
	err = st.View(context.Background(), func(tx *store.Tx) error {
		r, ok, err := tx.LastJobRun(context.Background(), "digest")
		if err != nil || !ok || !r.At.Equal(t0) || r.Error != "" {
			t.Errorf("last run: %+v ok=%v err=%v", r, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A parked message (attempts ran out) shows in /healthz as parked, apart from one failed for good,
// and as a warning naming the command that sends it again; it does not make the answer 503.
func TestHealthzShowsParked(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := bot.NewManualClock(t0)
	enqueue(t, st, bot.NetTelegram, t0)
	enqueue(t, st, bot.NetTelegram, t0)
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.Park(context.Background(), 1, "502 Bad Gateway"); err != nil {
			return err
		}
		return tx.Fail(context.Background(), 2, "403 Forbidden: bot was blocked by the user")
	})
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, &Health{Store: st, Clock: clock}, NewMetrics(st, nil))
	code, body := get(t, base+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, `"parked": 1`) || !strings.Contains(body, `"failed": 1`) ||
		!strings.Contains(body, "lapkin outbox retry") {
		t.Fatalf("healthz with a parked message: %d %s", code, body)
	}
	if _, body := get(t, base+"/metrics"); !strings.Contains(body, "lapkin_outbox_parked 1") || !strings.Contains(body, "lapkin_outbox_failed 1") {
		t.Fatalf("metrics lack the parked and failed gauges")
	}
}
