package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/config"
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
	return Run(ctx, cfg, bot.SystemClock{}, log, nil)
}

// Run is production: the enabled transports, the outbox sender, until ctx ends. On a stop it
// ends the long poll (or stops accepting webhooks), finishes the messages in hand, sends what it
// can of the outbox within shutdownGrace, and closes the database. ready, when not nil, is called
// once everything is up and updates are being received (tests wait on it).
func Run(ctx context.Context, cfg *config.Config, clock bot.Clock, log *slog.Logger, ready func(*Main)) error {
	if cfg.WhatsApp.Enabled {
		return errors.New("run: the WhatsApp transport is not part of this version yet; set [whatsapp] enabled = false")
	}
	if !cfg.Telegram.Enabled {
		return errors.New("run: no transport is enabled: set [telegram] enabled = true (and the token in LAPKIN_TELEGRAM_TOKEN), or try `lapkin demo`")
	}
	// The transport outlives ctx a little, so that the outbox can be flushed after a signal.
	tctx, stopTransport := context.WithCancel(context.WithoutCancel(ctx))
	defer stopTransport()
	tg, err := telegram.New(tctx, telegram.Config{
		Token: cfg.Telegram.Token, Endpoint: cfg.Telegram.APIEndpoint,
		MaxPhotoBytes: int64(cfg.Reports.MaxPhotoMB) << 20, WebhookSecret: cfg.Telegram.WebhookSecret,
	}, log)
	if err != nil {
		return err
	}
	m, err := Open(ctx, cfg, clock, log, nil, tg)
	if err != nil {
		return err
	}
	defer m.Store.Close()
	if err := tg.SetCommands(ctx, catalog.Languages, m.Engine.MenuCommands); err != nil {
		log.Warn("command menu not set", "err", err)
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

	log.Info("lapkin running", "bot", "@"+tg.Username(), "mode", cfg.Telegram.Mode, "database", cfg.DatabasePath())
	up := func() {
		if ready != nil {
			ready(m)
		}
	}
	if cfg.Telegram.Mode == "webhook" {
		err = serveWebhook(ctx, cfg, tg, m, log, up)
	} else {
		up()
		err = tg.Poll(ctx, m.Store, m.Router.Submit)
	}

	// Stop: the messages in hand finish and commit; then the outbox gets a last chance.
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

// serveWebhook registers the webhook and serves it until ctx ends; Shutdown waits for the
// handlers in flight, each of which answers only after its update is committed.
func serveWebhook(ctx context.Context, cfg *config.Config, tg *telegram.Telegram, m *Main, log *slog.Logger, up func()) error {
	u, err := url.Parse(cfg.Telegram.WebhookURL)
	if err != nil {
		return fmt.Errorf("run: telegram.webhook_url: %w", err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.Handle(path, tg.WebhookHandler(m.Router.Submit))
	srv := &http.Server{Addr: cfg.Telegram.Listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", cfg.Telegram.Listen)
	if err != nil {
		return fmt.Errorf("run: listen on telegram.listen %s: %w", cfg.Telegram.Listen, err)
	}
	if err := tg.SetWebhook(cfg.Telegram.WebhookURL); err != nil {
		ln.Close()
		return fmt.Errorf("run: set webhook: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("webhook listening", "listen", cfg.Telegram.Listen, "path", path)
	up()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
