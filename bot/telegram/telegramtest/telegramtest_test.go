package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

const token = "123456:TEST-token"

var budi = telegramtest.User(101, "Budi")

// newBot starts a server and connects the real client to it; NewBotAPIWithClient calls getMe.
func newBot(t *testing.T) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.New(token)
	t.Cleanup(srv.Close)
	api, err := tgbotapi.NewBotAPIWithClient(token, srv.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return srv, api
}

// apiErr returns err as the library's *tgbotapi.Error, failing the test if it is not one.
func apiErr(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return e
}

func TestGetMe(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	if !reflect.DeepEqual(api.Self, srv.Bot()) {
		t.Errorf("Self = %+v, want %+v", api.Self, srv.Bot())
	}
	if api.Self.ID != telegramtest.BotID || api.Self.UserName != "LapkinTestBot" || !api.Self.IsBot {
		t.Errorf("bot user = %+v", api.Self)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("Calls() = %d calls, want getMe left out", n)
	}
	if n := len(srv.Calls("getMe")); n != 1 {
		t.Errorf("Calls(getMe) = %d calls, want 1", n)
	}
}

func TestWrongTokenIsUnauthorized(t *testing.T) {
	t.Parallel()
	srv := telegramtest.New(token)
	defer srv.Close()
	_, err := tgbotapi.NewBotAPIWithClient("999:WRONG", srv.Endpoint(), &http.Client{})
	if e := apiErr(t, err); e.Code != 401 || e.Message != "Unauthorized" {
		t.Errorf("error = %d %q, want 401 Unauthorized", e.Code, e.Message)
	}
}

func TestUnknownMethodIsNotFound(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	_, err := api.MakeRequest("sendSticker", tgbotapi.Params{"chat_id": "101"})
	if e := apiErr(t, err); e.Code != 404 || e.Message != "Not Found" {
		t.Errorf("error = %d %q, want 404 Not Found", e.Code, e.Message)
	}
	calls := srv.Calls("sendSticker")
	if len(calls) != 1 || calls[0].ErrorCode != 404 {
		t.Errorf("recorded %+v, want one call with ErrorCode 404", calls)
	}
}

func TestGetUpdatesConfirmsByOffset(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	if id := srv.AddUpdate(telegramtest.PrivateText(budi, "/lapor 3 Verifikasi SPJ")); id != 1 {
		t.Fatalf("first update id = %d, want 1", id)
	}
	if id := srv.AddUpdate(telegramtest.PrivateText(budi, "halo")); id != 2 {
		t.Fatalf("second update id = %d, want 2", id)
	}

	got, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UpdateID != 1 || got[1].UpdateID != 2 {
		t.Fatalf("updates = %+v, want ids 1 and 2", got)
	}
	m := got[0].Message
	if m.Text != "/lapor 3 Verifikasi SPJ" || !m.IsCommand() || m.Command() != "lapor" ||
		m.Chat.ID != budi.ID || !m.Chat.IsPrivate() || m.From.ID != budi.ID || m.MessageID == 0 || m.Date == 0 {
		t.Errorf("message = %+v", m)
	}
	if got[1].Message.MessageID <= m.MessageID {
		t.Errorf("message ids %d, %d do not increase", m.MessageID, got[1].Message.MessageID)
	}
	// Receiving does not confirm; only the next offset does.
	if p := srv.Pending(); !slices.Equal(p, []int{1, 2}) {
		t.Errorf("Pending = %v, want [1 2]", p)
	}

	got, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UpdateID != 2 {
		t.Errorf("updates from offset 2 = %+v, want id 2", got)
	}
	if p := srv.Pending(); !slices.Equal(p, []int{2}) {
		t.Errorf("Pending = %v, want [2]", p)
	}

	got, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || len(srv.Pending()) != 0 {
		t.Errorf("after offset 3: updates %+v, pending %v; want none", got, srv.Pending())
	}

	for range 3 {
		srv.AddUpdate(telegramtest.PrivateText(budi, "x"))
	}
	got, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: 3, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UpdateID != 3 {
		t.Errorf("limit 2 = %+v, want ids 3 and 4", got)
	}
	if n := len(srv.Calls("getUpdates")); n != 4 {
		t.Errorf("Calls(getUpdates) = %d, want 4", n)
	}
}

