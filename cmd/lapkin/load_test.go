package main

// Load benchmarks for the figures of issue 9 ("a runtime for many chats and networks"). Each one
// drives the real `lapkin run` (Run, the real Telegram adapter, the outbox sender and a SQLite file)
// against the fake Bot API enforcing Telegram's flood limits, and reports what it measured with
// b.ReportMetric. One iteration is one whole scenario of several seconds, so run them once:
//
//	go test -run '^$' -bench Load -benchtime 1x -timeout 30m ./cmd/lapkin/
//
// Over several iterations each metric reports the worst iteration. BENCHMARKS.md has the figures.
// Nothing here asserts a time: a benchmark fails only when a reply is lost; replies delivered twice
// or out of their chat's order are counted.

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
	"github.com/lapkin-id/lapkin/store"
)

// loadEnv is a tgEnv for a load scenario: a quiet log, Telegram's limits enforced by the fake and
// declared by [telegram]'s defaults (the adapter's).
func loadEnv(b *testing.B) *tgEnv {
	e := newTGEnv(b)
	e.logLevel = slog.LevelWarn
	tgLimitsDefault(e.cfg)
	e.srv.SetLimits(telegramtest.TelegramLimits)
	return e
}

// queueReplies puts replies in the outbox as the flows would, before Run starts.
func (e *tgEnv) queueReplies(replies []bot.Reply) {
	e.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, e.cfg.DatabasePath())
	if err != nil {
		e.t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(ctx, func(tx *store.Tx) error {
		for _, r := range replies {
			if err := bot.Enqueue(ctx, tx, r, testNow); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// delivered returns the sends the fake accepted (answered without error), in the order they were
// answered, keeping those for which keep is true.
func (e *tgEnv) delivered(keep func(tgbotapi.Chat, string) bool) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range e.srv.Calls("sendMessage", "sendPhoto", "sendDocument") {
		if c.ErrorCode != 0 {
			continue
		}
		id, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
		if keep(tgbotapi.Chat{ID: id}, c.Params.Get("text")+c.Params.Get("caption")) {
			out = append(out, c)
		}
	}
	return out
}

// waitFor polls cond every 50 ms until it holds or timeout passes, and reports whether it held.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}

// register links the users' Telegram accounts to the roster by sharing their numbers.
func (e *tgEnv) register(users map[tgbotapi.User]string) {
	e.t.Helper()
	for u, phone := range users {
		e.srv.AddUpdate(telegramtest.ContactShare(u, u.ID, phone))
	}
	for u := range users {
		e.expectSent(u.ID, "Terima kasih")
	}
}

// worst keeps, per metric, the worst value over the iterations: the highest, or for the metrics
// in lowerIsWorse the lowest.
type worst map[string]float64

func (w worst) add(unit string, v float64, lowerIsWorse bool) {
	old, ok := w[unit]
	if !ok || (lowerIsWorse && v < old) || (!lowerIsWorse && v > old) {
		w[unit] = v
	}
}

func (w worst) report(b *testing.B) {
	for unit, v := range w {
		b.ReportMetric(v, unit)
	}
}

// BenchmarkLoadDrain: 300 replies queued for 30 private chats, in a shuffled order, drain at what
// rate, with how many 429s? Telegram allows 30 messages a second overall and 1 a second per chat,
// so the best possible is 30/s: each chat's 10 replies need at least 9 s.
func BenchmarkLoadDrain(b *testing.B) {
	const chats, perChat = 30, 10
	w := worst{}
	for range b.N {
		e := loadEnv(b)
		var replies []bot.Reply
		for c := range chats {
			for i := range perChat {
				replies = append(replies, bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.Itoa(5001 + c)}, Text: fmt.Sprintf("balasan %d", i)})
			}
		}
		rng := rand.New(rand.NewPCG(9, 2026))
		rng.Shuffle(len(replies), func(i, j int) { replies[i], replies[j] = replies[j], replies[i] })
		// The per-chat order is the queue order: number each chat's replies as queued.
		seq := map[string]int{}
		for i := range replies {
			replies[i].Text = fmt.Sprintf("balasan %d", seq[replies[i].To.ID])
			seq[replies[i].To.ID]++
		}
		e.queueReplies(replies)
		ours := func(c tgbotapi.Chat, _ string) bool { return c.ID > 5000 && c.ID <= 5000+chats }

		stop := e.start()
		if !waitFor(10*time.Minute, func() bool { return len(e.delivered(ours)) >= chats*perChat }) {
			b.Fatalf("only %d of %d replies delivered", len(e.delivered(ours)), chats*perChat)
		}
		stop()
		got := e.delivered(ours)
		reordered, doubled := checkOrder(b, got, chats*perChat)
		w.add("out_of_order", float64(reordered), false)
		w.add("doubled", float64(doubled), false)
		span := got[len(got)-1].At.Sub(got[0].At)
		w.add("msgs/s", float64(len(got)-1)/span.Seconds(), true)
		w.add("drain_s", span.Seconds(), false)
		w.add("max_in_1s", float64(busiestSecond(got)), false)
		w.add("429s", float64(e.srv.Throttled()), false)
	}
	w.report(b)
}

// busiestSecond is the most calls that arrived within any one second (a sliding window, as the fake
// and Telegram count).
func busiestSecond(calls []telegramtest.Call) int {
	most, first := 0, 0
	for i, c := range calls {
		for !calls[first].At.After(c.At.Add(-time.Second)) {
			first++
		}
		most = max(most, i-first+1)
	}
	return most
}

// checkOrder counts the replies delivered out of their chat's queue order and those delivered
// twice ("balasan N" numbers each chat's replies in queue order), and fails the benchmark when
// one is missing.
func checkOrder(b *testing.B, calls []telegramtest.Call, want int) (reordered, doubled int) {
	b.Helper()
	seen := map[string]bool{}
	last := map[string]int{}
	for _, c := range calls {
		chat, text := c.Params.Get("chat_id"), c.Params.Get("text")
		if seen[chat+"/"+text] {
			doubled++
			continue
		}
		seen[chat+"/"+text] = true
		n, _ := strconv.Atoi(strings.TrimPrefix(text, "balasan "))
		if l, ok := last[chat]; ok && n < l {
			reordered++
		}
		last[chat] = max(n, last[chat])
	}
	if len(seen) != want {
		b.Fatalf("%d distinct replies delivered, want %d", len(seen), want)
	}
	return reordered, doubled
}

// BenchmarkLoadHungChat: the first queued reply goes to a chat whose sendMessage hangs (no answer
// until the client gives up); one reply each to 29 other chats is queued after it. max_delay_s is
// how long after the start the last of the 29 arrives: without the hang 29 chats need about one
// second at 30/s, so anything above that is the delay the hung chat causes.
func BenchmarkLoadHungChat(b *testing.B) {
	const hung, others = 5000, 29
	w := worst{}
	for range b.N {
		e := loadEnv(b)
		e.srv.Hang(hung, true)
		replies := []bot.Reply{{To: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.Itoa(hung)}, Text: "balasan 0"}}
		for c := range others {
			replies = append(replies, bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.Itoa(5001 + c)}, Text: "balasan 0"})
		}
		e.queueReplies(replies)
		ours := func(c tgbotapi.Chat, _ string) bool { return c.ID > hung && c.ID <= hung+others }

		start := time.Now()
		stop := e.start()
		if !waitFor(5*time.Minute, func() bool { return len(e.delivered(ours)) >= others }) {
			b.Fatalf("only %d of %d replies delivered", len(e.delivered(ours)), others)
		}
		got := e.delivered(ours)
		e.srv.Hang(hung, false)
		stop()
		checkOrder(b, got, others)
		w.add("max_delay_s", got[len(got)-1].At.Sub(start).Seconds(), false)
		w.add("429s", float64(e.srv.Throttled()), false)
		attempts := 0
		for _, c := range e.srv.Calls("sendMessage") {
			if c.Hung {
				attempts++
			}
		}
		w.add("hung_attempts", float64(attempts), false)
	}
	w.report(b)
}

