package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapkin-id/lapkin/bot"
)

var jakarta = func() *time.Location {
	l, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return l
}()

// Monday 23 November 2026, 09:00 in Jakarta.
var monday = time.Date(2026, 11, 23, 9, 0, 0, 0, jakarta)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// JIDs of the tests: Budi's phone and his LID, a group, and the bot's own number.
var (
	budiPN  = types.NewJID("6281200000002", types.DefaultUserServer)
	budiLID = types.NewJID("98765432109876", types.HiddenUserServer)
	group   = types.NewJID("120363025246125486", types.GroupServer)
)

// testAdapter is the transport on a real session file in a temp dir, with a fake client: what
// whatsmeow would do on the network is the fake's, everything else is real.
type testAdapter struct {
	*WhatsApp
	fake  *fakeClient
	clock *bot.ManualClock
	path  string

	mu   sync.Mutex
	got  []bot.Message
	fail error
}

func newTestAdapter(t testing.TB, cfg Config) *testAdapter {
	t.Helper()
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	sess, err := OpenSession(context.Background(), path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	clock := bot.NewManualClock(monday)
	cfg.Clock, cfg.Location = clock, jakarta
	w := newAdapter(cfg, quiet)
	w.sess, w.lids = sess, sess.Container.LIDMap
	w.sleep = func(ctx context.Context, d time.Duration) error { clock.Advance(d); return nil }
	fake := &fakeClient{media: []byte("\xff\xd8\xff jpeg bytes")}
	w.cli = fake
	w.setState(bot.StateConnected, "", true)
	ta := &testAdapter{WhatsApp: w, fake: fake, clock: clock, path: path}
	w.ctx = context.Background()
	w.submit = func(ctx context.Context, m bot.Message, done func(error)) bool {
		// Like the runtime for a sender it knows (flows.Engine.fetchMedia): the photo is fetched
		// when the message is handled, and a failed download fails the handling.
		m, ferr := fetched(ctx, m)
		ta.mu.Lock()
		err := ta.fail
		if ferr != nil {
			err = ferr
		} else {
			ta.got = append(ta.got, m)
		}
		ta.mu.Unlock()
		go done(err) // like the router: from another goroutine
		return true
	}
	return ta
}

// fetched downloads a message's photo as the runtime does (flows.Engine.fetchMedia).
func fetched(ctx context.Context, m bot.Message) (bot.Message, error) {
	if m.Photo == nil || m.Photo.Fetch == nil {
		return m, nil
	}
	p := *m.Photo
	data, err := p.Fetch(ctx)
	p.Fetch = nil
	switch {
	case errors.Is(err, bot.ErrTooBig):
	case err != nil:
		return m, err
	default:
		p.Data, p.Size = data, int64(len(data))
	}
	m.Photo = &p
	return m, nil
}

func (ta *testAdapter) messages() []bot.Message {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	return append([]bot.Message(nil), ta.got...)
}

// msgEvent is a message event as whatsmeow hands it over (after UnwrapRaw).
func msgEvent(id string, chat, sender, senderAlt types.JID, m *waE2E.Message) *events.Message {
	return &events.Message{Info: types.MessageInfo{
		MessageSource: types.MessageSource{Chat: chat, Sender: sender, SenderAlt: senderAlt, IsGroup: chat.Server == types.GroupServer},
		ID:            types.MessageID(id), Timestamp: monday,
	}, Message: m, RawMessage: m}
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

func TestSessionUpgradedOnModernc(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sesi", "whatsapp.db")
	for round := 0; round < 2; round++ { // the second open finds the tables and upgrades nothing
		sess, err := OpenSession(ctx, path, quiet)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var version int
		if err := sess.DB.QueryRowContext(ctx, `SELECT version FROM whatsmeow_version`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version < 10 {
			t.Errorf("whatsmeow schema version %d, want the upgraded one", version)
		}
		var fk int
		if err := sess.DB.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Errorf("foreign keys = %d (%v), want 1: whatsmeow's Upgrade needs them", fk, err)
		}
		if sess.Linked() {
			t.Error("a fresh session must not count as linked")
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("session file mode %v (%v), want 0600: it holds the linked device's keys", fi.Mode().Perm(), err)
		}
		if err := sess.Container.LIDMap.PutLIDMapping(ctx, budiLID, budiPN); err != nil {
			t.Fatal(err)
		}
		pn, err := sess.Container.LIDMap.GetPNForLID(ctx, budiLID)
		if err != nil || pn != budiPN {
			t.Errorf("LID map: %v %v, want %v", pn, err, budiPN)
		}
		sess.Close()
	}
}

func TestConvert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ta := newTestAdapter(t, Config{MaxPhotoBytes: 1000})
	if err := ta.sess.Container.LIDMap.PutLIDMapping(ctx, budiLID, budiPN); err != nil {
		t.Fatal(err)
	}
	unknownLID := types.NewJID("11112222333344", types.HiddenUserServer)
	budiRef := bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}
	groupRef := bot.ChatRef{Net: bot.NetWhatsApp, ID: "120363025246125486@g.us"}
	phone := &bot.Contact{Phone: "+6281200000002", Own: true, Implicit: true}
	big := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("/lapor 1 Foto besar"), Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(5000)}}

	tests := []struct {
		name string
		evt  *events.Message
		want *bot.Message // nil: ignored
		// downloads is how many downloads the message needs.
		downloads int
	}{
		{name: "text", evt: msgEvent("A1", budiPN, budiPN, types.EmptyJID, text("lapor 3 Verifikasi SPJ #2")),
			want: &bot.Message{ID: "6281200000002/A1", Chat: budiRef, Sender: budiRef, Text: "lapor 3 Verifikasi SPJ #2", Contact: phone}},
		{name: "extended text (a link or a reply)", evt: msgEvent("A2", budiPN, budiPN, types.EmptyJID,
			&waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("/progres")}}),
			want: &bot.Message{ID: "6281200000002/A2", Chat: budiRef, Sender: budiRef, Text: "/progres", Contact: phone}},
		{name: "image with caption", evt: msgEvent("A3", budiPN, budiPN, types.EmptyJID,
			&waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("/lapor 1 Rapat #1"), Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(20)}}),
			want: &bot.Message{ID: "6281200000002/A3", Chat: budiRef, Sender: budiRef, Text: "/lapor 1 Rapat #1", Contact: phone,
				Photo: &bot.Photo{Name: "A3.jpg", MIME: "image/jpeg", Data: ta.fake.media, Size: int64(len(ta.fake.media))}},
			downloads: 1},
		{name: "image over the limit is not downloaded", evt: msgEvent("A4", budiPN, budiPN, types.EmptyJID, big),
			want: &bot.Message{ID: "6281200000002/A4", Chat: budiRef, Sender: budiRef, Text: "/lapor 1 Foto besar", Contact: phone,
				Photo: &bot.Photo{Name: "A4.jpg", MIME: "image/jpeg", Size: 5000}}},
		{name: "image sent as a document: evidence like a photo", evt: msgEvent("A6", budiPN, budiPN, types.EmptyJID,
			&waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("/lapor 1 Rapat #1"), FileName: proto.String("IMG_0042.jpg"),
				Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(20)}}),
			want: &bot.Message{ID: "6281200000002/A6", Chat: budiRef, Sender: budiRef, Text: "/lapor 1 Rapat #1", Contact: phone,
				Photo: &bot.Photo{Name: "IMG_0042.jpg", MIME: "image/jpeg", Data: ta.fake.media, Size: int64(len(ta.fake.media))}},
			downloads: 1},
		{name: "image document over the limit is not downloaded", evt: msgEvent("A7", budiPN, budiPN, types.EmptyJID,
			&waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("/lapor 1 Scan"), FileName: proto.String("scan.png"),
				Mimetype: proto.String("image/png"), FileLength: proto.Uint64(50 << 20)}}),
			want: &bot.Message{ID: "6281200000002/A7", Chat: budiRef, Sender: budiRef, Text: "/lapor 1 Scan", Contact: phone,
				Photo: &bot.Photo{Name: "scan.png", MIME: "image/png", Size: 50 << 20}}},
		{name: "document with a /lapor caption", evt: msgEvent("A5", budiPN, budiPN, types.EmptyJID,
			&waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("/lapor 1 SPJ #2"), FileName: proto.String("spj.pdf")}}),
			want: &bot.Message{ID: "6281200000002/A5", Chat: budiRef, Sender: budiRef, Text: "/lapor 1 SPJ #2", Contact: phone, Unsupported: bot.MediaDocument}},
		{name: "group command from a LID sender, resolved by the LID map", evt: msgEvent("G1", group, budiLID, types.EmptyJID, text("/hubungkan DISKOMINFO")),
			want: &bot.Message{ID: "6281200000002/G1", Chat: groupRef, Sender: budiRef, Group: true, Text: "/hubungkan DISKOMINFO", Contact: phone}},
		{name: "group command from a LID sender with a device, resolved by SenderAlt",
			evt:  msgEvent("G2", group, types.JID{User: unknownLID.User, Server: types.HiddenUserServer, Device: 12}, types.JID{User: "6281200000002", Server: types.DefaultUserServer, Device: 3}, text("/hubungkan DISKOMINFO")),
			want: &bot.Message{ID: "6281200000002/G2", Chat: groupRef, Sender: budiRef, Group: true, Text: "/hubungkan DISKOMINFO", Contact: phone}},
		{name: "group chatter", evt: msgEvent("G3", group, budiPN, types.EmptyJID, text("selamat pagi semua"))},
		{name: "direct chat from a LID with SenderAlt", evt: msgEvent("L1", unknownLID, unknownLID, budiPN, text("halo")),
			want: &bot.Message{ID: "6281200000002/L1", Chat: budiRef, Sender: budiRef, Text: "halo", Contact: phone}},
		{name: "direct chat from a LID, resolved by the LID map", evt: msgEvent("L2", budiLID, budiLID, types.EmptyJID, text("halo")),
			want: &bot.Message{ID: "6281200000002/L2", Chat: budiRef, Sender: budiRef, Text: "halo", Contact: phone}},
		{name: "direct chat from a LID nobody knows: answered on the LID, no number to register by",
			evt:  msgEvent("L3", unknownLID, unknownLID, types.EmptyJID, text("halo")),
			want: &bot.Message{ID: "11112222333344@lid/L3", Chat: bot.ChatRef{Net: bot.NetWhatsApp, ID: "11112222333344@lid"}, Sender: bot.ChatRef{Net: bot.NetWhatsApp, ID: "11112222333344@lid"}, Text: "halo", Contact: &bot.Contact{Own: true, Implicit: true}}},
		{name: "own message", evt: func() *events.Message {
			e := msgEvent("O1", budiPN, budiPN, types.EmptyJID, text("terkirim dari ponsel bot"))
			e.Info.IsFromMe = true
			return e
		}()},
		{name: "status update", evt: msgEvent("S1", types.StatusBroadcastJID, budiPN, types.EmptyJID, text("status"))},
		{name: "newsletter", evt: msgEvent("N1", types.NewJID("1203630000", types.NewsletterServer), types.NewJID("1203630000", types.NewsletterServer), types.EmptyJID, text("berita"))},
		{name: "edit", evt: func() *events.Message {
			e := msgEvent("E1", budiPN, budiPN, types.EmptyJID, text("lapor 4"))
			e.IsEdit = true
			return e
		}()},
		{name: "sticker", evt: msgEvent("K1", budiPN, budiPN, types.EmptyJID, &waE2E.Message{StickerMessage: &waE2E.StickerMessage{}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ta.fake.downloads
			got, ok, err := ta.convert(ctx, tt.evt)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if ok {
					t.Fatalf("converted %+v, want it ignored", got)
				}
				return
			}
			if !ok {
				t.Fatal("ignored, want a message")
			}
			got.Raw, got.Time = nil, time.Time{}
			if d := ta.fake.downloads - before; d != 0 {
				t.Fatalf("%d downloads before the sender is known, want none", d)
			}
			if got, err = fetched(ctx, got); err != nil {
				t.Fatal(err)
			}
			if !sameMessage(got, *tt.want) {
				t.Errorf("got  %s\nwant %s", describe(got), describe(*tt.want))
			}
			if d := ta.fake.downloads - before; d != tt.downloads {
				t.Errorf("%d downloads, want %d", d, tt.downloads)
			}
		})
	}
}

