//go:build benchfake

// The benchmarks that drive lapkin run through a fake Bot API (telegramtest): built only with
// -tags benchfake, so that the shipped binary does not link a test fake (bench_nofake.go says so
// when they are asked for without it).

package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/store"
)

// The crowd benchmarks of issue 26, items 3 and 4: what strangers and a flooding subordinate cost
// the people Lapkin serves. Each runs `lapkin run` against the fake Bot API in this process, with
// Telegram's own limits on (30 messages a second, one a second to a person), the [intake] limits
// of the config, and no scheduled job.

// strangerBase is the first Telegram user id of the made-up strangers, far from the city's
// (seed links person i as 1,000,000 + i).
const strangerBase = 9_000_000

// crowdRun is `lapkin run` on the city's copy against a fake Bot API that keeps what it is sent.
type crowdRun struct {
	srv  *telegramtest.Server
	stop func() error
	errs *atomic.Int64
}

// startCrowd starts the bot with cfg's limits (tweak changes them) and waits until it polls.
func (env *benchEnv) startCrowd(ctx context.Context, tweak func(*config.Config)) (*crowdRun, error) {
	srv := telegramtest.New("bench:token")
	cfg := fakeBotConfig(env.cfg, srv)
	if tweak != nil {
		tweak(&cfg)
	}
	rctx, cancel := context.WithCancel(ctx)
	ready := make(chan struct{})
	errs := &atomic.Int64{}
	log := slog.New(errorCounter{slog.NewTextHandler(io.Discard, nil), errs})
	done := make(chan error, 1)
	go func() { done <- Run(rctx, &cfg, chat.SystemClock{}, log, func(*Main) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		srv.Close()
		return nil, fmt.Errorf("bench: lapkin run stopped: %w", err)
	case <-time.After(60 * time.Second):
		cancel()
		srv.Close()
		return nil, errors.New("bench: lapkin run did not start in a minute")
	}
	stop := func() error {
		cancel()
		err := <-done
		srv.Close()
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
	return &crowdRun{srv: srv, stop: stop, errs: errs}, nil
}

// waitSent waits until chat has received a new message containing want (one more than it had
// when called), and returns when it saw it, within 10 ms; the zero time after limit. It reads
// only that chat's messages, so that watching costs the measured process little.
func (c *crowdRun) waitSent(chat int64, want string, limit time.Duration) time.Time {
	had := c.count(chat, want)
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if c.count(chat, want) > had {
			return time.Now()
		}
	}
	return time.Time{}
}

// count is how many messages chat received that contain want.
func (c *crowdRun) count(chat int64, want string) int {
	n := 0
	for _, m := range c.srv.Messages(chat) {
		if strings.Contains(m.Text, want) {
			n++
		}
	}
	return n
}

// waitConfirmed waits until the bot has confirmed every update pushed so far.
func (c *crowdRun) waitConfirmed(limit time.Duration) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if len(c.srv.Pending()) == 0 {
			return true
		}
	}
	return false
}

// strangersFirst is `lapkin bench strangers`: strangers × each messages from people not
// registered are pushed at once, then, every gap, one of probes registered people sends a quick
// report; the figure is each probe's wait from its push to its acknowledgement reaching the Bot
// API (issue 26, item 3: under 2 s; 92 s and 98 s before).
func (env *benchEnv) strangersFirst(ctx context.Context, strangers, each, probes int, gap time.Duration) error {
	st, err := store.Open(ctx, env.db)
	if err != nil {
		return err
	}
	people, err := benchSenders(ctx, st, probes)
	st.Close()
	if err != nil {
		return err
	}
	run, err := env.startCrowd(ctx, nil)
	if err != nil {
		return err
	}
	runtime.GC()
	resetPeakRSS()
	start := time.Now()
	// Interleaved as a crowd writes: each stranger's first message, then each one's second…
	for j := 0; j < each; j++ {
		for i := 0; i < strangers; i++ {
			run.srv.AddUpdate(telegramtest.PrivateText(telegramtest.User(int64(strangerBase+i), "Orang"), "halo "+strconv.Itoa(j)))
		}
	}
	var waits []time.Duration
	for k, p := range people {
		if k > 0 {
			time.Sleep(gap)
		}
		uid, _ := strconv.ParseInt(p.ID, 10, 64)
		pushed := time.Now()
		run.srv.AddUpdate(telegramtest.PrivateText(telegramtest.User(uid, "Pegawai"), quickReport))
		at := run.waitSent(uid, "Laporan tercatat", 10*time.Minute)
		if at.IsZero() {
			run.stop()
			return fmt.Errorf("bench: probe %d never answered", k+1)
		}
		waits = append(waits, at.Sub(pushed))
	}
	strangerReplies := 0
	for i := 0; i < strangers; i++ {
		strangerReplies += len(run.srv.Messages(int64(strangerBase + i)))
	}
	each1 := durations(waits)
	elapsed := time.Since(start)
	peak := peakRSS()
	errs := run.errs.Load()
	if err := run.stop(); err != nil {
		return err
	}
	fmt.Fprintf(env.out, "%d strangers × %d messages, then %d registered people %s apart: their reply after p50 %s, max %s (each: %s); %d stranger replies delivered in %s; %d errors logged; peak RSS %d MB\n",
		strangers, each, probes, gap, percentile(waits, 50).Round(time.Millisecond), percentile(waits, 100).Round(time.Millisecond),
		each1, strangerReplies, elapsed.Round(time.Second), errs, peak>>20)
	return nil
}

