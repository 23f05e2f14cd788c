package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/store"
)

// inboundBacklog is how many pushed updates at most wait unconfirmed at the fake Bot API when
// inbound runs as fast as taken: a second of the bot's work, so that it never waits for more.
const inboundBacklog = 2000

// quickReport is what the load sends: the quick form towards target 1 of the sender's contract.
const quickReport = "/lapor 1 Rapat koordinasi #1"

// quickReportN is quickReport numbered: a person's second identical report of a day is asked
// about before it is saved (issue 20), and the load measures saving, not asking.
func quickReportN(n int) string { return "/lapor 1 Rapat koordinasi ke-" + strconv.Itoa(n) + " #1" }

// benchSQLite times n single-row write transactions on a fresh database in dir, with the pragmas
// and one connection as Lapkin's writer: what the disk and SQLite allow, the yardstick of inbound.
func benchSQLite(ctx context.Context, env *benchEnv, dir string, n int) error {
	path := filepath.Join(dir, fmt.Sprintf("lapkin-bench-sqlite-%d.db", os.Getpid()))
	defer removeDB(path)
	rate, err := rawSQLiteRate(ctx, path, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.out, "raw SQLite, one INSERT per transaction, %d transactions in %s: %.0f/s (load average %s)\n", n, dir, rate, env.load)
	return nil
}

func rawSQLiteRate(ctx context.Context, path string, n int) (float64, error) {
	db, err := sql.Open("sqlite", store.DSN(path))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, nip TEXT, text TEXT, at TIMESTAMP)`); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO t(nip, text, at) VALUES (?, ?, ?)`, strconv.Itoa(i), quickReport, time.Now()); err != nil {
			tx.Rollback()
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// errorCounter is a log handler that counts the errors logged (a report that failed is logged).
type errorCounter struct {
	slog.Handler
	n *atomic.Int64
}

func (h errorCounter) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.n.Add(1)
	}
	return h.Handler.Handle(ctx, r)
}