func TestLongPollReturnsWhenUpdateAdded(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	type result struct {
		updates []tgbotapi.Update
		err     error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		u, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		done <- result{u, err}
	}()
	time.Sleep(300 * time.Millisecond)
	srv.AddUpdate(telegramtest.PrivateText(budi, "halo"))
	r := <-done
	elapsed := time.Since(start)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.updates) != 1 || r.updates[0].Message.Text != "halo" {
		t.Errorf("updates = %+v, want the one added", r.updates)
	}
	if elapsed < 300*time.Millisecond || elapsed >= telegramtest.MaxPoll {
		t.Errorf("poll took %v, want it to end when the update was added", elapsed)
	}
}

func TestLongPollIsCapped(t *testing.T) {
	t.Parallel()
	_, api := newBot(t)
	start := time.Now()
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
	elapsed := time.Since(start)
	if err != nil || len(got) != 0 {
		t.Fatalf("GetUpdates = %v, %v; want no updates", got, err)
	}
	if elapsed < telegramtest.MaxPoll-100*time.Millisecond || elapsed > telegramtest.MaxPoll+time.Second {
		t.Errorf("empty poll took %v, want about %v", elapsed, telegramtest.MaxPoll)
	}
}

func TestSecondPollerEndsTheFirstWithConflict(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	first := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		first <- err
	}()
	time.Sleep(200 * time.Millisecond)
	second := make(chan []tgbotapi.Update, 1)
	go func() {
		u, _ := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		second <- u
	}()
	if e := apiErr(t, <-first); e.Code != 409 {
		t.Errorf("first poller got %d %q, want 409", e.Code, e.Message)
	}
	srv.AddUpdate(telegramtest.PrivateText(budi, "halo"))
	if u := <-second; len(u) != 1 {
		t.Errorf("second poller got %+v, want the update", u)
	}
}

func TestSendMessageWithInlineKeyboard(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	markup := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Setuju", "eval:ok:17"),
		tgbotapi.NewInlineKeyboardButtonData("Tolak", "eval:no:17"),
	))
	msg := tgbotapi.NewMessage(budi.ID, "Laporan Budi: Verifikasi SPJ (3 jam)")
	msg.ReplyMarkup = markup
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.MessageID == 0 || sent.Chat.ID != budi.ID || !sent.Chat.IsPrivate() || sent.From.ID != telegramtest.BotID ||
		sent.Text != msg.Text || sent.Date == 0 {
		t.Errorf("sent = %+v", sent)
	}
	if !reflect.DeepEqual(sent.ReplyMarkup, &markup) {
		t.Errorf("sent markup = %+v, want %+v", sent.ReplyMarkup, markup)
	}

	calls := srv.Calls()
	if len(calls) != 1 || calls[0].Method != "sendMessage" {
		t.Fatalf("calls = %+v, want one sendMessage", calls)
	}
	p := calls[0].Params
	if p.Get("chat_id") != "101" || p.Get("text") != msg.Text {
		t.Errorf("params = %v", p)
	}
	var recorded tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(p.Get("reply_markup")), &recorded); err != nil {
		t.Fatalf("reply_markup %q: %v", p.Get("reply_markup"), err)
	}
	if !reflect.DeepEqual(recorded, markup) {
		t.Errorf("recorded markup = %+v, want %+v", recorded, markup)
	}
	if got := srv.Messages(budi.ID); len(got) != 1 || got[0].MessageID != sent.MessageID {
		t.Errorf("Messages = %+v, want the sent one", got)
	}

	second, err := api.Send(tgbotapi.NewMessage(budi.ID, "lagi"))
	if err != nil {
		t.Fatal(err)
	}
	if second.MessageID <= sent.MessageID || second.ReplyMarkup != nil {
		t.Errorf("second message = %+v", second)
	}
}

