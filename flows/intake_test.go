package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// Beyond the per-sender limit every message is still handled and stored, but its replies give way
// to one notice, then silence until the burst ends, notices to others included; a stranger over
// the limit gets nothing at all.
func TestFloodLimit(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.FloodMax, o.FloodWindow = 3, time.Minute })
	for i := 1; i <= 3; i++ {
		expect(t, h.say(budi, fmt.Sprintf("/lapor Kegiatan %d", i)), "Laporan tercatat: Kegiatan")
	}
	got := h.say(budi, "/lapor Kegiatan 4")
	expect(t, got, "Pesan Anda banyak sekali dalam waktu singkat; semua tercatat, balasan dijeda sebentar.")
	reject(t, got, "Laporan tercatat")
	h.clock.Advance(10 * time.Second)
	for i := 5; i <= 6; i++ {
		if got := h.say(budi, fmt.Sprintf("/lapor Kegiatan %d", i)); got != "" {
			t.Fatalf("message %d over the limit answered: %q", i, got)
		}
	}
	// Leave asked for during the burst is recorded, but Budi hears nothing and neither does his
	// supervisor: the notices a sender causes for others count against the sender's limit (issue
	// 26, item 3), or 300 leave toggles would hold the supervisor's own answers for five minutes.
	before := len(h.con.Received(kepala))
	if got := h.say(budi, "/cuti 2026-11-25 keperluan keluarga"); got != "" {
		t.Fatalf("leave over the limit answered: %q", got)
	}
	if n := len(h.con.Received(kepala)) - before; n != 0 {
		t.Fatalf("the supervisor got %d notices of a flooder's leave, want none", n)
	}
	if n := len(h.leaves(budi)); n != 1 {
		t.Fatalf("%d leave records, want the one asked for", n)
	}
	if n := len(h.reports(budi)); n != 6 {
		t.Fatalf("%d reports stored, want all 6", n)
	}

	// A stranger: three answers, then nothing, not even a notice.
	for i := 1; i <= 5; i++ {
		got := h.say("orang-asing", "halo")
		if i <= 3 && !strings.Contains(got, "/daftar") || i > 3 && got != "" {
			t.Fatalf("stranger's message %d answered %q", i, got)
		}
	}

	// Two minutes later the window has slid: replies resume, and a new burst gets a new notice.
	h.clock.Advance(2 * time.Minute)
	expect(t, h.say(budi, "/lapor Kegiatan 7"), "Laporan tercatat: Kegiatan 7")
	expect(t, h.say(budi, "/riwayat"), "Kegiatan 7")
	expect(t, h.say(budi, "/riwayat"), "Kegiatan 7")
	expect(t, h.say(budi, "/riwayat"), "balasan dijeda sebentar")

	// After a restart the count is still there: no new round of replies.
	h.restart()
	if got := h.say(budi, "/riwayat"); got != "" {
		t.Fatalf("after a restart, over the limit, answered: %q", got)
	}
}

