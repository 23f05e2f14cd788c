package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	gomessage "github.com/emersion/go-message/mail"
	gomail "github.com/wneessen/go-mail"

	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/roster"
)

// mailEnv is `lapkin run` serving e-mail alone, on the real IMAP and SMTP servers that .ci/run
// starts (bot/email/testdata/mailserver.sh): Lapkin reads a fresh folder of the lapkin mailbox
// (lapkin+<folder>@ delivers into it), and Budi, whose roster row gives his address, writes.
type mailEnv struct {
	t                  *testing.T
	imapAddr, smtpAddr string
	password, domain   string
	folder             string
	cfg                *config.Config
	log                *syncBuffer
}

func newMailEnv(t *testing.T) *mailEnv {
	t.Helper()
	e := &mailEnv{t: t, imapAddr: os.Getenv("LAPKIN_TEST_IMAP"), smtpAddr: os.Getenv("LAPKIN_TEST_SMTP"),
		password: os.Getenv("LAPKIN_TEST_MAIL_PASSWORD"), domain: os.Getenv("LAPKIN_TEST_MAIL_DOMAIN"), log: &syncBuffer{}}
	if e.imapAddr == "" || e.smtpAddr == "" {
		t.Skip("no mail servers: run as root `eval \"$(bot/email/testdata/mailserver.sh /tmp/lapkin-mail)\"` " +
			"(Debian's dovecot-imapd, dovecot-lmtpd, dovecot-submissiond and opensmtpd; .ci/run does), then go test ./cmd/lapkin/")
	}
	if e.domain == "" {
		e.domain = "lapkin.test"
	}
	e.folder = fmt.Sprintf("e2e%d", time.Now().UnixNano())
	c := e.login("lapkin")
	if err := c.Create(e.folder); err != nil {
		t.Fatal(err)
	}
	c.Logout()

	dir := t.TempDir()
	imapHost, imapPort, _ := net.SplitHostPort(e.imapAddr)
	smtpHost, smtpPort, _ := net.SplitHostPort(e.smtpAddr)
	path := filepath.Join(dir, "config.toml")
	// The password comes from the environment, as docs/email.md advises.
	t.Setenv("LAPKIN_EMAIL_IMAP_PASSWORD", e.password)
	t.Setenv("LAPKIN_EMAIL_SMTP_PASSWORD", e.password)
	err := os.WriteFile(path, []byte(fmt.Sprintf(`[app]
data_dir = %q

[email]
enabled = true
poll_interval = "5s"

[email.imap]
host = %q
port = %s
tls = "none"
user = %q
mailbox = %q

[email.smtp]
host = %q
port = %s
tls = "none"
user = %q
from = %q
`, dir, imapHost, imapPort, e.addr("lapkin"), e.folder, smtpHost, smtpPort, e.addr("lapkin"), "Lapkin <"+e.lapkin()+">")), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if e.cfg, err = config.Load(path, networkSections()...); err != nil {
		t.Fatal(err)
	}

	// The sample roster with the column email, giving Budi his address.
	csv, err := os.ReadFile("sample/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimRight(string(csv), "\n"), "\n") {
		switch {
		case i == 0:
			line += ",email"
		case strings.HasPrefix(line, mailBudi+","):
			line += "," + strings.ToUpper(e.addr("budi")) // the roster's case does not matter
		default:
			line += ","
		}
		b.WriteString(line + "\n")
	}
	rows, err := roster.Read(strings.NewReader(b.String()), "csv")
	if err != nil {
		t.Fatal(err)
	}
	seedSampleCity(t, e.cfg, rows)
	return e
}

// mailBudi is Budi's NIP in sample/roster.csv.
const mailBudi = "198806202014031004"

func (e *mailEnv) addr(user string) string { return user + "@" + e.domain }
func (e *mailEnv) lapkin() string          { return "lapkin+" + e.folder + "@" + e.domain }

func (e *mailEnv) login(user string) *client.Client {
	e.t.Helper()
	c, err := client.Dial(e.imapAddr)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := c.Login(e.addr(user), e.password); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// start runs `lapkin run` until the returned stop is called.
func (e *mailEnv) start() (stop func()) {
	e.t.Helper()
	return startRun(e.t, e.cfg, e.log, slog.LevelDebug)
}

// send mails text from Budi to Lapkin, with an image when png is not nil, and returns its Message-ID.
func (e *mailEnv) send(subject, text string, png []byte) string {
	e.t.Helper()
	m := gomail.NewMsg()
	if err := m.From(e.addr("budi")); err != nil {
		e.t.Fatal(err)
	}
	if err := m.To(e.lapkin()); err != nil {
		e.t.Fatal(err)
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, text+"\n\n-- \nBudi Santoso\nDiskominfo\n")
	if png != nil {
		if err := m.AttachReader("bukti.png", bytes.NewReader(png)); err != nil {
			e.t.Fatal(err)
		}
	}
	id := fmt.Sprintf("<e2e-%d@%s>", time.Now().UnixNano(), e.domain)
	m.SetGenHeader(gomail.HeaderMessageID, id)
	host, port, _ := net.SplitHostPort(e.smtpAddr)
	var p int
	fmt.Sscan(port, &p)
	c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS),
		gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(e.addr("budi")), gomail.WithPassword(e.password))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := c.DialAndSend(m); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// replies waits for the n mails in Budi's inbox that answer the mail id, and returns them raw.
// More than n is an error: each reply is sent once.
func (e *mailEnv) replies(id string, n int) string {
	e.t.Helper()
	c := e.login("budi")
	defer c.Logout()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if _, err := c.Select("INBOX", true); err != nil {
			e.t.Fatal(err)
		}
		seq, err := c.Search(&imap.SearchCriteria{Header: map[string][]string{"In-Reply-To": {id}}})
		if err != nil {
			e.t.Fatal(err)
		}
		if len(seq) >= n {
			set := new(imap.SeqSet)
			set.AddNum(seq...)
			section := &imap.BodySectionName{Peek: true}
			ch := make(chan *imap.Message, len(seq))
			if err := c.Fetch(set, []imap.FetchItem{section.FetchItem()}, ch); err != nil {
				e.t.Fatal(err)
			}
			var all []string
			for m := range ch {
				b, _ := io.ReadAll(m.GetBody(section))
				all = append(all, readable(e.t, b))
			}
			if len(all) != n {
				e.t.Fatalf("%d replies to %s, want %d", len(all), id, n)
			}
			return strings.Join(all, "\n")
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d replies to %s in 30 s, want %d; log:\n%s", len(seq), id, n, e.log.String())
		}
	}
}

