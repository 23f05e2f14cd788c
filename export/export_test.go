package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/store"
)

const (
	nipAhmad = "197001011995031001" // kepala DISKOMINFO
	nipSiti  = "198503122010012003" // DISKOMINFO
	nipBudi  = "199001012015031002" // DINKES
)

var wib = time.FixedZone("WIB", 7*3600)

// The tests of this package run one at a time: excelize's first decoding or encoding of a part
// of a workbook builds encoding/xml's type descriptions lazily, and the race detector (Go 1.26.8)
// reports two workbooks doing so side by side. warmXML covers what /evaluate semua writes in
// parallel; an export is made one at a time.

func ptr[T any](v T) *T { return &v }

// fixture is two OPDs, three employees, one contract with one target, five reports over October
// and November 2026 (the fifth deleted) and three evaluations: Budi's of October, Ahmad's 3-month
// checkpoint from August to 14 November, Siti's of November.
func fixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	err = st.Update(ctx, func(tx *store.Tx) error {
		for _, o := range []store.OPD{{Code: "DISKOMINFO", Name: "Dinas Komunikasi dan Informatika"}, {Code: "DINKES", Name: "Dinas Kesehatan"}} {
			if err := tx.UpsertOPD(ctx, o, now); err != nil {
				return err
			}
		}
		for _, e := range []store.Employee{
			{NIP: nipAhmad, Name: "Ahmad Fauzi", OPDCode: "DISKOMINFO", Role: store.RoleKepala},
			{NIP: nipSiti, Name: "Siti Rahma", OPDCode: "DISKOMINFO", SupervisorNIP: nipAhmad},
			{NIP: nipBudi, Name: "Budi Santoso", OPDCode: "DINKES"},
		} {
			if err := tx.UpsertEmployee(ctx, e, now); err != nil {
				return err
			}
		}
		cid, err := tx.AddContract(ctx, store.Contract{NIP: nipSiti, Year: 2026, Status: store.ContractSigned, SignedAt: &now,
			Targets: []store.Target{{Description: "Verifikasi SPJ", Quantity: 100, Unit: "dokumen", DueDate: "2026-12-31"}}}, now)
		if err != nil {
			return err
		}
		targets, err := tx.Targets(ctx, cid)
		if err != nil {
			return err
		}
		ev, err := tx.AddEvidence(ctx, store.Evidence{SHA256: "ab12", Path: "ab12.jpg", MIME: "image/jpeg", Size: 10}, now)
		if err != nil {
			return err
		}
		reports := []store.Report{
			{NIP: nipSiti, OPDCode: "DISKOMINFO", LocalDate: "2026-10-15", Text: "Verifikasi SPJ", Quantity: ptr(3.0),
				TargetID: &targets[0].ID, Minutes: ptr(90), EvidenceID: &ev, Status: store.ReportApproved,
				CreatedAt: time.Date(2026, 10, 15, 2, 30, 0, 0, time.UTC)}, // 09:30 WIB
			{NIP: nipSiti, OPDCode: "DISKOMINFO", LocalDate: "2026-11-02", Text: "Rapat koordinasi",
				CreatedAt: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)},
			{NIP: nipAhmad, OPDCode: "DISKOMINFO", LocalDate: "2026-11-03", Text: "=HYPERLINK(\"http://x\")", Status: store.ReportReturned,
				CreatedAt: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)},
			{NIP: nipBudi, OPDCode: "DINKES", LocalDate: "2026-11-04", Text: "Posyandu, balita", Quantity: ptr(1.5),
				CreatedAt: time.Date(2026, 11, 4, 16, 59, 0, 0, time.UTC)}, // 23:59 WIB
			{NIP: nipBudi, OPDCode: "DINKES", LocalDate: "2026-11-05", Text: "Salah ketik",
				CreatedAt: time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)},
		}
		var last int64
		for _, r := range reports {
			if last, err = tx.AddReport(ctx, r); err != nil {
				return err
			}
		}
		return tx.DeleteReport(ctx, last, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Evaluations are insert-only: rows as the evaluation flow would write them. Budi's outputs lack
	// K and C, and his predicate is stored as a key, to show both are tolerated. Ahmad's period
	// starts before November and ends in it (a period filter goes by the end), and his C was not
	// measured, as flows.Score records it.
	for _, e := range []struct {
		nip, key, start, end, checkpoint, outputs, predicate string
		score                                                float64
		met                                                  bool
		at                                                   time.Time
	}{
		{nipSiti, "2026-11", "2026-11-01", "2026-11-30", "", `{"K":82.5,"C":70,"N":75}`, "Butuh Perbaikan", 75, false,
			time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)}, // 1 Dec 01:00 WIB
		{nipBudi, "2026-10", "2026-10-01", "2026-10-31", "", `{"N":92}`, "sangat_baik", 92, true,
			time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)},
		{nipAhmad, "3b", "2026-08-15", "2026-11-14", "3b", `{"K":100,"k_measured":true,"C":0,"c_measured":false,"N":88}`, "Baik", 88, true,
			time.Date(2026, 11, 16, 3, 0, 0, 0, time.UTC)},
	} {
		_, err := st.DB().Exec(`INSERT INTO evaluations(nip, contract_id, period_key, period_start, period_end, checkpoint,
			inputs, outputs, score, predicate, standard_met, parameters, evaluator_nip, created_at)
			VALUES (?, NULL, ?, ?, ?, ?, '{}', ?, ?, ?, ?, '{}', ?, ?)`,
			e.nip, e.key, e.start, e.end, e.checkpoint, e.outputs, e.score, e.predicate, e.met, nipAhmad, e.at)
		if err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func exportXLSX(t *testing.T, st *store.Store, opt Options) (*excelize.File, []byte, Summary) {
	t.Helper()
	var buf bytes.Buffer
	if opt.Location == nil {
		opt.Location = wib
	}
	sum, err := XLSX(context.Background(), st, opt, &buf)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes(), sum
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func cell(t *testing.T, f *excelize.File, sheet, ref string, raw bool) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func isText(t *testing.T, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	ct, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	return ct == excelize.CellTypeInlineString || ct == excelize.CellTypeSharedString
}

// numFmt returns the number format of a cell's style: its custom code, or its built-in id.
func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomNumFmt != nil {
		return *s.CustomNumFmt
	}
	return strconv.Itoa(s.NumFmt)
}

// A number cell: not a string type, and a raw value that parses as a number.
func wantNumber(t *testing.T, f *excelize.File, sheet, ref string, want float64) {
	t.Helper()
	if isText(t, f, sheet, ref) {
		t.Errorf("%s!%s is a text cell, want a number", sheet, ref)
	}
	raw := cell(t, f, sheet, ref, true)
	if got, err := strconv.ParseFloat(raw, 64); err != nil || got != want {
		t.Errorf("%s!%s = %q, want the number %v", sheet, ref, raw, want)
	}
}

// A date cell: a serial number with a date format that shows want.
func wantDate(t *testing.T, f *excelize.File, sheet, ref, format, want string) {
	t.Helper()
	if isText(t, f, sheet, ref) {
		t.Errorf("%s!%s is a text cell, want a date", sheet, ref)
	}
	if _, err := strconv.ParseFloat(cell(t, f, sheet, ref, true), 64); err != nil {
		t.Errorf("%s!%s raw value %q is not an Excel serial date", sheet, ref, cell(t, f, sheet, ref, true))
	}
	if got := numFmt(t, f, sheet, ref); got != format {
		t.Errorf("%s!%s number format %q, want %q", sheet, ref, got, format)
	}
	if got := cell(t, f, sheet, ref, false); got != want {
		t.Errorf("%s!%s shows %q, want %q", sheet, ref, got, want)
	}
}

func TestXLSXEverything(t *testing.T) {
	st := fixture(t)
	f, raw, sum := exportXLSX(t, st, Options{RequireApproval: true})
	if sum != (Summary{Reports: 4, Evaluations: 3, OPDs: 2}) {
		t.Errorf("summary %+v", sum)
	}
	if got, want := f.GetSheetList(), []string{"Laporan", "Evaluasi", "Ringkasan OPD"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}

	// Laporan: four reports by date, the deleted one left out.
	rep := rows(t, f, "Laporan")
	if want := []string{"Tanggal", "NIP", "Nama", "OPD", "Uraian", "Jumlah", "Satuan", "Target", "Menit", "Bukti", "Status", "Dicatat"}; !reflect.DeepEqual(rep[0], want) {
		t.Errorf("Laporan header %q", rep[0])
	}
	if len(rep) != 5 {
		t.Fatalf("Laporan has %d rows, want header + 4:\n%q", len(rep), rep)
	}
	for _, r := range rep {
		if strings.Contains(strings.Join(r, "|"), "Salah ketik") {
			t.Errorf("the deleted report is exported: %q", r)
		}
	}
	if got := cell(t, f, "Laporan", "B2", false); got != nipSiti || !isText(t, f, "Laporan", "B2") {
		t.Errorf("NIP cell %q (text %v), want the 18-digit text %s", got, isText(t, f, "Laporan", "B2"), nipSiti)
	}
	if got := numFmt(t, f, "Laporan", "B2"); got != "49" {
		t.Errorf("NIP cell format %s, want 49 (@, text)", got)
	}
	wantDate(t, f, "Laporan", "A2", "dd/mm/yyyy", "15/10/2026")
	wantDate(t, f, "Laporan", "L2", "dd/mm/yyyy hh:mm", "15/10/2026 09:30")
	wantDate(t, f, "Laporan", "L5", "dd/mm/yyyy hh:mm", "04/11/2026 23:59") // 16:59 UTC is still the 4th in Jakarta
	wantNumber(t, f, "Laporan", "F2", 3)
	wantNumber(t, f, "Laporan", "F5", 1.5)
	wantNumber(t, f, "Laporan", "I2", 90)
	if want := []string{"Siti Rahma", "DISKOMINFO", "Verifikasi SPJ", "3", "dokumen", "#1 Verifikasi SPJ", "90", "Ya", "tervalidasi"}; !reflect.DeepEqual(rep[1][2:11], want) {
		t.Errorf("first report %q, want %q", rep[1][2:11], want)
	}
	if got := rep[2][9:11]; !reflect.DeepEqual(got, []string{"Tidak", "menunggu validasi"}) {
		t.Errorf("second report evidence and status %q", got)
	}
	if got := rep[3][10]; got != "dikembalikan" {
		t.Errorf("returned report status %q", got)
	}
	if got := cell(t, f, "Laporan", "F3", true); got != "" {
		t.Errorf("a report without quantity has Jumlah %q, want empty", got)
	}

	// Evaluasi: by the time they were recorded: Budi, Ahmad, Siti.
	ev := rows(t, f, "Evaluasi")
	if want := []string{"Tanggal evaluasi", "NIP", "Nama", "OPD", "Periode", "Mulai", "Selesai", "Checkpoint", "Kepatuhan K (%)",
		"Capaian C (%)", "Nilai N", "Predikat", "Memenuhi standar", "Evaluator", "Status hasil", "Eselon", "Tindak lanjut"}; !reflect.DeepEqual(ev[0], want) {
		t.Errorf("Evaluasi header %q", ev[0])
	}
	if len(ev) != 4 {
		t.Fatalf("Evaluasi has %d rows, want header + 3:\n%q", len(ev), ev)
	}
	if got := cell(t, f, "Evaluasi", "B2", false); got != nipBudi || !isText(t, f, "Evaluasi", "B2") {
		t.Errorf("evaluation NIP %q", got)
	}
	wantDate(t, f, "Evaluasi", "A4", "dd/mm/yyyy", "01/12/2026") // recorded 18:00 UTC on 30 Nov
	wantDate(t, f, "Evaluasi", "F4", "dd/mm/yyyy", "01/11/2026")
	wantDate(t, f, "Evaluasi", "G4", "dd/mm/yyyy", "30/11/2026")
	wantNumber(t, f, "Evaluasi", "I4", 82.5)
	wantNumber(t, f, "Evaluasi", "J4", 70)
	wantNumber(t, f, "Evaluasi", "K4", 75)
	for _, ref := range []string{"I2", "J2"} { // missing from Budi's outputs
		if got := cell(t, f, "Evaluasi", ref, true); got != "" {
			t.Errorf("Evaluasi!%s = %q, want empty", ref, got)
		}
	}
	wantNumber(t, f, "Evaluasi", "K2", 92)
	if got, want := ev[1][11:], []string{"Sangat Baik", "Ya", "Ahmad Fauzi (" + nipAhmad + ")", "berlaku"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Budi's evaluation %q, want %q", got, want)
	}
	if got, want := ev[3][2:5], []string{"Siti Rahma", "DISKOMINFO", "2026-11"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Siti's evaluation %q, want %q", got, want)
	}
	if got := ev[3][11:13]; !reflect.DeepEqual(got, []string{"Butuh Perbaikan", "Tidak"}) {
		t.Errorf("Siti's predicate %q", got)
	}
	if got, want := ev[2][4:8], []string{"3b", "15/08/2026", "14/11/2026", "3b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Ahmad's checkpoint evaluation %q, want %q", got, want)
	}
	// Achievement not measured (no target due yet): empty, not 0.
	wantNumber(t, f, "Evaluasi", "I3", 100)
	if got := cell(t, f, "Evaluasi", "J3", true); got != "" {
		t.Errorf("unmeasured C exported as %q, want empty", got)
	}

	// Ringkasan OPD: counts by hand from the fixture. The OPD's own figures (issue 21): DINKES,
	// Budi alone: N 92, no K recorded, standard met: 100%, rank 1. DISKOMINFO: N (75 + 88) ÷ 2 =
	// 81,5; K (82,5 + 100) ÷ 2 = 91,25; met 1 of 2 = 50%; rank 2. All: N (92 + 75 + 88) ÷ 3 = 85;
	// K 91,25; met 2 of 3 = 66,7%.
	sm := rows(t, f, "Ringkasan OPD")
	want := [][]string{
		{"Kode", "Nama OPD", "Jumlah ASN", "Jumlah laporan", "ASN yang melapor", "ASN dievaluasi",
			"Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang", "Memenuhi standar",
			"Rata-rata N", "Rata-rata K (%)", "% memenuhi standar", "Peringkat"},
		{"DINKES", "Dinas Kesehatan", "1", "1", "1", "1", "1", "0", "0", "0", "0", "1", "92.0", "", "100.0", "1"},
		{"DISKOMINFO", "Dinas Komunikasi dan Informatika", "2", "3", "2", "2", "0", "1", "1", "0", "0", "1", "81.5", "91.3", "50.0", "2"},
		{"Jumlah", "", "3", "4", "3", "3", "1", "1", "1", "0", "0", "2", "85.0", "91.3", "66.7"},
	}
	if !reflect.DeepEqual(sm, want) {
		t.Errorf("Ringkasan OPD\n got %q\nwant %q", sm, want)
	}
	wantNumber(t, f, "Ringkasan OPD", "D3", 3)

	// Every sheet: bold frozen header, an autofilter over the data, widths set.
	sheetXML := unzipSheets(t, raw)
	for i, name := range []string{"Laporan", "Evaluasi", "Ringkasan OPD"} {
		id, _ := f.GetCellStyle(name, "A1")
		if s, _ := f.GetStyle(id); s == nil || s.Font == nil || !s.Font.Bold {
			t.Errorf("%s header is not bold", name)
		}
		p, err := f.GetPanes(name)
		if err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
			t.Errorf("%s panes %+v (%v), want the first row frozen", name, p, err)
		}
		if w, _ := f.GetColWidth(name, "B"); w < 14 {
			t.Errorf("%s column B width %v", name, w)
		}
		ref := map[string]string{"Laporan": "$A$1:$L$5", "Evaluasi": "$A$1:$Q$4", "Ringkasan OPD": "$A$1:$P$3"}[name]
		x := sheetXML[i]
		if !strings.Contains(x, `<autoFilter ref="`+ref+`"`) {
			t.Errorf("%s has no autofilter on %s", name, ref)
		}
		if a, b := strings.Index(x, `<col min="1"`), strings.Index(x, `<col min="2"`); a < 0 || b < a {
			t.Errorf("%s column widths missing or out of order", name)
		}
	}
	found := 0
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			found++
		}
	}
	if found != 3 {
		t.Errorf("%d filter ranges defined, want 3", found)
	}
}

