package flows

import "testing"

// Issue 26, item 8: the call name follows the name; a Balinese name's marker says the sex.
func TestCallName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		full string
		sex  int
		name string
	}{
		{"Ni Luh Putu Ayu Kadek Sari, S.E.", sexFemale, "Ni Luh"},
		{"Ni Made Sri Wahyuni", sexFemale, "Ni Made"},
		{"I Made Suardana, S.T.", sexMale, "Made"},
		{"I Gusti Ngurah Rai", sexMale, "Gusti Ngurah"},
		{"Ida Ayu Made Sri", sexFemale, "Ida Ayu"},
		{"Ida Bagus Oka", sexMale, "Ida Bagus"},
		{"Anak Agung Gede Raka", sexUnknown, "Anak Agung"},
		{"Hj Siti Aminah", sexUnknown, "Siti"},
		{"Drs. H. Ahmad Fauzi, M.Si.", sexUnknown, "Ahmad"},
		{"Drs Ahmad Fauzi", sexUnknown, "Ahmad"},
		{"dr. Togar Simanjuntak, M.Kes.", sexUnknown, "Togar"},
		{"Budi Santoso", sexUnknown, "Budi"},
		{"I Nengah", sexMale, "Nengah"},
		{"Ir.", sexUnknown, "Ir."},
	} {
		sex, name := callName(c.full)
		if sex != c.sex || name != c.name {
			t.Errorf("callName(%q) = %d %q, want %d %q", c.full, sex, name, c.sex, c.name)
		}
	}
}
