// Package telegramtest is a fake Telegram Bot API server for tests. The real tgbotapi client
// talks to it over HTTP, so a test drives the Telegram adapter end to end without a token or a
// network: it queues updates, lets the adapter poll them, and reads back what the adapter sent.
//
// The fake answers the methods Lapkin uses the way Telegram does, including the errors an adapter
// must survive: 401 for a wrong token, 409 for a second poller or an active webhook, 400 for an
// edit that changes nothing, an over-long text or a bad button, 403 for a blocked chat, and any
// error a test injects with Fail. SetLimits makes it answer 429 to sends over Telegram's flood
// limits, and Hang makes the sends to one chat hang until the client gives up. Long polls are capped at two seconds so tests stay fast.
//
//	srv := telegramtest.New("123:TEST")
//	defer srv.Close()
//	api, err := tgbotapi.NewBotAPIWithClient("123:TEST", srv.Endpoint(), &http.Client{})
//	srv.AddUpdate(telegramtest.PrivateText(budi, "/lapor"))
//	calls, err := srv.WaitCalls(ctx, 1, "sendMessage")
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// BotID is the user id of the fake bot, as returned by getMe.
const BotID = 7000

// BotUserName is the username of the fake bot, as returned by getMe.
const BotUserName = "LapkinTestBot"

// MaxPoll caps the long-poll timeout a getUpdates call may ask for, so that a poll loop that asks
// for 50 s still notices an empty queue quickly and a test never waits long for Close.
const MaxPoll = 2 * time.Second

// Server is a fake Bot API server on a local port. All its methods are safe for concurrent use.
// It holds everything in memory under one lock: a test fake has no need for finer locking.
type Server struct {
	token     string
	bot       tgbotapi.User
	http      *httptest.Server
	done      chan struct{} // closed by Close, ends long polls so Close does not wait for them
	closeOnce sync.Once

	mu sync.Mutex

	// Updates, see updates.go.
	pending      []tgbotapi.Update       // not yet confirmed by an offset, ascending update_id
	history      map[int]tgbotapi.Update // every update added, by id
	lastUpdateID int
	arrived      chan struct{} // closed and replaced whenever an update is added
	poll         chan struct{} // closed to end the running long poll with 409; nil when none waits

	// Messages and chats, see messages.go.
	lastMessageID  int
	messages       map[msgKey]*stored
	sent           []msgKey // the bot's messages in the order they were sent
	chats          map[int64]tgbotapi.Chat
	callbacks      map[string]bool
	lastCallbackID int
	blocked        map[int64]bool
	migrated       map[int64]int64 // group -> the supergroup it became (MigrateGroup)

	// Files, see files.go.
	files      map[string][]byte
	lastFileID int

	// Settings, see settings.go.
	commands      map[string][]tgbotapi.BotCommand
	webhookURL    string
	webhookSecret string

	// Flood limits and hung chats, see limits.go.
	limits    Limits
	windows   map[int64][]time.Time // accepted sends per chat, and bot-wide under globalWindow
	throttled int
	hung      map[int64]bool

	// Calls and injected failures.
	calls    []Call
	recorded chan struct{} // closed and replaced whenever a call is recorded
	failures map[string][]apiError

	noHistory bool // ForgetHistory: keep no update, message or call once answered
}

// ForgetHistory makes the server keep nothing it no longer needs: no update once confirmed, no
// message, no call. A load test that runs the fake in the measured process sets it, so that the
// fake's memory of 20,000 updates and their replies is not charged to the bot's garbage collector.
// Update, Sent, Calls and the like then find nothing, and a reply to a message the server does not
// know is accepted (as if allow_sending_without_reply were set).
func (s *Server) ForgetHistory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noHistory = true
	s.history, s.messages, s.sent, s.calls = map[int]tgbotapi.Update{}, map[msgKey]*stored{}, nil, nil
}

// Call is one request the server received, recorded after it was answered.
type Call struct {
	// Method is the Bot API method in its canonical spelling ("sendMessage"), whatever case the
	// client used.
	Method string
	// Params holds the form fields, from an urlencoded or a multipart body, and the query string.
	// JSON-valued fields such as reply_markup are kept as the JSON text the client sent.
	Params url.Values
	// Files holds the contents of multipart file parts by field name ("photo").
	Files map[string][]byte
	// At is when the request arrived.
	At time.Time
	// ErrorCode is the error_code the server answered, 0 when the call succeeded.
	ErrorCode int
	// Hung is true for a send that Hang held until the client gave up; ErrorCode is then 499.
	Hung bool
}

// apiError is an unsuccessful answer; its code is also the HTTP status.
type apiError struct {
	code        int
	description string
	retryAfter  int
	migrateTo   int64
}

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + description}
}

// handler answers one method: a result to encode as JSON, or an error.
type handler func(s *Server, ctx context.Context, p url.Values, files map[string][]byte) (any, *apiError)

