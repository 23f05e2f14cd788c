package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// Receiver reads the mailbox and hands each unseen mail to the runtime as one message. It
// implements bot.Receiver.
type Receiver struct {
	cfg     Config
	clock   clock
	log     *slog.Logger
	threads *threads

	// maxInflight bounds the mails handed in and not yet acknowledged, so that a backlog of
	// thousands is read a few at a time rather than into memory at once.
	maxInflight int
	// retryWait is how long a mail whose handling failed waits before it is handed in again.
	retryWait time.Duration
	// maxAttempts is how often a mail's handling may fail before it is handed in as a dead
	// letter (Failure kind FailHandler), so that one mail that always fails never stops intake.
	maxAttempts int

	// rootCAs, when set, replaces the system's roots (the tests' throwaway certificate).
	rootCAs *x509.CertPool
	// status is the receiver's state, which the transport's Health reports.
	status *status
	// noIdle makes the receiver poll even where the server has IDLE (the tests of polling).
	noIdle bool

	mu       sync.Mutex
	failures map[string]failures // by Message-ID, across sessions
}

// failures counts one mail's failed handlings.
type failures struct {
	n    int
	last string
}

// failed records a failed handling of the mail id.
func (r *Receiver) failed(id string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures == nil || len(r.failures) > 10000 {
		r.failures = map[string]failures{}
	}
	f := r.failures[id]
	r.failures[id] = failures{n: f.n + 1, last: err.Error()}
}

// failedTooOften tells whether the mail id's handling has failed maxAttempts times, and why last.
func (r *Receiver) failedTooOften(id string) (int, string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.failures[id]
	return f.n, f.last, r.maxAttempts > 0 && f.n >= r.maxAttempts
}

func (r *Receiver) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.failures, id)
}

// ErrLogin is returned by Receive when the IMAP server refuses the configured user and password:
// the operator must fix the configuration (or the mailbox's password changed).
var ErrLogin = errors.New("email: the IMAP server refused the login")

// Receive reads the mailbox until ctx ends (returning nil) or the server refuses the login (an
// error wrapping ErrLogin). A lost connection is reopened with backoff.
func (r *Receiver) Receive(ctx context.Context, submit submitFn) error {
	backoff := time.Second
	for {
		started := r.clock.Now()
		err := r.session(ctx, submit)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errStopping) {
			return nil
		}
		if errors.Is(err, ErrLogin) {
			r.setStatus(stateDisconnected, "the IMAP server refused the login: check email.imap.user and password")
			return err
		}
		r.setStatus(stateConnecting, "")
		if r.clock.Now().Sub(started) > 5*time.Minute {
			backoff = time.Second
		}
		r.log.Warn("email: IMAP session ended; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-after(r.clock, backoff):
		}
		backoff = min(2*backoff, 5*time.Minute)
	}
}

var errStopping = errors.New("the runtime takes no more messages")

// result is the runtime's verdict on one mail handed in.
type result struct {
	uid uint32
	id  string // the mail's Message-ID
	err error
}

// dialIMAP connects and logs in.
func (r *Receiver) dialIMAP(ctx context.Context) (*client.Client, error) {
	cfg := r.cfg.IMAP
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	d := &net.Dialer{Timeout: 30 * time.Second}
	tlsCfg := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: r.rootCAs}
	var (
		conn net.Conn
		err  error
	)
	if cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	c, err := client.New(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting from %s: %w", addr, err)
	}
	c.Timeout = 2 * time.Minute
	c.ErrorLog = imapLog{r.log}
	if cfg.TLS == TLSStartTLS {
		if err := c.StartTLS(tlsCfg); err != nil {
			c.Terminate()
			return nil, fmt.Errorf("STARTTLS with %s: %w", addr, err)
		}
	}
	if err := c.Login(cfg.User, string(cfg.Password)); err != nil {
		c.Terminate()
		// The password is never part of the error: go-imap's error is the server's answer.
		return nil, fmt.Errorf("%w as %s: %v", ErrLogin, cfg.User, err)
	}
	return c, nil
}

