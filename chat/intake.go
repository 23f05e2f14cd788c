package chat

import (
	"context"
	"time"
)

// The edges every network implements. Adding a network means a Transport (outgoing) and a Receiver
// (incoming), built by its Network (network.go), plus one row in cmd/lapkin's table; the optional
// capabilities below are found by type assertion, so a network that lacks one simply goes without.

// Submit hands one inbound message to the router. done, when not nil, is called once the message's
// effects are committed (nil) or were not (an error): a receiver acknowledges the update to its
// platform only after a nil done. Submit returns false when the runtime is stopping and takes no
// more work.
type Submit func(ctx context.Context, m Message, done func(error)) bool

// Receiver brings one network's updates in (Telegram's long poll or webhook, WhatsApp's event
// stream) and hands each to submit. Receive runs until ctx ends (returning nil) or the network
// fails for good (an error that names what the operator must fix, such as a refused token).
type Receiver interface {
	Receive(ctx context.Context, submit Submit) error
}

// Cursor keeps a receiver's position in its platform's update stream (Telegram's offset) across
// restarts. The store implements it; a receiver saves only past updates whose effects are committed.
type Cursor interface {
	LoadCursor(ctx context.Context, key string) (string, error)
	SaveCursor(ctx context.Context, key, value string) error
}

// Menu is implemented by transports that show a command menu (Telegram's setMyCommands). menu
// returns the commands in one language.
type Menu interface {
	SetCommands(ctx context.Context, langs []string, menu func(lang string) []Command) error
}

// MessageIDs is implemented by transports whose platform lets the sender choose a message's id
// (WhatsApp). The sender asks for an id, stores it with the outbox row before the first attempt
// and sends every attempt with it (Reply.ID), so that a crash between sending and recording never
// doubles a message and the platform can match a recipient's retry request after a restart.
type MessageIDs interface {
	NewMessageID() string
}

// Transport states every network may report in its Health. A network adds its own (WhatsApp's
// "banned", "not_linked"…) in its package, and names each in its catalog file
// ("transport.alert.<state>") so that the admins' alert reads well.
const (
	StateConnected    = "connected"
	StateConnecting   = "connecting"
	StateDisconnected = "disconnected"
	// StateLoggedOut: the network no longer accepts the bot's credentials (a refused token, a
	// removed linked device); the operator must act.
	StateLoggedOut = "logged_out"
)

// Health is what a transport says of itself, for /healthz and the logs.
type Health struct {
	Net   string `json:"net"`
	State string `json:"state"`
	// Detail explains a state that needs the operator (a ban's code and expiry, the command to run).
	Detail string    `json:"detail,omitempty"`
	Since  time.Time `json:"since"`
	// CanSend is false while the transport must not send (logged out, banned, outdated, replaced):
	// the sender leaves that network's messages in the outbox until it may send again.
	CanSend bool `json:"can_send"`
}

// HealthReporter is implemented by transports that know their connection state.
type HealthReporter interface {
	Health() Health
}

// Kinds of Failure.
const (
	// FailFile: an attachment could not be fetched, because the platform says it is gone or because
	// fetching it still failed after a bounded number of retries.
	FailFile = "file"
	// FailDecode: the update could not be read at all.
	FailDecode = "decode"
	// FailHandler: handling the message kept failing after a bounded number of retries.
	FailHandler = "handler"
	// FailForeign: a message in a private chat from someone other than the chat's owner (a forged
	// update): refused, kept for the operator, answered to nobody.
	FailForeign = "foreign_sender"
)

// Failure is why an update could not be handled. A receiver that gives up on an update submits it
// with Message.Failed set, and with whatever it could read of it (ID, Chat, Sender) so that the
// runtime can recognise a redelivery and answer the sender.
type Failure struct {
	Kind   string
	Reason string // for the operator; never holds a secret (URLs with tokens are redacted)
	Raw    []byte // the update as the platform sent it (JSON), kept for the operator
}

func (f *Failure) Error() string { return f.Kind + ": " + f.Reason }

// Redeliverer is implemented by transports that can read a kept update again from its raw content
// (a dead letter), for `lapkin inbox --retry`: the update is decoded and its attachments fetched
// anew, and it is handed back as a message for the runtime to handle. It returns an error when the
// update still cannot be had.
type Redeliverer interface {
	Redeliver(ctx context.Context, raw []byte) (Message, error)
}
