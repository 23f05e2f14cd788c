package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-message/mail"
	gomail "github.com/wneessen/go-mail"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// These tests run against real servers: Debian's Dovecot (IMAP, submission, LMTP) and OpenSMTPD,
// started on loopback by testdata/mailserver.sh (what .ci/run does). Without them they skip.

type servers struct {
	imapHost, smtpHost string
	imapPort, smtpPort int
	password, domain   string
}

func needServers(t *testing.T) servers {
	t.Helper()
	imapAddr, smtpAddr := os.Getenv("LAPKIN_TEST_IMAP"), os.Getenv("LAPKIN_TEST_SMTP")
	if imapAddr == "" || smtpAddr == "" {
		t.Skip("no mail servers: run as root `eval \"$(bot/email/testdata/mailserver.sh /tmp/lapkin-mail)\"` " +
			"(needs Debian's dovecot-imapd, dovecot-lmtpd, dovecot-submissiond and opensmtpd), then go test ./bot/email/")
	}
	var s servers
	var err error
	var p string
	if s.imapHost, p, err = net.SplitHostPort(imapAddr); err != nil {
		t.Fatal(err)
	}
	s.imapPort, _ = strconv.Atoi(p)
	if s.smtpHost, p, err = net.SplitHostPort(smtpAddr); err != nil {
		t.Fatal(err)
	}
	s.smtpPort, _ = strconv.Atoi(p)
	s.password, s.domain = os.Getenv("LAPKIN_TEST_MAIL_PASSWORD"), os.Getenv("LAPKIN_TEST_MAIL_DOMAIN")
	if s.domain == "" {
		s.domain = "lapkin.test"
	}
	return s
}

// folder is a fresh IMAP folder of user for one test run: lapkin+<folder>@domain delivers into it.
func (s servers) folder(t *testing.T, user, prefix string) string {
	t.Helper()
	name := fmt.Sprintf("%s%d", prefix, time.Now().UnixNano())
	c := s.login(t, user)
	defer c.Logout()
	if err := c.Create(name); err != nil {
		t.Fatalf("creating folder %s: %v", name, err)
	}
	return name
}

func (s servers) addr(user string) string { return user + "@" + s.domain }

func (s servers) login(t *testing.T, user string) *client.Client {
	t.Helper()
	c, err := client.Dial(net.JoinHostPort(s.imapHost, strconv.Itoa(s.imapPort)))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(s.addr(user), s.password); err != nil {
		t.Fatal(err)
	}
	return c
}

func (s servers) config(folder string) Config {
	return Config{
		IMAP:         IMAP{Host: s.imapHost, Port: s.imapPort, User: s.addr("lapkin"), Password: Secret(s.password), Mailbox: folder, TLS: TLSNone},
		SMTP:         SMTP{Host: s.smtpHost, Port: s.smtpPort, User: s.addr("lapkin"), Password: Secret(s.password), From: "Lapkin <" + s.addr("lapkin") + ">", TLS: TLSNone},
		PollInterval: 5 * time.Second,
	}
}

// submitMail sends a mail as user through the submission server.
func (s servers) submitMail(t *testing.T, user string, m *gomail.Msg) {
	t.Helper()
	c, err := gomail.NewClient(s.smtpHost, gomail.WithPort(s.smtpPort), gomail.WithTLSPolicy(gomail.NoTLS),
		gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.addr(user)), gomail.WithPassword(s.password))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DialAndSend(m); err != nil {
		t.Fatalf("sending as %s: %v", user, err)
	}
}

