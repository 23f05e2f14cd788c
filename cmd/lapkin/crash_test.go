package main

// SIGKILL tests (issue 12, item 9): `lapkin run` as a real child process, killed in the middle of
// 1,000 incoming reports and, separately, of 1,000 outgoing replies, then started again. The fake
// Bot API runs in the test process, so it outlives the kill and records every send. What each
// run measured is printed (go test -v -run 'Kill' ./cmd/lapkin/); docs/reliability.md holds the
// figures.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/store"
)

// asMainEnv, set in a child's environment, makes the test binary run as the lapkin command with
// the child's arguments, so that a test can run `lapkin run` as a process and SIGKILL it.
const asMainEnv = "LAPKIN_TEST_AS_MAIN"

// noFileEnv, set in a child's environment, is the most file descriptors the child may hold.
const noFileEnv = "LAPKIN_TEST_NOFILE"

// TestMain runs the tests, or, in a child started by startLapkin, the lapkin command itself.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		if n, err := strconv.ParseUint(os.Getenv(noFileEnv), 10, 64); err == nil {
			// As on a host whose limit is low: the child may hold only n file descriptors.
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintln(os.Stderr, "setrlimit:", err)
				os.Exit(2)
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashPeople and crashEach: 1,000 messages, ten to each of a hundred people, so that the sender
// has many chats to run in parallel, as on a busy morning.
const crashPeople, crashEach = 100, 10

// crashConcurrency is [telegram] send_concurrency in these tests: at most this many sends are in
// flight at the kill, so at most this many replies may be delivered twice.
const crashConcurrency = 8

// lapkinProc is one `lapkin run` child.
type lapkinProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

