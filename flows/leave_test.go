package flows_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// leaves returns every leave record of who that stands (approved or waiting for approval).
func (h *harness) leaves(who string) []store.Leave {
	h.t.Helper()
	var out []store.Leave
	err := h.st.View(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.LeaveRecords(context.Background(), who, "2000-01-01", "2100-12-31")
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// storedHolidays returns the holidays added in chat (not the config's).
func (h *harness) storedHolidays() []store.Holiday {
	h.t.Helper()
	var out []store.Holiday
	err := h.st.View(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.HolidaysBetween(context.Background(), "2000-01-01", "2100-12-31")
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// inbox returns a function that gives what who received since inbox was called: the harness's say
// returns only the sender's chat, and a supervisor's notice goes to another one.
func (h *harness) inbox(who string) func() string {
	n := len(h.con.Received(who))
	return func() string { return strings.Join(h.con.Received(who)[n:], "\n---\n") }
}

// moveToSixDayOPD puts nip in DINKES, an OPD that works Monday to Saturday.
func (h *harness) moveToSixDayOPD(nip string) {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertOPD(ctx, store.OPD{Code: "DINKES", Name: "Dinas Kesehatan", WorkDays: 6}, monday); err != nil {
			return err
		}
		e, err := tx.Employee(ctx, nip)
		if err != nil {
			return err
		}
		e.OPDCode = "DINKES"
		return tx.UpsertEmployee(ctx, e, monday)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// cancelHint finds the id a /cuti reply offers to cancel.
var cancelHint = regexp.MustCompile(`/(?:cuti batal|leave cancel) (\d+)`)

func TestLeaveRecordedAndSupervisorTold(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	boss := h.inbox(kepala)

	// Today is Monday 23 Nov: Tue 24 to Thu 26 are three working days.
	got := h.say(budi, "/cuti 2026-11-24 2026-11-26 Urusan keluarga")
	expect(t, got, "✅ Cuti tercatat: 24 Nov 2026 – 26 Nov 2026 (3 hari kerja).",
		"Pada hari-hari itu Anda tidak diingatkan untuk melapor", "kepatuhan pelaporan Anda tidak berkurang",
		"Atasan Anda telah diberi tahu", "/cuti batal ")
	if n := strings.Count(got, "\n"); n > 5 {
		t.Fatalf("reply has %d lines", n+1)
	}
	ls := h.leaves(budi)
	if len(ls) != 1 || ls[0].Kind != store.LeaveCuti || ls[0].StartDate != "2026-11-24" || ls[0].EndDate != "2026-11-26" || ls[0].Reason != "Urusan keluarga" {
		t.Fatalf("stored %+v", ls)
	}
	expect(t, boss(), "Bapak Ahmad, sebagai informasi: Budi Santoso (NIP "+budi+") mencatat cuti 24 Nov 2026 – 26 Nov 2026 (3 hari kerja).",
		"Alasan: Urusan keluarga")

	// The other kinds, the other date forms, a one-day leave and a range word between the dates.
	expect(t, h.say(budi, "/cuti sakit 30-11-2026"), "✅ Izin sakit tercatat: 30 Nov 2026 (1 hari kerja)")
	expect(t, h.say(budi, "cuti dinas luar 1/12/2026 s.d. 2/12/2026 Bimtek di provinsi"), "✅ Dinas luar tercatat: 1 Des 2026 – 2 Des 2026 (2 hari kerja)")
	expect(t, h.say(budi, "/leave dl 2026-12-03"), "✅ Dinas luar tercatat: 3 Des 2026 (1 hari kerja)")
	if n := len(h.leaves(budi)); n != 4 {
		t.Fatalf("%d leave records, want 4", n)
	}
	expect(t, boss(), "mencatat izin sakit 30 Nov 2026 (1 hari kerja)", "mencatat dinas luar 1 Des 2026 – 2 Des 2026", "Alasan: Bimtek di provinsi")

	// Bare /cuti lists what is current and upcoming, with the way to cancel.
	got = h.say(budi, "/cuti")
	expect(t, got, "Cuti, izin sakit dan dinas luar Anda:",
		"cuti 24 Nov 2026 – 26 Nov 2026 (3 hari kerja) – Urusan keluarga",
		"izin sakit 30 Nov 2026 (1 hari kerja)",
		"/cuti batal <id>")
	if strings.Index(got, "24 Nov") > strings.Index(got, "30 Nov") {
		t.Fatal("list not in date order")
	}

	// The head of the OPD has no supervisor: his leave is recorded, nobody is told.
	got = h.say(kepala, "/cuti 2026-11-25")
	expect(t, got, "✅ Cuti tercatat: 25 Nov 2026 (1 hari kerja)")
	reject(t, got, "Atasan Anda")
}

func TestLeaveOverlapRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/cuti 2026-11-24 2026-11-26 Urusan keluarga")
	id := cancelHint.FindStringSubmatch(got)[1]
	boss := h.inbox(kepala)

	for _, line := range []string{"/cuti sakit 2026-11-26 2026-11-27", "/cuti 2026-11-20 2026-11-30", "/cuti dl 2026-11-25"} {
		got = h.say(budi, line)
		expect(t, got, "bentrok dengan cuti 24 Nov 2026 – 26 Nov 2026", "(#"+id+")", "Tidak ada yang disimpan", "/cuti batal "+id)
		reject(t, got, "tercatat:")
	}
	if n := len(h.leaves(budi)); n != 1 {
		t.Fatalf("%d leave records after refused overlaps, want 1", n)
	}
	if got := boss(); got != "" {
		t.Fatalf("supervisor told of a refused leave: %q", got)
	}

	// Leave that has started cannot be cancelled in chat, so the refusal does not offer it.
	h.say(budi, "/cuti sakit 2026-11-20")
	got = h.say(budi, "/cuti 2026-11-19 2026-11-20")
	expect(t, got, "bentrok dengan izin sakit 20 Nov 2026", "Pilih tanggal lain. Lihat catatan Anda dengan /cuti.")
	reject(t, got, "/cuti batal")

	// Another employee's leave is no clash.
	expect(t, h.say(siti, "/cuti 2026-11-24 2026-11-26"), "✅ Cuti tercatat")
}

func TestLeaveAcrossHolidays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(admin, "/libur 2026-12-24 Cuti bersama Natal"), "Hari libur ditambahkan: Kamis, 24 Desember 2026 – Cuti bersama Natal")
	boss := h.inbox(kepala)

	// Mon 21 to Thu 31 Dec: weekdays 21, 22, 23, 24, 25, 28, 29, 30, 31 = 9; less 24 (/libur) and
	// 25 (config) = 7 working days, 2 holidays.
	got := h.say(budi, "/cuti 2026-12-21 2026-12-31 Libur akhir tahun")
	expect(t, got, "✅ Cuti tercatat: 21 Des 2026 – 31 Des 2026 (7 hari kerja; 2 hari libur tidak dihitung)")
	expect(t, boss(), "mencatat cuti 21 Des 2026 – 31 Des 2026 (7 hari kerja)")

	// The same leave in a six-day OPD also covers Saturday 26: 8 working days.
	h.moveToSixDayOPD(siti)
	expect(t, h.say(siti, "/cuti 2026-12-21 2026-12-31"), "(8 hari kerja; 2 hari libur tidak dihitung)")

	// The count follows the calendar: once the 24th is no holiday, Budi's leave covers it again.
	h.say(admin, "/libur hapus 2026-12-24")
	expect(t, h.say(budi, "/cuti"), "cuti 21 Des 2026 – 31 Des 2026 (8 hari kerja) – Libur akhir tahun")

	// Leave on days nobody works is refused politely: there is nothing to excuse.
	expect(t, h.say(budi, "/cuti dl 2026-12-05 2026-12-06 Pameran"), "Tidak ada hari kerja pada 5 Des 2026 – 6 Des 2026", "Tidak ada yang disimpan")
}

func TestLeaveSixDayOPDCountsSaturdays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.moveToSixDayOPD(siti)
	// Fri 27 to Mon 30 Nov: Friday, Saturday and Monday for a six-day OPD (3); Friday and Monday
	// for a five-day one (2). Sunday counts for nobody.
	expect(t, h.say(siti, "/cuti 2026-11-27 2026-11-30"), "27 Nov 2026 – 30 Nov 2026 (3 hari kerja)")
	expect(t, h.say(budi, "/cuti 2026-11-27 2026-11-30"), "27 Nov 2026 – 30 Nov 2026 (2 hari kerja)")
	expect(t, h.say(siti, "/cuti sakit 2026-12-05"), "Izin sakit tercatat: 5 Des 2026 (1 hari kerja)")
}

func TestLeaveNotCountedInCompliance(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Budi reports on every weekday of 2-13 Nov and on 19-20 Nov, but not on 16-18 Nov.
	days := []int{2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 19, 20}
	for _, d := range days {
		h.clock.Set(time.Date(2026, 11, d, 10, 0, 0, 0, jakarta))
		expect(t, h.say(budi, "/lapor Verifikasi SPJ"), "Laporan tercatat")
	}
	h.clock.Set(monday)
	// Working days 1-22 Nov (today, the 23rd, has no report yet and is not counted): weekdays
	// 2-6, 9-13, 16-20 = 15, reported 12: 12/15 = 80%.
	expect(t, h.say(budi, "/progres"), "Kepatuhan pelaporan bulan ini: 80% (12 dari 15 hari kerja)")

	// Sick leave for 16-18 Nov (a week ago, within the 30 days) takes those 3 days out once the
	// supervisor approves it: 12/12 = 100%.
	got := h.say(budi, "/cuti sakit 16-11-2026 18-11-2026 Demam")
	expect(t, got, "Izin sakit tercatat, menunggu persetujuan atasan: 16 Nov 2026 – 18 Nov 2026 (3 hari kerja)")
	expect(t, h.say(budi, "/progres"), "Kepatuhan pelaporan bulan ini: 80% (12 dari 15 hari kerja)")
	expect(t, h.say(kepala, "/cuti setujui "+strconv.FormatInt(h.leaves(budi)[0].ID, 10)), "disetujui")
	expect(t, h.say(budi, "/progres"), "Kepatuhan pelaporan bulan ini: 100% (12 dari 12 hari kerja; 3 hari cuti tidak dihitung)")
}

func TestLeaveBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Examples are a week ahead of today (Mon 23 Nov), so they can be sent as they are.
	expect(t, h.say(budi, "/cuti"), "Tidak ada cuti", "Contoh: /cuti 2026-11-30 2026-12-02 Urusan keluarga")
	for _, line := range []string{"/cuti besok", "/cuti sakit", "/cuti dinas luar", "/leave next week"} {
		expect(t, h.say(budi, line), "Format belum sesuai. Kirim: /cuti [sakit|dl] <mulai> [selesai] [alasan]",
			"Contoh: /cuti 2026-11-30 2026-12-02 Urusan keluarga")
	}
	expect(t, h.say(budi, "/cuti 31-02-2026"), "Format belum sesuai: 31-02-2026 bukan tanggal", "YYYY-MM-DD atau DD-MM-YYYY")
	expect(t, h.say(budi, "/cuti 2026-11-24 2026-13-01 Rapat"), "Format belum sesuai: 2026-13-01 bukan tanggal")
	expect(t, h.say(budi, "/cuti 2026-11-26 2026-11-24"), "Tanggal selesai (24 Nov 2026) lebih awal dari tanggal mulai (26 Nov 2026)", "contoh: /cuti 2026-11-30")
	// 1 Dec 2026 to 31 Mar 2027 is 31 + 31 + 28 + 31 = 121 days.
	expect(t, h.say(budi, "/cuti 2026-12-01 2027-03-31 Cuti besar"), "Rentang 121 hari terlalu panjang", "paling lama 90 hari", "dua bagian")
	// 23 Oct is 31 days before Mon 23 Nov; 24 Oct would be the earliest.
	expect(t, h.say(budi, "/cuti sakit 2026-10-23"), "lebih dari 30 hari yang lalu", "paling awal 24 Okt 2026")
	expect(t, h.say(budi, "/cuti 2028-01-03"), "terlalu jauh ke depan", "sampai 31 Des 2027")
	expect(t, h.say(budi, "/cuti 2026-11-24 "+strings.Repeat("alasan ", 40)), "Alasan terlalu panjang")
	expect(t, h.say(budi, "/cuti batal"), "Format belum sesuai. Kirim: /cuti batal <id>")
	expect(t, h.say(budi, "/cuti batal satu"), "Format belum sesuai. Kirim: /cuti batal <id>")
	expect(t, h.say(budi, "/cuti batal 999"), "Catatan cuti #999 tidak ditemukan")
	if n := len(h.leaves(budi)); n != 0 {
		t.Fatalf("bad input stored %d leave records", n)
	}

	// The bounds themselves are accepted: 30 days back, and 90 days (1 Dec + 31 + 31 + 28 - 1).
	// (24 Oct is a Saturday: the record runs to Monday 26, which has work to excuse.)
	expect(t, h.say(budi, "/cuti sakit 2026-10-24 2026-10-26"), "Izin sakit tercatat, menunggu persetujuan atasan: 24 Okt 2026 – 26 Okt 2026")
	expect(t, h.say(budi, "/cuti 2026-12-01 2027-02-28 Cuti melahirkan"), "Cuti tercatat: 1 Des 2026 – 28 Feb 2027")
}

func TestLeaveCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "/cuti 2026-11-30 Acara keluarga")
	id := cancelHint.FindStringSubmatch(got)[1]
	boss := h.inbox(kepala)

	expect(t, h.say(siti, "/cuti batal "+id), "Catatan cuti #"+id+" tidak ditemukan")
	expect(t, h.say(budi, "/cuti batal "+id), "Cuti 30 Nov 2026 dibatalkan. Atasan Anda telah diberi tahu.")
	if n := len(h.leaves(budi)); n != 0 {
		t.Fatalf("%d leave records after cancelling", n)
	}
	expect(t, boss(), "Budi Santoso (NIP "+budi+") membatalkan cuti 30 Nov 2026.")
	expect(t, h.say(budi, "/cuti hapus "+id), "tidak ditemukan")

	// Leave that started today stays.
	got = h.say(budi, "/cuti sakit 2026-11-23")
	reject(t, got, "/cuti batal")
	ls := h.leaves(budi)
	if len(ls) != 1 {
		t.Fatalf("%d leave records", len(ls))
	}
	expect(t, h.say(budi, fmt.Sprint("/cuti batal ", ls[0].ID)), "izin sakit 23 Nov 2026 sudah dimulai", "tidak dapat dibatalkan")
	if n := len(h.leaves(budi)); n != 1 {
		t.Fatal("started leave was cancelled")
	}
	expect(t, h.say(budi, "/cuti"), "izin sakit 23 Nov 2026 (1 hari kerja, sedang berjalan)")
}

func TestHolidayAdminOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, who := range []string{budi, kepala} {
		expect(t, h.say(who, "/libur 2026-12-24 Cuti bersama Natal"), "tidak tersedia untuk peran Anda")
		expect(t, h.say(who, "/libur"), "tidak tersedia untuk peran Anda")
		expect(t, h.say(who, "/holiday hapus 2026-12-25"), "tidak tersedia untuk peran Anda")
	}
	if n := len(h.storedHolidays()); n != 0 {
		t.Fatalf("a non-admin added %d holidays", n)
	}
}

func TestHolidayAddListDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(admin, "/libur")
	expect(t, got, "Hari libur 23 Nov 2026 – 22 Nov 2027:", "Jum, 25 Des 2026 – Hari Raya Natal (konfigurasi)",
		"Tambah: /libur <YYYY-MM-DD> <keterangan>", "hanya dapat diubah di berkas konfigurasi")

	got = h.say(admin, "/libur 2026-12-24 Cuti bersama Natal")
	expect(t, got, "✅ Hari libur ditambahkan: Kamis, 24 Desember 2026 – Cuti bersama Natal.", "tidak dihitung sebagai hari kerja")
	if hs := h.storedHolidays(); len(hs) != 1 || hs[0].Date.String() != "2026-12-24" || hs[0].Name != "Cuti bersama Natal" {
		t.Fatalf("stored %+v", hs)
	}
	expect(t, h.say(admin, "/libur 2027-01-01 Tahun Baru Masehi"), "Jumat, 1 Januari 2027")
	// A holiday past the twelve months is kept but not listed.
	h.say(admin, "/libur 2027-12-31 Cuti bersama")

	got = h.say(admin, "/libur daftar")
	expect(t, got, "Kam, 24 Des 2026 – Cuti bersama Natal\nJum, 25 Des 2026 – Hari Raya Natal (konfigurasi)\nJum, 1 Jan 2027 – Tahun Baru Masehi")
	reject(t, got, "Kam, 24 Des 2026 – Cuti bersama Natal (konfigurasi)", "31 Des 2027")

	expect(t, h.say(admin, "/libur 24-12-2026 Cuti bersama Hari Natal"), "diperbarui: Cuti bersama Hari Natal (sebelumnya: Cuti bersama Natal)")
	expect(t, h.say(admin, "/libur 2026-12-25 Natal"), "sudah menjadi hari libur dalam berkas konfigurasi (Hari Raya Natal)")

	expect(t, h.say(admin, "/libur hapus 2026-12-25"), "Jumat, 25 Desember 2026 (Hari Raya Natal)", "berkas konfigurasi", "tidak dapat dihapus lewat chat")
	expect(t, h.say(admin, "/libur hapus 2026-12-24"), "Hari libur Kamis, 24 Desember 2026 (Cuti bersama Hari Natal) dihapus.")
	expect(t, h.say(admin, "/libur hapus 2026-12-24"), "Tidak ada hari libur tercatat pada Kamis, 24 Desember 2026")
	if n := len(h.storedHolidays()); n != 2 {
		t.Fatalf("%d stored holidays after delete, want 2", n)
	}
	reject(t, h.say(admin, "/libur"), "24 Des 2026")

	// Bad input.
	expect(t, h.say(admin, "/libur natal"), "Format belum sesuai. Kirim: /libur <YYYY-MM-DD> <keterangan>", "Contoh: /libur 2026-12-24 Cuti bersama Natal")
	expect(t, h.say(admin, "/libur 2026-12-31"), "Format belum sesuai: keterangan hari libur belum ditulis", "Contoh: /libur 2026-12-31 Cuti bersama")
	expect(t, h.say(admin, "/libur 2026-13-01 Libur"), "Format belum sesuai: 2026-13-01 bukan tanggal")
	expect(t, h.say(admin, "/libur 2030-01-01 Libur"), "di luar jangkauan", "1 Jan 2025", "31 Des 2027")
	expect(t, h.say(admin, "/libur hapus"), "Format belum sesuai. Kirim: /libur hapus <YYYY-MM-DD>")
	if n := len(h.storedHolidays()); n != 2 {
		t.Fatalf("bad input changed holidays: %d", n)
	}
}

