package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg" // decode the size of uploaded photos
	_ "image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Telegram's limits on what one message may hold.
const (
	maxText         = 4096
	maxCaption      = 1024
	maxCallbackData = 64
)

// msgKey identifies a message: ids are unique within a chat.
type msgKey struct {
	chat int64
	id   int
}

// stored is a message the server knows: the bot's own, which it may edit, or one from an update,
// which the bot may reply to.
type stored struct {
	msg     tgbotapi.Message
	fromBot bool
	deleted bool
}

// Messages returns the messages the bot sent to chatID as they stand now, edits applied and
// deleted ones left out, in the order they were sent.
func (s *Server) Messages(chatID int64) []tgbotapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []tgbotapi.Message
	for _, k := range s.sent {
		if st := s.messages[k]; k.chat == chatID && !st.deleted {
			out = append(out, clone(st.msg))
		}
	}
	return out
}

// SetBlocked makes every call that addresses chatID (sending, editing, chat actions) fail with
// 403, as when the person blocked the bot or removed it from the group; false lifts it.
func (s *Server) SetBlocked(chatID int64, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if blocked {
		s.blocked[chatID] = true
	} else {
		delete(s.blocked, chatID)
	}
}

// MigrateGroup upgrades group `from` to a supergroup with id `to`, as Telegram does when a group
// grows or an admin changes certain settings: from then on every call addressing `from` fails
// with 400 and names `to` in migrate_to_chat_id. It returns the service message Telegram then
// posts in the old group (by `by`), with migrate_to_chat_id, for AddUpdate.
func (s *Server) MigrateGroup(from, to int64, by tgbotapi.User, title string) tgbotapi.Update {
	s.mu.Lock()
	s.migrated[from] = to
	s.chats[to] = tgbotapi.Chat{ID: to, Type: "supergroup", Title: title}
	s.mu.Unlock()
	m := message(by, &tgbotapi.Chat{ID: from, Type: "group", Title: title})
	m.MigrateToChatID = to
	return tgbotapi.Update{Message: m}
}

// chat returns the chat with id as an update showed it, or one made up from the id: positive ids
// are people, ids below -10^12 supergroups, other negative ids groups. s.mu must be held.
func (s *Server) chat(id int64) (*tgbotapi.Chat, *apiError) {
	if to, ok := s.migrated[id]; ok {
		return nil, &apiError{code: http.StatusBadRequest, description: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: to}
	}
	if s.blocked[id] {
		if id > 0 {
			return nil, &apiError{code: http.StatusForbidden, description: "Forbidden: bot was blocked by the user"}
		}
		return nil, &apiError{code: http.StatusForbidden, description: "Forbidden: bot was kicked from the group chat"}
	}
	if c, ok := s.chats[id]; ok {
		return &c, nil
	}
	switch {
	case id > 0:
		return &tgbotapi.Chat{ID: id, Type: "private"}, nil
	case id < -1000000000000:
		return &tgbotapi.Chat{ID: id, Type: "supergroup"}, nil
	default:
		return &tgbotapi.Chat{ID: id, Type: "group"}, nil
	}
}

