// Package sanitize makes text that came from outside (a chat message, a roster cell) safe to store,
// show to others and export. Lapkin shows one person's words to others (a report to a supervisor,
// an announcement to a group, a name in a digest, a cell in BKPPD's spreadsheet), so a control
// character or a bidirectional override in them could hide or reorder what others read (U+202E
// makes "laporan.exe" read as "laporan" plus reversed text), ring a terminal bell, or turn an
// export cell into a formula.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Text returns s without what must not be stored: C0 and C1 control characters other than line
// feed and tab (a carriage return before a line feed is dropped, a lone one becomes a line feed;
// a tab becomes a space), bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) and marks (U+200E, U+200F, U+061C), byte-order marks and the Unicode
// "non-characters". Invalid UTF-8 becomes U+FFFD. Joiners (U+200C, U+200D) stay: emoji and some
// scripts need them. changed reports whether anything was removed or replaced.
func Text(s string) (clean string, changed bool) {
	if isClean(s) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteByte('\n')
		case unsafe(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// Line is Text for a one-line value (a name, a unit, a roster cell): line breaks become spaces
// and runs of spaces collapse to one.
func Line(s string) string {
	t, _ := Text(s)
	return strings.Join(strings.Fields(t), " ")
}

// unsafe reports runes that are dropped.
func unsafe(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f: // C0 controls and DEL (\n and \t are handled before)
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // LRM, RLM, ALM
		return true
	case r == 0xfeff: // BOM / zero-width no-break space
		return true
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe: // non-characters
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation controls
		return true
	}
	return false
}

// isClean is the fast path: most messages are plain text with nothing to remove.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 {
			return strings.IndexFunc(s[i:], func(r rune) bool { return r != '\n' && (unsafe(r) || r == '\r' || r == '\t') }) < 0 &&
				utf8.ValidString(s[i:])
		}
	}
	return true
}

// CSVCell makes a value safe for a CSV file that a spreadsheet opens: Text's cleaning on one line,
// and a cell that a spreadsheet would read as a formula (starting with =, +, -, @, or a tab or
// carriage return before one) is prefixed with an apostrophe, which Excel and LibreOffice show as
// text. A plain negative number ("-3") is left as it is so that numbers stay numbers.
func CSVCell(s string) string {
	s = Line(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@':
		return "'" + s
	case '-':
		if isNumber(s[1:]) {
			return s
		}
		return "'" + s
	}
	return s
}

// isNumber reports a plain decimal number (digits with at most one '.' or ',').
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	sep := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case (c == '.' || c == ',') && !sep && i > 0 && i < len(s)-1:
			sep = true
		default:
			return false
		}
	}
	return true
}