func TestSendMessageChecksLikeTelegram(t *testing.T) {
	t.Parallel()
	_, api := newBot(t)
	long := tgbotapi.NewMessage(budi.ID, string(bytes.Repeat([]byte("a"), 4097)))
	long2 := tgbotapi.NewMessage(budi.ID, "pilih")
	long2.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("x", string(bytes.Repeat([]byte("d"), 65)))))
	reply := tgbotapi.NewMessage(budi.ID, "balas")
	reply.ReplyToMessageID = 999
	for _, tc := range []struct {
		msg  tgbotapi.MessageConfig
		want string
	}{
		{long, "Bad Request: message is too long"},
		{long2, "Bad Request: BUTTON_DATA_INVALID"},
		{reply, "Bad Request: message to be replied not found"},
	} {
		_, err := api.Send(tc.msg)
		if e := apiErr(t, err); e.Code != 400 || e.Message != tc.want {
			t.Errorf("error = %d %q, want 400 %q", e.Code, e.Message, tc.want)
		}
	}
	// A reply keyboard is accepted but, as with Telegram, not echoed in the message.
	contact := tgbotapi.NewMessage(budi.ID, "Bagikan nomor Anda")
	contact.ReplyMarkup = tgbotapi.NewOneTimeReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact("Bagikan nomor")))
	sent, err := api.Send(contact)
	if err != nil || sent.ReplyMarkup != nil {
		t.Errorf("contact keyboard: %+v, %v", sent.ReplyMarkup, err)
	}
}

func TestReplyToUserMessage(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	id := srv.AddUpdate(telegramtest.PrivateText(budi, "/lapor"))
	u, ok := srv.Update(id)
	if !ok || u.Message.MessageID == 0 {
		t.Fatalf("Update(%d) = %+v, %v", id, u, ok)
	}
	reply := tgbotapi.NewMessage(budi.ID, "tercatat")
	reply.ReplyToMessageID = u.Message.MessageID
	sent, err := api.Send(reply)
	if err != nil {
		t.Fatal(err)
	}
	if sent.ReplyToMessage == nil || sent.ReplyToMessage.Text != "/lapor" {
		t.Errorf("reply_to_message = %+v", sent.ReplyToMessage)
	}
}

