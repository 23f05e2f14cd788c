package flows_test

import "testing"

// Issue 26, item 5: two reports that add up to more than 24 hours in a day are refused, the reply
// saying what the day holds; up to 24 hours in all is fine, and a deleted report frees its time.
func TestReportsOfADayHoldAtMost24Hours(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "/lapor Piket server malam 20j"), "Laporan tercatat")
	got := h.say(budi, "/lapor Rapat koordinasi 6j")
	expect(t, got, "sudah mencatat 20 j, ditambah 6 j", "lebih dari 24 jam", "belum dicatat", "Paling banyak 4 j lagi")
	if n := len(h.reports(budi)); n != 1 {
		t.Fatalf("%d reports, want the first only", n)
	}
	expect(t, h.say(budi, "/lapor Rapat koordinasi 4j"), "Laporan tercatat")
	expect(t, h.say(budi, "/lapor Menulis notula 1m"), "lebih dari 24 jam")
	// A report without a duration is not about time.
	expect(t, h.say(budi, "/lapor Menulis notula"), "Laporan tercatat")
	// Deleting the 20 hours frees them.
	first := h.reports(budi)[0].ID
	h.say(budi, "/hapus "+itoa(first))
	expect(t, h.say(budi, "/lapor Menulis notula 30m"), "Laporan tercatat")
}
