package main

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	t.Chdir(t.TempDir()) // no stray ./config.toml, and files land in the test's directory
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// The sample script through the whole program: registration with a code, quick and step reports,
// history and progress. The transcript is compared with a golden file (go test -update rewrites it).
func TestDemoScriptGolden(t *testing.T) {
	script, err := os.ReadFile("sample/demo.txt")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(mustAbs(t, "testdata"), "demo.golden")
	out, stderr, err := runCLI(t, string(script), "demo", "--time", "2026-11-23T09:00")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	// The demo announces files by their path in a temporary folder: the same in every run.
	out = regexp.MustCompile(`\[(foto|berkas): \S*/demo-berkas/`).ReplaceAllString(out, "[$1: <demo>/demo-berkas/")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Fatalf("demo transcript differs from %s (run with -update after checking):\n%s", golden, out)
	}
	for _, s := range []string{"<<< /bantuan", "--> Budi Santoso [198806202014031004]", "✅ Laporan tercatat",
		"Terima kasih, Ibu Rina", "--> Rina Wulandari [199505052020122003]"} {
		if !strings.Contains(out, s) {
			t.Errorf("transcript lacks %q", s)
		}
	}
}

func TestDemoKeptDatabaseResumes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	script := ":as 198806202014031004\n/lapor Rapat pagi\n/lapor\nMenyusun laporan\n"
	if _, stderr, err := runCLI(t, script, "demo", "--db", db, "--time", "2026-11-23T09:00"); err != nil {
		t.Fatalf("%v %s", err, stderr)
	}
	reports := func() int {
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		st.DB().QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&n)
		return n
	}
	first := reports()
	// A second run on the same database seeds nothing twice and resumes the open flow.
	out, stderr, err := runCLI(t, ":as 198806202014031004\n0\n0\n1\n/riwayat\n", "demo", "--db", db, "--time", "2026-11-23T09:10")
	if err != nil {
		t.Fatalf("%v %s", err, stderr)
	}
	if !strings.Contains(out, "Laporan tercatat: Menyusun laporan") {
		t.Fatalf("second run:\n%s", out)
	}
	if n := reports(); n != first+1 {
		t.Fatalf("%d reports after the second run, want %d (the history seeded once, plus the resumed report)", n, first+1)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var contracts int
	st.DB().QueryRow(`SELECT COUNT(*) FROM contracts WHERE nip = '198806202014031004'`).Scan(&contracts)
	if contracts != 1 {
		t.Fatalf("Budi has %d contracts after two runs", contracts)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lapkin.db")
	good := mustAbs(t, "sample/roster.csv")
	out, stderr, err := runCLI(t, "", "import", "--db", db, good)
	if err != nil || !strings.Contains(out, "23 pegawai baru") {
		t.Fatalf("import: %v\nout: %s\nerr: %s", err, out, stderr)
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n"+
		"199901012020011001,Baru Satu,Staf,,DINKES,Dinas Kesehatan,0812-9999-0001,asn,\n"+
		"12345,Baru Dua,Staf,,DINKES,Dinas Kesehatan,,bos,\n"), 0o644)
	_, stderr, err = runCLI(t, "", "import", "--db", db, bad)
	if err == nil {
		t.Fatal("a bad roster was accepted")
	}
	for _, want := range []string{"Baris 3, kolom nip", "Baris 3, kolom peran", "tidak ada data yang disimpan"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	st, _ := store.Open(context.Background(), db)
	defer st.Close()
	var n int
	st.DB().QueryRow(`SELECT COUNT(*) FROM employees`).Scan(&n)
	if n != 23 {
		t.Fatalf("%d employees after a rejected import, want 23", n)
	}
}

// Issue 26, items 4 and 8: the file may come before or after the flags; an unchanged file says
// so; the operator reads the configured language, also when the file is missing or there are more
// problems than are listed (100), or the file has more rows than [roster] max_rows allows.
func TestImportCommandForOperators(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lapkin.db")
	good := mustAbs(t, "sample/roster.csv")
	out, stderr, err := runCLI(t, "", "import", good, "--db", db)
	if err != nil || !strings.Contains(out, "23 pegawai baru") {
		t.Fatalf("file before the flags: %v\nout: %s\nerr: %s", err, out, stderr)
	}
	out, stderr, err = runCLI(t, "", "import", "--db", db, good)
	if err != nil || !strings.Contains(out, "Tidak ada perubahan") || !strings.Contains(out, "23 pegawai") {
		t.Fatalf("unchanged file: %v\nout: %s\nerr: %s", err, out, stderr)
	}
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("[app]\nlanguage = \"en\"\n[roster]\nmax_rows = 50\n"), 0o644)
	out, _, err = runCLI(t, "", "import", good, "--config", cfg, "--db", db)
	if err != nil || !strings.Contains(out, "Nothing changed") {
		t.Fatalf("English, unchanged: %v\n%s", err, out)
	}
	_, stderr, err = runCLI(t, "", "import", "--config", cfg, "--db", db, filepath.Join(dir, "tidak-ada.csv"))
	if err == nil || !strings.Contains(stderr, "The roster file") || !strings.Contains(stderr, "cannot be read") {
		t.Fatalf("missing file: %v\n%s", err, stderr)
	}
	_, stderr, err = runCLI(t, "", "import", "--config", cfg, "--db", db)
	if err == nil || !strings.Contains(stderr, "Name one roster file") {
		t.Fatalf("no file: %v\n%s", err, stderr)
	}
	var b strings.Builder
	b.WriteString("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n")
	for i := 0; i < 51; i++ {
		b.WriteString("12345,Orang,Staf,,DINKES,Dinas Kesehatan,,bos,\n")
	}
	many := filepath.Join(dir, "many.csv")
	os.WriteFile(many, []byte(b.String()), 0o644)
	_, stderr, err = runCLI(t, "", "import", "--config", cfg, "--db", db, many)
	if err == nil || !strings.Contains(stderr, "more than 50 data rows") {
		t.Fatalf("over max_rows: %v\n%s", err, stderr)
	}
	// 50 bad rows, two problems each: 100 listed, then how many more.
	os.WriteFile(cfg, []byte("[app]\nlanguage = \"en\"\n[roster]\nmax_rows = 60\n"), 0o644)
	_, stderr, err = runCLI(t, "", "import", "--config", cfg, "--db", db, many)
	lines := strings.Count(stderr, "\n")
	if err == nil || !strings.Contains(stderr, "… and ") || lines > 104 || !strings.Contains(stderr, "Import cancelled") {
		t.Fatalf("many problems: %d lines\n%s", lines, stderr)
	}
}

