package roster

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/catalog"
)

// goodRows is testdata/good.csv as Read returns it: cells trimmed, otherwise as written. Line 4
// of the file is blank, so the rows are on lines 2, 3, 5, 6 and 7.
var goodRowsRead = []Row{
	{Line: 2, NIP: "197505102000031002", Name: "dr. Siti Rahmawati, M.Kes", Position: "Kepala Dinas Kesehatan", Eselon: "II.a", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "0812-1111-2222", Role: "kepala_opd", WorkDays: 6, workDays: "6"},
	{Line: 3, NIP: "198503122010011003", Name: "Budi Santoso", Position: "Pengelola Keuangan", Eselon: "-", OPDCode: "dinkes", OPDName: "Dinas  Kesehatan", Phone: "+62 813 2222 3333", Role: "staf", SupervisorNIP: "197505102000031002"},
	{Line: 5, NIP: "199001012015032001", Name: "Ani Lestari", Position: "Perawat", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Role: "ASN", SupervisorNIP: "19750510 200003 1 002", WorkDays: 6, workDays: "6"},
	{Line: 6, NIP: "197012251995121001", Name: "Drs. Hendra Wijaya", Position: "Kepala Dinas Pendidikan", Eselon: "II/b", OPDCode: "DISDIK", OPDName: "Dinas Pendidikan", Phone: "6281344445555", Role: "Kepala", SupervisorNIP: "196801011990031001", WorkDays: 5, workDays: "5"},
	{Line: 7, NIP: "198807172012122002", Name: "Rina Marlina", Position: "Analis Kepegawaian", Eselon: "IV", OPDCode: "DISDIK", OPDName: "Dinas Pendidikan", Phone: "85266667777", Role: "pegawai", SupervisorNIP: "197012251995121001"},
}

func TestReadCSVFixtures(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"good.csv", "good_semicolon.csv"} {
		t.Run(name, func(t *testing.T) {
			rows, err := ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, goodRowsRead) {
				t.Fatalf("rows differ:\n got %+v\nwant %+v", rows, goodRowsRead)
			}
		})
	}
}

// keyOf is the part of a FieldError a test compares: where and what.
type keyOf struct {
	Line   int
	Column string
	Key    string
}

func keysOf(t *testing.T, err error) []keyOf {
	t.Helper()
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not Errors", err, err)
	}
	var out []keyOf
	for _, e := range errs {
		out = append(out, keyOf{e.Line, e.Column, e.Key})
	}
	return out
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	const header = "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip"
	tests := []struct {
		name string
		in   string
		want []Row // when errs is nil
		errs []keyOf
	}{
		{
			name: "comma",
			in:   header + "\n198503122010011003,Budi,Staf,,DINKES,Dinas Kesehatan,0812,asn,\n",
			want: []Row{{Line: 2, NIP: "198503122010011003", Name: "Budi", Position: "Staf", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "0812", Role: "asn"}},
		},
		{
			name: "semicolon with a comma inside a name",
			in:   strings.ReplaceAll(header, ",", ";") + "\n198503122010011003;Budi, S.E.;Staf;;DINKES;Dinas Kesehatan;;asn;\n",
			want: []Row{{Line: 2, NIP: "198503122010011003", Name: "Budi, S.E.", Position: "Staf", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Role: "asn"}},
		},
		{
			name: "BOM, CRLF and tab",
			in:   "\ufeff" + strings.ReplaceAll(header, ",", "\t") + "\r\n198503122010011003\tBudi\tStaf\t\tDINKES\tDinkes\t\tasn\t\r\n",
			want: []Row{{Line: 2, NIP: "198503122010011003", Name: "Budi", Position: "Staf", OPDCode: "DINKES", OPDName: "Dinkes", Role: "asn"}},
		},
		{
			name: "header in another order, any case, blank lines counted",
			in:   "\n  PERAN , Atasan NIP,nama,NIP,jabatan,eselon,opd-kode,opd_nama,telepon,hari_kerja\n\nkepala,,Siti,197505102000031002,Kepala,II.a,DINKES,Dinas Kesehatan,0812,6 hari\n",
			want: []Row{{Line: 4, NIP: "197505102000031002", Name: "Siti", Position: "Kepala", Eselon: "II.a", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "0812", Role: "kepala", WorkDays: 6, workDays: "6 hari"}},
		},
		{
			name: "short row and trailing empty cells",
			in:   header + ",,\n198503122010011003,Budi,,,,,,,,,\n198503122010011004,Ani\n",
			want: []Row{{Line: 2, NIP: "198503122010011003", Name: "Budi"}, {Line: 3, NIP: "198503122010011004", Name: "Ani"}},
		},
		{
			name: "hari_kerja not a number",
			in:   header + ",hari_kerja\n198503122010011003,Budi,,,,,,,,enam\n",
			want: []Row{{Line: 2, NIP: "198503122010011003", Name: "Budi", WorkDays: -1, workDays: "enam"}},
		},
		{
			name: "missing columns",
			in:   "nip,nama,jabatan,eselon,opd_kode,telepon,peran\n198503122010011003,Budi,,,,,\n",
			errs: []keyOf{{1, "opd_nama", keyHeaderMissing}, {1, "atasan_nip", keyHeaderMissing}},
		},
		{
			name: "unknown and duplicate column",
			in:   "No," + header + ",nama\n1,198503122010011003,Budi,,,,,,,,Budi\n",
			errs: []keyOf{{1, "No", keyHeaderUnknown}, {1, "nama", keyHeaderDuplicate}},
		},
		{
			name: "unquoted comma in a name shifts the row",
			in:   header + "\n198503122010011003,Budi,Staf,,DINKES,Dinkes,,asn,\n198503122010011004,Ani, S.Kom,Staf,,DINKES,Dinkes,,asn,\n",
			errs: []keyOf{{3, "", keyRowFields}},
		},
		{
			name: "bare quote",
			in:   header + "\n198503122010011003,Budi \"Ucok\",Staf,,DINKES,Dinkes,,asn,\n",
			errs: []keyOf{{2, "", keyCSVSyntax}},
		},
		{
			name: "empty file",
			in:   "\ufeff\n\n;;;\n",
			errs: []keyOf{{0, "", keyFileEmpty}},
		},
		{
			name: "header only",
			in:   header + "\n",
			want: []Row{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Read(strings.NewReader(tt.in), "csv")
			if tt.errs != nil {
				if got := keysOf(t, err); !reflect.DeepEqual(got, tt.errs) {
					t.Fatalf("errors %v, want %v", got, tt.errs)
				}
				if rows != nil {
					t.Errorf("rows %v returned with errors", rows)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Fatalf("rows differ:\n got %+v\nwant %+v", rows, tt.want)
			}
		})
	}
}

