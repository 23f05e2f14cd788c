package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// benchUsage lists what `lapkin bench` measures: every figure of BENCHMARKS.md's city table.
const benchUsage = `lapkin bench <what> --db CITY.db [flags]: measure Lapkin on a city made by lapkin seed.

Every run works on a copy of CITY.db (in --tmp), so the city can be reused. What:
  digest     the weekly digest of every OPD (Friday and Saturday runs) for the week of --at
  remind     the reminder run at --at 14:00 (everyone who has not reported that day)
  job        another scheduled job (--job deadline|contract|evaluation_due) at --at 09:00
  evaluate   /evaluate --subject KODE-OPD|semua [--period P] by an admin, preview then "ya"
  busy       quick reports written while the digest runs (--during digest|remind|evaluate)
  export     lapkin export of everything into --out F.xlsx
  recap      lapkin export --rekap (--rekap 2026-11 or 2026, the default: each month of the year) into --out F.xlsx|.csv
  sqlite     raw single-row SQLite transactions on the same disk (the yardstick for inbound)
  machine    the machine's yardsticks: a pure computation, a system call, a 4 KiB read, raw SQLite
  inbound    quick reports through lapkin run and a fake Bot API (--senders, --n, --rate)
  engine     the same quick reports through the engine alone (Engine.Handle, no transport)
  strangers  --strangers S --each M messages from people not registered, then --probes registered
             people's quick reports --gap apart: how long each waits for its answer
  toggles    a subordinate's --n leave requests, then their supervisor's /bantuan: its wait
  photos     --senders strangers' --mb MB photos, then as many registered people's: peak RSS
Each prints its figure, the peak RSS (VmHWM) and the load average when it started. inbound,
strangers, toggles and photos need the fake Bot API, linked only into a binary built with
go build -tags benchfake -o lapkin-bench ./cmd/lapkin (BENCHMARKS.md).
`

