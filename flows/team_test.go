package flows_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/store"
)

// dewi is a fourth member of DISKOMINFO, registered, whom the team tests put on leave.
const dewi = "199107072019032002"

// teamAddDewi adds Dewi to DISKOMINFO, links her console account, and records her leave of kind
// (cuti, sakit, dl) over today.
func teamAddDewi(h *harness, kind string) {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertEmployee(ctx, store.Employee{NIP: dewi, Name: "Dewi Lestari", Position: "Pranata Humas",
			OPDCode: "DISKOMINFO", SupervisorNIP: kepala}, monday); err != nil {
			return err
		}
		if err := tx.LinkIdentity(ctx, bot.NetConsole, dewi, dewi, monday); err != nil {
			return err
		}
		_, err := tx.AddLeave(ctx, store.Leave{NIP: dewi, Kind: kind, StartDate: "2026-11-23", EndDate: "2026-11-25", Reason: "test"}, monday)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// teamBindGroup binds the console group of opd to it, as /hubungkan would.
func teamBindGroup(h *harness, opd string) {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		return tx.BindGroup(ctx, bot.NetConsole, console.GroupID(opd), opd, admin, monday)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// teamReportIDs returns the ids of who's reports, oldest first, as strings.
func teamReportIDs(h *harness, who string) []string {
	h.t.Helper()
	var out []string
	for _, r := range h.reports(who) {
		out = append(out, strconv.FormatInt(r.ID, 10))
	}
	return out
}

// teamStatus returns the stored status of report id.
func teamStatus(h *harness, id string) string {
	h.t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	var rep store.Report
	err := h.st.View(context.Background(), func(tx *store.Tx) (err error) {
		rep, err = tx.Report(context.Background(), n)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return rep.Status
}

func TestTeamStatus(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	teamAddDewi(h, store.LeaveSakit)
	expect(t, h.say(budi, "/lapor 3 Verifikasi SPJ #2"), "Laporan tercatat")
	expect(t, h.say(budi, "/lapor Rapat koordinasi"), "Laporan tercatat")

	got := h.say(kepala, "/tim")
	expect(t, got,
		"Tim DISKOMINFO, Senin, 23 November 2026",
		"✅ Sudah melapor (1): Budi Santoso (2 laporan)",
		"Belum melapor (3): Drs. Ahmad Fauzi, M.Si.; Rina Wulandari; Siti Rahma",
		"Cuti/sakit/DL (1): Dewi Lestari (sakit)",
		"/ingatkan.")
	// The head counts himself, as the OPD's digest does; another OPD's people are not there.
	reject(t, got, "Hendra")
	if n := strings.Count(got, "\n") + 1; n > 6 {
		t.Fatalf("/tim takes %d lines:\n%s", n, got)
	}

	// An admin names the OPD; bare, /tim is their own OPD.
	got = h.say(admin, "/team diskominfo")
	// For an admin the kepala is a member like any other.
	expect(t, got, "Sudah melapor (1): Budi Santoso", "Belum melapor (3): Drs. Ahmad Fauzi, M.Si.; Rina", "/ingatkan DISKOMINFO")
	// Bare, it is the admin's own OPD, the admin counted as in its digest.
	expect(t, h.say(admin, "/tim"), "Belum melapor (1): Hendra Gunawan")
	expect(t, h.say(admin, "/tim DINKES"), "OPD dengan kode DINKES tidak ditemukan")
	// A kepala sees their own OPD only.
	expect(t, h.say(kepala, "/tim BKPPD"), "hanya dapat melihat tim OPD Anda sendiri")

	// Saturday: no one is expected to report.
	h.clock.Set(time.Date(2026, 11, 28, 9, 0, 0, 0, jakarta))
	got = h.say(kepala, "/tim")
	expect(t, got, "bukan hari kerja DISKOMINFO (akhir pekan)")
	reject(t, got, "Belum melapor")
}

func TestTeamCommandsNeedKepala(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, cmd := range []string{"/tim", "/ingatkan", "/validasi", "/pegawai " + siti, "/umumkan semua Halo"} {
		expect(t, h.say(budi, cmd), "tidak tersedia untuk peran Anda")
	}
	expect(t, h.say(kepala, "/umumkan semua Halo"), "tidak tersedia untuk peran Anda")
}

func TestNudge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	teamAddDewi(h, store.LeaveCuti)
	expect(t, h.say(budi, "/lapor 3 Verifikasi SPJ #2"), "Laporan tercatat")
	before := map[string]int{}
	for _, p := range []string{budi, siti, dewi} {
		before[p] = len(h.con.Received(p))
	}

	got := h.say(kepala, "/ingatkan")
	expect(t, got, "⏰ Pengingat dikirim kepada 1 orang.",
		"Belum mendaftar di Lapkin, tidak dapat dihubungi (1): Rina Wulandari",
		"Sudah melapor: 1 orang; cuti/sakit/DL: 1 orang.")
	sitiGot := h.con.Received(siti)[before[siti]:]
	if len(sitiGot) != 1 {
		t.Fatalf("Siti received %d messages: %q", len(sitiGot), sitiGot)
	}
	expect(t, sitiGot[0], "⏰ Ibu Siti, Anda belum mengirim laporan kinerja hari ini",
		"Bapak Ahmad (Kepala Dinas) mengingatkan", "/lapor Rapat koordinasi")
	for _, p := range []string{budi, dewi} {
		if n := len(h.con.Received(p)) - before[p]; n != 0 {
			t.Fatalf("%s was reminded (%d messages): %q", p, n, h.con.Received(p))
		}
	}

	// The same day again: nobody is reminded twice.
	got = h.say(kepala, "/nudge")
	expect(t, got, "Pengingat dikirim kepada 0 orang", "1 orang sudah diingatkan hari ini")
	if n := len(h.con.Received(siti)) - before[siti]; n != 1 {
		t.Fatalf("Siti received %d reminders", n)
	}

	// A new day is a new period; Budi, who has not reported yet, sees his own target as example.
	h.clock.Set(time.Date(2026, 11, 24, 10, 0, 0, 0, jakarta))
	expect(t, h.say(kepala, "/ingatkan"), "Pengingat dikirim kepada 2 orang")
	last := h.con.Received(budi)
	expect(t, last[len(last)-1], "Bapak Budi", "/lapor 1 Pemeliharaan server #1")

	// No reminders on a weekend.
	h.clock.Set(time.Date(2026, 11, 29, 10, 0, 0, 0, jakarta))
	expect(t, h.say(kepala, "/ingatkan"), "Pengingat tidak dikirim", "bukan hari kerja")
}

func TestEmployeeScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(kepala, "/pegawai "+admin), "tidak ditemukan")
	expect(t, h.say(kepala, "/pegawai"), "Kirim /pegawai <NIP>")
	expect(t, h.say(kepala, "/pegawai 1234"), "18 angka")
	expect(t, h.say(admin, "/pegawai "+budi), "Budi Santoso", "DISKOMINFO")
	expect(t, h.say(admin, "/employee "+kepala), "Drs. Ahmad Fauzi", "Peran: kepala")
}

func TestEmployeeProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "/lapor 3 Verifikasi SPJ #2"), "Laporan tercatat")

	got := h.say(kepala, "/pegawai "+budi)
	// Compliance: November 2026 has 15 working days before the 23rd (2–6, 9–13, 16–20) plus today,
	// which counts once reported: 1 of 16 = 6,25% → "6,3%".
	expect(t, got,
		"👤 Budi Santoso\nNIP "+budi,
		"Pranata Komputer, Dinas Komunikasi dan Informatika (DISKOMINFO)",
		"Peran: ASN. Atasan: Drs. Ahmad Fauzi, M.Si.",
		"Akun Lapkin:\n• Konsol: terhubung 2 Jan 2026 08.00, terakhir dipakai 23 Nov 2026 09.00",
		"Kontrak kinerja 2026: ditandatangani 5 Jan 2026, 2 target.",
		"#2 Verifikasi SPJ: 3/120 dokumen (2,5%)",
		"Kepatuhan pelaporan bulan ini: 6,3% (1 dari 16 hari kerja",
		"Evaluasi terakhir: belum ada.")

	expect(t, h.say(kepala, "/pegawai "+rina), "Rina Wulandari", "Akun Lapkin: belum mendaftar.", "Kontrak kinerja 2026: belum ada.")

	// The latest evaluation is shown.
	for i, score := range []float64{70, 82.5} {
		_, err := h.st.DB().ExecContext(context.Background(), `INSERT INTO evaluations(nip, period_key, period_start, period_end,
			inputs, outputs, score, predicate, standard_met, parameters, evaluator_nip, created_at)
			VALUES (?, ?, '2026-01-05', '2026-04-05', '{}', '{}', ?, ?, 1, '{}', ?, ?)`,
			budi, "3b", score, []string{"Butuh Perbaikan", "Baik"}[i], admin, monday.Add(time.Duration(i-2)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
	}
	got = h.say(kepala, "/pegawai "+budi)
	expect(t, got, "Evaluasi terakhir: Baik, nilai 82,5 (periode 3b, 23 Nov 2026).")
	reject(t, got, "Butuh Perbaikan")
}

func TestReviewOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(kepala, "/validasi"), "Validasi laporan tidak diaktifkan", "langsung dihitung")
}

