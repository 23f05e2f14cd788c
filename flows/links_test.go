package flows_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// contact is a contact card (the Telegram button) shared by account from, with phone.
func (h *harness) contact(from, phone string) string {
	h.t.Helper()
	ref := bot.ChatRef{Net: bot.NetConsole, ID: from}
	m := bot.Message{ID: fmt.Sprintf("c-%s-%d", from, h.clock.Now().UnixNano()), Chat: ref, Sender: ref,
		Contact: &bot.Contact{Phone: phone, Own: true}, Time: h.clock.Now()}
	h.clock.Advance(time.Second)
	return strings.Join(h.send(m), "\n---\n")
}

// received is everything chat id has received so far, joined.
func (h *harness) received(id string) string { return strings.Join(h.con.Received(id), "\n---\n") }

// code has the admin issue a registration code for nip and returns it with the admin's reply.
func (h *harness) code(nip string) (string, string) {
	h.t.Helper()
	got := h.say(admin, "/kode "+nip)
	m := regexp.MustCompile(`: ([A-Z2-9]{6})\n`).FindStringSubmatch(got)
	if m == nil {
		h.t.Fatalf("no code in %q", got)
	}
	return m[1], got
}

// Issue 12, item 2: a second account sharing the same phone replaces the first, which is told and
// loses access; the new one is told it replaced an older account.
func TestSecondAccountBySamePhoneReplacesFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.contact("hp-lama", "+62 813-0000-0003"), "Terima kasih, Ibu Rina")
	expect(t, h.say("hp-lama", "/progres"), "Ibu Rina")
	h.clock.Advance(time.Hour)
	got := h.contact("hp-baru", "081300000003")
	expect(t, got, "Terima kasih, Ibu Rina", "sebelumnya tidak lagi terhubung")
	expect(t, h.received("hp-lama"), "tidak lagi terhubung", rina, "admin BKPPD")
	got = h.say("hp-lama", "/progres")
	expect(t, got, "belum terdaftar")
	reject(t, got, "Rina")
	expect(t, h.say("hp-baru", "/progres"), "Ibu Rina")
}

// A code used by a second account replaces the first one too, and /kode says so beforehand.
func TestCodeReplacesAccountAndWarnsSo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	code, warn := h.code(budi)
	expect(t, warn, "sudah terdaftar", "menggantikan", "tidak dapat dipakai lagi")
	reject(t, warn, "menambahkan akun")
	expect(t, h.say("hp-budi-baru", "/daftar "+budi+" "+code), "Terima kasih, Bapak Budi")
	expect(t, h.received(budi), "tidak lagi terhubung")
	expect(t, h.say(budi, "/riwayat"), "belum terdaftar")
	expect(t, h.say("hp-budi-baru", "/riwayat"), "7 hari terakhir")
	// Rina has never registered: no warning.
	_, warn = h.code(rina)
	reject(t, warn, "sudah terdaftar")
}

// /pegawai lists the person's accounts: network, when linked and how, when last used.
func TestEmployeeShowsAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(admin, "/pegawai "+rina), "Akun Lapkin: belum mendaftar")
	h.contact("hp-rina", "081300000003") // Monday 23 Nov 09:00
	h.clock.Advance(26 * time.Hour)
	h.say("hp-rina", "/riwayat") // Tuesday 24 Nov 11:00
	got := h.say(admin, "/pegawai "+rina)
	expect(t, got, "Akun Lapkin:", "Konsol: terhubung 23 Nov 2026 09.00 lewat nomor telepon, terakhir dipakai 24 Nov 2026 11.00")
	expect(t, h.say(kepala, "/pegawai "+budi), "Konsol: terhubung 2 Jan 2026", "belum pernah dipakai")
}

