package whatsapp

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

const (
	budiNIP   = "198806202014031004"
	kepalaNIP = "197001011995031001"
)

// live is the WhatsApp adapter in front of the real runtime: router, flows and a SQLite store in
// a temp dir. Only the network is fake.
type live struct {
	*testAdapter
	st     *store.Store
	router *bot.Router
}

func newLive(t testing.TB) *live {
	t.Helper()
	ctx := context.Background()
	ta := newTestAdapter(t, Config{})
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertOPD(ctx, store.OPD{Code: "DISKOMINFO", Name: "Dinas Komunikasi dan Informatika"}, monday); err != nil {
			return err
		}
		for _, e := range []store.Employee{
			{NIP: kepalaNIP, Name: "Drs. Ahmad Fauzi, M.Si.", Position: "Kepala Dinas", OPDCode: "DISKOMINFO", Role: store.RoleKepala, Phone: "6281100000001"},
			{NIP: budiNIP, Name: "Budi Santoso", Position: "Pranata Komputer", OPDCode: "DISKOMINFO", SupervisorNIP: kepalaNIP, Phone: "6281200000002"},
		} {
			if err := tx.UpsertEmployee(ctx, e, monday); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	eng := flows.New(st, ta.clock, catalog.Must(), flows.Options{Location: jakarta, Language: "id", EvidenceDir: filepath.Join(dir, "evidence")}, quiet)
	router := bot.NewRouter(eng, quiet)
	ta.submit = router.Submit
	t.Cleanup(func() { router.Close(); st.Close() })
	return &live{testAdapter: ta, st: st, router: router}
}

// outbox returns the texts queued for a chat, oldest first.
func (l *live) outbox(t *testing.T, chat string) []string {
	t.Helper()
	var out []string
	err := l.st.View(context.Background(), func(tx *store.Tx) error {
		due, err := tx.DueOutbox(context.Background(), []string{bot.NetWhatsApp}, l.clock.Now().Add(time.Hour), 1000)
		for _, m := range due {
			if m.ChatID == chat {
				r, err := bot.DecodeReply(m)
				if err != nil {
					return err
				}
				out = append(out, r.Text)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (l *live) linkedTo(t *testing.T, id string) string {
	t.Helper()
	var nip string
	_ = l.st.View(context.Background(), func(tx *store.Tx) error {
		i, err := tx.LookupIdentity(context.Background(), bot.NetWhatsApp, id)
		nip = i.NIP
		return err
	})
	return nip
}

func TestFirstMessageRegistersAndRedeliveryIsIgnored(t *testing.T) {
	t.Parallel()
	l := newLive(t)
	// Budi writes for the first time, from his LID: the number behind it is in the roster.
	first := msgEvent("3A0001", budiLID, budiLID, budiPN, text("Selamat pagi"))
	if !l.onEvent(first) {
		t.Fatal("not acknowledged")
	}
	if nip := l.linkedTo(t, "6281200000002"); nip != budiNIP {
		t.Fatalf("number linked to %q, want Budi %s", nip, budiNIP)
	}
	got := l.outbox(t, "6281200000002")
	if len(got) != 1 || !strings.Contains(got[0], "Bapak Budi") || !strings.Contains(got[0], budiNIP) {
		t.Fatalf("replies %q, want one greeting by name", got)
	}

	// WhatsApp delivers the same message again (the ack was lost): nothing happens twice.
	if !l.onEvent(first) {
		t.Error("a redelivery must be acknowledged")
	}
	if got := l.outbox(t, "6281200000002"); len(got) != 1 {
		t.Errorf("after a redelivery: %d replies, want still 1", len(got))
	}

	// A command without its slash works as on any network.
	l.onEvent(msgEvent("3A0002", budiPN, budiPN, types.EmptyJID, text("bantuan")))
	got = l.outbox(t, "6281200000002")
	if len(got) != 2 || !strings.Contains(got[1], "lapor") {
		t.Errorf("replies %q, want the help after the greeting", got)
	}

	// A document sent as evidence is refused plainly, and nothing is recorded.
	doc := &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("lapor 1 Menyusun SPJ"), FileName: proto.String("spj.pdf")}}
	if !l.onEvent(msgEvent("3A0003", budiPN, budiPN, types.EmptyJID, doc)) {
		t.Fatal("not acknowledged")
	}
	got = l.outbox(t, "6281200000002")
	if last := got[len(got)-1]; !strings.Contains(last, "dokumen") || !strings.Contains(last, "foto") {
		t.Errorf("reply to a document: %q, want a refusal naming the document and asking for a photo", last)
	}
	var n int
	_ = l.st.View(context.Background(), func(tx *store.Tx) error {
		rs, err := tx.ReportDates(context.Background(), budiNIP, "2026-11-01", "2026-11-30")
		n = len(rs)
		return err
	})
	if n != 0 {
		t.Errorf("%d report days recorded from a refused document", n)
	}
}

func TestFirstMessageThatIsACommandIsCarriedOut(t *testing.T) {
	t.Parallel()
	l := newLive(t)
	l.onEvent(msgEvent("3B0001", budiPN, budiPN, types.EmptyJID, text("riwayat")))
	got := l.outbox(t, "6281200000002")
	if len(got) != 2 || !strings.Contains(got[0], "Budi") {
		t.Fatalf("replies %q, want the greeting and then the history", got)
	}
}

func TestUnknownNumberGetsHelpOncePerDay(t *testing.T) {
	t.Parallel()
	l := newLive(t)
	stranger := types.NewJID("6289999999999", types.DefaultUserServer)
	for i, s := range []string{"halo", "lapor 3 sesuatu", "P", "bantuan"} {
		if !l.onEvent(msgEvent("3C000"+string(rune('1'+i)), stranger, stranger, types.EmptyJID, text(s))) {
			t.Fatal("not acknowledged")
		}
	}
	got := l.outbox(t, "6289999999999")
	if len(got) != 1 || !strings.Contains(got[0], "belum tercatat") || !strings.Contains(got[0], "daftar <NIP> <KODE>") {
		t.Fatalf("replies %q, want the registration help once", got)
	}
	if nip := l.linkedTo(t, "6289999999999"); nip != "" {
		t.Errorf("an unknown number was linked to %s", nip)
	}
	// The next day, one more.
	l.clock.Advance(24 * time.Hour)
	l.onEvent(msgEvent("3C0009", stranger, stranger, types.EmptyJID, text("halo lagi")))
	if got := l.outbox(t, "6289999999999"); len(got) != 2 {
		t.Errorf("next day: %d replies, want 2", len(got))
	}
	// A code from an admin still works for a number not in the roster.
	l.onEvent(msgEvent("3C0010", stranger, stranger, types.EmptyJID, text("daftar 198806202014031004 ABCDEF")))
	got = l.outbox(t, "6289999999999")
	if len(got) != 3 || !strings.Contains(got[2], "Kode pendaftaran tidak cocok") {
		t.Errorf("replies %q, want the code checked", got)
	}
}

func TestGroupBindByNumberWithoutPrivateChat(t *testing.T) {
	t.Parallel()
	l := newLive(t)
	kepala := types.NewJID("6281100000001", types.DefaultUserServer)
	// The head never wrote to the bot in private; in the group WhatsApp names him by his LID.
	kepalaLID := types.NewJID("55550000111122", types.HiddenUserServer)
	l.onEvent(msgEvent("3D0001", group, kepalaLID, kepala, text("/hubungkan DISKOMINFO")))
	got := l.outbox(t, "120363025246125486@g.us")
	if len(got) != 1 || !strings.Contains(got[0], "DISKOMINFO") {
		t.Fatalf("group replies %q, want the binding confirmed", got)
	}
	var opd string
	_ = l.st.View(context.Background(), func(tx *store.Tx) (err error) {
		opd, err = tx.GroupOPD(context.Background(), bot.NetWhatsApp, "120363025246125486@g.us")
		return err
	})
	if opd != "DISKOMINFO" {
		t.Errorf("group bound to %q", opd)
	}
	if nip := l.linkedTo(t, "6281100000001"); nip != "" {
		t.Error("a group message must not link the head's private chat: he has not written to the bot there")
	}
}

// BenchmarkIntake is one WhatsApp message from a registered person through the whole intake:
// conversion, the router, the flows (a quick report), the commit on SQLite, then the ack.
func BenchmarkIntake(b *testing.B) {
	l := newLive(b)
	l.onEvent(msgEvent("BENCH0", budiPN, budiPN, types.EmptyJID, text("halo"))) // links Budi
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !l.onEvent(msgEvent("BENCH"+strconv.Itoa(i+1), budiPN, budiPN, types.EmptyJID, text("lapor Rapat koordinasi"))) {
			b.Fatal("not acknowledged")
		}
	}
}

func TestUnresolvedLIDIsTreatedAsAnUnknownNumber(t *testing.T) {
	t.Parallel()
	l := newLive(t)
	lid := types.NewJID("77778888999900", types.HiddenUserServer)
	for i := 0; i < 3; i++ {
		l.onEvent(msgEvent("3E000"+strconv.Itoa(i), lid, lid, types.EmptyJID, text("halo")))
	}
	if got := l.outbox(t, "77778888999900@lid"); len(got) != 1 || !strings.Contains(got[0], "belum tercatat") {
		t.Errorf("replies %q, want the registration help once", got)
	}
}

// Free text on WhatsApp (issue 20): work typed the way people type is saved, a question comes
// as a numbered list (WhatsApp has no buttons) answered by a number, chat gets a short greeting,
// and a voice note is answered with what to do instead.
func TestFreeTextOnWhatsApp(t *testing.T) {
	t.Parallel()
	l := newLive(t)
	ctx := context.Background()
	signed := time.Date(2026, 1, 5, 10, 0, 0, 0, jakarta)
	err := l.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.AddContract(ctx, store.Contract{NIP: budiNIP, Year: 2026, Status: store.ContractSigned, SignedAt: &signed,
			Targets: []store.Target{
				{Description: "Pemeliharaan server", Quantity: 12, Unit: "laporan", DueDate: "2026-12-31"},
				{Description: "Verifikasi SPJ", Quantity: 120, Unit: "dokumen", DueDate: "2026-12-31"},
			}}, monday)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const chat = "6281200000002"
	last := func() string {
		got := l.outbox(t, chat)
		if len(got) == 0 {
			return ""
		}
		return got[len(got)-1]
	}
	l.onEvent(msgEvent("3F0001", budiPN, budiPN, types.EmptyJID, text("sudah verifikasi lima berkas spj 45 menit")))
	if got := last(); !strings.Contains(got, "5 dokumen untuk target #2") || !strings.Contains(got, "45 mnt") {
		t.Fatalf("reply %q, want the report saved towards #2", got)
	}
	l.onEvent(msgEvent("3F0002", budiPN, budiPN, types.EmptyJID, text("periksa server")))
	q := last()
	for _, want := range []string{"Untuk target yang mana", "1. Pemeliharaan server", "0. Tanpa target", "Balas dengan angka"} {
		if !strings.Contains(q, want) {
			t.Fatalf("question %q lacks %q", q, want)
		}
	}
	l.onEvent(msgEvent("3F0003", budiPN, budiPN, types.EmptyJID, text("1")))
	if got := last(); !strings.Contains(got, "1 laporan untuk target #1") {
		t.Fatalf("reply %q, want the report saved towards #1", got)
	}
	l.onEvent(msgEvent("3F0004", budiPN, budiPN, types.EmptyJID, &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true)}}))
	if got := last(); !strings.Contains(got, "Ketik saja kegiatannya") {
		t.Fatalf("reply to a voice note %q", got)
	}
	var n int
	_ = l.st.View(ctx, func(tx *store.Tx) error {
		rs, err := tx.ReportsBetween(ctx, budiNIP, "2026-11-01", "2026-11-30")
		n = len(rs)
		return err
	})
	if n != 2 {
		t.Fatalf("%d reports, want 2", n)
	}
}
