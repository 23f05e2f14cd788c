package flows_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// Budi's targets in the harness: #1 Pemeliharaan server (laporan), #2 Verifikasi SPJ (dokumen).
// The clock is Monday 23 November 2026, 09:00.

func TestFreeTextReportSavedAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "sudah verifikasi lima berkas spj 45 menit")
	expect(t, got, "✅ Laporan tercatat", "5 dokumen untuk target #2", "45 mnt", "Realisasi target #2: 5 dari 120", "balas batal", "/hapus")
	reps := h.reports(budi)
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1", len(reps))
	}
	r := reps[0]
	if r.TargetID == nil || *r.Quantity != 5 || r.Minutes == nil || *r.Minutes != 45 || r.LocalDate != "2026-11-23" || r.Late {
		t.Fatalf("stored %+v", r)
	}
	// The issue's own examples, each saved once and right.
	for _, c := range []struct {
		text string
		qty  float64
		n    int // target number, 0 for none
		mins int
	}{
		{"tadi rapat koordinasi 2 jam", 0, 0, 120},
		{"Lapor: 3 dokumen SPJ #2", 3, 2, 0},
		{"laporan 1 spj #2", 1, 2, 0},
		{"lpr 1 backup server #1", 1, 1, 0},
		{"lapor tiga spj #2", 3, 2, 0},
		{"lapor 3 dokumen spj selesai", 3, 2, 0},
		{"lapor 2,5 dokumen spj 1,5 jam", 2.5, 2, 90},
	} {
		before := len(h.reports(budi))
		got := h.say(budi, c.text)
		expect(t, got, "Laporan tercatat")
		reps := h.reports(budi)
		if len(reps) != before+1 {
			t.Fatalf("%q: %d reports stored, want 1:\n%s", c.text, len(reps)-before, got)
		}
		r := reps[len(reps)-1]
		q := 0.0
		if r.Quantity != nil {
			q = *r.Quantity
		}
		m := 0
		if r.Minutes != nil {
			m = *r.Minutes
		}
		if q != c.qty || m != c.mins || (r.TargetID != nil) != (c.n != 0) {
			t.Errorf("%q: stored quantity %v, minutes %d, target %v; want %v, %d, #%d", c.text, q, m, r.TargetID, c.qty, c.mins, c.n)
		}
	}
}

func TestFreeTextChatIsNotAReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "selamat pagi pak")
	expect(t, got, "Selamat pagi, Bapak Budi", "cukup diketik")
	reject(t, got, "belum dikenali")
	// Not twice in a row, and acknowledgements get nothing at all.
	for _, text := range []string{"pagi pak", "ok siap", "👍", "terima kasih pak"} {
		if got := h.say(budi, text); got != "" {
			t.Errorf("%q answered %q, want nothing", text, got)
		}
	}
	h.clock.Advance(time.Hour)
	expect(t, h.say(budi, "terima kasih pak 🙏"), "Sama-sama, Bapak Budi")
	expect(t, h.say(siti, "izin pak hari ini saya sakit"), "/cuti sakit 2026-11-23")
	if n := len(h.reports(budi)) + len(h.reports(siti)); n != 0 {
		t.Fatalf("%d reports stored from chat", n)
	}
}

func TestFreeTextQuestionIsAnswered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "berapa progres saya?"), "Progres Bapak Budi")
	expect(t, h.say(budi, "target saya apa"), "Verifikasi SPJ")
	expect(t, h.say(budi, "laporan saya kemarin sudah masuk belum ya"), "7 hari terakhir")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports stored from questions", n)
	}
}

// A message that could count towards two targets asks one numbered question (with buttons where
// the network has them) and saves nothing before the answer.
func TestFreeTextAsksWhenTwoTargetsFit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "periksa server")
	if len(h.reports(budi)) != 0 {
		t.Fatalf("saved before the question was answered:\n%s", got)
	}
	expect(t, got, "Untuk target yang mana", "1. Pemeliharaan server", "2. Verifikasi SPJ", "0. Tanpa target")
	expect(t, h.say(budi, "9"), "Balas dengan angka 0 sampai 2")
	got = h.say(budi, "2")
	expect(t, got, "Laporan tercatat", "Periksa server — 1 dokumen untuk target #2")
	if reps := h.reports(budi); len(reps) != 1 || *reps[0].Quantity != 1 {
		t.Fatalf("stored %+v", reps)
	}
	// The question offers buttons: pressing one answers it.
	h.say(budi, "periksa server lantai 3")
	ref := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	got = strings.Join(h.send(bot.Message{ID: "btn-1", Chat: ref, Sender: ref, Callback: "t:1"}), "\n")
	expect(t, got, "untuk target #1")
}

func TestFreeTextSeveralActivitiesOneReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.send(console.Message(budi, "1. rapat koordinasi 2 jam\n2. verifikasi 5 spj\n3. backup server", nil, h.clock.Now()))
	if len(got) != 1 {
		t.Fatalf("%d replies, want one for all three:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
	expect(t, got[0], "3 laporan tercatat", "Rapat koordinasi · 2 j · tanpa target", "5 dokumen untuk target #2", "1 laporan untuk target #1")
	if n := len(h.reports(budi)); n != 3 {
		t.Fatalf("%d reports, want 3", n)
	}
	// "batal" right after takes back all three.
	expect(t, h.say(budi, "batal"), "Dibatalkan", "Rapat koordinasi", "Backup server")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports after batal, want 0", n)
	}
}

// A report for an earlier day is dated that day and marked late, up to [reports] backdate_days
// working days back; older ones are refused with the reason.
func TestFreeTextEarlierDays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Monday: "jumat" is last Friday, one working day back.
	expect(t, h.say(budi, "jumat lupa lapor, verifikasi 4 spj"), "Laporan tercatat", "Jum, 20 Nov", "(susulan)")
	// Three working days back (Wed, Thu, Fri) is the limit; Tuesday the 17th is four.
	expect(t, h.say(budi, "tgl 18 verifikasi 2 spj"), "Laporan tercatat", "Rab, 18 Nov")
	got := h.say(budi, "tgl 17 verifikasi 3 spj")
	expect(t, got, "tidak dicatat", "3 hari kerja")
	reps := h.reports(budi)
	if len(reps) != 2 || reps[0].LocalDate != "2026-11-18" || reps[1].LocalDate != "2026-11-20" || !reps[0].Late || !reps[1].Late {
		t.Fatalf("stored %+v", reps)
	}
	expect(t, h.say(budi, "/riwayat"), "(susulan)")
	// A late report may be taken back the day it was sent.
	expect(t, h.say(budi, "/hapus "+itoa(reps[1].ID)), "telah dihapus")
}

// The day of a report is the day its author sent it, not the day Lapkin handled it: a message of
// Friday evening handled on Monday morning (an outage, a queue) is Friday's, and not late.
func TestFreeTextDatedBySendTime(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	friday := time.Date(2026, 11, 20, 21, 30, 0, 0, jakarta)
	h.send(console.Message(budi, "verifikasi 6 spj", nil, friday))
	h.send(console.Message(budi, "/lapor 2 Verifikasi SPJ #2", nil, friday))
	for _, r := range h.reports(budi) {
		if r.LocalDate != "2026-11-20" || r.Late {
			t.Fatalf("stored %+v, want Friday's and not late", r)
		}
	}
}

func TestFreeTextDuplicateAsks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "lapor 4 spj #2"), "Laporan tercatat")
	got := h.say(budi, "lapor 4 spj #2")
	expect(t, got, "sudah tercatat", "Balas 1 untuk menyimpan")
	if n := len(h.reports(budi)); n != 1 {
		t.Fatalf("%d reports before the answer, want 1", n)
	}
	expect(t, h.say(budi, "2"), "tidak disimpan")
	h.say(budi, "lapor 4 spj #2")
	expect(t, h.say(budi, "1"), "Laporan tercatat")
	if n := len(h.reports(budi)); n != 2 {
		t.Fatalf("%d reports after confirming, want 2", n)
	}
}

