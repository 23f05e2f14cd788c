// Package chat is Lapkin's edge: what every network adapter speaks and nothing else. It holds the
// transport-neutral messages and replies, the chat reference, the Transport and Receiver an adapter
// implements with their optional capabilities (Menu, MessageIDs, HealthReporter, Redeliverer,
// Limiter, Holder), the Network contract and Capabilities a network declares (network.go), and the
// small helpers adapters share (the clock, the download gate, the HTTP server). It imports nothing
// of Lapkin's, so an adapter that imports it links neither the store nor the flows.
package chat

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ChatRef names a chat on one network: a private chat with a person or a group. Net is the
// network's id (Network.ID: "tg", "wa", "console"); ID is the chat's id on it.
type ChatRef struct {
	Net string
	ID  string
}

// String renders the ref as "net:id", for logs.
func (c ChatRef) String() string { return c.Net + ":" + c.ID }

// Photo is an image that came with a message: a photo, or a document that is an image. Its bytes
// are fetched before the message's transaction begins, so that a flow never waits on the network
// inside it; but only once the sender is known to be someone Lapkin serves (flows.Engine.Handle):
// a stranger's photo is never downloaded (issue 26, item 4).
type Photo struct {
	Name string
	MIME string
	Data []byte
	// Size is the size the platform announced. A photo over the limit is not downloaded: Data is
	// nil and Size tells the flow why.
	Size int64
	// Fetch, when set and Data is nil, downloads the bytes. It returns ErrTooBig for a file over
	// the transport's limit, a *Failure when the file cannot be had (gone, or still failing after
	// the transport's retries: the message is then kept as a dead letter), and any other error for
	// a failure worth handling the whole message again later.
	Fetch func(ctx context.Context) ([]byte, error) `json:"-"`
}

// ErrTooBig is what a Photo's Fetch returns for a file over the size limit.
var ErrTooBig = errors.New("file too big")

// Returned names a message given back by the network after it was sent: MsgID is the id the
// outbox chose for it (MessageIDs) and To the chat it was sent to. Only a message the outbox did
// send there under that id counts, so that a forged notice cannot silence anyone.
type Returned struct {
	To     ChatRef
	MsgID  string
	Reason string
}

// Contact is a phone number shared by the sender, or the address a network names every sender by.
// Own is true when the transport has verified that the number is the sender's own (Telegram:
// Contact.UserID == From.ID; WhatsApp: the sender's JID).
type Contact struct {
	Phone string
	// Address is the sender's address on a network that names people by one (IdentityAddress:
	// an e-mail address, lower-cased), matched against the roster's column of that name. Set
	// with Implicit, never with Phone.
	Address string
	Own     bool
	// Implicit is true when the person did not share the number but the network names every
	// sender by it (WhatsApp, and e-mail by its address): the transport puts it on each message,
	// so a flow may link a number or an address from the roster on its first message, and must
	// stay quiet about one it does not know.
	Implicit bool
}

// Kinds of attachment a transport passes on without their content (Message.Unsupported).
const (
	MediaDocument = "document"
	MediaVideo    = "video"
	MediaAudio    = "audio"
)

// Message is one inbound update, whatever network it came from.
type Message struct {
	// ID identifies the update on its network; a redelivery carries the same ID and is ignored.
	ID string
	// Chat is where the message was written: the private chat or the group.
	Chat ChatRef
	// Sender is the person who wrote it (same as Chat in a private chat).
	Sender ChatRef
	// Group is true when Chat is a group.
	Group bool
	// Text is the text, or a photo's caption.
	Text string
	// Callback is the data of a pressed button; Text is empty then.
	Callback string
	Photo    *Photo
	Contact  *Contact
	// Unsupported names an attachment Lapkin cannot keep as evidence (MediaDocument, MediaVideo,
	// MediaAudio), sent instead of a photo; Text holds its caption. The flows answer it with a
	// clear refusal rather than recording a report without its evidence.
	Unsupported string
	Time        time.Time
	// Raw is the platform's own object, for the rare case that needs it.
	Raw any
	// MovedTo, when set, says the group Chat now lives under this id on its network (Telegram's
	// migrate_to_chat_id when a group becomes a supergroup); the message carries nothing else.
	MovedTo string
	// Failed, when set, says the receiver could not make a usable message of the update (see
	// Failure): the runtime keeps it as a dead letter and answers politely where it can, and the
	// receiver then acknowledges it like any other, so that one bad update never stops intake.
	Failed *Failure
	// Returned, when set, is the network's news that a message the outbox delivered earlier
	// never reached its recipient for good (an e-mail bounce, which arrives as a mail of its own):
	// the runtime then treats the recipient as a transport's Unreachable would. Nobody answers it.
	Returned *Returned
}

