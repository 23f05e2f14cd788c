package whatsapp

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// Net is WhatsApp's network id (chat.Network.ID), in ChatRefs and in the store.
const Net = "wa"

// WhatsApp's own transport states, besides chat's (its catalog file words each as
// "transport.alert.<state>" for the admins).
const (
	StateNotLinked = "not_linked" // no paired session; run `lapkin login wa`
	StateBanned    = "banned"     // a temporary ban, with its code and expiry in Detail
	StateOutdated  = "outdated"   // "405 client outdated": update whatsmeow
	StateReplaced  = "replaced"   // another process took over the session
)

// Network is WhatsApp as cmd/lapkin's table of networks lists it.
type Network struct{}

var (
	_ chat.Network  = Network{}
	_ chat.Login    = Network{}
	_ chat.Renderer = Network{}
	_ chat.Setup    = (*Setup)(nil)
	_ io.Closer     = (*WhatsApp)(nil)
)

// ID is "wa".
func (Network) ID() string { return Net }

// Section is [whatsapp].
func (Network) Section() string { return "whatsapp" }

// Capabilities: WhatsApp takes texts of 65,536 characters; captions are held to 1,024, the length
// its clients show in full. It has no buttons, no contact button and no command menu: choices are
// numbered and commands are written without their slash. It names every sender by phone number.
func (Network) Capabilities() chat.Capabilities {
	return chat.Capabilities{
		MaxText: 65536, MaxCaption: 1024,
		Identity: chat.IdentityPhone, Photos: true, Documents: true,
	}
}

// Settings are [whatsapp]'s keys: the whatsmeow transport.
type Settings struct {
	// Enabled turns the WhatsApp transport on for `lapkin run`.
	Enabled bool `toml:"enabled"`
	// SessionDB is the whatsmeow session database, kept apart from Lapkin's own; empty is
	// whatsapp.db in the data directory ([app] data_dir, which Open and the login get as
	// chat.Env.DataDir).
	SessionDB string `toml:"session_db"`
	// SendInterval is the pause between two outgoing WhatsApp messages; WhatsApp bans numbers
	// that send many messages quickly.
	SendInterval Duration `toml:"send_interval"`
	// DailyCap is the most messages sent to one WhatsApp chat (a person or a group) in one day
	// of [app] timezone; 0 means no cap. Replies beyond it wait for the next day: a number that
	// floods people gets blocked and banned.
	DailyCap int `toml:"daily_cap"`
}

// DefaultSettings are [whatsapp]'s defaults: what a file without the section gives.
func DefaultSettings() Settings {
	return Settings{SendInterval: Duration{Duration: 3 * time.Second}, DailyCap: 40}
}

// Configure decodes [whatsapp] over DefaultSettings and checks the result (Settings.Validate).
// An empty session_db stays empty here: it is resolved against the data directory when the
// network is opened (Setup.SessionPath), the one place that knows it.
func (Network) Configure(sec chat.Section) (chat.Setup, error) {
	s := &Setup{Settings: DefaultSettings()}
	if err := sec.Decode(&s.Settings); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Validate checks the settings and returns every problem found, joined with errors.Join, each
// starting with the key it concerns ("whatsapp.daily_cap: …").
func (w Settings) Validate() error {
	var errs []error
	if w.SendInterval.Duration < 0 {
		errs = append(errs, fmt.Errorf("whatsapp.send_interval: must not be negative, got %s", w.SendInterval))
	}
	if w.DailyCap < 0 {
		errs = append(errs, fmt.Errorf("whatsapp.daily_cap: must not be negative (0 = no cap), got %d", w.DailyCap))
	}
	return errors.Join(errs...)
}

// Duration is a duration in the section, written as a Go duration string ("3s", "500ms").
type Duration = chat.Duration

// Setup is [whatsapp] read and checked.
type Setup struct {
	Settings
}

// Enabled is [whatsapp] enabled.
func (s *Setup) Enabled() bool { return s.Settings.Enabled }

// SessionPath is the whatsmeow session file: session_db as written (a relative path is relative
// to the working directory, as every path of the config), or whatsapp.db in dataDir when it is
// empty. Open and the login pass env.DataDir.
func (s *Setup) SessionPath(dataDir string) string {
	if s.SessionDB != "" {
		return s.SessionDB
	}
	return filepath.Join(dataDir, "whatsapp.db")
}

// Open builds the transport, which is also its own receiver (the event stream). A number that
// is not linked yet is not an error: the transport reports StateNotLinked naming `lapkin login
// wa`, the other networks go on, and the link is picked up once it is made. An error means the
// session file cannot be used.
func (s *Setup) Open(ctx context.Context, env chat.Env) (chat.Transport, chat.Receiver, error) {
	wa, err := s.open(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	wa.OnAlert = env.Alert
	if h := wa.Health(); !h.CanSend {
		env.Log.Warn("whatsapp cannot send yet", "state", h.State, "detail", h.Detail)
	}
	return wa, wa, nil
}

// open builds the transport from [whatsapp] and what the runtime lends.
func (s *Setup) open(ctx context.Context, env chat.Env) (*WhatsApp, error) {
	path := s.SessionPath(env.DataDir)
	if err := ensureDir(path); err != nil {
		return nil, err
	}
	return New(ctx, Config{
		SessionDB:     path,
		SendInterval:  s.SendInterval.Duration,
		DailyCap:      s.DailyCap,
		MaxPhotoBytes: env.MaxPhotoBytes,
		Location:      env.Location,
		Clock:         env.Clock,
	}, env.Log)
}

// ensureDir makes the directory a file will live in.
func ensureDir(path string) error {
	dir := filepath.Dir(path)
	if dir == "" || dir == "." {
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}

// LoginFlags declares `lapkin login wa`'s own flags: --phone links with a pairing code instead of
// a QR code, --verbose logs whatsmeow's connection steps.
func (Network) LoginFlags(fs *flag.FlagSet) func(ctx context.Context, setup chat.Setup, env chat.LoginEnv) error {
	phone := fs.String("phone", "", "the bot's WhatsApp number, to link with a pairing code instead of a QR code")
	verbose := fs.Bool("verbose", false, "log whatsmeow's connection steps")
	return func(ctx context.Context, setup chat.Setup, env chat.LoginEnv) error {
		digits := ""
		if *phone != "" {
			var err error
			if digits, err = env.Phone(*phone); err != nil {
				env.Say(env.Err, "wa_login.bad_phone", map[string]any{"Phone": *phone})
				return chat.ErrReported
			}
		}
		level := slog.LevelError
		if *verbose {
			level = slog.LevelDebug
		}
		log := slog.New(slog.NewTextHandler(env.Err, &slog.HandlerOptions{Level: level}))
		path := setup.(*Setup).SessionPath(env.DataDir)
		if err := ensureDir(path); err != nil {
			return err
		}
		err := Login(ctx, LoginOptions{
			SessionDB: path, Phone: digits, Out: env.Out, Log: log,
			Say: func(key string, args map[string]any) { env.Say(env.Out, key, args) },
		})
		var le *LoginError
		if errors.As(err, &le) {
			env.Say(env.Err, le.Key, le.Args)
			if le.Key == "wa_login.already" {
				return nil // nothing to do is not a failure
			}
			return chat.ErrReported
		}
		return err
	}
}

// Render shows a reply as WhatsApp shows it (format.go), for the demo's `--net wa`.
func (Network) Render(r chat.Reply) string { return Render(r) }
