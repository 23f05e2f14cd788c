package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

const testToken = "123456:SECRET-token-never-in-logs"

// Telegram users of the test; their phone numbers are in the sample roster.
var (
	tgBudi  = telegramtest.User(1001, "Budi")  // 0813-0000-0001
	tgAhmad = telegramtest.User(1002, "Ahmad") // 0811-0000-2001, head of DISKOMINFO
	tgOther = telegramtest.User(1003, "Orang")
)

// testNow is when the Telegram tests happen: Monday 23 November 2026, 09:00 in Jakarta.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("WIB", 7*3600))

// shiftedClock runs at the real pace from a fixed start, so that the contracts of the sample are
// current whatever day the tests run, while retry waits still elapse.
type shiftedClock struct {
	base, start time.Time
}

func (c *shiftedClock) Now() time.Time { return c.base.Add(time.Since(c.start)) }

// syncBuffer collects the log, which several goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tgEnv is a fake Bot API server and a config for `lapkin run` pointed at it, on a database that
// holds the sample roster.
type tgEnv struct {
	t   testing.TB
	srv *telegramtest.Server
	cfg *config.Config
	log *syncBuffer
	// logLevel is the level of the log kept in log; the load benchmarks raise it to Warn.
	logLevel slog.Level
}

func newTGEnv(t testing.TB) *tgEnv {
	t.Helper()
	dir := t.TempDir()
	srv := telegramtest.New(testToken)
	t.Cleanup(srv.Close)
	cfg := config.Default()
	cfg.App.DataDir = dir
	cfg.App.Database = filepath.Join(dir, "lapkin.db")
	cfg.Set("telegram.enabled", true)
	cfg.Set("telegram.token", testToken)
	cfg.Set("telegram.api_endpoint", srv.Endpoint())
	// Telegram's rate limits are not what these tests are about: off, so that a conversation
	// runs at full speed (the load benchmarks turn them back on).
	tgLimitsOff(cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	rows, err := roster.ReadFile("sample/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	seedSampleCity(t, cfg, rows)
	return &tgEnv{t: t, srv: srv, cfg: cfg, log: &syncBuffer{}, logLevel: slog.LevelDebug}
}

// seedSampleCity imports the roster rows into cfg's database, with the sample city's contracts.
func seedSampleCity(t testing.TB, cfg *config.Config, rows []roster.Row) {
	t.Helper()
	st, err := store.Open(context.Background(), cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	_, err = roster.Import(context.Background(), st, rows, testNow)
	contracts, cerr := sampleContracts(cfg)
	if err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		err = st.Update(context.Background(), func(tx *store.Tx) error {
			for _, c := range contracts {
				if _, err := tx.AddContract(context.Background(), c, testNow); err != nil {
					return err
				}
			}
			return nil
		})
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// start runs `lapkin run` until the returned stop is called; stop waits for Run to return.
func (e *tgEnv) start() (stop func()) {
	e.t.Helper()
	return startRun(e.t, e.cfg, e.log, e.logLevel)
}

// startRun runs `lapkin run` with cfg, on the tests' clock (testNow, moving), logging to logs,
// until the returned stop is called; stop waits for Run to return.
func startRun(t testing.TB, cfg *config.Config, logs io.Writer, level slog.Level) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))
	clock := &shiftedClock{base: testNow, start: time.Now()}
	go func() { done <- Run(ctx, cfg, clock, log, func(*Main) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not start")
	}
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("run did not stop")
		}
	}
}

