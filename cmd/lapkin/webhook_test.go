package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// webhookEnv is a tgEnv in webhook mode on a free local port, with no webhook_secret in the config.
func webhookEnv(t *testing.T) (e *tgEnv, post func(secret string, u tgbotapi.Update) int) {
	t.Helper()
	e = newTGEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e.cfg.Set("telegram.mode", "webhook")
	e.cfg.Set("telegram.listen", addr)
	e.cfg.Set("telegram.webhook_url", "https://lapkin.example.go.id/telegram")
	e.cfg.Set("telegram.webhook_secret", "")
	post = func(secret string, u tgbotapi.Update) int {
		t.Helper()
		b, _ := json.Marshal(u)
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram", bytes.NewReader(b))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	return e, post
}

// waitWebhook waits until the receiver has called setWebhook and returns the secret it gave.
func (e *tgEnv) waitWebhook() string {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if url, secret := e.srv.Webhook(); url != "" {
			return secret
		}
	}
	e.t.Fatal("the webhook was never set")
	return ""
}

// Issue 12, item 1: webhook mode without a configured secret used to take every post. A forged
// contact card with the admin's phone linked a stranger's chat to the admin's NIP. Now Lapkin
// makes a secret on first start, keeps it in the database (never in the log), registers it with
// Telegram, and refuses every post that does not carry it; a restart keeps the same secret.
func TestWebhookWithoutConfiguredSecret(t *testing.T) {
	e, post := webhookEnv(t)
	stop := e.start()
	secret := e.waitWebhook()
	if len(secret) < 32 {
		t.Fatalf("webhook registered with secret %q: want a generated one of 32+ characters", secret)
	}
	// Telegram's own posts, with the secret: the admin Hendra (0812-0000-1005) links his account.
	hendra := telegramtest.User(1005, "Hendra")
	own := telegramtest.ContactShare(hendra, hendra.ID, "081200001005")
	own.UpdateID, own.Message.MessageID = 601, 1
	if got := post(secret, own); got != http.StatusOK {
		t.Fatalf("post with the secret answered %d", got)
	}
	e.expectSent(hendra.ID, "Terima kasih")

	// Forged posts: the admin's phone in a stranger's contact card, and a /kode in the admin's
	// name, without the secret or with a wrong one.
	forged := telegramtest.ContactShare(tgOther, tgOther.ID, "081200001005")
	forged.UpdateID, forged.Message.MessageID = 602, 2
	code := telegramtest.PrivateText(hendra, "/kode 198806202014031004")
	code.UpdateID, code.Message.MessageID = 603, 3
	for _, u := range []tgbotapi.Update{forged, code} {
		if got := post("", u); got != http.StatusForbidden {
			t.Fatalf("post without the secret answered %d, want 403", got)
		}
		if got := post("tebakan-rahasia-yang-salah", u); got != http.StatusForbidden {
			t.Fatalf("post with a wrong secret answered %d, want 403", got)
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM identities WHERE external_id = ?`, strconv.FormatInt(tgOther.ID, 10)); n != 0 {
		t.Fatal("a forged contact card linked a stranger")
	}
	if n := e.count(`SELECT COUNT(*) FROM registration_codes`); n != 0 {
		t.Fatalf("%d registration codes issued by forged posts", n)
	}
	// The same /kode from Telegram itself is taken: the check above could have failed.
	code.UpdateID = 604
	if got := post(secret, code); got != http.StatusOK {
		t.Fatalf("post with the secret answered %d", got)
	}
	e.expectSent(hendra.ID, "Kode pendaftaran")
	stop()
	if strings.Contains(e.log.String(), secret) {
		t.Fatal("the webhook secret is in the log")
	}
	if n := e.count(`SELECT COUNT(*) FROM kv WHERE value = ?`, secret); n != 1 {
		t.Fatal("the generated secret is not kept in the database")
	}

	// A restart keeps the secret: Telegram is told the same one again.
	stop = e.start()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	calls, err := e.srv.WaitCalls(ctx, 2, "setWebhook")
	if err != nil {
		t.Fatal(err)
	}
	if again := calls[1].Params.Get("secret_token"); again != secret {
		t.Fatal("after a restart the secret changed")
	}
}

// A configured secret is used as given, and a short one is refused by the config check.
func TestWebhookConfiguredSecret(t *testing.T) {
	e, post := webhookEnv(t)
	e.cfg.Set("telegram.webhook_secret", "rahasia-webhook-kota-harapan")
	stop := e.start()
	defer stop()
	if got := e.waitWebhook(); got != "rahasia-webhook-kota-harapan" {
		t.Fatalf("webhook registered with %q", got)
	}
	u := telegramtest.PrivateText(tgOther, "/start")
	u.UpdateID, u.Message.MessageID = 701, 1
	if got := post("", u); got != http.StatusForbidden {
		t.Fatalf("post without the secret answered %d", got)
	}
	if n := e.count(`SELECT COUNT(*) FROM kv WHERE key LIKE '%webhook%'`); n != 0 {
		t.Fatal("a configured secret was copied into the database")
	}
}
