package flows_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// Issue 26, item 1: nobody decides their own leave, whatever their role; another admin (here the
// head, made an admin by the config) does.
func TestNobodyDecidesTheirOwnLeave(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.AdminNIPs = []string{kepala} })
	// Hendra (admin) records sick leave for last Thursday: back-dated, it waits for a decision.
	expect(t, h.say(admin, "/cuti sakit 2026-11-19 Demam"), "menunggu persetujuan")
	ids := itoa(h.leaves(admin)[0].ID)
	for _, cmd := range []string{"/cuti setujui ", "/cuti tolak ", "/cuti setujui #"} {
		expect(t, h.say(admin, cmd+ids), "tidak dapat memutuskan cuti Anda sendiri")
	}
	if l := h.leaves(admin)[0]; l.Status != store.LeavePending || l.DecidedBy != "" {
		t.Fatalf("own leave decided: %+v", l)
	}
	// The head is an admin too, and decides it.
	expect(t, h.say(kepala, "/cuti setujui "+ids), "disetujui")
	if l := h.leaves(admin)[0]; l.Status != store.LeaveApproved || l.DecidedBy != kepala {
		t.Fatalf("leave after another admin's decision: %+v", l)
	}
	// And in English, for the head's own leave.
	h.say(kepala, "/bahasa en")
	h.say(kepala, "/cuti 2026-11-20 Family matters")
	expect(t, h.say(kepala, "/leave approve "+itoa(h.leaves(kepala)[0].ID)), "You cannot decide your own leave")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Issue 26, item 1: leave approved after November was evaluated for good asks first, goes through
// only with "tetap" and a reason, is recorded with who and why, and the re-evaluation names it.
func TestLeaveAfterAFinalResultAsksAndIsNamed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, jakarta))
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11"), "Kepatuhan K = 38,1% (8 dari 21 hari kerja)", "Dicatat")

	// Budi asks for sick leave for 10 Nov, a day he did not report: it waits for his head.
	expect(t, h.say(budi, "/cuti sakit 2026-11-10 Demam"), "menunggu persetujuan")
	id := itoa(h.leaves(budi)[0].ID)

	// Approving it would change November's final result: asked, nothing changed.
	got := h.say(kepala, "/cuti setujui "+id)
	expect(t, got, "Menyetujui izin sakit Budi Santoso 10 Nov 2026", "mengubah apa yang dihitung dalam hasil evaluasi final yang sudah tercatat", "periode 2026-11 (1 Nov 2026 – 30 Nov 2026, N = ",
		"/cuti setujui "+id+" tetap <alasan>")
	if l := h.leaves(budi)[0]; l.Status != store.LeavePending {
		t.Fatalf("leave changed without confirmation: %+v", l)
	}
	// "tetap" without a reason is not enough.
	expect(t, h.say(kepala, "/cuti setujui "+id+" tetap"), "tuliskan alasannya")
	budiInbox := h.inbox(budi)
	got = h.say(kepala, "/cuti setujui "+id+" tetap surat dokter baru diterima")
	expect(t, got, "disetujui", "dicatat pada hasil evaluasi final periode 2026-11", "/evaluate "+budi+" 2026-11")
	expect(t, budiInbox(), "surat dokter baru diterima")
	var actor, reason, kind string
	if err := h.st.DB().QueryRow(`SELECT actor_nip, reason, kind FROM final_changes`).Scan(&actor, &reason, &kind); err != nil ||
		actor != kepala || reason != "surat dokter baru diterima" || kind != "leave" {
		t.Fatalf("final change %s %q %s: %v", actor, reason, kind, err)
	}
	// The recorded result is as it was until evaluated again.
	var rows int
	h.st.DB().QueryRow(`SELECT COUNT(*) FROM evaluations`).Scan(&rows)
	if rows != 1 {
		t.Fatalf("%d evaluations", rows)
	}
	// Re-evaluated: 8 of 20 working days; the result replaces the first and says what changed.
	got = h.say(admin, "/evaluate "+budi+" 2026-11")
	expect(t, got, "menggantikan hasil", "Yang berubah sejak hasil sebelumnya:", "Kepatuhan K: 38,1% → 40%",
		"cuti #"+id+" (10 Nov 2026) disetujui oleh Drs. Ahmad Fauzi, M.Si.; alasan: surat dokter baru diterima")
	expect(t, h.lastTo(budi), "Yang berubah sejak hasil sebelumnya:", "alasan: surat dokter baru diterima")

	// Leave over days no final result counts is decided at once, as before.
	h.say(budi, "/cuti sakit 2026-12-01 Demam")
	got = h.say(kepala, "/cuti tolak "+itoa(h.leaves(budi)[1].ID))
	expect(t, got, "ditolak")
	reject(t, got, "evaluasi final")
}

