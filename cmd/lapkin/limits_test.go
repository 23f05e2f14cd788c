package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// `lapkin run` hands the [telegram] limits to the transport: with the defaults, replies queued
// for two people and a group reach a Bot API that enforces Telegram's limits without a single 429,
// each chat's in order. (Before the lanes, three replies to one person met a 429 and overtook each
// other.)
func TestRunKeepsTelegramLimits(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	tgLimitsDefault(e.cfg)
	e.srv.SetLimits(telegramtest.TelegramLimits)
	var replies []bot.Reply
	for i := range 3 {
		for _, chat := range []string{"5001", "5002", "-4001"} {
			replies = append(replies, bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: chat}, Text: fmt.Sprintf("balasan %d", i)})
		}
	}
	e.queueReplies(replies)
	stop := e.start()
	ours := func(c tgbotapi.Chat, _ string) bool { return c.ID == 5001 || c.ID == 5002 || c.ID == -4001 }
	if !waitFor(15*time.Second, func() bool { return len(e.delivered(ours)) >= len(replies) }) {
		t.Fatalf("%d of %d replies delivered", len(e.delivered(ours)), len(replies))
	}
	stop()
	if n := e.srv.Throttled(); n != 0 {
		t.Fatalf("the Bot API answered %d sends with 429", n)
	}
	next := map[string]int{}
	for _, c := range e.delivered(ours) {
		chat := c.Params.Get("chat_id")
		if want := "balasan " + strconv.Itoa(next[chat]); c.Params.Get("text") != want {
			t.Fatalf("chat %s got %q, want %q", chat, c.Params.Get("text"), want)
		}
		next[chat]++
	}
}