// expectSent waits until the bot has sent chat a message containing want, and returns it.
func (e *tgEnv) expectSent(chat int64, want string) tgbotapi.Message {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range e.srv.Messages(chat) {
			if strings.Contains(m.Text, want) || strings.Contains(m.Caption, want) {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var texts []string
	for _, m := range e.srv.Messages(chat) {
		texts = append(texts, m.Text+m.Caption)
	}
	e.t.Fatalf("chat %d never got %q; it got:\n%s", chat, want, strings.Join(texts, "\n---\n"))
	return tgbotapi.Message{}
}

func (e *tgEnv) count(query string, args ...any) int {
	e.t.Helper()
	return countRows(e.t, e.cfg, query, args...)
}

// countRows opens cfg's database (while `lapkin run` is stopped, or beside it) and returns the
// number query selects.
func countRows(t testing.TB, cfg *config.Config, query string, args ...any) int {
	t.Helper()
	st, err := store.Open(context.Background(), cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTelegramEndToEnd(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()

	// The command menu is published in both languages.
	if cmds := e.srv.Commands(tgbotapi.NewBotCommandScopeAllPrivateChats(), "id"); len(cmds) == 0 || cmds[0].Command != "bantuan" {
		t.Fatalf("Indonesian menu: %+v", cmds)
	}
	if cmds := e.srv.Commands(tgbotapi.NewBotCommandScopeAllPrivateChats(), "en"); len(cmds) == 0 || cmds[0].Command != "help" {
		t.Fatalf("English menu: %+v", cmds)
	}

	// /daftar offers the share-contact button.
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/daftar"))
	e.expectSent(tgBudi.ID, "/daftar <NIP> <KODE>")
	calls := e.srv.Calls("sendMessage")
	if !strings.Contains(calls[len(calls)-1].Params.Get("reply_markup"), `"request_contact":true`) {
		t.Fatalf("no contact button: %s", calls[len(calls)-1].Params.Get("reply_markup"))
	}

	// Someone forwarding Budi's contact is refused; Budi's own contact registers him.
	e.srv.AddUpdate(telegramtest.ContactShare(tgOther, tgBudi.ID, "+62 813-0000-0001"))
	e.expectSent(tgOther.ID, "nomor telepon Anda sendiri")
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "+62 813-0000-0001"))
	e.expectSent(tgBudi.ID, "Terima kasih, Bapak Budi")
	if n := e.count(`SELECT COUNT(*) FROM identities WHERE net = 'tg' AND external_id = ?`, strconv.FormatInt(tgOther.ID, 10)); n != 0 {
		t.Fatal("a forwarded contact linked its sender")
	}

	// A quick report.
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/lapor 3 Verifikasi SPJ #2 90m"))
	e.expectSent(tgBudi.ID, "Laporan tercatat: Verifikasi SPJ — 3 dokumen untuk target #2")

	// A step report through inline buttons; every callback is answered.
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/lapor"))
	e.expectSent(tgBudi.ID, "Kegiatan apa")
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "Backup server mingguan"))
	q := e.expectSent(tgBudi.ID, "target yang mana")
	if q.ReplyMarkup == nil || len(q.ReplyMarkup.InlineKeyboard) < 2 || *q.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "t:1" {
		t.Fatalf("target question without buttons: %+v", q.ReplyMarkup)
	}
	e.srv.AddUpdate(telegramtest.Callback(tgBudi, q.MessageID, "t:1"))
	e.expectSent(tgBudi.ID, "Berapa laporan")
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "2"))
	p := e.expectSent(tgBudi.ID, "foto bukti dukung")
	e.srv.AddUpdate(telegramtest.Callback(tgBudi, p.MessageID, "skip"))
	c := e.expectSent(tgBudi.ID, "Periksa laporan")
	e.srv.AddUpdate(telegramtest.Callback(tgBudi, c.MessageID, "save"))
	e.expectSent(tgBudi.ID, "Realisasi target #1: 2 dari 12 laporan")
	if n := len(e.srv.Calls("answerCallbackQuery")); n != 3 {
		t.Fatalf("%d callbacks answered, want 3", n)
	}
	for _, m := range e.srv.Messages(tgBudi.ID) {
		if m.MessageID == q.MessageID && m.ReplyMarkup != nil && len(m.ReplyMarkup.InlineKeyboard) > 0 {
			t.Fatal("the answered question still has its buttons")
		}
	}

	// A photo whose caption is a /lapor line is a report with evidence.
	png, _ := os.ReadFile("testdata/bukti.png")
	e.srv.AddFile("foto-1", png)
	e.srv.AddUpdate(telegramtest.Photo(tgBudi, "foto-1", "/lapor 1 Pengecekan ruang server #1"))
	e.expectSent(tgBudi.ID, "Pengecekan ruang server — 1 laporan untuk target #1 · 📎")
	if n := e.count(`SELECT COUNT(*) FROM reports r JOIN evidence e ON e.id = r.evidence_id WHERE e.size = ?`, len(png)); n != 1 {
		t.Fatalf("%d reports with the photo as evidence", n)
	}

	// Group: the head binds it; chatter there is ignored.
	group := tgbotapi.Chat{ID: -4001, Type: "group", Title: "Diskominfo"}
	e.srv.AddUpdate(telegramtest.ContactShare(tgAhmad, tgAhmad.ID, "08110000 2001"))
	e.expectSent(tgAhmad.ID, "Terima kasih, Bapak Ahmad")
	e.srv.AddUpdate(telegramtest.GroupText(tgBudi, group, "/hubungkan DISKOMINFO"))
	e.expectSent(group.ID, "tidak tersedia untuk peran Anda")
	e.srv.AddUpdate(telegramtest.GroupText(tgAhmad, group, "Selamat pagi, rekan-rekan"))
	e.srv.AddUpdate(telegramtest.GroupText(tgAhmad, group, "/hubungkan@"+telegramtest.BotUserName+" DISKOMINFO"))
	e.expectSent(group.ID, "Grup ini terhubung dengan Dinas Komunikasi dan Informatika")
	if n := len(e.srv.Messages(group.ID)); n != 2 {
		t.Fatalf("group got %d messages, want 2 (the refusal and the binding)", n)
	}
	stop()

	if n := e.count(`SELECT COUNT(*) FROM reports WHERE nip = '198806202014031004'`); n != 3 {
		t.Fatalf("Budi has %d reports, want 3", n)
	}
	if strings.Contains(e.log.String(), testToken) || strings.Contains(e.log.String(), "SECRET-token") {
		t.Fatalf("the token appears in the log:\n%s", e.log.String())
	}
}

