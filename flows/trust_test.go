package flows_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// Issue 11, item 1: a quantity is never guessed. Anything that looks like a number or a duration
// but is not a valid one is refused with the right form, and nothing is stored.
func TestQuantityNeverGuessed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, in := range []string{
		"/lapor -3 Verifikasi SPJ #2",
		"/lapor 2,5,3 Verifikasi SPJ #2",
		"/lapor 1e308 Verifikasi SPJ #2",
		"/lapor NaN Verifikasi SPJ #2",
		"/lapor 99999999999999999999 Verifikasi SPJ #2",
		"/lapor ３ Verifikasi SPJ #2",
		"/lapor Rapat koordinasi 99999j",
		"/lapor Rapat koordinasi -5m",
		"/lapor #2 -3 Verifikasi SPJ",
	} {
		got := h.say(budi, in)
		expect(t, got, "Format belum sesuai", "/lapor 3 Verifikasi SPJ #2")
		reject(t, got, "tercatat")
	}
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored from malformed quantities, want 0", n)
	}

	// Indonesian decimals are fine.
	expect(t, h.say(budi, "/lapor 2,5 Verifikasi SPJ #2"), "2,5 dokumen untuk target #2")
}

// A quantity larger than the whole target is shown back as written and counts only once confirmed.
func TestQuantityAboveTargetAsksFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/lapor 1.250 Verifikasi SPJ #2")
	expect(t, got, "1.250 dokumen", "120 dokumen", "Balas 1 untuk menyimpan")
	reject(t, got, "tercatat")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored before confirmation, want 0", n)
	}
	expect(t, h.say(budi, "2"), "dibatalkan")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored after refusal, want 0", n)
	}

	h.say(budi, "/lapor 1.250 Verifikasi SPJ #2")
	got = h.say(budi, "1")
	expect(t, got, "Laporan tercatat", "1.250 dokumen")
	rs := h.reports(budi)
	if len(rs) != 1 || rs[0].Quantity == nil || *rs[0].Quantity != 1250 {
		t.Fatalf("reports after confirmation: %+v", rs)
	}

	// The whole target, not more, needs no confirmation.
	expect(t, h.say(budi, "/lapor 12 Pemeliharaan server #1"), "Laporan tercatat")

	// The guided flow warns the same way at its confirmation step.
	h.say(budi, "/lapor")
	h.say(budi, "Verifikasi SPJ triwulan")
	h.say(budi, "2")
	got = h.say(budi, "NaN")
	expect(t, got, "Format belum sesuai")
	h.say(budi, "500")
	got = h.say(budi, "0")
	expect(t, got, "500 dokumen", "melebihi", "120 dokumen")
}

// Issue 11, item 2: a question asked in the middle of the guided /lapor is answered, and the
// report goes on where it was; only /batal, a new /lapor or another command that changes something
// replaces it, and then the person is told the draft was dropped.
func TestStepFlowSurvivesAQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/lapor")
	expect(t, h.say(budi, "Rapat koordinasi pemeliharaan"), "target yang mana")

	for _, q := range []string{"/progres", "/riwayat", "/kontrak", "/bantuan", "/cuti"} {
		got := h.say(budi, q)
		expect(t, got, "Laporan Anda belum selesai", "target yang mana")
		reject(t, got, "tidak disimpan")
	}
	// The answer still belongs to the step the report was at.
	expect(t, h.say(budi, "1"), "Berapa laporan")
	expect(t, h.say(budi, "/progres"), "Laporan Anda belum selesai", "Berapa laporan")
	expect(t, h.say(budi, "2"), "foto bukti dukung")
	expect(t, h.say(budi, "0"), "Periksa laporan", "Rapat koordinasi pemeliharaan — 2 laporan untuk target #1")
	expect(t, h.say(budi, "1"), "Laporan tercatat")

	// A new /lapor replaces the draft, and says so.
	h.say(budi, "/lapor")
	h.say(budi, "Draf yang akan diganti")
	got := h.say(budi, "/lapor 1 Verifikasi SPJ #2")
	expect(t, got, "Draf laporan sebelumnya tidak disimpan", "Laporan tercatat: Verifikasi SPJ")
	expect(t, h.say(budi, "1"), "tidak saya catat") // the draft is gone

	// So does a bare /lapor: the new draft starts from its first question.
	h.say(budi, "/lapor")
	h.say(budi, "Draf kedua")
	got = h.say(budi, "/lapor")
	expect(t, got, "Draf laporan sebelumnya tidak disimpan", "Kegiatan apa")

	// /batal ends it as before.
	expect(t, h.say(budi, "/batal"), "dibatalkan")
	if n := len(h.reports(budi)); n != 2 {
		t.Fatalf("%d reports, want 2", n)
	}
}

