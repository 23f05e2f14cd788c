package main

import (
	"context"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/ops"
	"github.com/lapkin-id/lapkin/store"
)

var tgHendra = telegramtest.User(1005, "Hendra") // 0812-0000-1005, admin

// waitCount waits until query counts want.
func (e *tgEnv) waitCount(want int, query string, args ...any) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if e.count(query, args...) == want {
			return
		}
	}
	e.t.Fatalf("%q never counted %d (now %d)", query, want, e.count(query, args...))
}

// Issue 26, item 5: a group upgraded to a supergroup keeps its binding, whether Lapkin learns it
// from a send (400 with migrate_to_chat_id) or from Telegram's service message; a group that can
// no longer be written to tells the OPD's head once and shows in /healthz, until bound again.
func TestTelegramGroupMovedOrLost(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()
	defer stop()
	e.srv.AddUpdate(telegramtest.ContactShare(tgAhmad, tgAhmad.ID, "081100002001"))
	e.expectSent(tgAhmad.ID, "Terima kasih")
	e.srv.AddUpdate(telegramtest.ContactShare(tgHendra, tgHendra.ID, "081200001005"))
	e.expectSent(tgHendra.ID, "Terima kasih")
	group := tgbotapi.Chat{ID: -4001, Type: "group", Title: "Diskominfo"}
	e.srv.AddUpdate(telegramtest.GroupText(tgAhmad, group, "/hubungkan DISKOMINFO"))
	e.expectSent(group.ID, "Grup ini terhubung")

	// Upgraded while Lapkin was not looking: the next send learns the new id and goes there.
	e.srv.MigrateGroup(-4001, -1004001, tgAhmad, "Diskominfo")
	e.srv.AddUpdate(telegramtest.PrivateText(tgHendra, "/umumkan DISKOMINFO Rapat koordinasi pukul 10.00"))
	e.expectSent(-1004001, "Rapat koordinasi pukul 10.00")
	e.waitCount(1, `SELECT COUNT(*) FROM group_bindings WHERE chat_id = '-1004001' AND opd_code = 'DISKOMINFO'`)
	if n := e.count(`SELECT COUNT(*) FROM group_bindings WHERE chat_id = '-4001'`); n != 0 {
		t.Fatal("the old group id is still bound")
	}

	// Upgraded and Telegram says so in the old group: the binding follows without a send.
	dinkes := tgbotapi.Chat{ID: -4002, Type: "group", Title: "Dinkes"}
	e.srv.AddUpdate(telegramtest.GroupText(tgHendra, dinkes, "/hubungkan DINKES"))
	e.expectSent(dinkes.ID, "Grup ini terhubung")
	e.srv.AddUpdate(e.srv.MigrateGroup(-4002, -1004002, tgHendra, "Dinkes"))
	e.waitCount(1, `SELECT COUNT(*) FROM group_bindings WHERE chat_id = '-1004002' AND opd_code = 'DINKES'`)

	// The bot is removed from the supergroup: the head is told once, /healthz warns.
	e.srv.SetBlocked(-1004001, true)
	e.srv.AddUpdate(telegramtest.PrivateText(tgHendra, "/umumkan DISKOMINFO Pengumuman kedua"))
	notice := e.expectSent(tgAhmad.ID, "tidak dapat dikirim")
	if !strings.Contains(notice.Text, "/hubungkan DISKOMINFO") {
		t.Fatalf("the notice does not say what to do: %q", notice.Text)
	}
	e.srv.AddUpdate(telegramtest.PrivateText(tgHendra, "/umumkan DISKOMINFO Pengumuman ketiga"))
	e.waitCount(2, `SELECT COUNT(*) FROM outbox WHERE chat_id = '-1004001' AND status = 'failed'`)
	told := 0
	for _, m := range e.srv.Messages(tgAhmad.ID) {
		if strings.Contains(m.Text, "tidak dapat dikirim") {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("the head was told %d times, want once", told)
	}
	st, err := store.Open(context.Background(), e.cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	rep := (&ops.Health{Store: st, Clock: bot.SystemClock{}}).Check(context.Background())
	st.Close()
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "group tg:-1004001 (OPD DISKOMINFO): sends fail for good") {
		t.Fatalf("healthz warnings %q", rep.Warnings)
	}

	// Back in the group and bound again: the warning is gone.
	e.srv.SetBlocked(-1004001, false)
	e.srv.AddUpdate(telegramtest.GroupText(tgAhmad, tgbotapi.Chat{ID: -1004001, Type: "supergroup", Title: "Diskominfo"}, "/hubungkan DISKOMINFO"))
	e.expectSent(-1004001, "Grup ini terhubung")
	e.waitCount(0, `SELECT COUNT(*) FROM group_bindings WHERE failed_at IS NOT NULL`)
}
