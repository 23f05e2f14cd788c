package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

const token = "987654:VERY-secret-token"

func newTG(t *testing.T) (*Telegram, *telegramtest.Server) {
	t.Helper()
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	tg, err := New(context.Background(), Config{Token: token, Endpoint: srv.Endpoint()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tg, srv
}

// net/http errors quote the URL, and the URL holds the token: none may leave the package.
func TestErrorsNeverShowToken(t *testing.T) {
	t.Parallel()
	srv := telegramtest.New(token)
	endpoint := srv.Endpoint()
	srv.Close()
	// A server that cannot be reached is no error (issue 26, item 7): the health says why.
	tg, err := New(context.Background(), Config{Token: token, Endpoint: endpoint}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := tg.Health()
	if h.State != bot.StateDisconnected || strings.Contains(h.Detail, token) || !strings.Contains(h.Detail, "<token>") ||
		!strings.Contains(h.Detail, "connection refused") {
		t.Fatalf("health shows the token, or hides where or why: %+v", h)
	}
	tg, err = New(context.Background(), Config{Token: "wrong", Endpoint: endpoint}, nil)
	if err != nil || strings.Contains(tg.Health().Detail, "wrong/") {
		t.Fatalf("bad token: %v %+v", err, tg.Health())
	}
}

func TestFileEndpoint(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		DefaultEndpoint:                  "https://api.telegram.org/file/bot%s/%s",
		"http://127.0.0.1:8081/bot%s/%s": "http://127.0.0.1:8081/file/bot%s/%s",
	} {
		if got := fileEndpoint(in); got != want {
			t.Errorf("fileEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	t.Parallel()
	tg, srv := newTG(t)
	ctx := context.Background()
	to := bot.ChatRef{Net: bot.NetTelegram, ID: "42"}
	png := []byte("\x89PNG\r\n\x1a\n")
	cases := []struct {
		name     string
		method   string
		code     int
		desc     string
		retry    int
		want     string
		wantWait time.Duration
	}{
		{"text 429", "sendMessage", 429, "Too Many Requests: retry after 3", 3, bot.RetryLater, 3 * time.Second},
		{"text 403", "sendMessage", 403, "Forbidden: bot was blocked by the user", 0, bot.Unreachable, 0},
		{"text 400", "sendMessage", 400, "Bad Request: message text is empty", 0, bot.Rejected, 0},
		{"chat gone", "sendMessage", 400, "Bad Request: chat not found", 0, bot.Unreachable, 0},
		{"text 502", "sendMessage", 502, "Bad Gateway", 0, bot.RetryLater, 0},
		// sendPhoto goes through the library's UploadFiles, whose errors carry no code.
		{"photo 429", "sendPhoto", 429, "Too Many Requests: retry after 2", 2, bot.RetryLater, 2 * time.Second},
		{"photo 403", "sendPhoto", 403, "Forbidden: bot was blocked by the user", 0, bot.Unreachable, 0},
	}
	for _, c := range cases {
		srv.Fail(c.method, 1, c.code, c.desc, c.retry)
		r := bot.Reply{To: to, Text: "halo"}
		if c.method == "sendPhoto" {
			r.Photo, r.PhotoName = png, "rekap.png"
		}
		err := tg.Send(ctx, r)
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != c.want || be.Wait != c.wantWait {
			t.Errorf("%s: got %v (%+v), want %s wait %v", c.name, err, be, c.want, c.wantWait)
		}
	}
	// And a good send carries the inline buttons.
	if err := tg.Send(ctx, bot.Reply{To: to, Text: "Pilih", Buttons: [][]bot.Button{{{Label: "Simpan", Data: "save"}}}}); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("sendMessage")
	if mk := calls[len(calls)-1].Params.Get("reply_markup"); !strings.Contains(mk, `"callback_data":"save"`) {
		t.Fatalf("reply_markup %s", mk)
	}
}

// The transport declares Telegram's limits as the config gives them and leaves the scheduling to
// the sender; zero is no limit.
func TestLimitsDeclared(t *testing.T) {
	t.Parallel()
	srv := telegramtest.New(token)
	defer srv.Close()
	tg, err := New(context.Background(), Config{Token: token, Endpoint: srv.Endpoint(),
		Rate: 30, PrivateInterval: time.Second, GroupPerMinute: 20, Concurrency: 8, SendTimeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := tg.Limits()
	if len(l.Network) != 1 || l.Network[0] != (bot.Window{N: 30, Per: time.Second}) || l.Concurrency != 8 || l.SendTimeout != 5*time.Second {
		t.Errorf("Limits() = %+v", l)
	}
	if w := tg.ChatLimits(bot.ChatRef{Net: bot.NetTelegram, ID: "42"}); len(w) != 1 || w[0] != (bot.Window{N: 1, Per: time.Second}) {
		t.Errorf("private chat windows %+v", w)
	}
	if w := tg.ChatLimits(bot.ChatRef{Net: bot.NetTelegram, ID: "-4001"}); len(w) != 1 || w[0] != (bot.Window{N: 20, Per: time.Minute}) {
		t.Errorf("group windows %+v", w)
	}
	off, _ := newTG(t)
	if l := off.Limits(); len(l.Network) != 0 || len(off.ChatLimits(bot.ChatRef{Net: bot.NetTelegram, ID: "42"})) != 0 {
		t.Errorf("limits without config: %+v", l)
	}
}

// A send runs under its caller's context: a send the network swallows ends at the sender's
// deadline, not at the HTTP client's timeout, and is worth a retry.
func TestSendHonoursDeadline(t *testing.T) {
	t.Parallel()
	tg, srv := newTG(t)
	srv.Hang(42, true)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := tg.Send(ctx, bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: "42"}, Text: "halo"})
	if code, _ := bot.ErrorCode(err); err == nil || code != bot.RetryLater || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hung send: %v", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("error shows the token: %v", err)
	}
	if err := tg.Send(context.Background(), bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: "43"}, Text: "halo"}); err != nil {
		t.Fatalf("another chat: %v", err)
	}
}

func TestSendDocument(t *testing.T) {
	t.Parallel()
	tg, srv := newTG(t)
	xlsx := []byte("PK\x03\x04 not really a workbook")
	err := tg.Send(context.Background(), bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: "42"}, Text: "Evaluasi DISKOMINFO", Document: xlsx, DocumentName: "evaluasi.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("sendDocument")
	if len(calls) != 1 || string(calls[0].Files["document"]) != string(xlsx) || calls[0].Params.Get("caption") != "Evaluasi DISKOMINFO" {
		t.Fatalf("calls %+v", calls)
	}
}
