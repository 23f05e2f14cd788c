package flows_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/store"
)

func TestRegisterWithCode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	phone := "hp-rina" // Rina's own console account, not linked yet

	got := h.say(phone, "/riwayat")
	expect(t, got, "belum terdaftar", "/daftar")

	got = h.say(admin, "/kode "+rina)
	expect(t, got, "Rina Wulandari", rina)
	code := regexp.MustCompile(`: ([A-Z2-9]{6})\n`).FindStringSubmatch(got)
	if code == nil {
		t.Fatalf("no code in %q", got)
	}

	got = h.say(phone, "/daftar "+rina+" XXXXXX")
	expect(t, got, "tidak cocok")
	got = h.say(phone, "/daftar 1234 "+code[1])
	expect(t, got, "18 angka")

	got = h.say(phone, "daftar "+rina+" "+strings.ToLower(code[1])) // no slash, lower case: WhatsApp style
	expect(t, got, "Terima kasih, Ibu Rina", "Arsiparis", "Dinas Komunikasi dan Informatika")

	got = h.say(phone, "/lapor Menata arsip surat masuk")
	expect(t, got, "Laporan tercatat: Menata arsip surat masuk")
	if n := len(h.reports(rina)); n != 1 {
		t.Fatalf("Rina has %d reports, want 1", n)
	}

	// The code was for one use only.
	got = h.say("hp-lain", "/daftar "+rina+" "+code[1])
	expect(t, got, "tidak cocok")
}

func TestRegisterCodeGuessingIsSlowed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i := 0; i < 5; i++ {
		expect(t, h.say("penebak", fmt.Sprintf("/daftar %s AAAAA%d", rina, i+2)), "tidak cocok")
	}
	got := h.say(admin, "/kode "+rina)
	code := regexp.MustCompile(`: ([A-Z2-9]{6})\n`).FindStringSubmatch(got)[1]
	expect(t, h.say("penebak", "/daftar "+rina+" "+code), "Terlalu banyak percobaan")
	h.clock.Advance(61 * time.Minute)
	expect(t, h.say("penebak", "/daftar "+rina+" "+code), "Terima kasih")
}

func TestRegisterByOwnPhone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ref := bot.ChatRef{Net: bot.NetConsole, ID: "tg-777"}
	foreign := bot.Message{ID: "c1", Chat: ref, Sender: ref, Contact: &bot.Contact{Phone: "+62 813-0000-0003", Own: false}}
	expect(t, strings.Join(h.send(foreign), "\n"), "nomor telepon Anda sendiri")
	unknown := bot.Message{ID: "c2", Chat: ref, Sender: ref, Contact: &bot.Contact{Phone: "0819999999", Own: true}}
	expect(t, strings.Join(h.send(unknown), "\n"), "belum tercatat")
	own := bot.Message{ID: "c3", Chat: ref, Sender: ref, Contact: &bot.Contact{Phone: "+62 813-0000-0003", Own: true}}
	expect(t, strings.Join(h.send(own), "\n"), "Terima kasih, Ibu Rina")
	expect(t, h.say("tg-777", "/progres"), "Progres Ibu Rina")
}

func TestQuickReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/lapor 3 Verifikasi SPJ belanja #2 90m")
	expect(t, got,
		"✅ Laporan tercatat: Verifikasi SPJ belanja — 3 dokumen untuk target #2 · 1 j 30 mnt",
		"Realisasi target #2: 3 dari 120 dokumen (2,5%)",
		"/hapus ")
	reps := h.reports(budi)
	if len(reps) != 1 {
		t.Fatalf("%d reports", len(reps))
	}
	r := reps[0]
	if r.Text != "Verifikasi SPJ belanja" || *r.Quantity != 3 || *r.Minutes != 90 || r.TargetID == nil || r.LocalDate != "2026-11-23" || r.OPDCode != "DISKOMINFO" {
		t.Fatalf("stored %+v", r)
	}
	got = h.say(budi, "lapor 2,5 Verifikasi SPJ perjalanan #2")
	expect(t, got, "Realisasi target #2: 5,5 dari 120 dokumen (4,6%)")

	// Bad input gets the right form, and nothing is stored.
	expect(t, h.say(budi, "/lapor 3 #2"), "Mohon tuliskan kegiatan", "/lapor 3 Verifikasi SPJ #2")
	expect(t, h.say(budi, "/lapor Rapat #9"), "Target #9 tidak ada", "1 sampai 2")
	expect(t, h.say(budi, "/lapor Rapat 30j"), "Format belum sesuai: durasi 30j")
	expect(t, h.say(siti, "/lapor Rapat #1"), "belum memiliki kontrak")
	if n := len(h.reports(budi)); n != 2 {
		t.Fatalf("bad input stored reports: %d", n)
	}
}

func TestStepReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "/lapor"), "Kegiatan apa", "/batal")
	expect(t, h.say(budi, "Rapat koordinasi pemeliharaan"), "target yang mana", "1. Pemeliharaan server (laporan)", "0. Tanpa target")
	expect(t, h.say(budi, "7"), "Balas dengan angka 0 sampai 2")
	expect(t, h.say(budi, "1"), "Berapa laporan")
	expect(t, h.say(budi, "nol koma"), "Format belum sesuai. Balas dengan angka")
	expect(t, h.say(budi, "1,5"), "foto bukti dukung")
	expect(t, h.say(budi, "lewati"), "Periksa laporan", "Rapat koordinasi pemeliharaan — 1,5 laporan untuk target #1")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatal("saved before confirmation")
	}
	expect(t, h.say(budi, "1"), "✅ Laporan tercatat", "Realisasi target #1: 1,5 dari 12 laporan")
	reps := h.reports(budi)
	if len(reps) != 1 || *reps[0].Quantity != 1.5 {
		t.Fatalf("stored %+v", reps)
	}
	// The flow is over: a bare number is no longer an answer, nor a report.
	expect(t, h.say(budi, "1"), "tidak saya catat")
}

func TestStepReportByButtons(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ref := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	press := func(id, data string) string {
		return strings.Join(h.send(bot.Message{ID: id, Chat: ref, Sender: ref, Callback: data}), "\n")
	}
	h.say(budi, "/lapor")
	h.say(budi, "Memperbarui server")
	expect(t, press("b1", "t:1"), "Berapa laporan")
	h.say(budi, "2")
	expect(t, press("b2", "skip"), "Periksa laporan")
	expect(t, press("b3", "save"), "Laporan tercatat")
	expect(t, press("b4", "save"), "sudah tidak berlaku") // a button of a finished question
}

func TestPhotoReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	photo := &bot.Photo{Name: "bukti.png", Data: buf.Bytes()}

	got := strings.Join(h.send(console.Message(budi, "/lapor 1 Cek ruang server #1", photo, h.clock.Now())), "\n")
	expect(t, got, "Laporan tercatat", "📎")
	r := h.reports(budi)[0]
	if r.EvidenceID == nil {
		t.Fatal("no evidence linked")
	}
	var ev store.Evidence
	h.st.View(context.Background(), func(tx *store.Tx) (err error) { ev, err = tx.EvidenceByID(context.Background(), *r.EvidenceID); return })
	if ev.MIME != "image/png" || ev.Size != int64(buf.Len()) || len(ev.SHA256) != 64 {
		t.Fatalf("evidence %+v", ev)
	}

	notImage := &bot.Photo{Name: "x.txt", Data: []byte("bukan gambar")}
	got = strings.Join(h.send(console.Message(budi, "/lapor Cek #1", notImage, h.clock.Now())), "\n")
	expect(t, got, "bukan foto")
	// A photo without a caption is kept and asked about (issue 20): it is not a report yet.
	got = strings.Join(h.send(console.Message(budi, "", photo, h.clock.Now())), "\n")
	expect(t, got, "Foto diterima", "bukti kegiatan apa")
	if n := len(h.reports(budi)); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
}

func TestDeleteOnlyOwnToday(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	idOf := func(reply string) string {
		m := regexp.MustCompile(`/hapus (\d+)`).FindStringSubmatch(reply)
		if m == nil {
			t.Fatalf("no id in %q", reply)
		}
		return m[1]
	}
	mine := idOf(h.say(budi, "/lapor Menyusun jadwal piket"))
	theirs := idOf(h.say(siti, "/lapor Rekonsiliasi kas"))

	expect(t, h.say(budi, "/hapus "+theirs), "tidak ditemukan di antara laporan Anda")
	if len(h.reports(siti)) != 1 {
		t.Fatal("Budi deleted Siti's report")
	}
	expect(t, h.say(budi, "/hapus abc"), "Format belum sesuai")

	old := idOf(h.say(budi, "/lapor Kemarin dulu"))
	h.clock.Advance(24 * time.Hour)
	expect(t, h.say(budi, "/hapus "+old), "bukan laporan hari ini")
	h.clock.Advance(-24 * time.Hour)
	expect(t, h.say(budi, "/hapus "+mine), "telah dihapus")
	expect(t, h.say(budi, "/hapus "+mine), "tidak ditemukan")
	if n := len(h.reports(budi)); n != 1 {
		t.Fatalf("Budi has %d reports, want 1", n)
	}
	// The deleted report is kept, marked deleted: nothing received is lost.
	var status string
	h.st.DB().QueryRow(`SELECT status FROM reports WHERE id = ?`, mine).Scan(&status)
	if status != store.ReportDeleted {
		t.Fatalf("deleted report has status %q", status)
	}
}

func TestCancelMidFlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/lapor")
	h.say(budi, "Sesuatu yang batal")
	expect(t, h.say(budi, "batal"), "dibatalkan")
	expect(t, h.say(budi, "1"), "tidak saya catat")
	expect(t, h.say(budi, "/batal"), "Tidak ada proses")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports after cancel", n)
	}
}

func TestRestartMidFlowResumes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/lapor")
	expect(t, h.say(budi, "Instalasi jaringan di kelurahan"), "target yang mana")
	h.restart()
	expect(t, h.say(budi, "0"), "foto bukti dukung")
	h.restart()
	expect(t, h.say(budi, "0"), "Periksa laporan", "Instalasi jaringan di kelurahan")
	expect(t, h.say(budi, "ya"), "Laporan tercatat")
	if reps := h.reports(budi); len(reps) != 1 || reps[0].TargetID != nil {
		t.Fatalf("after restarts: %+v", reps)
	}
}

func TestExpiredFlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/lapor")
	h.clock.Advance(31 * time.Minute)
	got := h.say(budi, "Jawaban yang terlambat")
	expect(t, got, "berakhir", "30 menit")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatal("an expired flow saved a report")
	}
	// An expired flow does not swallow a new command.
	got = h.say(budi, "/lapor")
	expect(t, got, "Kegiatan apa")
	reject(t, got, "berakhir")
	h.clock.Advance(29 * time.Minute)
	expect(t, h.say(budi, "Masih sempat"), "target yang mana")
}

func TestUnknownPersonSeesNoData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(budi, "/lapor Rahasia kantor")
	// (/bahasa is for everyone: TestLanguageForStrangers.)
	for _, cmd := range []string{"/riwayat", "/progres", "/hapus 1", "/lapor Coba", "/kode " + budi, "halo"} {
		got := h.say("orang-asing", cmd)
		expect(t, got, "belum terdaftar")
		reject(t, got, "Rahasia", "Budi", budi)
	}
	expect(t, h.say("orang-asing", "/start"), "Selamat datang", "/daftar")
	if n := len(h.reports(budi)); n != 1 {
		t.Fatal("unknown person changed data")
	}
}

func TestRolesCheckedEveryCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "/kode "+rina), "tidak tersedia untuk peran Anda")
	expect(t, h.say(kepala, "/kode "+rina), "tidak tersedia untuk peran Anda")
	expect(t, h.say(admin, "/kode "+rina), "Kode pendaftaran")
	// The role is read from the roster at every call: a demoted admin loses the command at once.
	h.st.DB().Exec(`UPDATE employees SET role = 'asn' WHERE nip = ?`, admin)
	expect(t, h.say(admin, "/kode "+rina), "tidak tersedia untuk peran Anda")
}

func TestRedeliveryIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ref := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	m := bot.Message{ID: "upd-1", Chat: ref, Sender: ref, Text: "/lapor Sekali saja"}
	expect(t, strings.Join(h.send(m), ""), "Laporan tercatat")
	if got := h.send(m); len(got) != 0 {
		t.Fatalf("redelivery answered: %q", got)
	}
	if n := len(h.reports(budi)); n != 1 {
		t.Fatalf("%d reports after redelivery", n)
	}
}

func TestHistoryAndLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "/riwayat"), "Belum ada laporan dalam 7 hari")
	h.say(budi, "/lapor 2 Verifikasi SPJ #2")
	h.clock.Advance(24 * time.Hour)
	h.say(budi, "/lapor Rapat staf 45m")
	got := h.say(budi, "/riwayat")
	expect(t, got, "Laporan 7 hari terakhir (18 Nov 2026 – 24 Nov 2026)", "Sel, 24 Nov", "Sen, 23 Nov", "Rapat staf · 45 mnt", "Verifikasi SPJ — 2 dokumen (#2)", "Jumlah: 2 laporan")
	if strings.Index(got, "24 Nov\n") > strings.Index(got, "Sen, 23 Nov") {
		t.Fatal("newest day not first")
	}
	expect(t, h.say(budi, "/riwayat 1000"), "paling banyak 90 hari")

	expect(t, h.say(budi, "/bahasa en"), "replies will be in English")
	expect(t, h.say(budi, "/history 1"), "Reports of the last day", "Staff meeting"[:0]+"Rapat staf")
	expect(t, h.say(budi, "/language xx"), "/language id")
	expect(t, h.say(budi, "/bahasa id"), "Bahasa Indonesia")
}

