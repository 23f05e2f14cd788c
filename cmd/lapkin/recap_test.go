package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `lapkin export --rekap` writes the monthly recap (issue 21, item 4): one row per person and
// month, here November 2026 of exportDB's city. By hand: both joined Lapkin on 1 November, a month
// of 21 working days (2–6, 9–13, 16–20, 23–27, 30). Budi reported on the 23rd and 24th: 2 days,
// K = 2 ÷ 21 = 9,5%; Rina on the 24th: K 4,8%. Without validation the counts by state are empty.
// November 2026 closed on 5 December: the rows are final on any day this test runs.
func TestExportRecap(t *testing.T) {
	db, dir := exportDB(t)
	out := filepath.Join(dir, "rekap.csv")
	stdout, stderr, err := runCLI(t, "", "export", "--db", db, "--rekap", "2026-11", "--out", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	if want := "Rekap bulanan 2026-11 selesai: 2 baris, 2 pegawai → " + out + "\n"; stdout != want {
		t.Fatalf("stdout %q, want %q", stdout, want)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Bulan", "NIP", "Nama", "Eselon", "Jabatan", "OPD", "Nama OPD", "Atasan langsung", "Dari", "Sampai", "Hari kerja",
			"Hari melapor", "Jumlah laporan", "Disetujui", "Dikembalikan", "Ditolak", "Belum diperiksa", "Menit efektif",
			"Ambang menit", "% ambang", "Kepatuhan K (%)", "Status"},
		{"2026-11", "199505052020122003", "Rina Wulandari", "", "", "BKPPD", "Badan Kepegawaian", "", "2026-11-01", "2026-11-30",
			"21", "1", "1", "", "", "", "", "0", "", "", "4,8", "final"},
		{"2026-11", "198806202014031004", "Budi Santoso", "", "", "DINKES", "Dinas Kesehatan", "", "2026-11-01", "2026-11-30",
			"21", "2", "2", "", "", "", "", "0", "", "", "9,5", "final"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}

	// A year is each of its months up to now: these two are in post from November.
	xlsx := filepath.Join(dir, "rekap-2026.xlsx")
	if stdout, stderr, err = runCLI(t, "", "export", "--db", db, "--rekap", "2026", "--out", xlsx); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(stdout, "Rekap bulanan 2026 selesai: 4 baris, 2 pegawai") {
		t.Fatalf("stdout %q", stdout)
	}
	// What is not a month or a year is refused, and nothing is written.
	bad := filepath.Join(dir, "bad.csv")
	if _, stderr, err = runCLI(t, "", "export", "--db", db, "--rekap", "11-2026", "--out", bad); err == nil ||
		!strings.Contains(stderr, "Gunakan --rekap 2026-11") {
		t.Fatalf("bad month: %v %q", err, stderr)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Fatal("a refused export wrote a file")
	}
}

// `lapkin import` of a roster that moves someone records the transfer and says so (issue 21,
// item 5); importing the same file again moves nobody.
func TestImportTransfer(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lapkin.db")
	sample, err := os.ReadFile(filepath.Join("sample", "roster.csv"))
	if err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(first, sample, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := runCLI(t, "", "import", "--db", db, first); err != nil || strings.Contains(out, "Mutasi") {
		t.Fatalf("first import: %v %q %q", err, out, stderr)
	}
	// Budi moves to the BKPPD under Rizal Effendi.
	moved := strings.Replace(string(sample),
		"198806202014031004,Budi Santoso,Pranata Komputer,,DISKOMINFO,Dinas Komunikasi dan Informatika,0813-0000-0001,asn,198303252009011003,5",
		"198806202014031004,Budi Santoso,Analis Kepegawaian,,BKPPD,Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Daerah,0813-0000-0001,asn,197906082003121002,5", 1)
	if moved == string(sample) {
		t.Fatal("Budi's row was not found in the sample roster")
	}
	second := filepath.Join(dir, "roster-2.csv")
	if err := os.WriteFile(second, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCLI(t, "", "import", "--db", db, second)
	if err != nil || !strings.Contains(out, "Mutasi tercatat: 1 pegawai") {
		t.Fatalf("second import: %v %q %q", err, out, stderr)
	}
	if out, _, err = runCLI(t, "", "import", "--db", db, second); err != nil || strings.Contains(out, "Mutasi") {
		t.Fatalf("the same file again: %v %q", err, out)
	}
}
