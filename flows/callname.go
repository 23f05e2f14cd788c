package flows

import (
	"strings"
	"unicode"

	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// How a person is greeted (issue 26, item 8). The title (Bapak/Ibu) comes from the NIP's sex
// digit, the call name from the name; but a name says more than its first word. A Balinese
// woman's "Ni Luh Putu Ayu …" was greeted "Bapak Ni" when her NIP was mistyped, and "Ibu Ni" at
// best: the marker "Ni" (female) and "I" (male) open the name and say the sex, and the call name
// is "Ni Luh", or the birth-order name of a man ("I Made Suardana" is "Bapak Made"). Titles
// written without their dot ("Hj Siti", "Drs Ahmad") are passed over like those with one. And the
// roster's column sapaan, when given, says it outright.

// Sexes a name may tell.
const (
	sexUnknown = 0
	sexMale    = 1
	sexFemale  = 2
)

// salutation is "Bapak Ahmad", "Ibu Ni Luh" or the roster's sapaan.
func (r *request) salutation(e *store.Employee) string {
	sex, name := callName(e.Name)
	if sex == sexUnknown {
		if n, err := roster.ParseNIP(e.NIP); err == nil {
			sex = n.Sex
		}
	}
	if e.CallName != "" {
		if startsWithTitle(e.CallName) {
			return e.CallName
		}
		name = e.CallName
	}
	title := "title.neutral"
	switch sex {
	case sexMale:
		title = "title.male"
	case sexFemale:
		title = "title.female"
	}
	return strings.TrimSpace(r.t(title, nil) + " " + name)
}

// nameTitles are titles and honorifics written before a name without their dot (lower case).
var nameTitles = map[string]bool{"h": true, "hj": true, "haji": true, "hajah": true, "hajjah": true, "dr": true, "drs": true,
	"dra": true, "ir": true, "prof": true, "kh": true, "r": true, "rr": true, "ra": true, "raden": true, "tgk": true, "st": true}

// balineseMale are the names that follow the male marker "I": birth order and caste.
var balineseMale = map[string]bool{"gede": true, "putu": true, "wayan": true, "made": true, "kadek": true, "nengah": true,
	"nyoman": true, "komang": true, "ketut": true, "gusti": true, "dewa": true}

// callName reads a full name ("Drs. H. Ahmad Fauzi, M.Si.", "Ni Luh Putu Ayu Sari") into the sex
// it tells, if any, and the name to call the person by ("Ahmad", "Ni Luh").
func callName(full string) (sex int, name string) {
	if i := strings.IndexByte(full, ','); i >= 0 {
		full = full[:i] // degrees follow the comma
	}
	var words []string
	for _, w := range strings.Fields(full) {
		if len(words) == 0 && (strings.HasSuffix(w, ".") || nameTitles[strings.ToLower(w)]) {
			continue
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return sexUnknown, strings.TrimSpace(full)
	}
	first := words[0]
	switch {
	case len(words) >= 2 && first == "Ni":
		// "Ni Luh", "Ni Made", "Ni Kadek": the female marker and the name after it.
		return sexFemale, "Ni " + words[1]
	case len(words) >= 2 && first == "I" && balineseMale[strings.ToLower(words[1])]:
		if strings.EqualFold(words[1], "gusti") && len(words) >= 3 {
			return sexMale, "Gusti " + words[2] // "I Gusti Ngurah Rai": Bapak Gusti Ngurah
		}
		return sexMale, words[1] // "I Made Suardana": Bapak Made
	case len(words) >= 2 && (first == "Ida" || first == "Anak" || first == "Gusti"):
		// Balinese nobility: "Ida Bagus", "Ida Ayu", "Anak Agung", "Gusti Ayu" go together.
		pair := first + " " + words[1]
		switch strings.ToLower(words[1]) {
		case "ayu":
			return sexFemale, pair
		case "bagus", "ngurah":
			return sexMale, pair
		case "agung":
			return sexUnknown, pair
		}
	}
	return sexUnknown, first
}

// startsWithTitle reports whether a sapaan already holds its title ("Ibu Luh", "Pak Made").
func startsWithTitle(s string) bool {
	w, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	w = strings.TrimRightFunc(strings.ToLower(w), func(r rune) bool { return unicode.IsPunct(r) })
	switch w {
	case "bapak", "ibu", "pak", "bu", "mr", "mrs", "ms", "sdr", "sdri", "saudara", "saudari", "kak", "mas", "mbak":
		return true
	}
	return false
}
