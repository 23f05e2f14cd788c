package freetext

import (
	"regexp"
	"strings"
	"unicode"
)

// How a message is cut into the pieces that may each hold one activity. People list their work
// on lines, with numbers or bullets, with ";" or ",", or run it on with "lalu", "terus", "habis
// itu", "siangnya", or "dan" between two activities. A piece that turns out to hold no activity
// of its own (", dari jam 9 sampai 12", ", 2 jam") is put back with the one before it when read
// (readActivities); a cut is never a loss.

var (
	// bullet is a list marker at the start of a line: "1.", "2)", "-", "•".
	bullet = regexp.MustCompile(`^\s*(?:\d{1,2}[.)](?:\s+|$)|[-•*▪●➢>–]+\s*)`)
	// listMark is an item number inside a line: "1. rapat 2. verifikasi".
	listMark = regexp.MustCompile(`(?:^|\s)(\d{1,2})[.)]\s+`)
)

// sequenceWords run one activity on into the next: "rapat lalu verifikasi", "habis itu ke bagian
// umum". Two-word ones are written with a space.
var sequenceWords = set(`lalu lanjut lanjutnya terus trs trus kemudian kmd kmdn selanjutnya siangnya sorenya
	paginya malamnya setelahnya sesudahnya habisnya`)

var sequencePairs = map[string]bool{"habis itu": true, "abis itu": true, "hbs itu": true, "setelah itu": true,
	"stlh itu": true, "sesudah itu": true, "sdh itu": true, "sudah itu": true, "udah itu": true, "udh itu": true,
	"lalu itu": true}

// dayParts begin a new activity in the middle of a run-on message: "… 5 dok sore upload 1 berita".
var dayParts = set(`pagi siang sore malam`)

// afterDayPart are the words after which a day part belongs to a day phrase, not a new activity:
// "tadi pagi", "jam 9 pagi", "selamat pagi".
var beforeDayPart = set(`tadi td tdi kemarin kmrn kmarin kemaren hari ini jam jm pukul pkl selamat met nanti besok lusa
	setiap tiap sampai sampe hingga smp sd dari`)

// piece is a part of a message that may hold one activity.
type piece struct {
	text  string
	soft  bool   // cut at a comma: an activity only if it shows one (readActivities)
	first string // its first word, in lower case
}

// pieces cuts a message into the pieces that may each hold one activity.
func (l *Lexicon) pieces(text string, targets []Target) []piece {
	var out []piece
	for _, line := range strings.Split(text, "\n") {
		for _, part := range strings.Split(line, ";") {
			for _, item := range splitNumbered(part) {
				item = bullet.ReplaceAllString(item, "")
				for i, c := range splitCommas(item) {
					for j, w := range l.splitWords(c, targets) {
						first := ""
						if f := words(strings.ToLower(w)); len(f) > 0 {
							first = f[0]
						}
						out = append(out, piece{text: w, soft: i > 0 && j == 0, first: first})
					}
				}
			}
		}
	}
	return out
}

// splitCommas cuts at commas, but not inside a number ("1,5 jam").
func splitCommas(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			continue
		}
		if i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
			continue
		}
		out = append(out, s[start:i])
		start = i + 1
	}
	return append(out, s[start:])
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// splitNumbered splits "1. rapat 2. verifikasi 5 spj" at its item numbers, when they count up
// from 1; any other "5. " is left alone.
func splitNumbered(s string) []string {
	locs := listMark.FindAllStringSubmatchIndex(s, -1)
	want := 1
	var cuts [][2]int // start of marker, end of marker
	for _, m := range locs {
		if n := s[m[2]:m[3]]; n != itoa(want) {
			continue
		}
		cuts = append(cuts, [2]int{m[0], m[1]})
		want++
	}
	if len(cuts) < 2 {
		return []string{s}
	}
	var out []string
	if head := strings.TrimSpace(s[:cuts[0][0]]); head != "" {
		out = append(out, head)
	}
	for i, c := range cuts {
		end := len(s)
		if i+1 < len(cuts) {
			end = cuts[i+1][0]
		}
		out = append(out, s[c[1]:end])
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// splitWords cuts a piece at the words that run one activity into the next: sequence words
// ("lalu", "habis itu"), a day part starting a new activity ("… sore upload 1 berita"), and
// "dan" (or "&", "serta") between two activities, not inside one ("server dan jaringan", as a
// target writes it; "selesai dan dikirim").
func (l *Lexicon) splitWords(s string, targets []Target) []string {
	words := strings.Fields(s)
	low := make([]string, len(words))
	for i, w := range words {
		low[i] = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&' && r != '+' }))
	}
	var out []string
	start := 0
	cut := func(at, skip int) {
		if piece := strings.Join(words[start:at], " "); strings.TrimSpace(piece) != "" {
			out = append(out, piece)
		}
		start = at + skip
	}
	// hasNumber says a count is written (a duration is not one).
	hasNumber := func(ws []string) bool {
		for i, w := range ws {
			if w != "" && isDigit(w[0]) || units[w] > 0 || seWords[w] > 0 {
				if _, dur := compactDuration(w); dur || i+1 < len(ws) && (ws[i+1] == "jam" || isMinuteWord(ws[i+1])) {
					continue
				}
				return true
			}
		}
		return false
	}
	for i := 0; i < len(words); i++ {
		w := low[i]
		prev := ""
		if i > 0 {
			prev = low[i-1]
		}
		switch {
		case i+1 < len(words) && sequencePairs[w+" "+low[i+1]]:
			cut(i, 2)
			i++
		case sequenceWords[w] && !(w == "lanjut" && (prev == "tindak" || prev == "tdk")) && i > start:
			cut(i, 1)
		case dayParts[w] && i > start && !beforeDayPart[prev] && i+1 < len(words) && l.isActivityWord(l.first(low[i+1])):
			cut(i, 0) // the day part stays with what follows; readDays takes it
		case w == "+" && i > start:
			cut(i, 1)
		case (w == "dan" || w == "&" || w == "serta" || w == "dn") && i > start && i+1 < len(words):
			left, right := prev, low[i+1]
			if completion[left] || joinedInTarget(left, right, targets) {
				continue
			}
			if l.isActivityWord(l.first(left)) && !hasNumber(low[start:i]) && hasNumber(low[i+1:]) {
				continue // "timbang dan ukur 38 balita": two verbs of one object
			}
			if l.isActivityWord(l.first(right)) || hasNumber(low[start:i]) && hasNumber(low[i+1:]) {
				cut(i, 1)
			}
		}
	}
	cut(len(words), 0)
	return out
}

// completion words end an activity that "dan" continues: "selesai dan dikirim" is one.
var completion = set(`selesai sudah sdh udh beres rampung tuntas`)

// first returns the first form of a word: itself, or its abbreviation spelled out.
func (l *Lexicon) first(w string) string {
	if e, ok := l.abbrev[w]; ok && len(e) > 0 {
		return e[0]
	}
	return w
}
