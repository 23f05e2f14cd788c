package freetext

import (
	"strings"

	"github.com/lapkin-id/lapkin/parse"
)

// No Go library reads Indonesian number words (PRACTICE.md); these are the words people write
// in a report: units, teens (belas), tens (puluh), hundreds (ratus), a thousand (ribu), half
// (setengah) and the se- forms of one.
var (
	units = map[string]float64{"nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
		"tujuh": 7, "delapan": 8, "sembilan": 9}
	// seWords are one thing counted with its classifier: "sebuah laporan", "selembar surat".
	seWords = map[string]float64{"sebuah": 1, "selembar": 1, "seorang": 1, "sekali": 1, "sebiji": 1, "sepaket": 1,
		"seberkas": 1}
)

// numberWords reads a number written in words starting at toks[i] and returns it with the count
// of words used (0 when toks[i] starts none). "dua puluh lima" is 25, "seratus dua puluh" 120,
// "dua ribu lima ratus" 2500, "dua setengah" 2.5, "setengah" 0.5, "sebelas" 11, "tiga belas" 13.
// A word that cannot continue the number ends it: "dua dua" is 2, then another 2.
func numberWords(toks []string, i int) (float64, int) {
	word := func(k int) string {
		if k < len(toks) {
			return toks[k]
		}
		return ""
	}
	if word(i) == "setengah" {
		return 0.5, 1
	}
	v, n := belowThousand(word, i)
	switch {
	case word(i) == "seribu":
		v, n = 1000, 1
		w, m := belowThousand(word, i+1)
		v, n = v+w, n+m
	case n > 0 && word(i+n) == "ribu":
		v *= 1000
		n++
		w, m := belowThousand(word, i+n)
		v, n = v+w, n+m
	}
	if n > 0 && word(i+n) == "setengah" {
		return v + 0.5, n + 1
	}
	return v, n
}

// belowThousand reads hundreds, tens and units: "seratus", "tiga ratus", "dua puluh lima",
// "sebelas", "tujuh belas", "sepuluh", "sembilan".
func belowThousand(word func(int) string, i int) (float64, int) {
	unit := func(k int) (float64, bool) {
		u, ok := units[word(k)]
		return u, ok && u > 0
	}
	v, n := 0.0, 0
	if word(i) == "seratus" {
		v, n = 100, 1
	} else if u, ok := unit(i); ok && word(i+1) == "ratus" {
		v, n = u*100, 2
	}
	k := i + n
	switch u, ok := unit(k); {
	case word(k) == "sepuluh":
		return v + 10, n + 1
	case word(k) == "sebelas":
		return v + 11, n + 1
	case ok && word(k+1) == "belas":
		return v + 10 + u, n + 2
	case ok && word(k+1) == "puluh":
		v, n = v+u*10, n+2
		if u2, ok := unit(k + 2); ok {
			return v + u2, n + 1
		}
		return v, n
	case ok:
		return v + u, n + 1
	case n == 0 && word(k) == "nol":
		return 0, 1
	}
	return v, n
}

// digits reads a number written with digits the Indonesian way ("2,5", "1.250").
func digits(s string) (float64, bool) { return parse.Number(s) }

// Quantity reads an answer to "how many?": digits the Indonesian way ("3", "2,5", "1.250") or
// a number in words ("tiga", "dua puluh lima", "sebuah"), alone or followed by a unit word
// ("5 berkas"). It is more than 0 and at most parse.MaxQuantity.
func Quantity(s string) (float64, bool) {
	toks := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(toks) == 0 {
		return 0, false
	}
	v, n := 0.0, 0
	if f, ok := parse.Quantity(toks[0]); ok {
		v, n = f, 1
	} else if q, ok := seWords[toks[0]]; ok {
		v, n = q, 1
	} else {
		v, n = numberWords(toks, 0)
	}
	if n == 0 || !(v > 0) || v > parse.MaxQuantity || len(toks)-n > 1 {
		return 0, false
	}
	return v, true
}