// A CSV saved by Excel's plain "CSV" on Windows is Windows-1252, where é is the byte 0xE9.
func TestReadCSVWindows1252(t *testing.T) {
	t.Parallel()
	in := "nip;nama;jabatan;eselon;opd_kode;opd_nama;telepon;peran;atasan_nip\n198503122010011003;Andr\xe9;;;X1;Y;;asn;\n"
	rows, err := Read(strings.NewReader(in), "csv")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Name != "André" {
		t.Fatalf("name %q, want André", rows[0].Name)
	}
}

func TestReadFormat(t *testing.T) {
	// Not in parallel: excelize builds encoding/xml's type descriptions lazily, and the race
	// detector (Go 1.26.8) reports two workbooks doing it side by side.
	if _, err := Read(strings.NewReader(""), "ods"); !reflect.DeepEqual(keysOf(t, err), []keyOf{{0, "", keyFormat}}) {
		t.Fatalf("Read format ods: %v", err)
	}
	if _, err := ReadFile("roster.xls"); !reflect.DeepEqual(keysOf(t, err), []keyOf{{0, "", keyFormat}}) {
		t.Fatalf("ReadFile .xls: %v", err)
	}
	_, err := ReadFile(filepath.Join(t.TempDir(), "missing.csv"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ReadFile of a missing file: %v, want a wrapped not-exist error", err)
	}
	if _, err := Read(strings.NewReader("not a zip"), "xlsx"); !reflect.DeepEqual(keysOf(t, err), []keyOf{{0, "", keyXLSXUnreadable}}) {
		t.Fatalf("Read of a broken xlsx: %v", err)
	}
}

// TestReadXLSX writes a workbook the way an operator's would look: NIPs typed as text, one NIP
// typed as a number (which Excel keeps as a float), phones and working days as numbers, a blank
// row in the middle.
func TestReadXLSX(t *testing.T) {
	// Not in parallel: excelize builds encoding/xml's type descriptions lazily, and the race
	// detector (Go 1.26.8) reports two workbooks doing it side by side.
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	set := func(cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	header := []any{"NIP", "Nama", "Jabatan", "Eselon", "OPD_Kode", "OPD_Nama", "Telepon", "Peran", "Atasan_NIP", "Hari_Kerja"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		t.Fatal(err)
	}
	row2 := []any{"197505102000031002", "Siti", "Kepala Dinas", "II.a", "DINKES", "Dinas Kesehatan", 81211112222, "kepala", "", 6}
	if err := f.SetSheetRow(sheet, "A2", &row2); err != nil {
		t.Fatal(err)
	}
	// Row 3 stays blank.
	row4 := []any{"198503122010011003", "Budi", "Staf", "", "DINKES", "Dinas Kesehatan", "0813-2222-3333", "asn", "197505102000031002"}
	if err := f.SetSheetRow(sheet, "A4", &row4); err != nil {
		t.Fatal(err)
	}
	row5 := []any{nil, "Ani", "Staf", "", "DINKES", "Dinas Kesehatan", nil, "asn", "197505102000031002"}
	if err := f.SetSheetRow(sheet, "A5", &row5); err != nil {
		t.Fatal(err)
	}
	set("A5", int64(199001012015032001)) // NIP as a number
	// A second sheet must be ignored: only the first one is the roster.
	if _, err := f.NewSheet("Catatan"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Catatan", "A1", "abaikan"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	rows, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, NIP: "197505102000031002", Name: "Siti", Position: "Kepala Dinas", Eselon: "II.a", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "81211112222", Role: "kepala", WorkDays: 6, workDays: "6"},
		{Line: 4, NIP: "198503122010011003", Name: "Budi", Position: "Staf", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "0813-2222-3333", Role: "asn", SupervisorNIP: "197505102000031002"},
		// 199001012015032001 has 18 significant digits; excelize shows it with Excel's 15.
		{Line: 5, NIP: "1.99001012015032E+17", Name: "Ani", Position: "Staf", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Role: "asn", SupervisorNIP: "197505102000031002"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows differ:\n got %+v\nwant %+v", rows, want)
	}

	// The number-stored NIP is the one problem, explained as such; the phone stored as a number
	// lost its leading 0 but is still understood.
	out, errs := Validate(rows, nil)
	if got := keysOfErrs(errs); !reflect.DeepEqual(got, []keyOf{{5, "nip", keyNIPScientific}}) {
		t.Fatalf("Validate errors %v", got)
	}
	if out[0].Phone != "6281211112222" {
		t.Errorf("phone %q, want 6281211112222", out[0].Phone)
	}
}

func keysOfErrs(errs Errors) []keyOf {
	var out []keyOf
	for _, e := range errs {
		out = append(out, keyOf{e.Line, e.Column, e.Key})
	}
	return out
}

// Issue 26, item 5: a CSV whose rows mix UTF-8 and Windows-1252 was decoded as Windows-1252 as a
// whole, garbling every UTF-8 name ("KadÃ©k") without a word. It is refused, naming the odd row.
func TestReadRefusesMixedEncodings(t *testing.T) {
	t.Parallel()
	header := "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n"
	utf8Row := "198806202014031004,Ni Luh Putu Kadék,Staf,,DISKOMINFO,Dinas Kominfo,081200000002,asn,\n"
	utf8Row2 := "199002142015032001,Siti Rahmà,Staf,,DISKOMINFO,Dinas Kominfo,,asn,\n"
	cp1252Row := "199505052020122003,Andr\xe9 Wijaya,Staf,,DISKOMINFO,Dinas Kominfo,,asn,\n"
	_, err := Read(strings.NewReader(header+utf8Row+cp1252Row+utf8Row2), "csv")
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Key != keyMixedEncoding || errs[0].Line != 3 || errs[0].Args["Kind"] != "Windows-1252" {
		t.Fatalf("mixed file: %v", err)
	}
	msg := errs[0].Message(catalog.Must(), "id")
	if !strings.Contains(msg, "Baris 3") || !strings.Contains(msg, "CSV UTF-8") {
		t.Fatalf("message %q", msg)
	}
	// Windows-1252 throughout is read as such; UTF-8 throughout as UTF-8.
	rows, err := Read(strings.NewReader(header+cp1252Row), "csv")
	if err != nil || rows[0].Name != "André Wijaya" {
		t.Fatalf("Windows-1252 file: %v %+v", err, rows)
	}
	rows, err = Read(strings.NewReader(header+utf8Row+utf8Row2), "csv")
	if err != nil || rows[0].Name != "Ni Luh Putu Kadék" {
		t.Fatalf("UTF-8 file: %v %+v", err, rows)
	}
}

// Issue 26, item 4: a roster over the row limit is refused as soon as the limit is passed, in CSV
// and XLSX, and one at the limit is read; a file far larger than any roster is refused by its size.
func TestReadRefusesTooManyRows(t *testing.T) {
	// Not in parallel: excelize builds encoding/xml's type descriptions lazily, and the race
	// detector (Go 1.26.8) reports two workbooks doing it side by side.
	header := "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n"
	row := "198806202014031004,Budi,Staf,,DISKOMINFO,Dinas Kominfo,,asn,\n"
	three := header + row + "\n" + row + row // a blank line does not count
	if rows, err := ReadMax(strings.NewReader(three), "csv", 3); err != nil || len(rows) != 3 {
		t.Fatalf("at the limit: %d rows, %v", len(rows), err)
	}
	var errs Errors
	if _, err := ReadMax(strings.NewReader(three), "csv", 2); !errors.As(err, &errs) || errs[0].Key != keyTooManyRows || errs[0].Args["Max"] != 2 {
		t.Fatalf("over the limit: %v", err)
	}
	huge := header + strings.Repeat(strings.Repeat("x", 1000)+"\n", 20)
	if _, err := ReadMax(strings.NewReader(huge), "csv", 1); !errors.As(err, &errs) || errs[0].Key != keyTooManyRows {
		t.Fatalf("a file too large for the limit: %v", err)
	}

	f := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(header+row+row+row), "\n") {
		cells := strings.Split(line, ",")
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+1), &vals)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if rows, err := ReadMax(bytes.NewReader(buf.Bytes()), "xlsx", 3); err != nil || len(rows) != 3 {
		t.Fatalf("xlsx at the limit: %d rows, %v", len(rows), err)
	}
	if _, err := ReadMax(bytes.NewReader(buf.Bytes()), "xlsx", 2); !errors.As(err, &errs) || errs[0].Key != keyTooManyRows {
		t.Fatalf("xlsx over the limit: %v", err)
	}
}
