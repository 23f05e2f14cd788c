package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/holidays"
)

// At dates in Jakarta.
func at(y int, m time.Month, d, hour int) time.Time {
	return time.Date(y, m, d, hour, 0, 0, 0, jakarta)
}

// Issue 21 item 8: one calendar. The city's days off come from three sources (the national
// calendar copied into the database, the config's [holidays], /libur), and every part that counts
// days sees the same ones: /libur's list, /tim, the reminders, /progres and /evaluate. December
// 2026: Thursday 24 is a cuti bersama (national calendar only), Friday 25 Christmas (national and
// config: the config's name wins), Wednesday 30 a city holiday added with /libur.
func TestOneCalendarEverywhere(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	if _, err := holidays.Seed(ctx, h.st, rosterDay); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(at(2026, 12, 1, 8))
	expect(t, h.say(admin, "/libur 2026-12-30 Hari jadi kota"), "Rabu, 30 Desember 2026")

	got := h.say(admin, "/libur daftar")
	expect(t, got, "Kam, 24 Des 2026 – Cuti bersama Kelahiran Yesus Kristus",
		"Jum, 25 Des 2026 – Hari Raya Natal (konfigurasi)", "Rab, 30 Des 2026 – Hari jadi kota")
	reject(t, got, "Kelahiran Yesus Kristus (") // 25 December is listed once, by the config's name

	// Budi reports on every working day of December up to the 23rd: 1–4, 7–11, 14–18, 21–23.
	for d := 1; d <= 23; d++ {
		day := at(2026, 12, d, 10)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		h.clock.Set(day)
		expect(t, h.say(budi, "/lapor 1 Verifikasi SPJ #2"), "tercatat")
	}

	// Thursday 24: nobody is expected to report, and the head reads why.
	h.clock.Set(at(2026, 12, 24, 9))
	expect(t, h.say(kepala, "/tim"), "bukan hari kerja", "Cuti bersama Kelahiran Yesus Kristus")
	if err := h.eng.RunJob(ctx, flows.JobReminder, at(2026, 12, 24, 14)); err != nil {
		t.Fatal(err)
	}
	if n, _ := h.sender.Flush(ctx); n != 0 {
		t.Fatalf("%d reminders on a cuti bersama", n)
	}

	// Monday 28: December so far has 17 working days (the 24th and 25th are off), all reported.
	h.clock.Set(at(2026, 12, 28, 8))
	expect(t, h.say(budi, "/progres"), "Kepatuhan pelaporan bulan ini: 100% (17 dari 17 hari kerja; 2 hari libur).")

	// January: December is evaluated. Weekdays 23, less the 24th, 25th and 30th = 20 working days;
	// 17 reported: K = 17 ÷ 20 = 85%.
	h.clock.Set(at(2027, 1, 4, 9))
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-12"), "Kepatuhan K = 85% (17 dari 20 hari kerja; 3 hari libur tidak dihitung)")
}
