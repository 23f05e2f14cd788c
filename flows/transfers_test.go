package flows_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/roster"
)

// transfer imports a roster of one row: who moves to another post, with mulai as the new row's
// start (or none), on the day of now. It returns the import's summary.
func (h *harness) transfer(nip, name, position, opd, opdName, supervisor, mulai string, now time.Time) roster.Summary {
	h.t.Helper()
	sum, err := roster.Import(context.Background(), h.st, []roster.Row{{Line: 2, NIP: nip, Name: name, Position: position,
		OPDCode: opd, OPDName: opdName, Role: "asn", SupervisorNIP: supervisor, StartDate: mulai}}, now)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.eng.TransferNotices(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.sender.Flush(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	return sum
}

// Issue 21 item 5: Budi is transferred from DISKOMINFO (Pranata Komputer, under the head) to the
// BKPPD (Analis Kepegawaian, under Hendra) as of Monday 16 November 2026, by a roster import on
// Friday 13 with mulai 2026-11-16. His signed contract ends on Sunday 15: it and its reports stay,
// evaluable up to that day; he writes a new one; both supervisors are told; /pegawai shows the
// post he left; November's recap gives each post its row.
func TestTransfer(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.CloseDay = 5 })
	h.con.SaveFiles(filepath.Join(h.dir, "berkas"))
	// At the old post: every working day of 2–12 November (not Friday 13).
	for d := 2; d <= 12; d++ {
		if day := at(2026, 11, d, 10); day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
			h.clock.Set(day)
			h.say(budi, "/lapor 1 Verifikasi SPJ #2")
		}
	}
	h.clock.Set(at(2026, 11, 13, 15))
	sum := h.transfer(budi, "Budi Santoso", "Analis Kepegawaian", "BKPPD", "Badan Kepegawaian", admin, "2026-11-16", h.clock.Now())
	if sum.Transfers != 1 {
		t.Fatalf("%d transfers recorded", sum.Transfers)
	}
	expect(t, last(h, budi), "mutasi Anda per 16 Nov 2026: dari Pranata Komputer, Dinas Komunikasi dan Informatika ke Analis Kepegawaian, Badan Kepegawaian",
		"Kontrak kinerja 2026 versi 1 berakhir pada 15 Nov 2026", "/target")
	expect(t, last(h, kepala), "Budi Santoso (NIP "+budi+") dimutasi per 16 Nov 2026 ke Analis Kepegawaian, Badan Kepegawaian",
		"kontrak versi 1 berakhir pada tanggal itu")
	expect(t, last(h, admin), "Budi Santoso (NIP "+budi+") bergabung sebagai Analis Kepegawaian, Badan Kepegawaian per 16 Nov 2026",
		"(sebelumnya Pranata Komputer, Dinas Komunikasi dan Informatika)")
	// Told once: a second run tells nobody again.
	before := len(h.con.Received(budi))
	if err := h.eng.TransferNotices(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.sender.Flush(context.Background())
	if len(h.con.Received(budi)) != before {
		t.Fatal("the transfer was told twice")
	}

	// The ended contract says so; the first target of the new post starts a new, empty version.
	expect(t, h.say(budi, "/kontrak"), "Kontrak ini berakhir pada 15 Nov 2026 karena mutasi")
	got := h.say(budi, "/target Verifikasi berkas kenaikan pangkat | 60 berkas | 2026-12-31")
	expect(t, got, "Kontrak versi 1 berakhir pada 15 Nov 2026 karena mutasi. Kontrak versi 2 untuk jabatan baru dimulai kosong.")
	reject(t, got, "Pemeliharaan server")
	// The new supervisor sees the post Budi left.
	expect(t, h.say(admin, "/pegawai "+budi), "Riwayat jabatan:",
		"s.d. 15 Nov 2026: Pranata Komputer, Dinas Komunikasi dan Informatika (DISKOMINFO), atasan Drs. Ahmad Fauzi, M.Si.; kontrak versi 1 berakhir")

	// At the new post: every working day of 16–30 November.
	for d := 16; d <= 30; d++ {
		if day := at(2026, 11, d, 10); day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
			h.clock.Set(day)
			h.say(budi, "/lapor Verifikasi berkas kenaikan pangkat")
		}
	}
	// /progres counts compliance in the new post from its mulai: 16–30 is 11 working days.
	expect(t, h.say(budi, "/progres"), "Kepatuhan pelaporan bulan ini: 100% (11 dari 11 hari kerja).")

	// December: the old contract is evaluated for November up to its last day: 2–6 and 9–13 are
	// 10 working days, 9 of them reported: K = 90%.
	h.clock.Set(at(2026, 12, 7, 9))
	got = h.say(admin, "/evaluate "+budi+" 2026-11")
	expect(t, got, "Periode 2026-11-01..2026-11-15", "Kepatuhan K = 90% (9 dari 10 hari kerja")
	// November's recap: the old OPD has his days there, the new one his days since.
	got = h.say(kepala, "/rekap bulan 2026-11")
	expect(t, got, "(final)", "Budi Santoso (1 Nov 2026 – 15 Nov 2026): K 90% (9/10 hari)")
	row := rowOf(t, recapSheet(t, got), budi)
	expectRow(t, row, map[string]string{"OPD": "DISKOMINFO", "Jabatan": "Pranata Komputer", "Atasan langsung": "Drs. Ahmad Fauzi, M.Si.",
		"Dari": "01/11/2026", "Sampai": "15/11/2026", "Hari kerja": "10", "Hari melapor": "9", "Jumlah laporan": "9"})
	got = h.say(admin, "/rekap bulan 2026-11 BKPPD")
	expect(t, got, "Budi Santoso (16 Nov 2026 – 30 Nov 2026): K 100% (11/11 hari)")
	expectRow(t, rowOf(t, recapSheet(t, got), budi), map[string]string{"OPD": "BKPPD", "Jabatan": "Analis Kepegawaian",
		"Atasan langsung": "Hendra Gunawan", "Hari kerja": "11", "Hari melapor": "11", "Jumlah laporan": "11"})

	// A roster import that changes nothing else moves nobody.
	if sum := h.transfer(budi, "Budi Santoso", "Analis Kepegawaian", "BKPPD", "Badan Kepegawaian", admin, "2026-11-16", h.clock.Now()); sum.Transfers != 0 {
		t.Fatalf("an unchanged row counted as a transfer")
	}
}
