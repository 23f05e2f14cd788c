package telegramtest

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// AddUpdate queues u for getUpdates and wakes a waiting long poll. A zero UpdateID is assigned,
// one above the highest so far (the first is 1); the id is returned. The server also fills what
// Telegram would: a zero message_id (counted with the bot's own messages), a zero date (now), an
// empty callback query id. It stores a copy, so u itself is not changed; Update shows the copy.
func (s *Server) AddUpdate(u tgbotapi.Update) int {
	u = clone(u)
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = s.lastUpdateID + 1
	}
	s.lastUpdateID = max(s.lastUpdateID, u.UpdateID)
	for _, m := range []*tgbotapi.Message{u.Message, u.EditedMessage, u.ChannelPost, u.EditedChannelPost} {
		s.fillMessage(m, true)
	}
	if cb := u.CallbackQuery; cb != nil {
		s.fillMessage(cb.Message, false)
		if cb.ID == "" {
			s.lastCallbackID++
			cb.ID = strconv.Itoa(4000000000 + s.lastCallbackID)
		}
		if cb.ChatInstance == "" && cb.Message != nil && cb.Message.Chat != nil {
			cb.ChatInstance = "ci" + strconv.FormatInt(cb.Message.Chat.ID, 10)
		}
		s.callbacks[cb.ID] = true
	}
	if !s.noHistory {
		s.history[u.UpdateID] = u
	}
	i, _ := slices.BinarySearchFunc(s.pending, u.UpdateID, func(p tgbotapi.Update, id int) int { return p.UpdateID - id })
	s.pending = slices.Insert(s.pending, i, u)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return u.UpdateID
}

// fillMessage gives m a message id and a date if it has none and remembers its chat; with store
// it also remembers the message itself, so that a reply to it can be found. s.mu must be held.
func (s *Server) fillMessage(m *tgbotapi.Message, store bool) {
	if m == nil {
		return
	}
	if m.MessageID == 0 {
		s.lastMessageID++
		m.MessageID = s.lastMessageID
	}
	s.lastMessageID = max(s.lastMessageID, m.MessageID)
	if m.Date == 0 {
		m.Date = int(time.Now().Unix())
	}
	if m.Chat == nil {
		return
	}
	if _, ok := s.chats[m.Chat.ID]; !ok {
		s.chats[m.Chat.ID] = *m.Chat
	}
	key := msgKey{m.Chat.ID, m.MessageID}
	if _, ok := s.messages[key]; store && !ok && !s.noHistory {
		s.messages[key] = &stored{msg: clone(*m)}
	}
}

// Update returns the update with id as the server stored it, with the ids it filled in.
func (s *Server) Update(id int) (tgbotapi.Update, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.history[id]
	if !ok {
		return tgbotapi.Update{}, false
	}
	return clone(u), true
}

// Pending returns the ids of the updates not yet confirmed, in ascending order. getUpdates confirms
// every update below its offset, so after a crash between receiving updates and confirming them
// they are still pending and the next poll delivers them again, as Telegram does.
func (s *Server) Pending() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.pending))
	for i, u := range s.pending {
		ids[i] = u.UpdateID
	}
	return ids
}

// Confirmed returns the highest update id up to which every update added has been confirmed:
// one below the oldest pending update, or the last id when none is pending. Unlike Pending it
// allocates nothing, for a load test that asks every few milliseconds.
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return s.lastUpdateID
	}
	return s.pending[0].UpdateID - 1
}

