package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Transport sends Lapkin's replies, reminders, notices, digests and recaps as mails. It
// implements bot.Transport, bot.Limiter (the hourly cap, scheduled by the outbox sender) and
// bot.HealthReporter.
type Transport struct {
	cfg     Config
	clock   clock
	log     *slog.Logger
	threads *threads
	from    *mail.Address
	// dial is the SMTP client's connection factory; nil is go-mail's own dialer.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// rootCAs, when set, replaces the system's roots (the tests' throwaway certificate).
	rootCAs *x509.CertPool

	// imap is the receiver's state, which Health reports with the transport's own.
	imap *status

	mu        sync.Mutex
	state     health
	strangers map[string]int // "address day" -> replies sent that day to an address not in the roster
}

// Net is NetEmail.
func (t *Transport) Net() string { return NetEmail }

// Limits declares the hourly cap; sends go one at a time (one SMTP session each).
func (t *Transport) Limits() limits {
	return limits{Network: []window{{N: t.cfg.PerHour, Per: time.Hour}}, Concurrency: 1, SendTimeout: 2 * time.Minute}
}

// ChatLimits declares no per-person window: the hourly cap is the server's only rule.
func (t *Transport) ChatLimits(chatRef) []window { return nil }

// Health says how both halves of the network are: connected when the last send reached the SMTP
// server and the receiver is reading the mailbox; otherwise the worse of the two, with what the
// operator must fix (a refused login names the setting). CanSend stays true: a refused SMTP login
// holds the network through the sender's wait instead, so that a fixed password needs no restart.
func (t *Transport) Health() health {
	t.mu.Lock()
	h := t.state
	t.mu.Unlock()
	if t.imap == nil {
		return h
	}
	in := t.imap.get()
	if rank(in.State) > rank(h.State) {
		h.State, h.Since = in.State, in.Since
	}
	switch {
	case in.Detail != "" && h.Detail != "":
		h.Detail = h.Detail + "; " + in.Detail
	case in.Detail != "":
		h.Detail = in.Detail
	}
	return h
}

// rank orders states from good to bad, for Health.
func rank(state string) int {
	switch state {
	case stateConnected:
		return 0
	case stateConnecting:
		return 1
	}
	return 2
}

// status is one half's state, shared between the goroutine that sets it and Health.
type status struct {
	mu    sync.Mutex
	clock clock
	h     health
}

func (s *status) set(state, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h.State != state {
		s.h.Since = s.clock.Now()
	}
	s.h.State, s.h.Detail = state, detail
}

func (s *status) get() health {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.h
}

func (t *Transport) setState(state string, detail string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state.State != state {
		t.state.Since = t.clock.Now()
	}
	t.state.State, t.state.Detail = state, detail
}

// ErrStrangerWithheld is logged (never returned) when a reply to an address not in the roster is
// dropped because that address already had its replies for the day.
var ErrStrangerWithheld = errors.New("email: reply to an unknown address withheld: it had its replies today")

// Send delivers one reply. A reply to a person's own mail goes out in its thread. A reply with
// PriorityStranger (the runtime's answer to someone not in the roster) goes out at most
// StrangerRepliesPerDay times a day to one address; the rest are dropped as delivered, so that an
// address that writes in a loop cannot make Lapkin write back in one.
func (t *Transport) Send(ctx context.Context, r reply) error {
	to, err := mail.ParseAddress(r.To.ID)
	if err != nil || r.To.ID == "" {
		return &sendError{Code: codeRejected, Cause: fmt.Errorf("not an e-mail address: %q", r.To.ID)}
	}
	addr := strings.ToLower(to.Address)
	if r.Priority == priorityStranger && !t.strangerMayHave(addr) {
		t.log.Info(ErrStrangerWithheld.Error(), "to", addr)
		return nil
	}
	msg, err := t.build(addr, r)
	if err != nil {
		return &sendError{Code: codeRejected, Cause: err}
	}
	c, err := t.client()
	if err != nil {
		return &sendError{Code: codeRejected, Cause: err}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return t.classify(err)
	}
	t.setState(stateConnected, "")
	return nil
}

// strangerMayHave counts a reply to an address not in the roster against its day (in the clock's
// location, which the runtime sets to the office's time zone).
func (t *Transport) strangerMayHave(addr string) bool {
	if t.cfg.StrangerRepliesPerDay < 0 {
		return false
	}
	day := t.clock.Now().Format("2006-01-02")
	key := addr + " " + day
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.strangers == nil || len(t.strangers) > 100000 {
		t.strangers = map[string]int{}
	}
	for k := range t.strangers { // forget earlier days
		if !strings.HasSuffix(k, " "+day) {
			delete(t.strangers, k)
		}
	}
	if t.strangers[key] >= t.cfg.StrangerRepliesPerDay {
		return false
	}
	t.strangers[key]++
	return true
}

// client makes the SMTP client: TLS as configured, always authenticated.
func (t *Transport) client() (*gomail.Client, error) {
	cfg := t.cfg.SMTP
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
		gomail.WithUsername(cfg.User),
		gomail.WithPassword(string(cfg.Password)),
		gomail.WithTimeout(time.Minute),
		gomail.WithTLSConfig(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: t.rootCAs}),
	}
	switch cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		// Loopback only (Validate): go-mail's discovery offers PLAIN only over TLS, so name it.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithSMTPAuth(gomail.SMTPAuthPlain))
	}
	if t.dial != nil {
		opts = append(opts, gomail.WithDialContextFunc(t.dial))
	}
	return gomail.NewClient(cfg.Host, opts...)
}

