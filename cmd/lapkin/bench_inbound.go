//go:build benchfake

// The benchmarks that drive lapkin run through a fake Bot API (telegramtest): built only with
// -tags benchfake, so that the shipped binary does not link a test fake (bench_nofake.go says so
// when they are asked for without it).

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
)

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