func TestEditMessage(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	msg := tgbotapi.NewMessage(budi.ID, "Setujui cuti?")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Ya", "cuti:ya")))
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}

	// The adapter's way of taking buttons off: an empty inline keyboard.
	off := tgbotapi.NewEditMessageReplyMarkup(budi.ID, sent.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	edited, err := api.Send(off)
	if err != nil {
		t.Fatal(err)
	}
	if edited.ReplyMarkup != nil || edited.Text != "Setujui cuti?" || edited.EditDate == 0 {
		t.Errorf("edited = %+v", edited)
	}
	_, err = api.Send(off)
	if e := apiErr(t, err); e.Code != 400 || !strings.HasPrefix(e.Message, "Bad Request: message is not modified") {
		t.Errorf("same edit again: %d %q, want 400 message is not modified", e.Code, e.Message)
	}

	edited, err = api.Send(tgbotapi.NewEditMessageText(budi.ID, sent.MessageID, "Cuti disetujui"))
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "Cuti disetujui" || edited.MessageID != sent.MessageID {
		t.Errorf("edited = %+v", edited)
	}
	if got := srv.Messages(budi.ID); len(got) != 1 || got[0].Text != "Cuti disetujui" {
		t.Errorf("Messages = %+v, want the edited text", got)
	}

	_, err = api.Send(tgbotapi.NewEditMessageText(budi.ID, 9999, "x"))
	if e := apiErr(t, err); e.Code != 400 || e.Message != "Bad Request: message to edit not found" {
		t.Errorf("edit of unknown message: %d %q", e.Code, e.Message)
	}

	if _, err := api.Request(tgbotapi.NewDeleteMessage(budi.ID, sent.MessageID)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Messages(budi.ID); len(got) != 0 {
		t.Errorf("Messages after delete = %+v", got)
	}
}

// testPNG is a 40×30 PNG, so the recorded photo size can be checked.
func testPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSendPhotoUpload(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	data := testPNG(t)
	photo := tgbotapi.NewPhoto(budi.ID, tgbotapi.FileBytes{Name: "rekap.png", Bytes: data})
	photo.Caption = "Rekap Juni"
	sent, err := api.Send(photo)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Caption != "Rekap Juni" || len(sent.Photo) != 2 || sent.Photo[1].Width != 40 || sent.Photo[1].Height != 30 {
		t.Errorf("sent = %+v", sent)
	}

	calls := srv.Calls("sendPhoto")
	if len(calls) != 1 {
		t.Fatalf("calls = %+v", calls)
	}
	if !bytes.Equal(calls[0].Files["photo"], data) {
		t.Errorf("recorded photo is %d bytes, want the %d sent", len(calls[0].Files["photo"]), len(data))
	}
	if calls[0].Params.Get("caption") != "Rekap Juni" || calls[0].Params.Get("chat_id") != "101" {
		t.Errorf("params = %v", calls[0].Params)
	}

	// The uploaded photo can be sent again by its id, and downloaded.
	again, err := api.Send(tgbotapi.NewPhoto(budi.ID, tgbotapi.FileID(sent.Photo[1].FileID)))
	if err != nil || again.Photo[1].FileID != sent.Photo[1].FileID {
		t.Errorf("resend by id: %+v, %v", again.Photo, err)
	}
	if got := download(t, srv, api, sent.Photo[1].FileID); !bytes.Equal(got, data) {
		t.Errorf("downloaded %d bytes, want %d", len(got), len(data))
	}
	_, err = api.Send(tgbotapi.NewPhoto(budi.ID, tgbotapi.FileID("nope")))
	if e := apiErr(t, err); e.Code != 400 {
		t.Errorf("unknown file id: %d %q", e.Code, e.Message)
	}
}

// download fetches a file the way the adapter must: getFile, then a GET on the configured server.
func download(t *testing.T, srv *telegramtest.Server, api *tgbotapi.BotAPI, fileID string) []byte {
	t.Helper()
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL() + "/file/bot" + token + "/" + f.FilePath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGetFileAndDownload(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	data := []byte("\xff\xd8\xff foto bukti")
	srv.AddFile("AgACfoto", data)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: "AgACfoto"})
	if err != nil {
		t.Fatal(err)
	}
	if f.FilePath != "photos/AgACfoto.jpg" || f.FileSize != len(data) || f.FileID != "AgACfoto" || f.FileUniqueID == "" {
		t.Errorf("file = %+v", f)
	}
	if got := download(t, srv, api, "AgACfoto"); !bytes.Equal(got, data) {
		t.Errorf("downloaded %q, want %q", got, data)
	}
	for path, want := range map[string]int{
		"/file/botWRONG/photos/AgACfoto.jpg":  401,
		"/file/bot" + token + "/photos/x.jpg": 404,
	} {
		resp, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	_, err = api.GetFile(tgbotapi.FileConfig{FileID: "missing"})
	if e := apiErr(t, err); e.Code != 400 || e.Message != "Bad Request: invalid file_id" {
		t.Errorf("unknown file: %d %q", e.Code, e.Message)
	}
}

func TestFailTooManyRequests(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	srv.Fail("sendMessage", 1, 429, "Too Many Requests: retry after 3", 3)
	_, err := api.Send(tgbotapi.NewMessage(budi.ID, "halo"))
	e := apiErr(t, err)
	if e.Code != 429 || e.RetryAfter != 3 || e.Message != "Too Many Requests: retry after 3" {
		t.Errorf("error = %+v", e)
	}
	if _, err := api.Send(tgbotapi.NewMessage(budi.ID, "halo")); err != nil {
		t.Errorf("second send: %v, want the failure used up", err)
	}
	calls := srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].ErrorCode != 429 || calls[1].ErrorCode != 0 {
		t.Errorf("calls = %+v", calls)
	}
	if got := srv.Messages(budi.ID); len(got) != 1 {
		t.Errorf("Messages = %d, want only the second", len(got))
	}
}

