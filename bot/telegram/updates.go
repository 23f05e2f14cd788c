package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/chat"
)

// CursorKey is where the poll loop keeps, through a chat.Cursor, the next update id to ask for.
const CursorKey = "telegram.offset"

// Retry bounds the retries of an update that fails for a reason that may pass: a photo whose
// download fails on the network, a handler that returns an error. After Attempts tries, Backoff
// apart and doubling, the update is handed on as a chat.Failure and kept as a dead letter.
type Retry struct {
	Attempts int           // tries in all; 3 when zero
	Backoff  time.Duration // the first wait; 500 ms when zero
}

func (r Retry) attempts() int {
	if r.Attempts <= 0 {
		return 3
	}
	return r.Attempts
}

// wait is the pause before try number n+1 (n ≥ 1).
func (r Retry) wait(n int) time.Duration {
	d := r.Backoff
	if d <= 0 {
		d = 500 * time.Millisecond
	}
	for i := 1; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return d
}

// failures counts, per update id, how often handling an update failed, so that a handler error is
// retried a bounded number of times whether the update comes back from getUpdates or from
// Telegram's webhook retries. It is kept in memory: after a restart an update gets its tries
// again, which still bounds them.
type failures struct {
	mu sync.Mutex
	n  map[int]failure
}

type failure struct {
	count int
	last  string
}

func (f *failures) add(id int, err error) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = map[int]failure{}
	}
	c := f.n[id]
	c.count++
	c.last = err.Error()
	f.n[id] = c
	return c.count
}

// get returns how often update id failed, and the last error.
func (f *failures) get(id int) (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.n[id]
	return c.count, c.last
}

func (f *failures) forget(id int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.n, id)
}

