package bot

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/outbox"
	"github.com/lapkin-id/lapkin/store"
)

// The names below moved: the edge (messages, transports, capabilities) to package chat, the outbox
// to package outbox. They stay here as aliases so that code not yet moved over (flows, ops, tests)
// keeps building while other work on it is under way; new code uses chat and outbox directly.

// Deprecated aliases of package chat.
type (
	Button         = chat.Button
	ChatRef        = chat.ChatRef
	Clock          = chat.Clock
	Command        = chat.Command
	Contact        = chat.Contact
	Cursor         = chat.Cursor
	Downloads      = chat.Downloads
	Error          = chat.Error
	Failure        = chat.Failure
	Handler        = chat.Handler
	HandlerFunc    = chat.HandlerFunc
	Health         = chat.Health
	HealthReporter = chat.HealthReporter
	Holder         = chat.Holder
	Limiter        = chat.Limiter
	Limits         = chat.Limits
	ManualClock    = chat.ManualClock
	Menu           = chat.Menu
	Message        = chat.Message
	MessageIDs     = chat.MessageIDs
	Photo          = chat.Photo
	Priority       = chat.Priority
	Receiver       = chat.Receiver
	Redeliverer    = chat.Redeliverer
	Reply          = chat.Reply
	Submit         = chat.Submit
	SystemClock    = chat.SystemClock
	Timer          = chat.Timer
	Transport      = chat.Transport
	Window         = chat.Window
)

// Deprecated constants of package chat.
const (
	DefaultSendTimeout = chat.DefaultSendTimeout
	FailDecode         = chat.FailDecode
	FailFile           = chat.FailFile
	FailForeign        = chat.FailForeign
	FailHandler        = chat.FailHandler
	MediaAudio         = chat.MediaAudio
	MediaDocument      = chat.MediaDocument
	MediaVideo         = chat.MediaVideo
	Moved              = chat.Moved
	PriorityNotice     = chat.PriorityNotice
	PriorityReply      = chat.PriorityReply
	PriorityStranger   = chat.PriorityStranger
	Rejected           = chat.Rejected
	RetryLater         = chat.RetryLater
	ScopeChat          = chat.ScopeChat
	ScopeNetwork       = chat.ScopeNetwork
	StateConnected     = chat.StateConnected
	StateConnecting    = chat.StateConnecting
	StateDisconnected  = chat.StateDisconnected
	StateLoggedOut     = chat.StateLoggedOut
	Unreachable        = chat.Unreachable
)

// Network ids, as the adapters declare them (telegram.Net, whatsapp.Net, console.Net), for the
// tests that name a network. Deprecated: code reads a network's id from its chat.Network.
const (
	NetTelegram = "tg"
	NetWhatsApp = "wa"
	NetConsole  = "console"
)

// WhatsApp's own transport states (whatsapp.StateNotLinked…). Deprecated: for the tests that name
// them.
const (
	StateNotLinked = "not_linked"
	StateBanned    = "banned"
	StateOutdated  = "outdated"
	StateReplaced  = "replaced"
)

// Backoff is chat.Backoff. Deprecated.
func Backoff(attempt int) time.Duration { return chat.Backoff(attempt) }

// CapConnections is chat.CapConnections. Deprecated.
func CapConnections(srv *http.Server, ln net.Listener, max int) net.Listener {
	return chat.CapConnections(srv, ln, max)
}

// ErrorCode is chat.ErrorCode. Deprecated.
func ErrorCode(err error) (string, time.Duration) { return chat.ErrorCode(err) }

// NewDownloads is chat.NewDownloads. Deprecated.
func NewDownloads() *chat.Downloads { return chat.NewDownloads() }

// NewHTTPServer is chat.NewHTTPServer. Deprecated.
func NewHTTPServer(handler http.Handler) *http.Server { return chat.NewHTTPServer(handler) }

// NewManualClock is chat.NewManualClock. Deprecated.
func NewManualClock(t time.Time) *chat.ManualClock { return chat.NewManualClock(t) }

// Deprecated aliases of package outbox.
type (
	Sender           = outbox.Sender
	DeliveryObserver = outbox.DeliveryObserver
)

// Deprecated names of package outbox.
const (
	DefaultMaxAttempts = outbox.DefaultMaxAttempts
	OutcomeRetry       = outbox.OutcomeRetry
	OutcomeUnreachable = outbox.OutcomeUnreachable
	OutcomeRejected    = outbox.OutcomeRejected
	OutcomeParked      = outbox.OutcomeParked
)

// NewSender is outbox.NewSender. Deprecated.
func NewSender(st *store.Store, clock chat.Clock, log *slog.Logger, transports ...chat.Transport) *outbox.Sender {
	return outbox.NewSender(st, clock, log, transports...)
}

// DecodeReply is outbox.DecodeReply. Deprecated.
func DecodeReply(m store.OutMessage) (chat.Reply, error) { return outbox.DecodeReply(m) }

// RetrySpan is outbox.RetrySpan. Deprecated.
func RetrySpan(attempts int) time.Duration { return outbox.RetrySpan(attempts) }

// Enqueue is outbox.Enqueue for a network without limits: the reply is queued whole.
// Deprecated: pass the network's capabilities to outbox.Enqueue, so that a long reply is cut to
// what the network carries.
func Enqueue(ctx context.Context, tx *store.Tx, r chat.Reply, now time.Time) error {
	return outbox.Enqueue(ctx, tx, r, now, chat.Capabilities{})
}

// ErrTooBig is chat.ErrTooBig. Deprecated.
var ErrTooBig = chat.ErrTooBig
