package main

import (
	"context"
	"log/slog"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram"
	"github.com/lapkin-id/lapkin/config"
)

// A network is one chat platform `lapkin run` can serve: whether the config enables it, and how to
// build its transport (outgoing) and its receiver (incoming). Adding a network means a
// bot.Transport, a bot.Receiver and one entry in networks; Run and the flows stay as they are.
type network struct {
	name    string // its config section
	net     string // its bot.Net* name, as in ChatRefs and dead letters
	enabled func(*config.Config) bool
	// build connects the network. ctx outlives Run's context a little (the outbox is flushed
	// after a stop); cancel-on-stop belongs to the receiver's Receive.
	build func(ctx context.Context, cfg *config.Config, env netEnv) (bot.Transport, bot.Receiver, error)
}

// netEnv is what the runtime lends a network.
type netEnv struct {
	Log   *slog.Logger
	Clock bot.Clock
	// Cursor keeps a receiver's position in its update stream (the store).
	Cursor bot.Cursor
	// Alert tells the admins, over the other networks, that this one stopped working (logged
	// out, banned, outdated). It may be called from any goroutine once the receiver runs.
	Alert func(bot.Health)
}

// networks are the platforms `lapkin run` knows, in the order they are started.
var networks = []network{
	{name: "telegram", net: bot.NetTelegram, enabled: func(c *config.Config) bool { return c.Telegram.Enabled }, build: newTelegram},
	{name: "whatsapp", net: bot.NetWhatsApp, enabled: func(c *config.Config) bool { return c.WhatsApp.Enabled }, build: newWhatsApp},
}

// newTelegram connects to the Bot API (getMe checks the token) and picks the receiver by
// [telegram] mode. A webhook always runs with a secret: the configured one, or one generated on
// the first start and kept in the database (telegram.WebhookSecret).
func newTelegram(ctx context.Context, cfg *config.Config, env netEnv) (bot.Transport, bot.Receiver, error) {
	secret := ""
	if cfg.Telegram.Mode == "webhook" {
		var generated bool
		var err error
		if secret, generated, err = telegram.WebhookSecret(ctx, env.Cursor, cfg.Telegram.WebhookSecret); err != nil {
			return nil, nil, err
		}
		if generated {
			env.Log.Info("telegram webhook secret generated and kept in the database; Lapkin registers it with Telegram itself")
		}
	}
	tg, err := telegram.New(ctx, telegram.Config{
		Token: cfg.Telegram.Token, Endpoint: cfg.Telegram.APIEndpoint,
		MaxPhotoBytes: int64(cfg.Reports.MaxPhotoMB) << 20, WebhookSecret: secret,
		Rate: cfg.Telegram.SendRate, PrivateInterval: cfg.Telegram.SendPrivateInterval.Duration,
		GroupPerMinute: cfg.Telegram.SendGroupPerMinute, Concurrency: cfg.Telegram.SendConcurrency,
		SendTimeout: cfg.Telegram.SendTimeout.Duration,
	}, env.Log)
	if err != nil {
		return nil, nil, err
	}
	// Connected or not (it keeps trying, /healthz says how it goes), the bot starts.
	env.Log.Info("telegram transport ready", "mode", cfg.Telegram.Mode, "connected", tg.Connected())
	if cfg.Telegram.Mode == "webhook" {
		return tg, tg.Webhook(cfg.Telegram.WebhookURL, cfg.Telegram.Listen), nil
	}
	return tg, tg.Poller(env.Cursor), nil
}