// message turns an update into a chat.Message. ok is false for updates Lapkin ignores (edits,
// channel posts, stickers, commands addressed to other bots). Photos are downloaded here, before
// the message reaches a flow, so that no database transaction waits on the network; a photo that
// cannot be had (gone, or failing after the retries) makes a message with Failed set.
func (t *Telegram) message(ctx context.Context, u tgbotapi.Update) (chat.Message, bool) {
	id := strconv.Itoa(u.UpdateID)
	if cb := u.CallbackQuery; cb != nil {
		// Answer at once so the button stops spinning, and take the buttons off the question so
		// it cannot be answered twice; the flow's reply follows through the outbox.
		if _, err := t.api.Request(tgbotapi.NewCallback(cb.ID, "")); err != nil {
			t.log.Warn("answer callback", "err", redact(err, t.cfg.Token))
		}
		if cb.Message == nil || cb.From == nil {
			return chat.Message{}, false
		}
		edit := tgbotapi.NewEditMessageReplyMarkup(cb.Message.Chat.ID, cb.Message.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
		if _, err := t.api.Request(edit); err != nil {
			t.log.Debug("remove buttons", "err", redact(err, t.cfg.Token))
		}
		where := chat.ChatRef{Net: Net, ID: strconv.FormatInt(cb.Message.Chat.ID, 10)}
		return chat.Message{ID: id, Chat: where, Sender: chat.ChatRef{Net: Net, ID: strconv.FormatInt(cb.From.ID, 10)},
			Group: !cb.Message.Chat.IsPrivate(), Callback: cb.Data, Time: time.Now(), Raw: u}, true
	}
	msg := u.Message
	if msg == nil || msg.From == nil || msg.From.IsBot || msg.Chat == nil {
		return chat.Message{}, false
	}
	m := chat.Message{
		ID:     id,
		Chat:   chat.ChatRef{Net: Net, ID: strconv.FormatInt(msg.Chat.ID, 10)},
		Sender: chat.ChatRef{Net: Net, ID: strconv.FormatInt(msg.From.ID, 10)},
		Group:  !msg.Chat.IsPrivate(),
		Text:   msg.Text,
		Time:   msg.Time(),
		Raw:    u,
	}
	if m.Text == "" {
		m.Text = msg.Caption
	}
	if m.Group && msg.MigrateToChatID != 0 {
		// The group became a supergroup under a new id: its binding follows it. Telegram says so
		// in the old group, and the new one's first message says where it came from.
		m.Text, m.MovedTo = "", strconv.FormatInt(msg.MigrateToChatID, 10)
		return m, true
	}
	if m.Group {
		// In a group only commands to this bot matter; "/lapor@OtherBot" is not ours.
		if !strings.HasPrefix(m.Text, "/") {
			return chat.Message{}, false
		}
		word, _, _ := strings.Cut(strings.Fields(m.Text + " ")[0], " ")
		if _, at, ok := strings.Cut(word, "@"); ok && !strings.EqualFold(at, t.Username()) {
			return chat.Message{}, false
		}
		m.Text = unaddressed(m.Text, t.Username())
		return m, true
	}
	m.Text = unaddressed(m.Text, t.Username())
	if c := msg.Contact; c != nil {
		// Only a contact that is the sender's own may register them: a forwarded card is not.
		m.Contact = &chat.Contact{Phone: c.PhoneNumber, Own: c.UserID != 0 && c.UserID == msg.From.ID}
	}
	switch d := msg.Document; {
	case len(msg.Photo) > 0:
		p := msg.Photo[len(msg.Photo)-1] // the largest size comes last
		m.Photo = t.photo(p.FileID, p.FileID+".jpg", "image/jpeg", int64(p.FileSize), id, u)
	case d != nil && strings.HasPrefix(strings.ToLower(d.MimeType), "image/"):
		// A photo sent "as a file" (uncompressed, as many do to keep it sharp) is evidence too.
		name := d.FileName
		if name == "" {
			name = d.FileID + ".jpg"
		}
		m.Photo = t.photo(d.FileID, name, d.MimeType, int64(d.FileSize), id, u)
	case d != nil:
		m.Unsupported = chat.MediaDocument
	case msg.Video != nil || msg.VideoNote != nil || msg.Animation != nil:
		m.Unsupported = chat.MediaVideo
	case msg.Voice != nil || msg.Audio != nil:
		m.Unsupported = chat.MediaAudio
	}
	if m.Text == "" && m.Contact == nil && m.Photo == nil && m.Unsupported == "" {
		return chat.Message{}, false // stickers, locations, polls: nothing for us
	}
	return m, true
}

// unaddressed removes this bot's name from a command addressed to it ("/lapor@LapkinBot 3 SPJ" is
// "/lapor 3 SPJ"): how Telegram names the bot a command is for is no concern of the flows. Any
// other text is returned as it is.
func unaddressed(text, username string) string {
	if !strings.HasPrefix(text, "/") || username == "" {
		return text
	}
	end := strings.IndexAny(text, " \t\n")
	if end < 0 {
		end = len(text)
	}
	word, at, ok := strings.Cut(text[:end], "@")
	if !ok || !strings.EqualFold(at, username) {
		return text
	}
	return word + text[end:]
}

// photo describes an image of an update without downloading it: Fetch downloads it, once the
// runtime knows the sender is someone Lapkin serves, one download at a time on this network. A
// file over the limit is never asked for.
func (t *Telegram) photo(fileID, name, mimeType string, size int64, update string, u tgbotapi.Update) *chat.Photo {
	p := &chat.Photo{Name: name, MIME: mimeType, Size: size}
	if size > t.cfg.MaxPhotoBytes {
		return p
	}
	p.Fetch = func(ctx context.Context) ([]byte, error) {
		data, err := t.downloadRetrying(ctx, fileID, update)
		switch {
		case errors.Is(err, errTooBig):
			return nil, chat.ErrTooBig
		case err != nil && ctx.Err() == nil:
			t.log.Warn("photo cannot be downloaded; kept as a dead letter", "update", update, "err", err)
			return nil, &chat.Failure{Kind: chat.FailFile, Reason: "download photo: " + err.Error(), Raw: rawUpdate(u)}
		}
		return data, err
	}
	return p
}

// downloadRetrying downloads a file, retrying a failure that may pass (network, 5xx, 429) with
// backoff up to the configured number of tries. A file that is gone fails at once.
func (t *Telegram) downloadRetrying(ctx context.Context, fileID, update string) ([]byte, error) {
	var err error
	for n := 1; ; n++ {
		var data []byte
		data, err = t.downloads.Do(ctx, func() ([]byte, error) { return t.download(ctx, fileID, t.cfg.MaxPhotoBytes) })
		if err == nil || errors.Is(err, errTooBig) || errors.Is(err, errGone) || n >= t.cfg.Retry.attempts() {
			return data, err
		}
		wait := t.cfg.Retry.wait(n)
		t.log.Warn("download photo failed, will retry", "update", update, "try", n, "retry_in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// rawUpdate is the update as JSON, for a dead letter.
func rawUpdate(u tgbotapi.Update) []byte {
	b, err := json.Marshal(u)
	if err != nil {
		return []byte(fmt.Sprintf(`{"update_id":%d}`, u.UpdateID))
	}
	return b
}

// skeleton is what is read of an update that does not decode: enough to confirm it, keep it and,
// for a private chat, answer its sender. encoding/json fills every field it can before reporting
// the first mismatch, so these survive a bad field elsewhere.
type skeleton struct {
	UpdateID int `json:"update_id"`
	Message  *struct {
		Chat *struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		} `json:"chat"`
		From *struct {
			ID int64 `json:"id"`
		} `json:"from"`
	} `json:"message"`
}

// decode reads one update. One that does not decode becomes a message with Failed set, with the
// chat and sender when they can be read; ok is false only when not even its id can be read.
func decode(raw []byte) (u tgbotapi.Update, m *chat.Message, ok bool) {
	err := json.Unmarshal(raw, &u)
	if err == nil {
		return u, nil, true
	}
	var s skeleton
	if json.Unmarshal(raw, &s); s.UpdateID == 0 {
		return u, nil, false
	}
	f := chat.Message{ID: strconv.Itoa(s.UpdateID), Sender: chat.ChatRef{Net: Net}, Chat: chat.ChatRef{Net: Net},
		Failed: &chat.Failure{Kind: chat.FailDecode, Reason: "decode update: " + err.Error(), Raw: raw}}
	if s.Message != nil && s.Message.Chat != nil && s.Message.Chat.ID != 0 {
		f.Chat.ID = strconv.FormatInt(s.Message.Chat.ID, 10)
		f.Group = s.Message.Chat.Type != "private"
	}
	if s.Message != nil && s.Message.From != nil {
		f.Sender.ID = strconv.FormatInt(s.Message.From.ID, 10)
	}
	return tgbotapi.Update{UpdateID: s.UpdateID}, &f, true
}

// Poller is Telegram's long-poll receiver.
type Poller struct {
	t      *Telegram
	cursor chat.Cursor
}

var (
	_ chat.Receiver = (*Poller)(nil)
	_ chat.Menu     = (*Telegram)(nil)
)

// Poller returns the long-poll receiver, which keeps its offset in cursor.
func (t *Telegram) Poller(cursor chat.Cursor) *Poller { return &Poller{t: t, cursor: cursor} }

// Receive long-polls getUpdates until ctx ends. Each batch is handed to submit; the offset moves
// past an update, and is saved, only after the update's effects are committed, so a crash or a
// failed handler means Telegram delivers it again, and the runtime recognises the redelivery by its
// id. An update that fails for good is handed on as a chat.Failure (kept as a dead letter) and so is
// confirmed too: one bad update never stops intake. In-flight work finishes even when ctx is
// cancelled: the handlers, and the saving of the offset, get a context that is not.
func (p *Poller) Receive(ctx context.Context, submit chat.Submit) error {
	t := p.t
	t.client.poll.Store(&ctx)
	defer t.client.poll.Store(nil)
	var offset int
	v, err := p.cursor.LoadCursor(ctx, CursorKey)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: nothing was received, nothing to save
		}
		return fmt.Errorf("telegram: load offset: %w", err)
	}
	if v != "" {
		offset, _ = strconv.Atoi(v)
	}
	keep := context.WithoutCancel(ctx)
	failed := 0    // getUpdates failures in a row
	ready := false // connected and the webhook deleted
	quick := 0     // empty answers in a row that came back at once
	for ctx.Err() == nil {
		if !ready {
			// Connect (getMe, with backoff: the network may be down at start), then make sure no
			// webhook is set, since Telegram refuses getUpdates while one is.
			if !t.waitConnected(ctx) {
				break
			}
			if _, err := t.api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
				if ctx.Err() != nil {
					break
				}
				failed++
				t.noteFailure(ctx, err, failed, "deleteWebhook")
				continue
			}
			ready, failed = true, 0
		}
		asked := time.Now()
		raws, err := t.getUpdates(offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failed++
			if isUnauthorized(err) {
				// The token was revoked while running: connect again, slowly, and say why.
				ready = false
				t.self.Store(nil)
				t.health.set(chat.StateLoggedOut, tokenRefused, false)
				t.log.Error("getUpdates refused", "err", "telegram: "+tokenRefused)
				continue
			}
			t.noteFailure(ctx, err, failed, "getUpdates")
			continue
		}
		failed = 0
		t.health.set(chat.StateConnected, "", true)
		if len(raws) == 0 && time.Since(asked) < quickEmpty(t.cfg.PollTimeout) {
			if quick++; quick == 10 {
				t.log.Warn("getUpdates answers at once although asked to wait: the server ignores the long-poll timeout; pausing between calls",
					"timeout_s", t.cfg.PollTimeout)
			}
			sleep(ctx, emptyPause)
			continue
		}
		quick = 0
		next, tries, err := t.handleBatch(keep, raws, submit)
		if next > offset {
			offset = next
			if err := p.cursor.SaveCursor(keep, CursorKey, strconv.Itoa(offset)); err != nil {
				return fmt.Errorf("telegram: save offset: %w", err)
			}
		}
		if err != nil {
			// Something was not committed: ask again for it after a pause that grows with its tries.
			wait := t.cfg.Retry.wait(max(tries, 1))
			t.log.Warn("update not handled, will retry", "err", err, "retry_in", wait)
			sleep(ctx, wait)
		}
	}
	return nil
}

