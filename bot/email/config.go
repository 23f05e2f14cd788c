// Package email is Lapkin's e-mail network (issue 23): a Receiver that reads an office mailbox
// over IMAP (IDLE where the server has it, polling otherwise) and hands each mail in as one
// message, and a Transport that answers, reminds and sends digests and recaps over SMTP.
//
// A person is named by their lower-cased address (ChatRef{Net: NetEmail, ID: address}); the
// roster's optional `email` column is what that address is matched against. A mail is marked
// \Seen (or moved) on the server only once the runtime says its effects are committed, and its
// Message-ID is the inbound id, so a redelivered mail is recognised. See docs/email.md.
package email

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"
)

// TLSMode is how a connection to the mail server is protected.
type TLSMode string

// TLS modes.
const (
	// TLSImplicit: TLS from the first byte (IMAPS 993, SMTPS/submissions 465).
	TLSImplicit TLSMode = "tls"
	// TLSStartTLS: a plain connection upgraded with STARTTLS before logging in (IMAP 143,
	// submission 587); the upgrade is required, never optional.
	TLSStartTLS TLSMode = "starttls"
	// TLSNone: no encryption. Refused by Validate unless the host is loopback (a local relay, the
	// tests' private Dovecot), so that a password never crosses a network in the clear.
	TLSNone TLSMode = "none"
)

// Secret is a password. It prints as "[redacted]" however it is formatted or logged.
type Secret string

// String hides the secret.
func (Secret) String() string { return "[redacted]" }

// GoString hides the secret from %#v.
func (Secret) GoString() string { return `"[redacted]"` }

// LogValue hides the secret from slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// IMAP is the mailbox Lapkin reads.
type IMAP struct {
	Host     string
	Port     int // 993 with TLSImplicit, 143 with TLSStartTLS when 0
	User     string
	Password Secret
	// Mailbox is the folder read (INBOX when empty).
	Mailbox string
	// DoneMailbox, when set, is where a handled mail is moved; otherwise it is only marked \Seen
	// and stays where it was.
	DoneMailbox string
	TLS         TLSMode
}

// SMTP is the server Lapkin sends through (the office's submission service).
type SMTP struct {
	Host     string
	Port     int // 465 with TLSImplicit, 587 with TLSStartTLS when 0
	User     string
	Password Secret
	// From is the address mails are sent from, usually the mailbox IMAP reads ("Lapkin
	// <lapkin@bekasikota.go.id>"), so that replies come back to it.
	From string
	TLS  TLSMode
}

// Config is the e-mail network's configuration.
type Config struct {
	IMAP IMAP
	SMTP SMTP
	// PollInterval is how often the mailbox is checked when the server lacks IDLE, and the
	// longest an IDLE lasts before it is renewed (DefaultPollInterval when 0).
	PollInterval time.Duration
	// PerHour caps the mails sent in any hour (DefaultPerHour when 0); the outbox sender holds
	// the rest until the window allows. Office servers cap a mailbox's sending (often 100-500 an
	// hour) and block it for a day when it goes over.
	PerHour int
	// StrangerRepliesPerDay is how many replies an address not in the roster gets in a day
	// (DefaultStrangerRepliesPerDay when 0; negative: none at all).
	StrangerRepliesPerDay int
	// MaxMessageBytes is the largest mail read whole (DefaultMaxMessageBytes when 0); a larger
	// one is handed in with its subject only and its attachment marked as too big.
	MaxMessageBytes int64
}

// Defaults for the zero values of Config.
const (
	DefaultPollInterval          = time.Minute
	DefaultPerHour               = 100
	DefaultStrangerRepliesPerDay = 1
	DefaultMaxMessageBytes       = 20 << 20
	// DefaultMaxAttempts is how often handling one mail may fail before it is kept as a dead
	// letter (bot.FailHandler) and marked handled: with the poll interval between tries, a mail
	// that fails for a passing reason (the database busy) still gets through.
	DefaultMaxAttempts = 10
)

// withDefaults fills the zero values.
func (c Config) withDefaults() Config {
	if c.IMAP.Mailbox == "" {
		c.IMAP.Mailbox = "INBOX"
	}
	if c.IMAP.Port == 0 {
		c.IMAP.Port = map[TLSMode]int{TLSImplicit: 993, TLSStartTLS: 143, TLSNone: 143}[c.IMAP.TLS]
	}
	if c.SMTP.Port == 0 {
		c.SMTP.Port = map[TLSMode]int{TLSImplicit: 465, TLSStartTLS: 587, TLSNone: 25}[c.SMTP.TLS]
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.PerHour == 0 {
		c.PerHour = DefaultPerHour
	}
	if c.StrangerRepliesPerDay == 0 {
		c.StrangerRepliesPerDay = DefaultStrangerRepliesPerDay
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	return c
}

// Validate reports every problem of the configuration at once, naming the field, never a password.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("email: %s: %s", field, fmt.Sprintf(format, a...)))
	}
	server := func(prefix, host string, port int, user string, pw Secret, mode TLSMode) {
		if host == "" {
			bad(prefix+".host", "is required")
		} else if strings.ContainsAny(host, " /:") && net.ParseIP(host) == nil {
			bad(prefix+".host", "must be a host name or an IP address without a port (%q)", host)
		}
		if port < 0 || port > 65535 {
			bad(prefix+".port", "%d is not a port", port)
		}
		if user == "" {
			bad(prefix+".user", "is required")
		}
		if pw == "" {
			bad(prefix+".password", "is required")
		}
		switch mode {
		case TLSImplicit, TLSStartTLS:
		case TLSNone:
			if host != "" && !loopback(host) {
				bad(prefix+".tls", `"none" is allowed only for a loopback host (the password would cross the network in the clear); use "tls" or "starttls"`)
			}
		default:
			bad(prefix+".tls", `must be "tls", "starttls" or "none" (got %q)`, string(mode))
		}
	}
	server("imap", c.IMAP.Host, c.IMAP.Port, c.IMAP.User, c.IMAP.Password, c.IMAP.TLS)
	server("smtp", c.SMTP.Host, c.SMTP.Port, c.SMTP.User, c.SMTP.Password, c.SMTP.TLS)
	if c.SMTP.From == "" {
		bad("smtp.from", "is required")
	} else if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
		bad("smtp.from", "is not an address (%v)", err)
	}
	if c.IMAP.DoneMailbox != "" && strings.EqualFold(c.IMAP.DoneMailbox, c.IMAP.Mailbox) {
		bad("imap.done_mailbox", "must differ from the mailbox read")
	}
	if c.PollInterval < 0 || (c.PollInterval > 0 && c.PollInterval < 5*time.Second) {
		bad("poll_interval", "must be at least 5s (got %s)", c.PollInterval)
	}
	if c.PerHour < 0 {
		bad("per_hour", "must not be negative")
	}
	if c.MaxMessageBytes < 0 {
		bad("max_message_bytes", "must not be negative")
	}
	return errors.Join(errs...)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// normAddr is an address as Lapkin names a person: the bare address, lower-cased.
func normAddr(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		s = a.Address
	}
	return strings.ToLower(strings.TrimSpace(s))
}
