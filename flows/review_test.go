package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// joko is a head of section (eselon IV) of DISKOMINFO whom some tests make Budi's supervisor.
const joko = "198203152008011005"

// withSupervisor adds Joko to the test city as Budi's direct supervisor (under the head).
func (h *harness) withSupervisor() {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertEmployee(ctx, store.Employee{NIP: joko, Name: "Joko Susilo", Position: "Kepala Seksi Infrastruktur",
			Eselon: "IV.a", OPDCode: "DISKOMINFO", SupervisorNIP: kepala}, rosterDay); err != nil {
			return err
		}
		b, err := tx.Employee(ctx, budi)
		if err != nil {
			return err
		}
		b.SupervisorNIP = joko
		if err := tx.UpsertEmployee(ctx, b, rosterDay); err != nil {
			return err
		}
		return tx.LinkIdentity(ctx, bot.NetConsole, joko, joko, rosterDay)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// jobRun runs a job scheduled at t and delivers what it queued; it returns what each person got.
func (h *harness) jobRun(job string, t time.Time) map[string]string {
	h.t.Helper()
	h.clock.Set(t)
	who := []string{admin, kepala, budi, siti, joko}
	before := map[string]int{}
	for _, p := range who {
		before[p] = len(h.con.Received(p))
	}
	if err := h.eng.RunJob(context.Background(), job, t); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.sender.Flush(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range who {
		if msgs := h.con.Received(p)[before[p]:]; len(msgs) > 0 {
			got[p] = strings.Join(msgs, "\n---\n")
		}
	}
	return got
}

// Issue 21 item 2: a supervisor has [reports] review_days = 3 working days to validate a report;
// on the last day the one who validates is reminded once, the day after it is escalated to the
// head (or, when the head let it lapse, to the admins). A Plh named for Joko's days away
// validates and is told in his place, without anyone forwarding anything.
func TestValidationOnTime(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.RequireApproval, o.ReviewDays, o.CloseDay = true, 3, 5 })
	h.withSupervisor()

	// Monday 23 November: Budi's report A is due Thursday 26 (24, 25, 26); Joko's own report C,
	// validated by the head, too.
	h.clock.Set(at(2026, 11, 23, 10))
	a := reportID(t, h.say(budi, "/lapor 1 Verifikasi SPJ #2"))
	c := reportID(t, h.say(joko, "/lapor Rapat koordinasi jaringan 2j"))
	// Tuesday 24: B is due Friday 27. Joko's list, oldest first, with the days left.
	h.clock.Set(at(2026, 11, 24, 10))
	b := reportID(t, h.say(budi, "/lapor 2 Verifikasi SPJ #2"))
	got := h.say(joko, "/validasi")
	expect(t, got, "#"+a+" Budi Santoso, 23 Nov 2026", "sisa 2 hari kerja", "#"+b+" Budi Santoso, 24 Nov 2026", "sisa 3 hari kerja",
		"/validasi tolak <id> <alasan>")
	if strings.Index(got, "#"+a) > strings.Index(got, "#"+b) {
		t.Fatalf("not oldest first:\n%s", got)
	}

	// Wednesday 25: the head names Siti acting supervisor for Joko, Thursday and Friday.
	h.clock.Set(at(2026, 11, 25, 8))
	expect(t, h.say(siti, "/plh "+budi+" 2026-11-26 2026-11-27"), "tidak tersedia untuk peran Anda")
	expect(t, h.say(joko, "/plh "+siti+" 2026-11-26 2026-11-27"), "Plh ditunjuk oleh kepala OPD atau admin BKPPD")
	expect(t, h.say(kepala, "/plh "+siti+" 2026-11-27 2026-11-26 "+joko), "sebelum tanggal mulai")
	got = h.say(kepala, "/plh "+siti+" 26-11-2026 27-11-2026 "+joko)
	expect(t, got, "✅ Siti Rahma ditunjuk sebagai Plh Joko Susilo, 26 Nov 2026 – 27 Nov 2026")
	expect(t, last(h, siti), "Anda ditunjuk oleh Drs. Ahmad Fauzi, M.Si. sebagai Plh Joko Susilo (Kepala Seksi Infrastruktur)")
	expect(t, last(h, joko), "menunjuk Siti Rahma sebagai Plh Anda")
	expect(t, h.say(kepala, "/plh "+budi+" 2026-11-27 2026-11-30 "+joko), "Sudah ada Plh untuk periode itu: Siti Rahma")
	// Not yet Thursday: Siti has no team to validate.
	expect(t, h.say(siti, "/validasi"), "tidak tersedia untuk peran Anda")

	// Thursday 26, 09:00: A's last day. The reminder goes to the Plh, not to Joko; C's to the head.
	got2 := h.jobRun(flows.JobReview, at(2026, 11, 26, 9))
	expect(t, got2[siti], "⏰ Ibu Siti, hari ini batas terakhir validasi 1 laporan tim Anda:", "#"+a+" Budi Santoso, 23 Nov 2026",
		"akan diteruskan kepada Drs. Ahmad Fauzi, M.Si.")
	expect(t, got2[kepala], "#"+c+" Joko Susilo")
	if got2[joko] != "" || got2[budi] != "" {
		t.Fatalf("told others: %v", got2)
	}
	// Once a day.
	if again := h.jobRun(flows.JobReview, at(2026, 11, 26, 10)); len(again) != 0 {
		t.Fatalf("reminded twice: %v", again)
	}
	// Siti, acting, validates B (due tomorrow), not A.
	expect(t, h.say(siti, "/validasi"), "#"+a, "batas hari ini", "#"+b, "sisa 1 hari kerja")
	expect(t, h.say(siti, "/validasi setujui "+b), "1 laporan disetujui (#"+b+")")

	// Friday 27: A and C lapsed. A goes to the head; C, which the head let lapse, to the admins.
	got2 = h.jobRun(flows.JobReview, at(2026, 11, 27, 9))
	expect(t, got2[kepala], "⚠️ Bapak Ahmad, 1 laporan belum divalidasi lewat batas 3 hari kerja:", "#"+a+" Budi Santoso", "(atasan: Siti Rahma)")
	expect(t, got2[admin], "#"+c+" Joko Susilo", "(atasan: Drs. Ahmad Fauzi, M.Si.)")
	if got2[siti] != "" || got2[joko] != "" {
		t.Fatalf("told others: %v", got2)
	}
	// Each report is escalated once, whatever day the job runs again.
	if again := h.jobRun(flows.JobReview, at(2026, 11, 30, 9)); len(again) != 0 {
		t.Fatalf("escalated twice: %v", again)
	}
	// The head decides: A is rejected (Ditolak), and Budi is told why.
	expect(t, h.say(kepala, "/validasi"), "#"+a, "lewat 2 hari kerja")
	expect(t, h.say(kepala, "/validasi tolak "+a), "Mohon sertakan alasan penolakan")
	expect(t, h.say(kepala, "/validasi tolak "+a+" Kegiatan di luar tugas jabatan"), "Laporan #"+a+" milik Budi Santoso ditolak")
	expect(t, last(h, budi), "ditolak oleh Bapak Ahmad (Kepala Dinas) dan tidak dihitung", "Alasan: Kegiatan di luar tugas jabatan")

	// Monday 30: the Plh's days are over; everything is Joko's again, without anyone typing anything.
	h.clock.Set(at(2026, 11, 30, 10))
	expect(t, h.say(siti, "/validasi"), "tidak tersedia untuk peran Anda")
	h.clock.Set(at(2026, 11, 30, 11))
	d := reportID(t, h.say(budi, "/lapor Entri data 30m"))
	expect(t, h.say(joko, "/validasi"), "#"+d)

	// English is complete.
	h.say(joko, "/bahasa en")
	expect(t, h.say(joko, "/review"), "3 working days left")
}
