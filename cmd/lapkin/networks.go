package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/bot/email"
	"github.com/lapkin-id/lapkin/bot/telegram"
	"github.com/lapkin-id/lapkin/bot/whatsapp"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/roster"
)

// networks are the chat networks Lapkin knows, in the order `lapkin run` starts them. Run, the
// demo, `lapkin login`, the config check, /healthz and the flows' knowledge of each network
// (its capabilities, its names for /putus) all come from this table: adding a network is a
// package that implements chat.Network, one row here and one catalog file (docs/networks.md).
var networks = chat.Networks{telegram.Network{}, whatsapp.Network{}, email.Network{}, console.Network{}}

// networkSections are the config sections of the networks, for config.Load.
func networkSections() []string {
	var out []string
	for _, n := range networks {
		if s := n.Section(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// digestToHeads are the enabled networks whose section asks that the heads of an OPD also get its
// weekly digest there in private (chat.HeadsDigest: [email] digest_to_heads).
func digestToHeads(cfg *config.Config) []string {
	var nets []string
	for _, n := range networks {
		if s, err := configure(cfg, n); err == nil && s.Enabled() {
			if h, ok := s.(chat.HeadsDigest); ok && h.DigestToHeads() {
				nets = append(nets, n.ID())
			}
		}
	}
	return nets
}

// configure reads n's section of cfg and checks it.
func configure(cfg *config.Config, n chat.Network) (chat.Setup, error) {
	return n.Configure(cfg.Section(n.Section()))
}

// checkNetworks configures every network of the table, so that a mistake in any network's
// section stops every command at start, as one in Lapkin's own sections does.
func checkNetworks(cfg *config.Config) error {
	var errs []error
	for _, n := range networks {
		if _, err := configure(cfg, n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// inFile puts the config file's path in front of each problem of err (one a line), as config.Load
// does for Lapkin's own sections, so that a mistake in a network's section names the file too
// ("config.toml: telegram.token: …"). Without a file err is as it was.
func inFile(path string, err error) error {
	if path == "" {
		return err
	}
	var out []error
	for _, line := range strings.Split(err.Error(), "\n") {
		out = append(out, fmt.Errorf("%s: %s", path, line))
	}
	return errors.Join(out...)
}

// netEnv is what the runtime lends a network it opens.
func netEnv(cfg *config.Config, log *slog.Logger, clock chat.Clock, cursor chat.Cursor, alert func(chat.Health)) chat.Env {
	if log == nil {
		log = slog.Default()
	}
	if clock == nil {
		clock = chat.SystemClock{}
	}
	return chat.Env{Log: log, Clock: clock, Cursor: cursor, Alert: alert, DataDir: cfg.App.DataDir,
		MaxPhotoBytes: int64(cfg.Reports.MaxPhotoMB) << 20, Location: cfg.Location(), Backoff: cfg.Retry.Backoff.Duration}
}

// networkNames are the names the catalog gives network id, in every language ("WhatsApp",
// "Konsol", "Console"), for finding a network by the word an operator types.
func networkNames(cat *catalog.Catalog) func(id string) []string {
	return func(id string) []string {
		var out []string
		for _, l := range catalog.Languages {
			if cat.Has(l, "links.net."+id) {
				out = append(out, cat.T(l, "links.net."+id, nil))
			}
		}
		return out
	}
}

// openWhatsApp builds the WhatsApp transport from the config, as `lapkin run` does.
func openWhatsApp(ctx context.Context, cfg *config.Config, clock chat.Clock, log *slog.Logger) (*whatsapp.WhatsApp, error) {
	setup, err := configure(cfg, whatsapp.Network{})
	if err != nil {
		return nil, err
	}
	t, _, err := setup.Open(ctx, netEnv(cfg, log, clock, nil, nil))
	if err != nil {
		return nil, err
	}
	return t.(*whatsapp.WhatsApp), nil
}

// runLogin is `lapkin login <net> [--config F] [flags of the network]`: it links the bot's
// account on a network that needs it once before `lapkin run` (WhatsApp: a QR code in the
// terminal and as a PNG next to the session, or with --phone a pairing code typed on the phone).
// `lapkin whatsapp-login` is `lapkin login wa`.
func runLogin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "lapkin login: name the network: %s\n", strings.Join(loginNetworks(), ", "))
		return errReported
	}
	return loginTo(ctx, args[0], args[1:], stdout, stderr)
}

// loginTo runs the login command of the network named word.
func loginTo(ctx context.Context, word string, args []string, stdout, stderr io.Writer) error {
	cat, err := catalog.New()
	if err != nil {
		return err
	}
	n, ok := networks.Named(word, networkNames(cat))
	lg, can := n.(chat.Login)
	if !ok || !can {
		fmt.Fprintf(stderr, "lapkin login: %q has no login; networks that have one: %s\n", word, strings.Join(loginNetworks(), ", "))
		return errReported
	}
	fs, cf := newFlags("login "+n.ID(), stderr)
	run := lg.LoginFlags(fs)
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	cfg, err := cf.loadConfig()
	if err != nil {
		return err
	}
	setup, err := configure(cfg, n)
	if err != nil {
		return err
	}
	lang := cfg.App.Language
	err = run(ctx, setup, chat.LoginEnv{
		Env: netEnv(cfg, nil, nil, nil, nil), Out: stdout, Err: stderr,
		Say:   func(w io.Writer, key string, args map[string]any) { fmt.Fprintln(w, cat.T(lang, key, args)) },
		Phone: roster.NormalizePhone,
	})
	if errors.Is(err, chat.ErrReported) {
		return errReported
	}
	return err
}

// loginNetworks are the ids of the networks that have a login command.
func loginNetworks() []string {
	var out []string
	for _, n := range networks {
		if _, ok := n.(chat.Login); ok {
			out = append(out, n.ID())
		}
	}
	return out
}
