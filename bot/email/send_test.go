package email

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
)

func TestTransportDeclaresTheHourlyCap(t *testing.T) {
	cfg := goodConfig()
	cfg.PerHour = 250
	tr, _, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := tr.Limits()
	if len(l.Network) != 1 || l.Network[0] != (bot.Window{N: 250, Per: time.Hour}) || l.Concurrency != 1 {
		t.Errorf("limits %+v", l)
	}
	if tr.Net() != NetEmail || tr.ChatLimits(bot.ChatRef{Net: NetEmail, ID: "a@b.id"}) != nil {
		t.Error("net or chat limits")
	}
}

func TestBuildAThreadedReplyWithItsParts(t *testing.T) {
	clk := bot.NewManualClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	tr, _, err := New(goodConfig(), Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	tr.threads.note("budi@bekasikota.go.id", "Re: Laporan <harian>", []string{"a@x", "b@x"})
	m, err := tr.build("budi@bekasikota.go.id", bot.Reply{Text: "Tercatat: rapat & notula\n\nPilih:\n1. Ya\n2. Tidak",
		Buttons: [][]bot.Button{{{Label: "Ya", Data: "y"}}}, Priority: bot.PriorityReply, Photo: pngBytes, PhotoName: "grafik.png"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	for _, want := range []string{"In-Reply-To: <b@x>", "References: <a@x> <b@x>", "Subject: Re: Laporan <harian>", "Auto-Submitted: auto-replied",
		"multipart/alternative", "multipart/related", "text/html", "Content-Id: <", "Date: Mon, 07 Dec 2026 09:00:00"} {
		if !strings.Contains(raw, want) {
			t.Errorf("mail lacks %q:\n%s", want, raw)
		}
	}
	parsed, err := parseMail(buf.Bytes(), 1<<20)
	if err != nil || !strings.HasPrefix(parsed.Text, "Tercatat: rapat & notula") || parsed.Photo == nil {
		t.Errorf("the mail read back: %+v, %v", parsed, err)
	}
	// A notice starts its own thread.
	m, _ = tr.build("budi@bekasikota.go.id", bot.Reply{Text: "Pengingat: laporan hari ini belum ada"})
	buf.Reset()
	m.WriteTo(&buf)
	if strings.Contains(buf.String(), "In-Reply-To") || !strings.Contains(buf.String(), "Subject: Lapkin: Pengingat: laporan hari ini belum ada") {
		t.Errorf("notice:\n%s", buf.String())
	}
}

func TestTextToHTMLEscapes(t *testing.T) {
	got := textToHTML("a <b> & c\nd\n\ne")
	if got != "<p>a &lt;b&gt; &amp; c<br>\nd</p>\n<p>e</p>\n" {
		t.Errorf("%q", got)
	}
}
