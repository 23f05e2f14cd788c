// Package telegram is Lapkin's Telegram transport, on go-telegram-bot-api/v5 behind our own
// adapter. What we learned from the library's source (v5.5.1), and work around here:
//
//   - MakeRequest builds its requests without a context, so a long poll cannot be cancelled. We
//     hand the library an HTTP client that puts our context on every request (ctxClient).
//   - A transport error from net/http quotes the full URL, and the URL holds the token
//     ("/bot<TOKEN>/getUpdates"). Every error leaving this package goes through redact.
//   - GetFileDirectURL ignores a custom endpoint and embeds the token: we build the download URL
//     from the configured endpoint and never log it.
//   - GetUpdatesChan retries forever, hides 401/409 and keeps the offset in memory: we poll with
//     GetUpdates ourselves and persist the offset only after the updates' effects are committed.
//   - The HTTP status is ignored, only the JSON "ok" counts; an HTML 502 from a proxy is a decode
//     error, which we treat as a network error worth a retry.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/chat"
)

// DefaultEndpoint is Telegram's own Bot API server.
const DefaultEndpoint = "https://api.telegram.org/bot%s/%s"

// Config is what the transport needs from [telegram] in the config.
type Config struct {
	Token    string
	Endpoint string // "http://host:port/bot%s/%s"; DefaultEndpoint when empty
	// PollTimeout is the long-poll wait in seconds (Telegram allows up to 50).
	PollTimeout int
	// MaxPhotoBytes is the largest photo downloaded as evidence.
	MaxPhotoBytes int64
	// WebhookSecret is checked against the X-Telegram-Bot-Api-Secret-Token header.
	WebhookSecret string
	// Retry bounds the retries of an update that fails for a reason that may pass (updates.go).
	Retry Retry

	// The flood limits the transport declares to the outbox sender (chat.Limiter); zero is no
	// limit. Telegram's own are 30 messages a second overall, one a second to a person and 20 a
	// minute to a group; [telegram] in the config holds them.
	Rate            int           // messages a second, overall
	PrivateInterval time.Duration // least time between two messages to one person
	GroupPerMinute  int           // messages a minute to one group
	// Concurrency is how many sends may be in flight at once (0: one).
	Concurrency int
	// SendTimeout bounds one send (0: chat.DefaultSendTimeout), well under the HTTP client's
	// timeout, which must outlast a long poll.
	SendTimeout time.Duration
	// Backoff is the first wait after a failed poll, doubling to 10 minutes (0: chat.DefaultBackoff).
	Backoff time.Duration
}

// Telegram delivers replies to Telegram and turns its updates into chat.Messages.
type Telegram struct {
	api    *tgbotapi.BotAPI
	cfg    Config
	log    *slog.Logger
	client *ctxClient

	failures  failures        // handler failures per update id, for bounded retries (updates.go)
	health    health          // for /healthz
	downloads *chat.Downloads // one download at a time

	// self is the bot as getMe described it, once connected (connect.go); the library's own
	// api.Self is never written after New, since Send copies the BotAPI on every call.
	self atomic.Pointer[tgbotapi.User]
	// menu publishes the command menu again once connected, when it could not be at start.
	menu atomic.Pointer[func() error]
}

var (
	_ chat.Transport      = (*Telegram)(nil)
	_ chat.Limiter        = (*Telegram)(nil)
	_ chat.HealthReporter = (*Telegram)(nil)
)

// DownAfter is how many getUpdates failures in a row make the transport report itself
// disconnected: one failure is a hiccup the poll loop rides out, two (the second after a 4 s
// backoff) are an outage an operator should see.
const DownAfter = 2

// health is the transport's state as the poll loop last saw it.
type health struct {
	mu sync.Mutex
	h  chat.Health
}

func (h *health) set(state, detail string, canSend bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.h.State != state || h.h.Detail != detail {
		h.h = chat.Health{Net: Net, State: state, Detail: detail, Since: time.Now(), CanSend: canSend}
	}
}

// Health says whether the Bot API answers: connected once getMe succeeded, disconnected (with
// the error) after DownAfter getUpdates failures in a row, logged out when the token is refused.
// Sending stays allowed while disconnected: the outbox retries with backoff, then parks.
func (t *Telegram) Health() chat.Health {
	t.health.mu.Lock()
	defer t.health.mu.Unlock()
	return t.health.h
}

