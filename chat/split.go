package chat

import (
	"strings"
	"unicode/utf16"
)

// textLen is the length Capabilities.MaxText counts: UTF-16 code units (an emoji outside the basic plane is two).
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeLen16(r)
	}
	return n
}

// Split divides a reply into the messages its network can carry, in order. A text is cut at line
// ends, so that no line of a list is broken; a line longer than a message is cut at a space, or
// where it must. Buttons and the contact button go with the last part (they answer the question
// the text ends with). A photo or document whose caption is too long is sent with the caption's
// first line when it fits (a title), or none, followed by the whole text as messages of its own.
//
// c is what the reply's network carries (its Capabilities): MaxText and MaxCaption, 0 for no limit.
func Split(r Reply, c Capabilities) []Reply {
	textMax, captionMax := c.MaxText, c.MaxCaption
	if textMax == 0 {
		return []Reply{r}
	}
	if r.Photo != nil || r.Document != nil {
		if textLen(r.Text) <= captionMax {
			return []Reply{r}
		}
		att := r
		att.Text = ""
		if first, _, _ := strings.Cut(r.Text, "\n"); textLen(first) <= captionMax {
			att.Text = first
		}
		att.Buttons, att.ContactButton = nil, ""
		rest := r
		rest.Photo, rest.PhotoName, rest.Document, rest.DocumentName = nil, "", nil, ""
		return append([]Reply{att}, Split(rest, c)...)
	}
	if textLen(r.Text) <= textMax {
		return []Reply{r}
	}
	parts := splitText(r.Text, textMax)
	out := make([]Reply, len(parts))
	for i, p := range parts {
		out[i] = Reply{To: r.To, Text: p, Priority: r.Priority}
	}
	last := &out[len(out)-1]
	last.Buttons, last.ContactButton = r.Buttons, r.ContactButton
	return out
}

// splitText cuts s into parts of at most max UTF-16 code units, at line ends where it can, else
// at a space, else between two characters. The line end a cut falls on is dropped: each part is
// a message of its own.
func splitText(s string, max int) []string {
	var parts []string
	for textLen(s) > max {
		cut := prefixWithin(s, max) // bytes of s that fit
		head := s[:cut]
		at := strings.LastIndexByte(head, '\n')
		skip := 1
		if at <= 0 {
			at = strings.LastIndexByte(head, ' ')
		}
		if at <= 0 {
			at, skip = cut, 0
		}
		parts = append(parts, strings.TrimRight(s[:at], " "))
		s = strings.TrimLeft(s[at+skip:], "\n")
	}
	if s != "" || len(parts) == 0 {
		parts = append(parts, s)
	}
	return parts
}

// prefixWithin returns how many bytes of s make a prefix of at most max UTF-16 code units, ending
// between two characters.
func prefixWithin(s string, max int) int {
	n := 0
	for i, r := range s {
		w := runeLen16(r)
		if n+w > max {
			return i
		}
		n += w
	}
	return len(s)
}

// runeLen16 is how many UTF-16 code units r takes (an invalid rune is sent as U+FFFD: one).
func runeLen16(r rune) int {
	if w := utf16.RuneLen(r); w > 0 {
		return w
	}
	return 1
}
