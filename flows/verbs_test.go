package flows_test

import (
	"testing"
)

// Issue 22: one verb per meaning. The new forms work, and every older form still does what it did.
func TestVerbsOneWordPerMeaning(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	// /kontrak setujui|tolak decide a contract as /setujui and /tolak do, for a supervisor only.
	h.say(siti, "/target Rekonsiliasi kas bulanan | 12 laporan | 31-12-2026")
	h.say(siti, "/ajukan")
	expect(t, h.say(siti, "/kontrak setujui "+siti), "tidak tersedia untuk peran Anda", "/kontrak setujui")
	expect(t, h.say(kepala, "/kontrak tolak "+siti), "Format belum sesuai")
	expect(t, h.say(kepala, "/contract reject "+siti+" Tenggat per triwulan"), "dikembalikan")
	h.say(siti, "/ajukan")
	expect(t, h.say(kepala, "/kontrak setujui "+siti), "disetujui")
	expect(t, h.say(siti, "/kontrak"), "disetujui") // bare /kontrak still shows the contract

	// /cuti batal cancels; its older form /cuti hapus (and /leave delete) stays an alias.
	for _, cancel := range []string{"/cuti batal", "/cuti hapus", "/leave delete", "/leave cancel"} {
		got := h.say(budi, "/cuti 2026-11-25 Urusan keluarga")
		m := cancelHint.FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("no id to cancel in %q", got)
		}
		expect(t, h.say(budi, cancel+" "+m[1]), "dibatalkan")
	}

	// /plh daftar lists, as bare /plh does.
	if a, b := h.say(kepala, "/plh"), h.say(kepala, "/plh daftar"); a != b {
		t.Fatalf("/plh daftar %q, /plh %q", b, a)
	}

	// /rekap's sub-verbs: a word after "minggu" is refused as before.
	expect(t, h.say(kepala, "/rekap minggu lalu"), "Format belum sesuai")
}

// "/bantuan <perintah>" shows a command with the lines of the sub-verbs the sender may use.
func TestHelpForOneCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/bantuan cuti")
	expect(t, got, "Perintah /cuti:", "/cuti [sakit|dl]", "/cuti batal <id>", "/cuti setujui <id>")
	got = h.say(budi, "/bantuan kontrak")
	expect(t, got, "/kontrak – ")
	reject(t, got, "/kontrak setujui") // a supervisor's verb
	expect(t, h.say(kepala, "/bantuan kontrak"), "/kontrak setujui <NIP>", "/kontrak tolak <NIP> <alasan>")
	h.say(budi, "/bahasa en")
	expect(t, h.say(budi, "/help leave"), "The /leave command:", "/leave cancel <id>")
	// A command the sender may not use, or none at all: the usual help.
	expect(t, h.say(budi, "/help code"), "/help all")
	expect(t, h.say(budi, "/help whatever"), "/help all")
}
