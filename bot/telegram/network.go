package telegram

import (
	"context"
	"os"
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

// EnvToken is the environment variable whose value, when set and not empty, replaces
// telegram.token, so that the bot token can be kept out of files that are copied, backed up or
// committed.
const EnvToken = "LAPKIN_TELEGRAM_TOKEN"

// Settings are [telegram]'s keys: the Bot API transport.
type Settings struct {
	// Enabled turns the Telegram transport on for `lapkin run`.
	Enabled bool `toml:"enabled"`
	// Token is the bot token from @BotFather. It is a secret: prefer the LAPKIN_TELEGRAM_TOKEN
	// environment variable (EnvToken), which overrides it.
	Token string `toml:"token"`
	// APIEndpoint is the Bot API URL format, with one %s for the token and one for the method,
	// so that a self-hosted Bot API server can be used.
	APIEndpoint string `toml:"api_endpoint"`
	// Mode is "polling" (long polling, works behind NAT) or "webhook" (Telegram calls
	// WebhookURL, which needs a public HTTPS address).
	Mode string `toml:"mode"`
	// WebhookURL is the public HTTPS URL registered with Telegram in webhook mode.
	WebhookURL string `toml:"webhook_url"`
	// WebhookSecret is sent to Telegram as secret_token and checked on every incoming request,
	// so that only Telegram can post updates. Webhook mode always uses one: empty means Lapkin
	// generates it on the first start and keeps it in the database. It is a secret.
	WebhookSecret string `toml:"webhook_secret"`
	// Listen is the local address the webhook server listens on, usually behind a reverse proxy
	// that terminates TLS.
	Listen string `toml:"listen"`

	// SendRate is the most messages a second the bot sends in all, counted over any one second
	// (Telegram allows 30); 0 is no limit.
	SendRate int `toml:"send_rate"`
	// SendPrivateInterval is the least time between two messages to one person (Telegram allows
	// one a second); 0 is no limit.
	SendPrivateInterval Duration `toml:"send_private_interval"`
	// SendGroupPerMinute is the most messages a minute to one group (Telegram allows 20); 0 is
	// no limit.
	SendGroupPerMinute int `toml:"send_group_per_minute"`
	// SendConcurrency is how many messages may be on their way at once (to different chats: one
	// chat's go one at a time, in order).
	SendConcurrency int `toml:"send_concurrency"`
	// SendTimeout bounds one send, so that a request the network swallows holds its chat only
	// that long and is retried.
	SendTimeout Duration `toml:"send_timeout"`
}

// DefaultSettings are [telegram]'s defaults: what a file without the section gives.
func DefaultSettings() Settings {
	return Settings{
		APIEndpoint: "https://api.telegram.org/bot%s/%s",
		Mode:        "polling",
		Listen:      "127.0.0.1:8443",
		// Telegram's flood limits, which it enforces with 429s.
		SendRate:            30,
		SendPrivateInterval: Duration{Duration: time.Second},
		SendGroupPerMinute:  20,
		SendConcurrency:     8,
		SendTimeout:         Duration{Duration: 10 * time.Second},
	}
}

// Configure decodes [telegram] over DefaultSettings, takes the token from LAPKIN_TELEGRAM_TOKEN
// when it is set, and checks the result (Settings.Validate).
func (Network) Configure(sec chat.Section) (chat.Setup, error) {
	s := &Setup{Settings: DefaultSettings()}
	if err := sec.Decode(&s.Settings); err != nil {
		return nil, err
	}
	if tok := os.Getenv(EnvToken); tok != "" {
		s.Token = tok
	}
	if err := s.Validate(); err != nil {
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
		Rate: s.SendRate, PrivateInterval: s.SendPrivateInterval.Duration,
		GroupPerMinute: s.SendGroupPerMinute, Concurrency: s.SendConcurrency,
		SendTimeout: s.SendTimeout.Duration, Backoff: env.Backoff,
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