// unzipSheets returns the XML of sheet1, sheet2 and sheet3 of a workbook.
func unzipSheets(t *testing.T, raw []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 3)
	for _, zf := range zr.File {
		for i := range out {
			if zf.Name == "xl/worksheets/sheet"+strconv.Itoa(i+1)+".xml" {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				out[i] = string(b)
			}
		}
	}
	return out
}

func TestXLSXPeriodAndOPD(t *testing.T) {
	st := fixture(t)
	nov := Options{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name       string
		opt        Options
		sum        Summary
		nips       []string // column B of Laporan
		evaluated  []string // column B of Evaluasi
		summaryOPD []string // column A of Ringkasan OPD
	}{
		// November: Siti's October report and Budi's October evaluation fall out; Ahmad's
		// checkpoint, which ends on 14 November, is in.
		{"month", nov, Summary{Reports: 3, Evaluations: 2, OPDs: 2},
			[]string{nipSiti, nipAhmad, nipBudi}, []string{nipAhmad, nipSiti}, []string{"DINKES", "DISKOMINFO", "Jumlah"}},
		// One OPD, asked in lower case; one OPD means no total row.
		{"opd", Options{OPD: "dinkes"}, Summary{Reports: 1, Evaluations: 1, OPDs: 1},
			[]string{nipBudi}, []string{nipBudi}, []string{"DINKES"}},
		{"month and opd", Options{From: nov.From, To: nov.To, OPD: "DISKOMINFO"}, Summary{Reports: 2, Evaluations: 2, OPDs: 1},
			[]string{nipSiti, nipAhmad}, []string{nipAhmad, nipSiti}, []string{"DISKOMINFO"}},
		// Only the end is bounded: up to October.
		{"until", Options{To: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}, Summary{Reports: 1, Evaluations: 1, OPDs: 2},
			[]string{nipSiti}, []string{nipBudi}, []string{"DINKES", "DISKOMINFO", "Jumlah"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, sum := exportXLSX(t, st, tc.opt)
			if sum != tc.sum {
				t.Errorf("summary %+v, want %+v", sum, tc.sum)
			}
			col := func(sheet string, i int) []string {
				var out []string
				for _, r := range rows(t, f, sheet)[1:] {
					out = append(out, r[i])
				}
				return out
			}
			if got := col("Laporan", 1); !reflect.DeepEqual(got, tc.nips) {
				t.Errorf("reports of %q, want %q", got, tc.nips)
			}
			if got := col("Evaluasi", 1); !reflect.DeepEqual(got, tc.evaluated) {
				t.Errorf("evaluations of %q, want %q", got, tc.evaluated)
			}
			if got := col("Ringkasan OPD", 0); !reflect.DeepEqual(got, tc.summaryOPD) {
				t.Errorf("summary rows %q, want %q", got, tc.summaryOPD)
			}
		})
	}

	// The summary counts follow the filter: DISKOMINFO in November.
	f, _, _ := exportXLSX(t, st, Options{From: nov.From, To: nov.To, OPD: "DISKOMINFO"})
	if got, want := rows(t, f, "Ringkasan OPD")[1], []string{"DISKOMINFO", "Dinas Komunikasi dan Informatika", "2", "2", "2", "2", "0", "1", "1", "0", "0", "1",
		"81.5", "91.3", "50.0", "1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("summary %q, want %q", got, want)
	}
}

