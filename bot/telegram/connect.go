package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/chat"
)

// Starting without the network (issue 26, item 7). `lapkin run` used to call getMe in the
// library's constructor and exit at once when Telegram could not be reached ("connect: …
// connection refused"), taking /healthz, the scheduler, WhatsApp and the outbox down with it. Now
// the transport starts disconnected, its receiver connects with backoff before it polls (or sets
// its webhook), and /healthz answers 503 with the reason meanwhile.

// tokenRefused is what a 401 means: the token is wrong or was revoked. Retrying soon cannot help,
// so the receiver asks again only every tokenRetry, and says what to do.
const tokenRefused = "the token was refused (401): it is wrong or was revoked; set telegram.token or LAPKIN_TELEGRAM_TOKEN to the token @BotFather gives and restart"

// tokenRetry is how often a refused token is tried again.
const tokenRetry = 10 * time.Minute

// connectBackoff is the wait before connection attempt n+1 (n from 0): 1 s doubling to a minute.
func connectBackoff(n int) time.Duration {
	d := time.Second
	for i := 0; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}

// connect asks getMe once: on success the transport is connected (and a command menu that could
// not be published at start is published now); otherwise its health says why.
func (t *Telegram) connect() error {
	resp, err := t.api.MakeRequest("getMe", nil)
	if err != nil {
		t.self.Store(nil)
		if isUnauthorized(err) {
			t.health.set(chat.StateLoggedOut, tokenRefused, false)
			return errors.New("telegram: " + tokenRefused)
		}
		err = redact(err, t.cfg.Token)
		t.health.set(chat.StateDisconnected, "connect: "+err.Error(), true)
		return fmt.Errorf("telegram: connect: %w", err)
	}
	var u tgbotapi.User
	if err := json.Unmarshal(resp.Result, &u); err != nil {
		t.health.set(chat.StateDisconnected, "connect: getMe answered "+err.Error(), true)
		return fmt.Errorf("telegram: connect: read getMe: %w", err)
	}
	t.self.Store(&u)
	t.health.set(chat.StateConnected, "", true)
	t.log.Info("telegram connected", "bot", "@"+u.UserName)
	if m := t.menu.Load(); m != nil {
		if err := (*m)(); err != nil {
			t.log.Warn("command menu not set", "err", err)
		}
	}
	return nil
}

// waitConnected connects, trying again with backoff (a refused token every tokenRetry) until it
// succeeds, or ctx ends (false).
func (t *Telegram) waitConnected(ctx context.Context) bool {
	for n := 0; ctx.Err() == nil; n++ {
		if t.Connected() {
			return true
		}
		err := t.connect()
		if err == nil {
			return true
		}
		wait := connectBackoff(n)
		if t.Health().State == chat.StateLoggedOut {
			wait = tokenRetry
			t.log.Error("telegram cannot connect", "err", err, "retry_in", wait)
		} else {
			t.log.Warn("telegram cannot connect", "err", err, "retry_in", wait)
		}
		sleep(ctx, wait)
	}
	return false
}

// isUnauthorized reports whether err is the Bot API's 401.
func isUnauthorized(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusUnauthorized
}

// emptyPause is the wait after a getUpdates that came back empty at once (quickEmpty): a server
// that ignores `timeout` (a misbehaving proxy or emulator) otherwise gets asked in a tight loop
// (72,000 calls in 35 s was seen).
const emptyPause = time.Second

// quickEmpty is how soon an empty getUpdates must come back to count as "at once": a quarter of a
// second, or half the long-poll timeout when that is shorter. A server may end a long poll early
// and empty for reasons of its own (a proxy's read timeout, the fake Bot API's 2 s cap) without
// ignoring the timeout; only one that answers within milliseconds is paused for, so that a
// healthy poll never waits in a pause while an update arrives.
func quickEmpty(timeoutSeconds int) time.Duration {
	return min(250*time.Millisecond, time.Duration(timeoutSeconds)*time.Second/2)
}

// botAPIShape makes an answer that is not the Bot API's (an HTML page from a proxy, a JSON error
// of another shape, an empty body) into one: ok false, the HTTP status as error_code, and the
// status with the start of the body as the description. The library reads only the JSON "ok" and
// "description" and ignores the status, so such an answer surfaced as a decode error or an error
// without a reason, and the log said nothing useful. The Bot API's own answers pass unchanged.
func botAPIShape(resp *http.Response, err error) (*http.Response, error) {
	if err != nil || resp.StatusCode < 300 {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	var probe struct {
		OK *bool `json:"ok"`
	}
	if rerr == nil && json.Unmarshal(body, &probe) == nil && probe.OK != nil {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	desc := fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if s := snippet(body); s != "" {
		desc += ": " + s
	}
	b, _ := json.Marshal(map[string]any{"ok": false, "error_code": resp.StatusCode, "description": desc})
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Type", "application/json")
	return resp, nil
}

// snippet is the start of a body for a log line: tags and runs of white space made one space,
// at most 200 characters, valid UTF-8.
func snippet(body []byte) string {
	var b strings.Builder
	inTag, space := false, false
	for _, r := range strings.ToValidUTF8(string(body), "?") {
		switch {
		case r == '<':
			inTag = true
			continue
		case r == '>' && inTag:
			inTag, space = false, true
			continue
		case inTag:
			continue
		case r == ' ' || r == '\n' || r == '\r' || r == '\t':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		if utf8.RuneCountInString(b.String()) >= 200 {
			return b.String() + "…"
		}
	}
	return b.String()
}
