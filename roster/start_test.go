package roster

import (
	"context"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/store"
)

// The optional column mulai (TMT) is read in both date forms, refused when it is not a date, and
// kept by a later import that does not have the column.
func TestStartDateColumn(t *testing.T) {
	t.Parallel()
	const header = "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,mulai\n"
	in := header +
		"198806202014031004,Budi Santoso,Pranata Komputer,,DISKOMINFO,Dinas Kominfo,,asn,,2026-11-09\n" +
		"199002142015032001,Siti Rahma,Pengelola Keuangan,,DISKOMINFO,Dinas Kominfo,,asn,,05-01-2026\n" +
		"199505052020122003,Rina Wulandari,Arsiparis,,DISKOMINFO,Dinas Kominfo,,asn,,-\n"
	rows, err := Read(strings.NewReader(in), "csv")
	if err != nil {
		t.Fatal(err)
	}
	out, errs := Validate(rows, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if out[0].StartDate != "2026-11-09" || out[1].StartDate != "2026-01-05" || out[2].StartDate != "" {
		t.Fatalf("start dates %q %q %q", out[0].StartDate, out[1].StartDate, out[2].StartDate)
	}

	for _, bad := range []string{"31-02-2026", "2026/13/01", "besok", "09-11-26", "1900-01-01"} {
		rows, _ := Read(strings.NewReader(header+"198806202014031004,Budi,Staf,,DISKOMINFO,Dinas Kominfo,,asn,,"+bad+"\n"), "csv")
		_, errs := Validate(rows, nil)
		if len(errs) != 1 || errs[0].Key != keyStartDate || errs[0].Column != "mulai" || errs[0].Line != 2 {
			t.Errorf("mulai %q: %v", bad, errs)
		}
	}

	st := openStore(t)
	ctx := context.Background()
	if _, err := Import(ctx, st, rows, importTime); err != nil {
		t.Fatal(err)
	}
	// The same people again, from a roster without the column: Budi's mulai stays.
	old := strings.ReplaceAll(strings.ReplaceAll(in, ",mulai\n", "\n"), ",2026-11-09\n", "\n")
	old = strings.ReplaceAll(strings.ReplaceAll(old, ",05-01-2026\n", "\n"), ",-\n", "\n")
	rows2, err := Read(strings.NewReader(old), "csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, st, rows2, importTime); err != nil {
		t.Fatal(err)
	}
	var e store.Employee
	st.View(ctx, func(tx *store.Tx) (err error) { e, err = tx.Employee(ctx, "198806202014031004"); return })
	if e.StartDate != "2026-11-09" {
		t.Fatalf("mulai after a re-import without the column: %q", e.StartDate)
	}
}
