package freetext

import (
	"strings"
	"testing"
	"time"
)

// Wednesday 25 November 2026, the corpus's today.
var wednesday = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func TestNumberWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want float64
		used int
	}{
		{"satu", 1, 1}, {"dua", 2, 1}, {"tiga berkas", 3, 1}, {"sembilan", 9, 1},
		{"sepuluh", 10, 1}, {"sebelas", 11, 1}, {"dua belas", 12, 2}, {"tiga belas dokumen", 13, 2},
		{"dua puluh", 20, 2}, {"dua puluh lima", 25, 3}, {"sembilan puluh sembilan", 99, 3},
		{"seratus", 100, 1}, {"seratus dua", 102, 2}, {"seratus dua puluh", 120, 3}, {"dua ratus lima puluh", 250, 4},
		{"seribu", 1000, 1}, {"dua ribu", 2000, 2}, {"setengah", 0.5, 1}, {"dua setengah", 2.5, 2},
		{"satu setengah jam", 1.5, 2},
		// Not numbers, or numbers that end where a word is not one.
		{"verifikasi", 0, 0}, {"belas", 0, 0}, {"puluh", 0, 0}, {"dua dua", 2, 1}, {"lima tiga", 5, 1},
	} {
		v, n := numberWords(strings.Fields(c.in), 0)
		if v != c.want || n != c.used {
			t.Errorf("numberWords(%q) = %v, %d words; want %v, %d", c.in, v, n, c.want, c.used)
		}
	}
}

// read is Read on the corpus's today for Budi's targets.
func read(text string) Reading {
	return Default().Read(text, wednesday, budiTargets)
}

var budiTargets = []Target{{1, "Pemeliharaan server dan jaringan", "laporan"}, {2, "Verifikasi dokumen SPJ", "dokumen"},
	{3, "Penanganan gangguan perangkat TIK", "tiket"}, {4, "Pengelolaan konten website resmi", "konten"}}

func one(t *testing.T, text string) Activity {
	t.Helper()
	rd := read(text)
	if rd.Kind != Report || len(rd.Activities) != 1 {
		t.Fatalf("%q: kind %d with %d activities, want one report", text, rd.Kind, len(rd.Activities))
	}
	return rd.Activities[0]
}

func TestQuantity(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want float64
		unit string
	}{
		{"verifikasi 5 berkas", 5, "berkas"},
		{"verifikasi lima berkas", 5, "berkas"},
		{"verifikasi dua puluh lima dokumen spj", 25, "dokumen"},
		{"verifikasi 2,5 dokumen", 2.5, "dokumen"},
		{"input 1.250 data", 1250, "data"},
		{"membuat sebuah konten", 1, "konten"},
		{"scan selembar surat", 1, "surat"},
		{"verifikasi seratus berkas", 100, "berkas"},
		{"verifikasi setengah berkas", 0.5, "berkas"},
		{"cek jaringan lantai 2", 0, ""},      // a floor, not a count
		{"rapat di ruang 3 bahas spj", 0, ""}, // a room
		{"backup server", 0, ""},
	} {
		a := one(t, c.in)
		if a.Quantity != c.want || a.Unit != c.unit {
			t.Errorf("%q: quantity %v %q, want %v %q", c.in, a.Quantity, a.Unit, c.want, c.unit)
		}
	}
}

func TestMinutes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int
	}{
		{"rapat koordinasi 2 jam", 120},
		{"rapat 45 menit", 45},
		{"rapat 1,5 jam", 90},
		{"rapat setengah jam", 30},
		{"rapat satu setengah jam", 90},
		{"rapat 2 jam 15 menit", 135},
		{"rapat 90m", 90},
		{"rapat 2j", 120},
		{"rapat 1j30m", 90},
		{"rapat 08.00-10.30", 150},
		{"rapat jam 9 sampai 11", 120},
		{"rapat pukul 13.00 s.d. 15.30", 150},
		{"rapat jam 10 sampai 2", 240},
		{"rapat dua jam", 120},
		{"rapat", 0},
		{"rapat jam 9", 0}, // a time of day
	} {
		a := one(t, c.in)
		if a.Minutes != c.want {
			t.Errorf("%q: %d minutes, want %d", c.in, a.Minutes, c.want)
		}
		if strings.Contains(strings.ToLower(a.Text), "jam") || strings.Contains(a.Text, "menit") {
			t.Errorf("%q: the duration stayed in the text %q", c.in, a.Text)
		}
	}
}