// appendMail puts a raw mail straight into a folder of user (faster than SMTP, for bursts).
func (s servers) appendMail(t *testing.T, c *client.Client, folder string, raw []byte) {
	t.Helper()
	if err := c.Append(folder, nil, time.Now(), bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
}

// waitMails waits until folder of user holds n mails and returns them raw, oldest first.
func (s servers) waitMails(t *testing.T, user, folder string, n int) [][]byte {
	t.Helper()
	c := s.login(t, user)
	defer c.Logout()
	deadline := time.Now().Add(20 * time.Second)
	for {
		mb, err := c.Select(folder, true)
		if err != nil {
			t.Fatal(err)
		}
		if int(mb.Messages) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s holds %d mails, want %d", user, folder, mb.Messages, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	set := new(imap.SeqSet)
	set.AddRange(1, uint32(n))
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, n)
	if err := c.Fetch(set, []imap.FetchItem{section.FetchItem()}, ch); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for m := range ch {
		b, _ := io.ReadAll(m.GetBody(section))
		out = append(out, b)
	}
	return out
}

// unseen counts the mails of folder without \Seen.
func (s servers) unseen(t *testing.T, user, folder string) []uint32 {
	t.Helper()
	c := s.login(t, user)
	defer c.Logout()
	if _, err := c.Select(folder, true); err != nil {
		t.Fatal(err)
	}
	uids, err := c.UidSearch(&imap.SearchCriteria{WithoutFlags: []string{imap.SeenFlag}})
	if err != nil {
		t.Fatal(err)
	}
	return uids
}

// recorder stands in for the runtime: it handles each message once by its ID (as the intake table
// does) and acknowledges after "committing"; fail, when set, makes a handling fail (a commit that
// did not happen).
type recorder struct {
	mu        sync.Mutex
	committed map[string]bot.Message
	order     []string
	calls     map[string]int
	fail      func(m bot.Message, call int) bool
	got       chan bot.Message
	delay     time.Duration // how long a handling takes before its verdict
}

func newRecorder() *recorder {
	return &recorder{committed: map[string]bot.Message{}, calls: map[string]int{}, got: make(chan bot.Message, 200)}
}

func (h *recorder) submit(ctx context.Context, m bot.Message, done func(error)) bool {
	go func() {
		time.Sleep(h.delay)
		h.mu.Lock()
		h.calls[m.ID]++
		call := h.calls[m.ID]
		var err error
		switch {
		case h.fail != nil && h.fail(m, call):
			err = errors.New("simulated: the transaction did not commit")
		case h.committed[m.ID].ID != "":
			// A redelivery: already committed, nothing to do but acknowledge again.
		default:
			h.committed[m.ID] = m
			h.order = append(h.order, m.ID)
		}
		h.mu.Unlock()
		if err == nil {
			h.got <- m
		}
		done(err)
	}()
	return true
}

func (h *recorder) wait(t *testing.T, n int) []bot.Message {
	t.Helper()
	var out []bot.Message
	timeout := time.After(30 * time.Second)
	for len(out) < n {
		select {
		case m := <-h.got:
			out = append(out, m)
		case <-timeout:
			t.Fatalf("handled %d messages, want %d", len(out), n)
		}
	}
	return out
}

func start(t *testing.T, r *Receiver, h *recorder) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Receive(ctx, h.submit) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Receive: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Receive did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

func newPair(t *testing.T, cfg Config) (*Transport, *Receiver) {
	t.Helper()
	tr, rc, err := New(cfg, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return tr, rc
}

func TestServerMailInFromARosterAddress(t *testing.T) {
	s := needServers(t)
	folder := s.folder(t, "lapkin", "in")
	tr, rc := newPair(t, s.config(folder))
	if st := tr.Health().State; st != bot.StateConnecting {
		t.Errorf("health before the receiver ran: %s", st)
	}
	h := newRecorder()
	start(t, rc, h)

	m := gomail.NewMsg()
	_ = m.From(`"Budi Santoso" <` + s.addr("budi") + `>`)
	_ = m.To("lapkin+" + folder + "@" + s.domain)
	m.Subject("Laporan hari ini")
	m.SetBodyString(gomail.TypeTextPlain, "/lapor rapat koordinasi 2 jam\n\nPada Sen, 7 Des 2026 Lapkin menulis:\n> Laporan tercatat\n")
	s.submitMail(t, "budi", m)

	got := h.wait(t, 1)[0]
	if got.Sender != (bot.ChatRef{Net: NetEmail, ID: s.addr("budi")}) || got.Chat != got.Sender {
		t.Errorf("sender %v chat %v", got.Sender, got.Chat)
	}
	// The sender is the person whose roster row names the address (typed there in capitals).
	if nip := rosterNIP(t, got.Sender.ID, "198806202014031004,Budi Santoso,Staf,,DISKOMINFO,Dinas Kominfo,,asn,,Budi@LAPKIN.test"); nip != "198806202014031004" {
		t.Errorf("the roster's email column does not find %s: %q", got.Sender.ID, nip)
	}
	if got.Text != "/lapor rapat koordinasi 2 jam" {
		t.Errorf("text %q", got.Text)
	}
	if got.ID == "" || got.Failed != nil || got.Time.IsZero() {
		t.Errorf("message %+v", got)
	}
	waitFor(t, func() bool { return len(s.unseen(t, "lapkin", folder)) == 0 }, "the handled mail marked \\Seen")
	if h := tr.Health(); h.State != bot.StateConnected || h.Net != NetEmail || !h.CanSend {
		t.Errorf("health while reading: %+v", h)
	}
}

func TestServerImageAttachmentIsThePhoto(t *testing.T) {
	s := needServers(t)
	folder := s.folder(t, "lapkin", "photo")
	_, rc := newPair(t, s.config(folder))
	h := newRecorder()
	start(t, rc, h)

	img := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1, 2, 3}, 30000)...)
	m := gomail.NewMsg()
	_ = m.From(s.addr("budi"))
	_ = m.To("lapkin+" + folder + "@" + s.domain)
	m.Subject("bukti")
	m.SetBodyString(gomail.TypeTextPlain, "pemeliharaan jaringan 3 jam\n-- \nBudi\n")
	_ = m.AttachReader("jaringan.png", bytes.NewReader(img), gomail.WithFileContentType("image/png"))
	s.submitMail(t, "budi", m)

	got := h.wait(t, 1)[0]
	if got.Photo == nil || !bytes.Equal(got.Photo.Data, img) || got.Photo.MIME != "image/png" || got.Photo.Name != "jaringan.png" {
		t.Fatalf("photo %+v", got.Photo)
	}
	if got.Text != "pemeliharaan jaringan 3 jam" {
		t.Errorf("text %q", got.Text)
	}
}

