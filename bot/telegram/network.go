package telegram

import (
	"context"
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// Net is Telegram's network id (chat.Network.ID), in ChatRefs and in the store.
const Net = "tg"

// Network is Telegram as cmd/lapkin's table of networks lists it.
type Network struct{}

var (
	_ chat.Network = Network{}
	_ chat.Setup   = (*Setup)(nil)
)

// ID is "tg".
func (Network) ID() string { return Net }

// Section is [telegram].
func (Network) Section() string { return "telegram" }

// Capabilities: Telegram refuses a text over 4,096 UTF-16 code units and a caption over 1,024
// ("Bad Request: message is too long", a refusal for good); it has inline buttons, a contact
// button and a command menu, and names people by user id. Lapkin has always taken commands
// without their slash there too, so SlashOnly stays off.
func (Network) Capabilities() chat.Capabilities {
	return chat.Capabilities{
		MaxText: 4096, MaxCaption: 1024,
		Buttons: true, ContactButton: true, CommandMenu: true,
		Identity: chat.IdentityUserID, Photos: true, Documents: true,
	}
}

// Settings are [telegram]'s keys.
type Settings struct {
	Enabled     bool   `toml:"enabled"`
	Token       string `toml:"token"`
	APIEndpoint string `toml:"api_endpoint"`
	// Mode is "polling" or "webhook".
	Mode          string `toml:"mode"`
	WebhookURL    string `toml:"webhook_url"`
	WebhookSecret string `toml:"webhook_secret"`
	Listen        string `toml:"listen"`

	SendRate            int           `toml:"send_rate"`
	SendPrivateInterval time.Duration `toml:"send_private_interval"`
	SendGroupPerMinute  int           `toml:"send_group_per_minute"`
	SendConcurrency     int           `toml:"send_concurrency"`
	SendTimeout         time.Duration `toml:"send_timeout"`
}

// Configure reads [telegram]. The config package still sets its defaults, applies
// LAPKIN_TELEGRAM_TOKEN and checks it (config.Telegram), so this only decodes.
func (Network) Configure(sec chat.Section) (chat.Setup, error) {
	s := &Setup{}
	if err := sec.Decode(&s.Settings); err != nil {
		return nil, err
	}
	return s, nil
}

// Setup is [telegram] read and checked.
type Setup struct {
	Settings
}

// Enabled is [telegram] enabled.
func (s *Setup) Enabled() bool { return s.Settings.Enabled }

// Open connects to the Bot API (getMe checks the token; connected or not, the bot starts and
// /healthz says how it goes) and picks the receiver by mode. A webhook always runs with a
// secret: the configured one, or one generated on the first start and kept in the database.
func (s *Setup) Open(ctx context.Context, env chat.Env) (chat.Transport, chat.Receiver, error) {
	secret := ""
	if s.Mode == "webhook" {
		var generated bool
		var err error
		if secret, generated, err = WebhookSecret(ctx, env.Cursor, s.WebhookSecret); err != nil {
			return nil, nil, err
		}
		if generated {
			env.Log.Info("telegram webhook secret generated and kept in the database; Lapkin registers it with Telegram itself")
		}
	}
	tg, err := New(ctx, Config{
		Token: s.Token, Endpoint: s.APIEndpoint,
		MaxPhotoBytes: env.MaxPhotoBytes, WebhookSecret: secret,
		Rate: s.SendRate, PrivateInterval: s.SendPrivateInterval,
		GroupPerMinute: s.SendGroupPerMinute, Concurrency: s.SendConcurrency,
		SendTimeout: s.SendTimeout, Backoff: env.Backoff,
	}, env.Log)
	if err != nil {
		return nil, nil, err
	}
	env.Log.Info("telegram transport ready", "mode", s.Mode, "connected", tg.Connected())
	if s.Mode == "webhook" {
		return tg, tg.Webhook(s.WebhookURL, s.Listen), nil
	}
	return tg, tg.Poller(env.Cursor), nil
}
