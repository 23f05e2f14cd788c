package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// showButtons makes the console show a reply's buttons and its contact button, as Telegram would.
func (h *harness) showButtons() {
	h.con.SetRender(func(r bot.Reply) string {
		text := r.Text
		for _, row := range r.Buttons {
			for _, b := range row {
				text += fmt.Sprintf("\n[%s → %s]", b.Label, b.Data)
			}
		}
		if r.ContactButton != "" {
			text += "\n[tombol kontak: " + r.ContactButton + "]"
		}
		return text
	})
}

// groupChat sends messages into one console group.
type groupChat struct {
	h   *harness
	ref bot.ChatRef
	n   int
}

func (g *groupChat) say(who, text string) string {
	g.n++
	m := bot.Message{ID: fmt.Sprint(g.ref.ID, "-", g.n), Chat: g.ref, Sender: bot.ChatRef{Net: bot.NetConsole, ID: who}, Group: true, Text: text}
	return strings.Join(g.h.send(m), "\n")
}

// press is a button pressed in the group.
func (g *groupChat) press(who, data string) string {
	g.n++
	m := bot.Message{ID: fmt.Sprint(g.ref.ID, "-", g.n), Chat: g.ref, Sender: bot.ChatRef{Net: bot.NetConsole, ID: who}, Group: true, Callback: data}
	return strings.Join(g.h.send(m), "\n")
}

func (g *groupChat) bound() string {
	var opd string
	g.h.st.View(context.Background(), func(tx *store.Tx) error {
		opd, _ = tx.GroupOPD(context.Background(), g.ref.Net, g.ref.ID)
		return nil
	})
	return opd
}

// Issue 12, item 8: binding a group that is bound to another OPD asks first (buttons, or the
// command to send where there are none) and tells the other OPD's head once it is done.
func TestRebindingAGroupAsksAndTellsTheOtherHead(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.showButtons()
	g := &groupChat{h: h, ref: bot.ChatRef{Net: bot.NetConsole, ID: "grup:rapat"}}
	expect(t, g.say(kepala, "/hubungkan DISKOMINFO"), "Grup ini terhubung dengan Dinas Komunikasi dan Informatika")
	// The same OPD again is no move: no question.
	got := g.say(kepala, "/hubungkan DISKOMINFO")
	reject(t, got, "Pindahkan")

	got = g.say(admin, "/hubungkan BKPPD")
	expect(t, got, "sudah terhubung dengan Dinas Komunikasi dan Informatika", "/hubungkan BKPPD ya",
		"→ /hubungkan BKPPD ya]", "→ /hubungkan BKPPD batal]")
	if g.bound() != "DISKOMINFO" {
		t.Fatal("moved before the answer")
	}
	expect(t, g.press(admin, "/hubungkan BKPPD batal"), "tetap terhubung dengan Dinas Komunikasi dan Informatika")
	if g.bound() != "DISKOMINFO" || strings.Contains(h.received(kepala), "BKPPD") {
		t.Fatal("a cancelled move changed something")
	}
	// Someone who may not bind BKPPD cannot confirm the move either.
	expect(t, g.press(kepala, "/hubungkan BKPPD ya"), "hanya kepala OPD BKPPD")
	expect(t, g.press(admin, "/hubungkan BKPPD ya"), "Grup ini terhubung dengan Badan Kepegawaian")
	if g.bound() != "BKPPD" {
		t.Fatalf("group bound to %q", g.bound())
	}
	expect(t, h.received(kepala), "Bapak Ahmad", "tidak lagi menerima rekap Dinas Komunikasi dan Informatika",
		"Badan Kepegawaian", "Bapak Hendra")
}

// A stranger's command in a group gets no reply there (nor anywhere) and changes nothing.
func TestStrangerInGroupGetsNoReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := &groupChat{h: h, ref: bot.ChatRef{Net: bot.NetConsole, ID: "grup:umum"}}
	for _, text := range []string{"/hubungkan DISKOMINFO", "/lapor Rapat", "/bantuan", "/start", "/bahasa en"} {
		if got := g.say("orang-asing", text); got != "" {
			t.Fatalf("%s from a stranger answered in the group: %q", text, got)
		}
	}
	if got := g.press("orang-asing", "/hubungkan DISKOMINFO ya"); got != "" {
		t.Fatalf("a stranger's button answered: %q", got)
	}
	if g.bound() != "" || len(h.received("orang-asing")) != 0 {
		t.Fatal("a stranger's group command did something")
	}
}

// /bahasa works for everyone (SPEC): a stranger's choice is kept for their account and becomes
// theirs when they register.
func TestLanguageForStrangers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say("hp-rina", "/bahasa en"), "replies will be in English")
	got := h.say("hp-rina", "/start")
	expect(t, got, "Welcome to Lapkin")
	reject(t, got, "Selamat datang")
	expect(t, h.contact("hp-rina", "081300000003"), "Thank you, Ms Rina")
	expect(t, h.say("hp-rina", "/progress"), "Progress")
	// On WhatsApp too, where an unknown number otherwise hears the help once a day and nothing else.
	expect(t, h.wa("6281999999999", "bahasa en"), "replies will be in English")
	expect(t, h.wa("6281999999999", "halo"), "not in the staff records")
}

// Issue 12, item 8: a stranger's first private message offers the share-phone-number button at
// once, whatever it was; a registered person who taps the button is told they are registered.
func TestStrangerIsOfferedTheContactButton(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.showButtons()
	for i, text := range []string{"halo", "/lapor Rapat", "/start", "/bantuan", "/daftar"} {
		got := h.say(fmt.Sprint("asing-", i), text)
		expect(t, got, "[tombol kontak: 📱 Bagikan nomor telepon]", "/daftar <NIP> <KODE>")
	}
	got := h.contact(budi, "081200000002")
	expect(t, got, "sudah terdaftar atas nama Budi Santoso")
	reject(t, got, "belum dikenali")
}