func TestServerReplyGoesOutThreaded(t *testing.T) {
	s := needServers(t)
	in := s.folder(t, "lapkin", "thread")
	out := s.folder(t, "budi", "reply")
	tr, rc := newPair(t, s.config(in))
	h := newRecorder()
	start(t, rc, h)

	// Budi writes from budi+<out>@..., so the answer lands in his folder <out>.
	from := "budi+" + out + "@" + s.domain
	m := gomail.NewMsg()
	_ = m.From(from)
	_ = m.To("lapkin+" + in + "@" + s.domain)
	m.Subject("Laporan")
	m.SetMessageIDWithValue("report-" + out + "@" + s.domain)
	m.SetBodyString(gomail.TypeTextPlain, "rapat 2 jam")
	s.submitMail(t, "budi", m)
	msg := h.wait(t, 1)[0]

	err := tr.Send(context.Background(), bot.Reply{To: msg.Chat, Text: "Laporan tercatat: rapat 2 jam.\nKetik /batal untuk membatalkan.", Priority: bot.PriorityReply})
	if err != nil {
		t.Fatal(err)
	}
	raw := s.waitMails(t, "budi", out, 1)[0]
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Header.Get("In-Reply-To"); got != "<report-"+out+"@"+s.domain+">" {
		t.Errorf("In-Reply-To %q", got)
	}
	if got := r.Header.Get("References"); !strings.Contains(got, "<report-"+out+"@"+s.domain+">") {
		t.Errorf("References %q", got)
	}
	if subj, _ := r.Header.Subject(); subj != "Re: Laporan" {
		t.Errorf("subject %q", subj)
	}
	if got := r.Header.Get("Auto-Submitted"); got != "auto-replied" {
		t.Errorf("Auto-Submitted %q", got)
	}
	texts := partsOf(t, raw)
	if !strings.Contains(texts["text/plain"], "Laporan tercatat: rapat 2 jam.") || !strings.Contains(texts["text/html"], "Laporan tercatat: rapat 2 jam.<br>") {
		t.Errorf("parts %q", texts)
	}
}

