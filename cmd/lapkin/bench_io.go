package main

import (
	"context"
	"database/sql"
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

	"github.com/lapkin-id/lapkin/chat"
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
