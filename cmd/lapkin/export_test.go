package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/store"
)

// exportDB is a database with two OPDs, two employees, three reports in November 2026 and one in
// December, and one evaluation. It returns the database file and a directory for the exports.
func exportDB(t *testing.T) (db, dir string) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	db = filepath.Join(dir, "lapkin.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	err = st.Update(ctx, func(tx *store.Tx) error {
		for _, o := range []store.OPD{{Code: "BKPPD", Name: "Badan Kepegawaian"}, {Code: "DINKES", Name: "Dinas Kesehatan"}} {
			if err := tx.UpsertOPD(ctx, o, now); err != nil {
				return err
			}
		}
		for _, e := range []store.Employee{
			{NIP: "198806202014031004", Name: "Budi Santoso", OPDCode: "DINKES"},
			{NIP: "199505052020122003", Name: "Rina Wulandari", OPDCode: "BKPPD"},
		} {
			if err := tx.UpsertEmployee(ctx, e, now); err != nil {
				return err
			}
		}
		for _, r := range []store.Report{
			{NIP: "198806202014031004", OPDCode: "DINKES", LocalDate: "2026-11-23", Text: "Posyandu"},
			{NIP: "198806202014031004", OPDCode: "DINKES", LocalDate: "2026-11-24", Text: "Imunisasi"},
			{NIP: "199505052020122003", OPDCode: "BKPPD", LocalDate: "2026-11-24", Text: "Verifikasi berkas"},
			{NIP: "199505052020122003", OPDCode: "BKPPD", LocalDate: "2026-12-01", Text: "Rapat"},
		} {
			r.CreatedAt = now
			if _, err := tx.AddReport(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.DB().Exec(`INSERT INTO evaluations(nip, period_key, period_start, period_end, inputs, outputs, score,
		predicate, standard_met, parameters, evaluator_nip, created_at)
		VALUES ('198806202014031004', '2026-11', '2026-11-01', '2026-11-30', '{}', '{"K":90,"C":80,"N":84}', 84, 'Baik', 1, '{}', '199505052020122003', ?)`, now)
	if err != nil {
		t.Fatal(err)
	}
	return db, dir
}

func TestExportCommand(t *testing.T) {
	db, dir := exportDB(t)
	xlsx := filepath.Join(dir, "rekap.xlsx")

	out, stderr, err := runCLI(t, "", "export", "--db", db, "--out", xlsx)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	if want := "Ekspor selesai: 4 laporan, 1 evaluasi, 2 OPD → " + xlsx + "\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Laporan", "Evaluasi", "Ringkasan OPD"}) {
		t.Errorf("sheets %q", got)
	}
	f.Close()
	if left, _ := filepath.Glob(filepath.Join(dir, ".lapkin-export-*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %q", left)
	}

	// The file exists: refused without --force, and left as it was.
	before, _ := os.ReadFile(xlsx)
	_, stderr, err = runCLI(t, "", "export", "--db", db, "--periode", "2026-12", "--out", xlsx)
	if !errors.Is(err, errReported) || !strings.Contains(stderr, "sudah ada") || !strings.Contains(stderr, "--force") {
		t.Errorf("existing file: err %v, stderr %q", err, stderr)
	}
	if after, _ := os.ReadFile(xlsx); !bytes.Equal(before, after) {
		t.Error("the existing file was changed without --force")
	}

	// --force replaces it; --periode and --opd narrow it.
	out, stderr, err = runCLI(t, "", "export", "--db", db, "--periode", "2026-11", "--opd", "DINKES", "--force", "--out", xlsx)
	if err != nil {
		t.Fatalf("export --force: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(out, "Ekspor selesai: 2 laporan, 1 evaluasi, 1 OPD → ") {
		t.Errorf("stdout %q", out)
	}
	f, err = excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rs, _ := f.GetRows("Laporan"); len(rs) != 3 {
		t.Errorf("Laporan has %d rows after --periode 2026-11 --opd DINKES, want header + 2", len(rs))
	}

	// CSV: the reports only.
	csvFile := filepath.Join(dir, "laporan.CSV")
	out, stderr, err = runCLI(t, "", "export", "--db", db, "--periode", "2026-11-24..2026-12-31", "--out", csvFile)
	if err != nil {
		t.Fatalf("export csv: %v\n%s", err, stderr)
	}
	if want := "Ekspor selesai: 3 laporan → " + csvFile + "\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	b, _ := os.ReadFile(csvFile)
	// For Excel set to Indonesian: semicolons, a UTF-8 byte-order mark.
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 4 || recs[0][0] != "Tanggal" || len(recs[0]) != 12 || !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Errorf("CSV %q (%v)", b, err)
	}
	if recs[1][10] != "tidak perlu validasi" {
		t.Errorf("status %q without require_approval", recs[1][10])
	}
}

func TestExportCommandRefuses(t *testing.T) {
	db, dir := exportDB(t)
	out := filepath.Join(dir, "x.xlsx")
	for _, tc := range []struct {
		name string
		args []string
		want []string // in stderr
	}{
		{"no --out", []string{"--db", db}, []string{"--out"}},
		{"other extension", []string{"--db", db, "--out", filepath.Join(dir, "x.xls")}, []string{"x.xls", ".xlsx", ".csv"}},
		{"checkpoint 3b", []string{"--db", db, "--periode", "3b", "--out", out}, []string{"3b", "tanda tangan kontrak", "2026-11"}},
		{"checkpoint 6b", []string{"--db", db, "--periode", "6B", "--out", out}, []string{"6b", "tidak dapat dipakai"}},
		{"bad period", []string{"--db", db, "--periode", "November", "--out", out}, []string{"November", "2026-Q4"}},
		{"unknown OPD", []string{"--db", db, "--opd", "DISHUB", "--out", out}, []string{"DISHUB", "BKPPD, DINKES"}},
		{"no database", []string{"--db", filepath.Join(dir, "none.db"), "--out", out}, []string{"none.db", "tidak ditemukan"}},
		{"stray argument", []string{"--db", db, "--out", out, "extra"}, []string{"extra", "lapkin export"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := runCLI(t, "", append([]string{"export"}, tc.args...)...)
			if !errors.Is(err, errReported) {
				t.Errorf("err %v, want errReported", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".lapkin-export-*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %q", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("exporting from a missing database created it")
	}
}