func TestFreeTextPhotos(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{0, 0, 255, 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	photo := &bot.Photo{Name: "aula.png", Data: buf.Bytes()}

	// A photo with a caption of free text is a report with evidence.
	got := strings.Join(h.send(console.Message(budi, "tadi backup server di ruang data", photo, h.clock.Now())), "\n")
	expect(t, got, "Laporan tercatat", "📎")
	if r := h.reports(budi)[0]; r.EvidenceID == nil {
		t.Fatal("no evidence kept")
	}
	// A report, then its photo without a caption: offered as that report's evidence.
	h.say(budi, "verifikasi 3 spj")
	got = strings.Join(h.send(console.Message(budi, "", photo, h.clock.Now())), "\n")
	expect(t, got, "bukti dukung laporan «Verifikasi spj»", "1. Ya")
	expect(t, h.say(budi, "1"), "Foto ditambahkan")
	if r := h.reports(budi)[1]; r.EvidenceID == nil {
		t.Fatal("the photo was not added to the report")
	}
	// A photo with nothing to belong to asks what it shows; the answer is the report.
	h.clock.Advance(2 * time.Hour)
	got = strings.Join(h.send(console.Message(budi, "", photo, h.clock.Now())), "\n")
	expect(t, got, "Ini bukti kegiatan apa")
	expect(t, h.say(budi, "pasang access point di aula"), "Laporan tercatat", "📎")
}

// A command word without its slash, followed by what that command does not take, is a person
// writing: staff reporting "validasi data" get their report saved, not "/validasi is not for you".
func TestFreeTextCommandWordsAreWork(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.say(budi, "validasi data 50 berkas spj")
	reject(t, got, "tidak tersedia untuk peran")
	expect(t, got, "Laporan tercatat")
	got = h.say(siti, "daftar hadir rapat koordinasi 2 jam")
	reject(t, got, "sudah terdaftar")
	expect(t, got, "Laporan tercatat")
	// The commands themselves still work without a slash.
	expect(t, h.say(budi, "riwayat"), "Laporan 7 hari terakhir")
	expect(t, h.say(budi, "progres"), "Progres Bapak Budi")
}

// Voice notes and documents are answered with what to do instead; nothing is stored.
func TestFreeTextVoiceNote(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ref := bot.ChatRef{Net: bot.NetConsole, ID: budi}
	got := strings.Join(h.send(bot.Message{ID: "vn-1", Chat: ref, Sender: ref, Unsupported: bot.MediaAudio, Time: h.clock.Now()}), "\n")
	expect(t, got, "pesan suara", "Ketik saja kegiatannya")
	if n := len(h.reports(budi)); n != 0 {
		t.Fatalf("%d reports from a voice note", n)
	}
}

// The city's own abbreviations extend the reader ([reports] abbreviations).
func TestFreeTextCityAbbreviations(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.Abbreviations = map[string]string{"vsp": "verifikasi spj"} })
	expect(t, h.say(budi, "vsp 3 dok"), "3 dokumen untuk target #2")
}

// A new report instead of the answer drops the question (and says so) and is read afresh.
func TestFreeTextQuestionIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(budi, "periksa server"), "Untuk target yang mana")
	got := h.say(budi, "verifikasi 7 spj")
	expect(t, got, "dilewati", "Laporan tercatat", "7 dokumen")
	if n := len(h.reports(budi)); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
}

// Issue 26, item 1, for reports: a late report dated into a period whose final result is recorded
// asks first, is saved only with "tetap" and a reason, is recorded against the result with who and
// why, and the re-evaluation names it.
func TestFreeTextLateReportIntoAFinalResult(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	h.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, jakarta)) // Tuesday
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11"), "Dicatat")

	// Monday 30 November, a day Budi did not report, is inside November's final result.
	before := len(h.reports(budi))
	got := h.say(budi, "kemarin lupa lapor, verifikasi 4 spj")
	expect(t, got, "Laporan susulan", "Senin, 30 November 2026", "periode 2026-11", "tetap <alasan>")
	if len(h.reports(budi)) != before {
		t.Fatal("saved before it was confirmed")
	}
	expect(t, h.say(budi, "sinyal hilang kemarin"), "tetap <alasan>") // a reason without "tetap" asks again
	expect(t, h.say(budi, "tetap"), "alasan")
	got = h.say(budi, "tetap kemarin di lokasi tanpa sinyal")
	expect(t, got, "Laporan tercatat", "(susulan)", "dicatat pada hasil evaluasi final periode 2026-11")
	var reason, action string
	if err := h.st.DB().QueryRow(`SELECT reason, action FROM final_changes WHERE kind = 'report'`).Scan(&reason, &action); err != nil ||
		reason != "kemarin di lokasi tanpa sinyal" || action != "added" {
		t.Fatalf("final change %q %q: %v", reason, action, err)
	}
	got = h.say(admin, "/evaluate "+budi+" 2026-11")
	expect(t, got, "Yang berubah sejak hasil sebelumnya:", "ditambahkan sebagai laporan susulan", "alasan: kemarin di lokasi tanpa sinyal")
}