// readable is a mail's header and its plain-text parts decoded (quoted-printable, base64).
func readable(t *testing.T, raw []byte) string {
	t.Helper()
	mr, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for f := mr.Header.Fields(); f.Next(); {
		b.WriteString(f.Key() + ": " + f.Value() + "\n")
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomessage.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				body, _ := io.ReadAll(p.Body)
				b.Write(body)
			}
		}
	}
	return b.String()
}

func (e *mailEnv) count(query string, args ...any) int {
	e.t.Helper()
	return countRows(e.t, e.cfg, query, args...)
}

// Issue 23, through `lapkin run` and real servers: Budi, whose roster row gives his address, is
// known from his first mail (no registration), his report is saved and answered in the thread,
// a photo attached is the evidence, and a restart in between loses and repeats nothing.
func TestEmailEndToEnd(t *testing.T) {
	e := newMailEnv(t)
	stop := e.start()
	id := e.send("laporan", "/lapor 3 Verifikasi SPJ #2 90m", nil)
	// Two mails answer the first: the welcome of a person known by their address, and the report.
	got := e.replies(id, 2)
	for _, want := range []string{"Terima kasih, Bapak Budi", "Laporan tercatat", "3 dokumen untuk target #2", "References: " + id} {
		if !strings.Contains(got, want) {
			t.Fatalf("the reply lacks %q:\n%s", want, got)
		}
	}
	stop()

	// Lapkin restarts; the next mail carries a photo, and a free-text line.
	stop = e.start()
	png, err := os.ReadFile("testdata/bukti.png")
	if err != nil {
		t.Fatal(err)
	}
	id = e.send("Pengecekan ruang server", "/lapor 1 Pengecekan ruang server #1", png)
	got = e.replies(id, 1)
	if !strings.Contains(got, "Pengecekan ruang server") || !strings.Contains(got, "📎") {
		t.Fatalf("the photo's report was not answered as one with evidence:\n%s", got)
	}
	stop()

	if n := e.count(`SELECT COUNT(*) FROM reports WHERE nip = ? AND status <> 'deleted'`, mailBudi); n != 2 {
		t.Fatalf("Budi has %d reports, want 2", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM reports r JOIN evidence v ON v.id = r.evidence_id WHERE r.nip = ? AND v.size = ?`, mailBudi, len(png)); n != 1 {
		t.Fatalf("%d reports with the photo as evidence, want 1", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM identities WHERE net = 'email' AND external_id = ? AND employee_nip = ? AND linked_via = 'address'`,
		e.addr("budi"), mailBudi); n != 1 {
		t.Fatal("Budi's address is not linked by the roster's address")
	}
	if strings.Contains(e.log.String(), e.password) {
		t.Fatal("the mail password appears in the log")
	}
}

// Issue 23: `lapkin run` stopped in the middle of a burst of mails and started again handles each
// mail once: every report saved once, every mail answered once, none lost.
func TestEmailBurstWithARestart(t *testing.T) {
	e := newMailEnv(t)
	const n = 30
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.send(fmt.Sprintf("laporan %d", i+1), fmt.Sprintf("/lapor 1 Pemeliharaan jaringan ke-%d #1", i+1), nil)
	}
	reports := func() int {
		return e.count(`SELECT COUNT(*) FROM reports WHERE nip = ? AND status <> 'deleted'`, mailBudi)
	}
	stop := e.start()
	for deadline := time.Now().Add(30 * time.Second); reports() < 5; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no reports after 30 s; log:\n%s", e.log.String())
		}
	}
	stop()
	first := reports()
	stop = e.start()
	for deadline := time.Now().Add(60 * time.Second); reports() < n; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d reports after the restart", reports(), n)
		}
	}
	// Every mail is answered once (the first also with the welcome), after the restart too.
	for i, id := range ids {
		want := 1
		if i == 0 {
			want = 2
		}
		if got := e.replies(id, want); !strings.Contains(got, fmt.Sprintf("ke-%d ", i+1)) {
			t.Fatalf("the reply to mail %d does not name its report:\n%s", i+1, got)
		}
	}
	stop()
	if got := reports(); got != n {
		t.Fatalf("%d reports, want %d (each mail once)", got, n)
	}
	t.Logf("burst of %d mails: %d reports saved before the stop, the rest after the restart", n, first)
}
