package telegram

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/outbox"
	"github.com/lapkin-id/lapkin/store"
)

// Issue 26, item 5, on the real client and the fake Bot API (which refuses a text over 4,096
// characters as Telegram does): a digest of a 201-person OPD (8,700 characters) used to be refused
// for good, so only its chart arrived. Queued through the outbox, it arrives whole, in two
// messages, followed by the chart with its long caption cut to its title.
func TestLongReplyArrivesWhole(t *testing.T) {
	t.Parallel()
	tg, srv := newTG(t)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	b.WriteString("📊 Rekap mingguan DINKES, 23–27 Nov 2026")
	for i := 1; i <= 201; i++ {
		fmt.Fprintf(&b, "\n%d. Pegawai nomor %03d: 5 hari, 7 laporan", i, i)
	}
	text := b.String()
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	pngBytes := pngBuf.Bytes()
	clock := bot.NewManualClock(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC))
	to := bot.ChatRef{Net: bot.NetTelegram, ID: "-1001234"}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		caps := Network{}.Capabilities()
		if err := outbox.Enqueue(context.Background(), tx, bot.Reply{To: to, Text: text}, clock.Now(), caps); err != nil {
			return err
		}
		return outbox.Enqueue(context.Background(), tx, bot.Reply{To: to, Text: text, Photo: pngBytes, PhotoName: "rekap.png"}, clock.Now(), caps)
	})
	if err != nil {
		t.Fatal(err)
	}
	sender := bot.NewSender(st, clock, nil, tg)
	if _, err := sender.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(-1001234)
	var texts []string
	photos := 0
	for _, m := range msgs {
		if m.Photo != nil {
			photos++
			if m.Caption != "📊 Rekap mingguan DINKES, 23–27 Nov 2026" {
				t.Fatalf("caption %q", m.Caption)
			}
			continue
		}
		texts = append(texts, m.Text)
	}
	half := len(texts) / 2
	if photos != 1 || half < 2 || strings.Join(texts[:half], "\n") != text || strings.Join(texts[half:], "\n") != text {
		t.Fatalf("%d photos, %d texts", photos, len(texts))
	}
	var failed int
	st.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`).Scan(&failed)
	if failed != 0 {
		t.Fatalf("%d messages not sent", failed)
	}
}