func TestFailForbidden(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	srv.Fail("sendMessage", 1, 403, "Forbidden: bot was blocked by the user", 0)
	_, err := api.Send(tgbotapi.NewMessage(budi.ID, "halo"))
	if e := apiErr(t, err); e.Code != 403 || e.RetryAfter != 0 || e.Message != "Forbidden: bot was blocked by the user" {
		t.Errorf("error = %+v", e)
	}

	// SetBlocked fails every call to one chat, and only that chat.
	srv.SetBlocked(budi.ID, true)
	_, err = api.Send(tgbotapi.NewMessage(budi.ID, "halo"))
	if e := apiErr(t, err); e.Code != 403 {
		t.Errorf("blocked chat: %+v", e)
	}
	if _, err := api.Send(tgbotapi.NewMessage(202, "halo")); err != nil {
		t.Errorf("other chat: %v", err)
	}
	srv.SetBlocked(budi.ID, false)
	if _, err := api.Send(tgbotapi.NewMessage(budi.ID, "halo")); err != nil {
		t.Errorf("unblocked chat: %v", err)
	}
}

// TestUploadErrorHasNoCode pins a quirk of tgbotapi v5.5.1: UploadFiles builds its *Error without
// Code, so a failed photo upload must be classified by RetryAfter or by its message.
func TestUploadErrorHasNoCode(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	srv.Fail("sendPhoto", 1, 429, "Too Many Requests: retry after 5", 5)
	_, err := api.Send(tgbotapi.NewPhoto(budi.ID, tgbotapi.FileBytes{Name: "a.png", Bytes: testPNG(t)}))
	if e := apiErr(t, err); e.Code != 0 || e.RetryAfter != 5 {
		t.Errorf("upload error = %+v, want Code 0 and RetryAfter 5", e)
	}
	if calls := srv.Calls("sendPhoto"); len(calls) != 1 || calls[0].ErrorCode != 429 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestAnswerCallbackQuery(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	id := srv.AddUpdate(telegramtest.Callback(budi, 5, "eval:ok:17"))
	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(updates) != 1 || updates[0].UpdateID != id {
		t.Fatalf("updates = %+v, %v", updates, err)
	}
	cb := updates[0].CallbackQuery
	if cb == nil || cb.ID == "" || cb.Data != "eval:ok:17" || cb.From.ID != budi.ID ||
		cb.Message.MessageID != 5 || cb.Message.Chat.ID != budi.ID || !cb.Message.Chat.IsPrivate() {
		t.Fatalf("callback = %+v", cb)
	}
	other := srv.AddUpdate(telegramtest.Callback(budi, 5, "eval:no:17"))
	if u, _ := srv.Update(other); u.CallbackQuery.ID == cb.ID {
		t.Errorf("two callbacks share id %q", cb.ID)
	}

	resp, err := api.Request(tgbotapi.NewCallback(cb.ID, "Tercatat"))
	if err != nil || !resp.Ok || string(resp.Result) != "true" {
		t.Errorf("answer = %+v, %v", resp, err)
	}
	calls := srv.Calls("answerCallbackQuery")
	if len(calls) != 1 || calls[0].Params.Get("callback_query_id") != cb.ID || calls[0].Params.Get("text") != "Tercatat" {
		t.Errorf("calls = %+v", calls)
	}
	_, err = api.Request(tgbotapi.NewCallback("bogus", ""))
	if e := apiErr(t, err); e.Code != 400 {
		t.Errorf("unknown callback id: %+v", e)
	}
}

func TestSetMyCommands(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	scope := tgbotapi.NewBotCommandScopeAllPrivateChats()
	cmds := []tgbotapi.BotCommand{{Command: "lapor", Description: "Catat kegiatan hari ini"}, {Command: "cuti", Description: "Ajukan cuti"}}
	resp, err := api.Request(tgbotapi.NewSetMyCommandsWithScopeAndLanguage(scope, "id", cmds...))
	if err != nil || !resp.Ok {
		t.Fatalf("setMyCommands = %+v, %v", resp, err)
	}
	p := srv.Calls("setMyCommands")[0].Params
	if p.Get("scope") != `{"type":"all_private_chats"}` || p.Get("language_code") != "id" {
		t.Errorf("params = %v", p)
	}
	var recorded []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(p.Get("commands")), &recorded); err != nil || !reflect.DeepEqual(recorded, cmds) {
		t.Errorf("recorded commands %q: %v", p.Get("commands"), err)
	}

	got, err := api.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScopeAndLanguage(scope, "id"))
	if err != nil || !reflect.DeepEqual(got, cmds) {
		t.Errorf("getMyCommands(id) = %+v, %v", got, err)
	}
	if got, err := api.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScopeAndLanguage(scope, "en")); err != nil || len(got) != 0 {
		t.Errorf("getMyCommands(en) = %+v, %v; want none", got, err)
	}
	if got := srv.Commands(scope, "id"); !reflect.DeepEqual(got, cmds) {
		t.Errorf("Commands = %+v", got)
	}

	_, err = api.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "/Lapor", Description: "x"}))
	if e := apiErr(t, err); e.Code != 400 || e.Message != "Bad Request: BOT_COMMAND_INVALID" {
		t.Errorf("invalid command: %+v", e)
	}
	if _, err := api.Request(tgbotapi.NewDeleteMyCommandsWithScopeAndLanguage(scope, "id")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands(scope, "id"); len(got) != 0 {
		t.Errorf("Commands after delete = %+v", got)
	}
}

