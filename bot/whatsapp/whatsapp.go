// Package whatsapp is Lapkin's WhatsApp transport, on go.mau.fi/whatsmeow (a linked device of an
// ordinary WhatsApp number, as WhatsApp Web is). What we rely on, read in whatsmeow's source
// (v0.0.0-20251217143725-11cf47c62d32) and its issue tracker:
//
//   - Ack on success. With Client.SynchronousAck the delivery receipt of a message is sent only
//     after every event handler has returned; a handler registered with
//     AddEventHandlerWithSuccessStatus that returns false leaves the message unacknowledged
//     (message.go: handlerFailed returns before the receipt), and the server delivers it again on
//     the next connection. EnableDecryptedEventBuffer must be on as well: a redelivered message
//     cannot be decrypted a second time (the Signal ratchet moved on), so without the buffer of
//     decrypted plaintexts it is dropped and acknowledged silently. We submit each message to the
//     router and return only after its effects are committed; a failure returns false, and the
//     receive loop reconnects a little later to have it delivered again.
//   - A panicking handler is recovered by whatsmeow's dispatchEvent and counts as success (the
//     message is acknowledged and lost): onEvent recovers its own panics and returns false.
//   - Message events come one at a time from the node handler queue, but Connected, Disconnected,
//     LoggedOut, TemporaryBan, StreamReplaced are dispatched from goroutines of their own: the
//     adapter's state is behind a mutex.
//   - Senders are often LIDs ("…@lid"), in groups and in direct chats alike. MessageSource.SenderAlt
//     then holds the phone-number JID; otherwise the LID map of the session (Container.LIDMap, the
//     same store a paired device uses) resolves it. Sender JIDs may carry a device suffix: ToNonAD
//     before comparing or storing.
//   - Message ids: SendMessage accepts the id in SendRequestExtra.ID. The outbox chooses it (via
//     NewMessageID) and stores it before the first attempt, so a retried send after a crash reuses
//     it and the recipient's phone shows one message. The message itself is kept in the session
//     database before it is sent, and Client.GetMessageForRetry serves it when a recipient's
//     device asks for it again (the client keeps only the last 256 sent messages in memory).
//   - A refusal by the server is ErrServerReturnedError with the code only in the text: 463 means
//     the number may not start a conversation with that person (WhatsApp's "reach-out" lock, for
//     cold contacts), 479 a LID without a phone mapping.
//   - LoggedOut (the phone removed the device; whatsmeow has already deleted the session),
//     TemporaryBan (Code 101 too many messages to people who do not have the number, 102 blocked by
//     too many, 104 the same message to many; Expire 0 = unknown), ClientOutdated (405: this
//     whatsmeow is too old for WhatsApp) and StreamReplaced (another process uses the session)
//     all end the connection without an automatic reconnect. Each stops sending here, is logged,
//     shows in Health, and is told to the admins through OnAlert.
package whatsapp

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/lapkin-id/lapkin/chat"
)

// Config is what the transport needs from [whatsapp] and [reports].
type Config struct {
	// SessionDB is the session file ([whatsapp] session_db).
	SessionDB string
	// SendInterval is the least pause between two sends ([whatsapp] send_interval); a jitter of
	// up to half of it is added.
	SendInterval time.Duration
	// DailyCap is the most messages to one chat per day ([whatsapp] daily_cap); 0 = none.
	DailyCap int
	// MaxPhotoBytes is the largest photo downloaded as evidence ([reports] max_photo_mb).
	MaxPhotoBytes int64
	// Location is the city's timezone, in which the daily cap's days are counted.
	Location *time.Location
	// Clock tells the time for pacing; the system clock when nil.
	Clock chat.Clock
}

// lidResolver finds the phone number behind a LID: Container.LIDMap.
type lidResolver interface {
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
}

// WhatsApp is the transport: it sends replies through whatsmeow and turns its events into
// chat.Messages. Build it with New; Receive connects it.
type WhatsApp struct {
	cfg    Config
	log    *slog.Logger
	clock  chat.Clock
	pacing *Pacing
	sess   *Session
	lids   lidResolver
	sleep  func(ctx context.Context, d time.Duration) error
	after  func(d time.Duration) <-chan time.Time // the receive loop's waits (time.After)
	// downloads lets one photo download run at a time (chat.Downloads).
	downloads *chat.Downloads

	// OnAlert, when set, is called (from a goroutine of its own) with the new health when the
	// number stops working: logged out, banned, outdated, replaced. The integrator wires it to
	// flows.Engine.TransportAlert, which tells the admins over the other networks.
	OnAlert func(h chat.Health)

	mu      sync.Mutex
	cli     waClient  // nil until linked
	conn    connector // the same client, for connecting
	health  chat.Health
	banEnd  time.Time // when a temporary ban ends (zero: unknown)
	ctx     context.Context
	submit  chat.Submit
	failed  time.Time // last time a message could not be handled (redelivery wanted)
	changed chan struct{}
}

var (
	_ chat.Transport      = (*WhatsApp)(nil)
	_ chat.Receiver       = (*WhatsApp)(nil)
	_ chat.MessageIDs     = (*WhatsApp)(nil)
	_ chat.HealthReporter = (*WhatsApp)(nil)
	_ chat.Limiter        = (*WhatsApp)(nil)
	_ chat.Holder         = (*WhatsApp)(nil)
)