// getUpdates confirms the updates below offset and returns up to limit of the rest. When there
// are none it waits up to timeout seconds (at most MaxPoll) for one to be added. A newer
// getUpdates ends a waiting one with 409, as Telegram does when two instances poll one token.
func (s *Server) getUpdates(ctx context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	wait := min(time.Duration(max(timeout, 0))*time.Second, MaxPoll)
	timer := time.NewTimer(wait)
	defer timer.Stop()

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhookURL != "" {
		return nil, &apiError{code: http.StatusConflict,
			description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	switch {
	case offset > 0:
		i, _ := slices.BinarySearchFunc(s.pending, offset, func(p tgbotapi.Update, id int) int { return p.UpdateID - id })
		s.pending = slices.Delete(s.pending, 0, i)
	case offset < 0:
		// A negative offset keeps only the last -offset updates.
		if n := len(s.pending) + offset; n > 0 {
			s.pending = slices.Delete(s.pending, 0, n)
		}
	}
	if s.poll != nil {
		close(s.poll)
	}
	mine := make(chan struct{})
	s.poll = mine
	defer func() {
		if s.poll == mine {
			s.poll = nil
		}
	}()
	for {
		select {
		case <-mine:
			return nil, &apiError{code: http.StatusConflict,
				description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		default:
		}
		if len(s.pending) > 0 || wait == 0 {
			out := clone(s.pending[:min(limit, len(s.pending))])
			if out == nil {
				out = []tgbotapi.Update{}
			}
			return out, nil
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-mine:
		case <-timer.C:
			wait = 0
		case <-ctx.Done():
			wait = 0
		case <-s.done:
			wait = 0
		}
		s.mu.Lock()
	}
}

// User returns a person with id and first name, to send updates from.
func User(id int64, first string) tgbotapi.User {
	return tgbotapi.User{ID: id, FirstName: first}
}

// privateChat is the chat between the bot and from; its id is the user's id.
func privateChat(from tgbotapi.User) *tgbotapi.Chat {
	return &tgbotapi.Chat{ID: from.ID, Type: "private", FirstName: from.FirstName, LastName: from.LastName, UserName: from.UserName}
}

func message(from tgbotapi.User, chat *tgbotapi.Chat) *tgbotapi.Message {
	return &tgbotapi.Message{From: &from, Chat: chat, Date: int(time.Now().Unix())}
}

// PrivateText is a text message from `from` in the private chat with the bot (chat id = user id),
// dated now. A text starting with "/" gets a bot_command entity, as Telegram adds one. AddUpdate
// assigns the message id.
func PrivateText(from tgbotapi.User, text string) tgbotapi.Update {
	m := message(from, privateChat(from))
	setText(m, text)
	return tgbotapi.Update{Message: m}
}

// GroupText is a text message from `from` in a group chat; chat.Type defaults to "group" (a
// supergroup has "supergroup" and an id below -1000000000000).
func GroupText(from tgbotapi.User, chat tgbotapi.Chat, text string) tgbotapi.Update {
	if chat.Type == "" {
		chat.Type = "group"
	}
	m := message(from, &chat)
	setText(m, text)
	return tgbotapi.Update{Message: m}
}

func setText(m *tgbotapi.Message, text string) {
	m.Text = text
	if len(text) > 1 && text[0] == '/' {
		n := len(text)
		for i, r := range text {
			if r == ' ' || r == '\n' {
				n = i
				break
			}
		}
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len([]rune(text[:n]))}}
	}
}

// ContactShare is the message Telegram sends when `from` taps a contact button in the private
// chat: a Contact with phone and contactUserID. Pass from.ID to share one's own number, or another
// id for a forwarded contact, which an adapter must not trust.
func ContactShare(from tgbotapi.User, contactUserID int64, phone string) tgbotapi.Update {
	m := message(from, privateChat(from))
	c := &tgbotapi.Contact{PhoneNumber: phone, UserID: contactUserID, FirstName: "Kontak"}
	if contactUserID == from.ID {
		c.FirstName, c.LastName = from.FirstName, from.LastName
	}
	m.Contact = c
	return tgbotapi.Update{Message: m}
}

// Photo is a photo from `from` in the private chat, in two sizes with the larger last, as
// Telegram sends them. The larger has file id fileID (give it bytes with AddFile so that it can
// be downloaded), the smaller fileID+"_s".
func Photo(from tgbotapi.User, fileID, caption string) tgbotapi.Update {
	m := message(from, privateChat(from))
	m.Photo = []tgbotapi.PhotoSize{
		{FileID: fileID + "_s", FileUniqueID: "u" + fileID + "_s", Width: 90, Height: 68},
		{FileID: fileID, FileUniqueID: "u" + fileID, Width: 1280, Height: 960},
	}
	m.Caption = caption
	return tgbotapi.Update{Message: m}
}

// Document is a file from `from` in the private chat: fileID (give it bytes with AddFile), its
// name, MIME type and size, and a caption. A photo sent "as a file" comes this way, uncompressed.
func Document(from tgbotapi.User, fileID, name, mimeType string, size int, caption string) tgbotapi.Update {
	m := message(from, privateChat(from))
	m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: name, MimeType: mimeType, FileSize: size}
	m.Caption = caption
	return tgbotapi.Update{Message: m}
}

// Voice is a voice note from `from` in the private chat.
func Voice(from tgbotapi.User, fileID string, seconds int) tgbotapi.Update {
	m := message(from, privateChat(from))
	m.Voice = &tgbotapi.Voice{FileID: fileID, FileUniqueID: "u" + fileID, Duration: seconds, MimeType: "audio/ogg"}
	return tgbotapi.Update{Message: m}
}

// Callback is the callback query Telegram sends when `from` taps an inline button with data on
// the bot's message messageID in their private chat. AddUpdate gives it a unique id, which
// answerCallbackQuery then accepts. The message carries only its id, chat and sender, the bot.
func Callback(from tgbotapi.User, messageID int, data string) tgbotapi.Update {
	bot := tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Lapkin", UserName: BotUserName}
	m := message(bot, privateChat(from))
	m.MessageID = messageID
	return tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{From: &from, Message: m, Data: data}}
}
