package telegramtest_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// A 502 page from the proxy reaches the real client as an error that is not a *tgbotapi.Error
// (the HTML does not decode), the call never reaches the server, and the next call goes through.
func TestProxyBadGateway(t *testing.T) {
	t.Parallel()
	srv := telegramtest.New(token)
	defer srv.Close()
	proxy := telegramtest.NewProxy(srv)
	defer proxy.Close()
	api, err := tgbotapi.NewBotAPIWithClient(token, proxy.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	proxy.BadGateway("sendmessage", 1)
	_, err = api.Send(tgbotapi.NewMessage(42, "halo"))
	var te *tgbotapi.Error
	if err == nil || errors.As(err, &te) {
		t.Fatalf("through a 502 page: err %v (a *tgbotapi.Error: %v)", err, te != nil)
	}
	if _, err := api.Send(tgbotapi.NewMessage(42, "halo lagi")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Calls("sendMessage")); n != 1 {
		t.Fatalf("the server saw %d sends, want 1", n)
	}
	if got := srv.Messages(42); len(got) != 1 || got[0].Text != "halo lagi" {
		t.Fatalf("chat 42 holds %v", got)
	}
	if proxy.Answered502() != 1 {
		t.Fatalf("Answered502 = %d", proxy.Answered502())
	}
}
