package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/ops"
)

// shutdownGrace is how long a stop waits for the last replies to go out.
const shutdownGrace = 10 * time.Second

func runBot(ctx context.Context, args []string, stderr io.Writer) error {
	fs, cf := newFlags("run", stderr)
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	cfg, err := cf.loadConfig()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return Run(ctx, cfg, chat.SystemClock{}, log, nil)
}

// Run is production: the networks enabled in the config (networks.go), the scheduler and the
// outbox sender, until ctx ends or a receiver fails for good. On a stop it ends every receiver
// (the long poll, the webhook server), which finish the messages in hand and save their cursors,
// sends what it can of the outbox within shutdownGrace, and closes the database. ready, when not
// nil, is called once everything is up and the receivers are starting (tests wait on it).
func Run(ctx context.Context, cfg *config.Config, clock chat.Clock, log *slog.Logger, ready func(*Main)) error {
	var enabled []chat.Network
	var setups []chat.Setup
	for _, n := range networks {
		setup, err := configure(cfg, n)
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		if setup.Enabled() {
			enabled, setups = append(enabled, n), append(setups, setup)
		}
	}
	if len(enabled) == 0 {
		var sections []string
		for _, s := range networkSections() {
			sections = append(sections, "["+s+"]")
		}
		return fmt.Errorf("run: no transport is enabled: set enabled = true in the section of a network (%s), or try `lapkin demo`",
			strings.Join(sections, ", "))
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	// A damaged file is refused now, with its name, rather than failing in the middle of
	// someone's report later.
	if err := st.Check(ctx); err != nil {
		st.Close()
		return fmt.Errorf("run: %w; stop here and restore the newest copy from [backup] dir (README, Operations), or repair the file with `sqlite3 %s .recover`", err, cfg.DatabasePath())
	}
	// A network that stops working tells the admins over the others, through the engine, which
	// exists only once the transports are built.
	var engine atomic.Pointer[flows.Engine]
	alert := func(h chat.Health) {
		if e := engine.Load(); e != nil {
			if err := e.TransportAlert(context.WithoutCancel(ctx), h); err != nil {
				log.Error("tell admins about a network", "net", h.Net, "err", err)
			}
		}
	}
	// The transports outlive ctx a little, so that the outbox can be flushed after a signal.
	tctx, stopTransports := context.WithCancel(context.WithoutCancel(ctx))
	defer stopTransports()
	var transports []chat.Transport
	var receivers []chat.Receiver
	var names []string
	for i, n := range enabled {
		t, r, err := setups[i].Open(tctx, netEnv(cfg, log, clock, st, alert))
		if err != nil {
			closeAll(transports, log)
			st.Close()
			return err
		}
		transports, receivers, names = append(transports, t), append(receivers, r), append(names, n.Section())
	}
	m, err := wire(ctx, cfg, st, clock, log, nil, transports...)
	if err != nil {
		closeAll(transports, log)
		return err
	}
	defer m.Store.Close()
	defer closeAll(transports, log)
	engine.Store(m.Engine)

	// The operator's view: every message handled, every delivery and every job run is counted,
	// and /healthz asks each transport how it is. The router and scheduler are rebuilt around
	// the metrics (wire builds them bare for the demo and the CLI).
	metrics := ops.NewMetrics(m.Store, log)
	m.Router = bot.NewRouter(metrics.Handler(m.Engine), log)
	m.Sender.Observer = metrics
	if m.Scheduler, err = m.newScheduler(func(run bot.JobRunner) bot.JobRunner { return metrics.Jobs(m.Store, clock, log, run) }); err != nil {
		return err
	}
	health := &ops.Health{Store: m.Store, Clock: clock, Jobs: jobNames(scheduleJobs(cfg)), Transports: func() []chat.Health {
		var hs []chat.Health
		for _, t := range transports {
			if h, ok := t.(chat.HealthReporter); ok {
				hs = append(hs, h.Health())
			}
		}
		return hs
	}}
	hctx, stopHTTP := context.WithCancel(context.WithoutCancel(ctx))
	httpDone := make(chan struct{})
	close(httpDone)
	if cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			stopHTTP()
			return fmt.Errorf("run: http.listen %s: %w", cfg.HTTP.Listen, err)
		}
		m.HTTPAddr = ln.Addr().String()
		httpDone = make(chan struct{})
		go func() {
			defer close(httpDone)
			if err := ops.ServeListener(hctx, ln, ops.Mux(health, metrics), log); err != nil {
				log.Error("operator endpoints stopped", "err", err)
			}
		}()
	}
	// The endpoints answer until the very end of the drain, so a stop shows in /healthz.
	defer func() { stopHTTP(); <-httpDone }()
	for _, t := range transports {
		if menu, ok := t.(chat.Menu); ok {
			if err := menu.SetCommands(ctx, catalog.Languages, m.Engine.MenuCommands); err != nil {
				log.Warn("command menu not set", "net", t.Net(), "err", err)
			}
		}
	}

	// Runs missed while the bot was down, still in their period, go out first; then the clock.
	if err := m.Scheduler.CatchUp(ctx); err != nil {
		log.Error("catch-up of missed jobs failed", "err", err)
	}
	waitJobs := m.Scheduler.Start(ctx)
	defer waitJobs()

	sctx, stopSender := context.WithCancel(tctx)
	senderDone := make(chan struct{})
	go func() { defer close(senderDone); m.Sender.Run(sctx, time.Second) }()

	// The receivers run together; when one fails for good (a refused token) the others stop too,
	// and Run returns its error after the same orderly stop as a signal.
	g, gctx := errgroup.WithContext(ctx)
	for _, r := range receivers {
		g.Go(func() error {
			if err := r.Receive(gctx, m.Router.Submit); err != nil {
				return fmt.Errorf("run: %w", err) // receivers name their network in their errors
			}
			return nil
		})
	}
	log.Info("lapkin running", "networks", strings.Join(names, ","), "database", cfg.DatabasePath())
	if ready != nil {
		ready(m)
	}
	err = g.Wait()

	// Stop: the receivers have returned, so no new message comes in; the messages in hand finish
	// and commit; then the outbox gets a last chance.
	m.Router.Close()
	stopSender()
	<-senderDone
	fctx, cancel := context.WithTimeout(tctx, shutdownGrace)
	if n, ferr := m.Sender.Flush(fctx); ferr != nil {
		log.Warn("outbox not fully sent before stop; the rest goes after the next start", "sent", n, "err", ferr)
	}
	cancel()
	log.Info("lapkin stopped")
	return err
}

// closeAll closes the transports that hold resources of their own (WhatsApp's session file).
func closeAll(transports []chat.Transport, log *slog.Logger) {
	for _, t := range transports {
		if c, ok := t.(io.Closer); ok {
			if err := c.Close(); err != nil {
				log.Warn("close transport", "net", t.Net(), "err", err)
			}
		}
	}
}
