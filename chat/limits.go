package chat

import (
	"time"
)

// Window is a rate limit as platforms state theirs: at most N sends in any span of Per (Telegram:
// 30 in a second overall, 1 in a second to a person, 20 in a minute to a group; WhatsApp: 1 per
// send_interval, a daily cap per number). A zero N or Per is no limit.
type Window struct {
	N   int
	Per time.Duration
}

// Limits are what a network allows, as its transport declares them; the sender's lane for that
// network does the scheduling. Zero values are no limit, one send at a time and DefaultSendTimeout.
type Limits struct {
	// Network are the windows over every send on the network.
	Network []Window
	// Jitter, when set, adds up to this much random wait after each send on the network, so that
	// sends do not come like clockwork (WhatsApp's send_interval).
	Jitter time.Duration
	// Concurrency is how many sends may be in flight at once on the network (never two to one
	// chat). A transport without Limits sends one at a time, in queue order.
	Concurrency int
	// SendTimeout bounds one send, well under the transport's own HTTP timeout, so that a send the
	// network swallows holds its chat only that long.
	SendTimeout time.Duration
}

// DefaultSendTimeout bounds a send when the transport does not say.
const DefaultSendTimeout = 10 * time.Second

// Limiter is implemented by transports whose platform limits how fast they may send. The
// transport only declares numbers; the sender owns the scheduling. It replaces a transport-side
// blocking pace, which held every other chat while one waited.
type Limiter interface {
	// Limits declares the network's limits; the sender reads them once, when it starts.
	Limits() Limits
	// ChatLimits declares the windows of one chat (Telegram: one for a person, another for a group).
	ChatLimits(to ChatRef) []Window
}

// Holder is implemented by transports that know, beyond their declared windows, that nothing may
// go to a chat, or to any chat of the network (asked with an empty to.ID), before some time: a
// WhatsApp number's daily cap reached, a ban with an expiry. The sender asks for the network before
// each round and for a chat before sending to it; the zero time is no hold.
type Holder interface {
	HoldUntil(to ChatRef) time.Time
}
