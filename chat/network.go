package chat

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Network is one chat network Lapkin can serve, as its adapter package declares it. Adding a
// network means a package that implements Network (with its Transport and Receiver), one row in
// cmd/lapkin's table of networks, and one catalog file that names it (docs/networks.md).
//
// The methods describe the network without connecting to it: they are called for every network
// in the table, enabled or not (config validation, /putus, the demo).
type Network interface {
	// ID is the network's id in ChatRef.Net, in the store and in the logs ("tg", "wa"). It never
	// changes: accounts and outbox rows are stored under it. The catalog names it with the keys
	// "links.net.<ID>" (as a title) and "transport.net.<ID>" (inside a sentence).
	ID() string
	// Capabilities says what the network's chats can show and how its people write.
	Capabilities() Capabilities
	// Section names the network's config section ("telegram" for [telegram]); "" when it has none.
	Section() string
	// Configure decodes the network's section and checks it. Keys the file leaves out keep the
	// network's defaults. The error names each key at fault (one line each, "telegram.token: …").
	Configure(sec Section) (Setup, error)
}

// Section is one network's raw config section, as the file (and the environment) wrote it.
type Section interface {
	// Decode fills v, a pointer to the network's own settings with `toml` tags, from the section;
	// fields the section does not name keep what v held (the defaults).
	Decode(v any) error
}

// Setup is a network's checked configuration, ready to open.
type Setup interface {
	// Enabled reports whether `lapkin run` serves the network.
	Enabled() bool
	// Open builds the transport (outgoing) and the receiver (incoming; often the same value). ctx
	// outlives `lapkin run`'s own a little (the outbox is flushed after a stop); stopping belongs
	// to Receive. An error means the network cannot start (a refused setting), not that it is
	// offline: a network that cannot connect yet says so through its Health.
	Open(ctx context.Context, env Env) (Transport, Receiver, error)
}

// Env is what the runtime lends a network when it opens it.
type Env struct {
	Log   *slog.Logger
	Clock Clock
	// Cursor keeps a receiver's position in its update stream, and small values of its own (a
	// generated webhook secret), in the store.
	Cursor Cursor
	// Alert tells the admins, over the other networks, that this one stopped working. It may be
	// called from any goroutine once the receiver runs.
	Alert func(Health)
	// DataDir is where a network keeps files of its own (a session database) unless its section
	// says otherwise.
	DataDir string
	// MaxPhotoBytes is the largest photo a receiver downloads as evidence ([reports] max_photo_mb).
	MaxPhotoBytes int64
	// Location is the city's time zone ([app] timezone): a daily cap counts the city's days.
	Location *time.Location
	// Backoff is the first wait before a failed call to the network is tried again, doubling to
	// 10 minutes ([retry] backoff; DefaultBackoff when zero).
	Backoff time.Duration
}

// Login is implemented by networks whose bot account is linked interactively, once, before
// `lapkin run` (WhatsApp's QR code or pairing code): `lapkin login <id>` runs it.
type Login interface {
	// LoginFlags declares the login command's own flags on fs (which already holds the common
	// ones, such as --config) and returns what runs once fs is parsed and the network's section
	// is read.
	LoginFlags(fs *flag.FlagSet) func(ctx context.Context, setup Setup, env LoginEnv) error
}

// LoginEnv is what the runtime lends a login command.
type LoginEnv struct {
	Env
	// Out is the operator's terminal; Err where failures go.
	Out, Err io.Writer
	// Say writes a message of the catalog (the network's catalog file) to w, in the operator's
	// language.
	Say func(w io.Writer, key string, args map[string]any)
	// Phone normalises a phone number as the roster does ("0812…", "+62 812-…" → "62812…").
	Phone func(string) (string, error)
}

// ErrReported is returned by a command whose failure was already told to the operator (through
// LoginEnv.Say): the caller exits with a failure without saying more.
var ErrReported = errors.New("reported")