// noteFailure logs a failed call of the poll loop (its status and body when the server answered
// something other than the Bot API: botAPIShape), marks the transport disconnected after DownAfter
// failures in a row, and waits before the next try: the wait Telegram named, or a backoff.
func (t *Telegram) noteFailure(ctx context.Context, err error, failed int, call string) {
	if failed >= DownAfter {
		t.health.set(chat.StateDisconnected, fmt.Sprintf("%s failed %d times in a row: %v", call, failed, redact(err, t.cfg.Token)), true)
	}
	wait := chat.BackoffFrom(t.cfg.Backoff, failed)
	var te *tgbotapi.Error
	if errors.As(err, &te) && te.RetryAfter > 0 {
		wait = time.Duration(te.RetryAfter) * time.Second
	}
	t.log.Warn(call+" failed", "err", redact(err, t.cfg.Token), "retry_in", wait)
	sleep(ctx, wait)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// getUpdates asks for the updates from offset and returns each one's JSON undecoded, so that one
// update this library cannot decode does not make the whole batch fail again and again.
func (t *Telegram) getUpdates(offset int) ([]json.RawMessage, error) {
	resp, err := t.api.Request(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: t.cfg.PollTimeout,
		AllowedUpdates: []string{"message", "callback_query"}})
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("telegram: read updates: %w", err)
	}
	return raws, nil
}