// session reads the mailbox over one connection until it fails or ctx ends.
func (r *Receiver) session(ctx context.Context, submit submitFn) error {
	c, err := r.dialIMAP(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// Logout waits for the server; a dead connection must not hold Receive.
		done := make(chan struct{})
		go func() { _ = c.Logout(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = c.Terminate()
		}
	}()
	// The client must never block on an unread update: a goroutine drains them into a flag.
	updates := make(chan client.Update, 64)
	changed := make(chan struct{}, 1)
	c.Updates = updates
	sessionEnd := make(chan struct{})
	defer close(sessionEnd)
	go func() {
		for {
			select {
			case u := <-updates:
				if _, ok := u.(*client.MailboxUpdate); ok {
					select {
					case changed <- struct{}{}:
					default:
					}
				}
			case <-sessionEnd:
				return
			}
		}
	}()
	if _, err := c.Select(r.cfg.IMAP.Mailbox, false); err != nil {
		return fmt.Errorf("selecting %s: %w", r.cfg.IMAP.Mailbox, err)
	}
	r.setStatus(stateConnected, "")
	idle, _ := c.Support("IDLE")
	idle = idle && !r.noIdle
	r.log.Info("email: reading the mailbox", "user", r.cfg.IMAP.User, "mailbox", r.cfg.IMAP.Mailbox, "idle", idle)

	results := make(chan result, r.maxInflight)
	inflight := map[uint32]int64{}      // uid -> the mail's size, while the runtime holds it
	notBefore := map[uint32]time.Time{} // mails whose handling failed wait before coming back
	for {
		// Acknowledge what the runtime has committed; forget what failed, for a later try.
		var acks []uint32
	drain:
		for {
			select {
			case res := <-results:
				delete(inflight, res.uid)
				if res.err == nil {
					acks = append(acks, res.uid)
					delete(notBefore, res.uid)
					r.forget(res.id)
				} else {
					notBefore[res.uid] = r.clock.Now().Add(r.retryWait)
					r.failed(res.id, res.err)
					r.log.Warn("email: handling a mail failed; it stays unseen and comes back", "id", res.id, "err", res.err)
				}
			default:
				break drain
			}
		}
		if err := r.ack(c, acks...); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}

		// Hand in the unseen mails not already in the runtime's hands.
		uids, err := c.UidSearch(&imap.SearchCriteria{WithoutFlags: []string{imap.SeenFlag, imap.DeletedFlag}})
		if err != nil {
			return fmt.Errorf("searching unseen mail: %w", err)
		}
		slices.Sort(uids)
		now := r.clock.Now()
		var next []uint32
		for _, uid := range uids {
			if _, held := inflight[uid]; held || now.Before(notBefore[uid]) {
				continue
			}
			if len(inflight)+len(next) >= r.maxInflight {
				break
			}
			next = append(next, uid)
		}
		for _, uid := range next {
			// The bytes held are bounded too: two mails of the largest size, however many are
			// waiting (issue 26, item 4's rule for downloads). One is always let through.
			var held int64
			for _, n := range inflight {
				held += n
			}
			if len(inflight) > 0 && held >= 2*r.cfg.MaxMessageBytes {
				break
			}
			m, size, handled, err := r.read(c, uid)
			if err != nil {
				return err
			}
			if handled {
				if err := r.ack(c, uid); err != nil {
					return err
				}
				continue
			}
			inflight[uid] = size
			done := func(err error) {
				select {
				case results <- result{uid: uid, id: m.ID, err: err}:
				case <-sessionEnd:
					// The connection is gone: the mail is still unseen and is handed in again by
					// the next session; its Message-ID lets the runtime recognise it.
				}
				select {
				case changed <- struct{}{}:
				default:
				}
			}
			if !submit(ctx, m, done) {
				return errStopping
			}
		}

		// Wait for news: a new mail, a verdict, a failed mail's turn, or the poll interval.
		wait := r.cfg.PollInterval
		for _, t := range notBefore {
			if d := t.Sub(now); d > 0 && d < wait {
				wait = d
			}
		}
		if err := r.wait(ctx, c, idle, changed, results, wait); err != nil {
			return err
		}
	}
}

// wait idles (or just waits, when the server lacks IDLE: the next round's search is the poll)
// until something changes, the wait is over or ctx ends.
func (r *Receiver) wait(ctx context.Context, c *client.Client, idle bool, changed <-chan struct{}, results chan result, d time.Duration) error {
	if len(results) > 0 {
		return nil
	}
	var (
		stop    = make(chan struct{})
		idleErr = make(chan error, 1)
	)
	if idle {
		go func() {
			idleErr <- c.Idle(stop, &client.IdleOptions{LogoutTimeout: 20 * time.Minute, PollInterval: -1})
		}()
	}
	timer := after(r.clock, d)
	var err error
	select {
	case <-ctx.Done():
	case <-changed:
	case <-timer:
	case err = <-idleErr:
		idle = false
	}
	if idle {
		close(stop)
		err = <-idleErr
	}
	if err != nil {
		return fmt.Errorf("IDLE: %w", err)
	}
	return nil
}