func chatIDParam(p url.Values) (int64, *apiError) {
	v := p.Get("chat_id")
	if v == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		// Channel usernames ("@name") are not supported by the fake.
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// editTarget reads chat_id and message_id of a message to edit or delete.
func editTarget(p url.Values) (msgKey, *apiError) {
	if p.Get("inline_message_id") != "" {
		return msgKey{}, badRequest("MESSAGE_ID_INVALID")
	}
	chat, e := chatIDParam(p)
	if e != nil {
		return msgKey{}, e
	}
	id, err := strconv.Atoi(p.Get("message_id"))
	if err != nil || id <= 0 {
		return msgKey{}, badRequest("message identifier is not specified")
	}
	return msgKey{chat, id}, nil
}

// warmMarkup decodes each kind of reply_markup once, on one goroutine, before the server answers
// anything: the race detector (Go 1.26.8) reported encoding/json's lazy, first-use construction of
// a struct type's fields when two sends carrying markups were decoded side by side (see also
// warmMarkupEncoders in package telegram, for the client's side). Once per process: servers
// started side by side, by tests in parallel, raced the same way doing it each.
// The answers' encoders are built the same way, for the same reason: the answers of two servers'
// first sendMessage encoded side by side were reported too.
var warmMarkup = sync.OnceFunc(func() {
	_, _ = parseMarkup(`{"inline_keyboard":[[{"text":"x","callback_data":"x"}]]}`, false)
	_, _ = parseMarkup(`{"keyboard":[[{"text":"x","request_contact":true}]],"one_time_keyboard":true}`, false)
	_, _ = parseMarkup(`{"remove_keyboard":true}`, false)
	for _, result := range []any{tgbotapi.Message{}, &tgbotapi.Message{}, []tgbotapi.Update{}, tgbotapi.User{},
		tgbotapi.File{}, tgbotapi.WebhookInfo{}, true, []tgbotapi.BotCommand{}, tgbotapi.MessageID{},
		tgbotapi.Chat{}, &tgbotapi.Chat{}, tgbotapi.ChatMember{}, &tgbotapi.InlineKeyboardMarkup{}} {
		_, _ = json.Marshal(response{OK: true, Result: result, Parameters: &tgbotapi.ResponseParameters{}})
	}
})

// parseMarkup reads reply_markup. Only an inline keyboard comes back in the sent Message; a reply
// keyboard, its removal or a force reply are accepted and not echoed, as Telegram does. An empty
// inline keyboard means none.
func parseMarkup(raw string, inlineOnly bool) (*tgbotapi.InlineKeyboardMarkup, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard *[][]tgbotapi.InlineKeyboardButton `json:"inline_keyboard"`
		Keyboard       *[][]json.RawMessage               `json:"keyboard"`
		RemoveKeyboard bool                               `json:"remove_keyboard"`
		ForceReply     bool                               `json:"force_reply"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	switch {
	case m.InlineKeyboard != nil:
		n := 0
		for _, row := range *m.InlineKeyboard {
			for _, b := range row {
				if e := checkButton(b); e != nil {
					return nil, e
				}
				n++
			}
		}
		if n == 0 {
			return nil, nil
		}
		return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: *m.InlineKeyboard}, nil
	case inlineOnly:
		return nil, badRequest("inline keyboard expected")
	case m.Keyboard != nil || m.RemoveKeyboard || m.ForceReply:
		return nil, nil
	default:
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
}

func checkButton(b tgbotapi.InlineKeyboardButton) *apiError {
	if b.Text == "" {
		return badRequest("BUTTON_TEXT_INVALID")
	}
	switch {
	case b.CallbackData != nil:
		if n := len(*b.CallbackData); n == 0 || n > maxCallbackData {
			return badRequest("BUTTON_DATA_INVALID")
		}
	case b.URL != nil:
		if u, err := url.Parse(*b.URL); err != nil || u.Scheme == "" {
			return badRequest("BUTTON_URL_INVALID")
		}
	case b.LoginURL == nil && b.SwitchInlineQuery == nil && b.SwitchInlineQueryCurrentChat == nil &&
		b.CallbackGame == nil && !b.Pay:
		return badRequest("text buttons are unallowed in the inline keyboard")
	}
	return nil
}

func sameMarkup(a, b *tgbotapi.InlineKeyboardMarkup) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func checkParseMode(p url.Values) *apiError {
	switch p.Get("parse_mode") {
	case "", tgbotapi.ModeMarkdown, tgbotapi.ModeMarkdownV2, tgbotapi.ModeHTML:
		return nil
	default:
		return badRequest("unsupported parse_mode")
	}
}

// newMessage starts a message from the bot in chat and applies reply_to_message_id. s.mu must be
// held.
func (s *Server) newMessage(chatID int64, p url.Values) (*tgbotapi.Message, *apiError) {
	chat, e := s.chat(chatID)
	if e != nil {
		return nil, e
	}
	m := &tgbotapi.Message{MessageID: s.lastMessageID + 1, From: &s.bot, Chat: chat, Date: int(time.Now().Unix())}
	if v := p.Get("reply_to_message_id"); v != "" {
		id, _ := strconv.Atoi(v)
		st := s.messages[msgKey{chatID, id}]
		switch {
		case st != nil && !st.deleted:
			r := clone(st.msg)
			r.ReplyToMessage = nil
			m.ReplyToMessage = &r
		case p.Get("allow_sending_without_reply") != "true" && !s.noHistory:
			return nil, badRequest("message to be replied not found")
		}
	}
	return m, nil
}

// keep stores the bot's new message m and returns the copy for the answer. s.mu must be held.
func (s *Server) keep(m *tgbotapi.Message) tgbotapi.Message {
	s.lastMessageID = m.MessageID
	if s.noHistory {
		return clone(*m)
	}
	k := msgKey{m.Chat.ID, m.MessageID}
	s.messages[k] = &stored{msg: clone(*m), fromBot: true}
	s.sent = append(s.sent, k)
	return clone(*m)
}

func (s *Server) sendMessage(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	text := p.Get("text")
	if strings.TrimSpace(text) == "" {
		return nil, badRequest("message text is empty")
	}
	if utf8.RuneCountInString(text) > maxText {
		return nil, badRequest("message is too long")
	}
	if e := checkParseMode(p); e != nil {
		return nil, e
	}
	markup, e := parseMarkup(p.Get("reply_markup"), false)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.newMessage(chatID, p)
	if e != nil {
		return nil, e
	}
	m.Text = text
	m.ReplyMarkup = markup
	return s.keep(m), nil
}

// sendPhoto takes the photo as an uploaded file part or as the id of a known file. An upload
// becomes a new file that getFile and the download URL then serve.
func (s *Server) sendPhoto(_ context.Context, p url.Values, files map[string][]byte) (any, *apiError) {
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	caption := p.Get("caption")
	if utf8.RuneCountInString(caption) > maxCaption {
		return nil, badRequest("message caption is too long")
	}
	if e := checkParseMode(p); e != nil {
		return nil, e
	}
	markup, e := parseMarkup(p.Get("reply_markup"), false)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var fileID string
	var data []byte
	if b, ok := files["photo"]; ok {
		if len(b) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		s.lastFileID++
		fileID, data = "photo-"+strconv.Itoa(s.lastFileID), b
		s.files[fileID] = b
		s.files[fileID+"_s"] = b
	} else if id := p.Get("photo"); id != "" {
		b, ok := s.files[id]
		if !ok {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		fileID, data = id, b
	} else {
		return nil, badRequest("there is no photo in the request")
	}
	m, e := s.newMessage(chatID, p)
	if e != nil {
		return nil, e
	}
	w, h := 1280, 960
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width > 0 && cfg.Height > 0 {
		w, h = cfg.Width, cfg.Height
	}
	m.Photo = []tgbotapi.PhotoSize{
		{FileID: fileID + "_s", FileUniqueID: "u" + fileID + "_s", Width: 90, Height: max(1, 90*h/w), FileSize: len(data)},
		{FileID: fileID, FileUniqueID: "u" + fileID, Width: w, Height: h, FileSize: len(data)},
	}
	m.Caption = caption
	m.ReplyMarkup = markup
	return s.keep(m), nil
}

// editable returns the bot's message at k for an edit. s.mu must be held.
func (s *Server) editable(k msgKey) (*stored, *apiError) {
	if _, e := s.chat(k.chat); e != nil {
		return nil, e
	}
	st := s.messages[k]
	if st == nil || st.deleted {
		return nil, badRequest("message to edit not found")
	}
	if !st.fromBot {
		return nil, badRequest("message can't be edited")
	}
	return st, nil
}

// notModified is Telegram's answer to an edit that changes nothing; adapters should treat it as
// success.
const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	k, e := editTarget(p)
	if e != nil {
		return nil, e
	}
	text := p.Get("text")
	if strings.TrimSpace(text) == "" {
		return nil, badRequest("text must be non-empty")
	}
	if utf8.RuneCountInString(text) > maxText {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	if e := checkParseMode(p); e != nil {
		return nil, e
	}
	markup, e := parseMarkup(p.Get("reply_markup"), true)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, e := s.editable(k)
	if e != nil {
		return nil, e
	}
	if st.msg.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	if st.msg.Text == text && sameMarkup(st.msg.ReplyMarkup, markup) {
		return nil, badRequest(notModified)
	}
	// Like Telegram, an edit without reply_markup takes the inline keyboard off.
	st.msg.Text, st.msg.ReplyMarkup, st.msg.EditDate = text, markup, int(time.Now().Unix())
	return clone(st.msg), nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	k, e := editTarget(p)
	if e != nil {
		return nil, e
	}
	markup, e := parseMarkup(p.Get("reply_markup"), true)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, e := s.editable(k)
	if e != nil {
		return nil, e
	}
	if sameMarkup(st.msg.ReplyMarkup, markup) {
		return nil, badRequest(notModified)
	}
	st.msg.ReplyMarkup, st.msg.EditDate = markup, int(time.Now().Unix())
	return clone(st.msg), nil
}

func (s *Server) deleteMessage(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	k, e := editTarget(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.chat(k.chat); e != nil {
		return nil, e
	}
	st := s.messages[k]
	if st == nil || st.deleted {
		return nil, badRequest("message to delete not found")
	}
	st.deleted = true
	return true, nil
}

// answerCallbackQuery accepts the id of any callback query added with AddUpdate.
func (s *Server) answerCallbackQuery(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callbacks[p.Get("callback_query_id")] {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	return true, nil
}

func (s *Server) sendChatAction(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	switch p.Get("action") {
	case tgbotapi.ChatTyping, tgbotapi.ChatUploadPhoto, tgbotapi.ChatRecordVideo, tgbotapi.ChatUploadVideo,
		tgbotapi.ChatRecordVoice, tgbotapi.ChatUploadVoice, tgbotapi.ChatUploadDocument, tgbotapi.ChatChooseSticker,
		tgbotapi.ChatFindLocation, tgbotapi.ChatRecordVideoNote, tgbotapi.ChatUploadVideoNote:
	default:
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.chat(chatID); e != nil {
		return nil, e
	}
	return true, nil
}

// sendDocument takes an uploaded `document` file part (an XLSX export) with an optional caption.
func (s *Server) sendDocument(_ context.Context, p url.Values, files map[string][]byte) (any, *apiError) {
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	caption := p.Get("caption")
	if utf8.RuneCountInString(caption) > maxCaption {
		return nil, badRequest("message caption is too long")
	}
	b, ok := files["document"]
	if !ok || len(b) == 0 {
		return nil, badRequest("there is no document in the request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastFileID++
	fileID := "doc-" + strconv.Itoa(s.lastFileID)
	s.files[fileID] = b
	m, e := s.newMessage(chatID, p)
	if e != nil {
		return nil, e
	}
	m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileSize: len(b)}
	m.Caption = caption
	return s.keep(m), nil
}
