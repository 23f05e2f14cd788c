package main

// Fault tests of issue 26, item 7: the Bot API out of reach when `lapkin run` starts, and servers
// that answer what the Bot API never would. Printed in CI with the other faults.

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// Telegram unreachable at start: `lapkin run` used to exit at once ("connect: … connection
// refused") with no /healthz. It keeps running, /healthz answers 503 with the reason, and once
// the Bot API is back at its address the bot connects, polls and answers.
func TestFaultTelegramUnreachableAtStart(t *testing.T) {
	e := newTGEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e.srv.Close()
	e.cfg.Set("telegram.api_endpoint", "http://"+addr+"/bot%s/%s")
	e.cfg.HTTP.Listen = "127.0.0.1:0"
	started := time.Now()
	m, stop := e.startMain()
	defer stop()
	code, body := opsGet(t, "http://"+m.HTTPAddr+"/healthz")
	downAt := time.Now()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "tg: disconnected (connect: ") || !strings.Contains(body, "connection refused") {
		t.Fatalf("healthz while Telegram is down: %d\n%s", code, body)
	}
	// The Bot API comes back a moment later, at the same address.
	time.Sleep(300 * time.Millisecond)
	srv, err := telegramtest.NewAt(testToken, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	back := time.Now()
	e.srv = srv
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	answered := time.Since(back)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code, _ = opsGet(t, "http://"+m.HTTPAddr+"/healthz"); code == http.StatusOK {
			break
		}
	}
	if code != http.StatusOK {
		t.Fatalf("healthz after Telegram came back: %d", code)
	}
	t.Logf("summary: Telegram unreachable at start: kept running, /healthz 503 (connection refused) %s after start; the Bot API back after 0.3 s, the first answer %s after that (before issue 26: lapkin run exited at once)",
		downAt.Sub(started).Round(time.Millisecond), answered.Round(time.Millisecond))
}

// A server that ignores the long-poll timeout and answers an empty getUpdates at once used to be
// asked 72,000 times in 35 s; a proxy's error page (not the Bot API's JSON) was logged with an
// empty reason. The poll loop pauses after quick empty answers, and the log keeps the HTTP status
// and the start of the body.
func TestFaultImpatientAndForeignServers(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	var calls, foreign atomic.Int64
	// In front of the fake: getUpdates answered at once and empty; the first two sendMessage calls
	// answered by a "proxy" with a plain-text 403 that is not the Bot API's shape.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/getUpdates"):
			calls.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"result":[]}`))
		case strings.HasSuffix(r.URL.Path, "/sendMessage") && foreign.Add(1) <= 2:
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte("Access denied by the corporate proxy\n"))
		default:
			r2, _ := http.NewRequest(r.Method, e.srv.URL()+r.URL.Path, r.Body)
			r2.Header = r.Header
			resp, err := http.DefaultClient.Do(r2)
			if err != nil {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.WriteHeader(resp.StatusCode)
			var buf [32 << 10]byte
			for {
				n, err := resp.Body.Read(buf[:])
				w.Write(buf[:n])
				if err != nil {
					break
				}
			}
		}
	}))
	defer front.Close()
	e.cfg.Set("telegram.api_endpoint", front.URL+"/bot%s/%s")
	stop := e.start()
	time.Sleep(time.Second)
	n := calls.Load()
	// A reply the proxy refuses: the log names the status and what it said.
	e.queueReplies([]bot.Reply{{To: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.FormatInt(tgBudi.ID, 10)}, Text: "Uji pengiriman"}})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(e.log.String(), "Access denied"); {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	log := e.log.String()
	t.Logf("summary: a server answering empty getUpdates at once: %d calls in 1 s (before issue 26: about 2,000); a proxy's plain 403: logged as %q",
		n, firstMatch(log, "HTTP 403"))
	if n > 3 {
		t.Fatalf("%d getUpdates calls in 1 s against an impatient server", n)
	}
	if !strings.Contains(log, "HTTP 403 Forbidden: Access denied by the corporate proxy") {
		t.Fatalf("the proxy's answer is not in the log:\n%s", log)
	}
}

// firstMatch is the log line holding want, trimmed to what follows the level.
func firstMatch(log, want string) string {
	for _, line := range strings.Split(log, "\n") {
		if i := strings.Index(line, want); i >= 0 {
			return line[i:min(len(line), i+80)]
		}
	}
	return ""
}