// ack marks handled mails on the server: moved to DoneMailbox when one is configured, \Seen
// otherwise.
func (r *Receiver) ack(c *client.Client, uids ...uint32) error {
	if len(uids) == 0 {
		return nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	if r.cfg.IMAP.DoneMailbox != "" {
		if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.SeenFlag}, nil); err != nil {
			return fmt.Errorf("marking handled mail: %w", err)
		}
		if err := c.UidMove(set, r.cfg.IMAP.DoneMailbox); err != nil {
			return fmt.Errorf("moving handled mail to %s: %w", r.cfg.IMAP.DoneMailbox, err)
		}
		return nil
	}
	if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.SeenFlag}, nil); err != nil {
		return fmt.Errorf("marking handled mail \\Seen: %w", err)
	}
	return nil
}

// read fetches one mail and makes a message of it. handled is true for a mail that needs no
// handling (an automatic one, never answered): it is acknowledged at once.
func (r *Receiver) read(c *client.Client, uid uint32) (m inbound, size int64, handled bool, err error) {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	var meta *imap.Message
	if meta, err = fetchOne(c, set, []imap.FetchItem{imap.FetchRFC822Size, imap.FetchInternalDate}); err != nil {
		return m, 0, false, err
	}
	if meta == nil { // expunged meanwhile
		return m, 0, true, nil
	}
	at := meta.InternalDate
	if at.IsZero() {
		at = r.clock.Now()
	}
	size = int64(meta.Size)
	whole := size <= r.cfg.MaxMessageBytes
	section := &imap.BodySectionName{Peek: true}
	if !whole {
		section.Specifier = imap.HeaderSpecifier
	}
	items := []imap.FetchItem{section.FetchItem()}
	if !whole {
		items = append(items, imap.FetchBodyStructure)
	}
	full, err := fetchOne(c, set, items)
	if err != nil {
		return m, 0, false, err
	}
	if full == nil {
		return m, 0, true, nil
	}
	var raw []byte
	if lit := full.GetBody(section); lit != nil {
		raw, _ = io.ReadAll(lit)
	}
	// The image limit is the mail's: a mail under it carries images under it.
	in, perr := parseMail(raw, r.cfg.MaxMessageBytes)
	if perr != nil {
		in.Problem = perr.Error()
		if in.ID == "" {
			in.ID = fmt.Sprintf("imap-%d-%d@lapkin.invalid", r.cfg.IMAP.Port, uid)
		}
	}
	if !whole {
		in.Problem = ""
		in.Photo, in.Unsup = tooBig(full.BodyStructure, size)
		if in.Text == "" && in.Subject != "" {
			in.Text = cleanSubject(in.Subject)
		}
	}
	if in.Returned != nil {
		// A bounce of a mail of Lapkin's: the runtime marks the recipient unreachable, as a
		// refusal at RCPT would have; nobody is answered.
		from := in.From
		if from == "" {
			from = "mailer-daemon"
		}
		ref := chatRef{Net: NetEmail, ID: from}
		r.log.Info("email: a mail of Lapkin's came back undelivered", "to", in.Returned.To.ID, "reason", in.Returned.Reason)
		return inbound{ID: in.ID, Chat: ref, Sender: ref, Time: at, Returned: in.Returned}, size, false, nil
	}
	if in.Auto != "" {
		r.log.Info("email: automatic mail left unanswered", "id", in.ID, "why", in.Auto)
		return m, size, true, nil
	}
	ref := chatRef{Net: NetEmail, ID: in.From}
	// The network names the sender by their address (IdentityAddress): the flows match it against
	// the roster's column email, as WhatsApp's number against telepon.
	m = inbound{ID: in.ID, Chat: ref, Sender: ref, Text: in.Text, Photo: in.Photo, Unsupported: in.Unsup, Time: at,
		Contact: &contact{Address: in.From, Implicit: true}}
	if in.Problem != "" {
		m.Text = ""
		m.Failed = &failure{Kind: failDecode, Reason: in.Problem, Raw: headerOnly(raw)}
	}
	if n, last, over := r.failedTooOften(in.ID); over && m.Failed == nil {
		m.Text, m.Photo, m.Unsupported = "", nil, ""
		m.Failed = &failure{Kind: failHandler, Reason: fmt.Sprintf("handler failed %d times: %s", n, last), Raw: headerOnly(raw)}
	}
	if in.Charset {
		r.log.Info("email: a part's charset is unknown; its text was read as UTF-8", "id", in.ID)
	}
	r.threads.note(in.From, in.Subject, in.Refs)
	if !whole {
		size = 0 // only its header was read
	}
	return m, size, false, nil
}

