package flows_test

import (
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
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.say(admin, "/libur 2026-11-17 Cuti bersama")
	h.say(admin, "/bahasa en")
	got := h.say(admin, "/evaluate "+budi+" 2026-11-16..2026-11-20")
	expect(t, got, "working days; 1 holiday not counted)")
	reject(t, got, "holiday days")
	got = h.say(admin, "/evaluate DISKOMINFO 2026-11-02..2026-11-13")
	expect(t, got, "1 employee scored (not recorded yet)", "Reply yes to record 1 new result and tell")
	got = h.say(admin, "yes")
	expect(t, got, "1 result recorded, 0 replacing earlier results")
	reject(t, got, "1 results", "1 employees")
}
