package chart

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/example.png from sampleDigest")

var labelsID = Labels{
	ReportsPerDay:   "Laporan per hari",
	ReportersPerDay: "Pegawai yang melapor / jumlah pegawai",
	Compliance:      "Kepatuhan per pegawai",
	Percent:         "% hari kerja dengan laporan",
	NoData:          "Belum ada data minggu ini",
	More:            "lainnya",
}

func sampleDigest() Digest {
	return Digest{
		Title: "Rekap Mingguan DISKOMINFO, 16–20 Nov 2026",
		Days: []Day{
			{Label: "Sen 16/11", Reports: 19, Reporters: 18, Headcount: 20},
			{Label: "Sel 17/11", Reports: 21, Reporters: 19, Headcount: 20},
			{Label: "Rab 18/11", Reports: 14, Reporters: 14, Headcount: 19},
			{Label: "Kam 19/11", Reports: 17, Reporters: 16, Headcount: 20},
			{Label: "Jum 20/11", Reports: 9, Reporters: 9, Headcount: 20},
		},
		People: []Person{
			{"Budi Santoso", 100},
			{"Siti Nurhaliza", 100},
			{"Agus Wijaya", 100},
			{"Dewi Lestari", 100},
			{"Rina Marlina, S.Kom.", 100},
			{"Hendra Gunawan", 80},
			{"Fitri Handayani", 80},
			{"Dr. Ir. Bambang Sutrisno Wiryohadikusumo, M.Sc.", 80},
			{"Yusuf Maulana", 80},
			{"Lina Kartika", 80},
			{"Andi Pratama", 60},
			{"Putri Ayu Wulandari", 60},
			{"Joko Susilo", 60},
			{"Sri Wahyuni", 40},
			{"Rudi Hartono", 40},
			{"Maya Sari", 20},
			{"Teguh Prasetyo", 20},
			{"Wawan Setiawan", 0},
		},
		Lang:   "id",
		Labels: labelsID,
	}
}

func manyPeople(n int) []Person {
	ps := make([]Person, n)
	for i := range ps {
		ps[i] = Person{Name: fmt.Sprintf("Pegawai Nomor %02d Bidang Aplikasi", i+1), Pct: 100 - float64(i)*100/float64(n-1)}
	}
	return ps
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	if got := img.Bounds(); got.Dx() != Width || got.Dy() != Height {
		t.Fatalf("size = %dx%d, want %dx%d", got.Dx(), got.Dy(), Width, Height)
	}
	return img
}

func renderImg(t *testing.T, d Digest) image.Image {
	t.Helper()
	b, err := PNG(d)
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	return decode(t, b)
}

// inkIn counts the pixels of r that are clearly not white.
func inkIn(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xE000 || cg < 0xE000 || cb < 0xE000 {
				n++
			}
		}
	}
	return n
}

