package main

import (
	"context"
	"log/slog"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/whatsapp"
	"github.com/lapkin-id/lapkin/config"
)

// newWhatsApp is WhatsApp's entry in networks: the transport, which is also its own receiver (the
// event stream). A number that is not linked yet is not an error: the transport reports
// StateNotLinked naming `lapkin whatsapp-login`, the other networks go on, and the link is picked
// up once it is made. An error means the session file cannot be used.
func newWhatsApp(ctx context.Context, cfg *config.Config, env netEnv) (bot.Transport, bot.Receiver, error) {
	wa, err := openWhatsApp(ctx, cfg, env.Clock, env.Log)
	if err != nil {
		return nil, nil, err
	}
	wa.OnAlert = env.Alert
	if h := wa.Health(); !h.CanSend {
		env.Log.Warn("whatsapp cannot send yet", "state", h.State, "detail", h.Detail)
	}
	return wa, wa, nil
}

// openWhatsApp builds the WhatsApp transport from [whatsapp] and [reports].
func openWhatsApp(ctx context.Context, cfg *config.Config, clock bot.Clock, log *slog.Logger) (*whatsapp.WhatsApp, error) {
	if err := ensureDir(cfg.SessionDBPath()); err != nil {
		return nil, err
	}
	return whatsapp.New(ctx, whatsapp.Config{
		SessionDB:     cfg.SessionDBPath(),
		SendInterval:  cfg.WhatsApp.SendInterval.Duration,
		DailyCap:      cfg.WhatsApp.DailyCap,
		MaxPhotoBytes: int64(cfg.Reports.MaxPhotoMB) << 20,
		Location:      cfg.Location(),
		Clock:         clock,
	}, log)
}