// Issue 12, item 2: an admin removes someone's accounts with /putus; the removed account is told
// and loses access; nobody else may.
func TestUnlinkByAdmin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(kepala, "/putus "+budi), "tidak tersedia untuk peran Anda")
	expect(t, h.say(budi, "/unlink "+budi), "tidak tersedia untuk peran Anda")
	expect(t, h.say(admin, "/putus"), "Format belum sesuai", "/putus <NIP> [tg|wa]")
	expect(t, h.say(admin, "/putus "+budi+" fb"), "Format belum sesuai")
	expect(t, h.say(admin, "/putus 199001012015031099"), "tidak ditemukan")
	expect(t, h.say(admin, "/putus "+budi+" wa"), "tidak memiliki akun WhatsApp")
	got := h.say(admin, "/putus "+budi)
	expect(t, got, "Budi Santoso", budi, "diputus", "Konsol")
	expect(t, h.received(budi), "tidak lagi terhubung", "diputus oleh admin BKPPD")
	expect(t, h.say(budi, "/riwayat"), "belum terdaftar")
	expect(t, h.say(admin, "/pegawai "+budi), "Akun Lapkin: belum mendaftar")
	expect(t, h.say(admin, "/unlink "+budi), "tidak memiliki akun")
}

// A link made by the number the roster gives someone holds only while the roster does: a new
// telepon (a recycled number's case) drops it; a link made by a code stays.
func TestRosterPhoneChangeDropsLinkByOldNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.contact("hp-rina", "081300000003"), "Terima kasih, Ibu Rina")
	err := h.st.Update(context.Background(), func(tx *store.Tx) error {
		return tx.UpsertEmployee(context.Background(), store.Employee{NIP: rina, Name: "Rina Wulandari", Position: "Arsiparis",
			OPDCode: "DISKOMINFO", SupervisorNIP: kepala, Phone: "6281399999999"}, h.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, h.say("hp-rina", "/progres"), "belum terdaftar")
	// Budi's console account was linked without a phone (seeded): it stays.
	err = h.st.Update(context.Background(), func(tx *store.Tx) error {
		return tx.UpsertEmployee(context.Background(), store.Employee{NIP: budi, Name: "Budi Santoso", Position: "Pranata Komputer",
			OPDCode: "DISKOMINFO", SupervisorNIP: kepala, Phone: "6281288888888"}, h.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, h.say(budi, "/progres"), "Bapak Budi")
}

// wa is a message as WhatsApp delivers it: the sender named by their number, an implicit contact.
func (h *harness) wa(number, text string) string {
	h.t.Helper()
	ref := bot.ChatRef{Net: bot.NetConsole, ID: number}
	m := bot.Message{ID: fmt.Sprintf("w-%s-%d", number, h.clock.Now().UnixNano()), Chat: ref, Sender: ref, Text: text,
		Contact: &bot.Contact{Phone: "+" + number, Own: true, Implicit: true}, Time: h.clock.Now()}
	h.clock.Advance(time.Second)
	return strings.Join(h.send(m), "\n---\n")
}

// WhatsApp links a roster number on its first message, but a message is no act of registering: it
// never takes the person's account on that network from another account (one linked by a code, a
// second phone). The number is told once a day to ask the admin; a code still works.
func TestImplicitLinkDoesNotTakeOver(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Rina's roster number is linked on its first message, and the command runs.
	expect(t, h.wa("6281300000003", "lapor Menata arsip"), "Terima kasih, Ibu Rina", "Laporan tercatat")
	// She registers her second phone with a code: that replaces the number's link, which is told.
	code, _ := h.code(rina)
	expect(t, h.say("hp-kedua", "/daftar "+rina+" "+code), "Terima kasih, Ibu Rina", "sebelumnya tidak lagi terhubung")
	expect(t, h.received("6281300000003"), "tidak lagi terhubung")
	// The number writes again: it does not take the account back.
	got := h.wa("6281300000003", "lapor Menata arsip lagi")
	expect(t, got, "sudah terhubung dengan akun lain", "admin BKPPD")
	reject(t, got, "Laporan tercatat")
	if n := len(h.reports(rina)); n != 1 {
		t.Fatalf("%d reports, want the first one only", n)
	}
	if got := h.wa("6281300000003", "halo"); got != "" {
		t.Fatalf("told twice a day: %q", got)
	}
	expect(t, h.say("hp-kedua", "/progres"), "Ibu Rina")
	if got := h.received("hp-kedua"); strings.Contains(got, "Akun ini tidak lagi terhubung") {
		t.Fatalf("the code-linked account was replaced: %s", got)
	}
}
