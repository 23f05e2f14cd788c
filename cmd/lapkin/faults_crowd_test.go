package main

// Fault tests of issue 26, item 3: strangers and a flooding subordinate against the people Lapkin
// serves, through `lapkin run` and the fake Bot API with Telegram's limits on (30 messages a
// second, one a second to a person). What each measured is printed (CI shows it, as for the
// faults of docs/reliability.md); BENCHMARKS.md has the full-size figures (lapkin bench strangers
// and toggles). The assertions are on order, not time: what went out before the answer.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/store"
)

var tgYudi = telegramtest.User(1003003, "Yudi") // +62 813-0000-2003, Budi's supervisor

// exec runs a statement on the bot's database while it runs (SQLite's busy timeout waits for the
// bot's writer).
func (e *tgEnv) exec(query string, args ...any) {
	e.t.Helper()
	st, err := store.Open(context.Background(), e.cfg.DatabasePath())
	if err != nil {
		e.t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().Exec(query, args...); err != nil {
		e.t.Fatal(err)
	}
}

// strangerReplies counts what n strangers (ids from base) have received.
func strangerReplies(srv *telegramtest.Server, base int64, n int) int {
	got := 0
	for i := 0; i < n; i++ {
		got += len(srv.Messages(base + int64(i)))
	}
	return got
}

func TestFaultStrangersWaitForRegisteredPeople(t *testing.T) {
	t.Parallel()
	e := newTGEnv(t)
	e.cfg.Set("telegram.send_rate", 30)
	e.cfg.Set("telegram.send_private_interval", "1s")
	stop := e.start()
	defer stop()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	e.srv.AddUpdate(telegramtest.ContactShare(tgYudi, tgYudi.ID, "+62 813-0000-2003"))
	e.expectSent(tgYudi.ID, "Terima kasih")

	// 300 strangers write at once (ten seconds of Telegram's 30 a second), then Budi reports.
	const strangers, base = 300, 9_000_000
	for i := 0; i < strangers; i++ {
		e.srv.AddUpdate(telegramtest.PrivateText(telegramtest.User(base+int64(i), "Orang"), "halo"))
	}
	pushed := time.Now()
	e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/lapor Rapat koordinasi"))
	e.expectSent(tgBudi.ID, "Laporan tercatat")
	wait, before := time.Since(pushed), strangerReplies(e.srv, base, strangers)
	t.Logf("summary: %d strangers then a registered person: answered after %s, %d stranger replies sent before it (before issue 26: all %d, 10 s)",
		strangers, wait.Round(time.Millisecond), before, strangers)
	if before > strangers/3 {
		t.Fatalf("%d of %d stranger replies went before the registered person's", before, strangers)
	}
	// The strangers' replies still waiting would take the rest of ten seconds: not this test's.
	e.exec(`DELETE FROM outbox WHERE status = 'pending' AND priority = 2`)

	// Budi asks for leave 40 times; then Yudi, his supervisor, asks for help.
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 40; i++ {
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, "/cuti "+day.Format("2006-01-02")+" Urusan keluarga"))
		day = day.AddDate(0, 0, 1)
	}
	for deadline := time.Now().Add(10 * time.Second); len(e.srv.Pending()) > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	pushed = time.Now()
	e.srv.AddUpdate(telegramtest.PrivateText(tgYudi, "/bantuan"))
	e.expectSent(tgYudi.ID, "/bantuan semua")
	notices := 0
	for _, m := range e.srv.Messages(tgYudi.ID) {
		if strings.Contains(m.Text, "Budi Santoso") {
			notices++
		}
	}
	recorded := e.count(`SELECT COUNT(*) FROM leave WHERE nip = '198806202014031004'`)
	t.Logf("summary: 40 leave requests by a subordinate (%d recorded; the rest fall on holidays), then the supervisor's /bantuan: answered after %s, %d notices before it (before issue 26: every one, 1 s each)",
		recorded, time.Since(pushed).Round(time.Millisecond), notices)
	if notices > 5 || recorded < 35 {
		t.Fatalf("%d notices reached the supervisor before his own answer; %d leave records", notices, recorded)
	}
	e.exec(`DELETE FROM outbox WHERE status = 'pending'`)
}
