package flows_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// recapSheet reads the sheet "Rekap Bulanan" of the workbook a reply announced ("[berkas: path,
// n byte]"): its rows, the header first.
func recapSheet(t *testing.T, reply string) [][]string {
	t.Helper()
	m := regexp.MustCompile(`\[berkas: ([^,\]]+\.xlsx), \d+ byte\]`).FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("no workbook in %q", reply)
	}
	f, err := excelize.OpenFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Rekap Bulanan")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// rowOf returns the sheet's row of nip, as a map from header to cell.
func rowOf(t *testing.T, rows [][]string, nip string) map[string]string {
	t.Helper()
	for _, r := range rows[1:] {
		if len(r) > 1 && r[1] == nip {
			out := map[string]string{}
			for i, h := range rows[0] {
				if i < len(r) {
					out[h] = r[i]
				}
			}
			return out
		}
	}
	t.Fatalf("no row of %s in %v", nip, rows)
	return nil
}

// expectRow fails unless the row holds each of want's cells.
func expectRow(t *testing.T, row map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s: %q, want %q (row %v)", k, row[k], v, row)
		}
	}
}

// Issue 21 item 4: the monthly recap of November 2026 for DISKOMINFO, with validation on,
// minutes_day = 390 counted on validated reports, and the month closing on 5 December.
//
// Budi reports 2 hours of SPJ work on every working day of November but Thursday 12; he is sick on
// Friday 13 (recorded that morning, so it counts at once). On the 3rd he also reports a meeting
// the head returns, on the 4th a private errand the head rejects. The head approves everything
// else each Friday; Monday 30's report is still unchecked when the month closes.
//
// Budi, by hand: November has 21 working days (2–6, 9–13, 16–20, 23–27, 30), less the 13th on
// sick leave = 20. Reported: all but the 12th = 19 (the returned and rejected reports are not
// his only ones of the 3rd and 4th). K = 19 ÷ 20 = 95%. Reports: 21 in all = 18 approved + 1
// returned + 1 rejected + 1 unchecked. Minutes: the 18 approved × 120 = 2.160 of 390 × 20 =
// 7.800: 27,7%.
//
// Siti reports the first week (5 days, no minutes), approved: K 5 ÷ 21 = 23,8%, 0 of 8.190
// minutes. The head (Ahmad) and Rina reported nothing: K 0 of 21.
func TestMonthlyRecap(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) {
		o.RequireApproval, o.CloseDay, o.MinutesDay, o.MinutesApprovedOnly = true, 5, 390, true
	})
	h.con.SaveFiles(filepath.Join(h.dir, "berkas"))
	ctx := context.Background()
	if err := h.st.Update(ctx, func(tx *store.Tx) error {
		return tx.BindGroup(ctx, bot.NetConsole, console.GroupID("DISKOMINFO"), "DISKOMINFO", kepala, rosterDay)
	}); err != nil {
		t.Fatal(err)
	}
	var returned, rejected string
	for d := 2; d <= 30; d++ {
		day := at(2026, 11, d, 10)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		h.clock.Set(day)
		switch d {
		case 12:
			continue
		case 13:
			expect(t, h.say(budi, "/cuti sakit 13-11-2026 demam"), "Izin sakit tercatat")
			continue
		}
		expect(t, h.say(budi, "/lapor 1 Verifikasi SPJ #2 2j"), "tercatat")
		if d <= 6 {
			h.say(siti, "/lapor Rekonsiliasi kas harian")
		}
		switch d {
		case 3:
			returned = reportID(t, h.say(budi, "/lapor Rapat tanpa notulen 1j"))
			expect(t, h.say(kepala, "/validasi kembalikan "+returned+" Mohon lampirkan notulen"), "dikembalikan")
		case 4:
			rejected = reportID(t, h.say(budi, "/lapor Urusan pribadi 30m"))
			expect(t, h.say(kepala, "/validasi tolak "+rejected+" Bukan kegiatan kedinasan"), "ditolak")
		}
		if day.Weekday() == time.Friday {
			h.clock.Set(at(2026, 11, d, 16))
			expect(t, h.say(kepala, "/validasi setujui semua"), "disetujui")
		}
	}

	// Thursday 3 December: November is open, its recap provisional.
	h.clock.Set(at(2026, 12, 3, 9))
	got := h.say(kepala, "/rekap bulan 2026-11")
	expect(t, got, "📋 Rekap bulanan Dinas Komunikasi dan Informatika (DISKOMINFO), November 2026 (sementara)",
		"Budi Santoso: K 95% (19/20 hari) · setuju 18, kembali 1, tolak 1, belum 1 · 2.160 menit (27,7%)",
		"Siti Rahma: K 23,8% (5/21 hari) · setuju 5, kembali 0, tolak 0, belum 0 · 0 menit (0%)",
		"Rincian lengkap per pegawai ada di lampiran")
	expectRow(t, rowOf(t, recapSheet(t, got), budi), map[string]string{"Status": "sementara"})

	// Sunday 6 December, 07:00: November closed last night; the group gets its final recap.
	h.clock.Set(at(2026, 12, 6, 7))
	if err := h.eng.RunJob(ctx, flows.JobMonthlyRecap, at(2026, 12, 6, 7)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	group := strings.Join(h.con.Received(console.GroupID("DISKOMINFO")), "\n---\n")
	expect(t, group, "📋 Rekap bulanan Dinas Komunikasi dan Informatika (DISKOMINFO), November 2026 (final)",
		// 4 people; 19 + 5 + 0 + 0 = 24 of 20 + 21 + 21 + 21 = 83 working days: 28,9%; reports
		// approved 18 + 5 = 23; minutes: nobody reached the threshold.
		"4 pegawai · kepatuhan 28,9% (24 dari 83 hari kerja) · laporan disetujui 23, dikembalikan 1, ditolak 1, belum diperiksa 1 · memenuhi ambang menit efektif: 0 dari 4")
	sheet := recapSheet(t, group)
	if len(sheet) != 5 {
		t.Fatalf("%d rows, want a header and 4 people: %v", len(sheet), sheet)
	}
	expectRow(t, rowOf(t, sheet, budi), map[string]string{
		"Bulan": "2026-11", "Nama": "Budi Santoso", "Jabatan": "Pranata Komputer", "OPD": "DISKOMINFO",
		"Atasan langsung": "Drs. Ahmad Fauzi, M.Si.", "Hari kerja": "20", "Hari melapor": "19", "Disetujui": "18",
		"Dikembalikan": "1", "Ditolak": "1", "Belum diperiksa": "1", "Menit efektif": "2160", "Ambang menit": "7800",
		"% ambang": "27.7", "Kepatuhan K (%)": "95.0", "Status": "final"})
	expectRow(t, rowOf(t, sheet, rina), map[string]string{"Hari kerja": "21", "Hari melapor": "0", "Kepatuhan K (%)": "0.0"})
	// Once: the next day's run sends nothing.
	before := len(h.con.Received(console.GroupID("DISKOMINFO")))
	if err := h.eng.RunJob(ctx, flows.JobMonthlyRecap, at(2026, 12, 7, 7)); err != nil {
		t.Fatal(err)
	}
	h.sender.Flush(ctx)
	if n := len(h.con.Received(console.GroupID("DISKOMINFO"))); n != before {
		t.Fatal("the recap was sent twice")
	}
	// Nothing of November changes any more: the head's last unchecked report stays unchecked.
	h.clock.Set(at(2026, 12, 7, 9))
	expect(t, h.say(kepala, "/validasi setujui semua"), "Tidak ada laporan yang menunggu validasi")
	expect(t, h.say(kepala, "/rekap bulan 2026-11"), "(final)", "belum 1")
	// A month not begun has no recap; English is complete.
	expect(t, h.say(kepala, "/rekap bulan 2027-01"), "belum berjalan")
	h.say(kepala, "/bahasa en")
	expect(t, h.say(kepala, "/digest month 2026-11"), "📋 Monthly recap", "(final)", "Budi Santoso: K 95% (19/20 days)")
}