func TestReview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opt.RequireApproval = true
	h.restart()

	expect(t, h.say(budi, "/lapor 3 Verifikasi SPJ #2"), "menunggu validasi")
	expect(t, h.say(budi, "/lapor 2 Verifikasi SPJ kegiatan #2"), "menunggu validasi")
	expect(t, h.say(siti, "/lapor Rapat koordinasi"), "Laporan tercatat")
	expect(t, h.say(kepala, "/lapor Memimpin apel pagi"), "Laporan tercatat")
	expect(t, h.say(admin, "/lapor Rekap data pegawai"), "Laporan tercatat")
	b, s, k, a := teamReportIDs(h, budi), teamReportIDs(h, siti), teamReportIDs(h, kepala), teamReportIDs(h, admin)

	// Before validation nothing counts towards the target.
	expect(t, h.say(budi, "/progres"), "#2 Verifikasi SPJ: 0/120 dokumen")

	got := h.say(kepala, "/validasi")
	expect(t, got, "Laporan menunggu validasi: 3",
		"#"+b[0]+" Budi Santoso, 23 Nov 2026: Verifikasi SPJ — 3 dokumen (#2)",
		"#"+s[0]+" Siti Rahma, 23 Nov 2026: Rapat koordinasi",
		"/validasi setujui <id>", "/validasi setujui semua", "/validasi kembalikan <id> <alasan>")
	reject(t, got, "Memimpin apel", "Rekap data pegawai") // his own, and another OPD's
	if strings.Index(got, "#"+b[0]) > strings.Index(got, "#"+s[0]) {
		t.Fatalf("not oldest first:\n%s", got)
	}

	got = h.say(kepala, "/validasi setujui "+b[0])
	expect(t, got, "✅ 1 laporan disetujui (#"+b[0]+").", "Masih menunggu validasi: 2 laporan")
	expect(t, h.say(budi, "/progres"), "#2 Verifikasi SPJ: 3/120 dokumen")

	// Returning needs a reason; the author is told, and the report does not count.
	expect(t, h.say(kepala, "/validasi kembalikan "+b[1]), "Mohon sertakan alasan")
	before := len(h.con.Received(budi))
	got = h.say(kepala, "/validasi kembalikan "+b[1]+" Jumlah dokumen belum sesuai bukti")
	expect(t, got, "Laporan #"+b[1]+" dikembalikan kepada Budi Santoso", "Masih menunggu validasi: 1 laporan")
	told := h.con.Received(budi)[before:]
	if len(told) != 1 {
		t.Fatalf("Budi received %q", told)
	}
	expect(t, told[0], "Bapak Budi, laporan Anda #"+b[1]+" tanggal 23 Nov 2026 dikembalikan oleh Bapak Ahmad (Kepala Dinas)",
		"Alasan: Jumlah dokumen belum sesuai bukti", "/lapor")
	expect(t, h.say(budi, "/progres"), "#2 Verifikasi SPJ: 3/120 dokumen")
	expect(t, h.say(kepala, "/validasi setujui "+b[1]), "sudah dikembalikan")

	// Out of scope is "not found": another OPD's report, one's own, an unknown id. One bad id
	// rolls back the whole command.
	for _, id := range []string{a[0], k[0], "99999"} {
		expect(t, h.say(kepala, "/validasi setujui "+id), "Laporan "+id+" tidak ditemukan")
	}
	expect(t, h.say(kepala, "/validasi setujui "+s[0]+" "+a[0]), "tidak ditemukan")
	if st := teamStatus(h, s[0]); st != store.ReportSubmitted {
		t.Fatalf("Siti's report is %s after a refused command", st)
	}
	expect(t, h.say(kepala, "/validasi setujui"), "Format belum sesuai")
	expect(t, h.say(kepala, "/validasi hapus 1"), "Format belum sesuai")

	got = h.say(kepala, "/review approve all")
	expect(t, got, "✅ 1 laporan disetujui.", "Tidak ada lagi laporan yang menunggu validasi.")
	if st := teamStatus(h, s[0]); st != store.ReportApproved {
		t.Fatalf("Siti's report is %s", st)
	}
	expect(t, h.say(kepala, "/validasi"), "Tidak ada laporan yang menunggu validasi")

	// An admin validates everyone but themselves: the kepala's report.
	got = h.say(admin, "/validasi")
	expect(t, got, "Laporan menunggu validasi: 1", "Memimpin apel pagi")
	reject(t, got, "Rekap data pegawai")
	expect(t, h.say(admin, "/validasi setujui semua"), "✅ 1 laporan disetujui.")
	if st := teamStatus(h, a[0]); st != store.ReportSubmitted {
		t.Fatalf("the admin's own report is %s", st)
	}
}

