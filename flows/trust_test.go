package flows_test

import (
	"testing"
)

// Issue 11, item 1: a quantity is never guessed. Anything that looks like a number or a duration
// but is not a valid one is refused with the right form, and nothing is stored.
func TestQuantityNeverGuessed(t *testing.T) {
	h := newHarness(t)
	for _, in := range []string{
		"/lapor -3 Verifikasi SPJ #2",
		"/lapor 2,5,3 Verifikasi SPJ #2",
		"/lapor 1e308 Verifikasi SPJ #2",
		"/lapor NaN Verifikasi SPJ #2",
		"/lapor 99999999999999999999 Verifikasi SPJ #2",
		"/lapor ３ Verifikasi SPJ #2",
		"/lapor Rapat koordinasi 99999j",
		"/lapor Rapat koordinasi -5m",
		"/lapor #2 -3 Verifikasi SPJ",
	} {
		got := h.say(budi, in)
		expect(t, got, "Format belum sesuai", "/lapor 3 Verifikasi SPJ #2")
		reject(t, got, "tercatat")
	}
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored from malformed quantities, want 0", n)
	}

	// Indonesian decimals are fine.
	expect(t, h.say(budi, "/lapor 2,5 Verifikasi SPJ #2"), "2,5 dokumen untuk target #2")
}

// A quantity larger than the whole target is shown back as written and counts only once confirmed.
func TestQuantityAboveTargetAsksFirst(t *testing.T) {
	h := newHarness(t)
	got := h.say(budi, "/lapor 1.250 Verifikasi SPJ #2")
	expect(t, got, "1.250 dokumen", "120 dokumen", "Balas 1 untuk menyimpan")
	reject(t, got, "tercatat")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored before confirmation, want 0", n)
	}
	expect(t, h.say(budi, "2"), "dibatalkan")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored after refusal, want 0", n)
	}

	h.say(budi, "/lapor 1.250 Verifikasi SPJ #2")
	got = h.say(budi, "1")
	expect(t, got, "Laporan tercatat", "1.250 dokumen")
	rs := h.reports(budi)
	if len(rs) != 1 || rs[0].Quantity == nil || *rs[0].Quantity != 1250 {
		t.Fatalf("reports after confirmation: %+v", rs)
	}

	// The whole target, not more, needs no confirmation.
	expect(t, h.say(budi, "/lapor 12 Pemeliharaan server #1"), "Laporan tercatat")

	// The guided flow warns the same way at its confirmation step.
	h.say(budi, "/lapor")
	h.say(budi, "Verifikasi SPJ triwulan")
	h.say(budi, "2")
	got = h.say(budi, "NaN")
	expect(t, got, "Format belum sesuai")
	h.say(budi, "500")
	got = h.say(budi, "0")
	expect(t, got, "500 dokumen", "melebihi", "120 dokumen")
}

// Issue 11, item 2: a question asked in the middle of the guided /lapor is answered, and the
// report goes on where it was; only /batal, a new /lapor or another command that changes something
// replaces it, and then the person is told the draft was dropped.
func TestStepFlowSurvivesAQuestion(t *testing.T) {
	h := newHarness(t)
	h.say(budi, "/lapor")
	expect(t, h.say(budi, "Rapat koordinasi pemeliharaan"), "target yang mana")

	for _, q := range []string{"/progres", "/riwayat", "/kontrak", "/bantuan", "/cuti"} {
		got := h.say(budi, q)
		expect(t, got, "Laporan Anda belum selesai", "target yang mana")
		reject(t, got, "tidak disimpan")
	}
	// The answer still belongs to the step the report was at.
	expect(t, h.say(budi, "1"), "Berapa laporan")
	expect(t, h.say(budi, "/progres"), "Laporan Anda belum selesai", "Berapa laporan")
	expect(t, h.say(budi, "2"), "foto bukti dukung")
	expect(t, h.say(budi, "0"), "Periksa laporan", "Rapat koordinasi pemeliharaan — 2 laporan untuk target #1")
	expect(t, h.say(budi, "1"), "Laporan tercatat")

	// A new /lapor replaces the draft, and says so.
	h.say(budi, "/lapor")
	h.say(budi, "Draf yang akan diganti")
	got := h.say(budi, "/lapor 1 Verifikasi SPJ #2")
	expect(t, got, "Draf laporan sebelumnya tidak disimpan", "Laporan tercatat: Verifikasi SPJ")
	expect(t, h.say(budi, "1"), "perintah belum dikenali") // the draft is gone

	// So does a bare /lapor: the new draft starts from its first question.
	h.say(budi, "/lapor")
	h.say(budi, "Draf kedua")
	got = h.say(budi, "/lapor")
	expect(t, got, "Draf laporan sebelumnya tidak disimpan", "Kegiatan apa")

	// /batal ends it as before.
	expect(t, h.say(budi, "/batal"), "dibatalkan")
	if n := len(h.reports(budi)); n != 2 {
		t.Fatalf("%d reports, want 2", n)
	}
}
