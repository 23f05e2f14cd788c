package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/holidays"
	"github.com/lapkin-id/lapkin/store"
)

// The conversation tests of issue 11 ("Evaluation integrity"), one or more per item.

// novemberDays are 13 of the 18 weekdays of 2–25 Nov 2026: Budi missed 10, 13, 23, 24 and 25 Nov.
var novemberDays = []string{"2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09",
	"2026-11-11", "2026-11-12", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"}

// reportOn stores a text report of nip on each date, as if sent that day.
func (h *harness) reportOn(nip, status string, dates ...string) {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		emp, err := tx.Employee(ctx, nip)
		if err != nil {
			return err
		}
		for _, d := range dates {
			day, _ := time.ParseInLocation("2006-01-02", d, jakarta)
			if _, err := tx.AddReport(ctx, store.Report{NIP: nip, OPDCode: emp.OPDCode, LocalDate: d, Text: "Kegiatan harian",
				CreatedAt: day.Add(15 * time.Hour), Status: status}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// evaluations counts nip's stored evaluation rows.
func (h *harness) evaluations(nip string) int {
	h.t.Helper()
	var n int
	if err := h.st.DB().QueryRow(`SELECT COUNT(*) FROM evaluations WHERE nip = ?`, nip).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// Item 3. The roster row was written on 1 Dec (a demo clock moved back, or a late import), after
// the month evaluated; Budi signed his contract on 5 Jan and reported on 13 of the 18 weekdays of
// 2–25 Nov. Compliance must count from the period's start, not from the roster row.
//
// At 25 Nov, 324 of the contract's 360 days have elapsed (299 + 25): expected #1 = 10,8 laporan,
// #2 = 108 dokumen. He reported 8 and 88: C = (74,074% + 81,481%) / 2 = 77,778%.
// K = 13/18 = 72,222%. N = 0,6 × 77,778 + 0,4 × 72,222 = 46,667 + 28,889 = 75,556 → 75,6,
// Butuh Perbaikan: below the standard. With K "not measurable" it came out N = C = 77,8, Baik.
func TestComplianceStartIsNotTheRosterRow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 8, 2: 88})
	h.st.DB().Exec(`DELETE FROM reports WHERE local_date >= '2026-11-01'`)
	h.reportOn(budi, store.ReportSubmitted, novemberDays...)
	h.st.DB().Exec(`UPDATE employees SET created_at = ? WHERE nip = ?`, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), budi)
	h.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, jakarta))
	got := h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-25")
	expect(t, got, "Kepatuhan K = 72,2% (13 dari 18 hari kerja).", "Capaian C = 77,8%", "Nilai N = 75,6, predikat Butuh Perbaikan. Belum memenuhi standar")
	reject(t, got, "tidak dapat diukur", "Kepatuhan dihitung sejak")
}

// Item 3: the roster's mulai (TMT) moves the start of compliance; without a working day left,
// K is not measurable and the result says why.
func TestComplianceStartFromMulai(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	// Budi took up his position on Monday 9 Nov: of the period's weekdays, 9–13 Nov count (5), and
	// he reported on 9, 11 and 12 Nov: K = 60%. C = 68,269% (the base case):
	// N = 40,962 + 24 = 64,96 → 65.
	h.st.DB().Exec(`UPDATE employees SET start_date = '2026-11-09' WHERE nip = ?`, budi)
	got := h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-13")
	expect(t, got, "Kepatuhan K = 60% (3 dari 5 hari kerja).", "Kepatuhan dihitung sejak 9 Nov 2026", "mulai bertugas", "Nilai N = 65")
	// The date is stored with a final result: October, for someone who started on 26 Oct.
	h.st.DB().Exec(`UPDATE employees SET start_date = '2026-10-26' WHERE nip = ?`, budi)
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-10"), "Kepatuhan dihitung sejak 26 Okt 2026", "Dicatat")
	var inputs string
	h.st.DB().QueryRow(`SELECT inputs FROM evaluations`).Scan(&inputs)
	if !strings.Contains(inputs, `"compliance_from":"2026-10-26"`) {
		t.Fatalf("inputs %s", inputs)
	}
	// Starting after the period: no working day is left to count, and the result says why.
	h.st.DB().Exec(`UPDATE employees SET start_date = '2026-11-16' WHERE nip = ?`, budi)
	got = h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-13")
	expect(t, got, "Kepatuhan K tidak dapat diukur", "mulai bertugas 16 Nov 2026, setelah periode ini berakhir")
}

