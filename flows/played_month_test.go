package flows_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/holidays"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// The people of the sample city (cmd/lapkin/sample/roster.csv) who play November 2026.
const (
	ahmad     = "197001011995031001" // Kepala Dinas DISKOMINFO
	nurhayati = "197512032001122002" // Sekretaris DISKOMINFO: Siti's and Rina's supervisor
	yudi      = "198303252009011003" // Kepala Seksi: Budi's supervisor, who validates late
	desi      = "198702192011012004" // Kepala Seksi: Fadli's supervisor, Yudi's Plh for a week
	fadli     = "199607122022061002" // Pranata Humas
	yuliana   = "197410232000122001" // Sekretaris BKPPD: Siti's supervisor after her transfer
	hendra    = "197803152005011002" // BKPPD admin
)

// newSampleCity is a harness on the sample city's roster, imported on 1 October 2026 (so that
// November counts from its first day), with the national holidays, everyone who plays linked to
// the console, and DISKOMINFO's group bound.
func newSampleCity(t *testing.T, tweak func(*flows.Options)) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, path: filepath.Join(dir, "lapkin.db"), clock: bot.NewManualClock(at(2026, 10, 1, 8)), out: &bytes.Buffer{}}
	h.opt = flows.Options{Location: jakarta, Language: "id", EvidenceDir: filepath.Join(dir, "evidence")}
	tweak(&h.opt)
	h.start()
	h.con.SaveFiles(filepath.Join(dir, "berkas"))
	ctx := context.Background()
	rows, err := roster.ReadFile(filepath.Join("..", "cmd", "lapkin", "sample", "roster.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, h.st, rows, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := holidays.Seed(ctx, h.st, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	err = h.st.Update(ctx, func(tx *store.Tx) error {
		for _, nip := range []string{ahmad, nurhayati, yudi, desi, fadli, yuliana, hendra, budi, siti, rina} {
			if err := tx.LinkIdentity(ctx, bot.NetConsole, nip, nip, h.clock.Now()); err != nil {
				return err
			}
		}
		return tx.BindGroup(ctx, bot.NetConsole, console.GroupID("DISKOMINFO"), "DISKOMINFO", ahmad, h.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestPlayedMonth plays November 2026 in DISKOMINFO of the sample city, with validation on
// (review_days 3), minutes_day 390 counted on validated reports, and the month closing on
// 5 December, and checks its final recap row by row. Every figure is recomputed by hand in the
// table below.
//
// November 2026 has 21 working days in a five-day OPD: 2–6, 9–13, 16–20, 23–27 and 30 (no
// national holiday falls in it). A month's minutes threshold is 390 × the person's working days.
//
//   - Budi reports 6 hours (360 minutes) every working day. His supervisor Yudi validates late:
//     the first week on Wednesday 11 (four of its five reports past their three working days,
//     escalated to the head), the second week on Friday 13. Yudi is on leave 16–20; Desi, named
//     his Plh by the head for that week, validates it on Thursday 19 and Friday 20. Yudi
//     validates the fourth week late, on Friday 4 December, and forgets Monday 30: it is still
//     unchecked when the month closes.
//   - Siti reports 5 hours (300) every working day. Her supervisor Nurhayati validates on
//     Fridays. A roster import on Friday 13 transfers her to the BKPPD as of Sunday 15 (mulai),
//     under Yuliana, who validates her new post's reports on Monday 30.
//   - Rina reports 4 hours (240) on Mondays, Tuesdays and Wednesdays (13 days); a second report
//     on the 10th is returned and one on the 17th rejected. Nurhayati validates on Fridays, and
//     the 30th on 1 December.
//   - Fadli is sick on the 9th and 10th (recorded ahead, so it counts at once) and reports every
//     other working day, without a duration; Desi validates on Fridays and the 30th on 1 December.
//   - Desi reports 3 hours (180) on the 23rd and 24th; the head validates on the 25th.
//   - The head (Ahmad) and Nurhayati send no report; neither does Yudi, on leave 16–20.
func TestPlayedMonth(t *testing.T) {
	t.Parallel()
	h := newSampleCity(t, func(o *flows.Options) {
		o.RequireApproval, o.ReviewDays, o.CloseDay, o.MinutesDay, o.MinutesApprovedOnly = true, 3, 5, 390, true
	})
	ctx := context.Background()
	day := func(d int) time.Time { return at(2026, 11, d, 10) }
	working := func(d int) bool { wd := day(d).Weekday(); return d <= 30 && wd != time.Saturday && wd != time.Sunday }
	review := func(t time.Time) map[string]string { // the daily review job at 09:00 of t's day
		who := []string{ahmad, yudi, desi}
		before := map[string]int{}
		for _, p := range who {
			before[p] = len(h.con.Received(p))
		}
		at := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, jakarta)
		h.clock.Set(at)
		if err := h.eng.RunJob(ctx, flows.JobReview, at); err != nil {
			h.t.Fatal(err)
		}
		h.sender.Flush(ctx)
		got := map[string]string{}
		for _, p := range who {
			got[p] = strings.Join(h.con.Received(p)[before[p]:], "\n")
		}
		return got
	}
	// approve has who approve everything waiting for them at d (nothing, some days).
	approve := func(who string, d time.Time) {
		h.clock.Set(d)
		h.say(who, "/validasi setujui semua")
	}

	for d := 2; d <= 30; d++ {
		if !working(d) {
			continue
		}
		told := review(day(d))
		switch d {
		case 5: // Monday 2's report is due today: Yudi is reminded.
			expect(t, told[yudi], "hari ini batas terakhir validasi 1 laporan", "Budi Santoso, 2 Nov 2026")
		case 6: // ... and lapsed: the head is told.
			expect(t, told[ahmad], "1 laporan belum divalidasi lewat batas 3 hari kerja", "Budi Santoso, 2 Nov 2026", "(atasan: Yudi Prasetyo, S.T.)")
		case 19: // Monday 16's report is due today, and Yudi is away: his Plh is reminded, not him.
			expect(t, told[desi], "Budi Santoso, 16 Nov 2026")
			if told[yudi] != "" {
				t.Fatalf("Yudi was reminded on leave: %s", told[yudi])
			}
		}
		h.clock.Set(day(d))
		expect(t, h.say(budi, "/lapor Pemeliharaan jaringan kantor 6j"), "tercatat")
		expect(t, h.say(siti, "/lapor Penatausahaan keuangan 5j"), "tercatat")
		if wd := day(d).Weekday(); wd >= time.Monday && wd <= time.Wednesday {
			expect(t, h.say(rina, "/lapor Penataan arsip 4j"), "tercatat")
		}
		if d != 9 && d != 10 {
			expect(t, h.say(fadli, "/lapor Publikasi kegiatan dinas"), "tercatat")
		}
		switch d {
		case 6:
			expect(t, h.say(fadli, "/cuti sakit 09-11-2026 10-11-2026 tipes"), "Izin sakit tercatat")
		case 10:
			id := reportID(t, h.say(rina, "/lapor Rapat koordinasi 1j"))
			expect(t, h.say(nurhayati, "/validasi kembalikan "+id+" Mohon lampirkan notulen"), "dikembalikan")
		case 11:
			approve(yudi, at(2026, 11, 11, 15)) // the first week, late, and this week so far
		case 13:
			approve(yudi, at(2026, 11, 13, 15))
			h.clock.Set(at(2026, 11, 13, 15))
			expect(t, h.say(yudi, "/cuti 16-11-2026 20-11-2026 Diklat kepemimpinan"), "Cuti tercatat")
			expect(t, h.say(ahmad, "/plh "+desi+" 16-11-2026 20-11-2026 "+yudi), "ditunjuk sebagai Plh Yudi Prasetyo, S.T.")
		case 17:
			id := reportID(t, h.say(rina, "/lapor Belanja keperluan pribadi 30m"))
			expect(t, h.say(nurhayati, "/validasi tolak "+id+" Bukan kegiatan kedinasan"), "ditolak")
		case 23, 24:
			expect(t, h.say(desi, "/lapor Penyusunan bahan publikasi 3j"), "tercatat")
		case 25:
			h.clock.Set(at(2026, 11, 25, 16))
			var desis []string
			for _, rep := range h.reports(desi) {
				desis = append(desis, itoa(rep.ID))
			}
			expect(t, h.say(ahmad, "/validasi setujui "+strings.Join(desis, " ")), "2 laporan disetujui")
		}
		// Nurhayati validates every day; so does Desi, but in Yudi's week only on its last two
		// days (when she stands in for him, the team's reports and her own team's wait together).
		approve(nurhayati, at(2026, 11, d, 16))
		if d < 16 || d > 18 {
			approve(desi, at(2026, 11, d, 16))
		}
		if d == 13 {
			h.clock.Set(at(2026, 11, 13, 17)) // after the day's validations: the transfer
			h.transfer(siti, "Siti Rahmawati", "Bendahara Penerimaan", "BKPPD",
				"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Daerah", yuliana, "2026-11-15", h.clock.Now())
		}
	}
	approve(yuliana, at(2026, 11, 30, 16)) // Siti's new post, all of it, late
	// December, still open: Yudi validates the fourth week, late, but not the 30th.
	h.clock.Set(at(2026, 12, 4, 10))
	list := h.say(yudi, "/validasi")
	var ids []string
	for _, rep := range h.reports(budi) {
		if rep.Status == store.ReportSubmitted && rep.LocalDate >= "2026-11-23" && rep.LocalDate <= "2026-11-27" {
			ids = append(ids, itoa(rep.ID))
		}
	}
	expect(t, list, "lewat")
	expect(t, h.say(yudi, "/validasi setujui "+strings.Join(ids, " ")), "5 laporan disetujui")

	// Sunday 6 December, 07:00: November closed; DISKOMINFO's group gets its final recap.
	h.clock.Set(at(2026, 12, 6, 7))
	if err := h.eng.RunJob(ctx, flows.JobMonthlyRecap, at(2026, 12, 6, 7)); err != nil {
		t.Fatal(err)
	}
	h.sender.Flush(ctx)
	group := strings.Join(h.con.Received(console.GroupID("DISKOMINFO")), "\n---\n")
	expect(t, group, "📋 Rekap bulanan Dinas Komunikasi dan Informatika (DISKOMINFO), November 2026 (final)",
		// 8 rows; working days 21+21+16+21+10+21+21+19 = 150, reported 0+0+0+21+10+13+2+19 = 65:
		// 65 ÷ 150 = 43,3%; approved 20+10+13+2+19 = 64; nobody reached the minutes threshold.
		"8 pegawai · kepatuhan 43,3% (65 dari 150 hari kerja) · laporan disetujui 64, dikembalikan 1, ditolak 1, belum diperiksa 1 · memenuhi ambang menit efektif: 0 dari 8")
	sheet := recapSheet(t, group)

	// The expected recap. Columns: working days, days reported, reports (approved / returned /
	// rejected / unchecked), effective minutes, threshold, % of it, K.
	type want struct {
		nip, name, position, from, to         string
		work, reported, reports               int
		approved, returned, rejected, pending int
		minutes, threshold                    int
		pct, k                                string
	}
	for _, w := range []want{
		// The head: no report. 21 working days; threshold 390 × 21 = 8.190.
		{ahmad, "Drs. Ahmad Fauzi, M.Si.", "Kepala Dinas", "01/11/2026", "30/11/2026", 21, 0, 0, 0, 0, 0, 0, 0, 8190, "0.0", "0.0"},
		// Nurhayati: likewise.
		{nurhayati, "Hj. Nurhayati Lubis, S.Sos., M.Si.", "Sekretaris", "01/11/2026", "30/11/2026", 21, 0, 0, 0, 0, 0, 0, 0, 8190, "0.0", "0.0"},
		// Yudi: on leave 16–20 (5 working days): 16 working days; threshold 390 × 16 = 6.240.
		{yudi, "Yudi Prasetyo, S.T.", "Kepala Seksi Infrastruktur dan Teknologi Informasi", "01/11/2026", "30/11/2026", 16, 0, 0, 0, 0, 0, 0, 0, 6240, "0.0", "0.0"},
		// Budi: 21 days reported of 21 (K 100); 21 reports: 20 approved, the 30th unchecked;
		// minutes of the approved: 20 × 360 = 7.200 of 8.190 = 87,9%.
		{budi, "Budi Santoso", "Pranata Komputer", "01/11/2026", "30/11/2026", 21, 21, 21, 20, 0, 0, 1, 7200, 8190, "87.9", "100.0"},
		// Siti at her old post, 1–14 November: 2–6 and 9–13 = 10 working days, all reported and
		// approved; 10 × 300 = 3.000 of 390 × 10 = 3.900 = 76,9%.
		{siti, "Siti Rahmawati", "Pengelola Keuangan", "01/11/2026", "14/11/2026", 10, 10, 10, 10, 0, 0, 0, 3000, 3900, "76.9", "100.0"},
		// Rina: 13 days reported of 21 = 61,9%; 15 reports: 13 approved, 1 returned, 1 rejected;
		// 13 × 240 = 3.120 of 8.190 = 38,1% (the returned and rejected reports' minutes not counted).
		{rina, "Rina Wulandari", "Arsiparis", "01/11/2026", "30/11/2026", 21, 13, 15, 13, 1, 1, 0, 3120, 8190, "38.1", "61.9"},
		// Desi: 2 days of 21 = 9,5%; 2 × 180 = 360 of 8.190 = 4,4%.
		{desi, "Desi Ratnasari, S.I.Kom.", "Kepala Seksi Pengelolaan Informasi dan Komunikasi Publik", "01/11/2026", "30/11/2026", 21, 2, 2, 2, 0, 0, 0, 360, 8190, "4.4", "9.5"},
		// Fadli: sick 9–10: 19 working days, all 19 reported and approved (K 100); no duration:
		// 0 of 390 × 19 = 7.410.
		{fadli, "Fadli Chaniago", "Pranata Humas", "01/11/2026", "30/11/2026", 19, 19, 19, 19, 0, 0, 0, 0, 7410, "0.0", "100.0"},
	} {
		expectRow(t, rowOf(t, sheet, w.nip), map[string]string{
			"Bulan": "2026-11", "Nama": w.name, "Jabatan": w.position, "OPD": "DISKOMINFO", "Dari": w.from, "Sampai": w.to,
			"Hari kerja": itoa(int64(w.work)), "Hari melapor": itoa(int64(w.reported)), "Jumlah laporan": itoa(int64(w.reports)),
			"Disetujui": itoa(int64(w.approved)), "Dikembalikan": itoa(int64(w.returned)), "Ditolak": itoa(int64(w.rejected)),
			"Belum diperiksa": itoa(int64(w.pending)), "Menit efektif": itoa(int64(w.minutes)), "Ambang menit": itoa(int64(w.threshold)),
			"% ambang": w.pct, "Kepatuhan K (%)": w.k, "Status": "final"})
	}
	if len(sheet) != 9 {
		t.Fatalf("%d rows, want a header and 8: %v", len(sheet), sheet)
	}
	// Siti's new post is in the BKPPD's recap: 15–30 November, 16–20, 23–27 and 30 = 11 working
	// days, all reported and approved: 11 × 300 = 3.300 of 390 × 11 = 4.290 = 76,9%.
	h.clock.Set(at(2026, 12, 7, 9))
	bkppd := recapSheet(t, h.say(hendra, "/rekap bulan 2026-11 BKPPD"))
	expectRow(t, rowOf(t, bkppd, siti), map[string]string{"OPD": "BKPPD", "Jabatan": "Bendahara Penerimaan",
		"Atasan langsung": "Dra. Yuliana Siregar, M.AP.", "Dari": "15/11/2026", "Sampai": "30/11/2026", "Hari kerja": "11",
		"Hari melapor": "11", "Disetujui": "11", "Menit efektif": "3300", "Ambang menit": "4290", "% ambang": "76.9",
		"Kepatuhan K (%)": "100.0", "Status": "final"})
	// Closed: Budi's last report can no longer be validated.
	expect(t, h.say(yudi, "/validasi"), "Tidak ada laporan yang menunggu validasi")
}