// BenchmarkLoadFlood: while Budi sends 500 quick reports and a stranger 300 messages (all queued
// at Telegram at once, interleaved), Ahmad sends /progres 20 times, 1.5 s apart. probe_p99_s is
// the 99th percentile (of 20: the slowest) of the time from a probe reaching the fake Bot API to
// its reply being accepted there.
func BenchmarkLoadFlood(b *testing.B) {
	const reports, strangerMsgs, probes = 500, 300, 20
	w := worst{}
	for range b.N {
		e := loadEnv(b)
		stop := e.start()
		e.register(map[tgbotapi.User]string{tgBudi: "081300000001", tgAhmad: "081100002001"})
		ahmad := func(c tgbotapi.Chat, _ string) bool { return c.ID == tgAhmad.ID }
		before := len(e.delivered(ahmad))

		for i := range max(reports, strangerMsgs) {
			if i < reports {
				e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, fmt.Sprintf("/lapor 1 Verifikasi SPJ ke-%d #2", i+1)))
			}
			if i < strangerMsgs {
				e.srv.AddUpdate(telegramtest.PrivateText(tgOther, fmt.Sprintf("halo %d", i+1)))
			}
		}
		var sent []time.Time
		for range probes {
			sent = append(sent, time.Now())
			e.srv.AddUpdate(telegramtest.PrivateText(tgAhmad, "/progres"))
			time.Sleep(1500 * time.Millisecond)
		}
		answered := waitFor(2*time.Minute, func() bool { return len(e.delivered(ahmad)) >= before+probes })
		got := e.delivered(ahmad)[before:]
		var lat []float64
		for i, c := range got {
			if i < probes {
				lat = append(lat, c.At.Sub(sent[i]).Seconds())
			}
		}
		stored := e.count(`SELECT COUNT(*) FROM reports WHERE nip = '198806202014031004'`)
		stop()
		if !answered {
			b.Logf("only %d of %d probes answered within 2 minutes of the last", len(got), probes)
			for len(lat) < probes {
				lat = append(lat, (2*time.Minute + 1500*time.Millisecond).Seconds())
			}
		}
		b.Logf("probe latencies in order (s): %.3f", lat)
		slices.Sort(lat)
		w.add("probe_p99_s", lat[len(lat)-1], false)
		w.add("probe_median_s", lat[len(lat)/2], false)
		w.add("429s", float64(e.srv.Throttled()), false)
		w.add("reports_stored", float64(stored), true)
		w.add("max_in_1s", float64(busiestSecond(e.delivered(func(tgbotapi.Chat, string) bool { return true }))), false)
	}
	w.report(b)
}