// writeCrashConfig writes the config of the child: cfg's database and endpoint, send limits off
// (send_rate = 0, send_private_interval = "0s", send_group_per_minute = 0), flood limit off.
func writeCrashConfig(t *testing.T, cfg *config.Config) string {
	t.Helper()
	path := filepath.Join(cfg.App.DataDir, "config.toml")
	text := fmt.Sprintf(`[app]
data_dir = %q
database = %q

[telegram]
enabled = true
token = %q
api_endpoint = %q
send_rate = 0
send_private_interval = "0s"
send_group_per_minute = 0
send_concurrency = %d

[intake]
max_messages = 0
`, cfg.App.DataDir, cfg.App.Database, testToken, tgSettings(t, cfg).APIEndpoint, crashConcurrency)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startLapkin starts `lapkin run --config path` as a child process of the test binary.
func startLapkin(t *testing.T, path string) *lapkinProc {
	t.Helper()
	p := &lapkinProc{stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "run", "--config", path)
	p.cmd.Env = append(os.Environ(), asMainEnv+"=1")
	p.cmd.Stdout = p.stderr
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *lapkinProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// stop asks the process to stop (SIGINT, as Ctrl-C) and waits up to 20 s, then kills it.
func (p *lapkinProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Errorf("lapkin run did not stop on SIGINT within 20 s")
		p.cmd.Process.Kill()
		<-p.done
	}
}

// openReadOnly opens the database beside a running child, for SELECTs only.
func openReadOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storedTokens counts the reports in the database by the token their text carries.
func storedTokens(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	rows, err := db.Query(`SELECT text FROM reports`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		if tok := tokenPattern.FindString(text); tok != "" {
			out[tok]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// deliveredTokens counts the successful sends by the token their text carries.
func deliveredTokens(srv *telegramtest.Server) map[string]int {
	out := map[string]int{}
	for _, c := range srv.Calls("sendMessage") {
		if c.ErrorCode != 0 {
			continue
		}
		if tok := tokenPattern.FindString(c.Params.Get("text")); tok != "" {
			out[tok]++
		}
	}
	return out
}

// sentRecorded counts the outbox rows recorded as sent whose text contains word: a send the Bot
// API accepted but the dead process had not recorded is sent again after the restart.
func sentRecorded(t *testing.T, db *sql.DB, word string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND payload LIKE '%' || ? || '%'`, word).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// doubles sums, over the tokens, the deliveries beyond the first.
func doubles(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += max(c-1, 0)
	}
	return n
}

// skipCrash skips a crash test under -short, and under -race: the child is the test binary, and
// modernc's SQLite under the race detector handles 1,000 reports in about a minute instead of
// three seconds. CI runs these tests in a step of their own without -race (.ci/run).
func skipCrash(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("crash test: starts lapkin twice")
	}
	if raceEnabled {
		t.Skip("crash test: too slow under -race; .ci/run runs it without")
	}
}

// TestKillDuringIntake: 1,000 reports wait at the Bot API; `lapkin run` is SIGKILLed when about
// a third are stored, and started again. Every report whose update was confirmed to Telegram (the
// offset moved past it) is stored at the kill; in the end every report is stored exactly once and
// acknowledged, and no acknowledgement is delivered twice beyond the sends in flight at the kill.
func TestKillDuringIntake(t *testing.T) {
	t.Parallel()
	skipCrash(t)
	srv := telegramtest.New(testToken)
	t.Cleanup(srv.Close)
	cfg := seededConfig(t, t.TempDir(), srv.Endpoint(), crashPeople)
	path := writeCrashConfig(t, cfg)
	total := crashPeople * crashEach
	tokenOf := map[int]string{} // update id -> token
	for k := range total {
		tok := fmt.Sprintf("k%04d", k)
		id := srv.AddUpdate(telegramtest.PrivateText(seedUser(k%crashPeople), "/lapor Rapat uji "+tok))
		tokenOf[id] = tok
	}
	db := openReadOnly(t, cfg.DatabasePath())

	began := time.Now()
	p := startLapkin(t, path)
	if !waitFor(60*time.Second, func() bool { return len(storedTokens(t, db)) >= total/3 }) {
		t.Fatalf("fewer than %d reports stored in 60 s:\n%s", total/3, p.stderr.String())
	}
	p.kill(t)
	killedAt := time.Since(began)

	// At the kill: every update Telegram was told about (no longer pending) is stored, once.
	pending := map[int]bool{}
	for _, id := range srv.Pending() {
		pending[id] = true
	}
	stored := storedTokens(t, db)
	confirmed, storedUnconfirmed := 0, 0
	for id, tok := range tokenOf {
		if pending[id] {
			if stored[tok] > 0 {
				storedUnconfirmed++
			}
			continue
		}
		confirmed++
		if stored[tok] != 1 {
			t.Errorf("update %d (%s) was confirmed to Telegram but is stored %d times at the kill", id, tok, stored[tok])
		}
	}
	ackedAtKill := len(deliveredTokens(srv))
	ackedRecorded := sentRecorded(t, db, "tercatat")
	t.Logf("killed after %v: %d of %d reports stored, %d updates confirmed to Telegram, %d stored but not yet confirmed (to be redelivered), %d acknowledgements delivered, %d of them recorded as sent",
		killedAt.Round(time.Millisecond), len(stored), total, confirmed, storedUnconfirmed, ackedAtKill, ackedRecorded)

	restarted := time.Now()
	p = startLapkin(t, path)
	var delivered map[string]int
	ok := waitFor(60*time.Second, func() bool {
		delivered = deliveredTokens(srv)
		return len(delivered) == total && len(srv.Pending()) == 0
	})
	finished := time.Since(restarted)
	time.Sleep(300 * time.Millisecond) // room for a late double to show
	p.stop(t)
	if !ok {
		t.Errorf("after the restart %d of %d acknowledgements delivered and %d updates pending in 60 s", len(delivered), total, len(srv.Pending()))
	}

	stored = storedTokens(t, db)
	storedTwice := 0
	for _, tok := range tokenOf {
		if stored[tok] != 1 {
			storedTwice++
			if storedTwice <= 5 {
				t.Errorf("report %s stored %d times", tok, stored[tok])
			}
		}
	}
	delivered = deliveredTokens(srv)
	twice := doubles(delivered)
	t.Logf("restart: all done %v later; %d of %d reports stored exactly once, %d acknowledgements delivered, %d delivered twice (in flight at the kill: %d; bound: send_concurrency = %d)",
		finished.Round(time.Millisecond), total-storedTwice, total, len(delivered), twice, ackedAtKill-ackedRecorded, crashConcurrency)
	if twice > ackedAtKill-ackedRecorded {
		t.Errorf("%d acknowledgements delivered twice, more than the %d delivered but not recorded at the kill", twice, ackedAtKill-ackedRecorded)
	}
	if len(delivered) != total {
		t.Errorf("%d of %d acknowledgements delivered", len(delivered), total)
	}
	if twice > crashConcurrency {
		t.Errorf("%d acknowledgements delivered twice, more than the %d sends that can be in flight", twice, crashConcurrency)
	}
	if t.Failed() {
		t.Logf("second run's log:\n%s", p.stderr.String())
	}
}

// TestKillDuringSending: 1,000 replies wait in the outbox; `lapkin run` is SIGKILLed when about a
// third are delivered, and started again. Every reply is delivered in the end, and no more are
// delivered twice than the sends that were in flight at the kill (send_concurrency).
func TestKillDuringSending(t *testing.T) {
	t.Parallel()
	skipCrash(t)
	srv := telegramtest.New(testToken)
	t.Cleanup(srv.Close)
	cfg := seededConfig(t, t.TempDir(), srv.Endpoint(), crashPeople)
	path := writeCrashConfig(t, cfg)
	total := crashPeople * crashEach
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		for k := range total {
			to := bot.ChatRef{Net: bot.NetTelegram, ID: strconv.FormatInt(seedUser(k%crashPeople).ID, 10)}
			if err := bot.Enqueue(ctx, tx, bot.Reply{To: to, Text: fmt.Sprintf("Balasan uji k%04d", k)}, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	began := time.Now()
	p := startLapkin(t, path)
	if !waitFor(60*time.Second, func() bool { return len(deliveredTokens(srv)) >= total/3 }) {
		t.Fatalf("fewer than %d replies delivered in 60 s:\n%s", total/3, p.stderr.String())
	}
	p.kill(t)
	killedAt := time.Since(began)
	atKill := deliveredTokens(srv)
	db := openReadOnly(t, cfg.DatabasePath())
	recorded := sentRecorded(t, db, "Balasan uji")
	t.Logf("killed after %v: %d of %d replies delivered, %d recorded as sent in the outbox (the difference was in flight)",
		killedAt.Round(time.Millisecond), len(atKill), total, recorded)

	restarted := time.Now()
	p = startLapkin(t, path)
	var delivered map[string]int
	ok := waitFor(60*time.Second, func() bool {
		delivered = deliveredTokens(srv)
		return len(delivered) == total
	})
	finished := time.Since(restarted)
	time.Sleep(300 * time.Millisecond)
	p.stop(t)
	delivered = deliveredTokens(srv)
	twice := doubles(delivered)
	t.Logf("restart: all done %v later; %d of %d replies delivered, %d delivered twice (in flight at the kill: %d; bound: send_concurrency = %d)",
		finished.Round(time.Millisecond), len(delivered), total, twice, len(atKill)-recorded, crashConcurrency)
	if !ok || len(delivered) != total {
		t.Errorf("%d of %d replies delivered", len(delivered), total)
	}
	if twice > crashConcurrency || twice > len(atKill)-recorded {
		t.Errorf("%d replies delivered twice, more than the %d delivered but not recorded at the kill (at most %d can be in flight)", twice, len(atKill)-recorded, crashConcurrency)
	}
	if t.Failed() {
		t.Logf("second run's log:\n%s", p.stderr.String())
	}
}
