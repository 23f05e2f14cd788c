package email

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/lapkin-id/lapkin/chat"
)

// Network is e-mail as cmd/lapkin's table of networks lists it (docs/networks.md): [email] and
// its two tables [email.imap] and [email.smtp].
type Network struct{}

var (
	_ chat.Network     = Network{}
	_ chat.Setup       = (*Setup)(nil)
	_ chat.Renderer    = Network{}
	_ chat.HeadsDigest = (*Setup)(nil)
)

// ID is "email": a person's chat is ChatRef{Net: "email", ID: their lower-cased address}.
func (Network) ID() string { return NetEmail }

// Section is [email].
func (Network) Section() string { return "email" }

// Capabilities: a mail shows any length and no button (choices are numbered); commands are
// written with or without their slash (a subject "lapor 1 SPJ" is as good as "/lapor"); a person
// is named by their address, which the roster's column email gives; image attachments are
// evidence, other files are refused with a clear reply.
func (Network) Capabilities() chat.Capabilities {
	return chat.Capabilities{Identity: chat.IdentityAddress, Photos: true}
}

// Settings are [email]'s keys. Passwords may instead come from the environment
// (LAPKIN_EMAIL_IMAP_PASSWORD, LAPKIN_EMAIL_SMTP_PASSWORD), which wins over the file.
type Settings struct {
	Enabled bool `toml:"enabled"`
	// PollInterval is how often the mailbox is looked at when the server has no IDLE, and the
	// longest an IDLE lasts ("1m").
	PollInterval duration `toml:"poll_interval"`
	// PerHour caps the mails sent in an hour (office servers block a mailbox that sends more).
	PerHour int `toml:"per_hour"`
	// StrangerRepliesPerDay is how many answers an address not in the roster gets a day.
	StrangerRepliesPerDay int `toml:"stranger_replies_per_day"`
	// MaxMessageMB is the largest mail read whole, in megabytes.
	MaxMessageMB int64 `toml:"max_message_mb"`
	// DigestToHeads sends each OPD's weekly digest (text and chart) to the heads of the OPD by
	// e-mail too, in addition to the OPD's group, when they have an address in the roster.
	DigestToHeads bool         `toml:"digest_to_heads"`
	IMAP          IMAPSettings `toml:"imap"`
	SMTP          SMTPSettings `toml:"smtp"`
}

// IMAPSettings are [email.imap]'s keys: the mailbox Lapkin reads.
type IMAPSettings struct {
	Host        string `toml:"host"`
	Port        int    `toml:"port"`
	TLS         string `toml:"tls"` // "tls" (993), "starttls" (143), "none" (loopback only)
	User        string `toml:"user"`
	Password    string `toml:"password"`
	Mailbox     string `toml:"mailbox"`
	DoneMailbox string `toml:"done_mailbox"`
}

// SMTPSettings are [email.smtp]'s keys: the office's submission service Lapkin sends through.
type SMTPSettings struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	TLS      string `toml:"tls"` // "tls" (465), "starttls" (587), "none" (loopback only)
	User     string `toml:"user"`
	Password string `toml:"password"`
	From     string `toml:"from"`
}

// Configure decodes [email] over the defaults, takes the passwords from the environment when it
// has them, and, when the network is enabled, checks everything Validate checks.
func (Network) Configure(sec chat.Section) (chat.Setup, error) {
	s := Settings{IMAP: IMAPSettings{TLS: string(TLSImplicit)}, SMTP: SMTPSettings{TLS: string(TLSStartTLS)}}
	if err := sec.Decode(&s); err != nil {
		return nil, err
	}
	if pw := os.Getenv("LAPKIN_EMAIL_IMAP_PASSWORD"); pw != "" {
		s.IMAP.Password = pw
	}
	if pw := os.Getenv("LAPKIN_EMAIL_SMTP_PASSWORD"); pw != "" {
		s.SMTP.Password = pw
	}
	cfg := s.config()
	if s.Enabled {
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
	} else if s.MaxMessageMB < 0 || s.PerHour < 0 || s.PollInterval.Duration < 0 {
		return nil, errors.New("email: per_hour, poll_interval and max_message_mb cannot be negative")
	}
	return &Setup{Settings: s, cfg: cfg}, nil
}

// config is the adapter's Config of the settings.
func (s Settings) config() Config {
	return Config{
		IMAP: IMAP{Host: s.IMAP.Host, Port: s.IMAP.Port, TLS: TLSMode(strings.ToLower(s.IMAP.TLS)), User: s.IMAP.User,
			Password: Secret(s.IMAP.Password), Mailbox: s.IMAP.Mailbox, DoneMailbox: s.IMAP.DoneMailbox},
		SMTP: SMTP{Host: s.SMTP.Host, Port: s.SMTP.Port, TLS: TLSMode(strings.ToLower(s.SMTP.TLS)), User: s.SMTP.User,
			Password: Secret(s.SMTP.Password), From: s.SMTP.From},
		PollInterval:          s.PollInterval.Duration,
		PerHour:               s.PerHour,
		StrangerRepliesPerDay: s.StrangerRepliesPerDay,
		MaxMessageBytes:       s.MaxMessageMB << 20,
	}
}

// Setup is [email] read and checked.
type Setup struct {
	Settings
	cfg Config
}

// Enabled is [email] enabled.
func (s *Setup) Enabled() bool { return s.Settings.Enabled }

// DigestToHeads is [email] digest_to_heads.
func (s *Setup) DigestToHeads() bool { return s.Settings.DigestToHeads }

// Open builds the transport and the receiver. Nothing is dialled here: the receiver logs in to
// IMAP when it starts, and /healthz says how that goes.
func (s *Setup) Open(_ context.Context, env chat.Env) (chat.Transport, chat.Receiver, error) {
	t, r, err := New(s.cfg, Options{Clock: env.Clock, Log: env.Log})
	if err != nil {
		return nil, nil, err
	}
	return t, r, nil
}

// Render shows a reply as the mail its reader gets, for `lapkin demo --net email`: the subject,
// the body (the flows number a reply's choices in its text: a mail has no buttons) and what is
// attached: a digest's chart inline, an export as a file.
func (Network) Render(r chat.Reply) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Subjek: %s\n", subjectOf(r.Text))
	switch {
	case r.Document != nil:
		fmt.Fprintf(&b, "[lampiran: %s, %d byte]\n", r.DocumentName, len(r.Document))
	case r.Photo != nil:
		name := r.PhotoName
		if name == "" {
			name = "gambar.png"
		}
		fmt.Fprintf(&b, "[gambar: %s]\n", name)
	}
	b.WriteString(strings.TrimRight(r.Text, "\n"))
	return b.String()
}
