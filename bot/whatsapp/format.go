package whatsapp

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/lapkin-id/lapkin/chat"
)

// commandSlash is a slash starting a command word: at the start of a line or after a space or
// an opening quote or bracket, so that dates (2026/11) and URLs keep theirs; a word followed by
// another slash is a path (/var/lib), kept too.
var commandSlash = regexp.MustCompile(`(^|[\s(«"'“])/([A-Za-z][A-Za-z_]*)(/?)`)

// Format is a reply's text as Lapkin writes it on WhatsApp. WhatsApp has no command menu and
// people type commands without the slash, so the texts name them the same way ("lapor", not
// "/lapor"); typing the slash still works. Choices need no change: the flows already write them
// as a numbered list ("Balas dengan angka") for networks without buttons.
func Format(text string) string {
	return commandSlash.ReplaceAllStringFunc(text, func(m string) string {
		if strings.HasSuffix(m, "/") {
			return m
		}
		i := strings.Index(m, "/")
		return m[:i] + m[i+1:]
	})
}

// Render shows a reply as a WhatsApp user sees it, for the console demo (`lapkin demo --net wa`):
// the text as Format writes it, no buttons (their choices are in the text), a photo or a file as a
// line naming it above its caption.
func Render(r chat.Reply) string {
	text := Format(r.Text)
	switch {
	case r.Document != nil:
		return fmt.Sprintf("[berkas: %s, %d byte]\n%s", r.DocumentName, len(r.Document), text)
	case r.Photo != nil:
		name := r.PhotoName
		if name == "" {
			name = "foto.png"
		}
		return fmt.Sprintf("[foto: %s]\n%s", name, text)
	}
	return strings.TrimRight(text, "\n")
}