// errClosed is a submit refused because the runtime is stopping: the update comes again after
// the restart, and it is not the update's fault.
var errClosed = errors.New("telegram: runtime stopping")

// handleBatch submits a batch of updates and waits for all of them. It returns the offset to
// confirm: past every update up to the first one that failed; tries is how often that one failed.
// Photos are downloaded for all updates at once, then the messages are submitted in order, so that
// the router keeps each chat's order and one slow download does not add to the others.
func (t *Telegram) handleBatch(ctx context.Context, raws []json.RawMessage, submit chat.Submit) (next, tries int, err error) {
	if len(raws) == 0 {
		return 0, 0, nil
	}
	type item struct {
		id  int
		msg chat.Message
		ok  bool // false: nothing for us, confirm it
		bad bool // not even an id: cannot be confirmed on its own
		err error
	}
	items := make([]item, len(raws))
	var wg sync.WaitGroup
	for i, raw := range raws {
		u, failed, ok := decode(raw)
		if !ok {
			t.log.Error("update without an id, cannot be read", "raw", len(raw))
			items[i].bad = true
			continue
		}
		items[i].id = u.UpdateID
		if failed != nil {
			items[i].msg, items[i].ok = *failed, true
			continue
		}
		if n, last := t.failures.get(u.UpdateID); n >= t.cfg.Retry.attempts() {
			// Handling failed too often: keep it as a dead letter rather than try once more.
			items[i].msg, items[i].ok = failedMessage(u, chat.FailHandler, "handler failed "+strconv.Itoa(n)+" times: "+last), true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			items[i].msg, items[i].ok = t.message(ctx, u)
		}()
	}
	wg.Wait()

	done := make(chan struct{}, len(items))
	for i := range items {
		it := &items[i]
		if !it.ok {
			done <- struct{}{}
			continue
		}
		if !submit(ctx, it.msg, func(err error) { it.err = err; done <- struct{}{} }) {
			it.err = errClosed
			done <- struct{}{}
		}
	}
	for range items {
		<-done
	}
	for _, it := range items {
		if it.bad {
			continue // confirmed with the next good one; if it is last it comes again
		}
		if it.err != nil {
			tries = 0
			if !errors.Is(it.err, errClosed) {
				tries = t.failures.add(it.id, it.err)
			}
			return next, tries, it.err
		}
		t.failures.forget(it.id)
		next = it.id + 1
	}
	return next, 0, nil
}

