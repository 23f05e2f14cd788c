package email

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

func goodConfig() Config {
	return Config{
		IMAP: IMAP{Host: "mail.bekasikota.go.id", User: "lapkin@bekasikota.go.id", Password: "hunter2-imap", TLS: TLSImplicit},
		SMTP: SMTP{Host: "mail.bekasikota.go.id", User: "lapkin@bekasikota.go.id", Password: "hunter2-smtp", From: "Lapkin <lapkin@bekasikota.go.id>", TLS: TLSStartTLS},
	}
}

func TestValidate(t *testing.T) {
	if err := goodConfig().Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	c := goodConfig()
	c.IMAP.TLS = TLSNone
	c.SMTP.From = "not an address"
	c.SMTP.Password = ""
	c.IMAP.Host = "mail.x:993"
	err := c.Validate()
	for _, want := range []string{"imap.tls", "smtp.from", "smtp.password", "imap.host"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
	c = goodConfig()
	c.IMAP.Host, c.IMAP.TLS = "127.0.0.1", TLSNone
	if err := c.Validate(); err != nil {
		t.Errorf("none on loopback: %v", err)
	}
	if err := (Config{}).Validate(); err == nil {
		t.Error("empty config accepted")
	}
}

func TestDefaults(t *testing.T) {
	c := goodConfig().withDefaults()
	if c.IMAP.Port != 993 || c.SMTP.Port != 587 || c.IMAP.Mailbox != "INBOX" || c.PerHour != DefaultPerHour || c.StrangerRepliesPerDay != 1 {
		t.Errorf("defaults: %+v", c)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	c := goodConfig()
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "cfg", c, "pw", c.IMAP.Password)
	for _, s := range []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logged.String()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("a password was printed: %s", s)
		}
	}
}

func TestSMTPCodeFromError(t *testing.T) {
	for s, want := range map[string]int{
		"535 5.7.8 Authentication failed":           535,
		"smtp: auth failed: 534 too weak":           534,
		"dial tcp 127.0.0.1:25: connection refused": 0,
	} {
		if got := smtpCode(errors.New(s)); got != want {
			t.Errorf("smtpCode(%q) = %d, want %d", s, got, want)
		}
	}
	_ = gomail.ErrSMTPRcptTo
}