// Button is one choice offered with a reply. Data comes back as Message.Callback when pressed.
type Button struct {
	Label string
	Data  string
}

// Reply is one outgoing message.
type Reply struct {
	To ChatRef `json:"-"`
	// ID is the platform message id chosen before sending, for transports that implement MessageIDs;
	// the sender fills it from the outbox row. Empty elsewhere.
	ID   string `json:"-"`
	Text string `json:"text"`
	// Buttons are rows of choices. A transport without buttons shows the text alone, which must
	// already list the choices as numbers ("Balas dengan angka").
	Buttons [][]Button `json:"buttons,omitempty"`
	// ContactButton, when set, is the label of a "share my phone number" button for transports
	// that have one (Telegram); others show the text alone.
	ContactButton string `json:"contact_button,omitempty"`
	// Photo, when set, makes the reply a photo with Text as its caption.
	Photo     []byte `json:"-"`
	PhotoName string `json:"photo_name,omitempty"`
	// Document, when set, makes the reply a file (an XLSX export) with Text as its caption.
	Document     []byte `json:"-"`
	DocumentName string `json:"document_name,omitempty"`
	// Priority says who goes first when many wait (the zero value is a notice).
	Priority Priority `json:"-"`
	// Answers is the ID of the message this reply answers (a reply to the sender's own message),
	// kept with the outbox row: a network that threads (e-mail's In-Reply-To) answers that very
	// message, even when others came in between or the bot restarted. Empty for a notice.
	Answers string `json:"answers,omitempty"`
}

// Priority orders the outbox: replies to a registered person's own message go before notices, and
// notices before replies to strangers, whatever was queued first (issue 26, item 3).
type Priority int

// Priorities of a reply.
const (
	// PriorityNotice: a reminder, a digest, a notice someone else's message caused. The default.
	PriorityNotice Priority = iota
	// PriorityReply: the answer to a registered person's own message.
	PriorityReply
	// PriorityStranger: the answer to someone not registered.
	PriorityStranger
)

// Transport delivers replies on one network.
type Transport interface {
	// Net is the id of the network this transport serves (its Network.ID).
	Net() string
	// Send delivers one reply. It returns an *Error with Code Unreachable when the recipient can no
	// longer be written to, or RetryLater with a wait when the platform asks to slow down.
	Send(ctx context.Context, r Reply) error
}

// Command is one entry of a platform's command menu.
type Command struct {
	Name        string
	Description string
}

// Handler handles one inbound message. A returned error means the message's effects were not
// committed, so the transport must not acknowledge it.
type Handler interface {
	Handle(ctx context.Context, m Message) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, m Message) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, m Message) error { return f(ctx, m) }

// Delivery error codes a transport reports.
const (
	// Unreachable: the person blocked the bot or the chat is gone; retrying will not help.
	Unreachable = "unreachable"
	// RetryLater: the platform asked us to wait (Telegram 429) or the network failed.
	RetryLater = "retry_later"
	// Rejected: the platform refused this message for good (bad request).
	Rejected = "rejected"
	// Moved: the chat has a new id (Error.MovedTo): a Telegram group upgraded to a supergroup.
	// The sender readdresses the chat's binding and waiting messages, and sends again at once.
	Moved = "moved"
)

// What a RetryLater with a Wait pauses.
const (
	// ScopeChat: only the chat the message was for waits (Telegram's per-chat flood wait). It is
	// what an empty Scope means.
	ScopeChat = "chat"
	// ScopeNetwork: every chat of the network waits (a flood wait for the whole bot, a ban).
	ScopeNetwork = "network"
)

// Error is a delivery failure with a code the sender acts on.
type Error struct {
	Code string
	Wait time.Duration // for RetryLater: how long the platform asked us to wait, 0 if it did not say
	// Scope says what Wait pauses: ScopeChat (also when empty) or ScopeNetwork.
	Scope string
	// MovedTo is the chat's new id, for Moved.
	MovedTo string
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Cause)
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Cause }

// ErrorCode returns the code of a delivery error, RetryLater for an error without one (a network
// failure is worth another try).
func ErrorCode(err error) (string, time.Duration) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, e.Wait
	}
	return RetryLater, 0
}