// HeadsDigest is implemented by a Setup whose network also carries each OPD's weekly digest to
// the heads of the OPD in private, in addition to the OPD's group (e-mail's digest_to_heads: a
// head who lives in the office mailbox).
type HeadsDigest interface {
	DigestToHeads() bool
}

// Renderer is implemented by networks that can show as plain text how a reply looks on them: the
// demo's `--net wa` shows numbered choices and WhatsApp's formatting. A network without it is
// shown as the console shows any reply.
type Renderer interface {
	Render(r Reply) string
}

// Ways a network names a person (Capabilities.Identity).
const (
	// IdentityUserID: an account id of the network (Telegram's user id); a phone number comes
	// only when the person shares it (Capabilities.ContactButton).
	IdentityUserID = "user_id"
	// IdentityPhone: the person's phone number, on every message (WhatsApp; Contact.Implicit).
	IdentityPhone = "phone"
	// IdentityAddress: an address of the network's own (an e-mail address).
	IdentityAddress = "address"
)

// Capabilities are what a network's chats can show and how its people write. The flows read them
// instead of naming networks; the zero value is a plain text network without any limit, on which
// commands may be written without their slash.
type Capabilities struct {
	// MaxText is the longest text one message may carry, in UTF-16 code units (Telegram: 4,096);
	// 0 is no limit. A longer reply is queued as several messages (Split).
	MaxText int
	// MaxCaption is the longest caption of a photo or document; 0 is no limit.
	MaxCaption int
	// Buttons: Reply.Buttons are shown and come back as Message.Callback. Without them the text,
	// which always lists the choices as numbers, is shown alone.
	Buttons bool
	// ContactButton: the network has a "share my phone number" button (Reply.ContactButton).
	ContactButton bool
	// CommandMenu: the network shows a command menu; its transport implements Menu.
	CommandMenu bool
	// SlashOnly: a command must start with "/" ("/lapor 3 SPJ"). Without it a message that starts
	// with a command word is that command too ("lapor 3 SPJ"), as WhatsApp users write.
	SlashOnly bool
	// Identity is how the network names a person: IdentityUserID, IdentityPhone or
	// IdentityAddress.
	Identity string
	// Photos: photos come in (evidence) and go out (charts).
	Photos bool
	// Documents: a file (an XLSX export) can be sent.
	Documents bool
}

// Networks is a table of networks, in the order `lapkin run` starts them.
type Networks []Network

// Find returns the network with id.
func (ns Networks) Find(id string) (Network, bool) {
	for _, n := range ns {
		if n.ID() == id {
			return n, true
		}
	}
	return nil, false
}

// Named finds the network an operator or an admin names by word: its id ("wa") or one of its
// names (names returns them, such as "WhatsApp" from the catalog), in any case.
func (ns Networks) Named(word string, names func(id string) []string) (Network, bool) {
	word = strings.ToLower(strings.TrimSpace(word))
	for _, n := range ns {
		if n.ID() == word {
			return n, true
		}
		for _, name := range names(n.ID()) {
			if strings.ToLower(name) == word {
				return n, true
			}
		}
	}
	return nil, false
}

// Capabilities returns what the network with id declares; the zero value (no limit, plain text)
// for a network the table does not hold.
func (ns Networks) Capabilities(id string) Capabilities {
	if n, ok := ns.Find(id); ok {
		return n.Capabilities()
	}
	return Capabilities{}
}

// MaxText is the longest text every network of the table carries in one message (the smallest
// MaxText declared), or PortableText when none declares a limit. A flow that cuts a long list into
// parts of its own, before it knows which network each part goes to, keeps to it.
func (ns Networks) MaxText() int {
	m := 0
	for _, n := range ns {
		if t := n.Capabilities().MaxText; t > 0 && (m == 0 || t < m) {
			m = t
		}
	}
	if m == 0 {
		return PortableText
	}
	return m
}

// PortableText is a text length every chat network carries in one message: the smallest limit of
// the networks Lapkin was built for, used when a table declares none.
const PortableText = 4096
