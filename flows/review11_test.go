package flows_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// Issue 11, items 3 and 12: the weekly digest counts each person's compliance from their
// compliance start, as /progres and /evaluate do. Rina took up her post (mulai) on Wednesday 25
// Nov and reported on each of her three working days: she is 3 of 3, not 3 of 5, and the days
// before she started are not days she missed. Everyone else reported nothing: 3 of 4 × 5 + 3 = 18
// person-days, 16,7%.
func TestDigestCountsFromComplianceStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := h.st.DB().Exec(`UPDATE employees SET start_date = '2026-11-25' WHERE nip = ?`, rina); err != nil {
		t.Fatal(err)
	}
	h.reportOn(rina, store.ReportSubmitted, "2026-11-25", "2026-11-26", "2026-11-27")
	h.clock.Set(time.Date(2026, 11, 27, 15, 0, 0, 0, jakarta))
	got := h.say(kepala, "/rekap")
	expect(t, got, "Kepatuhan pelaporan: 16,7%. 1 dari 4 pegawai melapor paling sedikit 4 hari.", "Paling konsisten: Rina Wulandari")
	reject(t, got, "15%")
}

// Issue 11, item 14: English evaluations count in the singular when there is one of a thing.
func TestEnglishEvaluationPlurals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.say(admin, "/libur 2026-11-17 Cuti bersama")
	h.say(admin, "/bahasa en")
	got := h.say(admin, "/evaluate "+budi+" 2026-11-16..2026-11-20")
	expect(t, got, "working days; 1 holiday not counted)")
	reject(t, got, "holiday days")
	got = h.say(admin, "/evaluate DISKOMINFO 2026-10")
	expect(t, got, "1 employee scored (not recorded yet)", "Reply yes to record 1 new result and tell")
	got = h.say(admin, "yes")
	expect(t, got, "1 result recorded, 0 replacing earlier results")
	reject(t, got, "1 results", "1 employees")
}

// Issue 11, item 2: only /batal, a new /lapor or another conversation replaces a step flow. A
// command that changes something but starts no conversation (/hapus of an earlier report, leave
// with dates) is answered and the report goes on; a new quick /lapor replaces it and says so.
func TestStepFlowKeptByACommandThatStartsNone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	first := h.say(budi, "/lapor 2 Verifikasi SPJ #2")
	expect(t, first, "Laporan tercatat")
	id := h.reports(budi)[len(h.reports(budi))-1].ID

	h.say(budi, "/lapor")
	expect(t, h.say(budi, "Rapat koordinasi jaringan"), "target yang mana")
	got := h.say(budi, "/hapus "+strconv.FormatInt(id, 10))
	expect(t, got, "dihapus", "Laporan Anda belum selesai:", "target yang mana")
	reject(t, got, "tidak disimpan")
	got = h.say(budi, "/cuti 2026-11-26 Urusan keluarga")
	expect(t, got, "Cuti tercatat", "Laporan Anda belum selesai:")
	// The draft is intact: the next answer goes on with it.
	expect(t, h.say(budi, "1"), "Berapa laporan")

	// A new /lapor replaces it, and the person is told.
	got = h.say(budi, "/lapor 1 Pemeliharaan server #1")
	expect(t, got, "Draf laporan sebelumnya tidak disimpan", "Laporan tercatat")

	// Another conversation replaces it too, its notice first: the preview of an evaluation.
	h.say(admin, "/lapor")
	got = h.say(admin, "/evaluate DISKOMINFO 2026-10")
	expect(t, got, "Draf laporan sebelumnya tidak disimpan", "Pratinjau")
	if i, j := strings.Index(got, "tidak disimpan"), strings.Index(got, "Pratinjau"); i > j {
		t.Fatalf("the draft's notice comes after the new conversation:\n%s", got)
	}
}
