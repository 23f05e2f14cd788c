package roster

import (
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/store"
)

// A roster whose cells carry control characters and bidirectional overrides (pasted from a PDF,
// or planted) is imported with them dropped: the names people see in chats, digests and exports
// are the written words only, and the NIP and phone in such cells still read.
func TestImportDropsControlCharacters(t *testing.T) {
	t.Parallel()
	const csv = "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n" +
		"\u202e197505102000031002,dr. Siti\x00 Rahmawati\x07,Kepala\x1b[31m Dinas \u202eKesehatan\u202c,II.a,DINKES,Dinas\u2066 Kesehatan\u2069\u200f,0812\x1b-1111-2222,kepala,196801011990031001\n" +
		"198503122010011003,\ufeffBudi\tSantoso\u0085,Pengelola Keuangan,-,DINKES,Dinas Kesehatan,,staf,197505102000031002\n"
	rows, err := Read(strings.NewReader(csv), "csv")
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	if _, err := Import(context.Background(), st, rows, importTime); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"197505102000031002": {"dr. Siti Rahmawati", "Kepala[31m Dinas Kesehatan"},
		"198503122010011003": {"Budi Santoso", "Pengelola Keuangan"},
	}
	checkClean(t, st, want, "Dinas Kesehatan", "6281211112222")
}

// The same for an .xlsx roster, whose cells reach Read through excelize.
func TestImportXLSXDropsControlCharacters(t *testing.T) {
	// Not in parallel: excelize builds encoding/xml's type descriptions lazily, and the race
	// detector (Go 1.26.8) reports two workbooks doing it side by side.
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{
		{"nip", "nama", "jabatan", "eselon", "opd_kode", "opd_nama", "telepon", "peran", "atasan_nip"},
		{"197505102000031002", "dr. Siti\u202e Rahmawati", "Kepala Dinas\u2066", "II.a", "DINKES", "\u202eDinas Kesehatan", "0812-1111-2222", "kepala", "196801011990031001"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Read(buf, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	if _, err := Import(context.Background(), st, rows, importTime); err != nil {
		t.Fatal(err)
	}
	checkClean(t, st, map[string][2]string{"197505102000031002": {"dr. Siti Rahmawati", "Kepala Dinas"}}, "Dinas Kesehatan", "6281211112222")
}

// Rows built by a caller rather than read from a file are cleaned by Validate.
func TestValidateDropsControlCharacters(t *testing.T) {
	t.Parallel()
	rows := []Row{{Line: 2, NIP: "197505102000031002", Name: "Siti\u202e\x00 Rahmawati", Position: "Kepala\x07", Eselon: "II.a", OPDCode: "DINKES", OPDName: "Dinas\u2067 Kesehatan", Role: "kepala", SupervisorNIP: "196801011990031001"}}
	valid, errs := Validate(rows, inDatabase)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if r := valid[0]; r.Name != "Siti Rahmawati" || r.Position != "Kepala" || r.OPDName != "Dinas Kesehatan" {
		t.Fatalf("validated row %q, %q, %q", r.Name, r.Position, r.OPDName)
	}
}

func checkClean(t *testing.T, st *store.Store, want map[string][2]string, opdName, phone string) {
	t.Helper()
	for nip, w := range want {
		var name, position, opd, ph string
		err := st.DB().QueryRow(`SELECT e.name, e.position, o.name, COALESCE(e.phone, '') FROM employees e JOIN opds o ON o.code = e.opd_code WHERE e.nip = ?`, nip).
			Scan(&name, &position, &opd, &ph)
		if err != nil {
			t.Fatalf("employee %s: %v", nip, err)
		}
		if name != w[0] || position != w[1] || opd != opdName {
			t.Fatalf("employee %s stored as %q, %q in %q; want %q, %q in %q", nip, name, position, opd, w[0], w[1], opdName)
		}
		if w[0] == "dr. Siti Rahmawati" && ph != phone {
			t.Fatalf("phone %q, want %q", ph, phone)
		}
	}
}
