package flows_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
)

// dirty holds what must never be stored or shown to others: NUL, BEL, ESC (a terminal escape
// that would turn an operator's log red), DEL, a C1 control, the right-to-left override that makes
// "fdp.exe" read as "exe.pdf", its isolate kin, and a byte-order mark.
var dirty = []string{"\x00", "\x07", "\x1b", "\x7f", "\u0085", "\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\ufeff"}

// hasDirty names the first forbidden character in s, quoted, or "".
func hasDirty(s string) string {
	for _, d := range dirty {
		if strings.Contains(s, d) {
			return fmt.Sprintf("%+q", d)
		}
	}
	return ""
}

// A report with control characters and a bidirectional override is stored, and acknowledged,
// without them: the words are kept, what hides or reorders them is dropped.
func TestReportTextCleaned(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/lapor 2 Verifikasi\x00 SPJ\x07 \x1b[31mmerah\x1b[0m \u202eexe.fdp\u202c \ufeffselesai #2")
	expect(t, got, "Laporan tercatat")
	if d := hasDirty(got); d != "" {
		t.Fatalf("the acknowledgement echoes %s:\n%q", d, got)
	}
	reps := h.reports(budi)
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1", len(reps))
	}
	if want := "Verifikasi SPJ [31mmerah[0m exe.fdp selesai"; reps[0].Text != want {
		t.Fatalf("stored text %q, want %q", reps[0].Text, want)
	}
	if reps[0].Quantity == nil || *reps[0].Quantity != 2 {
		t.Fatalf("quantity %v, want 2: the quick form must still be read", reps[0].Quantity)
	}
}

// A command word behind a bidirectional mark or a NUL is still the command: cleaning happens before
// the command is read, so the sender is understood rather than told the command is unknown.
func TestCommandBehindControlsUnderstood(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "\u200f/riwayat\x00"), "Belum ada laporan")
}

// Button data comes from the client and can be forged: it is cleaned like text.
func TestCallbackDataCleaned(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ref := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	got := strings.Join(h.send(bot.Message{ID: "cb-dirty", Chat: ref, Sender: ref, Callback: "\u202e/riwayat\x1b"}), "\n")
	expect(t, got, "Belum ada laporan")
}

// An announcement reaches everyone without the characters that would reorder or hide its words.
func TestAnnouncementCleaned(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(admin, "/umumkan DISKOMINFO Rapat\x07 pukul \u202e00.90\u202c di aula\x1b[2J")
	expect(t, got, "Pengumuman dikirim")
	received := strings.Join(h.con.Received(siti), "\n")
	expect(t, received, "Rapat pukul 00.90 di aula[2J")
	if d := hasDirty(received); d != "" {
		t.Fatalf("the announcement carries %s:\n%q", d, received)
	}
}

// A photo's caption is the report's text: cleaned like any text, and the evidence still kept.
func TestPhotoCaptionCleaned(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	var buf bytes.Buffer
	png.Encode(&buf, img)
	got := strings.Join(h.send(console.Message(budi, "/lapor 1 Cek\x1b[8m ruang\u2067 server\x00 #1", &bot.Photo{Name: "bukti.png", Data: buf.Bytes()}, h.clock.Now())), "\n")
	expect(t, got, "Laporan tercatat", "📎")
	reps := h.reports(budi)
	if len(reps) != 1 || reps[0].Text != "Cek[8m ruang server" || reps[0].EvidenceID == nil {
		t.Fatalf("reports %+v", reps)
	}
}