func TestAnnounce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "/bahasa en"), "English")
	group := console.GroupID("DISKOMINFO")

	// No group bound: privately, to each registered member, in their own language.
	got := h.say(admin, "/umumkan DISKOMINFO Rapat koordinasi Jumat pukul 09.00")
	expect(t, got, "📢 Pengumuman dikirim ke 0 grup dan 3 orang.", "1 orang belum mendaftar di Lapkin")
	expect(t, strings.Join(h.con.Received(siti), "\n"), "📢 Pengumuman dari BKPPD:\nRapat koordinasi Jumat pukul 09.00")
	expect(t, strings.Join(h.con.Received(budi), "\n"), "📢 Announcement from BKPPD:\nRapat koordinasi Jumat pukul 09.00")
	if n := len(h.con.Received(group)); n != 0 {
		t.Fatalf("an unbound group received %d messages", n)
	}

	// A bound group gets it instead, and no private chat does.
	teamBindGroup(h, "DISKOMINFO")
	before := map[string]int{}
	for _, p := range []string{kepala, budi, siti} {
		before[p] = len(h.con.Received(p))
	}
	got = h.say(admin, "/umumkan diskominfo Batas unggah SKP hari Jumat.")
	expect(t, got, "dikirim ke 1 grup dan 0 orang.")
	reject(t, got, "belum mendaftar")
	gr := h.con.Received(group)
	if len(gr) != 1 || gr[0] != "📢 Pengumuman dari BKPPD:\nBatas unggah SKP hari Jumat." {
		t.Fatalf("the group received %q", gr)
	}
	for p, n := range before {
		if len(h.con.Received(p)) != n {
			t.Fatalf("%s received the announcement privately: %q", p, h.con.Received(p)[n:])
		}
	}

	// Everyone: DISKOMINFO's group, and BKPPD's members (no group) privately.
	got = h.say(admin, "/announce semua Apel pagi Senin pukul 07.30.")
	expect(t, got, "📢 Pengumuman dari BKPPD:\nApel pagi Senin pukul 07.30.", "dikirim ke 1 grup dan 1 orang.")
	if gr := h.con.Received(group); len(gr) != 2 {
		t.Fatalf("the group received %q", gr)
	}

	// Bad input.
	expect(t, h.say(admin, "/umumkan"), "Format belum sesuai", "/umumkan <KODE-OPD|semua> <pesan>")
	expect(t, h.say(admin, "/umumkan DISKOMINFO"), "Format belum sesuai")
	expect(t, h.say(admin, "/umumkan DINKES Halo"), "OPD dengan kode DINKES tidak ditemukan")
}