// New makes the transport and tries once to connect (getMe, which checks the token). A Bot API
// that cannot be reached, or refuses the token, is not an error: the transport reports its state
// (Health: disconnected with the reason, or logged out for a refused token) and its receiver keeps
// trying with backoff (connect.go), while the other networks, the scheduler and the outbox go on
// (issue 26, item 7). Only a malformed configuration is an error. ctx bounds every request the
// transport makes; cancel it to stop a long poll.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Telegram, error) {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if strings.Count(cfg.Endpoint, "%s") != 2 {
		return nil, errors.New("telegram: api_endpoint must have the form http://host:port/bot%s/%s")
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 50
	}
	if cfg.MaxPhotoBytes == 0 {
		cfg.MaxPhotoBytes = 5 << 20
	}
	if log == nil {
		log = slog.Default()
	}
	client := &ctxClient{ctx: ctx, hc: &http.Client{Timeout: time.Duration(cfg.PollTimeout+15) * time.Second}, token: cfg.Token}
	// Not tgbotapi.NewBotAPIWithClient: it calls getMe and fails when the network is down, which
	// made `lapkin run` exit at once. The fields it sets are the ones set here; its unexported
	// shutdown channel serves only GetUpdatesChan, which Lapkin does not use.
	api := &tgbotapi.BotAPI{Token: cfg.Token, Client: client, Buffer: 100}
	api.SetAPIEndpoint(cfg.Endpoint)
	t := &Telegram{api: api, cfg: cfg, log: log.With("net", Net), client: client, downloads: chat.NewDownloads()}
	t.health.set(chat.StateConnecting, "", true)
	warmMarkupEncoders()
	if err := t.connect(); err != nil {
		t.log.Warn("telegram not reachable yet; retrying in the background", "err", err)
	}
	return t, nil
}

// warmMarkupEncoders builds encoding/json's encoders of the reply markups once, before any send:
// the library marshals reply_markup on every send, and the race detector (Go 1.26.8) reported
// encoding/json's lazy construction of a type's encoder (its sync.OnceValue) when the sender's
// concurrent sends marshalled a contact keyboard for the first time side by side. Built here,
// one goroutine, they are only read afterwards. Once per process (sync.OnceFunc): transports made
// side by side (tests run in parallel) would otherwise race building them, and each New waits for
// the one build.
var warmMarkupEncoders = sync.OnceFunc(func() {
	_, _ = json.Marshal(tgbotapi.NewOneTimeReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact("x"))))
	_, _ = json.Marshal(tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("x", "x"))))
	// The decoders of the Bot API's answers, for the same reason: two clients' first getMe
	// decoded side by side were reported as well.
	var resp tgbotapi.APIResponse
	_ = json.Unmarshal([]byte(`{"ok":true,"result":{},"parameters":{}}`), &resp)
	for _, v := range []any{&tgbotapi.User{}, &tgbotapi.Message{}, &tgbotapi.File{}, &tgbotapi.WebhookInfo{},
		&tgbotapi.MessageID{}, &tgbotapi.Chat{}, &tgbotapi.ChatMember{}} {
		_ = json.Unmarshal([]byte(`{}`), v)
	}
	_ = json.Unmarshal([]byte(`[{}]`), &[]tgbotapi.Update{})
	_ = json.Unmarshal([]byte(`[{}]`), &[]tgbotapi.BotCommand{})
})

// Username is the bot's @name, as getMe told; "" until connected.
func (t *Telegram) Username() string {
	if u := t.self.Load(); u != nil {
		return u.UserName
	}
	return ""
}

// Connected reports whether getMe has answered.
func (t *Telegram) Connected() bool { return t.self.Load() != nil }

// Net is Net.
func (t *Telegram) Net() string { return Net }

// Limits declares Telegram's network-wide limits from the config: Rate messages in any one second
// (a sliding window, so no burst of twice the rate at the start of a second), and how many sends
// may be in flight at once, each within SendTimeout.
func (t *Telegram) Limits() chat.Limits {
	l := chat.Limits{Concurrency: t.cfg.Concurrency, SendTimeout: t.cfg.SendTimeout}
	if t.cfg.Rate > 0 {
		l.Network = []chat.Window{{N: t.cfg.Rate, Per: time.Second}}
	}
	return l
}

