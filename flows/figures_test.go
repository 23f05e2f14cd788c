package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// asep is a staff member of the BKPPD whom the figures test adds.
const asep = "198604092011011005"

// Issue 21 item 7: the offices' own figures. November 2026 (21 working days), evaluated on
// 1 December. Siti, Rina (DISKOMINFO) and Asep (BKPPD) have one target each, 10 units due
// 30 June 2026, so by November the whole 10 is expected; Budi's two targets are due at the end of
// the year and he reports none of their units.
//
// By hand, N = 0,6 × C + 0,4 × K:
//   - Budi: reports every working day, no unit: K 100, C 0 → N 40.
//   - Siti: every working day, 10 units: K 100, C 100 → N 100.
//   - Rina: 2–6 and 9–13 (10 days), 5 units: K 10 ÷ 21 = 47,62, C 50 → N 30 + 19,05 = 49,0.
//   - Asep: every working day, 10 units: K 100, C 100 → N 100.
//
// DISKOMINFO: mean N (40 + 100 + 49) ÷ 3 = 63; mean K (100 + 100 + 47,62) ÷ 3 = 82,5%; Siti
// alone meets the standard of 76: 1 of 3, 33,3%. BKPPD: N 100, K 100%, 1 of 1. The city: N
// (40 + 100 + 49 + 100) ÷ 4 = 72,3; K (100 + 100 + 47,62 + 100) ÷ 4 = 86,9%; 2 of 4, 50%.
func TestOfficeFigures(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	signed := time.Date(2026, 1, 5, 10, 0, 0, 0, jakarta)
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertEmployee(ctx, store.Employee{NIP: asep, Name: "Asep Saepudin", Position: "Analis Kepegawaian",
			OPDCode: "BKPPD", SupervisorNIP: admin}, rosterDay); err != nil {
			return err
		}
		for _, nip := range []string{siti, rina, asep} {
			if _, err := tx.AddContract(ctx, store.Contract{NIP: nip, Year: 2026, Status: store.ContractSigned, SignedAt: &signed,
				Targets: []store.Target{{Description: "Penyelesaian berkas", Quantity: 10, Unit: "berkas", DueDate: "2026-06-30"}}}, rosterDay); err != nil {
				return err
			}
		}
		for _, nip := range []string{rina, asep} {
			if err := tx.LinkIdentity(ctx, bot.NetConsole, nip, nip, rosterDay); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for d := 2; d <= 30; d++ {
		day := at(2026, 11, d, 10)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n++
		h.clock.Set(day)
		h.say(budi, "/lapor Rapat staf mingguan")
		for _, who := range []string{siti, asep} {
			if n <= 10 {
				h.say(who, "/lapor 1 Penyelesaian berkas #1")
			} else {
				h.say(who, "/lapor Rapat koordinasi")
			}
		}
		if d <= 13 {
			if n <= 5 {
				h.say(rina, "/lapor 1 Penyelesaian berkas #1")
			} else {
				h.say(rina, "/lapor Penataan arsip")
			}
		}
	}

	h.clock.Set(at(2026, 12, 1, 9))
	got := h.say(admin, "/evaluate DISKOMINFO 2026-11")
	expect(t, got, "Siti Rahma: 100", "Rina Wulandari: 49", "Budi Santoso: 40",
		"Angka Dinas Komunikasi dan Informatika (DISKOMINFO): rata-rata N 63 · rata-rata kepatuhan K 82,5% · memenuhi standar 1 dari 3 (33,3%)")
	reject(t, got, "Peringkat OPD")
	h.say(admin, "tidak")

	got = h.say(admin, "/evaluate semua 2026-11")
	expect(t, got, "Angka seluruh OPD: rata-rata N 72,3 · rata-rata kepatuhan K 86,9% · memenuhi standar 2 dari 4 (50%)",
		"Peringkat OPD menurut rata-rata N:",
		"1. BKPPD – Badan Kepegawaian: N 100 · K 100% · standar 1/1 (100%)",
		"2. DISKOMINFO – Dinas Komunikasi dan Informatika: N 63 · K 82,5% · standar 1/3 (33,3%)")
	h.say(admin, "ya")

	// The year's figure per OPD, from the results now recorded: the same.
	got = h.say(admin, "/rekap tahun")
	expect(t, got, "📊 Rekap tahun 2026: angka kota rata-rata N 72,3 · rata-rata kepatuhan K 86,9% · memenuhi standar 2 dari 4 pegawai (50%)",
		"1. BKPPD – Badan Kepegawaian: N 100", "2. DISKOMINFO – Dinas Komunikasi dan Informatika: N 63")
	expect(t, h.say(admin, "/rekap tahun 2025"), "Belum ada hasil evaluasi yang berlaku dengan periode berakhir pada tahun 2025")
	expect(t, h.say(admin, "/rekap tahun 2030"), "Format belum sesuai")
	expect(t, h.say(kepala, "/rekap tahun"), "hanya untuk admin BKPPD")
	h.say(admin, "/bahasa en")
	expect(t, h.say(admin, "/digest year"), "📊 Year 2026: the city's mean N 72,3")
}
