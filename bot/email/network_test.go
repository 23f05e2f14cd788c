package email_test

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/lapkin-id/lapkin/bot/email"
	"github.com/lapkin-id/lapkin/chat"
)

// section is a chat.Section over a TOML text, decoded as config.Load hands a network its section.
type section string

func (s section) Decode(v any) error {
	_, err := toml.Decode(string(s), v)
	return err
}

func TestConfigureReadsTheSectionAndTheEnvironment(t *testing.T) {
	t.Setenv("LAPKIN_EMAIL_SMTP_PASSWORD", "dari-env")
	setup, err := email.Network{}.Configure(section(`enabled = true
poll_interval = "30s"
per_hour = 50
[imap]
host = "mail.kota.go.id"
user = "lapkin@kota.go.id"
password = "rahasia"
[smtp]
host = "mail.kota.go.id"
user = "lapkin@kota.go.id"
from = "Lapkin <lapkin@kota.go.id>"
`))
	if err != nil {
		t.Fatal(err)
	}
	s := setup.(*email.Setup)
	if !s.Enabled() || s.PollInterval.Duration.String() != "30s" || s.PerHour != 50 {
		t.Fatalf("settings = %+v", s.Settings)
	}
	if s.SMTP.Password != "dari-env" || s.IMAP.TLS != "tls" || s.SMTP.TLS != "starttls" {
		t.Fatalf("password from the environment or TLS defaults not taken: %+v", s.Settings)
	}
}

func TestConfigureChecksAnEnabledSectionOnly(t *testing.T) {
	if _, err := (email.Network{}).Configure(section("enabled = false\n")); err != nil {
		t.Fatalf("a disabled, empty section refused: %v", err)
	}
	_, err := email.Network{}.Configure(section("enabled = true\n[imap]\nhost = \"mail.kota.go.id\"\ntls = \"none\"\n"))
	if err == nil {
		t.Fatal("an enabled section without SMTP, and IMAP in the clear to another host, was accepted")
	}
	for _, want := range []string{"smtp.host", "imap"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if _, err := (email.Network{}).Configure(section("enabled = false\npoll_interval = \"sebentar\"\n")); err == nil {
		t.Error("a poll_interval that is no duration was accepted")
	}
}

func TestRenderShowsTheMail(t *testing.T) {
	got := email.Network{}.Render(chat.Reply{Text: "✅ Laporan tercatat\nID laporan 7", Photo: []byte{1}, PhotoName: "grafik.png"})
	if got != "Subjek: Lapkin: ✅ Laporan tercatat\n[gambar: grafik.png]\n✅ Laporan tercatat\nID laporan 7" {
		t.Errorf("Render = %q", got)
	}
}