// A crash after an update's effects are committed but before its offset is confirmed: Telegram
// delivers the update again, and it must not become a second report or a second reply.
func TestTelegramRestartBetweenCommitAndOffset(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	id := e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/lapor Rapat evaluasi aplikasi"))
	e.expectSent(tgBudi.ID, "Laporan tercatat")
	stop()

	// As if the process had died before confirming: the stored offset goes back, and Telegram
	// still has the update.
	u, _ := e.srv.Update(id)
	e.srv.AddUpdate(u)
	st, _ := store.Open(context.Background(), e.cfg.DatabasePath())
	st.Update(context.Background(), func(tx *store.Tx) error { return tx.SetKV(context.Background(), "telegram.offset", strconv.Itoa(id)) })
	st.Close()

	stop = e.start()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && len(e.srv.Pending()) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/riwayat"))
	e.expectSent(tgBudi.ID, "Jumlah: 1 laporan")
	stop()
	if n := e.count(`SELECT COUNT(*) FROM reports`); n != 1 {
		t.Fatalf("%d reports after redelivery, want 1", n)
	}
	acks := 0
	for _, m := range e.srv.Messages(tgBudi.ID) {
		if strings.Contains(m.Text, "Laporan tercatat") {
			acks++
		}
	}
	if acks != 1 {
		t.Fatalf("%d acknowledgements, want 1", acks)
	}
}

