package freetext

import (
	"testing"
	"unicode/utf8"

	"github.com/lapkin-id/lapkin/parse"
)

// FuzzUnderstand feeds the reader anything a person could send: it must never panic, and what it
// reads must stay within what a report may hold (a day not after the message's, minutes within a
// day, a quantity within parse.MaxQuantity, one match per activity).
func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"tadi rapat koordinasi 2 jam", "sudah verifikasi lima berkas spj", "Lapor: 3 dokumen SPJ #2",
		"1. rapat 2 jam 2. verifikasi 5 spj", "kemarin: anc 7 bumil, penyuluhan 1 kegiatan", "👍", "08.00-10.30 upload 3 berita",
		"tgl 31 des verifikasi dua ratus lima puluh dokumen", "jam 10 sampai 2 rapat", "6jp 2x 1j30m sejam", "berapa progres saya?",
		"dan dan dan , , ; ;", "9999999 99999j 1.250,5 berkas", "sdn 3 lantai 2 rt 05 tahun 2024"} {
		f.Add(s)
	}
	lex := Default()
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || len(text) > 2000 {
			return
		}
		u := lex.Understand(text, wednesday, budiTargets)
		if u.Kind == Report && len(u.Matches) != len(u.Activities) {
			t.Fatalf("%q: %d activities, %d matches", text, len(u.Activities), len(u.Matches))
		}
		for i, a := range u.Activities {
			if a.Day.After(wednesday) {
				t.Fatalf("%q: a day after the message's: %s", text, a.Day)
			}
			if a.Minutes < 0 || a.Minutes > 24*60 {
				t.Fatalf("%q: %d minutes", text, a.Minutes)
			}
			if a.Quantity < 0 || u.Kind == Report && u.Matches[i].Quantity > parse.MaxQuantity && a.Target == 0 {
				t.Fatalf("%q: quantity %v", text, a.Quantity)
			}
		}
	})
}