func TestDay(t *testing.T) {
	t.Parallel()
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		in     string
		want   time.Time
		stated bool
	}{
		{"rapat koordinasi", wednesday, false},
		{"tadi rapat koordinasi", wednesday, true},
		{"hari ini rapat koordinasi", wednesday, true},
		{"kemarin rapat koordinasi", d(11, 24), true},
		{"kmrn rapat koordinasi", d(11, 24), true},
		{"kemarin lusa rapat", d(11, 23), true},
		{"Senin rapat koordinasi", d(11, 23), true},
		{"hari senin rapat", d(11, 23), true},
		{"jumat kemarin rapat", d(11, 20), true},
		{"rabu rapat", wednesday, true},
		{"tgl 3 rapat", d(11, 3), true},
		{"tanggal 20 rapat", d(11, 20), true},
		{"tgl 28 okt rapat", d(10, 28), true},
		{"tgl 30 rapat", d(10, 30), true}, // the 30th not after today: last month's
	} {
		a := one(t, c.in)
		if !a.Day.Equal(c.want) || a.DayStated != c.stated {
			t.Errorf("%q: day %s stated %v, want %s %v", c.in, a.Day.Format("2006-01-02"), a.DayStated, c.want.Format("2006-01-02"), c.stated)
		}
	}
}

func TestSeveralActivities(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"1. rapat 2 jam 2. verifikasi 5 spj", []string{"Rapat", "Verifikasi spj"}},
		{"rapat koordinasi\nverifikasi 5 spj\nbackup server", []string{"Rapat koordinasi", "Verifikasi spj", "Backup server"}},
		{"rapat; verifikasi 5 spj", []string{"Rapat", "Verifikasi spj"}},
		{"rapat koordinasi 2 jam dan verifikasi 5 spj", []string{"Rapat koordinasi", "Verifikasi spj"}},
		// "dan" inside one activity, as a target writes it, is not a second activity.
		{"pemeliharaan server dan jaringan", []string{"Pemeliharaan server dan jaringan"}},
		{"Kemarin:\n1. backup server\n2. perbaiki printer", []string{"Backup server", "Perbaiki printer"}},
	} {
		rd := read(c.in)
		var got []string
		for _, a := range rd.Activities {
			got = append(got, a.Text)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: activities %q, want %q", c.in, got, c.want)
		}
	}
	rd := read("Kemarin:\n1. backup server\n2. perbaiki printer")
	for _, a := range rd.Activities {
		if a.Day.Day() != 24 || !a.DayStated {
			t.Errorf("a day on its own line should date the lines after it: %+v", a)
		}
	}
	rd = read("1. rapat 2 jam 2. verifikasi 5 spj")
	if rd.Activities[0].Minutes != 120 || rd.Activities[0].Quantity != 0 || rd.Activities[1].Quantity != 5 || rd.Activities[1].Minutes != 0 {
		t.Errorf("each activity keeps its own quantity and minutes: %+v", rd.Activities)
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		kind Kind
		cmd  string
	}{
		{"selamat pagi pak", Chat, ""},
		{"ok siap", Chat, ""},
		{"👍", Chat, ""},
		{"terima kasih bu 🙏", Chat, ""},
		{"Assalamualaikum wr wb", Chat, ""},
		{"nanti sore saya lapor", Chat, ""},
		{"izin pak hari ini saya sakit", Chat, ""},
		{"berapa progres saya?", Question, "progres"},
		{"target saya apa", Question, "kontrak"},
		{"cara lapornya gimana", Question, "bantuan"},
		{"tadi rapat koordinasi 2 jam", Report, ""},
		{"sudah verifikasi 5 berkas", Report, ""},
	} {
		rd := read(c.in)
		if rd.Kind != c.kind || rd.Command != c.cmd {
			t.Errorf("%q: kind %d %q, want %d %q", c.in, rd.Kind, rd.Command, c.kind, c.cmd)
		}
	}
	if rd := read("izin pak hari ini saya sakit"); !rd.Leave {
		t.Errorf("talk of being sick should point to /cuti")
	}
}

func TestStems(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ word, root string }{
		{"memverifikasi", "verifikasi"}, {"terverifikasi", "verifikasi"}, {"diverifikasi", "verifikasi"},
		{"pemeliharaan", "pelihara"}, {"memelihara", "pelihara"}, {"menyusun", "susun"}, {"penyusunan", "susun"},
		{"mengirim", "kirim"}, {"menulis", "tulis"}, {"memasang", "pasang"}, {"pemindaian", "pindai"},
		{"memindai", "pindai"}, {"perbaikan", "baik"}, {"diperbaiki", "baik"}, {"pelayanan", "layan"},
		{"melayani", "layan"}, {"penataan", "tata"}, {"menata", "tata"}, {"peliputan", "liput"}, {"meliput", "liput"},
	} {
		found := false
		for _, s := range stems(c.word) {
			found = found || s == c.root
		}
		if !found {
			t.Errorf("stems(%q) = %q, lacks %q", c.word, stems(c.word), c.root)
		}
	}
}