// Delivery: a 429 waits its retry_after, a user who blocked the bot is marked unreachable, and an
// outbox message queued before a stop is sent after the next start.
func TestTelegramDeliveryFailures(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")

	e.srv.Fail("sendMessage", 1, 429, "Too Many Requests: retry after 1", 1)
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/bantuan"))
	e.expectSent(tgBudi.ID, "Perintah yang sering Anda gunakan")
	var failedAt, sentAt time.Time
	for _, c := range e.srv.Calls("sendMessage") {
		if c.ErrorCode == 429 {
			failedAt = c.At
		} else if strings.Contains(c.Params.Get("text"), "Perintah yang sering") {
			sentAt = c.At
		}
	}
	if failedAt.IsZero() || sentAt.Sub(failedAt) < 900*time.Millisecond {
		t.Fatalf("429 at %v, sent at %v: retry_after not honoured", failedAt, sentAt)
	}

	e.srv.SetBlocked(tgBudi.ID, true)
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/progres"))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && e.count(`SELECT COUNT(*) FROM identities WHERE unreachable = 1`) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	if n := e.count(`SELECT COUNT(*) FROM identities WHERE external_id = ? AND unreachable = 1`, strconv.FormatInt(tgBudi.ID, 10)); n != 1 {
		t.Fatal("a user who blocked the bot is not marked unreachable")
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE status = 'failed'`); n != 1 {
		t.Fatalf("%d failed outbox rows, want 1", n)
	}
}

func TestTelegramWebhook(t *testing.T) {
	e := newTGEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e.cfg.Set("telegram.mode", "webhook")
	e.cfg.Set("telegram.listen", addr)
	e.cfg.Set("telegram.webhook_url", "https://lapkin.example.go.id/telegram")
	e.cfg.Set("telegram.webhook_secret", "rahasia-webhook-kota")
	stop := e.start()
	defer stop()
	// The receiver registers the webhook once it listens.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if url, _ := e.srv.Webhook(); url != "" {
			break
		}
	}
	if url, secret := e.srv.Webhook(); url != tgSettings(t, e.cfg).WebhookURL || secret != "rahasia-webhook-kota" {
		t.Fatalf("webhook set to %q with secret %q", url, secret)
	}
	post := func(secret string, u tgbotapi.Update) int {
		b, _ := json.Marshal(u)
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram", bytes.NewReader(b))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	contact := telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001")
	contact.UpdateID = 501
	contact.Message.MessageID = 1
	if code := post("salah", contact); code != http.StatusForbidden {
		t.Fatalf("wrong secret answered %d", code)
	}
	if code := post("", contact); code != http.StatusForbidden {
		t.Fatalf("no secret answered %d", code)
	}
	if code := post("rahasia-webhook-kota", contact); code != http.StatusOK {
		t.Fatalf("good post answered %d", code)
	}
	report := telegramtest.PrivateText(tgBudi, "/lapor Rapat dari webhook")
	report.UpdateID = 502
	report.Message.MessageID = 2
	for i := 0; i < 2; i++ { // Telegram may post the same update twice
		if code := post("rahasia-webhook-kota", report); code != http.StatusOK {
			t.Fatalf("report post answered %d", code)
		}
	}
	e.expectSent(tgBudi.ID, "Laporan tercatat: Rapat dari webhook")
	if n := e.count(`SELECT COUNT(*) FROM reports`); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
}

// A photo whose file is gone (getFile answers 400) must not stop intake: it is answered, kept as
// a dead letter and confirmed, and the next person's report is heard.
func TestTelegramUndownloadablePhotoDoesNotStopIntake(t *testing.T) {
	png, err := os.ReadFile("testdata/bukti.png")
	if err != nil {
		t.Fatal(err)
	}
	e := newTGEnv(t)
	stop := e.start()
	defer func() { stop() }()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	e.srv.AddUpdate(telegramtest.ContactShare(tgAhmad, tgAhmad.ID, "081100002001"))
	e.expectSent(tgAhmad.ID, "Terima kasih")

	bad := e.srv.AddUpdate(telegramtest.Photo(tgBudi, "hilang", "/lapor 1 Foto yang hilang #1"))
	e.srv.AddUpdate(telegramtest.PrivateText(tgAhmad, "/lapor Rapat koordinasi"))
	e.expectSent(tgAhmad.ID, "Laporan tercatat: Rapat koordinasi")
	e.expectSent(tgBudi.ID, "foto")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && slices.Contains(e.srv.Pending(), bad) {
		time.Sleep(20 * time.Millisecond)
	}
	if slices.Contains(e.srv.Pending(), bad) {
		t.Fatal("the update with the undownloadable photo was never confirmed")
	}

	// Telegram delivers it again (as after a crash before the offset was saved): still ignored.
	u, _ := e.srv.Update(bad)
	e.srv.AddUpdate(u)
	e.srv.AddUpdate(telegramtest.PrivateText(tgAhmad, "/lapor Rapat kedua"))
	e.expectSent(tgAhmad.ID, "Laporan tercatat: Rapat kedua")
	stop()
	stop = func() {}

	if n := e.count(`SELECT COUNT(*) FROM dead_letters WHERE net = 'tg' AND msg_id = ? AND kind = 'file'
		AND reason LIKE '%invalid file_id%' AND raw LIKE '%Foto yang hilang%'`, strconv.Itoa(bad)); n != 1 {
		t.Fatalf("%d dead letters for the update, want 1 with its reason and raw content", n)
	}
	apologies := 0
	for _, m := range e.srv.Messages(tgBudi.ID) {
		if strings.Contains(m.Text, "foto Anda tidak dapat kami terima") {
			apologies++
		}
	}
	if apologies != 1 {
		t.Fatalf("%d answers to the bad photo, want 1", apologies)
	}
	if n := e.count(`SELECT COUNT(*) FROM reports WHERE text LIKE 'Foto yang hilang%'`); n != 0 {
		t.Fatal("a report was stored without its photo")
	}

	// The operator sees it.
	out, stderr, err := runCLI(t, "", "inbox", "--db", e.cfg.DatabasePath(), "--failed", "--raw")
	if err != nil {
		t.Fatalf("inbox: %v %s", err, stderr)
	}
	for _, want := range []string{"1 pesan gagal", "msg " + strconv.Itoa(bad), "[file]", "invalid file_id", "Foto yang hilang"} {
		if !strings.Contains(out, want) {
			t.Errorf("inbox --failed lacks %q:\n%s", want, out)
		}
	}
	if out, _, _ := runCLI(t, "", "inbox", "--db", e.cfg.DatabasePath()); !strings.Contains(out, "gagal diproses: 1") {
		t.Errorf("inbox summary: %s", out)
	}

	// The file is back (Telegram had a hiccup): the operator has the message handled again. The
	// report is stored with its photo, and its answer waits in the outbox for `lapkin run`.
	e.srv.AddFile("hilang", png)
	conf := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(conf, []byte(fmt.Sprintf("[app]\ndata_dir = %q\ndatabase = %q\n[telegram]\nenabled = true\napi_endpoint = %q\n",
		e.cfg.App.DataDir, e.cfg.DatabasePath(), e.srv.Endpoint())), 0o600)
	t.Setenv("LAPKIN_TELEGRAM_TOKEN", testToken)
	var id int
	st, _ := store.Open(context.Background(), e.cfg.DatabasePath())
	st.DB().QueryRow(`SELECT id FROM dead_letters`).Scan(&id)
	st.Close()
	out, stderr, err = runCLI(t, "", "inbox", "--config", conf, "--retry", strconv.Itoa(id))
	if err != nil || !strings.Contains(out, "sudah diproses ulang") {
		t.Fatalf("retry: %v %s %s", err, out, stderr)
	}
	if n := e.count(`SELECT COUNT(*) FROM reports r JOIN evidence e ON e.id = r.evidence_id WHERE r.text LIKE 'Foto yang hilang%' AND e.size = ?`, len(png)); n != 1 {
		t.Fatalf("%d reports with the photo after the retry, want 1", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND chat_id = ? AND payload LIKE '%Foto yang hilang%'`, strconv.FormatInt(tgBudi.ID, 10)); n != 1 {
		t.Fatalf("%d answers waiting in the outbox, want 1", n)
	}
	if _, _, err := runCLI(t, "", "inbox", "--config", conf, "--retry", strconv.Itoa(id)); err == nil || !strings.Contains(err.Error(), "already handled again") {
		t.Fatalf("second retry: %v", err)
	}
}

