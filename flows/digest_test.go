package flows_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/chart"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// The week of 16–20 Nov 2026 for DISKOMINFO (Ahmad the head, Budi, Siti, Rina), with Tuesday 17
// a holiday and Siti on leave Thursday–Friday:
//   - Budi reported Mon (twice), Tue, Wed, Thu, Fri: 4 of his 4 working days, 6 reports;
//   - Siti reported Mon, Tue, Wed: 2 of her 2 working days (Mon, Wed), 3 reports;
//   - Ahmad reported Mon, Wed, Thu, Fri: 4 of 4;
//   - Rina reported nothing: 0 of 4.
//
// Compliance = (4 + 2 + 4 + 0) / (4 + 2 + 4 + 4) = 10/14 = 71,4%. The OPD has 4 working days, so
// "at least 3 days": Budi, Ahmad, and Siti (all her days) = 3 of 4. Reports on working days:
// Mon 2 + 1 + 1 = 4, Wed 3, Thu 2, Fri 2 (Tuesday's are on a holiday). Most consistent: Budi
// (4 days, 6 reports), Ahmad (4, 4), Siti (2, 3). Budi's two targets had nothing reported:
// behind 2. Unsigned: Ahmad, Rina, Siti.
func TestWeeklyDigest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opt.ShowMissing = true
	h.restart()
	ctx := context.Background()
	h.say(admin, "/libur 2026-11-17 Cuti bersama")
	h.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddLeave(ctx, store.Leave{NIP: siti, Kind: store.LeaveCuti, StartDate: "2026-11-19", EndDate: "2026-11-20"}, monday); err != nil {
			return err
		}
		add := func(nip string, days ...string) error {
			for _, d := range days {
				if _, err := tx.AddReport(ctx, store.Report{NIP: nip, OPDCode: "DISKOMINFO", LocalDate: d, Text: "Kegiatan", CreatedAt: monday}); err != nil {
					return err
				}
			}
			return nil
		}
		return errorsJoin(
			add(budi, "2026-11-16", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"),
			add(siti, "2026-11-16", "2026-11-17", "2026-11-18"),
			add(kepala, "2026-11-16", "2026-11-18", "2026-11-19", "2026-11-20"),
			tx.BindGroup(ctx, bot.NetConsole, "grup:DISKOMINFO", "DISKOMINFO", admin, monday))
	})
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, jakarta)
	h.clock.Set(at)
	run := func() {
		if err := h.eng.RunJob(ctx, flows.JobDigest, at); err != nil {
			t.Fatal(err)
		}
		h.sender.Flush(ctx)
	}
	run()
	got := h.con.Received("grup:DISKOMINFO")
	if len(got) != 2 || !strings.HasPrefix(got[1], "[foto: rekap-diskominfo-2026-11-20.png]") {
		t.Fatalf("the group got %q", got)
	}
	// The chart is a PNG of the chart's size.
	var pic []byte
	h.st.DB().QueryRow(`SELECT photo FROM outbox WHERE payload LIKE '%rekap-diskominfo%' LIMIT 1`).Scan(&pic)
	img, err := png.Decode(bytes.NewReader(pic))
	if err != nil || img.Bounds().Dx() != chart.Width || img.Bounds().Dy() != chart.Height {
		t.Fatalf("chart: %v %v", err, img)
	}
	const golden = "testdata/digest.golden"
	if *update {
		os.WriteFile(golden, []byte(got[0]+"\n"), 0o644)
	}
	want, _ := os.ReadFile(golden)
	if got[0]+"\n" != string(want) {
		t.Fatalf("digest differs from %s:\n%s", golden, got[0])
	}
	expect(t, got[0], "71,4%", "3 dari 4 pegawai melapor paling sedikit 3 hari", "Sen 4 · Sel libur · Rab 3 · Kam 2 · Jum 2",
		"Paling konsisten: Budi Santoso; Drs. Ahmad Fauzi, M.Si.; Siti Rahma", "Belum melapor sama sekali (1): Rina Wulandari",
		"tertinggal: 2", "Kontrak belum ditandatangani (3)")
	// Nothing personal goes to the head privately when the group is bound, and a second run
	// (a restart, a catch-up) sends nothing.
	before := len(h.con.Received(kepala))
	run()
	if len(h.con.Received("grup:DISKOMINFO")) != 2 || len(h.con.Received(kepala)) != before {
		t.Fatal("the digest was sent twice")
	}
	// /rekap gives the head the same digest privately, on demand.
	expect(t, h.say(kepala, "/rekap"), "Rekap mingguan Dinas Komunikasi dan Informatika", "71,4%", "[foto: rekap-diskominfo")
	expect(t, h.say(budi, "/rekap"), "tidak tersedia untuk peran Anda")
	// The month so far (1–20 Nov): the OPD's working days are 2–6, 9–13, 16 and 18–20 (17 is a
	// holiday): 14, so "at least 13 days".
	expect(t, h.say(kepala, "/rekap bulan"), "1 Nov 2026 – 20 Nov 2026", "paling sedikit 13 hari")
	expect(t, h.say(kepala, "/rekap tahun"), "hanya untuk admin BKPPD") // the city per OPD (issue 21)
	expect(t, h.say(kepala, "/rekap setahun"), "Format belum sesuai")
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Without a bound group the head receives the digest privately.
func TestDigestToHeadWithoutGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, jakarta)
	h.clock.Set(at)
	h.eng.RunJob(context.Background(), flows.JobDigest, at)
	h.sender.Flush(context.Background())
	if !strings.Contains(strings.Join(h.con.Received(kepala), "\n"), "Rekap mingguan") {
		t.Fatal("the head got no digest")
	}
}
