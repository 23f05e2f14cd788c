package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"Verifikasi SPJ", "Verifikasi SPJ"},
		{"Rapat\x00 koordinasi\x07", "Rapat koordinasi"},
		{"\x1b[31mmerah\x1b[0m", "[31mmerah[0m"},
		{"laporan\u202egpj.exe", "laporangpj.exe"},
		{"a\u2066b\u2069c\u200fd\u200ee\u061cf", "abcdef"},
		{"baris 1\r\nbaris 2\rbaris 3", "baris 1\nbaris 2\nbaris 3"},
		{"kolom\tdua", "kolom dua"},
		{"\ufeffBOM", "BOM"},
		{"emoji 👨\u200d💻 tetap", "emoji 👨\u200d💻 tetap"},
		{"bukan utf8 \xff!", "bukan utf8 \ufffd!"},
		{"C1\u0085x\u009b", "C1x"},
		{"Rp 1.250,00 – ✅", "Rp 1.250,00 – ✅"},
	}
	for _, c := range cases {
		got, changed := Text(c.in)
		if got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
		if changed != (c.in != c.want) {
			t.Errorf("Text(%q): changed = %v", c.in, changed)
		}
	}
}

func TestCSVCell(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+62812":                   "'+62812",
		"@SUM(A1)":                 "'@SUM(A1)",
		"-3":                       "-3",
		"-2,5":                     "-2,5",
		"-1+1":                     "'-1+1",
		"-cmd|' /C calc'!A0":       "'-cmd|' /C calc'!A0",
		"\t=1+1":                   "'=1+1",
		"Verifikasi SPJ":           "Verifikasi SPJ",
		"baris\nbaru":              "baris baru",
		"":                         "",
	}
	for in, want := range cases {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzText: the result never holds a dropped rune, is valid UTF-8, is stable, and keeps every
// letter and digit of the input in order.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Verifikasi SPJ #2", "a\u202eb", "\x00\r\n\t", "\xff\xfe", "👨\u200d💻", "\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if r != '\n' && unsafe(r) || r == '\r' || r == '\t' {
				t.Fatalf("Text(%q) = %q keeps %U", s, got, r)
			}
		}
		if again, changed := Text(got); again != got || changed {
			t.Fatalf("Text is not stable on %q: %q", got, again)
		}
		keep := func(x string) string {
			return strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, x)
		}
		if keep(got) != keep(s) {
			t.Fatalf("Text(%q) = %q lost letters", s, got)
		}
		c := CSVCell(s)
		if c != "" && strings.ContainsRune("=+@", rune(c[0])) {
			t.Fatalf("CSVCell(%q) = %q starts a formula", s, c)
		}
	})
}
