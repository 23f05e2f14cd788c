package main

// Fault test of issue 26, item 6: idle connections against Lapkin's HTTP servers, in a child
// `lapkin run` that may hold only a few hundred file descriptors (as under a low ulimit).

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// 1,000 idle connections to /healthz's server and 1,000 to the webhook's: before, each was held
// for good (no idle timeout, no cap) until the process ran out of file descriptors, and neither a
// monitor nor Telegram got through. Now each server keeps at most its cap and closes the oldest
// idle connection to make room, so both still answer.
func TestFaultIdleConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("starts lapkin run as a process")
	}
	srv := telegramtest.New(testToken)
	defer srv.Close()
	dir := t.TempDir()
	ops, hook := freeAddr(t), freeAddr(t)
	const secret = "idle-test-secret-0123456789"
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(fmt.Sprintf(`[app]
data_dir = %q

[telegram]
enabled = true
token = %q
api_endpoint = %q
mode = "webhook"
webhook_url = "https://lapkin.example/telegram"
listen = %q
webhook_secret = %q

[http]
listen = %q
`, dir, testToken, srv.Endpoint(), hook, secret, ops)), 0o600)
	const fds = 256
	p := &lapkinProc{stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "run", "--config", path)
	p.cmd.Env = append(os.Environ(), asMainEnv+"=1", fmt.Sprintf("%s=%d", noFileEnv, fds))
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	defer p.stop(t)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get("http://" + ops + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lapkin run never served /healthz:\n%s", p.stderr.String())
		}
	}
	// The webhook listens once Telegram's receiver has started, which can be after /healthz
	// answers (under -race or load, by a second): dialling it before then was refused.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", hook); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lapkin run never listened for the webhook on %s:\n%s", hook, p.stderr.String())
		}
	}
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for _, addr := range []string{ops, hook} {
		for i := 0; i < 1000; i++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("idle connection %d: %v", i, err)
			}
			idle = append(idle, c)
		}
	}
	start := time.Now()
	resp, err := client.Get("http://" + ops + "/healthz")
	if err != nil {
		t.Fatalf("/healthz behind 1,000 idle connections: %v\n%s", err, tail(p.stderr.String()))
	}
	resp.Body.Close()
	healthz := time.Since(start)
	start = time.Now()
	req, _ := http.NewRequest(http.MethodPost, "http://"+hook+"/telegram", strings.NewReader(`{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"first_name":"X"},"text":"halo"}}`))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatalf("a webhook post behind 1,000 idle connections: %v\n%s", err, tail(p.stderr.String()))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook post: HTTP %d", resp.StatusCode)
	}
	t.Logf("summary: 1,000 idle connections to each server of a lapkin run limited to %d file descriptors: /healthz answered in %s, a webhook post in %s (before issue 26: neither, until restarted)",
		fds, healthz.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// tail is the end of a log, for a failure message.
func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