// senders are the chat accounts of the first n people of the city who have a signed contract
// with a first target (so the quick report is valid).
func benchSenders(ctx context.Context, st *store.Store, n int) ([]chat.ChatRef, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT i.net, i.external_id FROM identities i
		JOIN employees e ON e.nip = i.employee_nip
		WHERE e.role = 'asn' AND EXISTS (SELECT 1 FROM contracts c JOIN targets t ON t.contract_id = c.id
			WHERE c.nip = e.nip AND c.status = 'signed' AND t.n = 1)
		ORDER BY i.external_id LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []chat.ChatRef
	for rows.Next() {
		var c chat.ChatRef
		if err := rows.Scan(&c.Net, &c.ID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) < n {
		return nil, fmt.Errorf("bench: the city has %d senders with a contract, %d asked", len(out), n)
	}
	return out, rows.Err()
}

// busy writes quick reports, one every 1/rate s from distinct senders, while a job runs, and
// reports how long each waited for its commit: what a person sees while the digest is being made.
func (env *benchEnv) busy(ctx context.Context, during string, n int) error {
	clock := chat.NewManualClock(env.at.Add(5 * time.Hour)) // 14:00: office hours, reports arrive
	var errs atomic.Int64
	log := slog.New(errorCounter{slog.NewTextHandler(io.Discard, nil), &errs})
	m, err := Open(ctx, env.cfg, clock, log, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	senders, err := benchSenders(ctx, m.Store, 200)
	if err != nil {
		return err
	}
	job := map[string]func() (string, error){
		"digest":   func() (string, error) { return env.digest(ctx, m) },
		"remind":   func() (string, error) { return env.remind(ctx, m) },
		"evaluate": func() (string, error) { return env.evaluate(ctx, m, "semua", "") },
	}[during]
	if job == nil {
		return fmt.Errorf("bench busy: --during %q: want digest, remind or evaluate", during)
	}
	runtime.GC()
	resetPeakRSS()
	env.cpu0 = cpuTime()
	jobDone := make(chan struct{})
	var jobWhat string
	var jobErr error
	start := time.Now()
	var jobTime time.Duration
	go func() {
		defer close(jobDone)
		jobWhat, jobErr = job()
		jobTime = time.Since(start)
	}()
	const rate = 50 // reports a second: a busy afternoon of a city of 20,000, several times over
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	defer tick.Stop()
	i := 0
loop:
	for ; i < n; i++ {
		select {
		case <-jobDone:
			break loop
		case <-tick.C:
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := senders[i%len(senders)]
			msg := chat.Message{ID: "busy-" + strconv.Itoa(i), Chat: s, Sender: s, Text: quickReportN(i), Time: clock.Now()}
			t0 := time.Now()
			if err := m.Engine.Handle(ctx, msg); err != nil {
				failed.Add(1)
			}
			d := time.Since(t0)
			if os.Getenv("LAPKIN_BENCH_SLOW") != "" && d > 100*time.Millisecond {
				fmt.Fprintf(os.Stderr, "slow report %d at +%s: %s\n", i, t0.Sub(start).Round(time.Millisecond), d.Round(time.Millisecond))
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	<-jobDone
	if jobErr != nil {
		return jobErr
	}
	env.report(fmt.Sprintf("%s, while %d quick reports arrived (%d/s): handle→commit p50 %s, p99 %s, max %s; %d failed, %d errors logged; job %.3f s",
		jobWhat, len(lat), rate, percentile(lat, 50).Round(time.Microsecond), percentile(lat, 99).Round(time.Microsecond),
		percentile(lat, 100).Round(time.Microsecond), failed.Load(), errs.Load(), jobTime.Seconds()), time.Since(start))
	return nil
}

// export writes everything into out as lapkin export does.
func (env *benchEnv) export(ctx context.Context, out string) error {
	st, err := store.Open(ctx, env.db)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	return env.measure(func() (string, error) {
		sum, err := export.XLSX(ctx, st, export.Options{Location: env.cfg.Location()}, f)
		if err != nil {
			return "", err
		}
		fi, _ := f.Stat()
		return fmt.Sprintf("XLSX of everything: %d reports on %d sheets of Laporan, %d evaluations, %d MB", sum.Reports,
			(sum.Reports+excelizeRows-2)/(excelizeRows-1), sum.Evaluations, fi.Size()>>20), nil
	})
}

// excelizeRows is the rows of one sheet (excelize.TotalRows), for the sheet count.
const excelizeRows = 1048576

// engineRate is the engine alone: quick reports through Engine.Handle from every sender at once,
// each sender's messages one after another, as the router runs them.
func engineRate(ctx context.Context, m *Main, senders []chat.ChatRef, n int, prefix string) (float64, error) {
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	per := n / len(senders)
	for si, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				msg := chat.Message{ID: prefix + strconv.Itoa(si*per+j), Chat: s, Sender: s, Text: quickReportN(si*per + j), Time: m.Clock.Now()}
				if err := m.Engine.Handle(ctx, msg); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		return 0, fmt.Errorf("bench: %d of %d reports failed", failed.Load(), per*len(senders))
	}
	return float64(per*len(senders)) / time.Since(start).Seconds(), nil
}

// fakeBotConfig is cfg polling the fake Bot API srv, with no scheduled job: each runs on 1 January
// at 03:00 only, so none is caught up at the start either (lapkin bench digest, remind and busy
// measure them).
func fakeBotConfig(cfg *config.Config, srv *telegramtest.Server) config.Config {
	c := *cfg
	c.Set("telegram.enabled", true)
	c.Set("telegram.token", "bench:token")
	c.Set("telegram.api_endpoint", srv.Endpoint())
	c.Set("telegram.mode", "polling")
	never := "0 3 1 1 *"
	c.Schedule.Reminder = []string{never}
	c.Schedule.Deadline, c.Schedule.Contract, c.Schedule.Digest, c.Schedule.EvaluationDue = never, never, never, never
	return c
}

// inbound runs the bot as `lapkin run` does against a fake Bot API on this machine, pushes n
// quick reports from `senders` distinct people (at `rate` a second, or all at once) and times
// each from its push to its acknowledgement (the update confirmed to the Bot API, which the bot
// does only after the report is committed). In the same run it measures the engine alone and raw
// SQLite transactions on the same disk, so the ratios do not depend on the machine.
func (env *benchEnv) inbound(ctx context.Context, senders, n int, rate float64) error {
	raw, err := rawSQLiteRate(ctx, env.db+"-raw", 3000)
	removeDB(env.db + "-raw")
	if err != nil {
		return err
	}
	// The engine alone, on its own copy of the city (same disk).
	engineDB := env.db + "-engine"
	if err := copyFile(env.db, engineDB); err != nil {
		return err
	}
	defer removeDB(engineDB)
	cfg := *env.cfg
	cfg.App.Database = engineDB
	m, err := Open(ctx, &cfg, chat.NewManualClock(env.at.Add(5*time.Hour)), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return err
	}
	people, err := benchSenders(ctx, m.Store, senders)
	if err != nil {
		m.Close()
		return err
	}
	engine, err := engineRate(ctx, m, people, min(n, 10000), "engine-")
	m.Close()
	if err != nil {
		return err
	}

	srv := telegramtest.New("bench:token")
	defer srv.Close()
	// The fake runs in the measured process: what it would remember of 20,000 updates and their
	// replies is not the bot's, and under the bot's soft memory limit it made the collector run
	// half of the CPU.
	srv.ForgetHistory()
	cfg = fakeBotConfig(env.cfg, srv)
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan struct{})
	var errs atomic.Int64
	log := slog.New(errorCounter{slog.NewTextHandler(io.Discard, nil), &errs})
	runDone := make(chan error, 1)
	go func() {
		runDone <- Run(rctx, &cfg, chat.SystemClock{}, log, func(*Main) { close(ready) })
	}()
	select {
	case <-ready:
	case err := <-runDone:
		return fmt.Errorf("bench: lapkin run stopped: %w", err)
	case <-time.After(60 * time.Second):
		return errors.New("bench: lapkin run did not start in a minute")
	}
	runtime.GC()
	resetPeakRSS()
	stopProfile, err := env.profile()
	if err != nil {
		return err
	}
	// Ids only grow and the bot confirms by offset: everything up to srv.Confirmed() was
	// acknowledged. pushed[i] is when update first+i was pushed.
	pushed := make([]time.Time, 0, n)
	acked := make([]time.Duration, 0, n)
	first := 0
	var mu sync.Mutex
	watchDone := make(chan struct{})
	// The watcher asks the fake every 2 ms how far the bot confirmed; it allocates nothing per
	// poll: the measurement must not feed the garbage collector of the process it measures.
	go func() {
		defer close(watchDone)
		for {
			c := srv.Confirmed()
			now := time.Now()
			mu.Lock()
			for len(acked) < len(pushed) && first+len(acked) <= c {
				acked = append(acked, now.Sub(pushed[len(acked)]))
			}
			done := len(acked) == n
			mu.Unlock()
			if done {
				return
			}
			select {
			case <-rctx.Done():
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	var every time.Duration
	if rate > 0 {
		every = time.Duration(float64(time.Second) / rate)
	}
	for i := range n {
		if every > 0 {
			if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
				time.Sleep(d)
			}
		} else {
			// As fast as taken, with a backlog of inboundBacklog updates waiting at the fake (on
			// Telegram's side in real life): the bot never waits for work, and the fake does not
			// hold 20,000 updates in the measured process's heap.
			for i > 0 && first+i-1-srv.Confirmed() > inboundBacklog {
				time.Sleep(500 * time.Microsecond)
			}
		}
		p := people[i%len(people)]
		uid, _ := strconv.ParseInt(p.ID, 10, 64)
		u := telegramtest.PrivateText(telegramtest.User(uid, "Pegawai"), quickReportN(i))
		mu.Lock()
		id := srv.AddUpdate(u)
		if i == 0 {
			first = id
		}
		pushed = append(pushed, time.Now())
		mu.Unlock()
	}
	select {
	case <-watchDone:
	case <-time.After(10 * time.Minute):
		return errors.New("bench: not every update was acknowledged in 10 minutes")
	}
	total := time.Since(start)
	stopProfile()
	peak := peakRSS()
	stop()
	if err := <-runDone; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	lat := acked
	got := float64(n) / total.Seconds()
	pace := "as fast as taken"
	if rate > 0 {
		pace = fmt.Sprintf("paced at %.0f/s", rate)
	}
	fmt.Fprintf(env.out, "inbound through lapkin run and the fake Bot API, %d quick reports from %d senders, %s: %.0f/s; push→ack p50 %s, p99 %s, max %s; %d errors logged; peak RSS %d MB\n",
		n, senders, pace, got, percentile(lat, 50).Round(time.Microsecond), percentile(lat, 99).Round(time.Microsecond),
		percentile(lat, 100).Round(time.Microsecond), errs.Load(), peak>>20)
	fmt.Fprintf(env.out, "same run: engine alone %.0f/s, raw SQLite single-row transactions %.0f/s; inbound ÷ engine %.2f, inbound ÷ raw SQLite %.3f\n",
		engine, raw, got/engine, got/raw)
	return nil
}