// A stop in the middle of a burst ends cleanly (Run returns nil: the offset is saved on a context
// that is not cancelled), and what was not confirmed comes again after the restart: every report
// is stored once. The burst is over the intake limit, which holds across the restart: one notice
// in all, then silence.
func TestTelegramStopDuringBurst(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	e.cfg.Intake.MaxMessages = 5
	stop := e.start()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	const burst = 80
	for i := range burst {
		e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, fmt.Sprintf("/lapor Kegiatan nomor %d", i+1)))
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if e.count(`SELECT COUNT(*) FROM reports`) > 0 {
			break
		}
	}
	stop() // fails the test if Run returns an error
	if !strings.Contains(e.log.String(), "lapkin stopped") || strings.Contains(e.log.String(), "context canceled") {
		t.Fatalf("unclean stop:\n%s", e.log.String())
	}
	stop = e.start()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && len(e.srv.Pending()) > 0; {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if n := e.count(`SELECT COUNT(*) FROM reports`); n != burst {
		t.Fatalf("%d reports after the restart, want %d", n, burst)
	}
	if n := e.count(`SELECT COUNT(DISTINCT text) FROM reports`); n != burst {
		t.Fatalf("%d distinct reports, want %d", n, burst)
	}
	// The registration and four reports are answered, the sixth message gets the notice. Texts are
	// compared without repeats: the outbox sender records a send on the context a stop cancels,
	// so a reply sent just as Run stops can go out twice (bot/outbox.go, being reworked for issue
	// 9's sender lanes); that is not what this test is about.
	var texts []string
	notices := 0
	for _, m := range e.srv.Messages(tgBudi.ID) {
		if slices.Contains(texts, m.Text) {
			continue
		}
		texts = append(texts, m.Text)
		if strings.Contains(m.Text, "balasan dijeda sebentar") {
			notices++
		}
	}
	if len(texts) != 6 || notices != 1 || !strings.Contains(texts[5], "balasan dijeda") {
		t.Fatalf("Budi got %d messages with %d notices, want 6 with the notice last:\n%s", len(texts), notices, strings.Join(texts, "\n---\n"))
	}
}

