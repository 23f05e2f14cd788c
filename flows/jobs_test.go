package flows_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// remindAt runs the reminder job scheduled at the given Jakarta time and returns who got one.
func (h *harness) remindAt(day, hour int) []string {
	h.t.Helper()
	at := time.Date(2026, 11, day, hour, 0, 0, 0, jakarta)
	h.clock.Set(at)
	before := map[string]int{}
	for _, p := range []string{admin, kepala, budi, siti, rina} {
		before[p] = len(h.con.Received(p))
	}
	if err := h.eng.RunJob(context.Background(), flows.JobReminder, at); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.sender.Flush(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	var got []string
	for _, p := range []string{admin, kepala, budi, siti, rina} {
		msgs := h.con.Received(p)[before[p]:]
		for _, m := range msgs {
			if strings.Contains(m, "⏰") {
				got = append(got, p)
			}
		}
	}
	sort.Strings(got)
	return got
}

func names(nips ...string) string {
	sort.Strings(nips)
	return strings.Join(nips, ",")
}

func TestReminderRecipients(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// Siti is on leave Tuesday 24 Nov; Wednesday 25 Nov is a holiday; BKPPD works six days.
	h.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.AddLeave(ctx, store.Leave{NIP: siti, Kind: store.LeaveSakit, StartDate: "2026-11-24", EndDate: "2026-11-24"}, monday)
		return err
	})
	h.say(admin, "/libur 2026-11-25 Cuti bersama")
	h.st.DB().Exec(`UPDATE opds SET work_days = 6 WHERE code = 'BKPPD'`)

	// Monday: Budi reported in the morning; Rina is not registered (no cold messages).
	h.say(budi, "/lapor Rapat pagi")
	if got := h.remindAt(23, 14); names(got...) != names(admin, kepala, siti) {
		t.Fatalf("Mon 14:00 reminded %v", got)
	}
	// The same run again (a restart, a second process): nothing twice.
	if got := h.remindAt(23, 14); len(got) != 0 {
		t.Fatalf("the 14:00 run sent again to %v", got)
	}
	// Siti reports before 16:00: the 16:00 run reminds the two still silent.
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, jakarta))
	h.say(siti, "/lapor Rekonsiliasi kas")
	if got := h.remindAt(23, 16); names(got...) != names(admin, kepala) {
		t.Fatalf("Mon 16:00 reminded %v", got)
	}
	// Tuesday: Siti is on leave.
	if got := h.remindAt(24, 14); names(got...) != names(admin, kepala, budi) {
		t.Fatalf("Tue 14:00 reminded %v", got)
	}
	// Wednesday is a holiday for everyone.
	if got := h.remindAt(25, 14); len(got) != 0 {
		t.Fatalf("holiday reminded %v", got)
	}
	// Saturday: only the six-day OPD (BKPPD: the admin) works.
	if got := h.remindAt(28, 14); names(got...) != names(admin) {
		t.Fatalf("Sat 14:00 reminded %v", got)
	}
	// The text names the person, gives the quick form with one of their targets, and the streak.
	last := h.con.Received(budi)
	msg := last[len(last)-1]
	for _, want := range []string{"Bapak Budi", "/lapor 1 Pemeliharaan server #1", "1 hari kerja berturut-turut"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("reminder lacks %q:\n%s", want, msg)
		}
	}
}

func TestReminderWordingsVary(t *testing.T) {
	h := newHarness(t)
	seen := map[string]bool{}
	for _, d := range []int{2, 3, 4, 5, 6, 9, 10} {
		for _, hour := range []int{14, 16} {
			h.remindAt(d, hour)
		}
	}
	for _, m := range h.con.Received(siti) {
		for _, phrase := range []string{"belum masuk", "jangan lupa", "sebelum jam kerja berakhir"} {
			if strings.Contains(m, phrase) {
				seen[phrase] = true
			}
		}
	}
	if len(seen) < 3 {
		t.Fatalf("only %d wordings in a fortnight: %v", len(seen), seen)
	}
}

func TestStillCurrent(t *testing.T) {
	fri16 := time.Date(2026, 11, 27, 16, 0, 0, 0, jakarta)
	for _, c := range []struct {
		job  string
		at   time.Time
		now  time.Time
		want bool
	}{
		{flows.JobDigest, fri16, fri16.Add(2 * time.Hour), true},   // down at 16:00, up at 18:00
		{flows.JobDigest, fri16, fri16.Add(66 * time.Hour), false}, // up on Monday
		{flows.JobReminder, fri16.Add(-2 * time.Hour), fri16.Add(-time.Hour), true},
		{flows.JobReminder, fri16, fri16.Add(2 * time.Hour), false}, // after office hours
		{flows.JobReminder, fri16.Add(-2 * time.Hour), fri16.Add(22 * time.Hour), false},
	} {
		if got := flows.StillCurrent(c.job, c.at, c.now); got != c.want {
			t.Errorf("%s at %v, now %v: %v", c.job, c.at, c.now, got)
		}
	}
}

// Two processes on one database (a restart overlapping the old one, or an operator's mistake)
// run the same reminder slot: the ledger lets only the first queue anything.
func TestReminderSecondProcessSendsNothing(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, jakarta)
	other, err := store.Open(context.Background(), h.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	second := flows.New(other, h.clock, catalog.Must(), h.opt, nil)
	count := func() int {
		var n int
		h.st.DB().QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&n)
		return n
	}
	if err := h.eng.RunJob(context.Background(), flows.JobReminder, at); err != nil {
		t.Fatal(err)
	}
	first := count()
	if first == 0 {
		t.Fatal("the first process queued nothing")
	}
	if err := second.RunJob(context.Background(), flows.JobReminder, at); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != first {
		t.Fatalf("the second process queued %d more", n-first)
	}
}
