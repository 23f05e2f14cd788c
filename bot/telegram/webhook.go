package telegram

import (
	"context"
	"crypto/subtle"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SetWebhook tells Telegram to post updates to url with our secret token. The library's
// WebhookConfig has no secret_token, so the call is made by hand (LIBRARIES.md).
func (t *Telegram) SetWebhook(url string) error {
	params := tgbotapi.Params{"url": url, "allowed_updates": `["message","callback_query"]`}
	if t.cfg.WebhookSecret != "" {
		params["secret_token"] = t.cfg.WebhookSecret
	}
	_, err := t.api.MakeRequest("setWebhook", params)
	return redact(err, t.cfg.Token)
}

// WebhookHandler receives updates posted by Telegram. It answers 200 only after the update's
// effects are committed; any failure answers 500, and Telegram posts the update again. The library's
// ListenForWebhook is not used: it registers on the global mux and cannot report failures.
func (t *Telegram) WebhookHandler(submit Submit) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t.cfg.WebhookSecret != "" {
			got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
			if subtle.ConstantTimeCompare([]byte(got), []byte(t.cfg.WebhookSecret)) != 1 {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
		}
		u, err := t.api.HandleUpdate(r)
		if err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		work := context.WithoutCancel(r.Context())
		m, ok := t.message(work, *u)
		if !ok {
			if m.Raw == errDownload {
				http.Error(w, "retry", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK) // nothing for us in it
			return
		}
		res := make(chan error, 1)
		if !submit(work, m, func(err error) { res <- err }) {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if err := <-res; err != nil {
			http.Error(w, "retry", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
