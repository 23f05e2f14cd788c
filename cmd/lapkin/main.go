// Command lapkin runs the Lapkin bot and its operator tools: the console demo, the production
// bot, roster import, export and backup. See SPEC.md's CLI section.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Jakarta must load on minimal hosts without zoneinfo

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/whatsapp"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/holidays"
	"github.com/lapkin-id/lapkin/outbox"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the module's.
var version = ""

// memoryLimit is the heap size the garbage collector keeps Lapkin under unless GOMEMLIMIT says
// otherwise. Without it the heap may grow to twice what is live before a collection: a city's
// /evaluate semua with its workbook has about 55 MB live and reached 170 MB of RSS (151 MB with a 100 MB limit), over the
// standard machine's budget of 150 MB. It is a soft limit: above it Go collects more often (at
// most half the CPU), it never fails an allocation.
const memoryLimit = 80 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "lapkin:", err)
		}
		os.Exit(1)
	}
}

// errReported is returned when the details were already written to stderr.
var errReported = errors.New("reported")

const usage = `Lapkin: laporan kinerja harian ASN lewat WhatsApp dan Telegram.

Pemakaian / usage:
  lapkin demo [--roster F] [--db F] [--config F] [--time YYYY-MM-DDTHH:MM] [--net tg|wa]
  lapkin run [--config F]
  lapkin login wa [--config F] [--phone N]      (lapkin whatsapp-login: the same)
  lapkin import [--config F] [--db F] <roster.csv|roster.xlsx>
  lapkin export [--config F] [--db F] [--periode P | --rekap YYYY-MM|YYYY] [--opd KODE] [--force] --out F.xlsx|F.csv
  lapkin backup [--config F] [--db F] --out F
  lapkin seed --asn N --opd M --days D [--db F] [--end YYYY-MM-DD] [--seed S]
  lapkin inbox [--config F] [--db F] [--failed [--limit N] [--raw] | --retry ID]
  lapkin outbox [--config F] [--db F] [--limit N]
  lapkin outbox retry [--config F] [--db F] [--id N]
  lapkin bench digest|remind|evaluate|busy|export|sqlite|inbound|strangers|toggles|photos --db CITY.db [...]
  lapkin version
`

// run is main without the process: it takes its arguments and streams so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errReported
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return runDemo(ctx, rest, stdin, stdout, stderr)
	case "run":
		return runBot(ctx, rest, stderr)
	case "login":
		return runLogin(ctx, rest, stdout, stderr)
	case "whatsapp-login":
		return loginTo(ctx, whatsapp.Net, rest, stdout, stderr)
	case "import":
		return runImport(ctx, rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "seed":
		return runSeed(ctx, rest, stdout, stderr)
	case "inbox":
		return runInbox(ctx, rest, stdout, stderr)
	case "outbox":
		return runOutbox(ctx, rest, stdout, stderr)
	case "bench":
		return runBench(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "lapkin", versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "lapkin: unknown command %q\n\n%s", cmd, usage)
	return errReported
}

func versionString() string {
	v := version
	bi, ok := debug.ReadBuildInfo()
	if v == "" && ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "(devel)"
	}
	gov := "go"
	if ok {
		gov = bi.GoVersion
	}
	return v + " (" + gov + ")"
}

// commonFlags are the flags every command takes.
type commonFlags struct {
	config string
	db     string
}

func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("lapkin "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &commonFlags{}
	fs.StringVar(&c.config, "config", "", "config file (default ./config.toml when it exists)")
	fs.StringVar(&c.db, "db", "", "database file (overrides [app] database)")
	return fs, c
}

// loadConfig reads the config: the given file, else ./config.toml when it exists, else the
// defaults; --db overrides the database.
func (c *commonFlags) loadConfig() (*config.Config, error) {
	path := c.config
	if path == "" {
		if _, err := os.Stat("config.toml"); err == nil {
			path = "config.toml"
		}
	}
	cfg, err := config.Load(path, networkSections()...)
	if err != nil {
		return nil, err
	}
	if err := checkNetworks(cfg); err != nil {
		return nil, inFile(path, err)
	}
	if c.db != "" {
		cfg.App.Database = c.db
	}
	return cfg, nil
}

// loadConfigAndCatalog is loadConfig for the operator commands that speak: the configuration, the
// message catalog and the language of [app] language.
func (c *commonFlags) loadConfigAndCatalog() (*config.Config, *catalog.Catalog, string, error) {
	cfg, err := c.loadConfig()
	if err != nil {
		return nil, nil, "", err
	}
	cat, err := catalog.New()
	if err != nil {
		return nil, nil, "", err
	}
	return cfg, cat, cfg.App.Language, nil
}

