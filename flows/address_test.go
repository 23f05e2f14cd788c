package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// mail is a message as a network that names its senders by an address delivers it (e-mail): the
// chat is the address, and the contact says the network vouches for it.
func (h *harness) mail(addr, text string) string {
	h.t.Helper()
	ref := bot.ChatRef{Net: bot.NetConsole, ID: addr}
	m := bot.Message{ID: fmt.Sprintf("m-%s-%d", addr, h.clock.Now().UnixNano()), Chat: ref, Sender: ref, Text: text,
		Contact: &bot.Contact{Address: addr, Implicit: true}, Time: h.clock.Now()}
	h.clock.Advance(time.Second)
	return strings.Join(h.send(m), "\n---\n")
}

// setEmail gives nip the roster address addr, as a roster import with the column email does.
func (h *harness) setEmail(nip, name, phone, addr string) {
	h.t.Helper()
	err := h.st.Update(context.Background(), func(tx *store.Tx) error {
		emp, err := tx.Employee(context.Background(), nip)
		if err != nil {
			return err
		}
		emp.Name, emp.Email = name, addr
		if phone != "" {
			emp.Phone = phone
		}
		return tx.UpsertEmployee(context.Background(), emp, h.clock.Now())
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// A network that names people by an address links the roster's address on its first message, as
// WhatsApp does a number: the report in that message is saved, a stranger's address is told once
// a day how to register, and a roster address that changes drops the link made by the old one.
func TestAddressLinksByRosterEmail(t *testing.T) {
	h := newHarness(t)
	h.setEmail(rina, "Rina Wulandari", "", "rina@diskominfo.example.go.id")

	expect(t, h.mail("rina@diskominfo.example.go.id", "lapor Menata arsip"), "Terima kasih, Ibu Rina", "Laporan tercatat")
	if n := len(h.reports(rina)); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
	expect(t, h.mail("rina@diskominfo.example.go.id", "/progres"), "Ibu Rina")

	got := h.mail("orang@lain.example", "lapor Menata arsip")
	expect(t, got, "Alamat ini belum tercatat", "daftar <NIP> <KODE>")
	if got := h.mail("orang@lain.example", "halo lagi"); got != "" {
		t.Fatalf("a stranger's address was answered twice a day: %q", got)
	}

	// The roster gives Rina another address: the link made by the old one no longer holds.
	h.setEmail(rina, "Rina Wulandari", "", "rina.w@diskominfo.example.go.id")
	got = h.mail("rina@diskominfo.example.go.id", "/progres")
	reject(t, got, "Ibu Rina")
	expect(t, h.mail("rina.w@diskominfo.example.go.id", "/progres"), "Ibu Rina")
}

// on is a message from id on the network net, with the contact that network puts on it.
func (h *harness) on(net, id, text string, c *bot.Contact) {
	h.t.Helper()
	ref := bot.ChatRef{Net: net, ID: id}
	h.send(bot.Message{ID: fmt.Sprintf("%s-%s-%d", net, id, h.clock.Now().UnixNano()), Chat: ref, Sender: ref, Text: text,
		Contact: c, Time: h.clock.Now()})
	h.clock.Advance(time.Minute)
}

// remindersTo runs the reminder at a Jakarta time and returns the networks its reminders to the
// chats of ids wait to be sent on (no transport serves them in this harness, so they stay queued).
func (h *harness) remindersTo(at time.Time, ids ...string) []string {
	h.t.Helper()
	if err := h.eng.RunJob(context.Background(), flows.JobReminder, at); err != nil {
		h.t.Fatal(err)
	}
	var nets []string
	err := h.st.View(context.Background(), func(tx *store.Tx) error {
		due, err := tx.DueOutbox(context.Background(), []string{"tg", "wa", "email"}, at.Add(time.Hour), 1000)
		for _, m := range due {
			if slices.Contains(ids, m.ChatID) && strings.Contains(m.Payload, "⏰") && m.CreatedAt.Equal(at.UTC()) {
				nets = append(nets, m.Net)
			}
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return nets
}

// Issue 23: a person with an account on Telegram, WhatsApp and e-mail gets each notice once, on
// the account they wrote from last.
func TestNoticeGoesOnceToTheAccountUsedLast(t *testing.T) {
	h := newHarness(t)
	const addr, number, tgID = "rina@diskominfo.example.go.id", "6281300000003", "tg-rina"
	h.setEmail(rina, "Rina Wulandari", "", addr)
	h.on("wa", number, "/progres", &bot.Contact{Phone: "+" + number, Own: true, Implicit: true})
	code, _ := h.code(rina)
	h.on("tg", tgID, "/daftar "+rina+" "+code, nil)
	h.on("email", addr, "/progres", &bot.Contact{Address: addr, Implicit: true})
	accounts := h.say(admin, "/pegawai "+rina)
	expect(t, accounts, "WhatsApp", "Telegram", "E-mail")

	ids := []string{addr, number, tgID}
	tuesday := time.Date(2026, 11, 24, 16, 0, 0, 0, jakarta)
	h.clock.Set(tuesday)
	if got := h.remindersTo(tuesday, ids...); !slices.Equal(got, []string{"email"}) {
		t.Fatalf("Tuesday's reminder went to %v, want once, by e-mail (used last)", got)
	}
	h.on("wa", number, "/progres", &bot.Contact{Phone: "+" + number, Own: true, Implicit: true})
	wednesday := time.Date(2026, 11, 25, 16, 0, 0, 0, jakarta)
	h.clock.Set(wednesday)
	if got := h.remindersTo(wednesday, ids...); !slices.Equal(got, []string{"wa"}) {
		t.Fatalf("Wednesday's reminder went to %v, want once, by WhatsApp (used last)", got)
	}
}

// queuedOn returns the texts queued for chat id on net (no transport serves net in this harness).
func (h *harness) queuedOn(net, id string) []string {
	h.t.Helper()
	var out []string
	err := h.st.View(context.Background(), func(tx *store.Tx) error {
		due, err := tx.DueOutbox(context.Background(), []string{net}, h.clock.Now().Add(time.Hour), 1000)
		for _, m := range due {
			if m.ChatID == id {
				out = append(out, m.Payload)
			}
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// Issue 23: with [email] digest_to_heads, the head of an OPD gets its weekly digest by e-mail too,
// text and chart, besides the group; without it, the group alone.
func TestDigestToHeadsByEmailBesidesTheGroup(t *testing.T) {
	for _, on := range []bool{true, false} {
		h := newHarnessWith(t, func(o *flows.Options) {
			if on {
				o.DigestToHeads = []string{"email"}
			}
		})
		ctx := context.Background()
		const addr = "kepala@diskominfo.example.go.id"
		h.setEmail(kepala, "Drs. Ahmad Fauzi, M.Si.", "", addr)
		h.on("email", addr, "/progres", &bot.Contact{Address: addr, Implicit: true})
		h.say(kepala, "/progres") // the console account is the one used last
		if err := h.st.Update(ctx, func(tx *store.Tx) error {
			return tx.BindGroup(ctx, bot.NetConsole, "grup:DISKOMINFO", "DISKOMINFO", admin, monday)
		}); err != nil {
			t.Fatal(err)
		}
		before := len(h.queuedOn("email", addr))
		at := time.Date(2026, 11, 27, 16, 0, 0, 0, jakarta)
		h.clock.Set(at)
		if err := h.eng.RunJob(ctx, flows.JobDigest, at); err != nil {
			t.Fatal(err)
		}
		h.sender.Flush(ctx)
		if got := h.con.Received("grup:DISKOMINFO"); len(got) != 2 {
			t.Fatalf("digest_to_heads %v: the group got %d messages, want the digest and its chart", on, len(got))
		}
		mails := h.queuedOn("email", addr)[before:]
		switch {
		case on && (len(mails) != 2 || !strings.Contains(mails[0], "Rekap mingguan") || !strings.Contains(mails[1], "rekap-diskominfo")):
			t.Fatalf("the head's mail: %q, want the digest and its chart", mails)
		case !on && len(mails) != 0:
			t.Fatalf("without digest_to_heads the head was mailed %q", mails)
		}
		if got := strings.Join(h.con.Received(kepala), "\n"); strings.Contains(got, "Rekap mingguan") {
			t.Fatal("the head got the digest on the console too: the group has it")
		}
	}
}

// Issue 23: a bounce (chat.Returned) of a mail the outbox sent marks that account unreachable, so
// the next notice goes to the person's other account; a bounce that names no mail sent there
// (forged, or not ours) changes nothing.
func TestReturnedMailMakesTheAccountUnreachable(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	const addr, number = "rina@diskominfo.example.go.id", "6281300000003"
	h.setEmail(rina, "Rina Wulandari", "", addr)
	h.on("wa", number, "/progres", &bot.Contact{Phone: "+" + number, Own: true, Implicit: true})
	h.on("email", addr, "/progres", &bot.Contact{Address: addr, Implicit: true})
	ids := []string{addr, number}
	tuesday := time.Date(2026, 11, 24, 16, 0, 0, 0, jakarta)
	h.clock.Set(tuesday)
	if got := h.remindersTo(tuesday, ids...); !slices.Equal(got, []string{"email"}) {
		t.Fatalf("reminder went to %v, want e-mail", got)
	}
	// The outbox sends it by e-mail under an id of its choosing.
	const msgID = "lapkin.1.abc@kota.example.go.id"
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		due, err := tx.DueOutbox(ctx, []string{"email"}, tuesday.Add(time.Hour), 100)
		if err != nil {
			return err
		}
		for _, m := range due {
			if m.ChatID == addr {
				if _, err := tx.SetOutboxMsgID(ctx, m.ID, msgID); err != nil {
					return err
				}
				if err := tx.MarkSent(ctx, m.ID, tuesday); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bounce := func(id string) {
		ref := bot.ChatRef{Net: "email", ID: "mailer-daemon@kota.example.go.id"}
		h.send(bot.Message{ID: "dsn-" + id, Chat: ref, Sender: ref, Time: h.clock.Now(),
			Returned: &chat.Returned{To: bot.ChatRef{Net: "email", ID: addr}, MsgID: id, Reason: "550 5.1.1 User unknown"}})
	}
	bounce("lapkin.forged@elsewhere.example") // names nothing sent: nothing changes
	wednesday := time.Date(2026, 11, 25, 16, 0, 0, 0, jakarta)
	h.clock.Set(wednesday)
	if got := h.remindersTo(wednesday, ids...); !slices.Equal(got, []string{"email"}) {
		t.Fatalf("after a forged bounce the reminder went to %v, want e-mail still", got)
	}
	bounce(msgID)
	thursday := time.Date(2026, 11, 26, 16, 0, 0, 0, jakarta)
	h.clock.Set(thursday)
	if got := h.remindersTo(thursday, ids...); !slices.Equal(got, []string{"wa"}) {
		t.Fatalf("after the bounce the reminder went to %v, want WhatsApp", got)
	}
	if got := h.con.Received("mailer-daemon@kota.example.go.id"); len(got) != 0 {
		t.Fatalf("the bounce was answered: %q", got)
	}
}
