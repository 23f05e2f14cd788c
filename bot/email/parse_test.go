package email

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestCleanBodyCutsQuotesAndSignatures(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"gt quote", "rapat koordinasi 2 jam\n\n> kemarin Anda menulis\n> sesuatu", "rapat koordinasi 2 jam"},
		{"english attribution", "/lapor 3 surat\n\nOn Mon, 7 Dec 2026 at 09:00, Lapkin <lapkin@x.go.id> wrote:\n> Laporan tercatat", "/lapor 3 surat"},
		{"wrapped attribution", "menyusun notula\nOn Mon, 7 Dec 2026 at 09:00 Lapkin <\nlapkin@x.go.id> wrote:\n> hi", "menyusun notula"},
		{"indonesian attribution", "verifikasi 10 berkas\n\nPada Sen, 7 Des 2026 pukul 09.00 Lapkin <lapkin@x.go.id> menulis:\n> Laporan", "verifikasi 10 berkas"},
		{"signature", "rapat 1 jam\n-- \nBudi Santoso\nDinas Kominfo", "rapat 1 jam"},
		{"outlook", "rekap 5 surat\n\n-----Original Message-----\nFrom: Lapkin", "rekap 5 surat"},
		{"sent from phone", "rapat 1 jam\n\nSent from my iPhone", "rapat 1 jam"},
		{"dikirim dari", "rapat 1 jam\nDikirim dari Yahoo Mail di Android", "rapat 1 jam"},
		{"two lines kept", "1. rapat 1 jam\n2. surat 3 buah", "1. rapat 1 jam\n2. surat 3 buah"},
		{"pada in text is not a quote", "pada pagi hari rapat 2 jam", "pada pagi hari rapat 2 jam"},
		{"only quote", "> old", ""},
	}
	for _, c := range cases {
		if got := cleanBody(c.in); got != c.want {
			t.Errorf("%s: cleanBody = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestParsePlainReport(t *testing.T) {
	raw := crlf(`From: "Budi Santoso" <Budi.Santoso@Bekasikota.go.id>
To: lapkin@bekasikota.go.id
Subject: Re: Laporan harian
Message-ID: <abc123@mail.example>
References: <first@lapkin> <second@lapkin>
Date: Mon, 7 Dec 2026 09:00:00 +0700
Content-Type: text/plain; charset=utf-8

rapat koordinasi 2 jam

Pada Sen, 7 Des 2026 Lapkin <lapkin@bekasikota.go.id> menulis:
> Laporan tercatat.
`)
	m, err := parseMail(raw, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "budi.santoso@bekasikota.go.id" || m.ID != "abc123@mail.example" || m.Text != "rapat koordinasi 2 jam" {
		t.Fatalf("got %+v", m)
	}
	if got := strings.Join(m.Refs, " "); got != "first@lapkin second@lapkin abc123@mail.example" {
		t.Errorf("refs = %q", got)
	}
	if m.Auto != "" || m.Problem != "" {
		t.Errorf("auto %q problem %q", m.Auto, m.Problem)
	}
}

func TestParseSubjectOnlyAndSlashSubject(t *testing.T) {
	m, _ := parseMail(crlf("From: a@b.id\nSubject: Fwd: RE: /lapor 3 surat masuk\nMessage-ID: <1@b>\n\n"), 1<<20)
	if m.Text != "/lapor 3 surat masuk" {
		t.Errorf("subject only: %q", m.Text)
	}
	m, _ = parseMail(crlf("From: a@b.id\nSubject: /lapor\nMessage-ID: <2@b>\n\nrapat 2 jam\n"), 1<<20)
	if m.Text != "/lapor\nrapat 2 jam" {
		t.Errorf("slash subject + body: %q", m.Text)
	}
	m, _ = parseMail(crlf("From: a@b.id\nSubject: Laporan\nMessage-ID: <3@b>\n\nrapat 2 jam\n"), 1<<20)
	if m.Text != "rapat 2 jam" {
		t.Errorf("body wins over a plain subject: %q", m.Text)
	}
}

func TestParseHTMLOnly(t *testing.T) {
	raw := crlf(`From: a@b.id
Subject: x
Message-ID: <h@b>
Content-Type: text/html; charset=utf-8

<html><head><style>p{color:red}</style></head><body><p>rapat&nbsp;koordinasi 2&nbsp;jam</p><div>surat &amp; notula</div>
<div class="gmail_quote">On Mon wrote:<blockquote>old</blockquote></div></body></html>
`)
	m, err := parseMail(raw, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "rapat koordinasi 2 jam\nsurat & notula" || !m.OnlyHTML {
		t.Errorf("html-only: %q (onlyHTML %v)", m.Text, m.OnlyHTML)
	}
}

func TestParseCharsets(t *testing.T) {
	// ISO-8859-1 "Laporan: rapat di ruang ‘Garuda’ café" with é as 0xE9.
	raw := append(crlf("From: a@b.id\nSubject: =?iso-8859-1?q?caf=E9?=\nMessage-ID: <c@b>\nContent-Type: text/plain; charset=iso-8859-1\n\nrapat di caf"), 0xe9, '\r', '\n')
	m, err := parseMail(raw, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "rapat di café" || m.Subject != "café" {
		t.Errorf("latin-1: text %q subject %q", m.Text, m.Subject)
	}
	// An unknown charset: the bytes are kept where valid UTF-8, replaced where not; never a crash.
	raw = append(crlf("From: a@b.id\nSubject: x\nMessage-ID: <d@b>\nContent-Type: text/plain; charset=x-unknown-42\n\nrapat "), 0xff, 0xfe, '\r', '\n')
	m, err = parseMail(raw, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Text, "rapat") || !m.Charset || !utf8Valid(m.Text) {
		t.Errorf("unknown charset: %q charset=%v", m.Text, m.Charset)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

func TestParseNoTextIsAProblem(t *testing.T) {
	m, err := parseMail(crlf("From: a@b.id\nMessage-ID: <e@b>\n\n\n-- \nBudi\n"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Problem == "" {
		t.Errorf("an empty mail must be a problem: %+v", m)
	}
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n fake image bytes for the tests")

func mailWithAttachment(ct, name string, data []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString(data)
	return crlf(fmt.Sprintf(`From: budi@b.id
Subject: bukti
Message-ID: <att@b>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8

pemeliharaan jaringan 3 jam
--XX
Content-Type: %s; name="%s"
Content-Disposition: attachment; filename="%s"
Content-Transfer-Encoding: base64

%s
--XX--
`, ct, name, name, b64))
}

func TestParseImageAttachmentIsThePhoto(t *testing.T) {
	m, err := parseMail(mailWithAttachment("image/png", "bukti.png", pngBytes), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Photo == nil || !bytes.Equal(m.Photo.Data, pngBytes) || m.Photo.Name != "bukti.png" || m.Photo.MIME != "image/png" {
		t.Fatalf("photo = %+v", m.Photo)
	}
	if m.Text != "pemeliharaan jaringan 3 jam" {
		t.Errorf("text %q", m.Text)
	}
}

func TestParseImageOverTheLimitKeepsOnlyItsSize(t *testing.T) {
	big := bytes.Repeat([]byte{7}, 5000)
	m, _ := parseMail(mailWithAttachment("image/jpeg", "besar.jpg", big), 1000)
	if m.Photo == nil || m.Photo.Data != nil || m.Photo.Size != 5000 {
		t.Fatalf("photo = %+v", m.Photo)
	}
}

func TestParseAttachmentNameIsOnlyAName(t *testing.T) {
	m, _ := parseMail(mailWithAttachment("image/png", "../../etc/x\\evil\x01.png", pngBytes), 1<<20)
	if m.Photo == nil || m.Photo.Name != "evil.png" {
		t.Fatalf("name %q", m.Photo.Name)
	}
}

func TestParseDocumentIsUnsupported(t *testing.T) {
	m, _ := parseMail(mailWithAttachment("application/pdf", "surat.pdf", []byte("%PDF-1.4")), 1<<20)
	if m.Photo != nil || m.Unsup != mediaDocument {
		t.Fatalf("unsupported = %q photo %v", m.Unsup, m.Photo)
	}
}

func TestParseAutomaticMail(t *testing.T) {
	for _, h := range []string{
		"From: budi@b.id\nAuto-Submitted: auto-replied\n",
		"From: budi@b.id\nPrecedence: bulk\n",
		"From: MAILER-DAEMON@b.id\n",
		"From: budi@b.id\nList-Id: <x.b.id>\n",
	} {
		m, _ := parseMail(crlf(h+"Subject: Out of office\nMessage-ID: <o@b>\n\nI am away\n"), 1<<20)
		if m.Auto == "" {
			t.Errorf("not seen as automatic: %q", h)
		}
	}
}

func TestParseWithoutMessageIDIsStable(t *testing.T) {
	raw := crlf("From: a@b.id\nSubject: rapat\nDate: Mon, 7 Dec 2026 09:00:00 +0700\n\nrapat 1 jam\n")
	a, _ := parseMail(raw, 1<<20)
	b, _ := parseMail(raw, 1<<20)
	if a.ID == "" || a.ID != b.ID {
		t.Errorf("ids %q %q", a.ID, b.ID)
	}
}

func TestParseGarbageNeverPanics(t *testing.T) {
	for _, raw := range [][]byte{nil, []byte("\x00\x01"), []byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nbroken"),
		crlf("From: a@b.id\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64")} {
		_, _ = parseMail(raw, 100)
	}
}

func FuzzParseMail(f *testing.F) {
	f.Add(mailWithAttachment("image/png", "a.png", pngBytes))
	f.Add(crlf("From: a@b.id\nSubject: x\n\nrapat\n> q\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parseMail(raw, 1<<16)
		if err == nil && !utf8Valid(m.Text) {
			t.Errorf("text not UTF-8: %q", m.Text)
		}
	})
}

// A delivery report (RFC 3464, as Postfix and Exchange send them) names the recipient that
// failed and returns the header of Lapkin's mail: both are read, and the mail stays automatic
// (never answered). A delay notice names nothing.
func TestParseBounce(t *testing.T) {
	dsn := func(action string) []byte {
		return crlf(`From: MAILER-DAEMON@mail.bekasikota.go.id (Mail Delivery System)
To: lapkin@bekasikota.go.id
Subject: Undelivered Mail Returned to Sender
Message-ID: <20261208.ABC@mail.bekasikota.go.id>
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.bekasikota.go.id

Final-Recipient: rfc822; Budi.Lama@bekasikota.go.id
Original-Recipient: rfc822;budi.lama@bekasikota.go.id
Action: ` + action + `
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <budi.lama@bekasikota.go.id>:
    Recipient address rejected: User unknown

--B
Content-Type: text/rfc822-headers

From: Lapkin <lapkin@bekasikota.go.id>
To: budi.lama@bekasikota.go.id
Subject: Lapkin: Pengingat
Message-ID: <lapkin.1796.abcdef@bekasikota.go.id>

--B--
`)
	}
	m, err := parseMail(dsn("failed"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Returned == nil || m.Returned.To.ID != "budi.lama@bekasikota.go.id" || m.Returned.MsgID != "lapkin.1796.abcdef@bekasikota.go.id" ||
		!strings.Contains(m.Returned.Reason, "User unknown") {
		t.Fatalf("returned = %+v", m.Returned)
	}
	if m.Auto == "" {
		t.Error("a bounce is not marked automatic")
	}
	if m, _ := parseMail(dsn("delayed"), 1<<20); m.Returned != nil {
		t.Errorf("a delay notice returned %+v", m.Returned)
	}
}