func TestServerDigestWithItsChartInline(t *testing.T) {
	s := needServers(t)
	out := s.folder(t, "budi", "digest")
	tr, _ := newPair(t, s.config("INBOX"))
	chart := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("chart"), 4000)...)
	xlsx := []byte("PK\x03\x04 recap bytes")
	to := bot.ChatRef{Net: NetEmail, ID: "budi+" + out + "@" + s.domain}
	if err := tr.Send(context.Background(), bot.Reply{To: to, Text: "Ringkasan minggu ini\nDinas Kominfo: 87%", Photo: chart, PhotoName: "grafik.png"}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Send(context.Background(), bot.Reply{To: to, Text: "Rekap November", Document: xlsx, DocumentName: "rekap-2026-11.xlsx"}); err != nil {
		t.Fatal(err)
	}
	mails := s.waitMails(t, "budi", out, 2)

	// The digest: multipart/related holding the HTML and the chart it shows by cid.
	var cid string
	var html string
	var img []byte
	r, err := mail.CreateReader(bytes.NewReader(mails[0]))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := r.Header.Subject(); subj != "Lapkin: Ringkasan minggu ini" {
		t.Errorf("subject %q", subj)
	}
	if !bytes.Contains(mails[0], []byte("multipart/related")) {
		t.Errorf("no multipart/related part:\n%s", mails[0][:min(len(mails[0]), 2000)])
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		h := headerOf(p)
		ct, _, _ := h.ContentType()
		b, _ := io.ReadAll(p.Body)
		switch {
		case ct == "text/html":
			html = string(b)
		case ct == "image/png":
			img, cid = b, strings.Trim(h.Get("Content-Id"), "<>")
		}
	}
	if !bytes.Equal(img, chart) || cid == "" || !strings.Contains(html, "cid:"+cid) {
		t.Errorf("chart inline: image %d bytes, cid %q, html %q", len(img), cid, html)
	}

	// The recap: an attachment.
	parsed, err := parseMail(mails[1], 1<<20)
	if err != nil || parsed.Unsup != mediaDocument || !strings.Contains(parsed.Text, "Rekap November") {
		t.Errorf("recap: %+v %v", parsed, err)
	}
	if !bytes.Contains(mails[1], []byte(`filename="rekap-2026-11.xlsx"`)) {
		t.Errorf("recap attachment not named")
	}
}

func TestServerCommitFailureLeavesTheMailUnseen(t *testing.T) {
	s := needServers(t)
	folder := s.folder(t, "lapkin", "fail")
	_, rc := newPair(t, s.config(folder))
	rc.retryWait = 2 * time.Second
	h := newRecorder()
	failed := make(chan struct{})
	var once sync.Once
	h.fail = func(m bot.Message, call int) bool {
		if call == 1 {
			once.Do(func() { close(failed) })
			return true
		}
		return false
	}
	c := s.login(t, "lapkin")
	s.appendMail(t, c, folder, rawMail(s.addr("budi"), "fail-1@"+s.domain, "rapat 1 jam"))
	c.Logout()
	start(t, rc, h)

	<-failed
	time.Sleep(300 * time.Millisecond)
	if n := len(s.unseen(t, "lapkin", folder)); n != 1 {
		t.Fatalf("after a failed commit the mail must stay unseen; %d unseen", n)
	}
	got := h.wait(t, 1)[0]
	if got.ID != "fail-1@"+s.domain {
		t.Errorf("id %q", got.ID)
	}
	h.mu.Lock()
	calls := h.calls[got.ID]
	h.mu.Unlock()
	if calls != 2 {
		t.Errorf("handled %d times, want 2 (a failure, then the commit)", calls)
	}
	waitFor(t, func() bool { return len(s.unseen(t, "lapkin", folder)) == 0 }, "the mail marked \\Seen after its commit")
}

