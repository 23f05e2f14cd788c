package chat

import (
	"fmt"
	"strings"
	"testing"
)

// lines makes n lines of about width characters each, numbered so that a lost or doubled line shows.
func lines(n, width int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%04d %s", i, strings.Repeat("x", width-5))
	}
	return b.String()
}

// Issue 26, item 5: a reply longer than Telegram's 4,096 characters was refused for good ("message
// is too long"): /riwayat of long reports (4,748 characters) reached nobody. It is cut at line ends
// into messages that fit, none lost, none broken.
func TestSplitAtLineEnds(t *testing.T) {
	t.Parallel()
	tg := ChatRef{Net: "tg", ID: "42"}
	text := lines(120, 56) // 120 lines of 56: 6,839 characters, as a 201-person digest
	buttons := [][]Button{{{Label: "Ya", Data: "y"}}}
	parts := Split(Reply{To: tg, Text: text, Buttons: buttons}, telegramLike)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	var got []string
	for i, p := range parts {
		if n := textLen(p.Text); n > 4096 || n == 0 {
			t.Fatalf("part %d has %d characters", i, n)
		}
		if strings.HasPrefix(p.Text, "\n") || strings.HasSuffix(p.Text, "\n") {
			t.Fatalf("part %d starts or ends with a line break", i)
		}
		if (len(p.Buttons) > 0) != (i == len(parts)-1) {
			t.Fatalf("buttons on part %d", i)
		}
		got = append(got, p.Text)
	}
	if strings.Join(got, "\n") != text {
		t.Fatal("the parts do not make the text again")
	}
	// The console and short texts are left as they are.
	if p := Split(Reply{To: ChatRef{Net: "console", ID: "x"}, Text: text}, Capabilities{}); len(p) != 1 {
		t.Fatalf("console text cut in %d", len(p))
	}
	if p := Split(Reply{To: tg, Text: "halo"}, telegramLike); len(p) != 1 || p[0].Text != "halo" {
		t.Fatalf("short text: %+v", p)
	}
}

// Telegram counts UTF-16 code units: an emoji outside the basic plane is two. A line longer than a
// message is cut at a space, and a word longer than one where it must, between two characters.
func TestSplitLongLinesAndEmoji(t *testing.T) {
	t.Parallel()
	tg := ChatRef{Net: "tg", ID: "42"}
	emoji := strings.Repeat("📊", 3000) // 6,000 code units, no space
	parts := Split(Reply{To: tg, Text: emoji}, telegramLike)
	if len(parts) != 2 || textLen(parts[0].Text) != 4096 || parts[0].Text+parts[1].Text != emoji {
		t.Fatalf("emoji cut into %d: %d + %d", len(parts), textLen(parts[0].Text), textLen(parts[1].Text))
	}
	words := strings.TrimSpace(strings.Repeat("laporan ", 1000)) // 7,999 characters on one line
	parts = Split(Reply{To: tg, Text: words}, telegramLike)
	for _, p := range parts {
		if strings.HasPrefix(p.Text, " ") || strings.HasSuffix(p.Text, " ") || strings.Contains(p.Text, "lapor ") {
			t.Fatalf("a word was cut: %q…", p.Text[:20])
		}
	}
	if strings.Join([]string{parts[0].Text, parts[1].Text}, " ") != words {
		t.Fatal("words lost")
	}
}

// A photo's caption is limited to 1,024: a longer one goes as the photo with the text's first line,
// then the whole text.
func TestSplitLongCaption(t *testing.T) {
	t.Parallel()
	tg := ChatRef{Net: "tg", ID: "-100"}
	text := "📊 Rekap mingguan\n" + lines(30, 60)
	parts := Split(Reply{To: tg, Text: text, Photo: []byte("png"), PhotoName: "rekap.png"}, telegramLike)
	if len(parts) != 2 || parts[0].Photo == nil || parts[0].Text != "📊 Rekap mingguan" || parts[1].Photo != nil || parts[1].Text != text {
		t.Fatalf("parts %+v", parts)
	}
	short := Split(Reply{To: tg, Text: "📊 Rekap", Photo: []byte("png")}, telegramLike)
	if len(short) != 1 || short[0].Text != "📊 Rekap" {
		t.Fatalf("short caption: %+v", short)
	}
}

// telegramLike are the limits of a network such as Telegram (its adapter declares them).
var telegramLike = Capabilities{MaxText: 4096, MaxCaption: 1024}