// Item 4: on the period's last day the result is interim, shown to the evaluator alone and not
// recorded; the next morning it is final, counts every day and is sent.
func TestEvaluateFinalOnlyWhenOver(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.clock.Set(time.Date(2026, 11, 30, 9, 5, 0, 0, jakarta))
	got := h.say(admin, "/evaluate "+budi+" 2026-11")
	expect(t, got, "sementara", "Belum dicatat")
	if n := h.evaluations(budi); n != 0 {
		t.Fatalf("%d rows recorded before the period ended", n)
	}
	if len(h.con.Received(budi)) != 0 {
		t.Fatalf("Budi was told an interim result: %v", h.con.Received(budi))
	}
	// The same holds for the 3-month checkpoint on its last day (signed 5 Jan: 3b ends 4 Apr).
	h.clock.Set(time.Date(2026, 4, 4, 9, 0, 0, 0, jakarta))
	expect(t, h.say(admin, "/evaluate "+budi+" 3b"), "sementara", "Belum dicatat")
	if n := h.evaluations(budi); n != 0 || len(h.con.Received(budi)) != 0 {
		t.Fatalf("3b recorded or sent on its last day (%d rows)", n)
	}

	h.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, jakarta))
	got = h.say(admin, "/evaluate "+budi+" 2026-11")
	expect(t, got, "(0 dari 21 hari kerja)")
	reject(t, got, "sementara")
	if n := h.evaluations(budi); n != 1 {
		t.Fatalf("%d rows after the period", n)
	}
	expect(t, h.lastTo(budi), "Yth. Bapak Budi")
}

// Item 5: one result per person and period. A re-run that changes nothing records and sends
// nothing; a changed one supersedes the earlier row (kept) and says so.
func TestEvaluateRerunAndSupersede(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, jakarta))
	const per = "2026-11" // K = 8 of 21 working days
	h.say(admin, "/evaluate "+budi+" "+per)
	told := len(h.con.Received(budi))
	got := h.say(admin, "/evaluate "+budi+" "+per)
	expect(t, got, "tidak berubah")
	if n := h.evaluations(budi); n != 1 || len(h.con.Received(budi)) != told {
		t.Fatalf("unchanged re-run: %d rows, Budi told %d times", n, len(h.con.Received(budi))-told+1)
	}
	// The same through the OPD: the preview says so and asks nothing; still one row, nobody told.
	got = h.say(admin, "/evaluate DISKOMINFO "+per)
	expect(t, got, "tidak berubah", "tidak ada yang perlu dicatat")
	reject(t, got, "Balas ya")
	if n := h.evaluations(budi); n != 1 || len(h.con.Received(budi)) != told {
		t.Fatalf("unchanged OPD re-run: %d rows", n)
	}

	// A report on 10 Nov found later (K 9 of 21): the result changes and replaces the first.
	h.reportOn(budi, store.ReportSubmitted, "2026-11-10")
	got = h.say(admin, "/evaluate "+budi+" "+per)
	expect(t, got, "menggantikan hasil", "Kepatuhan K = 42,9%", "Kepatuhan K: 38,1% → 42,9%")
	if n := h.evaluations(budi); n != 2 {
		t.Fatalf("%d rows after a changed re-run", n)
	}
	expect(t, h.lastTo(budi), "menggantikan hasil")
	var old, by int64
	if err := h.st.DB().QueryRow(`SELECT evaluation_id, superseded_by FROM evaluation_supersessions`).Scan(&old, &by); err != nil || old >= by {
		t.Fatalf("supersession %d → %d: %v", old, by, err)
	}
	if _, err := h.st.DB().Exec(`DELETE FROM evaluations WHERE id = ?`, old); err == nil {
		t.Fatal("a superseded evaluation was deleted")
	}
}