// failedMessage is the message for an update given up on: who sent it and where, and the reason.
func failedMessage(u tgbotapi.Update, kind, reason string) chat.Message {
	m := chat.Message{ID: strconv.Itoa(u.UpdateID), Sender: chat.ChatRef{Net: Net}, Chat: chat.ChatRef{Net: Net}, Raw: u,
		Failed: &chat.Failure{Kind: kind, Reason: reason, Raw: rawUpdate(u)}}
	var where *tgbotapi.Chat
	var from *tgbotapi.User
	switch {
	case u.Message != nil:
		where, from = u.Message.Chat, u.Message.From
	case u.CallbackQuery != nil:
		from = u.CallbackQuery.From
		if u.CallbackQuery.Message != nil {
			where = u.CallbackQuery.Message.Chat
		}
	}
	if where != nil {
		m.Chat.ID = strconv.FormatInt(where.ID, 10)
		m.Group = !where.IsPrivate()
	}
	if from != nil {
		m.Sender.ID = strconv.FormatInt(from.ID, 10)
	}
	return m
}

var _ chat.Redeliverer = (*Telegram)(nil)

// Redeliver reads a kept update again (`lapkin inbox --retry`): it decodes it and downloads its
// photo anew. A callback's button is not answered again: its query expired long ago.
func (t *Telegram) Redeliver(ctx context.Context, raw []byte) (chat.Message, error) {
	u, failed, ok := decode(raw)
	switch {
	case !ok:
		return chat.Message{}, errors.New("telegram: not an update")
	case failed != nil:
		return chat.Message{}, failed.Failed
	}
	if u.CallbackQuery != nil {
		u.CallbackQuery.ID = ""
	}
	m, ok := t.message(ctx, u)
	switch {
	case !ok:
		return chat.Message{}, errors.New("telegram: nothing in the update for Lapkin")
	case m.Failed != nil:
		return chat.Message{}, m.Failed
	}
	return m, nil
}