// Main is one running Lapkin: its configuration, database, clock and the bot's parts, wired.
type Main struct {
	Config    *config.Config
	Store     *store.Store
	Catalog   *catalog.Catalog
	Clock     chat.Clock
	Log       *slog.Logger
	Engine    *flows.Engine
	Router    *bot.Router
	Sender    *outbox.Sender
	Scheduler *bot.Scheduler
	// HTTPAddr is where `lapkin run` serves /healthz and /metrics ([http] listen, with the port
	// chosen when it was 0); empty when off.
	HTTPAddr string
}

// Open opens the database and builds the engine, router and sender for the given transports.
// tweak, when not nil, adjusts the flows' options derived from the config (the demo's codes).
func Open(ctx context.Context, cfg *config.Config, clock chat.Clock, log *slog.Logger, tweak func(*flows.Options), transports ...chat.Transport) (*Main, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return wire(ctx, cfg, st, clock, log, tweak, transports...)
}

// openStore opens the configured database, creating its directory if needed.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	path := cfg.DatabasePath()
	if err := ensureDir(path); err != nil {
		return nil, err
	}
	return store.Open(ctx, path)
}

// wire builds the engine, router, sender and scheduler on an open database; it closes st when it
// fails. (`lapkin run` opens the database first: the receivers keep their cursors in it.)
func wire(ctx context.Context, cfg *config.Config, st *store.Store, clock chat.Clock, log *slog.Logger, tweak func(*flows.Options), transports ...chat.Transport) (*Main, error) {
	cat, err := catalog.New()
	if err != nil {
		st.Close()
		return nil, err
	}
	// The national holidays and cuti bersama out of the box, each year copied once so that an
	// operator's /libur hapus stays removed.
	if _, err := holidays.Seed(ctx, st, clock.Now()); err != nil {
		st.Close()
		return nil, err
	}
	m := &Main{Config: cfg, Store: st, Catalog: cat, Clock: clock, Log: log}
	opt := flowOptions(cfg)
	if tweak != nil {
		tweak(&opt)
	}
	m.Engine = flows.New(st, clock, cat, opt, log)
	m.Router = bot.NewRouter(m.Engine, log)
	m.Sender = outbox.NewSender(st, clock, log, transports...)
	m.Sender.Backoff = cfg.Retry.Backoff.Duration
	m.Engine.Queued = m.Sender.Notify
	// A message parked after its last attempt is kept; the admins hear of it once per episode.
	m.Sender.Parked = func(ctx context.Context, msg store.OutMessage, err error, first bool) {
		if !first {
			return
		}
		if aerr := m.Engine.ParkedAlert(context.WithoutCancel(ctx), msg.Net, err.Error()); aerr != nil {
			log.Error("tell admins about a parked message", "err", aerr)
		}
	}
	// A bound group that can no longer be written to: its OPD's heads hear of it once.
	m.Sender.FailedForGood = func(ctx context.Context, msg store.OutMessage, code string, err error) {
		if gerr := m.Engine.GroupSendFailed(context.WithoutCancel(ctx), msg.Net, msg.ChatID, code, err.Error()); gerr != nil {
			log.Error("tell the heads about a failing group", "err", gerr)
		}
	}
	m.Scheduler, err = m.newScheduler(nil)
	if err != nil {
		st.Close()
		return nil, err
	}
	return m, nil
}

// scheduleJobs lists the [schedule] specs with the keys that name them in errors.
func scheduleJobs(cfg *config.Config) []bot.JobSpec {
	var jobs []bot.JobSpec
	for i, spec := range cfg.Schedule.Reminder {
		jobs = append(jobs, bot.JobSpec{Name: flows.JobReminder, Key: fmt.Sprintf("schedule.reminder[%d]", i), Spec: spec})
	}
	jobs = append(jobs,
		bot.JobSpec{Name: flows.JobDeadline, Key: "schedule.deadline", Spec: cfg.Schedule.Deadline},
		bot.JobSpec{Name: flows.JobContract, Key: "schedule.contract", Spec: cfg.Schedule.Contract},
		bot.JobSpec{Name: flows.JobDigest, Key: "schedule.digest", Spec: cfg.Schedule.Digest},
		bot.JobSpec{Name: flows.JobDigestSaturday, Key: "schedule.digest (Saturday, for six-day OPDs)", Spec: flows.SaturdaySpec(cfg.Schedule.Digest)},
		bot.JobSpec{Name: flows.JobEvaluationDue, Key: "schedule.evaluation_due", Spec: cfg.Schedule.EvaluationDue},
		bot.JobSpec{Name: jobMaintenance, Key: "schedule.maintenance", Spec: cfg.Schedule.Maintenance},
		bot.JobSpec{Name: flows.JobReview, Key: "schedule.review", Spec: cfg.Schedule.Review},
		bot.JobSpec{Name: flows.JobMonthlyRecap, Key: "schedule.monthly_recap", Spec: cfg.Schedule.MonthlyRecap},
	)
	if cfg.Backup.Schedule != "" {
		jobs = append(jobs, bot.JobSpec{Name: jobBackup, Key: "backup.schedule", Spec: cfg.Backup.Schedule})
	}
	return jobs
}