// BenchmarkLoadPoisonPhoto: Ahmad sends a photo that cannot be downloaded (the Bot API does not
// know its file id), then Budi sends 150 quick reports. reports_stored is how many of them are
// in the database within a minute. Then the bench waits (up to four minutes: Telegram allows one
// message a second to Budi) until nothing is left in the outbox for Budi, and counts what he was
// told: acks ("Laporan tercatat") and flood_notice (the one notice that his replies are paused and
// everything is recorded, from the per-person intake limit); poison_notice is 1 when Ahmad was told
// his photo could not be received.
func BenchmarkLoadPoisonPhoto(b *testing.B) {
	const reports = 150
	w := worst{}
	for range b.N {
		e := loadEnv(b)
		stop := e.start()
		e.register(map[tgbotapi.User]string{tgBudi: "081300000001", tgAhmad: "081100002001"})
		start := time.Now()
		e.srv.AddUpdate(telegramtest.Photo(tgAhmad, "tidak-ada", "/lapor 1 Foto rapat"))
		for i := range reports {
			e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, fmt.Sprintf("/lapor 1 Verifikasi SPJ ke-%d #2", i+1)))
		}
		budiReports := `SELECT COUNT(*) FROM reports WHERE nip = '198806202014031004'`
		storedAll := waitFor(time.Minute, func() bool { return e.count(budiReports) >= reports })
		storedIn := time.Since(start)
		budiQueue := `SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND chat_net = 'tg' AND chat_id = '` + strconv.FormatInt(tgBudi.ID, 10) + `'`
		drained := waitFor(4*time.Minute, func() bool { return e.count(budiQueue) == 0 })
		drainedIn := time.Since(start)
		told := func(chat int64, want string) int {
			return len(e.delivered(func(c tgbotapi.Chat, text string) bool { return c.ID == chat && strings.Contains(text, want) }))
		}
		stored, acks := e.count(budiReports), told(tgBudi.ID, "Laporan tercatat")
		floodNotice, poisonNotice := told(tgBudi.ID, "semua tercatat"), told(tgAhmad.ID, "tidak dapat kami terima")
		stop()
		w.add("reports_stored", float64(stored), true)
		w.add("acks", float64(acks), true)
		w.add("flood_notice", float64(floodNotice), true)
		w.add("poison_notice", float64(poisonNotice), true)
		if storedAll {
			w.add("stored_all_s", storedIn.Seconds(), false)
		}
		if drained {
			w.add("replies_done_s", drainedIn.Seconds(), false)
		}
		w.add("429s", float64(e.srv.Throttled()), false)
	}
	w.report(b)
}