func TestServerBurstOf50WithARestart(t *testing.T) {
	s := needServers(t)
	folder := s.folder(t, "lapkin", "burst")
	cfg := s.config(folder)
	h := newRecorder()
	// Every seventh mail fails its first commit and must come back.
	h.fail = func(m bot.Message, call int) bool {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(m.ID, "burst-"), "@"+s.domain))
		return call == 1 && n%7 == 0
	}
	h.delay = 20 * time.Millisecond // verdicts are still in flight when the receiver stops
	const total = 50
	c := s.login(t, "lapkin")
	for i := range total {
		s.appendMail(t, c, folder, rawMail(s.addr("budi"), fmt.Sprintf("burst-%d@%s", i, s.domain), fmt.Sprintf("laporan nomor %d", i)))
	}
	c.Logout()

	_, rc := newPair(t, cfg)
	rc.retryWait = time.Second
	stop := start(t, rc, h)
	h.wait(t, 15)
	stop() // the receiver stops mid-burst: verdicts still in flight are lost with the session

	_, rc2 := newPair(t, cfg)
	rc2.retryWait = time.Second
	start(t, rc2, h)
	waitFor(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.committed) == total
	}, "all 50 mails committed")
	waitFor(t, func() bool { return len(s.unseen(t, "lapkin", folder)) == 0 }, "all 50 mails marked \\Seen")

	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	for _, id := range h.order {
		if seen[id] {
			t.Errorf("%s committed twice", id)
		}
		seen[id] = true
	}
	for i := range total {
		id := fmt.Sprintf("burst-%d@%s", i, s.domain)
		m, ok := h.committed[id]
		if !ok {
			t.Errorf("%s lost", id)
			continue
		}
		if m.Text != fmt.Sprintf("laporan nomor %d", i) || m.Sender.ID != s.addr("budi") {
			t.Errorf("%s: %q from %v", id, m.Text, m.Sender)
		}
		if i%7 == 0 && h.calls[id] < 2 {
			t.Errorf("%s failed once but was handled %d times", id, h.calls[id])
		}
	}
	var again int
	for _, n := range h.calls {
		again += n - 1
	}
	// 8 of the mails (0, 7, ..., 49) fail their first commit; the rest of the second tries are
	// mails whose verdict came after the first receiver stopped.
	t.Logf("burst: %d mails, %d committed once each, %d handed in again (8 failed commits, %d after the restart)", total, len(h.committed), again, again-8)
}

// rosterNIP imports a one-row roster with an email column into a fresh store and returns the NIP
// of the person the store finds by addr, as the wiring into flows will.
func rosterNIP(t *testing.T, addr, row string) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir()+"/lapkin.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := roster.Read(strings.NewReader("nip,nama,jabatan,eselon,opd_kode,opd_nama,telepon,peran,atasan_nip,email\n"+row+"\n"), "csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, rows, time.Now()); err != nil {
		t.Fatal(err)
	}
	var nip string
	err = st.View(ctx, func(tx *store.Tx) error {
		e, err := tx.EmployeeByEmail(ctx, addr)
		nip = e.NIP
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return nip
}

func rawMail(from, id, text string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: lapkin@lapkin.test\r\nSubject: laporan\r\nMessage-ID: <%s>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, id, time.Now().Format(time.RFC1123Z), text))
}

func partsOf(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		h := headerOf(p)
		ct, _, _ := h.ContentType()
		b, _ := io.ReadAll(p.Body)
		out[ct] += string(b)
	}
	return out
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