// Item 6: /evaluate for an OPD previews the ranking and records nothing until confirmed; a single
// NIP is recorded at once and says who is told.
func TestEvaluatePreviewBeforeRecording(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	const per = "2026-10"
	got := h.say(kepala, "/evaluate DISKOMINFO "+per)
	expect(t, got, "Pratinjau", "1. Budi Santoso: 44,6 Sangat Kurang", "ya")
	if n := h.evaluations(budi); n != 0 || len(h.con.Received(budi)) != 0 {
		t.Fatalf("recorded before confirmation: %d rows", n)
	}
	expect(t, h.say(kepala, "tidak"), "dibatalkan")
	if n := h.evaluations(budi); n != 0 {
		t.Fatalf("recorded after cancelling: %d rows", n)
	}
	h.say(kepala, "/evaluate DISKOMINFO "+per)
	got = h.say(kepala, "ya")
	expect(t, got, "1 hasil dicatat")
	if n := h.evaluations(budi); n != 1 {
		t.Fatalf("%d rows after confirmation", n)
	}
	expect(t, h.lastTo(budi), "Yth. Bapak Budi")

	h2 := newHarness(t)
	h2.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	got = h2.say(admin, "/evaluate "+budi+" "+per)
	expect(t, got, "Dicatat dan diberitahukan kepada Budi Santoso dan Drs. Ahmad Fauzi, M.Si.")
}

// Item 7: the resignation procedure is for officials with an eselon; staff get a warning to
// improve, and the admins are told only of officials. The notice names who evaluated.
func TestEvaluateResignationOnlyForOfficials(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Budi has no eselon. No report between 5 Jan and 4 Jul: N = 0 at 6b.
	h.say(kepala, "/evaluate "+budi+" 6b")
	toBudi := h.lastTo(budi)
	expect(t, toBudi, "dicatat oleh Drs. Ahmad Fauzi, M.Si.", "memperbaiki")
	reject(t, toBudi, "pengunduran diri", "dicatat BKPPD")
	if len(h.con.Received(admin)) != 0 {
		t.Fatalf("admins told of a staff member's miss: %v", h.con.Received(admin))
	}

	h2 := newHarness(t)
	h2.st.DB().Exec(`UPDATE employees SET eselon = 'IV.a', position = 'Kepala Seksi' WHERE nip = ?`, budi)
	h2.say(admin, "/evaluate "+budi+" 6b")
	expect(t, h2.lastTo(budi), "prosedur pengunduran diri", "dicatat oleh BKPPD")
	expect(t, strings.Join(h2.con.Received(kepala), "\n"), "prosedur pengunduran diri")
}

// Item 8: a head of OPD without an atasan submits to the admins, who approve or reject.
func TestHeadOfOPDSubmitsToAdmins(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(kepala, "/target Penyusunan renstra dinas | 1 dokumen | 31-12-2026")
	got := h.say(kepala, "/ajukan")
	expect(t, got, "admin BKPPD")
	reject(t, got, "belum tercatat")
	expect(t, h.lastTo(admin), "menunggu persetujuan", "/setujui "+kepala)
	expect(t, h.say(admin, "/setujui"), "Drs. Ahmad Fauzi")
	// The weekly contract notice counts it among what waits for the admins.
	notices := h.runJob(flows.JobContract, time.Date(2026, 11, 30, 9, 0, 0, 0, jakarta))
	expect(t, strings.Join(notices[admin], "\n"), "1 kontrak kinerja menunggu persetujuan Anda")
	h.say(admin, "/tolak "+kepala+" Indikator belum terukur")
	expect(t, h.lastTo(kepala), "Indikator belum terukur")
	h.say(kepala, "/ajukan")
	expect(t, h.say(admin, "/setujui "+kepala), "disetujui")
	expect(t, h.say(kepala, "/tandatangani"), "SHA-256")
}

