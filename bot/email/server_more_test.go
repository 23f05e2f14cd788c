package email

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
)

func TestServerUnknownRecipientIsUnreachable(t *testing.T) {
	s := needServers(t)
	tr, _ := newPair(t, s.config("INBOX"))
	err := tr.Send(context.Background(), bot.Reply{To: bot.ChatRef{Net: NetEmail, ID: "nobody@elsewhere.invalid"}, Text: "Pengingat"})
	if code, _ := bot.ErrorCode(err); code != bot.Unreachable {
		t.Fatalf("send to an address the server refuses: %v (code %s), want %s", err, code, bot.Unreachable)
	}
	err = tr.Send(context.Background(), bot.Reply{To: bot.ChatRef{Net: NetEmail, ID: "not an address"}, Text: "x"})
	if code, _ := bot.ErrorCode(err); code != bot.Rejected {
		t.Fatalf("send to a non-address: %v, want %s", err, bot.Rejected)
	}
}

func TestServerWrongPasswordHoldsTheNetwork(t *testing.T) {
	s := needServers(t)
	cfg := s.config("INBOX")
	cfg.SMTP.Password = "wrong-password"
	tr, _ := newPair(t, cfg)
	err := tr.Send(context.Background(), bot.Reply{To: bot.ChatRef{Net: NetEmail, ID: s.addr("budi")}, Text: "x"})
	var be *bot.Error
	if !errors.As(err, &be) || be.Code != bot.RetryLater || be.Scope != bot.ScopeNetwork || be.Wait == 0 {
		t.Fatalf("wrong password: %v, want a network-wide RetryLater", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("the password is in the error: %v", err)
	}
	if h := tr.Health(); h.State != bot.StateDisconnected || !strings.Contains(h.Detail, "password") {
		t.Errorf("health %+v", h)
	}
	// The IMAP side says which setting to fix, and stops.
	cfg = s.config("INBOX")
	cfg.IMAP.Password = "wrong-password"
	tr2, rc := newPair(t, cfg)
	err = rc.Receive(context.Background(), newRecorder().submit)
	if !errors.Is(err, ErrLogin) || strings.Contains(err.Error(), "wrong-password") {
		t.Fatalf("Receive with a wrong password: %v", err)
	}
	// The transport's Health tells of its receiver's refusal too.
	if h := tr2.Health(); h.State != bot.StateDisconnected || !strings.Contains(h.Detail, "email.imap.user") {
		t.Errorf("health after the IMAP refusal %+v", h)
	}
}

func TestServerStrangerGetsOneReplyADay(t *testing.T) {
	s := needServers(t)
	out := s.folder(t, "siti", "stranger")
	clk := bot.NewManualClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	tr, _, err := New(s.config("INBOX"), Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	to := bot.ChatRef{Net: NetEmail, ID: "siti+" + out + "@" + s.domain}
	for i := range 3 {
		if err := tr.Send(context.Background(), bot.Reply{To: to, Text: fmt.Sprintf("Alamat Anda belum terdaftar (%d)", i), Priority: bot.PriorityStranger}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(24 * time.Hour)
	if err := tr.Send(context.Background(), bot.Reply{To: to, Text: "Alamat Anda belum terdaftar (besok)", Priority: bot.PriorityStranger}); err != nil {
		t.Fatal(err)
	}
	mails := s.waitMails(t, "siti", out, 2)
	time.Sleep(500 * time.Millisecond)
	if got := s.waitMails(t, "siti", out, 2); len(got) != 2 {
		t.Fatalf("%d mails", len(got))
	}
	if !bytes.Contains(mails[0], []byte("(0)")) || !bytes.Contains(mails[1], []byte("(besok)")) {
		t.Errorf("mails:\n%s\n---\n%s", mails[0], mails[1])
	}
	c := s.login(t, "siti")
	defer c.Logout()
	if mb, _ := c.Select(out, true); mb.Messages != 2 {
		t.Errorf("%d mails in the folder, want 2 (one a day)", mb.Messages)
	}
}

func TestServerMailOverTheLimitAndAutomaticMail(t *testing.T) {
	s := needServers(t)
	folder := s.folder(t, "lapkin", "big")
	cfg := s.config(folder)
	cfg.MaxMessageBytes = 20 << 10
	_, rc := newPair(t, cfg)
	h := newRecorder()

	big := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff, 0xd8, 1, 2}, 20000))
	raw := strings.ReplaceAll(`From: budi@lapkin.test
Subject: /lapor pemeliharaan server 2 jam
Message-ID: <big-1@lapkin.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="B"

--B
Content-Type: text/plain

foto terlampir
--B
Content-Type: image/jpeg; name="server.jpg"
Content-Disposition: attachment; filename="server.jpg"
Content-Transfer-Encoding: base64

`+big+`
--B--
`, "\n", "\r\n")
	auto := "From: budi@lapkin.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <ooo-1@lapkin.test>\r\n\r\nSaya sedang cuti.\r\n"
	c := s.login(t, "lapkin")
	s.appendMail(t, c, folder, []byte(auto))
	s.appendMail(t, c, folder, []byte(raw))
	c.Logout()
	start(t, rc, h)

	got := h.wait(t, 1)[0]
	if got.ID != "big-1@lapkin.test" || got.Photo == nil || got.Photo.Data != nil || got.Photo.Size < 20<<10 || got.Photo.MIME != "image/jpeg" {
		t.Fatalf("big mail: %+v photo %+v", got, got.Photo)
	}
	if got.Text != "/lapor pemeliharaan server 2 jam" {
		t.Errorf("text %q", got.Text)
	}
	waitFor(t, func() bool { return len(s.unseen(t, "lapkin", folder)) == 0 }, "both mails marked \\Seen")
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.calls["ooo-1@lapkin.test"] != 0 {
		t.Errorf("an automatic mail reached the handler")
	}
}

func TestServerMailThatAlwaysFailsBecomesADeadLetter(t *testing.T) {
	s := needServers(t)
	folder := s.folder(t, "lapkin", "dead")
	_, rc := newPair(t, s.config(folder))
	rc.retryWait, rc.maxAttempts = 200*time.Millisecond, 3
	h := newRecorder()
	h.fail = func(m bot.Message, call int) bool { return m.Failed == nil }
	c := s.login(t, "lapkin")
	s.appendMail(t, c, folder, rawMail(s.addr("budi"), "dead-1@"+s.domain, "rapat 1 jam"))
	c.Logout()
	start(t, rc, h)

	got := h.wait(t, 1)[0]
	if got.Failed == nil || got.Failed.Kind != bot.FailHandler || got.ID != "dead-1@"+s.domain || got.Sender.ID != s.addr("budi") {
		t.Fatalf("dead letter: %+v", got)
	}
	if !strings.Contains(got.Failed.Reason, "3 times") || !bytes.Contains(got.Failed.Raw, []byte("Message-ID: <dead-1@")) {
		t.Errorf("failure %q raw %q", got.Failed.Reason, got.Failed.Raw)
	}
	waitFor(t, func() bool { return len(s.unseen(t, "lapkin", folder)) == 0 }, "the dead letter marked \\Seen")
}

// The TLS modes offices use, against Dovecot with a throwaway certificate: IMAPS (993's implicit
// TLS), IMAP with STARTTLS, submission with STARTTLS (587) and over implicit TLS (465). Without the
// certificate's CA the connection is refused.
func TestServerTLSModes(t *testing.T) {
	s := needServers(t)
	imaps, smtps, caFile := os.Getenv("LAPKIN_TEST_IMAPS"), os.Getenv("LAPKIN_TEST_SMTPS"), os.Getenv("LAPKIN_TEST_MAIL_CA")
	if imaps == "" || smtps == "" || caFile == "" {
		t.Skip("the mail servers were started without TLS listeners (LAPKIN_TEST_IMAPS, LAPKIN_TEST_SMTPS, LAPKIN_TEST_MAIL_CA)")
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in " + caFile)
	}
	port := func(addr string) int {
		_, p, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(p)
		return n
	}
	for _, mode := range []struct {
		name               string
		imapTLS, smtpTLS   TLSMode
		imapPort, smtpPort int
	}{
		{"implicit", TLSImplicit, TLSImplicit, port(imaps), port(smtps)},
		{"starttls", TLSStartTLS, TLSStartTLS, s.imapPort, s.smtpPort},
	} {
		t.Run(mode.name, func(t *testing.T) {
			in := s.folder(t, "lapkin", "tls"+mode.name)
			cfg := s.config(in)
			cfg.IMAP.TLS, cfg.IMAP.Port = mode.imapTLS, mode.imapPort
			cfg.SMTP.TLS, cfg.SMTP.Port = mode.smtpTLS, mode.smtpPort
			tr, rc := newPair(t, cfg)
			tr.rootCAs, rc.rootCAs = roots, roots
			h := newRecorder()
			start(t, rc, h)
			// In over TLS.
			c := s.login(t, "lapkin")
			s.appendMail(t, c, in, rawMail(s.addr("budi"), "tls-"+in+"@"+s.domain, "rapat lewat TLS 1 jam"))
			c.Logout()
			if got := h.wait(t, 1)[0]; got.Text != "rapat lewat TLS 1 jam" {
				t.Errorf("text %q", got.Text)
			}
			// Out over TLS, read back from Budi's folder.
			out := s.folder(t, "budi", "tls"+mode.name)
			to := bot.ChatRef{Net: NetEmail, ID: "budi+" + out + "@" + s.domain}
			if err := tr.Send(context.Background(), bot.Reply{To: to, Text: "Laporan tercatat (TLS)"}); err != nil {
				t.Fatalf("send over %s: %v", mode.name, err)
			}
			if raw := s.waitMails(t, "budi", out, 1)[0]; !bytes.Contains(raw, []byte("Laporan tercatat (TLS)")) {
				t.Errorf("read back:\n%s", raw)
			}

			// Without the CA: refused, on both sides.
			tr2, rc2 := newPair(t, cfg)
			err := tr2.Send(context.Background(), bot.Reply{To: to, Text: "x"})
			if err == nil {
				t.Errorf("SMTP %s accepted an unknown certificate", mode.name)
			}
			if _, err := rc2.dialIMAP(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("IMAP %s with an unknown certificate: %v", mode.name, err)
			}
		})
	}
}

// A new mail wakes an IDLE at once, long before the poll interval; without IDLE the mailbox is
// polled every PollInterval.
func TestServerIdleWakesAndPollingFinds(t *testing.T) {
	s := needServers(t)
	for _, mode := range []struct {
		name   string
		noIdle bool
		poll   time.Duration
	}{
		{"idle", false, time.Hour},
		{"poll", true, 300 * time.Millisecond},
	} {
		t.Run(mode.name, func(t *testing.T) {
			folder := s.folder(t, "lapkin", mode.name)
			_, rc := newPair(t, s.config(folder))
			rc.noIdle, rc.cfg.PollInterval = mode.noIdle, mode.poll
			h := newRecorder()
			start(t, rc, h)
			time.Sleep(300 * time.Millisecond) // the receiver is waiting now
			c := s.login(t, "lapkin")
			s.appendMail(t, c, folder, rawMail(s.addr("budi"), mode.name+"-"+folder+"@"+s.domain, "rapat 1 jam"))
			c.Logout()
			at := time.Now()
			h.wait(t, 1)
			if d := time.Since(at); d > 3*time.Second {
				t.Errorf("the mail took %s to arrive", d)
			}
		})
	}
}
