package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decodes ISO-8859-*, Windows-125x and the other charsets office mail still uses
	"github.com/emersion/go-message/mail"
)

// maxTextRunes bounds the text handed in from one mail: a report is a few lines, and a mail that
// goes on for pages is not one.
const maxTextRunes = 4000

// inMail is what the receiver keeps of one mail.
type inMail struct {
	ID        string // Message-ID without brackets; a digest of the header when the mail has none
	From      string // lower-cased address
	Subject   string
	Text      string // the message text: the body's own lines, or the subject
	Date      time.Time
	Refs      []string // References + Message-ID, for threading a reply
	Photo     *photo
	Unsup     string // an attachment Lapkin cannot keep (a document, a video, audio)
	Auto      string // why the mail is an automatic one (a bounce, an out-of-office): never answered
	Problem   string // why no usable message could be made of it (for a Failure)
	Charset   bool   // a part's charset was unknown: its bytes were read as UTF-8 where valid
	OnlyHTML  bool   // the text came from an HTML part
	Truncated bool   // the text was cut at maxTextRunes
	// Returned is what a delivery report (RFC 3464) says failed for good: the recipient, and the
	// Message-ID of Lapkin's mail it returns; nil for any other mail, or a delay notice.
	Returned *returnedMsg
}

// parseMail reads one whole mail. maxImage bounds the image kept as the photo. It fails only when
// not even the header can be read; everything else is reported in the inMail's fields.
func parseMail(raw []byte, maxImage int64) (inMail, error) {
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	var m inMail
	if err != nil && !message.IsUnknownCharset(err) {
		return m, fmt.Errorf("reading the mail's header: %w", err)
	}
	if err != nil {
		m.Charset = true
	}
	readHeader(&m, mr.Header, raw)

	var plain, htmlText string
	type image struct {
		name, mime string
		data       []byte
		size       int64
	}
	var best *image
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			// A broken MIME structure: keep what was read so far.
			if plain == "" && htmlText == "" && best == nil {
				m.Problem = "the mail's MIME structure cannot be read: " + err.Error()
			}
			break
		}
		if err != nil {
			m.Charset = true
		}
		h := headerOf(p)
		ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
		if ct == "" {
			ct = "text/plain"
		}
		disp, _, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
		name := partName(p)
		switch {
		case ct == "message/delivery-status":
			b, _ := io.ReadAll(io.LimitReader(p.Body, 64<<10))
			if to, reason, ok := failedRecipient(b); ok {
				if m.Returned == nil {
					m.Returned = &returnedMsg{}
				}
				m.Returned.To, m.Returned.Reason = chatRef{Net: NetEmail, ID: to}, reason
			}
		case ct == "message/rfc822" || ct == "text/rfc822-headers":
			b, _ := io.ReadAll(io.LimitReader(p.Body, 256<<10))
			if id := returnedID(b); id != "" {
				if m.Returned == nil {
					m.Returned = &returnedMsg{}
				}
				m.Returned.MsgID = id
			}
		case strings.HasPrefix(ct, "image/"):
			data, size := readLimited(p.Body, maxImage)
			if best == nil || size > best.size {
				if name == "" {
					name = "foto" + extOf(ct)
				}
				best = &image{name: name, mime: ct, data: data, size: size}
			}
		case disp != "attachment" && ct == "text/plain" && plain == "":
			b, _ := io.ReadAll(io.LimitReader(p.Body, 1<<20))
			plain = toUTF8(b, &m)
		case disp != "attachment" && ct == "text/html" && htmlText == "":
			b, _ := io.ReadAll(io.LimitReader(p.Body, 4<<20))
			htmlText = htmlToText(toUTF8(b, &m))
		default:
			if m.Unsup == "" && (disp == "attachment" || name != "") {
				m.Unsup = mediaKind(ct)
			}
			_, _ = io.Copy(io.Discard, p.Body)
		}
	}
	body := plain
	if strings.TrimSpace(cleanBody(body)) == "" && htmlText != "" {
		body, m.OnlyHTML = htmlText, true
	}
	body = cleanBody(body)
	subject := cleanSubject(m.Subject)
	switch {
	case strings.HasPrefix(subject, "/") && body != "":
		m.Text = subject + "\n" + body
	case body != "":
		m.Text = body
	default:
		m.Text = subject
	}
	if utf8.RuneCountInString(m.Text) > maxTextRunes {
		m.Text, m.Truncated = string([]rune(m.Text)[:maxTextRunes]), true
	}
	if best != nil {
		m.Photo = &photo{Name: best.name, MIME: best.mime, Data: best.data, Size: best.size}
		m.Unsup = ""
	}
	if m.Returned != nil && (m.Returned.To.ID == "" || m.Returned.MsgID == "") {
		m.Returned = nil // a delay notice, or a report that names no mail of Lapkin's
	}
	if m.Text == "" && m.Photo == nil && m.Unsup == "" && m.Problem == "" {
		m.Problem = "the mail has no text, no subject and no image"
	}
	return m, nil
}

