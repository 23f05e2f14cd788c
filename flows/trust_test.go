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
