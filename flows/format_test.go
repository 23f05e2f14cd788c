package flows

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{3, "3"},
		{100, "100"},
		{1250, "1.250"},
		{1000000, "1.000.000"},
		{82.5, "82,5"},
		{3.04, "3"},     // rounds to one decimal, and a whole number shows none
		{12.34, "12,3"}, // one decimal at most
		{2.25, "2,3"},   // half away from zero
		{99.95, "100"},  // rounding carries into the integer part
		{99.94, "99,9"}, // and does not when it should not
		{0.05, "0,1"},
		{0.04, "0"},
		{-0.04, "0"}, // no "-0"
		{-1250.5, "-1.250,5"},
		{1234567.89, "1.234.567,9"},
		{1e20, "100.000.000.000.000.000.000"}, // beyond int64: no overflow into a negative number
	} {
		if got := FormatNumber(tc.in); got != tc.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A division by zero upstream must not print as a large negative number.
	for _, f := range []float64{math.Inf(1), math.NaN()} {
		if got := FormatNumber(f); strings.HasPrefix(got, "-") || strings.ContainsAny(got, "0123456789") {
			t.Errorf("FormatNumber(%v) = %q", f, got)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{82.5, "82,5%"},
		{100, "100%"},
		{0, "0%"},
		{200.0 / 3, "66,7%"},
		{1250, "1.250%"},
		{99.96, "100%"},
	} {
		if got := FormatPercent(tc.in); got != tc.want {
			t.Errorf("FormatPercent(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormatDates(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		lang       string
		d          time.Time
		date, long string
		short      string
	}{
		{"id", day(2026, 11, 23), "23 Nov 2026", "Senin, 23 November 2026", "Sen, 23 Nov"},
		{"en", day(2026, 11, 23), "23 Nov 2026", "Monday, 23 November 2026", "Mon, 23 Nov"},
		// A one-digit day has no leading zero; Mei/May differ.
		{"id", day(2026, 5, 5), "5 Mei 2026", "Selasa, 5 Mei 2026", "Sel, 5 Mei"},
		{"en", day(2026, 5, 5), "5 May 2026", "Tuesday, 5 May 2026", "Tue, 5 May"},
		{"id", day(2026, 8, 17), "17 Agu 2026", "Senin, 17 Agustus 2026", "Sen, 17 Agu"},
		{"en", day(2026, 8, 17), "17 Aug 2026", "Monday, 17 August 2026", "Mon, 17 Aug"},
		{"id", day(2026, 10, 4), "4 Okt 2026", "Minggu, 4 Oktober 2026", "Min, 4 Okt"},
		{"en", day(2026, 10, 4), "4 Oct 2026", "Sunday, 4 October 2026", "Sun, 4 Oct"},
		{"id", day(2026, 12, 25), "25 Des 2026", "Jumat, 25 Desember 2026", "Jum, 25 Des"},
		{"en", day(2026, 12, 25), "25 Dec 2026", "Friday, 25 December 2026", "Fri, 25 Dec"},
		// Any language other than English reads Indonesian.
		{"", day(2026, 11, 23), "23 Nov 2026", "Senin, 23 November 2026", "Sen, 23 Nov"},
	} {
		if got := FormatDate(tc.lang, tc.d); got != tc.date {
			t.Errorf("FormatDate(%q, %s) = %q, want %q", tc.lang, tc.d.Format(time.DateOnly), got, tc.date)
		}
		if got := FormatLongDate(tc.lang, tc.d); got != tc.long {
			t.Errorf("FormatLongDate(%q, %s) = %q, want %q", tc.lang, tc.d.Format(time.DateOnly), got, tc.long)
		}
		if got := FormatShortDay(tc.lang, tc.d); got != tc.short {
			t.Errorf("FormatShortDay(%q, %s) = %q, want %q", tc.lang, tc.d.Format(time.DateOnly), got, tc.short)
		}
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	tm := time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC)
	if got := FormatTime("id", tm); got != "14.05" {
		t.Errorf("FormatTime(id) = %q, want 14.05", got)
	}
	if got := FormatTime("en", tm); got != "14:05" {
		t.Errorf("FormatTime(en) = %q, want 14:05", got)
	}
}

func TestFormatMinutes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     int
		id, en string
	}{
		{0, "0 mnt", "0 min"},
		{45, "45 mnt", "45 min"},
		{60, "1 j", "1 h"},
		{90, "1 j 30 mnt", "1 h 30 min"},
		{125, "2 j 5 mnt", "2 h 5 min"},
		{1440, "24 j", "24 h"},
	} {
		if got := FormatMinutes("id", tc.in); got != tc.id {
			t.Errorf("FormatMinutes(id, %d) = %q, want %q", tc.in, got, tc.id)
		}
		if got := FormatMinutes("en", tc.in); got != tc.en {
			t.Errorf("FormatMinutes(en, %d) = %q, want %q", tc.in, got, tc.en)
		}
	}
}

// The hand-written paths write what the library did: dateKey what time.Format writes, and
// FormatNumber what the Indonesian printer writes, for every kind of value.
func TestFastFormatsMatchTheLibrary(t *testing.T) {
	t.Parallel()
	for d := time.Date(1999, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2031; d = d.AddDate(0, 0, 1) {
		if got, want := dateKey(d), d.Format("2006-01-02"); got != want {
			t.Fatalf("dateKey(%v) = %q, want %q", d, got, want)
		}
	}
	for _, d := range []time.Time{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(999, 3, 4, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 1, 23, 0, 0, 0, time.FixedZone("WIB", 7*3600))} {
		if got, want := dateKey(d), d.Format("2006-01-02"); got != want {
			t.Errorf("dateKey(%v) = %q, want %q", d, got, want)
		}
	}
	printer := func(f float64) string {
		r := math.Round(f*10) / 10
		if r == math.Trunc(r) {
			return numPrinter.Sprintf("%.0f", r+0)
		}
		return numPrinter.Sprintf("%.1f", r)
	}
	rnd := rand.New(rand.NewPCG(13, 13))
	values := []float64{0, -0.0, 0.05, -0.05, 0.95, -0.95, 999.95, 1e14 + 0.5, -1e14 - 0.5, 999999999999999.9, 1e15 - 1, 123456.789}
	for range 200000 {
		var f float64
		switch rnd.IntN(4) {
		case 0:
			f = float64(rnd.IntN(2001)) / 10 // scores and percentages
		case 1:
			f = rnd.Float64() * 200
		case 2:
			f = (rnd.Float64() - 0.5) * math.Pow(10, float64(rnd.IntN(16)))
		default:
			f = float64(rnd.IntN(1_000_000)) / 100
		}
		values = append(values, f)
	}
	for _, f := range values {
		if got, want := FormatNumber(f), printer(f); got != want {
			t.Fatalf("FormatNumber(%v) = %q, the printer writes %q", f, got, want)
		}
	}
}

// An example a person may copy is cut at a word, never with "…" (issue 20: the reminder's line).
func TestFirstWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"Verifikasi SPJ", 40, "Verifikasi SPJ"},
		{"Pemutakhiran data kepegawaian SIASN seluruh perangkat daerah kota", 40, "Pemutakhiran data kepegawaian SIASN"},
		{"Penyelenggaraanpelayananadministrasikependudukanterpadu", 10, "Penyelenggaraanpelayananadministrasikependudukanterpadu"},
	} {
		got := firstWords(c.in, c.n)
		if got != c.want || strings.Contains(got, "…") {
			t.Errorf("firstWords(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