func TestWebhookBlocksPolling(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": "http://insecure.example/tg"}); apiErr(t, err).Code != 400 {
		t.Errorf("http webhook accepted")
	}
	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://lapkin.example/tg", "secret_token": "s3cret-Token_1"}); err != nil {
		t.Fatal(err)
	}
	if u, secret := srv.Webhook(); u != "https://lapkin.example/tg" || secret != "s3cret-Token_1" {
		t.Errorf("Webhook = %q, %q", u, secret)
	}
	srv.AddUpdate(telegramtest.PrivateText(budi, "halo"))
	info, err := api.GetWebhookInfo()
	if err != nil || info.URL != "https://lapkin.example/tg" || info.PendingUpdateCount != 1 {
		t.Errorf("webhook info = %+v, %v", info, err)
	}
	_, err = api.GetUpdates(tgbotapi.UpdateConfig{})
	if e := apiErr(t, err); e.Code != 409 {
		t.Errorf("getUpdates with a webhook: %+v, want 409", e)
	}
	if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	if u, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err != nil || len(u) != 1 {
		t.Errorf("getUpdates after deleteWebhook = %+v, %v", u, err)
	}
}

func TestUpdateHelpers(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	group := tgbotapi.Chat{ID: -1001234567890, Type: "supergroup", Title: "Tim Keuangan"}
	srv.AddUpdate(telegramtest.ContactShare(budi, budi.ID, "+6281234567890"))
	srv.AddUpdate(telegramtest.Photo(budi, "AgACbukti", "bukti kegiatan"))
	srv.AddUpdate(telegramtest.GroupText(budi, group, "/rekap@LapkinTestBot"))
	srv.AddUpdate(telegramtest.GroupText(budi, tgbotapi.Chat{ID: -42}, "halo"))
	u, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(u) != 4 {
		t.Fatalf("updates = %+v, %v", u, err)
	}
	if c := u[0].Message.Contact; c == nil || c.PhoneNumber != "+6281234567890" || c.UserID != u[0].Message.From.ID || c.FirstName != "Budi" {
		t.Errorf("contact = %+v", c)
	}
	if m := u[1].Message; len(m.Photo) != 2 || m.Photo[1].FileID != "AgACbukti" || m.Photo[1].Width <= m.Photo[0].Width || m.Caption != "bukti kegiatan" {
		t.Errorf("photo = %+v", m)
	}
	if m := u[2].Message; m.Chat.Type != "supergroup" || m.Chat.Title != "Tim Keuangan" || m.Command() != "rekap" || m.CommandWithAt() != "rekap@LapkinTestBot" {
		t.Errorf("group message = %+v", m)
	}
	if m := u[3].Message; m.Chat.Type != "group" || m.Chat.ID != -42 {
		t.Errorf("group chat = %+v", m.Chat)
	}
	// A reply in the group carries the chat as the update showed it.
	sent, err := api.Send(tgbotapi.NewMessage(group.ID, "Rekap minggu ini"))
	if err != nil || sent.Chat.Type != "supergroup" || sent.Chat.Title != "Tim Keuangan" {
		t.Errorf("sent to group = %+v, %v", sent.Chat, err)
	}
}