// methods maps the lower-cased method name (Telegram's method names are case-insensitive) to its
// canonical spelling and handler.
var methods = map[string]struct {
	name string
	h    handler
}{
	"getme":                  {"getMe", (*Server).getMe},
	"getupdates":             {"getUpdates", (*Server).getUpdates},
	"sendmessage":            {"sendMessage", (*Server).sendMessage},
	"sendphoto":              {"sendPhoto", (*Server).sendPhoto},
	"senddocument":           {"sendDocument", (*Server).sendDocument},
	"editmessagetext":        {"editMessageText", (*Server).editMessageText},
	"editmessagereplymarkup": {"editMessageReplyMarkup", (*Server).editMessageReplyMarkup},
	"deletemessage":          {"deleteMessage", (*Server).deleteMessage},
	"answercallbackquery":    {"answerCallbackQuery", (*Server).answerCallbackQuery},
	"sendchataction":         {"sendChatAction", (*Server).sendChatAction},
	"setmycommands":          {"setMyCommands", (*Server).setMyCommands},
	"deletemycommands":       {"deleteMyCommands", (*Server).deleteMyCommands},
	"getmycommands":          {"getMyCommands", (*Server).getMyCommands},
	"getfile":                {"getFile", (*Server).getFile},
	"setwebhook":             {"setWebhook", (*Server).setWebhook},
	"deletewebhook":          {"deleteWebhook", (*Server).deleteWebhook},
	"getwebhookinfo":         {"getWebhookInfo", (*Server).getWebhookInfo},
}

// sends are the methods that post a message, which the flood limits count and Hang holds.
var sends = map[string]bool{"sendMessage": true, "sendPhoto": true, "sendDocument": true}

// NewAt is New listening on addr (host:port), for a test that starts the Bot API after the bot:
// Telegram unreachable at first, then back at the same address.
func NewAt(token, addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return newServer(token, ln), nil
}

// New starts a fake server that accepts token; Close stops it.
func New(token string) *Server { return newServer(token, nil) }

func newServer(token string, ln net.Listener) *Server {
	warmMarkup()
	s := &Server{
		token: token,
		bot: tgbotapi.User{
			ID:                      BotID,
			IsBot:                   true,
			FirstName:               "Lapkin",
			UserName:                BotUserName,
			CanJoinGroups:           true,
			CanReadAllGroupMessages: false,
		},
		done:      make(chan struct{}),
		history:   make(map[int]tgbotapi.Update),
		arrived:   make(chan struct{}),
		messages:  make(map[msgKey]*stored),
		chats:     make(map[int64]tgbotapi.Chat),
		callbacks: make(map[string]bool),
		blocked:   make(map[int64]bool),
		migrated:  make(map[int64]int64),
		files:     make(map[string][]byte),
		commands:  make(map[string][]tgbotapi.BotCommand),
		recorded:  make(chan struct{}),
		failures:  make(map[string][]apiError),
		windows:   make(map[int64][]time.Time),
		hung:      make(map[int64]bool),
	}
	s.http = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if ln != nil {
		s.http.Listener.Close()
		s.http.Listener = ln
	}
	s.http.Start()
	return s
}

// Close ends any long poll in progress and stops the server. It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.http.Close()
	})
}

// Endpoint is the API endpoint format string for tgbotapi.NewBotAPIWithClient:
// "http://127.0.0.1:PORT/bot%s/%s".
func (s *Server) Endpoint() string { return s.http.URL + "/bot%s/%s" }

// URL is the server's base address, "http://127.0.0.1:PORT". Files are downloaded from
// URL()+"/file/bot<token>/<file_path>".
func (s *Server) URL() string { return s.http.URL }

// Bot is the bot's own user, as getMe returns it: id BotID, username BotUserName, IsBot.
func (s *Server) Bot() tgbotapi.User { return s.bot }

