package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
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
