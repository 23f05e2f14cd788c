package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// monthScript plays November 2026 in the demo: Budi drafts, submits and signs his contract on
// Monday 2 Nov, reports on every weekday but five, and the admin evaluates the month on 1 Dec.
func monthScript() string {
	var b strings.Builder
	b.WriteString(":time 2026-11-02T08:00\n:as 198806202014031004\n/target Pelayanan posyandu | 40 kegiatan | 31-12-2026\n/ajukan\n")
	b.WriteString(":as 197001011995031001\n/setujui 198806202014031004\n:as 198806202014031004\n/tandatangani\n")
	missed := map[int]bool{6: true, 13: true, 18: true, 24: true, 25: true}
	for d := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC); d.Month() == time.November; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || missed[d.Day()] {
			continue
		}
		fmt.Fprintf(&b, ":time %sT10:00\n/lapor 2 Pelayanan posyandu #1\n", d.Format("2006-01-02"))
	}
	b.WriteString(":time 2026-12-01T09:00\n:as 197803152005011002\n/evaluate 198806202014031004 2026-11\n:quit\n")
	return b.String()
}

// evaluationOf cuts the admin's evaluation reply out of a transcript.
func evaluationOf(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "<<< /evaluate")
	if i < 0 {
		t.Fatalf("no evaluation in the transcript:\n%s", out)
	}
	rest := out[i:]
	if j := strings.Index(rest[1:], "<<<"); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

// Issue 11 item 3: a month played with the demo clock moved back before the roster import
// evaluates to the same numbers as the same month played after a clean start. The roster row's
// wall-clock insert time (5 Dec in the second run) must not decide from when compliance counts.
func TestDemoClockMovedBackSameEvaluation(t *testing.T) {
	roster := filepath.Join(t.TempDir(), "roster.csv")
	os.WriteFile(roster, []byte("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n"+
		"197803152005011002,Hendra Gunawan,Analis SDM,,BKPPD,Badan Kepegawaian,,admin,\n"+
		"197001011995031001,Dr. Ahmad Fauzi,Kepala Dinas,II.b,DINKES,Dinas Kesehatan,,kepala,\n"+
		"198806202014031004,Budi Santoso,Bidan,,DINKES,Dinas Kesehatan,,asn,197001011995031001\n"), 0o644)
	script := monthScript()

	clean, stderr, err := runCLI(t, script, "demo", "--roster", roster, "--time", "2026-11-02T08:00")
	if err != nil {
		t.Fatalf("clean start: %v\n%s", err, stderr)
	}
	moved, stderr, err := runCLI(t, script, "demo", "--roster", roster, "--time", "2026-12-05T08:00")
	if err != nil {
		t.Fatalf("clock moved back: %v\n%s", err, stderr)
	}
	a, b := evaluationOf(t, clean), evaluationOf(t, moved)
	// 21 weekdays in November 2026, 16 with a report: K = 76,2%.
	for _, want := range []string{"Kepatuhan K = 76,2% (16 dari 21 hari kerja).", "Capaian C = "} {
		if !strings.Contains(a, want) {
			t.Fatalf("clean start lacks %q:\n%s", want, a)
		}
	}
	if a != b {
		t.Fatalf("the moved clock changed the evaluation:\nclean start:\n%s\nclock moved back:\n%s", a, b)
	}
}