func TestUnknownOPD(t *testing.T) {
	st := fixture(t)
	for name, fn := range map[string]func(context.Context, *store.Store, Options, io.Writer) (Summary, error){"xlsx": XLSX, "csv": CSV} {
		var buf bytes.Buffer
		_, err := fn(context.Background(), st, Options{OPD: "DISHUB"}, &buf)
		var u *UnknownOPDError
		if !errors.As(err, &u) || u.Code != "DISHUB" || !reflect.DeepEqual(u.Known, []string{"DINKES", "DISKOMINFO"}) {
			t.Errorf("%s: error %v, want UnknownOPDError naming DISHUB and the known codes", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written for an unknown OPD", name, buf.Len())
		}
	}
}

func TestCSV(t *testing.T) {
	st := fixture(t)
	var buf bytes.Buffer
	sum, err := CSV(context.Background(), st, Options{Location: wib}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if sum != (Summary{Reports: 4, OPDs: 2}) {
		t.Errorf("summary %+v", sum)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte-order mark: % x", b[:min(len(b), 8)])
	}
	cr := csv.NewReader(bytes.NewReader(b[3:]))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Tanggal", "NIP", "Nama", "OPD", "Uraian", "Jumlah", "Satuan", "Target", "Menit", "Bukti", "Status", "Dicatat"},
		{"2026-10-15", nipSiti, "Siti Rahma", "DISKOMINFO", "Verifikasi SPJ", "3", "dokumen", "#1 Verifikasi SPJ", "90", "Ya", "tidak perlu validasi", "2026-10-15 09:30:00"},
		{"2026-11-02", nipSiti, "Siti Rahma", "DISKOMINFO", "Rapat koordinasi", "", "", "", "", "Tidak", "tidak perlu validasi", "2026-11-02 15:00:00"},
		{"2026-11-03", nipAhmad, "Ahmad Fauzi", "DISKOMINFO", `'=HYPERLINK("http://x")`, "", "", "", "", "Tidak", "dikembalikan", "2026-11-03 15:00:00"},
		{"2026-11-04", nipBudi, "Budi Santoso", "DINKES", "Posyandu, balita", "1,5", "", "", "", "Tidak", "tidak perlu validasi", "2026-11-04 23:59:00"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("CSV\n got %q\nwant %q", recs, want)
	}

	// Filtered like the workbook.
	buf.Reset()
	sum, err = CSV(context.Background(), st, Options{OPD: "DINKES", From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, &buf)
	if err != nil || sum.Reports != 1 {
		t.Fatalf("DINKES from November: %+v, %v", sum, err)
	}
}

func TestPredicateIndex(t *testing.T) {
	for in, want := range map[string]int{
		"Sangat Baik": 0, "sangat_baik": 0, "SANGAT-BAIK": 0, "Excellent": 0,
		"Baik": 1, "baik": 1, "good": 1,
		"Butuh Perbaikan": 2, "butuh_perbaikan": 2, "Needs improvement": 2,
		"Kurang": 3, "poor": 3,
		"Sangat Kurang": 4, "sangat_kurang": 4, "very poor": 4,
		"": -1, "Istimewa": -1,
	} {
		if got := predicateIndex(in); got != want {
			t.Errorf("predicateIndex(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestDefaultLocationIsJakarta(t *testing.T) {
	got := Options{}.location()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).In(got)
	if _, off := at.Zone(); off != 7*3600 {
		t.Fatalf("default location %v is UTC%+d, want UTC+7", got, off/3600)
	}
}

// Reports past the rows one sheet holds go on to "Laporan (2)" and further, each with its header
// and filter, before the other sheets; together they hold every row of a one-sheet export, in
// order. (Excel's limit is 1,048,576 rows: here a sheet holds a header and two.)
func TestXLSXContinuesOnFurtherSheets(t *testing.T) {
	st := fixture(t)
	one, _, _ := exportXLSX(t, st, Options{RequireApproval: true})
	f, _, sum := exportXLSX(t, st, Options{RequireApproval: true, sheetRows: 3})
	if sum.Reports != 4 {
		t.Fatalf("summary %+v", sum)
	}
	if got, want := f.GetSheetList(), []string{"Laporan", "Laporan (2)", "Evaluasi", "Ringkasan OPD"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	all := rows(t, one, "Laporan")
	first, second := rows(t, f, "Laporan"), rows(t, f, "Laporan (2)")
	if len(first) != 3 || len(second) != 3 || !reflect.DeepEqual(first[0], all[0]) || !reflect.DeepEqual(second[0], all[0]) {
		t.Fatalf("sheets of %d and %d rows:\n%q\n%q", len(first), len(second), first, second)
	}
	if got := append(first[1:], second[1:]...); !reflect.DeepEqual(got, all[1:]) {
		t.Fatalf("rows over two sheets\n%q\nwant\n%q", got, all[1:])
	}
	if got := cell(t, f, "Laporan (2)", "B2", false); got != all[3][1] || !isText(t, f, "Laporan (2)", "B2") {
		t.Errorf("NIP on the second sheet %q (text %v)", got, isText(t, f, "Laporan (2)", "B2"))
	}
	wantDate(t, f, "Laporan (2)", "A2", "dd/mm/yyyy", all[3][0])
	if dn := f.GetDefinedName(); len(dn) < 2 || dn[1].RefersTo != "'Laporan (2)'!$A$1:$L$3" {
		t.Errorf("filters %+v, want the second sheet's on A1:L3", dn)
	}
}

// Issue 26, item 8: a header row tall enough for two lines, columns as wide as what they hold
// (within bounds), each sheet printed landscape on A4 scaled to its width.
func TestXLSXFitsAndPrints(t *testing.T) {
	st := fixture(t)
	f, _, _ := exportXLSX(t, st, Options{RequireApproval: true})
	for _, name := range []string{"Laporan", "Evaluasi", "Ringkasan OPD"} {
		if h, err := f.GetRowHeight(name, 1); err != nil || h != headerHeight {
			t.Errorf("%s header height %v (%v), want %d", name, h, err, headerHeight)
		}
		pl, err := f.GetPageLayout(name)
		if err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.AdjustTo == nil || *pl.AdjustTo > 100 {
			t.Errorf("%s page layout %+v (%v)", name, pl, err)
		}
		rs := rows(t, f, name)
		for col := range rs[0] {
			letter, _ := excelize.ColumnNumberToName(col + 1)
			w, err := f.GetColWidth(name, letter)
			if err != nil {
				t.Fatal(err)
			}
			longest := 0
			for _, r := range rs[1:] {
				if col < len(r) {
					longest = max(longest, utf8.RuneCountInString(r[col]))
				}
			}
			for _, word := range strings.Fields(rs[0][col]) {
				longest = max(longest, utf8.RuneCountInString(word))
			}
			if w < float64(min(longest, maxColWidth-2)) || w > maxColWidth {
				t.Errorf("%s!%s is %.0f wide for %d characters", name, letter, w, longest)
			}
		}
	}
	// Laporan's twelve columns do not fit an A4 page's width at 100%.
	if pl, _ := f.GetPageLayout("Laporan"); *pl.AdjustTo >= 100 {
		t.Errorf("Laporan printed at %d%%", *pl.AdjustTo)
	}
}

// Issue 26, item 8: the Evaluasi sheet names the follow-up of a miss, as /evaluate tells it.
func TestFollowUp(t *testing.T) {
	for _, c := range []struct {
		v    store.ExportEvaluation
		want string
	}{
		{store.ExportEvaluation{StandardMet: true, Checkpoint: "6b", Eselon: "IV.a"}, ""},
		{store.ExportEvaluation{Checkpoint: "6b", Eselon: "IV.a"}, "prosedur pengunduran diri"},
		{store.ExportEvaluation{Checkpoint: "6b"}, "peringatan"},
		{store.ExportEvaluation{Checkpoint: "3b", Eselon: "III.b"}, "peringatan"},
		{store.ExportEvaluation{PeriodKey: "2026-11"}, "perbaikan bersama atasan"},
	} {
		if got := followUp(c.v); got != c.want {
			t.Errorf("followUp(%+v) = %q, want %q", c.v, got, c.want)
		}
	}
}