func TestProgress(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Reports on Mon 2, Tue 3 and Wed 4 Nov; leave on Thu 5 - Fri 6; nothing the week after until
	// the 23rd. (Leave is added directly: /cuti comes with the contracts issue.)
	h.st.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.AddLeave(context.Background(), store.Leave{NIP: budi, Kind: store.LeaveCuti, StartDate: "2026-11-05", EndDate: "2026-11-06"}, monday)
		return err
	})
	for _, d := range []int{2, 3, 4} {
		h.clock.Set(time.Date(2026, 11, d, 10, 0, 0, 0, jakarta))
		h.say(budi, "/lapor 10 Verifikasi SPJ #2")
	}
	h.clock.Set(monday)
	got := h.say(budi, "/progres")
	// Working days 1..22 Nov: 3..6 and 9..13, 16..20 = 4 + 5 + 5 = 14 (Mon 2 Nov to Fri 20 Nov is
	// 15 weekdays; 5-6 Nov leave -> 13). Today (23rd) has no report yet, so it is not counted.
	// Reported: 3 of 13 = 23,1%.
	// Target 2: 120 dokumen over 5 Jan -> 31 Dec (360 days); at 23 Nov 322 days elapsed:
	// expected 120 * 322/360 = 107,3; done 30 -> 25%.
	expect(t, got, "Progres Bapak Budi per 23 Nov 2026",
		"#2 Verifikasi SPJ: 30/120 dokumen (25%), seharusnya 107,3 per hari ini",
		"Kepatuhan pelaporan bulan ini: 23,1% (3 dari 13 hari kerja; 2 hari cuti tidak dihitung)",
		"belum melapor hari ini")
	h.say(budi, "/lapor Hari ini juga")
	got = h.say(budi, "/progres")
	expect(t, got, "(4 dari 14 hari kerja", "Beruntun: 1 hari kerja")
	reject(t, got, "belum melapor hari ini")
	expect(t, h.say(siti, "/progres"), "belum memiliki kontrak")
}

func TestGroupBinding(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	group := bot.ChatRef{Net: bot.NetConsole, ID: "grup:rapat-dinas"}
	n := 0
	inGroup := func(who, text string) string {
		n++
		m := bot.Message{ID: fmt.Sprint("g", n), Chat: group, Sender: bot.ChatRef{Net: bot.NetConsole, ID: who}, Group: true, Text: text}
		return strings.Join(h.send(m), "\n")
	}
	bound := func() string {
		var opd string
		h.st.View(context.Background(), func(tx *store.Tx) (err error) {
			opd, _ = tx.GroupOPD(context.Background(), group.Net, group.ID)
			return nil
		})
		return opd
	}
	if got := inGroup(budi, "Selamat pagi semua"); got != "" {
		t.Fatalf("chatter answered: %q", got)
	}
	if got := inGroup(budi, "/lapor Rapat"); got != "" || len(h.reports(budi)) != 0 {
		t.Fatalf("a report taken in a group: %q", got)
	}
	expect(t, inGroup(budi, "/hubungkan DISKOMINFO"), "tidak tersedia untuk peran Anda")
	expect(t, inGroup(kepala, "/hubungkan BKPPD"), "hanya kepala OPD BKPPD")
	expect(t, inGroup(kepala, "/hubungkan"), "Format belum sesuai")
	expect(t, inGroup(kepala, "/hubungkan NOPE"), "tidak ditemukan")
	if bound() != "" {
		t.Fatal("bound by a refused command")
	}
	expect(t, inGroup(kepala, "/hubungkan@LapkinBot diskominfo"), "Grup ini terhubung dengan Dinas Komunikasi dan Informatika")
	if bound() != "DISKOMINFO" {
		t.Fatalf("group bound to %q", bound())
	}
	// Moving a bound group to another OPD is confirmed first (TestRebindingAGroupAsksAndTellsTheOtherHead).
	expect(t, inGroup(admin, "/bind BKPPD"), "sudah terhubung dengan Dinas Komunikasi dan Informatika")
	expect(t, inGroup(admin, "/bind BKPPD yes"), "Badan Kepegawaian")
	if bound() != "BKPPD" {
		t.Fatal("admin could not rebind")
	}
	expect(t, h.say(kepala, "/hubungkan DISKOMINFO"), "di dalam grup OPD")
}
