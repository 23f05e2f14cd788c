package console

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
)

func TestSessionScript(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	con := New(&out, func(ctx context.Context, id string) (string, bool) { return "Budi Santoso", id == "1988" })
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	clock := bot.NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, jkt))
	var got []bot.Message
	var ticks [][2]time.Time
	photo := filepath.Join(t.TempDir(), "bukti.png")
	os.WriteFile(photo, []byte("\x89PNG\r\n\x1a\n"), 0o644)
	s := &Session{
		Out: &out, Console: con, Clock: clock, Loc: jkt, Script: true, Speaker: "1988",
		In: strings.NewReader("# a comment\n\nhalo\n:as 1990\n:foto " + photo + " /lapor Cek\n:time 2026-11-27T16:00\n:time besok\n:group diskominfo\n:bogus\n:quit\nnot read\n"),
		Handle: func(ctx context.Context, m bot.Message) error {
			got = append(got, m)
			return con.Send(ctx, bot.Reply{To: m.Chat, Text: "ok " + m.Text})
		},
		Deliver: func(ctx context.Context) error {
			return con.Send(ctx, bot.Reply{To: bot.ChatRef{Net: bot.NetConsole, ID: GroupID("DISKOMINFO")}, Text: "rekap", Photo: []byte{1}, PhotoName: "rekap.png"})
		},
		Tick: func(ctx context.Context, from, to time.Time) error {
			ticks = append(ticks, [2]time.Time{from, to})
			return nil
		},
		T: func(key string, args map[string]any) string { return key },
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"<<< halo\n--> Budi Santoso [1988]\nok halo\n", // echo, then the delivery with its recipient
		"--> [1990]\nok /lapor Cek",                    // an unknown chat is shown by its id
		"--> grup DISKOMINFO\n[foto: rekap.png]\nrekap",
		"!!! console.usage_time", "*** console.group_received", "!!! console.unknown",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "not read") || strings.Contains(text, "a comment") {
		t.Errorf("read past :quit or echoed a comment:\n%s", text)
	}
	if len(got) != 2 || got[1].Sender.ID != "1990" || got[1].Photo == nil || got[1].Text != "/lapor Cek" {
		t.Fatalf("messages %+v", got)
	}
	if got[0].ID == got[1].ID {
		t.Fatal("two messages share an id")
	}
	if len(ticks) != 1 || !ticks[0][1].Equal(time.Date(2026, 11, 27, 16, 0, 0, 0, jkt)) || !clock.Now().Equal(ticks[0][1]) {
		t.Fatalf("ticks %v, clock %v", ticks, clock.Now())
	}
}