// Someone linked on two networks gets each notice once, on the account they wrote from last;
// replies still go to the chat the message came from.
func TestNoticeGoesToAccountLastUsed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	tg := bot.ChatRef{Net: bot.NetTelegram, ID: "5551"}
	if err := h.st.Update(ctx, func(tx *store.Tx) error { return tx.LinkIdentity(ctx, tg.Net, tg.ID, budi, rosterDay) }); err != nil {
		t.Fatal(err)
	}
	outbox := func() (console, telegram int) {
		t.Helper()
		err := h.st.DB().QueryRow(`SELECT COALESCE(SUM(chat_net = 'console' AND chat_id = ?), 0), COALESCE(SUM(chat_net = 'tg' AND chat_id = ?), 0) FROM outbox`,
			budi, tg.ID).Scan(&console, &telegram)
		if err != nil {
			t.Fatal(err)
		}
		return
	}

	h.say(budi, "/riwayat") // Budi last wrote on the console
	c0, t0 := outbox()
	h.say(admin, "/umumkan DISKOMINFO Rapat koordinasi Jumat")
	if c, tgN := outbox(); c != c0+1 || tgN != t0 {
		t.Fatalf("announcement: %d on the console and %d on Telegram, want 1 and 0", c-c0, tgN-t0)
	}

	// Now he writes from Telegram: the reply goes there, and so does the next notice.
	h.clock.Advance(time.Minute)
	msg := bot.Message{ID: "tg-1", Chat: tg, Sender: tg, Text: "/riwayat", Time: h.clock.Now()}
	if err := h.router.Handle(ctx, msg); err != nil {
		t.Fatal(err)
	}
	c1, t1 := outbox()
	if c1 != c0+1 || t1 != t0+1 {
		t.Fatalf("the reply to a Telegram message went elsewhere: console %d, tg %d", c1-c0, t1-t0)
	}
	h.clock.Advance(time.Minute)
	h.say(admin, "/umumkan DISKOMINFO Batas unggah SKP hari Jumat")
	if c, tgN := outbox(); c != c1 || tgN != t1+1 {
		t.Fatalf("second announcement: %d on the console and %d on Telegram, want 0 and 1", c-c1, tgN-t1)
	}
	var seen int
	h.st.DB().QueryRow(`SELECT COUNT(*) FROM identities WHERE net = 'tg' AND external_id = ? AND last_seen_at IS NOT NULL`, tg.ID).Scan(&seen)
	if seen != 1 {
		t.Fatal("last_seen_at not recorded")
	}
}

// A message its receiver gave up on is kept with its raw content and answered politely; its
// redelivery is ignored.
func TestDeadLetters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	me := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	bad := bot.Message{ID: "u-9", Chat: me, Sender: me, Text: "/lapor 1 Foto rapat #1", Time: h.clock.Now(),
		Failed: &bot.Failure{Kind: bot.FailFile, Reason: "getFile: Bad Request: invalid file_id", Raw: []byte(`{"update_id":9,"caption":"Foto rapat"}`)}}
	got := strings.Join(h.send(bad), "\n")
	expect(t, got, "Maaf, foto Anda tidak dapat kami terima", "kirim ulang")
	if got := h.send(bad); len(got) != 0 {
		t.Fatalf("redelivery answered: %q", got)
	}
	var dead []store.DeadLetter
	h.st.View(ctx, func(tx *store.Tx) (err error) { dead, err = tx.DeadLetters(ctx, 10); return })
	if len(dead) != 1 || dead[0].Kind != "file" || dead[0].MsgID != "u-9" || dead[0].ChatID != budi ||
		!strings.Contains(dead[0].Raw, "Foto rapat") || !strings.Contains(dead[0].Reason, "invalid file_id") {
		t.Fatalf("dead letters %+v", dead)
	}
	if len(h.reports(budi)) != 0 {
		t.Fatal("a report was stored from a failed message")
	}
	// In English, for someone who chose it.
	h.say(budi, "/bahasa en")
	bad.ID, bad.Failed = "u-10", &bot.Failure{Kind: bot.FailDecode, Reason: "decode update: bad date"}
	expect(t, strings.Join(h.send(bad), "\n"), "Sorry, we could not read your message")
}

// A flow that panics does not take the bot down nor leave the message to be handled again and
// again: the person gets the apology, the operator a dead letter, and nothing of it is committed.
func TestPanicInFlowIsKept(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.NewCode = func() string { panic("code generator broken") } })
	expect(t, h.say(admin, "/kode "+rina), "Maaf, terjadi kesalahan pada sistem")
	ctx := context.Background()
	var dead []store.DeadLetter
	h.st.View(ctx, func(tx *store.Tx) (err error) { dead, err = tx.DeadLetters(ctx, 10); return })
	if len(dead) != 1 || dead[0].Kind != bot.FailHandler || !strings.Contains(dead[0].Reason, "code generator broken") ||
		!strings.Contains(dead[0].Raw, "/kode "+rina) || dead[0].SenderID != admin {
		t.Fatalf("dead letters %+v", dead)
	}
	var codes int
	h.st.DB().QueryRow(`SELECT COUNT(*) FROM registration_codes`).Scan(&codes)
	if codes != 0 {
		t.Fatal("a code was stored by the failed flow")
	}
	expect(t, h.say(admin, "/bantuan"), "/kode") // and the bot still hears the admin
}
