package main

import (
	"os"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// Issue 26, items 4 and 5, through `lapkin run` on the fake Bot API: a stranger's photo is never
// downloaded (getFile is not even asked); a photo sent as a file is evidence like a photo; any
// other document, and a voice note, is answered rather than dropped.
func TestFaultMediaOfStrangersAndDocuments(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()
	defer stop()
	png, err := os.ReadFile("testdata/bukti.png")
	if err != nil {
		t.Fatal(err)
	}
	e.srv.AddFile("foto-orang", png)
	e.srv.AddUpdate(telegramtest.Photo(tgOther, "foto-orang", "/lapor 1 Rapat #1"))
	e.expectSent(tgOther.ID, "belum terdaftar")
	e.srv.AddUpdate(telegramtest.Document(tgOther, "foto-orang", "scan.png", "image/png", len(png), "/lapor 1 Scan"))
	e.srv.AddUpdate(telegramtest.PrivateText(tgOther, "/bantuan"))
	for len(e.srv.Pending()) > 0 {
		e.expectSent(tgOther.ID, "belum terdaftar")
	}
	if n := len(e.srv.Calls("getFile")); n != 0 {
		t.Fatalf("%d getFile calls for a stranger's photos, want 0", n)
	}
	t.Logf("summary: a stranger's photo and image document: 0 downloads (before issue 26: each downloaded on arrival)")

	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	e.srv.AddFile("scan-1", png)
	e.srv.AddUpdate(telegramtest.Document(tgBudi, "scan-1", "IMG_20261123.png", "image/png", len(png), "/lapor 1 Pengecekan ruang server #1"))
	e.expectSent(tgBudi.ID, "Pengecekan ruang server — 1 laporan untuk target #1 · 📎")
	if n := e.count(`SELECT COUNT(*) FROM reports r JOIN evidence e ON e.id = r.evidence_id WHERE e.size = ?`, len(png)); n != 1 {
		t.Fatalf("%d reports with the image document as evidence", n)
	}
	e.srv.AddUpdate(telegramtest.Document(tgBudi, "spj-1", "spj.pdf", "application/pdf", 2048, "/lapor 1 SPJ #2"))
	got := e.expectSent(tgBudi.ID, "dokumen belum dapat dibaca atau disimpan sebagai bukti dukung")
	if !strings.Contains(got.Text, "foto") {
		t.Fatalf("the refusal does not say what to send: %q", got.Text)
	}
	e.srv.AddUpdate(telegramtest.Voice(tgBudi, "voice-1", 12))
	e.expectSent(tgBudi.ID, "pesan suara belum dapat dibaca atau disimpan")
	if n := e.count(`SELECT COUNT(*) FROM reports WHERE text LIKE '%SPJ%'`); n != 0 {
		t.Fatalf("a report was recorded without its document's evidence")
	}
}