func sameMessage(a, b bot.Message) bool {
	return describe(a) == describe(b)
}

func describe(m bot.Message) string {
	var b strings.Builder
	b.WriteString("id=" + m.ID + " chat=" + m.Chat.String() + " sender=" + m.Sender.String() + " text=" + m.Text + " unsupported=" + m.Unsupported)
	if m.Group {
		b.WriteString(" group")
	}
	if c := m.Contact; c != nil {
		b.WriteString(" contact=" + c.Phone)
		if c.Own && c.Implicit {
			b.WriteString("(own,implicit)")
		} else {
			b.WriteString("(?)")
		}
	}
	if p := m.Photo; p != nil {
		b.WriteString(" photo=" + p.Name + "," + p.MIME + "," + string(p.Data) + "," + time.Duration(p.Size).String())
	}
	return b.String()
}

func TestAckOnlyAfterCommit(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{})
	if !ta.onEvent(msgEvent("OK1", budiPN, budiPN, types.EmptyJID, text("halo"))) {
		t.Error("a committed message must be acknowledged")
	}
	ta.fail = errBoom
	if ta.onEvent(msgEvent("F1", budiPN, budiPN, types.EmptyJID, text("halo"))) {
		t.Error("a message whose handler failed was acknowledged: it would be lost")
	}
	ta.fail = nil
	if ta.failed.IsZero() {
		t.Error("a failure must ask the receive loop for a redelivery")
	}

	// A panic anywhere in handling: whatsmeow would count it as success, onEvent must not.
	ta.submit = func(ctx context.Context, m bot.Message, done func(error)) bool { panic("flows exploded") }
	if ta.onEvent(msgEvent("P1", budiPN, budiPN, types.EmptyJID, text("halo"))) {
		t.Error("a panicking handler must leave the message unacknowledged")
	}

	// A photo that cannot be fetched yet: not acknowledged, so it comes again.
	ta2 := newTestAdapter(t, Config{})
	ta2.fake.dlErr = errBoom
	img := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("/lapor 1 x"), FileLength: proto.Uint64(10)}}
	if ta2.onEvent(msgEvent("D1", budiPN, budiPN, types.EmptyJID, img)) {
		t.Error("a message whose photo failed to download was acknowledged")
	}
	if n := len(ta2.messages()); n != 0 {
		t.Errorf("%d messages submitted without their photo, want 0", n)
	}

	// Not receiving (stopping): nothing is acknowledged.
	ta2.submit = nil
	if ta2.onEvent(msgEvent("Z1", budiPN, budiPN, types.EmptyJID, text("halo"))) {
		t.Error("a message that arrived while stopping was acknowledged")
	}
	// Ignored messages are acknowledged: there is nothing to redo.
	if !ta2.onEvent(msgEvent("Z2", group, budiPN, types.EmptyJID, text("obrolan"))) {
		t.Error("group chatter must be acknowledged")
	}
}