// New opens the session and prepares the client. A number not linked yet is not an error: the
// transport reports StateNotLinked (naming `lapkin whatsapp-login`), sends nothing, and Receive
// waits for a link without stopping the other networks. An error means the session file itself
// cannot be used.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*WhatsApp, error) {
	if log == nil {
		log = slog.Default()
	}
	sess, err := OpenSession(ctx, cfg.SessionDB, log.With("net", Net))
	if err != nil {
		return nil, err
	}
	w := newAdapter(cfg, log)
	w.sess = sess
	w.lids = sess.Container.LIDMap
	now := w.clock.Now()
	if err := sess.pruneSent(ctx, now); err != nil {
		w.log.Warn("prune kept messages", "err", err)
	}
	if counts, err := sess.sentSince(ctx, dayStart(now, w.cfg.Location)); err == nil {
		w.pacing.seed(now, counts)
	}
	if sess.Linked() {
		w.attach(sess)
	} else {
		w.notLinked()
	}
	return w, nil
}

// newAdapter is the transport without a session: tests give it a fake client.
func newAdapter(cfg Config, log *slog.Logger) *WhatsApp {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.MaxPhotoBytes == 0 {
		cfg.MaxPhotoBytes = 5 << 20
	}
	clock := cfg.Clock
	if clock == nil {
		clock = chat.SystemClock{}
	}
	if log == nil {
		log = slog.Default()
	}
	return &WhatsApp{
		cfg: cfg, log: log.With("net", Net), clock: clock,
		pacing:    NewPacing(cfg.SendInterval, cfg.DailyCap, cfg.Location, 0),
		sleep:     sleepCtx,
		after:     time.After,
		downloads: chat.NewDownloads(),
		health:    chat.Health{Net: Net, State: chat.StateDisconnected, Since: clock.Now(), CanSend: true},
		changed:   make(chan struct{}, 1),
	}
}

// attach builds the whatsmeow client for a paired session, with ack-on-success and our retry
// lookup, and registers the event handler.
func (w *WhatsApp) attach(sess *Session) {
	cli := whatsmeow.NewClient(sess.Device, newWALog(w.log, "Client"))
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	cli.GetMessageForRetry = w.messageForRetry
	cli.AddEventHandlerWithSuccessStatus(w.onEvent)
	w.mu.Lock()
	w.cli, w.conn = cli, cli
	w.mu.Unlock()
	w.setState(chat.StateDisconnected, "", true)
}

// notLinked marks the transport as waiting for `lapkin whatsapp-login`.
func (w *WhatsApp) notLinked() {
	w.setState(StateNotLinked, "no WhatsApp number is linked: run `lapkin whatsapp-login` (tautkan nomor dengan `lapkin whatsapp-login`)", false)
}

// Net is Net.
func (w *WhatsApp) Net() string { return Net }

// Health says whether the number is connected and may send.
func (w *WhatsApp) Health() chat.Health {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.health
}

// Pacing is the transport's pace and daily cap; the outbox lane learns from it through HoldUntil
// when a message may go, and leaves it in the outbox until then. Send records each send itself.
func (w *WhatsApp) Pacing() *Pacing { return w.pacing }

// NewMessageID returns a fresh WhatsApp message id, for the outbox to store before the first
// attempt. Ids have the form whatsmeow generates ("3EB0" and 18 hex digits).
func (w *WhatsApp) NewMessageID() string {
	w.mu.Lock()
	cli := w.cli
	w.mu.Unlock()
	if cli != nil {
		return cli.GenerateMessageID()
	}
	return (*whatsmeow.Client)(nil).GenerateMessageID() // works without a client: time and randomness
}

// Close disconnects and closes the session database.
func (w *WhatsApp) Close() error {
	w.mu.Lock()
	conn := w.conn
	w.mu.Unlock()
	if conn != nil {
		conn.Disconnect()
	}
	if w.sess != nil {
		return w.sess.Close()
	}
	return nil
}

// setState records a new state; terminal states (and NotLinked) also stop sending.
func (w *WhatsApp) setState(state, detail string, canSend bool) {
	w.mu.Lock()
	changed := w.health.State != state || w.health.Detail != detail
	if changed {
		w.health = chat.Health{Net: Net, State: state, Detail: detail, Since: w.clock.Now(), CanSend: canSend}
	}
	w.mu.Unlock()
	if changed {
		select {
		case w.changed <- struct{}{}:
		default:
		}
	}
}

// stopped reports whether the transport is in a state that forbids sending until the operator
// (or the end of a ban) lets it go again.
func stopped(state string) bool {
	switch state {
	case StateNotLinked, chat.StateLoggedOut, StateBanned, StateOutdated, StateReplaced:
		return true
	}
	return false
}

// alert stops sending, logs it loudly and tells the admins.
func (w *WhatsApp) alert(state, detail string) {
	w.setState(state, detail, false)
	w.log.Error("WhatsApp stopped sending", "state", state, "detail", detail)
	if w.OnAlert != nil {
		h := w.Health()
		go w.OnAlert(h)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
