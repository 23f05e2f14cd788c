package freetext

import "strings"

// stems returns the forms a word may have come from once Indonesian affixes are taken off, the
// word itself first: "memverifikasi" → verifikasi, "pemeliharaan" → pelihara, "terverifikasi" →
// verifikasi. It follows the affix rules of Nazief–Adriani (particles -lah -kah -pun, possessives
// -ku -mu -nya, suffixes -kan -an -i, prefixes me- pe- ber- di- ter- ke- se- with their nasal
// changes) but, having no dictionary of roots, it keeps every candidate: two words match when
// their candidates meet, so an extra candidate costs nothing and a missing one a match.
func stems(w string) []string {
	out := []string{w}
	seen := map[string]bool{w: true}
	add := func(s string) {
		if len([]rune(s)) >= 3 && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	bases := []string{w}
	for _, suf := range []string{"lah", "kah", "pun", "nya", "ku", "mu"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			bases = append(bases, w[:len(w)-len(suf)])
		}
	}
	for _, b := range append([]string(nil), bases...) {
		for _, suf := range []string{"kan", "an", "i", "in"} { // -in: spoken -kan ("benerin", "gantiin")
			if strings.HasSuffix(b, suf) && len(b)-len(suf) >= 4 {
				bases = append(bases, b[:len(b)-len(suf)])
			}
		}
	}
	for _, b := range bases {
		add(b)
		for _, p := range unprefix(b) {
			add(p)
			for _, q := range unprefix(p) { // "memper-", "diper-", "keber-"
				add(q)
			}
		}
	}
	return out
}

// unprefix returns the roots a word may have under one derivational prefix.
func unprefix(w string) []string {
	var out []string
	has := func(p string) bool { return strings.HasPrefix(w, p) && len(w)-len(p) >= 3 }
	vowel := func(s string) bool { return s != "" && strings.ContainsRune("aeiou", rune(s[0])) }
	for _, p := range []string{"me", "pe"} {
		if !has(p) {
			continue
		}
		rest := w[len(p):]
		switch {
		case strings.HasPrefix(rest, "ng"):
			r := rest[2:]
			out = append(out, r) // menggambar → gambar
			if vowel(r) {
				out = append(out, "k"+r) // mengirim → kirim
			}
		case strings.HasPrefix(rest, "ny"):
			out = append(out, "s"+rest[2:]) // menyusun → susun
		case strings.HasPrefix(rest, "m"):
			r := rest[1:]
			out = append(out, r) // memverifikasi → verifikasi
			if vowel(r) {
				out = append(out, "p"+r, "m"+r) // memasang → pasang
			}
		case strings.HasPrefix(rest, "n"):
			r := rest[1:]
			out = append(out, r) // mendata → data
			if vowel(r) {
				out = append(out, "t"+r) // menulis → tulis
			}
		case strings.HasPrefix(rest, "r"):
			out = append(out, rest[1:], rest) // perbaikan → baik; merawat → rawat
		default:
			out = append(out, rest) // melapor → lapor, pelihara → lihara
		}
	}
	for _, p := range []string{"ber", "be", "di", "ter", "ke", "se"} {
		if has(p) {
			out = append(out, w[len(p):])
		}
	}
	// Spoken Indonesian drops me- and keeps the nasal: "ngajar", "nginput", "nyusun", "ngecek".
	switch {
	case has("nge"):
		out = append(out, w[3:])
	case has("ng"):
		out = append(out, w[2:])
	case has("ny"):
		out = append(out, "s"+w[2:])
	}
	if w == "belajar" || w == "pelajar" || strings.HasPrefix(w, "pembelajar") {
		out = append(out, "ajar") // ber-/pe- + ajar, the one irregular root
	}
	return out
}