// classify turns an SMTP failure into the sender's codes: a 5xx about the recipient (no such
// user, mailbox disabled) is Unreachable, like a person who blocked the bot; another 5xx (the
// message refused: too big, content) is Rejected; a refused login holds the whole network; a 4xx
// or a network failure is tried again.
func (t *Transport) classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case code == 535 || code == 534 || code == 530:
			t.setState(stateDisconnected, "the SMTP server refused the login: check email.smtp.user and password")
			return &sendError{Code: codeRetryLater, Wait: 10 * time.Minute, Scope: scopeNetwork, Cause: err}
		case code >= 500 && se.Reason == gomail.ErrSMTPRcptTo:
			return &sendError{Code: codeUnreachable, Cause: err}
		case code >= 500 && !se.IsTemp():
			return &sendError{Code: codeRejected, Cause: err}
		}
	}
	if code := smtpCode(err); code == 535 || code == 534 {
		t.setState(stateDisconnected, "the SMTP server refused the login: check email.smtp.user and password")
		return &sendError{Code: codeRetryLater, Wait: 10 * time.Minute, Scope: scopeNetwork, Cause: err}
	}
	t.setState(stateConnecting, "")
	return &sendError{Code: codeRetryLater, Cause: err}
}

// smtpCode finds an SMTP reply code in an error go-mail did not wrap as a SendError (a failed
// AUTH is reported by net/smtp's textproto error).
func smtpCode(err error) int {
	var code int
	s := err.Error()
	for i := 0; i+3 <= len(s); i++ {
		if (i == 0 || s[i-1] == ' ') && s[i] >= '4' && s[i] <= '5' && isDigit(s[i+1]) && isDigit(s[i+2]) && (i+3 == len(s) || s[i+3] == ' ' || s[i+3] == '-') {
			fmt.Sscanf(s[i:i+3], "%d", &code)
			return code
		}
	}
	return 0
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// build makes the mail of one reply: plain text and HTML alternatives, a photo (a digest's
// chart) inline in the HTML as a related part and attached for the plain-text reader, a document
// (a recap) as an attachment.
func (t *Transport) build(addr string, r reply) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	m.FromMailAddress(t.from)
	if err := m.To(addr); err != nil {
		return nil, err
	}
	// The outbox chose the id before the first attempt (MessageIDs): every attempt of a reply
	// carries the same one, and a bounce names it.
	id := r.ID
	if id == "" {
		id = t.newMessageID()
	}
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(t.clock.Now())
	m.SetGenHeader(gomail.HeaderXMailer, "Lapkin")
	// RFC 3834: an automatic answer; a well-behaved autoresponder does not answer it back.
	m.SetGenHeader("Auto-Submitted", "auto-replied")
	subject := subjectOf(r.Text)
	th, ok := t.threads.get(addr)
	if r.Answers != "" {
		th, ok = t.threads.of(r.Answers), true
	}
	if ok && (r.Priority == priorityReply || r.Priority == priorityStranger) {
		if s := cleanSubject(th.subject); s != "" {
			subject = "Re: " + s
		}
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+th.refs[len(th.refs)-1]+">")
		refs := make([]string, len(th.refs))
		for i, id := range th.refs {
			refs[i] = "<" + id + ">"
		}
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	m.Subject(subject)

	text := r.Text
	if len(r.Buttons) > 0 && !strings.Contains(text, "1") {
		// The flows list the choices in the text for networks without buttons; name them anyway
		// should a text ever come without.
		for i, row := range r.Buttons {
			for _, b := range row {
				text += fmt.Sprintf("\n%d. %s", i+1, b.Label)
			}
		}
	}
	htmlBody := "<div style=\"font-family:sans-serif;font-size:14px\">" + textToHTML(text)
	if r.Photo != nil {
		name := r.PhotoName
		if name == "" {
			name = "grafik.png"
		}
		cid := strings.TrimSuffix(t.newMessageID(), ">")
		if err := m.EmbedReader(name, bytes.NewReader(r.Photo), gomail.WithFileContentID("<"+cid+">"),
			gomail.WithFileContentType(imageType(r.Photo))); err != nil {
			return nil, err
		}
		htmlBody += `<p><img src="cid:` + html.EscapeString(cid) + `" alt="` + html.EscapeString(name) + `" style="max-width:100%"></p>`
	}
	htmlBody += "</div>"
	m.SetBodyString(gomail.TypeTextPlain, text)
	m.AddAlternativeString(gomail.TypeTextHTML, htmlBody)
	if r.Document != nil {
		name := r.DocumentName
		if name == "" {
			name = "lampiran"
		}
		if err := m.AttachReader(name, bytes.NewReader(r.Document)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// NewMessageID is the Message-ID (without brackets) of the next mail the outbox sends: kept with
// the outbox row, so that a bounce that names it marks the recipient unreachable (chat.Returned).
func (t *Transport) NewMessageID() string { return t.newMessageID() }

func (t *Transport) newMessageID() string {
	_, domain, _ := strings.Cut(t.from.Address, "@")
	return fmt.Sprintf("lapkin.%d.%s@%s", t.clock.Now().UnixNano(), randHex(6), domain)
}

// subjectOf makes a subject of a message that starts no thread: its first line, shortened.
func subjectOf(text string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	first = strings.Join(strings.Fields(first), " ")
	if r := []rune(first); len(r) > 70 {
		first = strings.TrimSpace(string(r[:67])) + "…"
	}
	if first == "" {
		return "Lapkin"
	}
	return "Lapkin: " + first
}

// textToHTML shows a reply's plain text as HTML: escaped, line breaks kept.
func textToHTML(s string) string {
	paras := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n")
	var b strings.Builder
	for _, p := range paras {
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(p), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}

func imageType(b []byte) gomail.ContentType {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("\xff\xd8")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "image/gif"
	}
	return gomail.TypeAppOctetStream
}