// toggles is `lapkin bench toggles`: a subordinate sends n leave requests (each tells their
// supervisor), then the supervisor asks for help; the figure is the supervisor's wait for their
// own answer (issue 26, item 3: 299 s before).
func (env *benchEnv) toggles(ctx context.Context, n int) error {
	st, err := store.Open(ctx, env.db)
	if err != nil {
		return err
	}
	var sub, boss int64
	err = st.DB().QueryRowContext(ctx, `SELECT CAST(i.external_id AS INTEGER), CAST(j.external_id AS INTEGER)
		FROM employees e JOIN identities i ON i.employee_nip = e.nip AND i.net = 'tg'
		JOIN identities j ON j.employee_nip = e.supervisor_nip AND j.net = 'tg'
		WHERE e.role = 'asn' ORDER BY e.nip LIMIT 1`).Scan(&sub, &boss)
	st.Close()
	if err != nil {
		return fmt.Errorf("bench: no subordinate and supervisor both on Telegram: %w", err)
	}
	run, err := env.startCrowd(ctx, nil)
	if err != nil {
		return err
	}
	runtime.GC()
	resetPeakRSS()
	day := time.Now().AddDate(0, 0, 7)
	for i := 0; i < n; i++ {
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		run.srv.AddUpdate(telegramtest.PrivateText(telegramtest.User(sub, "Bawahan"), "/cuti "+day.Format("2006-01-02")+" Urusan keluarga"))
		day = day.AddDate(0, 0, 1)
	}
	if !run.waitConfirmed(5 * time.Minute) {
		run.stop()
		return errors.New("bench: the leave requests were not all handled in 5 minutes")
	}
	pushed := time.Now()
	run.srv.AddUpdate(telegramtest.PrivateText(telegramtest.User(boss, "Atasan"), "/bantuan"))
	at := run.waitSent(boss, "/bantuan semua", 10*time.Minute)
	if at.IsZero() {
		run.stop()
		return errors.New("bench: the supervisor was never answered")
	}
	notices := run.count(boss, "") - 1
	peak := peakRSS()
	errs := run.errs.Load()
	if err := run.stop(); err != nil {
		return err
	}
	fmt.Fprintf(env.out, "%d leave requests by a subordinate, then the supervisor's /bantuan: answered after %s (%d notices reached the supervisor by then); %d errors logged; peak RSS %d MB\n",
		n, at.Sub(pushed).Round(time.Millisecond), notices, errs, peak>>20)
	return nil
}

// photos is `lapkin bench photos`: strangers each send a photo of mb megabytes (max_photo_mb is
// raised to fit it), then as many registered people do; the figure is the peak RSS of each phase
// and how many downloads were asked for (issue 26, item 4: 38 → 1,985 MB before, for 100 strangers'
// 19 MB photos).
func (env *benchEnv) photos(ctx context.Context, senders, mb int) error {
	st, err := store.Open(ctx, env.db)
	if err != nil {
		return err
	}
	people, err := benchSenders(ctx, st, senders)
	st.Close()
	if err != nil {
		return err
	}
	run, err := env.startCrowd(ctx, func(c *config.Config) { c.Reports.MaxPhotoMB = mb + 1 })
	if err != nil {
		return err
	}
	// A PNG signature, then noise: the bytes of a large photo that does not compress.
	data := make([]byte, mb<<20)
	rand.Read(data)
	copy(data, "\x89PNG\r\n\x1a\n")
	run.srv.AddFile("besar", data)
	data = nil
	runtime.GC()
	before := peakRSS()
	resetPeakRSS()
	start := time.Now()
	for i := 0; i < senders; i++ {
		run.srv.AddUpdate(telegramtest.Photo(telegramtest.User(int64(strangerBase+i), "Orang"), "besar", "/lapor 1 Rapat #1"))
	}
	if !run.waitConfirmed(10 * time.Minute) {
		run.stop()
		return errors.New("bench: the strangers' photos were not all handled in 10 minutes")
	}
	strangersTook, strangersPeak := time.Since(start), peakRSS()
	strangerFiles := len(run.srv.Calls("getFile"))
	runtime.GC()
	resetPeakRSS()
	start = time.Now()
	for _, p := range people {
		uid, _ := strconv.ParseInt(p.ID, 10, 64)
		run.srv.AddUpdate(telegramtest.Photo(telegramtest.User(uid, "Pegawai"), "besar", "/lapor 1 Rapat #1"))
	}
	if !run.waitConfirmed(10 * time.Minute) {
		run.stop()
		return errors.New("bench: the registered people's photos were not all handled in 10 minutes")
	}
	peopleTook, peoplePeak := time.Since(start), peakRSS()
	peopleFiles := len(run.srv.Calls("getFile")) - strangerFiles
	errs := run.errs.Load()
	if err := run.stop(); err != nil {
		return err
	}
	fmt.Fprintf(env.out, "started at peak RSS %d MB; %d strangers' %d MB photos: %d downloads asked, handled in %s, peak RSS %d MB; %d registered people's: %d downloads, handled in %s, peak RSS %d MB; %d errors logged\n",
		before>>20, senders, mb, strangerFiles, strangersTook.Round(time.Millisecond), strangersPeak>>20, senders, peopleFiles,
		peopleTook.Round(time.Millisecond), peoplePeak>>20, errs)
	return nil
}

// durations lists waits, rounded, in order.
func durations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Round(10 * time.Millisecond).String()
	}
	return strings.Join(parts, " ")
}