// failedRecipient reads a delivery-status part (RFC 3464): the first recipient whose Action is
// "failed", by its Final-Recipient (or Original-Recipient) address, with its Diagnostic-Code or
// Status as the reason. A "delayed" or "delivered" report gives nothing.
func failedRecipient(b []byte) (to, reason string, ok bool) {
	// Per-message fields, then one block per recipient, separated by blank lines.
	for _, block := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n\n") {
		fields := map[string]string{}
		var last string
		for _, line := range strings.Split(block, "\n") {
			if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && last != "" {
				fields[last] += " " + strings.TrimSpace(line) // a folded line
				continue
			}
			k, v, found := strings.Cut(line, ":")
			if !found {
				continue
			}
			last = strings.ToLower(strings.TrimSpace(k))
			fields[last] = strings.TrimSpace(v)
		}
		if !strings.EqualFold(fields["action"], "failed") {
			continue
		}
		addr := fields["final-recipient"]
		if addr == "" {
			addr = fields["original-recipient"]
		}
		if _, a, found := strings.Cut(addr, ";"); found {
			addr = a
		}
		addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
		if addr == "" {
			continue
		}
		reason = fields["diagnostic-code"]
		if reason == "" {
			reason = "status " + fields["status"]
		}
		return addr, reason, true
	}
	return "", "", false
}

// returnedID is the Message-ID, without its brackets, of the header a delivery report returns.
func returnedID(b []byte) string {
	msg, err := netmail.ReadMessage(bytes.NewReader(append(bytes.TrimLeft(b, "\r\n"), '\n', '\n')))
	if err != nil {
		return ""
	}
	return strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")
}

// readHeader fills the header's fields of m.
func readHeader(m *inMail, h mail.Header, raw []byte) {
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.From = strings.ToLower(from[0].Address)
	} else {
		m.From = normAddr(h.Get("From"))
	}
	m.Subject, _ = h.Subject()
	if m.Subject == "" {
		m.Subject = h.Get("Subject")
	}
	m.Subject = strings.ToValidUTF8(m.Subject, "\uFFFD")
	m.Date, _ = h.Date()
	m.ID = msgID(h.Get("Message-Id"))
	if m.ID == "" {
		// A mail without a Message-ID (rare; some scanners and scripts) is named by a digest of
		// its header, the same every time the server gives it to us.
		end := bytes.Index(raw, []byte("\r\n\r\n"))
		if end < 0 {
			end = min(len(raw), 8<<10)
		}
		sum := sha256.Sum256(raw[:end])
		m.ID = "sha256-" + hex.EncodeToString(sum[:12]) + "@lapkin.invalid"
	}
	for _, r := range strings.Fields(h.Get("References")) {
		if id := msgID(r); id != "" {
			m.Refs = append(m.Refs, id)
		}
	}
	if len(m.Refs) == 0 {
		if id := msgID(h.Get("In-Reply-To")); id != "" {
			m.Refs = append(m.Refs, id)
		}
	}
	m.Refs = append(m.Refs, m.ID)
	if len(m.Refs) > 10 { // keep a long thread's header short: the first and the last few
		m.Refs = append(m.Refs[:1], m.Refs[len(m.Refs)-9:]...)
	}
	m.Auto = autoReason(h, m.From)
}

// autoReason tells a mail no person wrote: answering one starts a loop between two robots (an
// out-of-office answering Lapkin's answer to the out-of-office...). RFC 3834 and the usual
// headers of bulk mail.
func autoReason(h mail.Header, from string) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + h.Get("Precedence")
	}
	for _, k := range []string{"List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"} {
		if h.Has(k) && (k != "X-Auto-Response-Suppress" || strings.Contains(strings.ToLower(h.Get(k)), "all")) {
			return k
		}
	}
	local, _, _ := strings.Cut(from, "@")
	switch local {
	case "mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply":
		return "sender " + from
	}
	if from == "" {
		return "no sender address"
	}
	if strings.HasPrefix(strings.ToLower(h.Get("Content-Type")), "multipart/report") {
		return "a delivery report"
	}
	return ""
}

func headerOf(p *mail.Part) message.Header {
	switch h := p.Header.(type) {
	case *mail.InlineHeader:
		return h.Header
	case *mail.AttachmentHeader:
		return h.Header
	}
	return message.Header{}
}

