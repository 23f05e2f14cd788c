package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapkin-id/lapkin/chat"
)

// errMedia marks a message whose photo could not be fetched yet: it is not acknowledged, and
// comes again.
var errMedia = errors.New("whatsapp: photo download failed")

// chatID is a WhatsApp chat as Lapkin names it: a person by their phone number's digits
// ("6281234567890"), the form of the roster and of registration; a group, or a person whose number
// is unknown (a LID without a mapping), by the full JID ("120363…@g.us", "1234…@lid").
func chatID(jid types.JID) string {
	jid = jid.ToNonAD()
	if jid.Server == types.DefaultUserServer {
		return jid.User
	}
	return jid.String()
}

// parseChat is chatID's inverse, for sending.
func parseChat(id string) (types.JID, error) {
	if id == "" {
		return types.JID{}, errors.New("empty chat id")
	}
	if !strings.Contains(id, "@") {
		for _, c := range id {
			if c < '0' || c > '9' {
				return types.JID{}, fmt.Errorf("chat id %q is neither a phone number nor a JID", id)
			}
		}
		return types.NewJID(id, types.DefaultUserServer), nil
	}
	jid, err := types.ParseJID(id)
	if err != nil {
		return types.JID{}, err
	}
	return jid.ToNonAD(), nil
}

// phoneOf returns the phone-number JID of a sender: the JID itself when it is one, else its
// alternative address (SenderAlt), else the session's LID map. ok is false for a LID with no
// known number.
func (w *WhatsApp) phoneOf(ctx context.Context, jid, alt types.JID) (types.JID, bool, error) {
	jid, alt = jid.ToNonAD(), alt.ToNonAD()
	if jid.Server == types.DefaultUserServer {
		return jid, true, nil
	}
	if jid.Server != types.HiddenUserServer {
		return jid, false, nil
	}
	if alt.Server == types.DefaultUserServer {
		return alt, true, nil
	}
	if w.lids == nil {
		return jid, false, nil
	}
	pn, err := w.lids.GetPNForLID(ctx, jid)
	if err != nil {
		return jid, false, fmt.Errorf("whatsapp: look up the number of %s: %w", jid, err)
	}
	if pn.IsEmpty() {
		return jid, false, nil
	}
	return pn.ToNonAD(), true, nil
}

