package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
)

// Webhook is Telegram's webhook receiver. It owns its HTTP server: it listens on the configured
// address, registers the webhook with Telegram once it listens, serves until ctx ends, and then
// shuts down waiting for the posts in flight (each answers only after its update is committed).
// Owning the server keeps everything Telegram-specific (the path in webhook_url, the listen
// address, the secret header, setWebhook) in this package, and makes Receive mean the same for
// every receiver: it returns when intake has stopped. Handler is exported for tests and for a
// runtime that would rather mount it on a server of its own.
type Webhook struct {
	t      *Telegram
	url    string
	listen string
	// Grace is how long a stop waits for the posts in flight; 10 s when zero.
	Grace time.Duration
}

var _ bot.Receiver = (*Webhook)(nil)

// Webhook returns the webhook receiver for the public url Telegram posts to and the local listen
// address (host:port) it serves on.
func (t *Telegram) Webhook(url, listen string) *Webhook {
	return &Webhook{t: t, url: url, listen: listen}
}

// Receive serves the webhook until ctx ends (nil) or the server fails.
func (w *Webhook) Receive(ctx context.Context, submit bot.Submit) error {
	u, err := url.Parse(w.url)
	if err != nil {
		return fmt.Errorf("telegram: webhook_url: %w", err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.Handle(path, w.Handler(submit))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", w.listen)
	if err != nil {
		return fmt.Errorf("telegram: listen on telegram.listen %s: %w", w.listen, err)
	}
	if err := w.t.SetWebhook(w.url); err != nil {
		ln.Close()
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	w.t.log.Info("webhook listening", "listen", ln.Addr().String(), "path", path)
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	grace := w.Grace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("telegram: stop webhook server: %w", err)
	}
	return nil
}

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

// maxUpdateBytes bounds a posted update; Telegram's are a few kilobytes.
const maxUpdateBytes = 1 << 20

// Handler receives updates posted by Telegram. It answers 200 only after the update's effects are
// committed, or after an update that fails for good was kept as a dead letter; a failure that may
// pass answers 500, and Telegram posts the update again, until the retries are used up. The
// library's ListenForWebhook is not used: it registers on the global mux and cannot report failures.
func (w *Webhook) Handler(submit bot.Submit) http.Handler {
	t := w.t
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if t.cfg.WebhookSecret != "" {
			got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
			if subtle.ConstantTimeCompare([]byte(got), []byte(t.cfg.WebhookSecret)) != 1 {
				http.Error(rw, "forbidden", http.StatusForbidden)
				return
			}
		}
		if r.Method != http.MethodPost {
			http.Error(rw, "POST only", http.StatusMethodNotAllowed)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateBytes))
		if err != nil {
			http.Error(rw, "read body", http.StatusBadRequest)
			return
		}
		u, failed, ok := decode(raw)
		if !ok {
			http.Error(rw, "bad update", http.StatusBadRequest)
			return
		}
		work := context.WithoutCancel(r.Context())
		var m bot.Message
		switch n, last := t.failures.get(u.UpdateID); {
		case failed != nil:
			m = *failed
		case n >= t.cfg.Retry.attempts():
			m = failedMessage(u, bot.FailHandler, "handler failed "+strconv.Itoa(n)+" times: "+last)
		default:
			if m, ok = t.message(work, u); !ok {
				rw.WriteHeader(http.StatusOK) // nothing for us in it
				return
			}
		}
		res := make(chan error, 1)
		if !submit(work, m, func(err error) { res <- err }) {
			http.Error(rw, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if err := <-res; err != nil {
			t.failures.add(u.UpdateID, err)
			http.Error(rw, "retry", http.StatusInternalServerError)
			return
		}
		t.failures.forget(u.UpdateID)
		rw.WriteHeader(http.StatusOK)
	})
}