// Issue 26, item 1: with require_approval, validating or returning reports a final result counts
// asks first; "setujui semua" approves the others and names those held.
func TestValidationAfterAFinalResultAsks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opt.RequireApproval = true
	h.restart()
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, jakarta))
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11"), "Dicatat")
	// Siti's report of today is counted by no final result.
	h.say(siti, "/lapor Rekonsiliasi kas")

	got := h.say(kepala, "/validasi setujui semua")
	expect(t, got, "1 laporan disetujui", "10 laporan belum disetujui karena dihitung dalam hasil evaluasi final", "/validasi setujui ", "tetap <alasan>")
	var waiting int
	h.st.DB().QueryRow(`SELECT COUNT(*) FROM reports WHERE status = 'submitted'`).Scan(&waiting)
	if waiting != 10 {
		t.Fatalf("%d reports waiting, want Budi's 10", waiting)
	}
	var first int64
	h.st.DB().QueryRow(`SELECT MIN(id) FROM reports WHERE nip = ?`, budi).Scan(&first)
	expect(t, h.say(kepala, "/validasi kembalikan "+itoa(first)+" foto buram"), "mengubah apa yang dihitung", "/validasi kembalikan "+itoa(first)+" tetap <alasan>")
	expect(t, h.say(kepala, "/validasi kembalikan "+itoa(first)+" tetap foto buram"), "dikembalikan", "dicatat pada hasil evaluasi final")
	got = h.say(kepala, "/validasi setujui semua tetap validasi tertunda karena atasan dinas luar")
	expect(t, got, "9 laporan disetujui", "dicatat pada hasil evaluasi final")
	var changes int
	h.st.DB().QueryRow(`SELECT COUNT(*) FROM final_changes WHERE kind = 'report' AND actor_nip = ?`, kepala).Scan(&changes)
	if changes != 10 {
		t.Fatalf("%d changes recorded, want 10", changes)
	}
	got = h.say(admin, "/evaluate "+budi+" 2026-11")
	expect(t, got, "menggantikan hasil", "Capaian C: 0% → ", "dikembalikan oleh Drs. Ahmad Fauzi, M.Si.; alasan: foto buram",
		"disetujui oleh Drs. Ahmad Fauzi, M.Si.; alasan: validasi tertunda karena atasan dinas luar")
}

// Issue 26, item 1: a free date range is a preview; a range that is exactly a month or a
// checkpoint is that period and is recorded; /pegawai never shows a range as the last evaluation.
func TestEvaluateFreeRangeIsAPreview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	got := h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-13")
	expect(t, got, "(pratinjau: rentang tanggal bebas)", "tidak dicatat sebagai hasil final")
	reject(t, got, "Dicatat")
	if n := h.evaluations(budi); n != 0 || len(h.con.Received(budi)) != 0 {
		t.Fatalf("a free range recorded (%d rows) or told", n)
	}
	expect(t, h.say(admin, "/pegawai "+budi), "Evaluasi terakhir: belum ada.")
	// An OPD over a free range: the table, nothing to confirm.
	got = h.say(admin, "/evaluate DISKOMINFO 2026-11-02..2026-11-13")
	expect(t, got, "Rentang tanggal bebas hanya pratinjau")
	reject(t, got, "Balas ya")

	// A row recorded over a free range before this rule is not the last evaluation either.
	if _, err := h.st.DB().Exec(`INSERT INTO evaluations(nip, period_key, period_start, period_end, checkpoint, inputs, outputs,
		score, predicate, standard_met, parameters, evaluator_nip, created_at)
		VALUES (?, '2026-11-02..2026-11-13', '2026-11-02', '2026-11-13', '', '{}', '{}', 99, 'Sangat Baik', 1, '{}', ?, ?)`,
		budi, admin, monday); err != nil {
		t.Fatal(err)
	}
	expect(t, h.say(admin, "/pegawai "+budi), "Evaluasi terakhir: belum ada.")

	// The days of October written as a range are October; those of 3b (5 Jan – 4 Apr) are 3b.
	got = h.say(admin, "/evaluate "+budi+" 2026-10-01..2026-10-31")
	expect(t, got, "Periode 2026-10: 1 Okt 2026 – 31 Okt 2026", "Dicatat")
	got = h.say(admin, "/evaluate "+budi+" 2026-01-05..2026-04-04")
	expect(t, got, "Periode 3b: 5 Jan 2026 – 4 Apr 2026", "Dicatat")
	expect(t, h.say(admin, "/pegawai "+budi), "Evaluasi terakhir: Sangat Kurang, nilai 0 (periode 3b")
	var keys string
	h.st.DB().QueryRow(`SELECT group_concat(period_key || ':' || checkpoint, ' ') FROM evaluations WHERE score < 99`).Scan(&keys)
	if keys != "2026-10: 3b:3b" {
		t.Fatalf("recorded %q", keys)
	}
}
