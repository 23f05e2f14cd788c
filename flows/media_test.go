package flows_test

import (
	"context"
	"os"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
)

// Issue 26, item 4: a photo is downloaded only for someone Lapkin serves. A stranger's is never
// fetched; a linked person's is, once; a WhatsApp number of the roster writing for the first time
// is about to be linked by that very message, so its photo is fetched too.
func TestPhotoFetchedOnlyForKnownSenders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	png, err := os.ReadFile("../cmd/lapkin/testdata/bukti.png")
	if err != nil {
		t.Fatal(err)
	}
	fetches := 0
	photo := func() *bot.Photo {
		return &bot.Photo{Name: "f.png", MIME: "image/png", Size: int64(len(png)),
			Fetch: func(context.Context) ([]byte, error) { fetches++; return png, nil }}
	}
	got := h.send(console.Message("orang-asing", "/lapor 1 Rapat #1", photo(), h.clock.Now()))
	expect(t, got[0], "belum terdaftar")
	if fetches != 0 {
		t.Fatalf("a stranger's photo was fetched %d times", fetches)
	}
	got = h.send(console.Message(budi, "/lapor 1 Pengecekan server #1", photo(), h.clock.Now()))
	expect(t, got[0], "📎")
	if fetches != 1 {
		t.Fatalf("a linked person's photo fetched %d times, want 1", fetches)
	}

	// WhatsApp: Rina's number is in the roster and she never wrote; an unknown number is a stranger.
	wa := func(number string) bot.Message {
		ref := bot.ChatRef{Net: bot.NetWhatsApp, ID: number}
		return bot.Message{ID: number + "/1", Chat: ref, Sender: ref, Text: "lapor Arsip surat masuk", Photo: photo(),
			Contact: &bot.Contact{Phone: "+" + number, Own: true, Implicit: true}, Time: h.clock.Now()}
	}
	h.send(wa("6289999999999"))
	if fetches != 1 {
		t.Fatalf("an unknown number's photo was fetched")
	}
	h.send(wa("6281300000003"))
	if fetches != 2 {
		t.Fatalf("a roster number's first photo fetched %d times in all, want 2", fetches)
	}
	if reps := h.reports(rina); len(reps) != 1 || reps[0].EvidenceID == nil {
		t.Fatalf("Rina's first report with its photo: %+v", reps)
	}
}