func TestPNGDecodesAtFixedSize(t *testing.T) {
	t.Parallel()
	renderImg(t, sampleDigest())
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, err := PNG(sampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(sampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same digest differ")
	}
	// And a different digest gives a different picture.
	d := sampleDigest()
	d.People[0].Pct = 10
	c, err := PNG(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Fatal("changing a person's Pct did not change the picture")
	}
}

func TestConcurrentRendersAgree(t *testing.T) {
	t.Parallel()
	want, err := PNG(sampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			got, err := PNG(sampleDigest())
			if err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(got, want) {
				errs <- fmt.Errorf("concurrent render differs")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNotBlank(t *testing.T) {
	t.Parallel()
	img := renderImg(t, sampleDigest())
	// Below the header band (which is solid colour) there must be bars and text.
	body := image.Rect(0, 200, Width, Height)
	if n := inkIn(img, body); n < 40000 {
		t.Fatalf("only %d inked pixels below the header: picture looks blank", n)
	}
	// The first person is at 100%: a bar must reach far to the right in the bottom half.
	full := inkIn(img, image.Rect(Width*3/4, Height/2, Width-60, Height-80))
	if full < 500 {
		t.Fatalf("right quarter of the compliance panel has %d inked pixels; expected the 100%% bars", full)
	}
}

func TestEmptyDigestRenders(t *testing.T) {
	t.Parallel()
	img := renderImg(t, Digest{Title: "Rekap Mingguan DISKOMINFO, 16–20 Nov 2026", Labels: labelsID})
	// The title band is there, and the "no data" boxes carry text.
	if n := inkIn(img, image.Rect(0, 0, Width, 100)); n < Width*50 {
		t.Fatalf("header band has %d inked pixels", n)
	}
	if n := inkIn(img, image.Rect(0, 200, Width, Height)); n < 2000 {
		t.Fatalf("body has %d inked pixels; want the no-data labels", n)
	}
	// A digest with nothing at all still renders.
	renderImg(t, Digest{})
}

func TestThirtyPeople(t *testing.T) {
	t.Parallel()
	d := sampleDigest()
	d.People = manyPeople(30)
	img := renderImg(t, d)
	if n := inkIn(img, image.Rect(0, Height/2, Width, Height)); n < 20000 {
		t.Fatalf("compliance panel has %d inked pixels", n)
	}
}

func TestPeopleRowsOverflow(t *testing.T) {
	t.Parallel()
	ps := manyPeople(30) // descending by Pct
	rows := peopleRows(ps, "lainnya")
	if len(rows) != 2*Half+1 {
		t.Fatalf("%d rows, want %d", len(rows), 2*Half+1)
	}
	if rows[Half].hidden != 30-2*Half || rows[Half].label != "+6 lainnya" {
		t.Fatalf("gap row = %+v", rows[Half])
	}
	if rows[0].pct != 100 || rows[len(rows)-1].pct != 0 {
		t.Fatalf("first/last = %v/%v, want the highest and the lowest", rows[0].pct, rows[len(rows)-1].pct)
	}

	// Ascending input keeps ascending order.
	asc := make([]Person, len(ps))
	for i := range ps {
		asc[i] = ps[len(ps)-1-i]
	}
	rows = peopleRows(asc, "")
	if rows[0].pct != 0 || rows[len(rows)-1].pct != 100 || rows[Half].label != "+6" {
		t.Fatalf("ascending: first/last/gap = %v/%v/%q", rows[0].pct, rows[len(rows)-1].pct, rows[Half].label)
	}

	// Unsorted input: highest to lowest, and exactly the 12 highest and 12 lowest.
	mixed := append([]Person(nil), ps...)
	mixed[0], mixed[15] = mixed[15], mixed[0]
	rows = peopleRows(mixed, "")
	for i := 1; i < len(rows); i++ {
		if i == Half || i == Half+1 {
			continue
		}
		if rows[i].pct > rows[i-1].pct {
			t.Fatalf("unsorted input: row %d (%v) above row %d (%v)", i, rows[i].pct, i-1, rows[i-1].pct)
		}
	}
	if rows[0].pct != 100 {
		t.Fatalf("unsorted input: first row %v, want 100", rows[0].pct)
	}

	// At the limit, nobody is left out.
	if rows := peopleRows(manyPeople(MaxPeople), ""); len(rows) != MaxPeople {
		t.Fatalf("%d rows for %d people", len(rows), MaxPeople)
	}
}

// fewDigest is a small unit with a six-day week, in English.
func fewDigest() Digest {
	return Digest{
		Title: "Weekly summary Bagian Umum Sekretariat Daerah Kabupaten Sukamaju Selatan, 16–21 Nov 2026",
		Days: []Day{
			{Label: "Mon 16/11", Reports: 1204, Reporters: 3, Headcount: 3},
			{Label: "Tue 17/11", Reports: 3, Reporters: 3, Headcount: 3},
			{Label: "Wed 18/11", Reports: 0, Reporters: 0, Headcount: 3},
			{Label: "Thu 19/11", Reports: 2, Reporters: 2, Headcount: 3},
			{Label: "Fri 20/11", Reports: 3, Reporters: 3, Headcount: 3},
			{Label: "Sat 21/11", Reports: 1, Reporters: 1, Headcount: 2},
		},
		People: []Person{{"Ahmad Fauzi", 100}, {"Nur Aini", 66.7}, {"Bayu Kurniawan", 33.3}},
		Lang:   "en",
		Labels: Labels{ReportsPerDay: "Reports per day", ReportersPerDay: "People who reported / headcount", Compliance: "Compliance per person", Percent: "% of working days with a report", NoData: "No data this week", More: "more"},
	}
}

func oddDigest() Digest {
	long := strings.Repeat("Wiryohadikusumo ", 40)
	return Digest{
		Title: strings.Repeat("Rekap Mingguan Dinas Komunikasi, Informatika, Statistik dan Persandian ", 5),
		Days: []Day{
			{Label: long, Reports: 1234567, Reporters: 999999, Headcount: 1000000},
			{Label: "", Reports: -5, Reporters: -1, Headcount: -1},
			{Label: "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", Reports: 0},
		},
		People: []Person{
			{Name: long, Pct: 55},
			{Name: strings.Repeat("W", 200), Pct: math.NaN()},
			{Name: "Ñoño\x00\n\t\xff Ünïcödé 😀 名前", Pct: -20},
			{Name: "", Pct: 250},
			{Name: "Budi", Pct: math.Inf(1)},
			{Name: "Sari", Pct: 0.2},
			{Name: "Tono", Pct: 99.7},
		},
		Labels: Labels{
			ReportsPerDay: long, ReportersPerDay: long, Compliance: long, Percent: long, NoData: long, More: long,
		},
	}
}

func TestLongAndOddTextDoesNotPanic(t *testing.T) {
	t.Parallel()
	d := oddDigest()
	renderImg(t, d)
	renderImg(t, fewDigest())

	renderImg(t, monthDigest())
}

// monthDigest has far more days than a week: it must still render.
func monthDigest() Digest {
	d := sampleDigest()
	d.Days = nil
	for i := range 23 {
		d.Days = append(d.Days, Day{Label: fmt.Sprintf("Hari %d/12", i+1), Reports: i * 7, Reporters: i, Headcount: 40})
	}
	return d
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	got := truncate("Dr. Ir. Bambang Sutrisno Wiryohadikusumo, M.Sc.", MaxNameRunes)
	if n := len([]rune(got)); n > MaxNameRunes || !strings.HasSuffix(got, "…") {
		t.Fatalf("truncate = %q (%d runes)", got, n)
	}
	if got := truncate("Budi Santoso", MaxNameRunes); got != "Budi Santoso" {
		t.Fatalf("short name changed: %q", got)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0%"}, {0.2, "1%"}, {49.5, "50%"}, {99.7, "99%"}, {100, "100%"}} {
		if got := formatPct(c.v); got != c.want {
			t.Errorf("formatPct(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := formatInt(1234567, "id"); got != "1.234.567" {
		t.Errorf("formatInt id = %q", got)
	}
	if got := formatInt(1234, "en"); got != "1,234" {
		t.Errorf("formatInt en = %q", got)
	}
	if got := formatInt(999, "id"); got != "999" {
		t.Errorf("formatInt 999 = %q", got)
	}
}

// TestExample keeps testdata/example.png (referenced from the package doc) in step with the code:
// run `go test ./chart/ -run TestExample -update` after changing the drawing.
func TestExample(t *testing.T) {
	t.Parallel()
	b, err := PNG(sampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "example.png")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out := os.Getenv("CHART_OUT"); out != "" { // for looking at other digests by hand
		for name, d := range map[string]Digest{"sample": sampleDigest(), "empty": {Title: sampleDigest().Title, Labels: labelsID}, "thirty": func() Digest { d := sampleDigest(); d.People = manyPeople(30); return d }(), "few": fewDigest(), "odd": oddDigest(), "nopeople": func() Digest { d := sampleDigest(); d.People = nil; return d }(), "month": monthDigest()} {
			bb, err := PNG(d)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, name+".png"), bb, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if len(want) > 200<<10 {
		t.Errorf("%s is %d bytes, want < 200 KB", path, len(want))
	}
	// Compare pixels, not bytes, and allow a few to differ: another Go release may compress
	// differently, or another CPU round an anti-aliased edge differently.
	got, old := decode(t, b), decode(t, want)
	diff := 0
	for y := range Height {
		for x := range Width {
			if got.At(x, y) != old.At(x, y) {
				diff++
			}
		}
	}
	if diff > Width*Height/200 {
		t.Errorf("%s is stale (%d pixels differ): run go test ./chart/ -run TestExample -update", path, diff)
	}
}

// A holiday keeps its place in the week: drawn as a tinted column with its label, not as a bar,
// and its numbers neither draw a bar nor change the scale of the others.
func TestOffDayKeepsItsPlace(t *testing.T) {
	t.Parallel()
	week := func(tue Day) Digest {
		d := sampleDigest()
		d.Days = []Day{{Label: "Sen 16/11", Reports: 5, Reporters: 4, Headcount: 5}, tue, {Label: "Rab 18/11", Reports: 3, Reporters: 3, Headcount: 5}}
		return d
	}
	off, err := PNG(week(Day{Label: "Sel 17/11", Off: "libur"}))
	if err != nil {
		t.Fatal(err)
	}
	offWithNumbers, _ := PNG(week(Day{Label: "Sel 17/11", Off: "libur", Reports: 99, Reporters: 9, Headcount: 9}))
	if !bytes.Equal(off, offWithNumbers) {
		t.Error("an off day's numbers changed the picture")
	}
	zero, _ := PNG(week(Day{Label: "Sel 17/11"}))
	if bytes.Equal(off, zero) {
		t.Error("an off day is drawn like a working day without reports")
	}
	dropped, _ := PNG(Digest{Title: sampleDigest().Title, People: sampleDigest().People, Labels: sampleDigest().Labels,
		Days: []Day{{Label: "Sen 16/11", Reports: 5, Reporters: 4, Headcount: 5}, {Label: "Rab 18/11", Reports: 3, Reporters: 3, Headcount: 5}}})
	if bytes.Equal(off, dropped) {
		t.Error("the off day was dropped")
	}
}

// Issue 26, item 8: a week whose working days have no report says so in the picture; the same
// week with one report does not (the label is drawn only over a flat row of bars).
func TestAllZeroWeekSaysSo(t *testing.T) {
	t.Parallel()
	week := func(reports int, label string) Digest {
		d := sampleDigest()
		d.Labels.NoReports = label
		d.Days = []Day{{Label: "Sen 16/11", Reports: reports}, {Label: "Sel 17/11", Off: "libur"}, {Label: "Rab 18/11"}}
		return d
	}
	zero, _ := PNG(week(0, "Belum ada laporan pada minggu ini"))
	zeroUnlabelled, _ := PNG(week(0, ""))
	if bytes.Equal(zero, zeroUnlabelled) {
		t.Error("an all-zero week does not say so")
	}
	one, _ := PNG(week(1, "Belum ada laporan pada minggu ini"))
	oneUnlabelled, _ := PNG(week(1, ""))
	if !bytes.Equal(one, oneUnlabelled) {
		t.Error("a week with a report says it has none")
	}
	if os.Getenv("CHART_OUT") != "" {
		os.WriteFile(filepath.Join(os.Getenv("CHART_OUT"), "zero.png"), zero, 0o644)
	}
}

// Issue 26, item 8: the longest names fit the name column by losing their degrees and titles,
// then their middle names to initials, before anything is cut.
func TestNamesFitWithoutCutting(t *testing.T) {
	t.Parallel()
	faces, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	p := &painter{faces: faces}
	for _, c := range []struct{ in, want string }{
		{"Budi Santoso", "Budi Santoso"},
		{"Dr. Ir. Bambang Sutrisno Wiryohadikusumo, M.Sc.", "Bambang S. W."},
		{"Hj. Nurhayati Lubis, S.Sos., M.Si.", "Nurhayati Lubis"},
		{"Ni Luh Putu Ayu Kadek Sari Dewi", "Ni Luh P. A. K. S. D."},
		{"Ni Luh Putu Ayu Sari", "Ni Luh Putu Ayu Sari"},
		{"Muhammad Rizky Ananda Putra Pratama", "Muhammad R. A. P. P."},
		{"Muhammad Rizky Ananda Putra", "Muhammad R. A. Putra"},
	} {
		if got := fitName(p, 26, c.in, 430); got != c.want {
			t.Errorf("fitName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