// Fail makes the next `times` calls of method fail with code and description, and HTTP status
// code. A retryAfter above zero is sent as parameters.retry_after, as Telegram does for 429.
// Failures queue up: two Fail calls for one method fail the calls after one another.
func (s *Server) Fail(method string, times int, code int, description string, retryAfter int) {
	name := canonical(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	for range times {
		s.failures[name] = append(s.failures[name], apiError{code: code, description: description, retryAfter: retryAfter})
	}
}

// Calls returns the recorded calls of the given methods in the order they were answered. Without
// methods it returns every call except getUpdates and getMe, which a poll loop makes all the
// time; ask for them by name to see them.
func (s *Server) Calls(method ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.matching(method)
}

// WaitCalls blocks until at least n calls of the given methods (as for Calls) were recorded and
// returns all of them. If ctx ends first it returns those recorded so far and an error.
func (s *Server) WaitCalls(ctx context.Context, n int, method ...string) ([]Call, error) {
	for {
		s.mu.Lock()
		calls := s.matching(method)
		recorded := s.recorded
		s.mu.Unlock()
		if len(calls) >= n {
			return calls, nil
		}
		select {
		case <-recorded:
		case <-ctx.Done():
			return calls, fmt.Errorf("wait for %d calls of %v, got %d: %w", n, method, len(calls), ctx.Err())
		}
	}
}

// matching returns copies of the recorded calls that match the filter; s.mu must be held.
func (s *Server) matching(method []string) []Call {
	names := make([]string, len(method))
	for i, m := range method {
		names[i] = canonical(m)
	}
	var out []Call
	for _, c := range s.calls {
		if len(names) == 0 && (c.Method == "getUpdates" || c.Method == "getMe") {
			continue
		}
		if len(names) > 0 && !slices.Contains(names, c.Method) {
			continue
		}
		c.Params = cloneValues(c.Params)
		c.Files = maps.Clone(c.Files)
		out = append(out, c)
	}
	return out
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.noHistory {
		s.calls = append(s.calls, c)
	}
	close(s.recorded)
	s.recorded = make(chan struct{})
}

// canonical spells a method name as Telegram documents it; unknown names are kept as given.
func canonical(method string) string {
	if m, ok := methods[strings.ToLower(method)]; ok {
		return m.name
	}
	return method
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, found := strings.Cut(rest, "/")
	if !ok || !found {
		writeJSON(w, nil, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	call := Call{Method: canonical(method), At: time.Now()}
	params, files, err := readParams(r)
	call.Params, call.Files = params, files
	result, apiErr := s.answer(r.Context(), token, method, params, files, err)
	if apiErr != nil {
		call.ErrorCode = apiErr.code
		call.Hung = apiErr == errHung
	}
	s.record(call)
	writeJSON(w, result, apiErr)
}

// answer checks the token, the method and the injected failures, then runs the handler.
func (s *Server) answer(ctx context.Context, token, method string, p url.Values, files map[string][]byte, readErr error) (any, *apiError) {
	if token != s.token {
		return nil, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"}
	}
	m, ok := methods[strings.ToLower(method)]
	if !ok {
		return nil, &apiError{code: http.StatusNotFound, description: "Not Found"}
	}
	if readErr != nil {
		return nil, badRequest(readErr.Error())
	}
	if f := s.takeFailure(m.name); f != nil {
		return nil, f
	}
	if sends[m.name] {
		if id, e := chatIDParam(p); e == nil {
			if s.hangIfAsked(ctx, id) {
				return nil, errHung
			}
			s.mu.Lock()
			e = s.throttle(id)
			s.mu.Unlock()
			if e != nil {
				return nil, e
			}
		}
	}
	return m.h(s, ctx, p, files)
}

func (s *Server) takeFailure(method string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	s.failures[method] = q[1:]
	return &f
}

// readParams reads an urlencoded or multipart body; a request without a body has only its query.
func readParams(r *http.Request) (url.Values, map[string][]byte, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, fmt.Errorf("parse form: %w", err)
		}
		return cloneValues(r.Form), nil, nil
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return url.Values{}, nil, fmt.Errorf("parse multipart form: %w", err)
	}
	defer r.MultipartForm.RemoveAll()
	files := make(map[string][]byte)
	for field, headers := range r.MultipartForm.File {
		f, err := headers[0].Open()
		if err != nil {
			return cloneValues(r.Form), files, fmt.Errorf("open file part %s: %w", field, err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return cloneValues(r.Form), files, fmt.Errorf("read file part %s: %w", field, err)
		}
		files[field] = b
	}
	return cloneValues(r.Form), files, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// response is the Bot API's envelope.
type response struct {
	OK          bool                         `json:"ok"`
	Result      any                          `json:"result,omitempty"`
	ErrorCode   int                          `json:"error_code,omitempty"`
	Description string                       `json:"description,omitempty"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters,omitempty"`
}

func writeJSON(w http.ResponseWriter, result any, e *apiError) {
	resp := response{OK: true, Result: result}
	status := http.StatusOK
	if e != nil {
		resp = response{ErrorCode: e.code, Description: e.description}
		if e.retryAfter > 0 || e.migrateTo != 0 {
			resp.Parameters = &tgbotapi.ResponseParameters{RetryAfter: e.retryAfter, MigrateToChatID: e.migrateTo}
		}
		status = e.code
	}
	b, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// clone deep-copies a value through JSON, the form in which the client would see it anyway, so
// that callers never share pointers with the server's state.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal %T: %v", v, err))
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("telegramtest: unmarshal %T: %v", v, err))
	}
	return out
}

func (s *Server) getMe(context.Context, url.Values, map[string][]byte) (any, *apiError) {
	return s.bot, nil
}