// convert turns a message event into a chat.Message. ok is false for what Lapkin ignores: its own
// messages (from the phone or another linked device), status updates, broadcast lists,
// newsletters, edits and protocol messages, reactions and stickers, and group chatter that is not
// a slash command. An error means the message cannot be handled yet (a photo download or a LID
// lookup failed) and must not be acknowledged.
func (w *WhatsApp) convert(ctx context.Context, e *events.Message) (chat.Message, bool, error) {
	info := e.Info
	switch {
	case info.IsFromMe, e.Message == nil, e.IsEdit,
		info.Chat.Server == types.BroadcastServer, // status@broadcast and broadcast lists
		info.Chat.Server == types.NewsletterServer,
		info.Sender.IsBot(), info.Chat.IsBot():
		return chat.Message{}, false, nil
	}
	group := info.Chat.Server == types.GroupServer
	if !group && info.Chat.Server != types.DefaultUserServer && info.Chat.Server != types.HiddenUserServer {
		return chat.Message{}, false, nil // hosted, interop and other servers Lapkin does not serve
	}
	msg := e.Message
	text := ""
	var photo *chat.Photo
	var media whatsmeow.DownloadableMessage
	unsupported := ""
	switch {
	case msg.Conversation != nil:
		text = msg.GetConversation()
	case msg.ExtendedTextMessage != nil:
		text = msg.GetExtendedTextMessage().GetText()
	case msg.ImageMessage != nil:
		img := msg.GetImageMessage()
		text = img.GetCaption()
		photo = &chat.Photo{Name: info.ID + extension(img.GetMimetype(), ".jpg"), MIME: img.GetMimetype(), Size: int64(img.GetFileLength())}
		media = img
	case msg.DocumentMessage != nil && strings.HasPrefix(strings.ToLower(msg.GetDocumentMessage().GetMimetype()), "image/"):
		// A photo sent as a document (uncompressed, to keep it sharp) is evidence like a photo.
		doc := msg.GetDocumentMessage()
		text = doc.GetCaption()
		name := doc.GetFileName()
		if name == "" {
			name = info.ID + extension(doc.GetMimetype(), ".jpg")
		}
		photo = &chat.Photo{Name: name, MIME: doc.GetMimetype(), Size: int64(doc.GetFileLength())}
		media = doc
	case msg.DocumentMessage != nil: // also a document with a caption, unwrapped by whatsmeow
		text, unsupported = msg.GetDocumentMessage().GetCaption(), chat.MediaDocument
	case msg.VideoMessage != nil:
		text, unsupported = msg.GetVideoMessage().GetCaption(), chat.MediaVideo
	case msg.AudioMessage != nil:
		unsupported = chat.MediaAudio
	default:
		return chat.Message{}, false, nil // reactions, stickers, locations, contacts, protocol messages
	}
	text = strings.TrimSpace(text)
	if group && !strings.HasPrefix(text, "/") {
		// In a group only slash commands are ours (the group binding); chatter is none of our
		// business, and is acknowledged without being stored.
		return chat.Message{}, false, nil
	}
	if text == "" && photo == nil && unsupported == "" {
		return chat.Message{}, false, nil
	}

	sender, known, err := w.phoneOf(ctx, info.Sender, info.SenderAlt)
	if err != nil {
		return chat.Message{}, false, err
	}
	senderRef := chat.ChatRef{Net: Net, ID: chatID(sender)}
	chatRef := senderRef
	if group {
		chatRef = chat.ChatRef{Net: Net, ID: chatID(info.Chat)}
		photo, unsupported = nil, "" // a group gets digests and the binding command, not evidence
	}
	m := chat.Message{
		ID:          senderRef.ID + "/" + info.ID,
		Chat:        chatRef,
		Sender:      senderRef,
		Group:       group,
		Text:        text,
		Unsupported: unsupported,
		Time:        info.Timestamp,
		Raw:         e,
	}
	// WhatsApp names every sender by their number: the flows may link it to the roster. A LID
	// whose number nobody knows still counts as an implicit contact, without a number, so that
	// the flows treat it as any unknown number (help once a day, nothing else).
	m.Contact = &chat.Contact{Own: true, Implicit: true}
	if known {
		m.Contact.Phone = "+" + sender.User
	}
	if photo != nil {
		// The announced size is checked first, and a file over the limit is never asked for:
		// whatsmeow's Download has no cap of its own and holds the whole file in memory. The
		// download itself waits until the runtime knows the sender (chat.Photo.Fetch).
		if photo.Size <= w.cfg.MaxPhotoBytes {
			photo.Fetch = func(ctx context.Context) ([]byte, error) {
				return w.downloads.Do(ctx, func() ([]byte, error) { return w.download(ctx, info.ID, media) })
			}
		}
		m.Photo = photo
	}
	return m, true, nil
}

// download fetches one attachment. A failure is errMedia: the message is not acknowledged and
// comes again.
func (w *WhatsApp) download(ctx context.Context, id string, media whatsmeow.DownloadableMessage) ([]byte, error) {
	w.mu.Lock()
	cli := w.cli
	w.mu.Unlock()
	if cli == nil {
		return nil, errMedia
	}
	data, err := cli.Download(ctx, media)
	if err != nil {
		w.log.Warn("download photo", "msg", id, "err", err)
		return nil, errMedia
	}
	if int64(len(data)) > w.cfg.MaxPhotoBytes {
		return nil, chat.ErrTooBig
	}
	return data, nil
}

// extension returns a file extension for a MIME type, def when none is known.
func extension(mimeType, def string) string {
	switch mimeType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
		return exts[0]
	}
	return def
}