// benchEnv is one measured run: the copy of the city, the clock and what the machine was doing.
type benchEnv struct {
	out  io.Writer
	db   string
	at   time.Time
	load string
	cfg  *config.Config

	cpuprofile string
	touch      bool          // evaluate: an undated change between the preview and the confirmation (everything computed again)
	touchDated bool          // evaluate: changes dated outside what the results count (the preview's results kept)
	cpu0       time.Duration // the process's CPU time when the measured part began
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return errReported
	}
	what := args[0]
	fs := flag.NewFlagSet("lapkin bench "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "the city (lapkin seed); copied before the run")
	tmp := fs.String("tmp", os.TempDir(), "directory for the copy (the same disk as production's, for comparable figures)")
	atFlag := fs.String("at", "", "the day measured, YYYY-MM-DD (default: the day after the city's last report)")
	subject := fs.String("subject", "semua", "evaluate: an OPD code or semua")
	periodFlag := fs.String("period", "", "evaluate: the period (default: each person's current checkpoint)")
	touch := fs.Bool("touch", false, `evaluate: change an input no result depends on, undated (one employee's row written again as it was), between the preview and "ya": the recording computes everything again`)
	touchDated := fs.Bool("touch-outside", false, `evaluate: between the preview and "ya", add a holiday of the year 2000, validate a report dated after every period and take a late report of yesterday: changes outside the days the results count, which keep the preview's results`)
	jobName := fs.String("job", flows.JobDeadline, "job: the scheduled job to run at --at 09:00 (deadline, contract, evaluation_due)")
	during := fs.String("during", "digest", "busy: the job that runs while reports arrive: digest, remind or evaluate")
	out := fs.String("out", "", "export: the file to write (default: in --tmp)")
	senders := fs.Int("senders", 200, "inbound: distinct senders")
	n := fs.Int("n", 20000, "inbound, busy, sqlite: messages (or transactions)")
	rate := fs.Float64("rate", 0, "inbound: messages per second (0: as fast as the bot takes them)")
	strangers := fs.Int("strangers", 3000, "strangers: people not registered who write")
	each := fs.Int("each", 1, "strangers: messages each of them sends")
	probes := fs.Int("probes", 5, "strangers: registered people whose answers are timed")
	gap := fs.Duration("gap", 2*time.Second, "strangers: time between two registered people's reports")
	mb := fs.Int("mb", 19, "photos: the size of each photo, in MB")
	showDigest := fs.Bool("digest", false, "evaluate: print a hash of the evaluations recorded and the messages queued, to compare two versions")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured part to this file")
	rekap := fs.String("rekap", "", "recap: a month (2026-11) or a year (2026); default: the year of --at")
	if err := fs.Parse(args[1:]); err != nil {
		return errReported
	}
	env := &benchEnv{out: stdout, load: loadAverage(), cpuprofile: *cpuprofile, touch: *touch, touchDated: *touchDated}
	cfg, err := config.Load("")
	if err != nil {
		return err
	}
	env.cfg = cfg
	switch what {
	case "sqlite":
		return benchSQLite(ctx, env, *tmp, *n)
	case "machine":
		return benchMachine(ctx, env, *tmp, *n)
	}
	if *db == "" {
		return errors.New("bench: --db CITY.db is required (make one with lapkin seed)")
	}
	copyPath := filepath.Join(*tmp, fmt.Sprintf("lapkin-bench-%d.db", os.Getpid()))
	if err := copyFile(*db, copyPath); err != nil {
		return err
	}
	defer removeDB(copyPath)
	env.db = copyPath
	cfg.App.Database = copyPath
	if env.at, err = benchDay(ctx, copyPath, *atFlag, cfg.Location()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench %s on a copy of %s, day %s, %d CPUs, load average %s\n", what, *db, env.at.Format("2006-01-02"),
		runtime.NumCPU(), env.load)
	switch what {
	case "digest":
		return env.jobs(ctx, func(m *Main) (string, error) { return env.digest(ctx, m) })
	case "remind":
		return env.jobs(ctx, func(m *Main) (string, error) { return env.remind(ctx, m) })
	case "job":
		return env.jobs(ctx, func(m *Main) (string, error) { return env.job(ctx, m, *jobName) })
	case "evaluate":
		return env.jobsThen(ctx, func(m *Main) (string, error) { return env.evaluate(ctx, m, *subject, *periodFlag) },
			func(m *Main) error {
				if !*showDigest {
					return nil
				}
				d, err := resultsDigest(ctx, m.Store)
				fmt.Fprintf(stdout, "results (evaluations and outbox) sha256 %s\n", d)
				return err
			})
	case "busy":
		return env.busy(ctx, *during, *n)
	case "export":
		if *out == "" {
			*out = filepath.Join(*tmp, fmt.Sprintf("lapkin-bench-%d.xlsx", os.Getpid()))
			defer os.Remove(*out)
		}
		return env.export(ctx, *out)
	case "recap":
		if *out == "" {
			*out = filepath.Join(*tmp, fmt.Sprintf("lapkin-bench-%d.xlsx", os.Getpid()))
			defer os.Remove(*out)
		}
		return env.recap(ctx, *rekap, *out)
	case "inbound":
		return env.inbound(ctx, *senders, *n, *rate)
	case "strangers":
		return env.strangersFirst(ctx, *strangers, *each, *probes, *gap)
	case "toggles":
		return env.toggles(ctx, *n)
	case "photos":
		return env.photos(ctx, *senders, *mb)
	case "engine":
		return env.jobs(ctx, func(m *Main) (string, error) {
			people, err := benchSenders(ctx, m.Store, *senders)
			if err != nil {
				return "", err
			}
			r, err := engineRate(ctx, m, people, *n, "engine-")
			return fmt.Sprintf("engine alone, %d quick reports from %d senders at once: %.0f/s", *n, *senders, r), err
		})
	}
	fmt.Fprint(stderr, benchUsage)
	return errReported
}

// jobs opens the city as the bot would (no transport: what is queued stays in the outbox) and
// times fn.
func (env *benchEnv) jobs(ctx context.Context, fn func(m *Main) (string, error)) error {
	return env.jobsThen(ctx, fn, func(*Main) error { return nil })
}