func TestLeaveAndHolidayInEnglish(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	boss := h.inbox(kepala)
	expect(t, h.say(budi, "/bahasa en"), "English")

	got := h.say(budi, "/leave sick 2026-11-24")
	expect(t, got, "✅ Sick leave recorded: 24 Nov 2026 (1 working day).", "On that day you will not be reminded", "Your supervisor has been informed", "/leave cancel ")
	reject(t, got, "hari", "tercatat")
	// Mon 21 to Mon 28 Dec: weekdays 21-25 and 28 = 6, less the config's 25 Dec = 5.
	got = h.say(budi, "/leave travel 2026-12-21 2026-12-28 Workshop")
	expect(t, got, "✅ Official travel recorded: 21 Dec 2026 – 28 Dec 2026 (5 working days; 1 holiday not counted).")
	// The supervisor reads Indonesian, whatever language the sender uses.
	expect(t, boss(), "mencatat dinas luar 21 Des 2026 – 28 Des 2026 (5 hari kerja)", "Alasan: Workshop")

	expect(t, h.say(budi, "/leave"), "Your leave, sick leave and official travel:", "sick leave 24 Nov 2026 (1 working day)", "/leave cancel <id>")
	expect(t, h.say(budi, "/leave tomorrow"), "The format is not right. Send: /leave [sick|travel] <start> [end] [reason]", "Example: /leave 2026-11-30 2026-12-02")
	expect(t, h.say(budi, "/leave sick 2026-11-24"), "clash with sick leave 24 Nov 2026", "Nothing was saved")

	// A supervisor who chose English is told in English, month names included.
	h.say(kepala, "/bahasa en")
	boss = h.inbox(kepala)
	h.say(siti, "/cuti 2026-12-10 2026-12-11 Wisuda anak")
	expect(t, boss(), "Ahmad, for your information: Siti Rahma (NIP "+siti+") recorded leave 10 Dec 2026 – 11 Dec 2026 (2 working days).", "Reason: Wisuda anak")

	expect(t, h.say(admin, "/bahasa en"), "English")
	expect(t, h.say(admin, "/holiday"), "Holidays 23 Nov 2026 – 22 Nov 2027:", "Fri, 25 Dec 2026 – Hari Raya Natal (configuration)")
	expect(t, h.say(admin, "/holiday 2026-12-24 Christmas Eve"), "✅ Holiday added: Thursday, 24 December 2026 – Christmas Eve.")
	expect(t, h.say(admin, "/holiday delete 2026-12-25"), "configuration file", "cannot be removed in chat")
	expect(t, h.say(admin, "/holiday tomorrow"), "The format is not right. Send: /holiday <YYYY-MM-DD> <description>")
}
