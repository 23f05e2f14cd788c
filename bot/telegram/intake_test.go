package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/store"
)

var budi = telegramtest.User(1001, "Budi")

// intakeEnv is the adapter on the fake Bot API with fast retries, a real store as its cursor, and
// a submit that records what it is handed and answers with handle's verdict.
type intakeEnv struct {
	t   *testing.T
	srv *telegramtest.Server
	tg  *Telegram
	st  *store.Store

	mu     sync.Mutex
	got    []bot.Message
	handle func(bot.Message) error
	seen   chan struct{}
}

func newIntakeEnv(t *testing.T, endpoint func(*telegramtest.Server) string) *intakeEnv {
	t.Helper()
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	ep := srv.Endpoint()
	if endpoint != nil {
		ep = endpoint(srv)
	}
	tg, err := New(context.Background(), Config{Token: token, Endpoint: ep, PollTimeout: 1,
		Retry: Retry{Attempts: 3, Backoff: 10 * time.Millisecond}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &intakeEnv{t: t, srv: srv, tg: tg, st: st, seen: make(chan struct{}, 1000)}
}

func (e *intakeEnv) submit(ctx context.Context, m bot.Message, done func(error)) bool {
	m = fetched(ctx, m)
	e.mu.Lock()
	e.got = append(e.got, m)
	h := e.handle
	e.mu.Unlock()
	var err error
	if h != nil {
		err = h(m)
	}
	go done(err)
	e.seen <- struct{}{}
	return true
}

// fetched downloads a message's photo as the runtime does for a sender it knows
// (flows.Engine.fetchMedia): the transport only says how.
func fetched(ctx context.Context, m bot.Message) bot.Message {
	if m.Photo == nil || m.Photo.Fetch == nil {
		return m
	}
	p := *m.Photo
	data, err := p.Fetch(ctx)
	p.Fetch = nil
	var f *bot.Failure
	switch {
	case errors.As(err, &f):
		m.Failed = f
	case err == nil:
		p.Data = data
	}
	m.Photo = &p
	return m
}

// poll runs the poller until the returned stop, which checks that Receive ended with nil.
func (e *intakeEnv) poll() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- e.tg.Poller(e.st).Receive(ctx, e.submit) }()
	return func() {
		cancel()
		select {
		case err := <-res:
			if err != nil {
				e.t.Errorf("Receive returned %v", err)
			}
		case <-time.After(5 * time.Second):
			e.t.Fatal("Receive did not return")
		}
	}
}

// waitConfirmed waits until Telegram holds no update below or at id.
func (e *intakeEnv) waitConfirmed(id int) {
	e.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if p := e.srv.Pending(); len(p) == 0 || p[0] > id {
			return
		}
	}
	e.t.Fatalf("update %d never confirmed; pending %v", id, e.srv.Pending())
}

func (e *intakeEnv) messages() []bot.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bot.Message(nil), e.got...)
}

func (e *intakeEnv) offset() string {
	v, err := e.st.LoadCursor(context.Background(), CursorKey)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// A network failure on getFile is retried, and the photo arrives; one that keeps failing gives up
// after the configured tries and hands the update on as a dead letter, and intake goes on.
func TestPollerRetriesDownloadThenGivesUp(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	png := []byte("\x89PNG\r\n\x1a\nfoto")
	e.srv.AddFile("f1", png)
	e.srv.Fail("getFile", 2, 502, "Bad Gateway", 0)
	first := e.srv.AddUpdate(telegramtest.Photo(budi, "f1", "/lapor 1 Rapat #1"))
	stop := e.poll()
	e.waitConfirmed(first)
	if got := e.messages(); len(got) != 1 || got[0].Failed != nil || got[0].Photo == nil || !bytes.Equal(got[0].Photo.Data, png) {
		t.Fatalf("after two 502s the photo should arrive: %+v", got)
	}
	if n := len(e.srv.Calls("getFile")); n != 3 {
		t.Fatalf("%d getFile calls, want 3", n)
	}

	e.srv.Fail("getFile", 3, 502, "Bad Gateway", 0)
	second := e.srv.AddUpdate(telegramtest.Photo(budi, "f1", "/lapor 1 Rapat lagi #1"))
	third := e.srv.AddUpdate(telegramtest.PrivateText(budi, "/progres"))
	e.waitConfirmed(third)
	stop()
	got := e.messages()
	if len(got) != 3 {
		t.Fatalf("%d messages submitted, want 3", len(got))
	}
	f := got[1].Failed
	if f == nil || f.Kind != bot.FailFile || !strings.Contains(f.Reason, "Bad Gateway") || got[1].ID != strconv.Itoa(second) ||
		got[1].Chat.ID != "1001" || !strings.Contains(string(f.Raw), "Rapat lagi") {
		t.Fatalf("second update: %+v (failure %+v)", got[1], f)
	}
	if got[2].Text != "/progres" {
		t.Fatalf("third update: %+v", got[2])
	}
	if e.offset() != strconv.Itoa(third+1) {
		t.Fatalf("offset %q, want %d", e.offset(), third+1)
	}
	if strings.Contains(f.Reason, token) {
		t.Fatal("the reason shows the token")
	}
}

// A file Telegram no longer has fails at once: no retries.
func TestPollerFileGoneIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	id := e.srv.AddUpdate(telegramtest.Photo(budi, "hilang", "/lapor 1 Rapat #1"))
	stop := e.poll()
	e.waitConfirmed(id)
	stop()
	got := e.messages()
	if len(got) != 1 || got[0].Failed == nil || got[0].Failed.Kind != bot.FailFile || !strings.Contains(got[0].Failed.Reason, "invalid file_id") {
		t.Fatalf("got %+v", got)
	}
	if n := len(e.srv.Calls("getFile")); n != 1 {
		t.Fatalf("%d getFile calls for a file that is gone, want 1", n)
	}
}

