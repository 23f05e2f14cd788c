package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Issue 11 item 13: exports a BKPPD can use. The report sheet names the target; K, C and N are
// rounded as the chat shows them; the checkpoint column is filled; the status says what
// validation did; a superseded evaluation is marked and the summary counts people, each by their
// latest result.
func TestExportForBKPPD(t *testing.T) {
	st := fixture(t)
	// Siti's November result recomputed later (a late report): 82,5 → 85,333…, Baik; the first
	// row is superseded, as the evaluation flow records it.
	res, err := st.DB().Exec(`INSERT INTO evaluations(nip, contract_id, period_key, period_start, period_end, checkpoint,
		inputs, outputs, score, predicate, standard_met, parameters, evaluator_nip, created_at)
		VALUES (?, NULL, '2026-11', '2026-11-01', '2026-11-30', '', '{}', '{"K":85.33333,"C":72.26923,"N":77.5}', 77.5, 'Baik', 1, '{}', ?, ?)`,
		nipSiti, nipAhmad, time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	newID, _ := res.LastInsertId()
	var oldID int64
	st.DB().QueryRow(`SELECT id FROM evaluations WHERE nip = ? ORDER BY id LIMIT 1`, nipSiti).Scan(&oldID)
	if _, err := st.DB().Exec(`INSERT INTO evaluation_supersessions(evaluation_id, superseded_by, created_at) VALUES (?, ?, ?)`,
		oldID, newID, time.Now()); err != nil {
		t.Fatal(err)
	}

	f, _, _ := exportXLSX(t, st, Options{RequireApproval: true})
	rep := rows(t, f, SheetReports)
	if got := rep[1][7]; got != "#1 Verifikasi SPJ" {
		t.Errorf("target cell %q, want the target named", got)
	}
	var statuses []string
	for _, r := range rep[1:] {
		statuses = append(statuses, r[10])
	}
	if want := []string{"tervalidasi", "menunggu validasi", "dikembalikan", "menunggu validasi"}; !reflect.DeepEqual(statuses, want) {
		t.Errorf("statuses %q, want %q", statuses, want)
	}

	ev := rows(t, f, SheetEvaluations)
	if got := ev[0][14]; got != "Status hasil" {
		t.Errorf("evaluation column O %q", got)
	}
	// Budi (2026-10), Ahmad (3b), Siti's first (superseded), Siti's second.
	if len(ev) != 5 {
		t.Fatalf("%d evaluation rows", len(ev))
	}
	if got := []string{ev[1][7], ev[2][7], ev[4][7]}; !reflect.DeepEqual(got, []string{"bulanan", "3b", "bulanan"}) {
		t.Errorf("checkpoint column %q", got)
	}
	if got := []string{ev[3][14], ev[4][14]}; !reflect.DeepEqual(got, []string{"digantikan", "berlaku"}) {
		t.Errorf("result status %q", got)
	}
	wantNumber(t, f, SheetEvaluations, "I5", 85.3)
	wantNumber(t, f, SheetEvaluations, "J5", 72.3)
	if got := cell(t, f, SheetEvaluations, "I5", false); got != "85.3" {
		t.Errorf("K shows %q, want 85.3 as the chat's 85,3%%", got)
	}

	// The summary counts people: Siti once, by her latest result (Baik, meets the standard).
	sm := rows(t, f, SheetSummary)
	if got := sm[0][5]; got != "ASN dievaluasi" {
		t.Errorf("summary header %q", got)
	}
	// Its figures (issue 21) from the same latest results: N (77,5 + 88) ÷ 2 = 82,75; K
	// (85,33 + 100) ÷ 2 = 92,67; both met the standard; second after DINKES (92).
	if got, want := sm[2], []string{"DISKOMINFO", "Dinas Komunikasi dan Informatika", "2", "3", "2", "2", "0", "2", "0", "0", "0", "2",
		"82.8", "92.7", "100.0", "2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DISKOMINFO summary %q, want %q", got, want)
	}

	// Validation off: nothing waits.
	f2, _, _ := exportXLSX(t, st, Options{})
	if got := rows(t, f2, SheetReports)[2][10]; got != "tidak perlu validasi" {
		t.Errorf("status without validation %q", got)
	}
}

// The CSV opens in Excel set to Indonesian (id-ID): there the list separator is the semicolon and
// the decimal separator the comma, so a comma-separated file lands in one column and "1.5" is read
// as a date or text. Checked by reading it back as Excel id-ID splits it (UTF-8 with a BOM,
// semicolons, decimal commas): every row keeps every column, and the quantity is "1,5".
func TestCSVForIndonesianExcel(t *testing.T) {
	st := fixture(t)
	var buf bytes.Buffer
	if _, err := CSV(context.Background(), st, Options{Location: wib, RequireApproval: true}, &buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte-order mark: Excel would read the names as Windows-1252")
	}
	first := strings.SplitN(string(b[3:]), "\r\n", 2)[0]
	if strings.Count(first, ";") != len(reportColumns)-1 || strings.Contains(first, ",") {
		t.Fatalf("header %q is not semicolon-separated", first)
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-11-04", nipBudi, "Budi Santoso", "DINKES", "Posyandu, balita", "1,5", "", "", "", "Tidak", "menunggu validasi", "2026-11-04 23:59:00"}
	if !reflect.DeepEqual(recs[4], want) {
		t.Errorf("row %q\nwant %q", recs[4], want)
	}
	if recs[1][7] != "#1 Verifikasi SPJ" || recs[1][10] != "tervalidasi" {
		t.Errorf("first row %q", recs[1])
	}
	// Every row has every column: no cell was split at a decimal comma or a comma in a text.
	for i, rec := range recs {
		if len(rec) != len(reportColumns) {
			t.Errorf("row %d has %d cells", i, len(rec))
		}
	}
}
