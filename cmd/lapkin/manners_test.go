package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// Issue 12, items 2 and 8, through the real Telegram client and the fake Bot API: a stranger's
// first message gets the share-phone-number button at once; the button pressed again by the
// registered person is answered "already registered"; a second Telegram account sharing the same
// number replaces the first, which is told and loses access.
func TestTelegramRegistrationManners(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()
	defer func() { stop() }()
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "halo"))
	e.expectSent(tgBudi.ID, "belum terdaftar")
	var markup string
	for _, c := range e.srv.Calls("sendMessage") {
		if c.Params.Get("chat_id") == strconv.FormatInt(tgBudi.ID, 10) {
			markup = c.Params.Get("reply_markup")
		}
	}
	if !strings.Contains(markup, `"request_contact":true`) || !strings.Contains(markup, "Bagikan nomor telepon") {
		t.Fatalf("the first reply to a stranger has no contact button: %s", markup)
	}

	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "sudah terdaftar atas nama")

	// Budi's number from another Telegram account (a new phone, or someone who got his SIM).
	e.srv.AddUpdate(telegramtest.ContactShare(tgOther, tgOther.ID, "081300000001"))
	e.expectSent(tgOther.ID, "sebelumnya tidak lagi terhubung")
	e.expectSent(tgBudi.ID, "Akun ini tidak lagi terhubung")
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/lapor Masih bisa?"))
	e.expectSent(tgBudi.ID, "Maaf, akun Anda belum terdaftar")
	stop()
	stop = func() {}
	if n := e.count(`SELECT COUNT(*) FROM identities WHERE net = 'tg'`); n != 1 {
		t.Fatalf("%d Telegram accounts linked, want 1", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM reports`); n != 0 {
		t.Fatalf("the replaced account reported (%d)", n)
	}
}