// Issue 11, item 10: leave cannot launder a missed day. Leave that starts before today excuses
// nothing until the supervisor approves it; leave from today on counts at once and may still be
// rejected; leave on days without work is refused.
func TestLeaveCannotLaunderAMissedDay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	boss := h.inbox(kepala)

	// Budi did not report on Mon 16 – Wed 18 Nov and now records leave for them.
	got := h.say(budi, "/cuti 2026-11-16 2026-11-18 Sakit demam")
	expect(t, got, "menunggu persetujuan atasan")
	reject(t, got, "tidak berkurang")
	notice := boss()
	expect(t, notice, "Budi Santoso", "/cuti setujui", "/cuti tolak")
	id := regexp.MustCompile(`/cuti setujui (\d+)`).FindStringSubmatch(notice)[1]

	// Until approved, the days are missed working days.
	got = h.say(budi, "/progres")
	expect(t, got, "0 dari 15 hari kerja")
	reject(t, got, "hari cuti")

	// Only the supervisor decides; Budi cannot approve his own leave.
	expect(t, h.say(budi, "/cuti setujui "+id), "tidak dapat memutuskan cuti Anda sendiri")
	mine := h.inbox(budi)
	expect(t, h.say(kepala, "/cuti setujui "+id), "disetujui")
	expect(t, mine(), "disetujui")
	expect(t, h.say(budi, "/progres"), "0 dari 12 hari kerja", "3 hari cuti tidak dihitung")

	// Leave from today on counts at once; the supervisor may still reject it.
	boss = h.inbox(kepala)
	got = h.say(budi, "/cuti 2026-11-23 2026-11-24 Urusan keluarga")
	expect(t, got, "Cuti tercatat", "tidak berkurang")
	notice = boss()
	expect(t, notice, "/cuti tolak")
	id2 := regexp.MustCompile(`/cuti tolak (\d+)`).FindStringSubmatch(notice)[1]
	h.clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, jakarta))
	expect(t, h.say(budi, "/progres"), "0 dari 12 hari kerja", "5 hari cuti tidak dihitung")
	expect(t, h.say(kepala, "/cuti tolak "+id2+" Ada rapat anggaran"), "ditolak")
	expect(t, mine(), "ditolak", "Ada rapat anggaran")
	expect(t, h.say(budi, "/progres"), "0 dari 14 hari kerja", "3 hari cuti tidak dihitung")

	// A button press does the same as the typed command.
	boss = h.inbox(kepala)
	h.say(budi, "/cuti 2026-11-20 Izin")
	notice = boss()
	id3 := regexp.MustCompile(`/cuti setujui (\d+)`).FindStringSubmatch(notice)[1]
	ref := bot.ChatRef{Net: bot.NetConsole, ID: kepala}
	pressed := strings.Join(h.send(bot.Message{ID: "btn-1", Chat: ref, Sender: ref, Callback: "/cuti setujui " + id3}), "\n")
	expect(t, pressed, "disetujui")

	// Days without work are refused politely, and nothing is stored.
	before := len(h.leaves(budi))
	expect(t, h.say(budi, "/cuti 2026-11-28 2026-11-29 Acara keluarga"), "Tidak ada hari kerja")
	expect(t, h.say(budi, "/cuti 2026-12-25"), "Tidak ada hari kerja")
	if n := len(h.leaves(budi)); n != before {
		t.Fatalf("leave on days off stored: %d records, want %d", n, before)
	}
}

// Issue 11, item 12: a six-day OPD's weekly digest includes its Saturday; the Friday run leaves
// it for the Saturday run of the same digest.
func TestSixDayOPDDigestWeek(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	h.moveToSixDayOPD(siti)
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		for _, d := range []string{"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"} {
			if _, err := tx.AddReport(ctx, store.Report{NIP: siti, OPDCode: "DINKES", LocalDate: d, Text: "Pelayanan", CreatedAt: monday}); err != nil {
				return err
			}
		}
		return tx.BindGroup(ctx, bot.NetConsole, "grup:DINKES", "DINKES", admin, monday)
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func(job string, at time.Time) {
		h.clock.Set(at)
		if err := h.eng.RunJob(ctx, job, at); err != nil {
			t.Fatal(err)
		}
		h.sender.Flush(ctx)
	}
	run(flows.JobDigest, time.Date(2026, 11, 27, 16, 0, 0, 0, jakarta))
	if got := h.con.Received("grup:DINKES"); len(got) != 0 {
		t.Fatalf("a six-day OPD got its digest before its Saturday: %q", got)
	}
	run(flows.JobDigestSaturday, time.Date(2026, 11, 28, 16, 0, 0, 0, jakarta))
	got := h.con.Received("grup:DINKES")
	if len(got) != 2 {
		t.Fatalf("the six-day OPD's group got %q", got)
	}
	expect(t, got[0], "23 Nov 2026 – 28 Nov 2026", "Kepatuhan pelaporan: 100%", "1 dari 1 pegawai melapor paling sedikit 5 hari",
		"Sen 1 · Sel 1 · Rab 1 · Kam 1 · Jum 1 · Sab 1")
	// The Saturday run does not send a five-day OPD its digest again.
	before := len(h.con.Received(kepala))
	run(flows.JobDigestSaturday, time.Date(2026, 11, 28, 16, 5, 0, 0, jakarta))
	if len(h.con.Received(kepala)) != before || len(h.con.Received("grup:DINKES")) != 2 {
		t.Fatal("a digest was sent twice")
	}
}

