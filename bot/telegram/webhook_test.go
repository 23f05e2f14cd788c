package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// Issue 12, item 1: a webhook never runs without a secret. Without one, Receive refuses to start
// and the handler refuses every post, whatever it carries; nothing reaches the flows.
func TestWebhookRefusesWithoutSecret(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	w := e.tg.Webhook("https://lapkin.example/tg", "127.0.0.1:0")
	if err := w.Receive(context.Background(), e.submit); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("Receive without a secret: %v", err)
	}
	if url, _ := e.srv.Webhook(); url != "" {
		t.Fatal("a webhook without a secret was registered with Telegram")
	}
	u := telegramtest.ContactShare(budi, budi.ID, "081300000001")
	u.UpdateID = 5
	b, _ := json.Marshal(u)
	for _, header := range []string{"", "apa-saja"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/tg", bytes.NewReader(b))
		if header != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", header)
		}
		w.Handler(e.submit).ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("post with header %q answered %d, want 403", header, rec.Code)
		}
	}
	if got := e.messages(); len(got) != 0 {
		t.Fatalf("forged posts reached the flows: %+v", got)
	}
}

// WebhookSecret keeps a configured secret as it is, and otherwise generates one once and reuses it.
func TestWebhookSecretGeneratedOnce(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	ctx := context.Background()
	if s, gen, err := WebhookSecret(ctx, e.st, "dari-konfigurasi-1234"); err != nil || s != "dari-konfigurasi-1234" || gen {
		t.Fatalf("configured: %q %v %v", s, gen, err)
	}
	first, gen, err := WebhookSecret(ctx, e.st, "")
	if err != nil || !gen || len(first) != 43 || !isSecretToken(first) {
		t.Fatalf("generated %q (%v, %v): want 43 characters of A-Z a-z 0-9 _ -", first, gen, err)
	}
	again, gen, err := WebhookSecret(ctx, e.st, "")
	if err != nil || gen || again != first {
		t.Fatalf("second start: %q %v %v, want the first secret again", again, gen, err)
	}
}

func isSecretToken(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