// ChatLimits declares one chat's limit: a group (negative id) takes GroupPerMinute messages in any
// minute, a person one message per PrivateInterval.
func (t *Telegram) ChatLimits(to chat.ChatRef) []chat.Window {
	id, err := strconv.ParseInt(to.ID, 10, 64)
	switch {
	case err != nil:
		return nil // Send rejects it
	case id < 0 && t.cfg.GroupPerMinute > 0:
		return []chat.Window{{N: t.cfg.GroupPerMinute, Per: time.Minute}}
	case id > 0 && t.cfg.PrivateInterval > 0:
		return []chat.Window{{N: 1, Per: t.cfg.PrivateInterval}}
	}
	return nil
}

// Send delivers one reply: a text or a photo, with inline buttons or a share-contact button.
func (t *Telegram) Send(ctx context.Context, r chat.Reply) error {
	chatID, err := strconv.ParseInt(r.To.ID, 10, 64)
	if err != nil {
		return &chat.Error{Code: chat.Rejected, Cause: fmt.Errorf("telegram: bad chat id %q", r.To.ID)}
	}
	var markup any
	switch {
	case len(r.Buttons) > 0:
		var rows [][]tgbotapi.InlineKeyboardButton
		for _, row := range r.Buttons {
			var btns []tgbotapi.InlineKeyboardButton
			for _, b := range row {
				btns = append(btns, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
			}
			rows = append(rows, btns)
		}
		markup = tgbotapi.NewInlineKeyboardMarkup(rows...)
	case r.ContactButton != "":
		kb := tgbotapi.NewOneTimeReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact(r.ContactButton)))
		kb.ResizeKeyboard = true
		markup = kb
	}
	var c tgbotapi.Chattable
	if r.Document != nil {
		d := tgbotapi.NewDocument(chatID, tgbotapi.FileBytes{Name: r.DocumentName, Bytes: r.Document})
		d.Caption = r.Text
		c = d
	} else if r.Photo != nil {
		name := r.PhotoName
		if name == "" {
			name = "foto.png"
		}
		p := tgbotapi.NewPhoto(chatID, tgbotapi.FileBytes{Name: name, Bytes: r.Photo})
		p.Caption = r.Text
		p.ReplyMarkup = markup
		c = p
	} else {
		m := tgbotapi.NewMessage(chatID, r.Text)
		m.ReplyMarkup = markup
		c = m
	}
	// The library takes no context, so the send runs on a copy of the client whose HTTP client
	// carries ctx: the sender's deadline then ends a send the network swallowed.
	api := *t.api
	api.Client = &callClient{ctx: ctx, hc: t.client.hc}
	_, err = api.Request(c)
	return t.classify(err)
}

// callClient sends every request of one call under that call's context.
type callClient struct {
	ctx context.Context
	hc  *http.Client
}

// Do sends req under the call's context.
func (c *callClient) Do(req *http.Request) (*http.Response, error) {
	return botAPIShape(c.hc.Do(req.WithContext(c.ctx)))
}

// classify turns a Bot API failure into the code the outbox sender acts on.
func (t *Telegram) classify(err error) error {
	if err == nil {
		return nil
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		if te.Code == 0 {
			// UploadFiles (sendPhoto) builds its Error without the code: read it from the answer.
			switch {
			case te.RetryAfter > 0:
				te.Code = 429
			case strings.HasPrefix(te.Message, "Forbidden"):
				te.Code = 403
			case strings.HasPrefix(te.Message, "Bad Request"):
				te.Code = 400
			}
		}
		switch {
		case te.MigrateToChatID != 0:
			// "Bad Request: group chat was upgraded to a supergroup chat": the group lives on
			// under a new id, which the answer names.
			return &chat.Error{Code: chat.Moved, MovedTo: strconv.FormatInt(te.MigrateToChatID, 10), Cause: redact(err, t.cfg.Token)}
		case te.Code == 429:
			return &chat.Error{Code: chat.RetryLater, Wait: time.Duration(te.RetryAfter) * time.Second, Cause: redact(err, t.cfg.Token)}
		case te.Code == 403, te.Code == 400 && strings.Contains(strings.ToLower(te.Message), "chat not found"):
			return &chat.Error{Code: chat.Unreachable, Cause: redact(err, t.cfg.Token)}
		case te.Code >= 400 && te.Code < 500:
			return &chat.Error{Code: chat.Rejected, Cause: redact(err, t.cfg.Token)}
		}
	}
	return &chat.Error{Code: chat.RetryLater, Cause: redact(err, t.cfg.Token)}
}