func TestStopStatesStopSending(t *testing.T) {
	t.Parallel()
	reply := bot.Reply{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}, Text: "⏰ Pengingat"}
	tests := []struct {
		name  string
		evt   any
		state string
		wait  time.Duration
	}{
		{"logged out", &events.LoggedOut{Reason: events.ConnectFailureLoggedOut}, bot.StateLoggedOut, stoppedWait},
		{"temporary ban", &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: 2 * time.Hour}, bot.StateBanned, 2 * time.Hour},
		{"ban without an end", &events.TemporaryBan{Code: events.TempBanBlockedByUsers}, bot.StateBanned, stoppedWait},
		{"client outdated", &events.ClientOutdated{}, bot.StateOutdated, stoppedWait},
		{"stream replaced", &events.StreamReplaced{}, bot.StateReplaced, stoppedWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestAdapter(t, Config{SendInterval: time.Second})
			alerts := make(chan bot.Health, 1)
			ta.OnAlert = func(h bot.Health) { alerts <- h }
			if err := ta.Send(context.Background(), reply); err != nil {
				t.Fatalf("before: %v", err)
			}
			if !ta.onEvent(tt.evt) {
				t.Error("connection events are always acknowledged")
			}
			h := ta.Health()
			if h.State != tt.state || h.CanSend {
				t.Errorf("health %+v, want %s and CanSend false", h, tt.state)
			}
			err := ta.Send(context.Background(), reply)
			code, wait := bot.ErrorCode(err)
			if code != bot.RetryLater || wait != tt.wait {
				t.Errorf("Send while stopped = %v (%s, %s), want RetryLater after %s", err, code, wait, tt.wait)
			}
			if n := len(ta.fake.sends()); n != 1 {
				t.Errorf("%d messages went out, want only the one before the stop", n)
			}
			select {
			case a := <-alerts:
				if a.State != tt.state || a.Detail == "" {
					t.Errorf("alert %+v, want state %s with a detail", a, tt.state)
				}
			case <-time.After(5 * time.Second):
				t.Error("the admins were not alerted")
			}
			// A disconnect that follows the stop does not hide it.
			ta.onEvent(&events.Disconnected{})
			if ta.Health().State != tt.state {
				t.Errorf("state after Disconnected = %s, want %s still", ta.Health().State, tt.state)
			}
		})
	}
	t.Run("ban detail names the cause", func(t *testing.T) {
		ta := newTestAdapter(t, Config{})
		ta.onEvent(&events.TemporaryBan{Code: events.TempBanSentTooManySameMessage, Expire: 90 * time.Minute})
		if d := ta.Health().Detail; !strings.Contains(d, "104") || !strings.Contains(d, "same message") || !strings.Contains(d, "1h30m") {
			t.Errorf("detail %q, want the code, its meaning and the end", d)
		}
		// The ban's end lets it send again once connected.
		ta.onEvent(&events.Connected{})
		if h := ta.Health(); h.State != bot.StateConnected || !h.CanSend {
			t.Errorf("after reconnecting: %+v", h)
		}
	})
}

func TestSendWithChosenIDAndRetryAfterRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ta := newTestAdapter(t, Config{})
	id := ta.NewMessageID()
	r := bot.Reply{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "6281200000002"}, ID: id, Text: "✅ Laporan tercatat. Batalkan dengan /hapus 12"}
	if err := ta.Send(ctx, r); err != nil {
		t.Fatal(err)
	}
	// The outbox retries the same row after a timeout: the same id goes out again, which the
	// recipient's phone shows once.
	ta.fake.sendErr = whatsmeow.ErrMessageTimedOut
	if code, _ := bot.ErrorCode(ta.Send(ctx, r)); code != bot.RetryLater {
		t.Errorf("a timeout is %s, want RetryLater", code)
	}
	ta.fake.sendErr = nil
	if err := ta.Send(ctx, r); err != nil {
		t.Fatal(err)
	}
	sends := ta.fake.sends()
	if len(sends) != 2 || string(sends[0].id) != id || string(sends[1].id) != id {
		t.Fatalf("sent %+v, want twice with id %s", sends, id)
	}
	if sends[0].to != budiPN {
		t.Errorf("sent to %s, want %s", sends[0].to, budiPN)
	}
	if got := sends[0].msg.GetConversation(); got != "✅ Laporan tercatat. Batalkan dengan hapus 12" {
		t.Errorf("text %q: WhatsApp texts name commands without the slash", got)
	}

	// After a restart, a recipient's device asks for the message again: it is served from the
	// session database, whatever whatsmeow's memory lost.
	sess2, err := OpenSession(ctx, ta.path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer sess2.Close()
	w2 := newAdapter(Config{}, quiet)
	w2.sess = sess2
	m := w2.messageForRetry(budiPN, budiPN, types.MessageID(id))
	if m.GetConversation() != "✅ Laporan tercatat. Batalkan dengan hapus 12" {
		t.Errorf("retry lookup = %v, want the message sent", m)
	}
	if w2.messageForRetry(budiPN, budiPN, "3EB0UNKNOWN") != nil {
		t.Error("an unknown id must give nil")
	}
}

