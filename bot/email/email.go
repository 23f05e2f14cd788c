package email

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
)

// Options are what the runtime gives the e-mail network besides its configuration.
type Options struct {
	// Clock tells the time (bot.SystemClock when nil).
	Clock clock
	// Log receives the adapter's logs (slog.Default when nil); no password is ever logged.
	Log *slog.Logger
}

// New checks cfg and builds the two halves of the e-mail network: the Transport that sends and
// the Receiver that reads the mailbox. They share what threads a reply to the mail it answers.
func New(cfg Config, opt Options) (*Transport, *Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	cfg = cfg.withDefaults()
	from, err := mail.ParseAddress(cfg.SMTP.From)
	if err != nil {
		return nil, nil, fmt.Errorf("email: smtp.from: %w", err)
	}
	if opt.Clock == nil {
		opt.Clock = systemClock()
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	log := opt.Log.With("net", NetEmail)
	th := newThreads()
	t := &Transport{cfg: cfg, clock: opt.Clock, log: log, threads: th, from: from}
	// SMTP has no standing connection: it counts as connected until a send fails.
	t.state = health{Net: NetEmail, State: stateConnected, Since: opt.Clock.Now(), CanSend: true}
	st := &status{clock: opt.Clock, h: health{Net: NetEmail, State: stateConnecting, Since: opt.Clock.Now()}}
	t.imap = st
	r := &Receiver{cfg: cfg, clock: opt.Clock, log: log, threads: th, status: st, maxInflight: 20, retryWait: cfg.PollInterval, maxAttempts: DefaultMaxAttempts}
	return t, r, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