// Item 9: with require_approval, reports not yet validated count for compliance at once; only
// achievement waits for validation.
func TestValidationDoesNotEraseCompliance(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opt.RequireApproval = true
	h.restart()
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	// K = 8/10 = 80% at once; C = 0 (nothing validated): N = 0,4 × 80 = 32.
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-13"), "Kepatuhan K = 80% (8 dari 10 hari kerja)", "Nilai N = 32")
	// /progres counts today's report, waiting for validation, too: 9 of the 16 weekdays 2–23 Nov.
	h.say(budi, "/lapor Rapat koordinasi")
	expect(t, h.say(budi, "/progres"), "(9 dari 16 hari kerja")
}

// Item 14: /evaluate refusals give the true reason.
func TestEvaluateRefusalsTrueReason(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// A period of next year has not started: that, not a missing 2027 contract, is why.
	expect(t, h.say(admin, "/evaluate "+budi+" 2027"), "belum dimulai")
	// A head cannot evaluate themselves, and one outside their OPD is outside their OPD.
	expect(t, h.say(kepala, "/evaluate "+kepala), "diri sendiri")
	expect(t, h.say(kepala, "/evaluate "+admin), "bukan pegawai OPD Anda")
}

// Item 11: with the embedded national calendar, March 2026 has 17 working days (Nyepi and the
// Idul Fitri week take 5 weekdays) and November 21; in the last quarter, admins are told once a
// week while next year has no holiday.
func TestNationalHolidays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := holidays.Seed(context.Background(), h.st, rosterDay); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, jakarta))
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-03"), "(0 dari 17 hari kerja; 5 hari libur tidak dihitung)")
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11"), "(0 dari 21 hari kerja)")
	// An operator can still remove a day: 15 May (cuti bersama) becomes a working day. May has 21
	// weekdays; 1, 14, 27 and 28 May stay holidays: 17 working days (16 before the removal).
	h.say(admin, "/libur hapus 2026-05-15")
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-05"), "(0 dari 17 hari kerja; 4 hari libur tidak dihitung)")

	// Monday 5 Oct 2026: no holiday for 2027 yet.
	got := h.runJob(flows.JobEvaluationDue, time.Date(2026, 10, 5, 8, 0, 0, 0, jakarta))
	if len(got[admin]) != 1 || len(got[kepala]) != 0 {
		t.Fatalf("notices %v", got)
	}
	expect(t, got[admin][0], "belum memuat hari libur nasional dan cuti bersama tahun 2027")
	if again := h.runJob(flows.JobEvaluationDue, time.Date(2026, 10, 5, 8, 0, 0, 0, jakarta)); len(again) != 0 {
		t.Fatalf("twice in a week: %v", again)
	}
	if next := h.runJob(flows.JobEvaluationDue, time.Date(2026, 10, 12, 8, 0, 0, 0, jakarta)); len(next[admin]) != 1 {
		t.Fatalf("the next week: %v", next)
	}
	h.say(admin, "/libur 2027-01-01 Tahun Baru 2027 Masehi")
	if after := h.runJob(flows.JobEvaluationDue, time.Date(2026, 10, 19, 8, 0, 0, 0, jakarta)); len(after) != 0 {
		t.Fatalf("told although 2027 has a holiday: %v", after)
	}
	// Not before October.
	if sep := h.runJob(flows.JobEvaluationDue, time.Date(2026, 9, 28, 8, 0, 0, 0, jakarta)); len(sep) != 0 {
		t.Fatalf("September: %v", sep)
	}
}