func TestBackupAndVersion(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lapkin.db")
	if _, stderr, err := runCLI(t, "", "import", "--db", db, mustAbs(t, "sample/roster.csv")); err != nil {
		t.Fatal(err, stderr)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if _, stderr, err := runCLI(t, "", "backup", "--db", db, "--out", copyPath); err != nil {
		t.Fatal(err, stderr)
	}
	st, err := store.Open(context.Background(), copyPath)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	st.DB().QueryRow(`SELECT COUNT(*) FROM employees`).Scan(&n)
	st.Close()
	if n != 23 {
		t.Fatalf("backup holds %d employees", n)
	}
	if _, stderr, err := runCLI(t, "", "backup", "--db", db, "--out", copyPath); err == nil || !strings.Contains(stderr, "sudah ada") {
		t.Fatalf("backup overwrote a file, or said it in another language: %v %s", err, stderr)
	}
	// Issue 26, item 8: in [app] language, the flags in any order.
	cfg := filepath.Join(dir, "en.toml")
	os.WriteFile(cfg, []byte("[app]\nlanguage = \"en\"\n"), 0o644)
	out, _, err := runCLI(t, "", "backup", "--out", filepath.Join(dir, "copy2.db"), "--config", cfg, "--db", db)
	if err != nil || !strings.Contains(out, "was backed up to") {
		t.Fatalf("English backup: %v %q", err, out)
	}
	if _, stderr, err := runCLI(t, "", "backup", "--config", cfg, "--db", filepath.Join(dir, "none.db"), "--out", filepath.Join(dir, "x.db")); err == nil ||
		!strings.Contains(stderr, "was not found") {
		t.Fatalf("no database: %v %s", err, stderr)
	}
	out, _, err = runCLI(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "lapkin ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if _, _, err := runCLI(t, "", "frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestBadConfigNamesKey(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("[app]\ntimezon = \"Asia/Jakarta\"\n"), 0o644)
	_, _, err := runCLI(t, "", "demo", "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "app.timezon") {
		t.Fatalf("want an error naming app.timezon, got %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Issue 11, item 12: every photo and document the demo announces is written into a folder beside
// its database, and announced by its path, so that a newcomer can open the chart.
func TestDemoWritesAnnouncedFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	out, stderr, err := runCLI(t, ":as 197001011995031001\n/rekap\n", "demo", "--db", db, "--time", "2026-11-23T09:00")
	if err != nil {
		t.Fatalf("%v %s", err, stderr)
	}
	want := filepath.Join(dir, "demo-berkas", "rekap-diskominfo-2026-11-23.png")
	if !strings.Contains(out, "[foto: "+want+"]") {
		t.Fatalf("the chart is not announced by its path %s:\n%s", want, out)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("the announced chart is not a PNG: %v", err)
	}

	// Without --db the demo's temporary folder is kept when it holds files, and the demo says where.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	out, stderr, err = runCLI(t, ":as 197001011995031001\n/rekap\n", "demo", "--time", "2026-11-23T09:00")
	if err != nil {
		t.Fatalf("%v %s", err, stderr)
	}
	m := regexp.MustCompile(`\[foto: (\S+\.png)\]`).FindStringSubmatch(out)
	if m == nil || !strings.HasPrefix(m[1], tmp) {
		t.Fatalf("no chart path under %s:\n%s", tmp, out)
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatalf("the announced chart was removed at exit: %v", err)
	}
	if !strings.Contains(stderr, filepath.Dir(m[1])) {
		t.Fatalf("the demo did not say where its files are:\n%s", stderr)
	}
}