// WhatsApp enabled but not linked: lapkin run says so, names the login command, and keeps serving
// Telegram.
func TestRunWhatsAppNotLinkedKeepsTelegram(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	e.cfg.Set("whatsapp.enabled", true)
	stop := e.start()
	defer stop()
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/bantuan"))
	e.expectSent(tgBudi.ID, "/daftar")
	if log := e.log.String(); !strings.Contains(log, "lapkin whatsapp-login") || !strings.Contains(log, "not_linked") {
		t.Fatalf("the log does not say WhatsApp is not linked:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(e.cfg.App.DataDir, "whatsapp.db")); err != nil {
		t.Fatalf("no session file: %v", err)
	}
}

// lapkin run refuses a damaged database at start-up, naming the file, instead of failing later
// in the middle of someone's report.
func TestRunRefusesDamagedDatabase(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	st, err := store.Open(context.Background(), e.cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < 3000; i++ {
			if err := tx.SetKV(context.Background(), fmt.Sprintf("isi-%05d", i), strings.Repeat("x", 40)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		_, err = st.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(e.cfg.DatabasePath(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	garbage := bytes.Repeat([]byte{0xA5, 0x5A, 0x00, 0xFF}, 1024)
	if _, err := f.WriteAt(garbage, fi.Size()-3*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()

	err = Run(context.Background(), e.cfg, &shiftedClock{base: testNow, start: time.Now()}, slog.New(slog.NewTextHandler(e.log, nil)), nil)
	if err == nil || !strings.Contains(err.Error(), e.cfg.DatabasePath()) ||
		!(strings.Contains(err.Error(), "damaged") || strings.Contains(err.Error(), "malformed")) {
		t.Fatalf("run on a damaged database: %v", err)
	}
	t.Logf("refused: %v", err)
	if n := len(e.srv.Calls("getUpdates")); n != 0 {
		t.Fatalf("run polled Telegram %d times on a damaged database", n)
	}
}

// Free text on Telegram (issue 20), through the real client and the fake Bot API: work typed as
// on WhatsApp is saved, a choice between two targets comes with inline buttons, and a voice note
// is answered with what to do instead.
func TestTelegramFreeText(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	stop := e.start()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "+62 813-0000-0001"))
	e.expectSent(tgBudi.ID, "Terima kasih, Bapak Budi")

	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "sudah verifikasi lima berkas spj 45 menit"))
	e.expectSent(tgBudi.ID, "5 dokumen untuk target #2 · 45 mnt")

	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "periksa jaringan dan dokumen"))
	q := e.expectSent(tgBudi.ID, "Untuk target yang mana")
	if q.ReplyMarkup == nil || len(q.ReplyMarkup.InlineKeyboard) < 3 || *q.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "t:1" {
		t.Fatalf("the target question has no buttons: %+v", q.ReplyMarkup)
	}
	e.srv.AddUpdate(telegramtest.Callback(tgBudi, q.MessageID, "t:1"))
	e.expectSent(tgBudi.ID, "1 laporan untuk target #1")

	voice := telegramtest.PrivateText(tgBudi, "")
	voice.Message.Voice = &tgbotapi.Voice{FileID: "voice-1", Duration: 7}
	e.srv.AddUpdate(voice)
	e.expectSent(tgBudi.ID, "Ketik saja kegiatannya")
	stop()
	if n := e.count(`SELECT COUNT(*) FROM reports WHERE nip = '198806202014031004' AND created_at >= ?`, testNow.UTC().Add(-time.Hour)); n != 2 {
		t.Fatalf("Budi has %d new reports, want 2", n)
	}
}
