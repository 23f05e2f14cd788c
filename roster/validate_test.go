package roster

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/catalog"
)

// inDatabase stands for the employees imported before: the Sekda who supervises the head of
// DISDIK in testdata/good.csv is not in that file.
func inDatabase(nip string) bool { return nip == "196801011990031001" }

func TestValidateGood(t *testing.T) {
	t.Parallel()
	rows, err := ReadFile(filepath.Join("testdata", "good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	out, errs := Validate(rows, inDatabase)
	if errs != nil {
		t.Fatalf("errors on a good roster:\n%v", errs)
	}
	want := []Row{
		// "kepala_opd" is an alias of kepala; 0812-1111-2222 -> 62 812 1111 2222.
		{Line: 2, NIP: "197505102000031002", Name: "dr. Siti Rahmawati, M.Kes", Position: "Kepala Dinas Kesehatan", Eselon: "II.a", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "6281211112222", Role: "kepala", WorkDays: 6},
		// "-" eselon is none; "dinkes" upper-cased; double space collapsed; "staf" is asn;
		// hari_kerja empty takes DINKES's 6 from line 2.
		{Line: 3, NIP: "198503122010011003", Name: "Budi Santoso", Position: "Pengelola Keuangan", Eselon: "", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Phone: "6281322223333", Role: "asn", SupervisorNIP: "197505102000031002", WorkDays: 6},
		// No phone is fine; the spaced supervisor NIP loses its spaces.
		{Line: 5, NIP: "199001012015032001", Name: "Ani Lestari", Position: "Perawat", OPDCode: "DINKES", OPDName: "Dinas Kesehatan", Role: "asn", SupervisorNIP: "197505102000031002", WorkDays: 6},
		// "II/b" -> "II.b"; the supervisor is known from the database only.
		{Line: 6, NIP: "197012251995121001", Name: "Drs. Hendra Wijaya", Position: "Kepala Dinas Pendidikan", Eselon: "II.b", OPDCode: "DISDIK", OPDName: "Dinas Pendidikan", Phone: "6281344445555", Role: "kepala", SupervisorNIP: "196801011990031001", WorkDays: 5},
		// 85266667777 (Excel dropped the 0) -> 6285266667777; "pegawai" is asn.
		{Line: 7, NIP: "198807172012122002", Name: "Rina Marlina", Position: "Analis Kepegawaian", Eselon: "IV", OPDCode: "DISDIK", OPDName: "Dinas Pendidikan", Phone: "6285266667777", Role: "asn", SupervisorNIP: "197012251995121001", WorkDays: 5},
	}
	for i := range out {
		out[i].workDays = "" // the cell as written, kept only for messages
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("normalised rows differ:\n got %+v\nwant %+v", out, want)
	}

	// Without the database the Sekda is unknown: the only problem.
	_, errs = Validate(rows, nil)
	if got := keysOfErrs(errs); !reflect.DeepEqual(got, []keyOf{{6, "atasan_nip", keySupervisorUnknown}}) {
		t.Fatalf("errors without the database: %v", got)
	}
}

// TestValidateBad checks testdata/bad.csv, where every line but 2 carries known mistakes, line by
// line.
func TestValidateBad(t *testing.T) {
	t.Parallel()
	rows, err := ReadFile(filepath.Join("testdata", "bad.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := Validate(rows, func(string) bool { return false })
	want := []keyOf{
		// Line 2 is correct: Siti, head of DINKES, 0812 1111 2222, six days.
		// Line 3: 17-digit NIP, no name, eselon V (abolished), DINKES named differently from
		// line 2, Siti's phone again, unknown role, seven days.
		{3, "nip", keyNIPLength},
		{3, "nama", keyNameEmpty},
		{3, "eselon", keyEselonInvalid},
		{3, "opd_nama", keyOPDNameConflict},
		{3, "telepon", keyPhoneDuplicate},
		{3, "peran", keyRoleInvalid},
		{3, "hari_kerja", keyWorkDays},
		// Line 4: born 30 February; "Dinas Kes" has a space; 021 is a Jakarta landline.
		{4, "nip", keyNIPBirthDate},
		{4, "opd_kode", keyOPDCodeFormat},
		{4, "telepon", keyPhoneNotMobile},
		// Line 5: appointed in month 13 (also as own supervisor, checked as a NIP first), no OPD,
		// a letter in the phone, no role.
		{5, "nip", keyNIPAppointedMonth},
		{5, "opd_kode", keyOPDCodeEmpty},
		{5, "opd_nama", keyOPDNameEmpty},
		{5, "telepon", keyPhoneChars},
		{5, "peran", keyRoleEmpty},
		{5, "atasan_nip", keyNIPAppointedMonth},
		// Line 6 is blank. Line 7: Siti's NIP again, a supervisor nowhere, five days where line 2
		// said six for DINKES.
		{7, "nip", keyNIPDuplicate},
		{7, "atasan_nip", keySupervisorUnknown},
		{7, "hari_kerja", keyWorkDaysConflict},
		// Line 8: own supervisor.
		{8, "atasan_nip", keySupervisorSelf},
		// Lines 9 and 10 supervise each other: one loop, reported on line 9.
		{9, "atasan_nip", keySupervisorCycle},
		// Lines 11 to 18: one NIP mistake each, and on line 12 a phone too short (62812).
		{11, "nip", keyNIPScientific},
		{12, "nip", keyNIPSex},
		{12, "telepon", keyPhoneLength},
		{13, "nip", keyNIPSeq},
		{14, "nip", keyNIPBirthYear},
		{15, "nip", keyNIPAppointedAge},
		{16, "nip", keyNIPChars},
		{17, "nip", keyNIPEmpty},
		{18, "nip", keyNIPAppointedYear},
	}
	if got := keysOfErrs(errs); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors differ:\n got %v\nwant %v", got, want)
	}

	// The cross-row messages name the earlier row and the values involved.
	byKey := map[string]*FieldError{}
	for _, e := range errs {
		byKey[e.Key] = e
	}
	checks := []struct {
		key  string
		args map[string]any
	}{
		{keyNIPDuplicate, map[string]any{"Value": "197505102000031002", "FirstLine": 2}},
		{keyPhoneDuplicate, map[string]any{"Value": "0812-1111-2222", "FirstLine": 2}},
		{keyOPDNameConflict, map[string]any{"Value": "Dinas Kesehatan Kota", "Code": "DINKES", "First": "Dinas Kesehatan", "FirstLine": 2}},
		{keyWorkDaysConflict, map[string]any{"Value": "5", "Code": "DINKES", "First": "6", "FirstLine": 2}},
		{keySupervisorCycle, map[string]any{"Value": "197012251995121001", "Chain": "198807172012122002 → 197012251995121001 → 198807172012122002"}},
		{keyOPDCodeFormat, map[string]any{"Value": "Dinas Kes"}},
		{keyEselonInvalid, map[string]any{"Value": "V"}},
	}
	for _, c := range checks {
		if got := byKey[c.key].Args; !reflect.DeepEqual(got, c.args) {
			t.Errorf("%s args %v, want %v", c.key, got, c.args)
		}
	}
}

func TestValidateEmpty(t *testing.T) {
	t.Parallel()
	_, errs := Validate(nil, nil)
	if got := keysOfErrs(errs); !reflect.DeepEqual(got, []keyOf{{0, "", keyNoRows}}) {
		t.Fatalf("errors %v", got)
	}
}

func TestNormalizeEselon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true}, {"-", "", true}, {"non", "", true}, {"Non Eselon", "", true}, {"non-eselon", "", true},
		{"IV", "IV", true}, {"iv", "IV", true}, {"II.a", "II.a", true}, {"III/b", "III.b", true},
		{"IIIb", "III.b", true}, {"III-B", "III.b", true}, {"Eselon II a", "II.a", true}, {"3b", "III.b", true},
		{"I.a", "I.a", true}, {"I", "I", true},
		{"V", "", false}, {"V.a", "", false}, {"II.c", "", false}, {"IIII", "", false}, {"staf", "", false},
	}
	for _, tt := range tests {
		got, ok := normalizeEselon(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("normalizeEselon(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Every key this package emits has an English fallback and a text in both languages.
func TestKeysInCatalog(t *testing.T) {
	t.Parallel()
	c := catalog.Must()
	for key := range reasons {
		for _, lang := range catalog.Languages {
			if !c.Has(lang, key) {
				t.Errorf("%s has no %s text", key, lang)
			}
		}
	}
	for _, key := range c.Keys("id") {
		if _, ok := reasons[key]; strings.HasPrefix(key, "roster.") && !ok {
			t.Errorf("catalog key %s has no English fallback in reasons", key)
		}
	}
}

// Every message the fixtures produce renders fully in both languages: each template field gets
// its data, so no "<no value>" reaches the operator.
func TestMessagesRender(t *testing.T) {
	t.Parallel()
	c := catalog.Must()
	var all Errors
	rows, _ := ReadFile(filepath.Join("testdata", "bad.csv"))
	_, errs := Validate(rows, nil)
	all = append(all, errs...)
	_, errs = Validate(nil, nil)
	all = append(all, errs...)
	for _, in := range []string{
		"No,nip,nama\n",
		"nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,nama\n",
		"nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n1,2,3,4,5,6,7,8,9,10\n",
		"nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n\"1\"2\n",
		"nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n1,Kadék\n2,Andr\xe9\n",
		"",
	} {
		_, err := Read(strings.NewReader(in), "csv")
		var e Errors
		if !errors.As(err, &e) {
			t.Fatalf("Read(%q) error %v", in, err)
		}
		all = append(all, e...)
	}
	for _, in := range []string{"x", "xlsx"} {
		_, err := Read(strings.NewReader("x"), in)
		var e Errors
		if !errors.As(err, &e) {
			t.Fatalf("Read format %s error %v", in, err)
		}
		all = append(all, e...)
	}
	_, err := NormalizePhone("")
	all = append(all, err.(*FieldError).with(3, "telepon"))
	_, err = ReadMax(strings.NewReader("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip\n1\n2\n"), "csv", 1)
	all = append(all, err.(Errors)...)
	startRows, _ := Read(strings.NewReader("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,mulai\n198806202014031004,Budi,Staf,,DINKES,Dinas Kesehatan,,asn,,besok\n"), "csv")
	_, errs = Validate(startRows, nil)
	all = append(all, errs...)
	callRows, _ := Read(strings.NewReader("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,sapaan\n198806202014031004,Budi,Staf,,DINKES,Dinas Kesehatan,,asn,,"+strings.Repeat("Budi ", 10)+"\n"), "csv")
	_, errs = Validate(callRows, nil)
	all = append(all, errs...)
	emailRows, _ := Read(strings.NewReader("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,email\n"+
		"198806202014031004,Budi,Staf,,DINKES,Dinas Kesehatan,,asn,,budi@bekasikota\n"+
		"199001012015032001,Ani,Staf,,DINKES,Dinas Kesehatan,,asn,,ani@bekasikota.go.id\n"+
		"199201012018011001,Joko,Staf,,DINKES,Dinas Kesehatan,,asn,,ANI@bekasikota.go.id\n"), "csv")
	_, errs = Validate(emailRows, nil)
	all = append(all, errs...)
	// Raised by Import against the database (import_test.go checks when).
	all = append(all, &FieldError{Line: 2, Column: "telepon", Key: keyPhoneTaken, Args: map[string]any{"Value": "6281200000002", "Other": "198806202014031004"}})
	all = append(all, &FieldError{Line: 2, Column: "email", Key: keyEmailTaken, Args: map[string]any{"Value": "budi@bekasikota.go.id", "Other": "198806202014031004"}})

	seen := map[string]bool{}
	for _, e := range all {
		seen[e.Key] = true
		for _, lang := range catalog.Languages {
			m := e.Message(c, lang)
			if strings.Contains(m, "<no value>") || strings.HasPrefix(m, "[roster.") {
				t.Errorf("%s in %s renders as %q", e.Key, lang, m)
			}
		}
	}
	for key := range reasons {
		if !seen[key] {
			t.Errorf("no test renders %s", key)
		}
	}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	c := catalog.Must()
	_, err := ParseNIP("12345")
	fe := err.(*FieldError).with(4, "nip")
	tests := []struct{ lang, want string }{
		{"id", "Baris 4, kolom nip: NIP harus 18 angka, tertulis 12345 (5 angka)."},
		{"en", "Line 4, column nip: a NIP has 18 digits, found 12345 (5 digits)."},
	}
	for _, tt := range tests {
		if got := fe.Message(c, tt.lang); got != tt.want {
			t.Errorf("Message(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got, want := fe.Error(), `row 4, column nip: NIP must have 18 digits (value "12345")`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	errs := Errors{fe, {Line: 7, Column: "telepon", Key: keyPhoneDuplicate, Args: map[string]any{"Value": "0812", "FirstLine": 3}}}
	if got, want := errs.Error(), "row 4, column nip: NIP must have 18 digits (value \"12345\")\n"+
		"row 7, column telepon: phone number already appears in an earlier row (value \"0812\") (first at row 3)"; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
}

// TestCycles checks loops that are entered from a tail and whose first row in the file is not
// where the walk enters.
func TestCycles(t *testing.T) {
	t.Parallel()
	const (
		a = "197505102000031002"
		b = "198503122010011003"
		c = "199001012015032001"
		d = "198807172012122002"
	)
	row := func(line int, nip, sup string) Row {
		return Row{Line: line, NIP: nip, Name: "x", OPDCode: "DINKES", OPDName: "Dinkes", Role: "asn", SupervisorNIP: sup}
	}
	tests := []struct {
		name  string
		rows  []Row
		want  []keyOf
		chain string
	}{
		// d (line 2) -> b (3) -> c (4) -> a (5) -> b: the loop b, c, a starts in the file at line 3.
		{"tail into a loop", []Row{row(2, d, b), row(3, b, c), row(4, c, a), row(5, a, b)},
			[]keyOf{{3, "atasan_nip", keySupervisorCycle}}, b + " → " + c + " → " + a + " → " + b},
		// a (2) -> b (3) -> c (4), c has no supervisor: a chain, no loop.
		{"chain", []Row{row(2, a, b), row(3, b, c), row(4, c, "")}, nil, ""},
		// a (2) -> b (5) -> a, and c (3) -> d (4) -> c: two loops, each reported once.
		{"two loops", []Row{row(2, a, b), row(3, c, d), row(4, d, c), row(5, b, a)},
			[]keyOf{{2, "atasan_nip", keySupervisorCycle}, {3, "atasan_nip", keySupervisorCycle}}, a + " → " + b + " → " + a},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Validate(tt.rows, nil)
			if got := keysOfErrs(errs); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("errors %v, want %v", got, tt.want)
			}
			if tt.chain != "" && errs[0].Args["Chain"] != tt.chain {
				t.Errorf("chain %v, want %s", errs[0].Args["Chain"], tt.chain)
			}
		})
	}
}