func partName(p *mail.Part) string {
	if a, ok := p.Header.(*mail.AttachmentHeader); ok {
		if n, err := a.Filename(); err == nil && n != "" {
			return safeName(n)
		}
	}
	h := headerOf(p)
	if _, params, err := h.ContentDisposition(); err == nil && params["filename"] != "" {
		return safeName(params["filename"])
	}
	if _, params, err := h.ContentType(); err == nil && params["name"] != "" {
		return safeName(params["name"])
	}
	return ""
}

// safeName keeps a sender's file name usable as a name and nothing else: its last path element,
// valid UTF-8 without control characters, at most 100 characters.
func safeName(s string) string {
	s = strings.ToValidUTF8(s, "")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(strings.TrimLeft(s, "."))
	if r := []rune(s); len(r) > 100 {
		s = string(r[len(r)-100:])
	}
	return s
}

// readLimited reads up to max bytes; over it, it returns no data and the size read so far.
func readLimited(r io.Reader, max int64) ([]byte, int64) {
	var buf bytes.Buffer
	n, _ := io.Copy(&buf, io.LimitReader(r, max+1))
	if n > max {
		rest, _ := io.Copy(io.Discard, r)
		return nil, n + rest
	}
	return buf.Bytes(), n
}

// toUTF8 turns a decoded text part into valid UTF-8. go-message has converted every charset it
// knows; the bytes of one it does not are kept where they are valid UTF-8 and replaced otherwise.
func toUTF8(b []byte, m *inMail) string {
	if !utf8.Valid(b) {
		m.Charset = true
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(b)
}

func mediaKind(ct string) string {
	switch {
	case strings.HasPrefix(ct, "video/"):
		return mediaVideo
	case strings.HasPrefix(ct, "audio/"):
		return mediaAudio
	}
	return mediaDocument
}

func extOf(ct string) string {
	switch ct {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

func msgID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	if s == "" || strings.ContainsAny(s, " <>\r\n") {
		return ""
	}
	return s
}

var subjectPrefix = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|aw|bls|balas|tr|tl|terusan)\s*(\[\d+\])?\s*:\s*)+`)

// cleanSubject drops the "Re:", "Fwd:", "Bls:" a mail client puts before a subject.
func cleanSubject(s string) string {
	return strings.TrimSpace(subjectPrefix.ReplaceAllString(s, ""))
}

var (
	// "On Mon, 7 Dec 2026 at 09:00, Budi <budi@x> wrote:" and Indonesian clients' "Pada Sen, 7 Des
	// 2026 pukul 09.00 Budi <budi@x> menulis:", which mail clients wrap over two lines.
	attribution   = regexp.MustCompile(`(?i)^(on|pada)\s.*(wrote|menulis|tulis)\s*:\s*$`)
	attributionLn = regexp.MustCompile(`(?i)^(on|pada)\s`)
	attributionTo = regexp.MustCompile(`(?i)(wrote|menulis|tulis)\s*:\s*$`)
	// Outlook's separators before the quoted mail.
	outlookQuote = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(original message|pesan asli|pesan awal|forwarded message|pesan yang diteruskan)\s*-{2,}|_{10,})\s*$`)
	// "Sent from my iPhone", "Dikirim dari Yahoo Mail di Android".
	sentFrom = regexp.MustCompile(`(?i)^\s*(sent from my|sent from|dikirim dari|get outlook for)\b`)
)

// cleanBody keeps the lines the sender wrote: it stops at the quoted mail they answer ("> " lines,
// "On ... wrote:", "Pada ... menulis:", Outlook's "-----Original Message-----") and at their
// signature ("-- "), and drops a phone's "Sent from my ..." line and surrounding blank lines.
func cleanBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	var out []string
	for i, ln := range lines {
		t := strings.TrimRight(ln, " \t\u00a0")
		switch {
		case strings.HasPrefix(strings.TrimLeft(t, " "), ">"),
			t == "--" || ln == "-- " || t == "—",
			outlookQuote.MatchString(t),
			attribution.MatchString(strings.TrimSpace(t)),
			attributionLn.MatchString(strings.TrimSpace(t)) && i+1 < len(lines) && attributionTo.MatchString(strings.TrimSpace(lines[i+1])):
			return strings.TrimSpace(strings.Join(out, "\n"))
		case sentFrom.MatchString(t):
			continue
		}
		out = append(out, t)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

var (
	htmlDrop  = regexp.MustCompile(`(?is)<(style|script|head|title)\b.*?</(style|script|head|title)\s*>|<blockquote\b.*?</blockquote\s*>|<div[^>]*class="?gmail_quote.*`)
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])\s*>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
)

// htmlToText makes plain text of an HTML-only mail: quoted blocks and styles dropped, breaks and
// paragraphs kept as lines, entities decoded. Good enough for the few lines of a report; the
// plain-text part is used whenever the mail has one.
func htmlToText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\n", " ")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		lines[i] = strings.Join(strings.Fields(strings.ReplaceAll(ln, "\u00a0", " ")), " ")
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
