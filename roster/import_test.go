package roster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

var importTime = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// openStore opens a database that already holds the supervisor testdata/good.csv names but does
// not contain (the city secretary), as an earlier import would have left it.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertOPD(ctx, store.OPD{Code: "SETDA", Name: "Sekretariat Daerah"}, importTime); err != nil {
			return err
		}
		return tx.UpsertEmployee(ctx, store.Employee{NIP: "196801011990031001", Name: "Sekda", OPDCode: "SETDA", Role: store.RoleKepala}, importTime)
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func count(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportGoodRoster(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	rows, err := ReadFile("testdata/good.csv")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Import(context.Background(), st, rows, importTime)
	if err != nil {
		t.Fatal(err)
	}
	if sum.EmployeesNew != len(rows) || sum.EmployeesUpdated != 0 || count(t, st, "employees") != len(rows)+1 {
		t.Fatalf("summary %+v, %d rows, %d in the database", sum, len(rows), count(t, st, "employees"))
	}
	ctx := context.Background()
	st.View(ctx, func(tx *store.Tx) error {
		e, err := tx.Employee(ctx, "198503122010011003")
		if err != nil || e.Phone != "6281322223333" || e.Role != store.RoleASN || e.OPDCode != "DINKES" || e.SupervisorNIP != "197505102000031002" {
			t.Errorf("Budi stored as %+v (%v)", e, err)
		}
		o, err := tx.OPD(ctx, "DINKES")
		if err != nil || o.WorkDays != 6 {
			t.Errorf("DINKES stored as %+v (%v)", o, err)
		}
		return nil
	})

	// Importing the same file again changes nothing, and writes nothing (issue 26, item 8): not
	// even the counter every evaluation preview watches.
	var gen int64
	st.DB().QueryRow(`SELECT n FROM input_generation`).Scan(&gen)
	sum, err = Import(ctx, st, rows, importTime.Add(time.Hour))
	if err != nil || !sum.Unchanged() || sum.EmployeesUnchanged != len(rows) || sum.OPDsUnchanged != 2 {
		t.Fatalf("second import: %+v %v", sum, err)
	}
	var gen2 int64
	st.DB().QueryRow(`SELECT n FROM input_generation`).Scan(&gen2)
	if gen2 != gen {
		t.Fatalf("an unchanged import moved the inputs counter %d -> %d", gen, gen2)
	}
	// One changed cell is one update.
	rows[1].Position = "Kepala Subbagian Keuangan"
	sum, err = Import(ctx, st, rows, importTime.Add(2*time.Hour))
	if err != nil || sum.EmployeesUpdated != 1 || sum.EmployeesUnchanged != len(rows)-1 || sum.Unchanged() {
		t.Fatalf("third import: %+v %v", sum, err)
	}
}

func TestImportBadRosterWritesNothing(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	rows, err := ReadFile("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(context.Background(), st, rows, importTime)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("bad roster accepted: %v", err)
	}
	if n := count(t, st, "employees") + count(t, st, "opds"); n != 2 {
		t.Fatalf("a rejected import wrote %d rows", n)
	}
}

func TestImportOneBadRowRejectsAll(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	good, err := os.ReadFile("testdata/good.csv")
	if err != nil {
		t.Fatal(err)
	}
	// One good file plus one row with a bad phone: nothing of it may be written.
	text := strings.TrimRight(string(good), "\n") + "\n199201012018011001,Joko,Staf,,DINKES,Dinas Kesehatan,12ab,asn,197505102000031002,6\n"
	rows, err := Read(strings.NewReader(text), "csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(context.Background(), st, rows, importTime)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Column != "telepon" {
		t.Fatalf("want one telepon error, got %v", err)
	}
	if n := count(t, st, "employees"); n != 1 {
		t.Fatalf("%d employees written", n-1)
	}
}

func TestImportPhoneTakenInDatabase(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	ctx := context.Background()
	rows, _ := ReadFile("testdata/good.csv")
	if _, err := Import(ctx, st, rows, importTime); err != nil {
		t.Fatal(err)
	}
	// A second file for the same OPD gives Budi's phone to a newcomer, whom Budi is not in the file to release.
	text := "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n" +
		"199201012018011001,Joko,Staf,,DINKES,Dinas Kesehatan,0813 2222 3333,asn,197505102000031002\n"
	more, err := Read(strings.NewReader(text), "csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(ctx, st, more, importTime)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Key != keyPhoneTaken || errs[0].Line != 2 {
		t.Fatalf("want phone_taken on line 2, got %v", err)
	}
}

// Issue 26, item 8: the optional column sapaan is stored as the call name; a later import without
// it keeps it, "-" clears it.
func TestImportCallName(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	ctx := context.Background()
	read := func(header, row string) []Row {
		t.Helper()
		rows, err := Read(strings.NewReader(header+"\n"+row+"\n"), "csv")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	const base = "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip"
	const row = "199001012015032001,Ni Luh Putu Ayu,Analis,,DINKES,Dinas Kesehatan,,asn,"
	callName := func() string {
		var c string
		st.DB().QueryRow(`SELECT call_name FROM employees WHERE nip = '199001012015032001'`).Scan(&c)
		return c
	}
	for _, step := range []struct {
		header, row, want string
	}{
		{base + ",sapaan", row + ",Bu Luh", "Bu Luh"},
		{base, row, "Bu Luh"},
		{base + ",sapaan", row + ",", "Bu Luh"},
		{base + ",sapaan", row + ",-", ""},
	} {
		if _, err := Import(ctx, st, read(step.header, step.row), importTime); err != nil {
			t.Fatal(err)
		}
		if got := callName(); got != step.want {
			t.Fatalf("after %q: call name %q, want %q", step.row, got, step.want)
		}
	}
}