// jobsThen is jobs, then after on the same city once the measure is taken.
func (env *benchEnv) jobsThen(ctx context.Context, fn func(m *Main) (string, error), after func(m *Main) error) error {
	clock := chat.NewManualClock(env.at)
	m, err := Open(ctx, env.cfg, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := env.measure(func() (string, error) { return fn(m) }); err != nil {
		return err
	}
	return after(m)
}

// measure times fn as one figure: on a collected heap, with the peak RSS reset, under the CPU
// profile when one was asked for, and reports what fn says it did.
func (env *benchEnv) measure(fn func() (string, error)) error {
	runtime.GC()
	resetPeakRSS()
	stop, err := env.profile()
	if err != nil {
		return err
	}
	env.cpu0 = cpuTime()
	defer env.watchHeap()()
	start := time.Now()
	what, err := fn()
	d := time.Since(start)
	stop()
	if err != nil {
		return err
	}
	env.report(what, d)
	return nil
}

// profile starts the CPU profile when --cpuprofile asked for one.
func (env *benchEnv) profile() (func(), error) {
	if env.cpuprofile == "" {
		return func() {}, nil
	}
	f, err := os.Create(env.cpuprofile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// report prints one figure with the peak RSS since the last reset.
func (env *benchEnv) report(what string, d time.Duration) {
	if os.Getenv("LAPKIN_BENCH_RSS") != "" {
		b, _ := os.ReadFile("/proc/self/status")
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "Rss") || strings.HasPrefix(l, "VmHWM") {
				fmt.Fprintln(os.Stderr, l)
			}
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "Go: HeapSys %d MB, HeapInuse %d MB, HeapIdle %d MB, HeapReleased %d MB, StackSys %d MB, Sys %d MB\n",
			ms.HeapSys>>20, ms.HeapInuse>>20, ms.HeapIdle>>20, ms.HeapReleased>>20, ms.StackSys>>20, ms.Sys>>20)
	}
	fmt.Fprintf(env.out, "%s: %.3f s (CPU %.3f s), peak RSS %d MB\n", what, d.Seconds(), (cpuTime() - env.cpu0).Seconds(), peakRSS()>>20)
}

// cpuTime is the CPU time (user and system) the process has used: on a shared machine it moves
// less with the neighbours' load than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// digest runs the weekly digest of every OPD: the Friday run (five-day OPDs) and the Saturday
// run (six-day OPDs) of the week of env.at.
func (env *benchEnv) digest(ctx context.Context, m *Main) (string, error) {
	day := env.at
	for day.Weekday() != time.Friday {
		day = day.AddDate(0, 0, -1)
	}
	fri := time.Date(day.Year(), day.Month(), day.Day(), 16, 0, 0, 0, env.cfg.Location())
	before := outboxCount(ctx, m.Store)
	if err := m.Engine.RunJob(ctx, flows.JobDigest, fri); err != nil {
		return "", err
	}
	if err := m.Engine.RunJob(ctx, flows.JobDigestSaturday, fri.AddDate(0, 0, 1)); err != nil {
		return "", err
	}
	return fmt.Sprintf("digest of every OPD for the week of %s, %d messages queued", fri.Format("2006-01-02"),
		outboxCount(ctx, m.Store)-before), nil
}

// remind runs the 14:00 reminders of env.at.
func (env *benchEnv) remind(ctx context.Context, m *Main) (string, error) {
	at := time.Date(env.at.Year(), env.at.Month(), env.at.Day(), 14, 0, 0, 0, env.cfg.Location())
	before := outboxCount(ctx, m.Store)
	if err := m.Engine.RunJob(ctx, flows.JobReminder, at); err != nil {
		return "", err
	}
	return fmt.Sprintf("reminders at %s, %d queued", at.Format("2006-01-02 15:04"), outboxCount(ctx, m.Store)-before), nil
}

// job runs one scheduled job at 09:00 of env.at.
func (env *benchEnv) job(ctx context.Context, m *Main, name string) (string, error) {
	at := time.Date(env.at.Year(), env.at.Month(), env.at.Day(), 9, 0, 0, 0, env.cfg.Location())
	before := outboxCount(ctx, m.Store)
	if err := m.Engine.RunJob(ctx, name, at); err != nil {
		return "", err
	}
	return fmt.Sprintf("job %s at %s, %d queued", name, at.Format("2006-01-02 15:04"), outboxCount(ctx, m.Store)-before), nil
}

// evaluate sends /evaluate as the first admin, then "ya" to record it, and times both.
func (env *benchEnv) evaluate(ctx context.Context, m *Main, subject, per string) (string, error) {
	admin, where, err := benchAdmin(ctx, m.Store)
	if err != nil {
		return "", err
	}
	before := outboxCount(ctx, m.Store)
	text := strings.TrimSpace("/evaluate " + subject + " " + per)
	start := time.Now()
	msg := chat.Message{ID: "bench-eval", Chat: where, Sender: where, Text: text, Time: env.at}
	// Each phase under its own profile label: go tool pprof -tagfocus phase=ya shows the recording alone.
	handle := func(phase string) (err error) {
		pprof.Do(ctx, pprof.Labels("phase", phase), func(ctx context.Context) { err = m.Engine.Handle(ctx, msg) })
		return err
	}
	if err := handle("preview"); err != nil {
		return "", err
	}
	preview := time.Since(start)
	if env.touch {
		// Nothing a result reads changes, but the roster moved the counter of undated changes:
		// the preview's results are not kept. (Before migration 0012 the bench added a holiday of
		// the year 2000, which counted then.)
		if _, err := m.Store.DB().ExecContext(ctx, `UPDATE employees SET name = name WHERE nip = ?`, admin); err != nil {
			return "", err
		}
	}
	if env.touchDated {
		if err := touchOutside(ctx, m.Store, env.at); err != nil {
			return "", err
		}
	}
	msg.ID, msg.Text = "bench-eval-yes", "ya"
	if err := handle("ya"); err != nil {
		return "", err
	}
	var recorded int
	m.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM evaluations`).Scan(&recorded)
	return fmt.Sprintf("%s by admin %s: preview %.3f s, then recorded %d results, %d messages queued", text, admin,
		preview.Seconds(), recorded, outboxCount(ctx, m.Store)-before), nil
}

// resultsDigest is a hash of every evaluation recorded and every message queued (text and
// attachment), in order: two versions of Lapkin that evaluate alike print the same. Read after
// the measured part.
func resultsDigest(ctx context.Context, st *store.Store) (string, error) {
	h := sha256.New()
	for _, q := range []string{
		`SELECT nip, COALESCE(contract_id, 0), period_key, period_start, period_end, checkpoint, inputs, outputs, score, predicate,
			standard_met, parameters, evaluator_nip, created_at FROM evaluations ORDER BY id`,
		`SELECT chat_net, chat_id, payload, COALESCE(photo, x''), not_before FROM outbox ORDER BY id`,
	} {
		rows, err := st.DB().QueryContext(ctx, q)
		if err != nil {
			return "", err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%v\x00", v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// touchOutside makes the changes a city sees while an evaluation waits for "ya", none of them on
// a day the results count: a holiday of another year, the validation of a report of the last
// week, and a late report of yesterday from someone who reported before.
func touchOutside(ctx context.Context, st *store.Store, today time.Time) error {
	db := st.DB()
	now := time.Now().UTC()
	yesterday := today.AddDate(0, 0, -1).Format("2006-01-02")
	if _, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO holidays(date, name, created_at) VALUES ('2000-01-01', 'bench', ?)`, now); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE reports SET status = 'approved' WHERE id = (SELECT MAX(id) FROM reports WHERE status = 'submitted' AND local_date >= ?)`,
		today.AddDate(0, 0, -7).Format("2006-01-02")); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, `INSERT INTO reports(nip, opd_code, local_date, text, created_at, status)
		SELECT nip, opd_code, ?, 'Laporan susulan', ?, 'submitted' FROM reports WHERE id = (SELECT MAX(id) FROM reports)`, yesterday, now)
	return err
}

// benchAdmin is an admin of the city and their chat.
func benchAdmin(ctx context.Context, st *store.Store) (string, chat.ChatRef, error) {
	var nip, net, id string
	err := st.DB().QueryRowContext(ctx, `SELECT e.nip, i.net, i.external_id FROM employees e JOIN identities i ON i.employee_nip = e.nip
		WHERE e.role = 'admin' ORDER BY e.nip LIMIT 1`).Scan(&nip, &net, &id)
	if err != nil {
		return "", chat.ChatRef{}, fmt.Errorf("bench: the city has no admin with a chat account: %w", err)
	}
	return nip, chat.ChatRef{Net: net, ID: id}, nil
}

func outboxCount(ctx context.Context, st *store.Store) int {
	var n int
	st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n)
	return n
}

// benchDay is the day to measure: --at, or the day after the city's last report (the seed's
// "today", when nobody has reported yet).
func benchDay(ctx context.Context, path, at string, loc *time.Location) (time.Time, error) {
	if at == "" {
		st, err := store.Open(ctx, path)
		if err != nil {
			return time.Time{}, err
		}
		defer st.Close()
		if err := st.DB().QueryRowContext(ctx, `SELECT date(MAX(local_date), '+1 day') FROM reports`).Scan(&at); err != nil {
			return time.Time{}, fmt.Errorf("bench: the city has no reports: %w", err)
		}
	}
	d, err := time.ParseInLocation("2006-01-02", at, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("bench: --at %q: want YYYY-MM-DD", at)
	}
	return d.Add(9 * time.Hour), nil
}

// copyFile copies a database file (with its WAL, if the seed left one) so each run starts alike.
func copyFile(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		src, err := os.Open(from + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return err
		}
		dst, err := os.OpenFile(to+suffix, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			src.Close()
			return err
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func removeDB(path string) {
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(path + s)
	}
}

// peakRSS is the process's peak resident set (VmHWM), in bytes; 0 where /proc is missing.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts VmHWM again from the current RSS (Linux ≥ 4.0), so that each phase of a run
// is measured on its own.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// loadAverage is the first three fields of /proc/loadavg: how busy the machine was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// percentile is the p-th percentile (0–100) of ds, sorted in place.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := int(float64(len(ds)-1) * p / 100)
	return ds[i]
}

// watchHeap writes, when LAPKIN_BENCH_HEAP names a file, the heap profile at the largest live heap
// seen (a debugging aid for the peak RSS); the returned function stops watching.
func (env *benchEnv) watchHeap() func() {
	f := os.Getenv("LAPKIN_BENCH_HEAP")
	if f == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		var maxLive uint64
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > maxLive+(5<<20) {
				maxLive = ms.HeapAlloc
				if out, err := os.Create(f); err == nil {
					pprof.Lookup("heap").WriteTo(out, 0)
					out.Close()
				}
			}
		}
	}()
	return func() { close(done) }
}