// An update the library cannot decode (here a date that is not a number) does not make every
// getUpdates fail: it is handed on as a dead letter with what can be read of it, and the updates
// after it arrive.
func TestPollerUndecodableUpdate(t *testing.T) {
	t.Parallel()
	var bad int
	var mu sync.Mutex
	e := newIntakeEnv(t, func(srv *telegramtest.Server) string {
		target, _ := url.Parse(srv.URL())
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.ModifyResponse = func(resp *http.Response) error {
			if !strings.HasSuffix(resp.Request.URL.Path, "/getUpdates") {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			var env struct {
				OK     bool             `json:"ok"`
				Result []map[string]any `json:"result"`
			}
			if json.Unmarshal(body, &env) == nil {
				mu.Lock()
				for _, u := range env.Result {
					if int(u["update_id"].(float64)) == bad {
						u["message"].(map[string]any)["date"] = "kemarin"
					}
				}
				mu.Unlock()
				body, _ = json.Marshal(env)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Del("Content-Length")
			return nil
		}
		ts := httptest.NewServer(proxy)
		t.Cleanup(ts.Close)
		return ts.URL + "/bot%s/%s"
	})
	mu.Lock()
	bad = e.srv.AddUpdate(telegramtest.PrivateText(budi, "/lapor Rapat"))
	mu.Unlock()
	next := e.srv.AddUpdate(telegramtest.PrivateText(budi, "/riwayat"))
	stop := e.poll()
	e.waitConfirmed(next)
	stop()
	got := e.messages()
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2: %+v", len(got), got)
	}
	f := got[0].Failed
	if f == nil || f.Kind != bot.FailDecode || got[0].ID != strconv.Itoa(bad) || got[0].Chat.ID != "1001" || got[0].Sender.ID != "1001" ||
		got[0].Group || !strings.Contains(string(f.Raw), "kemarin") {
		t.Fatalf("undecodable update: %+v (failure %+v)", got[0], f)
	}
	if got[1].Text != "/riwayat" || got[1].Failed != nil {
		t.Fatalf("next update: %+v", got[1])
	}
}

// A handler that keeps failing is retried a bounded number of times, then the update is handed on
// as a dead letter and confirmed; a redelivery after that is the runtime's to ignore.
func TestPollerHandlerFailureIsBounded(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	tries := 0
	e.handle = func(m bot.Message) error {
		if m.Failed != nil {
			return nil // the runtime keeps it
		}
		if m.Text == "/lapor racun" {
			tries++
			return errHandlerTest
		}
		return nil
	}
	bad := e.srv.AddUpdate(telegramtest.PrivateText(budi, "/lapor racun"))
	stop := e.poll()
	e.waitConfirmed(bad)
	stop()
	got := e.messages()
	last := got[len(got)-1]
	if tries != 3 || last.Failed == nil || last.Failed.Kind != bot.FailHandler || !strings.Contains(last.Failed.Reason, "3 times") ||
		last.Chat.ID != "1001" || !strings.Contains(string(last.Failed.Raw), "racun") {
		t.Fatalf("tries %d, last %+v (failure %+v)", tries, last, last.Failed)
	}
}

var errHandlerTest = &bot.Error{Code: bot.RetryLater}

// The webhook answers 200 for a good update, 500 while a failing handler has tries left, then
// hands the update on as a dead letter and answers 200; an undecodable post is kept too.
func TestWebhookHandlerFailures(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t, nil)
	e.tg.cfg.WebhookSecret = "rahasia-webhook-uji-coba"
	h := e.tg.Webhook("https://lapkin.example/tg", "127.0.0.1:0").Handler(e.submit)
	post := func(body []byte) int {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/tg", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "rahasia-webhook-uji-coba")
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	e.handle = func(m bot.Message) error {
		if m.Failed == nil && m.Text == "/lapor racun" {
			return errHandlerTest
		}
		return nil
	}
	u := telegramtest.PrivateText(budi, "/lapor racun")
	u.UpdateID, u.Message.MessageID, u.Message.Chat = 77, 1, &tgbotapi.Chat{ID: budi.ID, Type: "private"}
	b, _ := json.Marshal(u)
	for i, want := range []int{500, 500, 500, 200} {
		if code := post(b); code != want {
			t.Fatalf("post %d answered %d, want %d", i+1, code, want)
		}
	}
	if last := e.messages()[3]; last.Failed == nil || last.Failed.Kind != bot.FailHandler {
		t.Fatalf("fourth post: %+v", last)
	}
	raw := []byte(`{"update_id":78,"message":{"message_id":2,"date":"kemarin","chat":{"id":1001,"type":"private"},"from":{"id":1001}}}`)
	if code := post(raw); code != 200 {
		t.Fatalf("undecodable post answered %d", code)
	}
	if m := e.messages()[4]; m.Failed == nil || m.Failed.Kind != bot.FailDecode || m.ID != "78" || m.Chat.ID != "1001" {
		t.Fatalf("undecodable: %+v", m)
	}
	if code := post([]byte(`{"message":`)); code != http.StatusBadRequest {
		t.Fatalf("garbage answered %d", code)
	}
}
