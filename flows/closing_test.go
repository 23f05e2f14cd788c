package flows_test

import (
	"testing"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// Issue 21 item 3: November 2026 closes at the end of 5 December ([kinerja] close_day = 5). Until
// then its reports can be validated and its leave recorded; from 6 December nothing about it
// changes, and an admin can reopen it for one person, with a reason that is kept.
func TestMonthCloses(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.RequireApproval, o.CloseDay = true, 5 })
	h.clock.Set(at(2026, 11, 27, 10))
	early := reportID(t, h.say(budi, "/lapor 1 Verifikasi SPJ #2"))
	h.clock.Set(at(2026, 11, 30, 10))
	late := reportID(t, h.say(budi, "/lapor 2 Verifikasi SPJ #2"))

	// Saturday 5 December, the close day itself: November is still open.
	h.clock.Set(at(2026, 12, 5, 9))
	expect(t, h.say(kepala, "/validasi"), "#"+early, "#"+late)
	expect(t, h.say(kepala, "/validasi setujui "+early), "#"+early)

	// Monday 7 December: closed. Nothing of November can be validated, and nothing waits.
	h.clock.Set(at(2026, 12, 7, 9))
	got := h.say(kepala, "/validasi setujui "+late)
	expect(t, got, "Bulan November 2026 sudah ditutup pada 5 Des 2026", "/bukabulan")
	expect(t, h.say(kepala, "/validasi"), "Tidak ada laporan yang menunggu validasi")
	expect(t, h.say(kepala, "/validasi setujui semua"), "Tidak ada laporan yang menunggu validasi")
	// Leave reaching back into November, and a holiday in it, are refused too.
	expect(t, h.say(budi, "/cuti sakit 30-11-2026 demam"), "Bulan November 2026 sudah ditutup")
	expect(t, h.say(admin, "/libur 2026-11-27 Libur daerah"), "hari liburnya tidak dapat diubah lagi")
	// December itself is open as ever.
	expect(t, h.say(budi, "/cuti sakit 01-12-2026 demam"), "Izin sakit tercatat")

	// Only an admin reopens, a closed month only, and only with a reason.
	expect(t, h.say(kepala, "/bukabulan "+budi+" 2026-11 validasi terlambat"), "tidak tersedia untuk peran Anda")
	expect(t, h.say(admin, "/bukabulan "+budi+" 2026-12 salah bulan"), "Bulan Desember 2026 belum ditutup: masih terbuka sampai 5 Jan 2027")
	expect(t, h.say(admin, "/bukabulan "+budi+" 11-2026 x"), "Bulan «11-2026» belum sesuai")
	expect(t, h.say(admin, "/bukabulan "+budi+" 2026-11"), "Mohon tulis alasan")
	// Reopened through the third working day after Monday 7: Thursday 10 December.
	got = h.say(admin, "/bukabulan "+budi+" 2026-11 Atasan dinas luar, validasi terlambat")
	expect(t, got, "✅ Bulan November 2026 dibuka kembali untuk Budi Santoso sampai Kamis, 10 Desember 2026.",
		"Alasan (tersimpan): Atasan dinas luar, validasi terlambat")
	expect(t, last(h, budi), "dibuka kembali untuk Anda oleh Hendra Gunawan sampai Kamis, 10 Desember 2026")
	expect(t, last(h, kepala), "Laporan bulan itu yang belum divalidasi dapat Anda putuskan dengan /validasi")

	// The supervisor catches up while it is open.
	expect(t, h.say(kepala, "/validasi"), "#"+late)
	expect(t, h.say(kepala, "/validasi setujui "+late), "#"+late)

	// Friday 11 December: closed again.
	h.clock.Set(at(2026, 12, 11, 9))
	expect(t, h.say(budi, "/cuti sakit 30-11-2026 demam"), "Bulan November 2026 sudah ditutup")

	// The reason is kept and cannot be changed or removed.
	var reason string
	if err := h.st.DB().QueryRow(`SELECT reason FROM month_reopenings WHERE nip = ? AND month = '2026-11'`, budi).Scan(&reason); err != nil ||
		reason != "Atasan dinas luar, validasi terlambat" {
		t.Fatalf("kept reason %q (%v)", reason, err)
	}
	if _, err := h.st.DB().Exec(`UPDATE month_reopenings SET reason = 'x'`); err == nil {
		t.Fatal("a reopening's reason could be changed")
	}
	if _, err := h.st.DB().Exec(`DELETE FROM month_reopenings`); err == nil {
		t.Fatal("a reopening could be removed")
	}
	// Both of Budi's reports were approved, each in its month's time.
	for _, rep := range h.reports(budi) {
		if rep.Status != store.ReportApproved {
			t.Fatalf("report %d is %s", rep.ID, rep.Status)
		}
	}
}

// With close_day 0 months never close: a late validation is always possible.
func TestMonthNeverCloses(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.RequireApproval = true })
	h.clock.Set(at(2026, 10, 30, 10))
	id := reportID(t, h.say(budi, "/lapor 1 Verifikasi SPJ #2"))
	h.clock.Set(at(2026, 12, 21, 10))
	expect(t, h.say(kepala, "/validasi setujui "+id), "#"+id)
	expect(t, h.say(admin, "/bukabulan "+budi+" 2026-10 x"), "tidak pernah ditutup")
}

// last returns the last message who received.
func last(h *harness, who string) string {
	got := h.con.Received(who)
	if len(got) == 0 {
		return ""
	}
	return got[len(got)-1]
}