func TestWaitCalls(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	go func() {
		time.Sleep(100 * time.Millisecond)
		api.Request(tgbotapi.NewChatAction(budi.ID, tgbotapi.ChatTyping))
		api.Send(tgbotapi.NewMessage(budi.ID, "halo"))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	calls, err := srv.WaitCalls(ctx, 1, "sendMessage")
	if err != nil || len(calls) != 1 || calls[0].Params.Get("text") != "halo" {
		t.Fatalf("WaitCalls = %+v, %v", calls, err)
	}
	if got := srv.Messages(budi.ID); len(got) != 1 {
		t.Errorf("Messages right after WaitCalls = %+v, want the message stored", got)
	}
	if all := srv.Calls(); len(all) != 2 || all[0].Method != "sendChatAction" {
		t.Errorf("Calls = %+v", all)
	}

	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	calls, err = srv.WaitCalls(short, 3, "sendMessage")
	if !errors.Is(err, context.DeadlineExceeded) || len(calls) != 1 {
		t.Errorf("WaitCalls past deadline = %d calls, %v", len(calls), err)
	}
}

func TestCloseEndsLongPoll(t *testing.T) {
	t.Parallel()
	srv := telegramtest.New(token)
	api, err := tgbotapi.NewBotAPIWithClient(token, srv.Endpoint(), &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		close(done)
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	srv.Close()
	<-done
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v with a poll waiting", d)
	}
	srv.Close()
}

// The limits are sliding windows over accepted sends: 30 a second overall (no burst of 60 at the
// start of a second), 1 a second to a person, 20 a minute to a group; a send over any of them is
// a 429 with the seconds until it would fit, is not delivered and is counted.
func TestLimitsAreSlidingWindows(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := telegramtest.TelegramLimits
	l.Now = func() time.Time { return now }
	srv.SetLimits(l)
	send := func(chat int64) *tgbotapi.Error {
		t.Helper()
		_, err := api.Send(tgbotapi.NewMessage(chat, "halo"))
		if err == nil {
			return nil
		}
		return apiErr(t, err)
	}

	// Private chat: one a second.
	if e := send(101); e != nil {
		t.Fatalf("first send: %+v", e)
	}
	now = now.Add(999 * time.Millisecond)
	if e := send(101); e == nil || e.Code != 429 || e.RetryAfter != 1 || e.Message != "Too Many Requests: retry after 1" {
		t.Fatalf("second send within the second: %+v", e)
	}
	now = now.Add(time.Millisecond)
	if e := send(101); e != nil {
		t.Fatalf("send a second later: %+v", e)
	}

	// Overall: 30 in any second, counting the one just sent to 101.
	now = now.Add(10 * time.Millisecond)
	for i := range 29 {
		if e := send(int64(200 + i)); e != nil {
			t.Fatalf("send %d of 30: %+v", i+2, e)
		}
	}
	if e := send(300); e == nil || e.Code != 429 {
		t.Fatalf("31st send in one second: %+v", e)
	}
	// The window slides: once the send to 101 is a second old, exactly one more fits.
	now = now.Add(990 * time.Millisecond)
	if e := send(300); e != nil {
		t.Fatalf("send after the oldest left the window: %+v", e)
	}
	if e := send(301); e == nil || e.Code != 429 {
		t.Fatalf("a second send after one left the window: %+v", e)
	}

	// Group: 20 a minute, retry_after counts to when the oldest leaves the minute.
	now = now.Add(time.Minute)
	group := int64(-4001)
	for i := range 20 {
		if e := send(group); e != nil {
			t.Fatalf("group send %d: %+v", i+1, e)
		}
		now = now.Add(time.Second)
	}
	if e := send(group); e == nil || e.Code != 429 || e.RetryAfter != 40 {
		t.Fatalf("21st group send in a minute: %+v, want retry after 40", e)
	}

	if got := srv.Throttled(); got != 4 {
		t.Errorf("Throttled() = %d, want 4", got)
	}
	if got := len(srv.Messages(101)); got != 2 {
		t.Errorf("chat 101 holds %d messages, want the 2 accepted", got)
	}
	if got := len(srv.Messages(group)); got != 20 {
		t.Errorf("group holds %d messages, want 20", got)
	}
	srv.SetLimits(telegramtest.Limits{})
	if e := send(101); e != nil {
		t.Errorf("send with limits off: %+v", e)
	}
}

// A hung chat holds its sends until the client gives up and delivers nothing; other chats and,
// once lifted, the chat itself are answered as usual.
func TestHangHoldsOneChat(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	srv.Hang(budi.ID, true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	hung, err := tgbotapi.NewBotAPIWithClient(token, srv.Endpoint(), ctxDoer{ctx})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := hung.Send(tgbotapi.NewMessage(budi.ID, "halo")); done <- err }()
	if _, err := api.Send(tgbotapi.NewMessage(202, "halo")); err != nil {
		t.Fatalf("another chat: %v", err)
	}
	if err := <-done; err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hung send returned %v, want the client's deadline", err)
	}
	calls, err := srv.WaitCalls(context.Background(), 2, "sendMessage")
	if err != nil {
		t.Fatal(err)
	}
	var hungCalls int
	for _, c := range calls {
		if c.Hung {
			hungCalls++
			if c.ErrorCode != 499 || c.Params.Get("chat_id") != "101" {
				t.Errorf("hung call %+v", c)
			}
		}
	}
	if hungCalls != 1 || len(srv.Messages(budi.ID)) != 0 {
		t.Fatalf("%d hung calls, %d messages delivered to the hung chat", hungCalls, len(srv.Messages(budi.ID)))
	}
	srv.Hang(budi.ID, false)
	if _, err := api.Send(tgbotapi.NewMessage(budi.ID, "halo")); err != nil {
		t.Fatalf("after Hang(false): %v", err)
	}
}

