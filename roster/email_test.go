package roster

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/store"
)

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"budi.santoso@bekasikota.go.id":         "budi.santoso@bekasikota.go.id",
		" Budi.Santoso@Bekasikota.GO.ID ":       "budi.santoso@bekasikota.go.id",
		"Budi <budi@bekasikota.go.id>":          "budi@bekasikota.go.id",
		"kepala.dinkes+lapkin@bekasikota.go.id": "kepala.dinkes+lapkin@bekasikota.go.id",
		"budi@bekasikota":                       "",
		"budi":                                  "",
		"budi@bekasikota.go.id, ani@x.go.id":    "",
		"budi@@bekasikota.go.id":                "",
		"budi@bekasikota..go.id":                "",
		"":                                      "",
	} {
		got, err := NormalizeEmail(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key != keyEmailInvalid {
				t.Errorf("NormalizeEmail(%q) error %v, want %s", in, err, keyEmailInvalid)
			}
		}
		if want != "" {
			if again, _ := NormalizeEmail(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		}
	}
}

func TestValidateEmailColumn(t *testing.T) {
	rows, err := Read(strings.NewReader("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,email\n"+
		"198806202014031004,Budi,Staf,,DINKES,Dinas Kesehatan,,asn,,Budi@Bekasikota.go.id\n"+
		"199001012015032001,Ani,Staf,,DINKES,Dinas Kesehatan,,asn,,-\n"+
		"199201012018011001,Joko,Staf,,DINKES,Dinas Kesehatan,,asn,,\n"+
		"199301012019011001,Rina,Staf,,DINKES,Dinas Kesehatan,,asn,,budi@bekasikota.go.id\n"), "csv")
	if err != nil {
		t.Fatal(err)
	}
	valid, errs := Validate(rows, nil)
	if len(errs) != 1 || errs[0].Key != keyEmailDuplicate || errs[0].Line != 5 || errs[0].Args["FirstLine"] != 2 {
		t.Fatalf("want one email_duplicate on line 5, got %v", errs)
	}
	if len(valid) != 4 {
		t.Fatalf("%d rows back, want 4", len(valid))
	}
	for i, want := range []string{"budi@bekasikota.go.id", "-", "", "budi@bekasikota.go.id"} {
		if got := valid[i].Email; got != want {
			t.Errorf("row %d email %q, want %q", i+2, got, want)
		}
	}
}

// Issue 23: the optional column email is stored lower-cased and found by EmployeeByEmail; a later
// import without it keeps it, "-" clears it; an address moves between two people of one file; an
// address held by someone not in the file is refused by row.
func TestImportEmail(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	read := func(text string) []Row {
		t.Helper()
		rows, err := Read(strings.NewReader(text), "csv")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	const base = "nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip"
	const budi = "198806202014031004,Budi,Staf,,DINKES,Dinas Kesehatan,,asn,"
	const ani = "199001012015032001,Ani,Staf,,DINKES,Dinas Kesehatan,,asn,"
	byEmail := func(addr string) string {
		t.Helper()
		var nip string
		err := st.View(ctx, func(tx *store.Tx) error {
			e, err := tx.EmployeeByEmail(ctx, addr)
			nip = e.NIP
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return nip
	}
	for _, step := range []struct {
		file       string
		addr, want string
	}{
		{base + ",email\n" + budi + ",Budi.Santoso@Bekasikota.go.id\n" + ani + ",ani@bekasikota.go.id\n", "BUDI.SANTOSO@bekasikota.go.id", "198806202014031004"},
		{base + "\n" + budi + "\n", "budi.santoso@bekasikota.go.id", "198806202014031004"},
		{base + ",email\n" + budi + ",\n", "budi.santoso@bekasikota.go.id", "198806202014031004"},
		// A swap within one file.
		{base + ",email\n" + budi + ",ani@bekasikota.go.id\n" + ani + ",budi.santoso@bekasikota.go.id\n", "ani@bekasikota.go.id", "198806202014031004"},
		{base + ",email\n" + budi + ",-\n", "ani@bekasikota.go.id", ""},
	} {
		if _, err := Import(ctx, st, read(step.file), importTime); err != nil {
			t.Fatalf("import %q: %v", step.file, err)
		}
		if got := byEmail(step.addr); got != step.want {
			t.Fatalf("after %q: %s belongs to %q, want %q", step.file, step.addr, got, step.want)
		}
	}
	// Ani holds budi.santoso@ since the swap; a file without Ani cannot give it to Joko.
	_, err := Import(ctx, st, read(base+",email\n199201012018011001,Joko,Staf,,DINKES,Dinas Kesehatan,,asn,,budi.santoso@bekasikota.go.id\n"), importTime)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Key != keyEmailTaken || errs[0].Line != 2 {
		t.Fatalf("want email_taken on line 2, got %v", err)
	}
}