// Close waits for messages in hand and closes the database.
func (m *Main) Close() error {
	if m.Router != nil {
		m.Router.Close()
	}
	return m.Store.Close()
}

// checkpoints is [evaluation] checkpoints as the flows read it (Validate refused anything else).
func checkpoints(cfg *config.Config) string {
	rule, _ := config.CheckpointRule(cfg.Evaluation.Checkpoints)
	return rule
}

func flowOptions(cfg *config.Config) flows.Options {
	return flows.Options{
		Networks:        networks,
		Location:        cfg.Location(),
		Language:        cfg.App.Language,
		AdminNIPs:       cfg.Admin.NIPs,
		MaxText:         cfg.Reports.MaxText,
		MaxPhotoBytes:   int64(cfg.Reports.MaxPhotoMB) << 20,
		RequireApproval: cfg.Reports.RequireApproval,
		Holidays:        cfg.Holidays.Dates,
		BackdateDays:    backdateDays(cfg.Reports.BackdateDays),
		Abbreviations:   cfg.Reports.Abbreviations,
		MinutesDay:      cfg.Kinerja.MinutesDay,
		MinutesMonth:    cfg.Kinerja.MinutesMonth,
		MinutesApprovedOnly: cfg.Kinerja.MinutesCount == "approved" ||
			cfg.Kinerja.MinutesCount == "auto" && cfg.Reports.RequireApproval,
		CloseDay:               cfg.Kinerja.CloseDay,
		ReviewDays:             cfg.Reports.ReviewDays,
		Checkpoints:            checkpoints(cfg),
		EvidenceDir:            evidenceDir(cfg),
		FlowTimeout:            30 * time.Minute,
		ShowMissing:            cfg.Digest.ShowMissing,
		DigestToHeads:          digestToHeads(cfg),
		FloodMax:               cfg.Intake.MaxMessages,
		StrangerRepliesPerHour: cfg.Intake.StrangerRepliesPerHour,
		FloodWindow:            cfg.Intake.Window.Duration,
		Scoring: scoring.Params{WC: cfg.Evaluation.WeightAchievement, WK: cfg.Evaluation.WeightCompliance,
			PassScore: cfg.Evaluation.PassScore, Bands: [4]float64{cfg.Evaluation.Bands.SangatBaik, cfg.Evaluation.Bands.Baik,
				cfg.Evaluation.Bands.ButuhPerbaikan, cfg.Evaluation.Bands.Kurang}},
	}
}

// backdateDays maps [reports] backdate_days to flows.Options, where 0 means the default: the
// config's 0 (no back-dating) is a negative number there.
func backdateDays(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

func evidenceDir(cfg *config.Config) string {
	return joinPath(cfg.App.DataDir, "evidence")
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("backup", stderr)
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return errReported
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	// The operator reads [app] language (issue 26, item 8).
	say := func(key string, a catalog.Args) error {
		fmt.Fprintln(stderr, cat.T(lang, key, a))
		return errReported
	}
	if *out == "" || len(rest) > 0 {
		return say("cli.backup_usage", nil)
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return say("cli.backup_no_database", catalog.Args{"Database": cfg.DatabasePath()})
	}
	if _, err := os.Stat(*out); err == nil {
		return say("cli.backup_exists", catalog.Args{"File": *out})
	}
	st, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return say("cli.backup_failed", catalog.Args{"File": *out, "Reason": err.Error()})
	}
	size := int64(0)
	if fi, err := os.Stat(*out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintln(stdout, cat.T(lang, "cli.backup_done", catalog.Args{"File": *out, "Database": cfg.DatabasePath(),
		"MB": fmt.Sprintf("%.1f", float64(size)/(1<<20))}))
	return nil
}

// openExisting opens the database of an operator command that reads or copies it (backup, inbox,
// outbox): store.Open would otherwise create an empty one at a mistyped path and report nothing.
func openExisting(ctx context.Context, cmd string, cfg *config.Config) (*store.Store, error) {
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return nil, fmt.Errorf("%s: no database at %s", cmd, cfg.DatabasePath())
	}
	return store.Open(ctx, cfg.DatabasePath())
}