// Issue 11, item 12: a holiday in the week is shown as such, not silently dropped; /rekap bulan is
// a monthly recap, by week.
func TestDigestMarksHolidaysAndMonthIsByWeek(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(admin, "/libur 2026-11-17 Cuti bersama")
	h.clock.Set(time.Date(2026, 11, 20, 15, 0, 0, 0, jakarta))
	got := h.say(kepala, "/rekap")
	expect(t, got, "Sen 0 · Sel libur · Rab 0 · Kam 0 · Jum 0")

	got = h.say(kepala, "/rekap bulan")
	expect(t, got, "Rekap bulanan", "November 2026", "Laporan per minggu", "2–6 Nov", "16–20 Nov")
	reject(t, got, "Rekap mingguan", "Sen 0 · Sel")
}

// Issue 11, item 14: a supervisor who is not the OPD head gets /rekap for their own team; /tim and
// the digest count the same people.
func TestRekapScopeAndTeamAgree(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Rina reports to Siti (staff in the roster) instead of the head.
	if _, err := h.st.DB().Exec(`UPDATE employees SET supervisor_nip = ? WHERE nip = ?`, siti, rina); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2026, 11, 27, 15, 0, 0, 0, jakarta))
	got := h.say(siti, "/rekap")
	expect(t, got, "tim Ibu Siti", "dari 1 pegawai", "Rina Wulandari")
	reject(t, got, "Budi Santoso", "dari 4 pegawai")

	// The head's /tim lists everyone the OPD's digest counts, the head included.
	team := h.say(kepala, "/tim")
	digest := h.say(kepala, "/rekap")
	expect(t, digest, "dari 4 pegawai")
	expect(t, team, "Belum melapor (4)", "Drs. Ahmad Fauzi, M.Si.")
}

// Issue 11, item 14: names that contain commas are separated unambiguously.
func TestNameListsAreUnambiguous(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.clock.Set(time.Date(2026, 11, 27, 15, 0, 0, 0, jakarta))
	got := h.say(kepala, "/tim")
	expect(t, got, "Budi Santoso; Drs. Ahmad Fauzi, M.Si.; Rina Wulandari; Siti Rahma")
	got = h.say(kepala, "/rekap")
	expect(t, got, "Drs. Ahmad Fauzi, M.Si.; Rina Wulandari; Siti Rahma")
}

// Issue 11, item 14: /kode for someone already registered warns what it does; since issue 12 a
// new link replaces the account on its network, and the warning says so.
func TestCodeForRegisteredWarns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(admin, "/kode "+budi)
	expect(t, got, "sudah terdaftar", "menggantikan akun lama")
	got = h.say(admin, "/kode "+rina)
	reject(t, got, "sudah terdaftar")
}

// Issue 11, item 14: /bantuan shows what the person's role uses daily, with a way to see all; a
// registered person is not told to /daftar.
func TestHelpIsShortAndByRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/bantuan")
	expect(t, got, "/lapor", "/progres", "/bantuan semua")
	reject(t, got, "/daftar", "/tim", "/kode", "/hubungkan")
	if n := strings.Count(got, "\n/"); n > 8 {
		t.Fatalf("the staff's help lists %d commands:\n%s", n, got)
	}
	all := h.say(budi, "/bantuan semua")
	expect(t, all, "/lapor", "/tandatangani", "/bahasa")
	reject(t, all, "/daftar", "/tim")
	boss := h.say(kepala, "/bantuan")
	expect(t, boss, "/tim", "/ingatkan", "/validasi", "/rekap", "/bantuan semua")
	reject(t, boss, "/daftar", "/kode")
	expect(t, h.say(admin, "/bantuan"), "/kode", "/evaluate", "/bantuan semua")
	expect(t, h.say("orang-baru", "/bantuan"), "/daftar")
}

// Issue 11, item 14: English mode has correct plurals.
func TestEnglishPlurals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/bahasa en")
	h.say(budi, "/lapor Server check")
	got := h.say(budi, "/riwayat")
	expect(t, got, "Total: 1 report.")
	got = h.say(budi, "/cuti 2026-11-24 Family matters")
	expect(t, got, "(1 working day)")
	h.say(kepala, "/bahasa en")
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, jakarta))
	got = h.say(kepala, "/tim")
	expect(t, got, "Budi Santoso (1 report)")
}

// Item 2 holds for every step flow: the /evaluate preview of an OPD survives a question too, and
// its confirmation still records.
func TestEvaluatePreviewSurvivesAQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	expect(t, h.say(admin, "/evaluate DISKOMINFO 2026-10"), "Pratinjau evaluasi")
	got := h.say(admin, "/bantuan")
	expect(t, got, "konfirmasi evaluasi Anda belum selesai")
	expect(t, h.say(admin, "ya"), "[berkas: evaluasi-2026-11-23.xlsx")
}