// ctxDoer sends every request under one context, as the adapter does.
type ctxDoer struct{ ctx context.Context }

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) {
	return http.DefaultClient.Do(r.WithContext(d.ctx))
}

// Without history the server still delivers, confirms and answers (a reply to a message it did
// not keep included), and keeps nothing once answered.
func TestForgetHistoryKeepsNothing(t *testing.T) {
	t.Parallel()
	srv, api := newBot(t)
	srv.ForgetHistory()
	id := srv.AddUpdate(telegramtest.PrivateText(budi, "/lapor 3 Verifikasi SPJ"))
	if srv.Confirmed() != id-1 {
		t.Errorf("Confirmed = %d with update %d pending", srv.Confirmed(), id)
	}
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 1 || got[0].Message.Text != "/lapor 3 Verifikasi SPJ" {
		t.Fatalf("updates = %+v, %v", got, err)
	}
	reply := tgbotapi.NewMessage(budi.ID, "Laporan tercatat")
	reply.ReplyToMessageID = got[0].Message.MessageID
	sent, err := api.Send(reply)
	if err != nil || sent.Text != "Laporan tercatat" || sent.MessageID <= got[0].Message.MessageID {
		t.Fatalf("reply = %+v, %v", sent, err)
	}
	if _, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1}); err != nil {
		t.Fatal(err)
	}
	if srv.Confirmed() != id {
		t.Errorf("Confirmed = %d, want %d", srv.Confirmed(), id)
	}
	if _, ok := srv.Update(id); ok || len(srv.Pending()) != 0 || len(srv.Calls()) != 0 {
		t.Errorf("kept: update %v, pending %v, %d calls", ok, srv.Pending(), len(srv.Calls()))
	}
}
