package flows_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/flows"
)

// benchDay spreads a benchmark's reports over the days of 2026 from 6 January, twenty a day and 4
// seconds apart, as a busy person might send them: each report is checked against its author's
// reports of its day (the same one sent twice is asked about), and thousands on one day would
// measure a day no one has.
func benchDay(i int) time.Time {
	day := time.Date(2026, 1, 6, 8, 0, 0, 0, jakarta).AddDate(0, 0, (i/20)%300)
	return day.Add(time.Duration(i%20) * 4 * time.Second)
}

// BenchmarkQuickReport measures one quick report end to end on a real SQLite file: the message is
// routed, stored with its reply in one transaction, and the reply delivered from the outbox.
func BenchmarkQuickReport(b *testing.B) {
	h := newHarness(b)
	b.Cleanup(h.stop)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.clock.Set(benchDay(i))
		m := console.Message(budi, fmt.Sprintf("/lapor 3 Verifikasi SPJ ke-%d #2 90m", i), nil, h.clock.Now())
		if err := h.router.Handle(ctx, m); err != nil {
			b.Fatal(err)
		}
		if _, err := h.sender.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuickReportFloodLimit is BenchmarkQuickReport with the per-sender limit on (30 a
// minute, the default) and a sender who stays under it (one message every 4 s of the clock): the
// cost of counting the sender's window in every message's transaction.
func BenchmarkQuickReportFloodLimit(b *testing.B) {
	h := newHarnessWith(b, func(o *flows.Options) { o.FloodMax, o.FloodWindow = 30, time.Minute })
	b.Cleanup(h.stop)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.clock.Set(benchDay(i))
		m := console.Message(budi, fmt.Sprintf("/lapor 3 Verifikasi SPJ ke-%d #2 90m", i), nil, h.clock.Now())
		if err := h.router.Handle(ctx, m); err != nil {
			b.Fatal(err)
		}
		if _, err := h.sender.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuickReportParallel sends quick reports from many chats at once, as a Monday afternoon
// would: every transaction takes SQLite's write lock at BEGIN (_txlock=immediate), so this shows
// the write throughput one database file gives.
func BenchmarkQuickReportParallel(b *testing.B) {
	h := newHarness(b)
	b.Cleanup(h.stop)
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			// Alternate the two linked staff; each message its own id.
			who := budi
			if n.Add(1)%2 == 0 {
				who = siti
			}
			ref := bot.ChatRef{Net: bot.NetConsole, ID: who}
			m := bot.Message{ID: fmt.Sprint("p", n.Load()), Chat: ref, Sender: ref, Text: fmt.Sprintf("/lapor Rapat koordinasi ke-%d 45m", n.Load())}
			if err := h.router.Handle(ctx, m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if _, err := h.sender.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReminderRun measures one reminder run over the test city (four registered people, one
// on a working day without a report): the calendar, report and ledger queries per person, in one
// transaction. A new slot each iteration, so every run really claims and queues.
func BenchmarkReminderRun(b *testing.B) {
	h := newHarness(b)
	b.Cleanup(h.stop)
	ctx := context.Background()
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, jakarta)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := h.eng.RunJob(ctx, flows.JobReminder, start.Add(time.Duration(i)*time.Minute)); err != nil {
			b.Fatal(err)
		}
	}
}
