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
	t.Parallel()
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
	// Second week: Monday 30 Nov everyone registered is due again (Budi reported at 10:00), and the
	// 16:00 run reaches only those still silent; Friday 4 Dec, Siti's report before 14:00 spares her.
	h.clock.Set(time.Date(2026, 11, 30, 10, 0, 0, 0, jakarta))
	h.say(budi, "/lapor Rapat evaluasi")
	if got := h.remindAt(30, 14); names(got...) != names(admin, kepala, siti) {
		t.Fatalf("Mon 30 Nov 14:00 reminded %v", got)
	}
	h.clock.Set(time.Date(2026, 12, 4, 9, 0, 0, 0, jakarta))
	h.say(siti, "/lapor Rekonsiliasi kas Desember")
	at := time.Date(2026, 12, 4, 14, 0, 0, 0, jakarta)
	h.clock.Set(at)
	before := len(h.con.Received(siti))
	h.eng.RunJob(context.Background(), flows.JobReminder, at)
	h.sender.Flush(context.Background())
	if len(h.con.Received(siti)) != before || len(h.con.Received(budi)) == 0 {
		t.Fatal("Fri 4 Dec: Siti reminded after reporting")
	}

	// The text names the person, gives the quick form with one of their targets, and the streak.
	// (Tuesday 24 Nov's: he had reported on Monday.)
	var msg string
	for _, m := range h.con.Received(budi) {
		if strings.Contains(m, "berturut-turut") {
			msg = m
		}
	}
	for _, want := range []string{"Bapak Budi", "/lapor 1 Pemeliharaan server #1", "1 hari kerja berturut-turut"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("reminder lacks %q:\n%s", want, msg)
		}
	}
}

func TestReminderWordingsVary(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// runJob runs a job at a Jakarta time and returns, per person, the messages they got.
func (h *harness) runJob(job string, at time.Time) map[string][]string {
	h.t.Helper()
	h.clock.Set(at)
	people := []string{admin, kepala, budi, siti, rina}
	before := map[string]int{}
	for _, p := range people {
		before[p] = len(h.con.Received(p))
	}
	if err := h.eng.RunJob(context.Background(), job, at); err != nil {
		h.t.Fatal(err)
	}
	h.sender.Flush(context.Background())
	out := map[string][]string{}
	for _, p := range people {
		if got := h.con.Received(p)[before[p]:]; len(got) > 0 {
			out[p] = got
		}
	}
	return out
}

func TestDeadlineNotices(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/lapor 12 Pemeliharaan server #1") // #1 complete, #2 behind
	// Budi's targets are due 31 Dec: warned 7 days before and the day before, only when behind.
	got := h.runJob(flows.JobDeadline, time.Date(2026, 12, 24, 8, 0, 0, 0, jakarta))
	if len(got) != 1 || len(got[budi]) != 1 || !strings.Contains(got[budi][0], "target #2 Verifikasi SPJ bertenggat 31 Des 2026 (7 hari lagi)") {
		t.Fatalf("24 Dec: %v", got)
	}
	if again := h.runJob(flows.JobDeadline, time.Date(2026, 12, 24, 8, 0, 0, 0, jakarta)); len(again) != 0 {
		t.Fatalf("sent twice: %v", again)
	}
	if got := h.runJob(flows.JobDeadline, time.Date(2026, 12, 27, 8, 0, 0, 0, jakarta)); len(got) != 0 {
		t.Fatalf("27 Dec (4 days left): %v", got)
	}
	if got := h.runJob(flows.JobDeadline, time.Date(2026, 12, 30, 8, 0, 0, 0, jakarta)); len(got[budi]) != 1 || !strings.Contains(got[budi][0], "(1 hari lagi)") {
		t.Fatalf("30 Dec: %v", got)
	}
}

func TestContractNotices(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(siti, "/target Rekonsiliasi kas | 12 laporan | 31-12-2026")
	h.say(siti, "/ajukan")
	got := h.runJob(flows.JobContract, time.Date(2026, 11, 30, 9, 0, 0, 0, jakarta))
	// Budi's is signed; Siti's waits (she is told its state), Ahmad and Hendra have none; Rina is
	// not registered. Ahmad is also told of Siti's contract waiting for him.
	if _, ok := got[budi]; ok || len(got[siti]) != 1 || len(got[admin]) != 1 || len(got[kepala]) != 2 || len(got[rina]) != 0 {
		t.Fatalf("notices %v", got)
	}
	expect(t, got[siti][0], "belum ditandatangani (status: menunggu persetujuan atasan)")
	expect(t, strings.Join(got[kepala], "\n"), "1 kontrak kinerja menunggu persetujuan Anda")
	if again := h.runJob(flows.JobContract, time.Date(2026, 11, 30, 9, 0, 0, 0, jakarta)); len(again) != 0 {
		t.Fatalf("sent twice in a week: %v", again)
	}
}

func TestEvaluationDueNotices(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Budi signed on 5 Jan: his 6-month checkpoint ends Saturday 4 Jul, in the week of Monday 29 Jun.
	got := h.runJob(flows.JobEvaluationDue, time.Date(2026, 6, 29, 8, 0, 0, 0, jakarta))
	if len(got) != 2 || len(got[admin]) != 1 || len(got[kepala]) != 1 {
		t.Fatalf("notices %v", got)
	}
	expect(t, got[admin][0], "Budi Santoso ("+budi+") 6b", "/evaluate")
	if got := h.runJob(flows.JobEvaluationDue, time.Date(2026, 7, 6, 8, 0, 0, 0, jakarta)); len(got) != 0 {
		t.Fatalf("the week after: %v", got)
	}
}
