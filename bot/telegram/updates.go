package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// offsetKey is where the poll loop keeps the next update id to ask for.
const offsetKey = "telegram.offset"

// Submit hands a message to the router; done is called once its effects are committed (or not).
type Submit func(ctx context.Context, m bot.Message, done func(error)) bool

// message turns an update into a bot.Message. ok is false for updates Lapkin ignores (edits,
// channel posts, stickers, commands addressed to other bots). Photos are downloaded here, before
// the message reaches a flow, so that no database transaction waits on the network.
func (t *Telegram) message(ctx context.Context, u tgbotapi.Update) (bot.Message, bool) {
	id := strconv.Itoa(u.UpdateID)
	if cb := u.CallbackQuery; cb != nil {
		// Answer at once so the button stops spinning, and take the buttons off the question so
		// it cannot be answered twice; the flow's reply follows through the outbox.
		if _, err := t.api.Request(tgbotapi.NewCallback(cb.ID, "")); err != nil {
			t.log.Warn("answer callback", "err", redact(err, t.cfg.Token))
		}
		if cb.Message == nil || cb.From == nil {
			return bot.Message{}, false
		}
		edit := tgbotapi.NewEditMessageReplyMarkup(cb.Message.Chat.ID, cb.Message.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
		if _, err := t.api.Request(edit); err != nil {
			t.log.Debug("remove buttons", "err", redact(err, t.cfg.Token))
		}
		chat := bot.ChatRef{Net: bot.NetTelegram, ID: strconv.FormatInt(cb.Message.Chat.ID, 10)}
		return bot.Message{ID: id, Chat: chat, Sender: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.FormatInt(cb.From.ID, 10)},
			Group: !cb.Message.Chat.IsPrivate(), Callback: cb.Data, Time: time.Now(), Raw: u}, true
	}
	msg := u.Message
	if msg == nil || msg.From == nil || msg.From.IsBot {
		return bot.Message{}, false
	}
	m := bot.Message{
		ID:     id,
		Chat:   bot.ChatRef{Net: bot.NetTelegram, ID: strconv.FormatInt(msg.Chat.ID, 10)},
		Sender: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.FormatInt(msg.From.ID, 10)},
		Group:  !msg.Chat.IsPrivate(),
		Text:   msg.Text,
		Time:   msg.Time(),
		Raw:    u,
	}
	if m.Text == "" {
		m.Text = msg.Caption
	}
	if m.Group {
		// In a group only commands to this bot matter; "/lapor@OtherBot" is not ours.
		if !strings.HasPrefix(m.Text, "/") {
			return bot.Message{}, false
		}
		word, _, _ := strings.Cut(strings.Fields(m.Text + " ")[0], " ")
		if _, at, ok := strings.Cut(word, "@"); ok && !strings.EqualFold(at, t.api.Self.UserName) {
			return bot.Message{}, false
		}
		return m, true
	}
	if c := msg.Contact; c != nil {
		// Only a contact that is the sender's own may register them: a forwarded card is not.
		m.Contact = &bot.Contact{Phone: c.PhoneNumber, Own: c.UserID != 0 && c.UserID == msg.From.ID}
	}
	if n := len(msg.Photo); n > 0 {
		p := msg.Photo[n-1] // the largest size comes last
		photo := &bot.Photo{Name: p.FileID + ".jpg", Size: int64(p.FileSize)}
		if photo.Size <= t.cfg.MaxPhotoBytes {
			data, err := t.download(ctx, p.FileID, t.cfg.MaxPhotoBytes)
			switch {
			case errors.Is(err, errTooBig):
				photo.Size = t.cfg.MaxPhotoBytes + 1
			case err != nil:
				// Not acknowledged: the update comes again and the download is retried.
				t.log.Warn("download photo", "update", id, "err", err)
				return bot.Message{ID: id, Raw: errDownload}, false
			default:
				photo.Data = data
			}
		}
		m.Photo = photo
	}
	if m.Text == "" && m.Contact == nil && m.Photo == nil {
		return bot.Message{}, false // stickers, voice notes, locations: nothing for us
	}
	return m, true
}

// errDownload marks an update whose photo could not be fetched yet.
var errDownload = errors.New("photo download failed")

// Poll long-polls getUpdates until ctx ends. Each batch is handed to submit; the offset moves past
// an update, and is persisted, only after the update's effects are committed, so a crash or a
// failed handler means Telegram delivers it again, and the flows recognise the redelivery by its
// id. In-flight work finishes even when ctx is cancelled: the handlers get a context that is not.
func (t *Telegram) Poll(ctx context.Context, st *store.Store, submit Submit) error {
	if _, err := t.api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		return redact(err, t.cfg.Token)
	}
	t.client.poll.Store(&ctx)
	defer t.client.poll.Store(nil)
	var offset int
	if err := st.View(ctx, func(tx *store.Tx) error {
		v, err := tx.GetKV(ctx, offsetKey)
		if v != "" {
			offset, _ = strconv.Atoi(v)
		}
		return err
	}); err != nil {
		return err
	}
	failures := 0
	for ctx.Err() == nil {
		updates, err := t.api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: t.cfg.PollTimeout})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.Code == 401 {
				return errors.New("telegram: the token was refused (401): check telegram.token / LAPKIN_TELEGRAM_TOKEN")
			}
			failures++
			wait := bot.Backoff(failures)
			if errors.As(err, &te) && te.RetryAfter > 0 {
				wait = time.Duration(te.RetryAfter) * time.Second
			}
			t.log.Warn("getUpdates failed", "err", redact(err, t.cfg.Token), "retry_in", wait)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			continue
		}
		failures = 0
		next, err := t.handleBatch(ctx, updates, submit)
		if next > offset {
			offset = next
			if err := st.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
				return tx.SetKV(ctx, offsetKey, strconv.Itoa(offset))
			}); err != nil {
				return err
			}
		}
		if err != nil {
			// Something was not committed: ask again for it after a pause.
			t.log.Warn("update not handled, will retry", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
	return nil
}

// handleBatch submits a batch of updates and waits for all of them. It returns the offset to
// confirm: past every update up to the first one that failed.
func (t *Telegram) handleBatch(ctx context.Context, updates []tgbotapi.Update, submit Submit) (int, error) {
	if len(updates) == 0 {
		return 0, nil
	}
	work := context.WithoutCancel(ctx)
	errs := make([]error, len(updates))
	done := make(chan struct{}, len(updates))
	for i, u := range updates {
		m, ok := t.message(work, u)
		if !ok {
			if m.Raw == errDownload {
				errs[i] = errDownload
			}
			done <- struct{}{}
			continue
		}
		i := i
		if !submit(work, m, func(err error) { errs[i] = err; done <- struct{}{} }) {
			errs[i] = errors.New("router closed")
			done <- struct{}{}
		}
	}
	for range updates {
		<-done
	}
	next := 0
	for i, u := range updates {
		if errs[i] != nil {
			return next, errs[i]
		}
		next = u.UpdateID + 1
	}
	return next, nil
}
