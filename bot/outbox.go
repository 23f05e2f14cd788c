package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// Enqueue puts a reply in the outbox inside tx, the transaction of the effects that caused it: the
// reply exists exactly when its effects do, and survives a restart until it is delivered.
func Enqueue(ctx context.Context, tx *store.Tx, r Reply, now time.Time) error {
	payload, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	// The attachment's bytes go in the row's blob; the payload's photo_name or document_name says which.
	blob := r.Photo
	if r.Document != nil {
		blob = r.Document
	}
	_, err = tx.Enqueue(ctx, store.OutMessage{Net: r.To.Net, ChatID: r.To.ID, Payload: string(payload), Photo: blob}, now)
	return err
}

// DecodeReply turns an outbox row back into a reply.
func DecodeReply(m store.OutMessage) (Reply, error) {
	var r Reply
	if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
		return r, fmt.Errorf("decode outbox message %d: %w", m.ID, err)
	}
	r.To = ChatRef{Net: m.Net, ID: m.ChatID}
	if r.DocumentName != "" {
		r.Document = m.Photo
	} else {
		r.Photo = m.Photo
	}
	return r, nil
}

// Pacer is implemented by transports with platform rate limits: Pace blocks until a message to `to`
// may be sent (Telegram: 30/s overall, 1/s per chat, 20/min per group; WhatsApp: send_interval).
type Pacer interface {
	Pace(ctx context.Context, to ChatRef) error
}

// Sender delivers the outbox through the transports, oldest first, and keeps undelivered messages
// for later: a failed send is retried with backoff, a 429 waits the time the platform named, and a
// recipient who blocked the bot is marked unreachable.
type Sender struct {
	store      *store.Store
	clock      Clock
	log        *slog.Logger
	transports map[string]Transport
	nets       []string
	wake       chan struct{}
	mu         sync.Mutex // one Flush at a time, so a message is never sent twice

	// MaxAttempts is how many times a message is tried before it is marked failed.
	MaxAttempts int
}

// NewSender returns a sender for the given transports.
func NewSender(st *store.Store, clock Clock, log *slog.Logger, transports ...Transport) *Sender {
	if log == nil {
		log = slog.Default()
	}
	s := &Sender{store: st, clock: clock, log: log, transports: map[string]Transport{}, wake: make(chan struct{}, 1), MaxAttempts: 12}
	for _, t := range transports {
		s.transports[t.Net()] = t
		s.nets = append(s.nets, t.Net())
	}
	return s
}

// Notify tells a running sender that new messages are waiting.
func (s *Sender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers messages until ctx ends, waking on Notify and at least every poll interval (to pick
// up retries that have become due and messages queued by another process).
func (s *Sender) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("deliver outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// Flush delivers every message that is due now and returns how many were delivered.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := 0
	for {
		var due []store.OutMessage
		err := s.store.View(ctx, func(tx *store.Tx) (err error) {
			due, err = tx.DueOutbox(ctx, s.nets, s.clock.Now(), 100)
			return err
		})
		if err != nil {
			return sent, err
		}
		if len(due) == 0 {
			return sent, nil
		}
		progress := false
		for _, m := range due {
			if ctx.Err() != nil {
				return sent, ctx.Err()
			}
			ok, err := s.deliver(ctx, m)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
			progress = true
		}
		if !progress {
			return sent, nil
		}
	}
}

// deliver sends one message and records the outcome. It returns an error only when the outcome
// could not be recorded.
func (s *Sender) deliver(ctx context.Context, m store.OutMessage) (bool, error) {
	t := s.transports[m.Net]
	r, err := DecodeReply(m)
	if err != nil {
		return false, s.store.Update(ctx, func(tx *store.Tx) error { return tx.Fail(ctx, m.ID, err.Error()) })
	}
	if p, ok := t.(Pacer); ok {
		if err := p.Pace(ctx, r.To); err != nil {
			return false, err
		}
	}
	sendErr := t.Send(ctx, r)
	now := s.clock.Now()
	if sendErr == nil {
		return true, s.store.Update(ctx, func(tx *store.Tx) error { return tx.MarkSent(ctx, m.ID, now) })
	}
	code, wait := ErrorCode(sendErr)
	log := s.log.With("msg", m.ID, "to", r.To.String(), "attempt", m.Attempts+1)
	return false, s.store.Update(ctx, func(tx *store.Tx) error {
		switch {
		case code == Unreachable:
			log.Warn("recipient unreachable", "err", sendErr)
			if err := tx.MarkUnreachable(ctx, m.Net, m.ChatID); err != nil {
				return err
			}
			return tx.Fail(ctx, m.ID, sendErr.Error())
		case code == Rejected || m.Attempts+1 >= s.MaxAttempts:
			log.Error("message dropped", "err", sendErr)
			return tx.Fail(ctx, m.ID, sendErr.Error())
		default:
			if wait <= 0 {
				wait = Backoff(m.Attempts)
			}
			log.Warn("send failed, will retry", "wait", wait, "err", sendErr)
			return tx.Retry(ctx, m.ID, now.Add(wait), sendErr.Error())
		}
	})
}

// Backoff is the wait before retry number attempt+1: 2 s doubling to at most 10 minutes.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 0; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	if d > 10*time.Minute {
		d = 10 * time.Minute
	}
	return d
}
