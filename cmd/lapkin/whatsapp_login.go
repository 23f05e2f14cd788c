package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/lapkin-id/lapkin/bot/whatsapp"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/roster"
)

// runWhatsAppLogin is `lapkin whatsapp-login [--phone N]`: it links the bot's WhatsApp number to
// the session file of [whatsapp] session_db, by a QR code (in the terminal and as a PNG next to
// the session) or, with --phone, by a pairing code typed on the phone.
func runWhatsAppLogin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("whatsapp-login", stderr)
	phone := fs.String("phone", "", "the bot's WhatsApp number, to link with a pairing code instead of a QR code")
	verbose := fs.Bool("verbose", false, "log whatsmeow's connection steps")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	say := func(w io.Writer, key string, args map[string]any) { fmt.Fprintln(w, cat.T(lang, key, args)) }
	digits := ""
	if *phone != "" {
		// The roster's own normalisation: 0812…, +62 812-…, 62812… are one number; WhatsApp wants
		// it international, without the leading 0.
		if digits, err = roster.NormalizePhone(*phone); err != nil {
			say(stderr, "wa_login.bad_phone", catalog.Args{"Phone": *phone})
			return errReported
		}
	}
	level := slog.LevelError
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	path := cfg.SessionDBPath()
	if err := ensureDir(path); err != nil {
		return err
	}
	err = whatsapp.Login(ctx, whatsapp.LoginOptions{
		SessionDB: path, Phone: digits, Out: stdout, Log: log,
		Say: func(key string, args map[string]any) { say(stdout, key, args) },
	})
	var le *whatsapp.LoginError
	if errors.As(err, &le) {
		say(stderr, le.Key, le.Args)
		if le.Key == "wa_login.already" {
			return nil // nothing to do is not a failure
		}
		return errReported
	}
	return err
}