func TestSendPhotoAndGroup(t *testing.T) {
	t.Parallel()
	ta := newTestAdapter(t, Config{})
	png := []byte("\x89PNG\r\n\x1a\n....")
	r := bot.Reply{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "120363025246125486@g.us"}, Text: "📊 Rekap mingguan DISKOMINFO", Photo: png, PhotoName: "rekap.png"}
	if err := ta.Send(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	s := ta.fake.sends()
	if len(s) != 1 || s[0].to != group {
		t.Fatalf("sent %+v, want one message to the group", s)
	}
	img := s[0].msg.GetImageMessage()
	if img == nil || img.GetCaption() != "📊 Rekap mingguan DISKOMINFO" || img.GetMimetype() != "image/png" || img.GetFileLength() != uint64(len(png)) || img.GetDirectPath() == "" {
		t.Errorf("image message %v, want the uploaded chart with its caption", img)
	}
	if ta.fake.uploads != 1 {
		t.Errorf("%d uploads, want 1", ta.fake.uploads)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{fmtErr("%w 463", whatsmeow.ErrServerReturnedError), bot.Rejected},
		{fmtErr("%w 479", whatsmeow.ErrServerReturnedError), bot.Rejected},
		{fmtErr("%w 500", whatsmeow.ErrServerReturnedError), bot.RetryLater},
		{whatsmeow.ErrNotConnected, bot.RetryLater},
		{whatsmeow.ErrNotLoggedIn, bot.RetryLater},
		{whatsmeow.ErrRecipientADJID, bot.Rejected},
	}
	for _, tt := range tests {
		if code, _ := bot.ErrorCode(classify(tt.err)); code != tt.want {
			t.Errorf("%v → %s, want %s", tt.err, code, tt.want)
		}
	}
	if classify(nil) != nil {
		t.Error("nil must stay nil")
	}
	if _, err := parseChat("0812-bukan"); err == nil {
		t.Error("a chat id that is neither digits nor a JID must be refused")
	}
	err := newTestAdapter(t, Config{}).Send(context.Background(), bot.Reply{To: bot.ChatRef{Net: bot.NetWhatsApp, ID: "x y"}, Text: "?"})
	if code, _ := bot.ErrorCode(err); code != bot.Rejected {
		t.Errorf("bad chat id: %v, want Rejected", err)
	}
}

func fmtErr(f string, err error) error { return fmt.Errorf(f, err) }
