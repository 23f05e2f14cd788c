package main

import (
	"context"
	"log/slog"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/whatsapp"
	"github.com/lapkin-id/lapkin/config"
)

// newWhatsApp builds the WhatsApp transport from [whatsapp] and [reports]: the per-network
// constructor `lapkin run` calls when [whatsapp] enabled is set. A number that is not linked yet
// is not an error (the transport reports StateNotLinked and waits for `lapkin whatsapp-login`); an
// error means the session file cannot be used.
func newWhatsApp(ctx context.Context, cfg *config.Config, clock bot.Clock, log *slog.Logger) (*whatsapp.WhatsApp, error) {
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