// Confirming a preview records what the preview computed, unless something it was computed from
// changed in between: then everything is computed again, and the change counts.
func TestConfirmedEvaluationKeepsThePreviewOnlyWhenNothingChanged(t *testing.T) {
	const per = "2026-10" // 1 Okt – 31 Okt: N = 44,6, K = 1 of 22
	addReport := func(h *harness, date string) {
		t.Helper()
		ctx := context.Background()
		err := h.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.AddReport(ctx, store.Report{NIP: budi, OPDCode: "DISKOMINFO", LocalDate: date, Text: "Kegiatan harian",
				CreatedAt: monday, Status: store.ReportSubmitted})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	score := func(h *harness) float64 {
		t.Helper()
		var n float64
		if err := h.st.DB().QueryRow(`SELECT score FROM evaluations WHERE nip = ?`, budi).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Nothing changed, or only a report of today (which no result of a past period counts): kept.
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	expect(t, h.say(kepala, "/evaluate DISKOMINFO "+per), "1. Budi Santoso: 44,6 Sangat Kurang")
	addReport(h, "2026-11-23")
	expect(t, h.say(kepala, "ya"), "1 hasil dicatat", "1. Budi Santoso: 44,6")
	if got := score(h); got != 44.6 || h.eng.KeptPreviewsUsed() != 1 {
		t.Fatalf("recorded %v, kept previews used %d", got, h.eng.KeptPreviewsUsed())
	}
	expect(t, h.lastTo(budi), "Yth. Bapak Budi", "44,6")

	// A late report of a day in the period (14 October): computed again, K = 2/22.
	h2 := newHarness(t)
	h2.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	expect(t, h2.say(kepala, "/evaluate DISKOMINFO "+per), "1. Budi Santoso: 44,6 Sangat Kurang")
	addReport(h2, "2026-10-14")
	h2.say(kepala, "ya")
	if got := score(h2); got == 44.6 || h2.eng.KeptPreviewsUsed() != 0 {
		t.Fatalf("recorded %v after a late report, kept previews used %d", got, h2.eng.KeptPreviewsUsed())
	}

	// A holiday declared on a day Budi did not report (13 October): computed again, K = 1/21.
	h3 := newHarness(t)
	h3.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	expect(t, h3.say(kepala, "/evaluate DISKOMINFO "+per), "1. Budi Santoso: 44,6 Sangat Kurang")
	if _, err := h3.st.DB().Exec(`INSERT INTO holidays(date, name, created_at) VALUES ('2026-10-13', 'Libur daerah', ?)`, monday); err != nil {
		t.Fatal(err)
	}
	h3.say(kepala, "ya")
	var inputs string
	h3.st.DB().QueryRow(`SELECT inputs FROM evaluations WHERE nip = ?`, budi).Scan(&inputs)
	if !strings.Contains(inputs, `"work_days":21`) || h3.eng.KeptPreviewsUsed() != 0 {
		t.Fatalf("recorded %s after a new holiday, kept previews used %d", inputs, h3.eng.KeptPreviewsUsed())
	}

	// Holidays outside the period (another year, a day after it) and a late report after it:
	// nothing the results count changed, and the preview's results are kept.
	h4 := newHarness(t)
	h4.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	expect(t, h4.say(kepala, "/evaluate DISKOMINFO "+per), "1. Budi Santoso: 44,6 Sangat Kurang")
	for _, day := range []string{"2000-01-01", "2026-11-20"} {
		if _, err := h4.st.DB().Exec(`INSERT INTO holidays(date, name, created_at) VALUES (?, 'Libur', ?)`, day, monday); err != nil {
			t.Fatal(err)
		}
	}
	addReport(h4, "2026-11-19")
	expect(t, h4.say(kepala, "ya"), "1 hasil dicatat", "1. Budi Santoso: 44,6")
	if got := score(h4); got != 44.6 || h4.eng.KeptPreviewsUsed() != 1 {
		t.Fatalf("recorded %v after changes outside the period, kept previews used %d", got, h4.eng.KeptPreviewsUsed())
	}
}
