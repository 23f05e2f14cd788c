package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// signContract gives nip a signed 2026 contract (one target), signed 5 Jan.
func (h *harness) signContract(nip string) {
	h.t.Helper()
	ctx := context.Background()
	signed := time.Date(2026, 1, 5, 10, 0, 0, 0, jakarta)
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.AddContract(ctx, store.Contract{NIP: nip, Year: 2026, Status: store.ContractSigned, SignedAt: &signed,
			Targets: []store.Target{{Description: "Penataan arsip", Quantity: 100, Unit: "berkas", DueDate: "2026-12-31"}}}, rosterDay)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// Issue 26, item 8: someone who never registered is marked in the preview and not recorded on
// "ya"; "ya semua" records them too.
func TestEvaluatePreviewHoldsTheNeverRegistered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.signContract(rina) // in the roster, never registered
	got := h.say(admin, "/evaluate DISKOMINFO 2026-10")
	expect(t, got, "Rina Wulandari", "(belum pernah terdaftar di Lapkin)", "1 pegawai belum pernah terdaftar", "ya semua", "mencatat 1 hasil baru")
	if strings.Contains(got[strings.Index(got, "Budi Santoso"):strings.Index(got, "Budi Santoso")+80], "belum pernah terdaftar") {
		t.Fatalf("Budi marked:\n%s", got)
	}
	got = h.say(admin, "ya")
	expect(t, got, "1 hasil dicatat", "1 hasil pegawai yang belum pernah terdaftar tidak dicatat")
	if n, m := h.evaluations(budi), h.evaluations(rina); n != 1 || m != 0 {
		t.Fatalf("recorded Budi %d, Rina %d", n, m)
	}
	h.say(admin, "/evaluate DISKOMINFO 2026-10")
	expect(t, h.say(admin, "ya semua"), "1 hasil dicatat")
	if m := h.evaluations(rina); m != 1 {
		t.Fatalf("Rina recorded %d times after ya semua", m)
	}
}

// Issue 26, item 8: /evaluate semua ends with the officials under the resignation procedure.
func TestEvaluateAllEndsWithTheResignationList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.st.DB().Exec(`UPDATE employees SET eselon = 'IV.a' WHERE nip = ?`, budi)
	got := h.say(admin, "/evaluate semua 6b")
	expect(t, got, "Pejabat yang mengikuti prosedur pengunduran diri (1):", "1. Budi Santoso (NIP "+budi+", eselon IV.a, DISKOMINFO)")
	got = h.say(admin, "ya")
	expect(t, got, "Pejabat yang mengikuti prosedur pengunduran diri (1):")
	// Again, unchanged: the list still ends the ranking.
	expect(t, h.say(admin, "/evaluate semua 6b"), "tidak berubah", "Pejabat yang mengikuti prosedur pengunduran diri (1):")
}
