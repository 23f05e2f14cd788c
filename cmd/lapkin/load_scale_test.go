package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/chart"
)

// BenchmarkLoadRemindersAndDigests (issue 13, item 8): 2,000 reminders to 2,000 people and, mixed
// among them, the weekly digests of 40 OPDs (a text and a chart to each OPD's group), drained
// through `lapkin run` against the fake enforcing Telegram's limits. The best possible is 30
// messages a second; the figure asked is at least 90% of it (27/s) with zero 429.
func BenchmarkLoadRemindersAndDigests(b *testing.B) {
	const people, groups = 2000, 40
	png, err := chart.PNG(chart.Digest{Title: "Rekap Mingguan OPD contoh, 23–27 Nov 2026",
		Days:   []chart.Day{{Label: "Sen", Reports: 40, Reporters: 38, Headcount: 50}, {Label: "Sel", Reports: 45, Reporters: 41, Headcount: 50}},
		People: []chart.Person{{Name: "Budi", Pct: 100}, {Name: "Siti", Pct: 80}}})
	if err != nil {
		b.Fatal(err)
	}
	w := worst{}
	for range b.N {
		e := loadEnv(b)
		var replies []bot.Reply
		for i := range people {
			replies = append(replies, bot.Reply{To: bot.ChatRef{Net: bot.NetTelegram, ID: strconv.Itoa(20001 + i)},
				Text: fmt.Sprintf("⏰ pengingat %d: jangan lupa melapor hari ini", i)})
			if i%(people/groups) == people/groups/2 {
				g := bot.ChatRef{Net: bot.NetTelegram, ID: strconv.Itoa(-1000100 - i/(people/groups))}
				replies = append(replies,
					bot.Reply{To: g, Text: "Rekap mingguan: kepatuhan 92%, 38 dari 40 pegawai melapor setiap hari kerja."},
					bot.Reply{To: g, Text: "Grafik rekap mingguan", Photo: png, PhotoName: "rekap.png"})
			}
		}
		e.queueReplies(replies)
		ours := func(c tgbotapi.Chat, _ string) bool { return c.ID > 20000 && c.ID <= 20000+people || c.ID <= -1000100 }
		want := people + 2*groups

		stop := e.start()
		if !waitFor(10*time.Minute, func() bool { return len(e.delivered(ours)) >= want }) {
			b.Fatalf("only %d of %d messages delivered", len(e.delivered(ours)), want)
		}
		stop()
		got := e.delivered(ours)
		photos := 0
		for _, c := range got {
			if c.Method == "sendPhoto" {
				photos++
			}
		}
		if photos != groups {
			b.Fatalf("%d charts delivered, want %d", photos, groups)
		}
		span := got[len(got)-1].At.Sub(got[0].At)
		rate := float64(len(got)-1) / span.Seconds()
		w.add("msgs/s", rate, true)
		w.add("pct_of_30/s", 100*rate/30, true)
		w.add("drain_s", span.Seconds(), false)
		w.add("max_in_1s", float64(busiestSecond(got)), false)
		w.add("429s", float64(e.srv.Throttled()), false)
	}
	w.report(b)
}