// SetCommands publishes the command menu of private chats, per language; the first language is
// also the default for users whose Telegram speaks neither.
func (t *Telegram) SetCommands(ctx context.Context, langs []string, menu func(lang string) []chat.Command) error {
	for i, lang := range langs {
		var cmds []tgbotapi.BotCommand
		for _, c := range menu(lang) {
			cmds = append(cmds, tgbotapi.BotCommand{Command: c.Name, Description: c.Description})
		}
		scope := tgbotapi.NewBotCommandScopeAllPrivateChats()
		if _, err := t.api.Request(tgbotapi.NewSetMyCommandsWithScopeAndLanguage(scope, lang, cmds...)); err != nil {
			t.menuLater(ctx, langs, menu)
			return fmt.Errorf("telegram: set commands (%s): %w", lang, redact(err, t.cfg.Token))
		}
		if i == 0 {
			if _, err := t.api.Request(tgbotapi.NewSetMyCommandsWithScope(scope, cmds...)); err != nil {
				t.menuLater(ctx, langs, menu)
				return fmt.Errorf("telegram: set default commands: %w", redact(err, t.cfg.Token))
			}
		}
	}
	t.menu.Store(nil)
	return nil
}

// menuLater keeps a menu that could not be published, for the receiver to publish once connected.
func (t *Telegram) menuLater(ctx context.Context, langs []string, menu func(lang string) []chat.Command) {
	f := func() error { return t.SetCommands(context.WithoutCancel(ctx), langs, menu) }
	t.menu.Store(&f)
}

// download fetches a file from the configured Bot API server. The URL holds the token: it is
// built here from the configured endpoint (not GetFileDirectURL, which ignores it) and never logged.
func (t *Telegram) download(ctx context.Context, fileID string, max int64) ([]byte, error) {
	f, err := t.api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	var te *tgbotapi.Error
	if errors.As(err, &te) && te.Code == http.StatusBadRequest {
		// "Bad Request: invalid file_id" or "file is too big": asking again will not help.
		return nil, fmt.Errorf("%w: getFile: %s", errGone, te.Message)
	}
	if err != nil {
		return nil, redact(err, t.cfg.Token)
	}
	if int64(f.FileSize) > max {
		return nil, errTooBig
	}
	u := fmt.Sprintf(fileEndpoint(t.cfg.Endpoint), t.cfg.Token, f.FilePath)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, redact(err, t.cfg.Token)
	}
	resp, err := t.client.hc.Do(req)
	if err != nil {
		return nil, redact(err, t.cfg.Token)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%w: download: HTTP 404", errGone)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("telegram: download file: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, redact(err, t.cfg.Token)
	}
	if int64(len(data)) > max {
		return nil, errTooBig
	}
	return data, nil
}

var (
	errTooBig = errors.New("telegram: file too big")
	// errGone is a file Telegram no longer has (or never had): retrying cannot fetch it.
	errGone = errors.New("telegram: file not available")
)

// fileEndpoint turns "http://h/bot%s/%s" into "http://h/file/bot%s/%s", where the Bot API serves files.
func fileEndpoint(endpoint string) string {
	i := strings.LastIndex(endpoint, "/bot%s/%s")
	if i < 0 {
		return endpoint
	}
	return endpoint[:i] + "/file/bot%s/%s"
}

// redact removes the token from an error's text: net/http errors quote the URL, which holds it.
func redact(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &redacted{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
}

type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }

// Unwrap keeps errors.As working (for *tgbotapi.Error); the wrapped error's own text still holds
// the token, so only Error() may be logged.
func (r *redacted) Unwrap() error { return r.err }

// ctxClient puts a context on every request the library makes, which it does not do itself.
// getUpdates runs under the poll loop's own context, so a shutdown ends the long poll at once
// while replies still in the outbox can be sent under the transport's longer-lived one.
type ctxClient struct {
	ctx   context.Context
	hc    *http.Client
	poll  atomic.Pointer[context.Context]
	token string
}

// Do sends req under the transport's context. The library offers no per-call context, so a call
// is bounded by this context (cancelled at shutdown) and the client's timeout.
func (c *ctxClient) Do(req *http.Request) (*http.Response, error) {
	ctx := c.ctx
	if p := c.poll.Load(); p != nil && strings.HasSuffix(req.URL.Path, "/getUpdates") {
		ctx = *p
	}
	return botAPIShape(c.hc.Do(req.WithContext(ctx)))
}