// tooBig describes a mail over the size limit from its structure: its largest image as a photo
// with no data (the flow tells the sender it is too big), or else the kind of its attachment.
func tooBig(bs *imap.BodyStructure, size int64) (*photo, string) {
	var (
		img  *imap.BodyStructure
		kind string
	)
	if bs != nil {
		bs.Walk(func(path []int, part *imap.BodyStructure) bool {
			mt := strings.ToLower(part.MIMEType)
			switch {
			case mt == "image" && (img == nil || part.Size > img.Size):
				img = part
			case mt != "multipart" && mt != "text" && kind == "":
				kind = mediaKind(mt + "/" + strings.ToLower(part.MIMESubType))
			}
			return true
		})
	}
	if img != nil {
		name, _ := img.Filename()
		if name == "" {
			name = "foto"
		}
		return &photo{Name: name, MIME: "image/" + strings.ToLower(img.MIMESubType), Size: size}, ""
	}
	if kind == "" {
		kind = mediaDocument
	}
	return nil, kind
}

func fetchOne(c *client.Client, set *imap.SeqSet, items []imap.FetchItem) (*imap.Message, error) {
	ch := make(chan *imap.Message, 1)
	errc := make(chan error, 1)
	go func() { errc <- c.UidFetch(set, items, ch) }()
	var got *imap.Message
	for msg := range ch {
		got = msg
	}
	if err := <-errc; err != nil {
		return nil, fmt.Errorf("fetching mail: %w", err)
	}
	return got, nil
}

// headerOnly keeps a mail's header for a dead letter: enough for the operator to find the mail
// in the mailbox, without keeping its attachments twice.
func headerOnly(raw []byte) []byte {
	s := string(raw)
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		s = s[:i]
	} else if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 16<<10 {
		s = s[:16<<10]
	}
	return []byte(s)
}

func (r *Receiver) setStatus(state, detail string) {
	if r.status != nil {
		r.status.set(state, detail)
	}
}

// imapLog sends go-imap's own complaints (a read on a connection we closed) to the adapter's log
// at debug level, rather than to stderr.
type imapLog struct{ log *slog.Logger }

func (l imapLog) Printf(format string, v ...interface{}) {
	l.log.Debug("email: imap client: " + fmt.Sprintf(format, v...))
}

func (l imapLog) Println(v ...interface{}) {
	l.log.Debug("email: imap client: " + strings.TrimSpace(fmt.Sprintln(v...)))
}

// after waits d on the clock when it can (a test's manual clock), in real time otherwise.
func after(c clock, d time.Duration) <-chan time.Time {
	if t, ok := c.(interface {
		After(time.Duration) <-chan time.Time
	}); ok {
		return t.After(d)
	}
	return time.After(d)
}

// threads remembers, for each address, the last mail it sent in: a reply to that person goes out
// in the same thread (In-Reply-To, References, "Re: subject"). It lives in memory: after a restart
// the first answer starts a new thread, which every mail client shows well enough.
// threads remembers, of the mails read, what a reply needs to join their thread: by the sender's
// address (the last mail from them) and by the mail's own Message-ID (what Reply.Answers names).
type threads struct {
	mu   sync.Mutex
	last map[string]thread
	byID map[string]thread
}

type thread struct {
	subject string
	refs    []string // the last is the mail being answered
}

func newThreads() *threads { return &threads{last: map[string]thread{}, byID: map[string]thread{}} }

func (t *threads) note(addr, subject string, refs []string) {
	if addr == "" || len(refs) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.byID) > 50000 { // a bound, not a cache policy: the office is not that big
		clear(t.last)
		clear(t.byID)
	}
	th := thread{subject: subject, refs: slices.Clone(refs)}
	t.last[addr] = th
	t.byID[refs[len(refs)-1]] = th
}

// of is the thread of the mail whose Message-ID is id; after a restart, when the mail is no longer
// in memory, a thread of that mail alone (the reply's subject is then its own).
func (t *threads) of(id string) thread {
	t.mu.Lock()
	defer t.mu.Unlock()
	if th, ok := t.byID[id]; ok {
		return th
	}
	return thread{refs: []string{id}}
}

func (t *threads) get(addr string) (thread, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	th, ok := t.last[addr]
	return th, ok
}
