package parse

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// quickReportCases are the /lapor quick-form inputs that parse. They also seed FuzzQuickReport.
var quickReportCases = []struct {
	name string
	in   string
	want Report
}{
	{"plain text", "Verifikasi SPJ", Report{Text: "Verifikasi SPJ"}},
	{"spec example", "3 Verifikasi SPJ #2", Report{Text: "Verifikasi SPJ", Quantity: 3, Target: 2}},
	{"comma decimal", "2,5 Rapat koordinasi", Report{Text: "Rapat koordinasi", Quantity: 2.5}},
	{"dot decimal", "2.5 Rapat koordinasi", Report{Text: "Rapat koordinasi", Quantity: 2.5}},
	// A dot followed by exactly three digits groups thousands.
	{"thousands", "1.250 Surat diarsipkan", Report{Text: "Surat diarsipkan", Quantity: 1250}},
	{"three decimals after comma", "0,125 Km jalan diperiksa", Report{Text: "Km jalan diperiksa", Quantity: 0.125}},
	{"maximum quantity", "100000 Lembar dipindai", Report{Text: "Lembar dipindai", Quantity: MaxQuantity}},
	{"target first", "#2 Verifikasi SPJ", Report{Text: "Verifikasi SPJ", Target: 2}},
	{"target in the middle", "Verifikasi #12 SPJ", Report{Text: "Verifikasi SPJ", Target: 12}},
	{"three-digit target", "Verifikasi SPJ #999", Report{Text: "Verifikasi SPJ", Target: 999}},
	{"minutes m", "Rapat 90m", Report{Text: "Rapat", Minutes: 90}},
	{"minutes mnt", "Rapat 90mnt", Report{Text: "Rapat", Minutes: 90}},
	{"minutes menit", "Rapat 45menit", Report{Text: "Rapat", Minutes: 45}},
	{"minutes min", "Meeting 30min", Report{Text: "Meeting", Minutes: 30}},
	{"hours j", "Rapat 2j", Report{Text: "Rapat", Minutes: 120}},
	{"hours jam", "Rapat 2jam", Report{Text: "Rapat", Minutes: 120}},
	{"hours comma decimal", "Rapat 1,5j", Report{Text: "Rapat", Minutes: 90}},
	{"hours dot decimal", "Meeting 1.5h", Report{Text: "Meeting", Minutes: 90}},
	{"hours and minutes", "Rapat 1j30m", Report{Text: "Rapat", Minutes: 90}},
	{"hours h", "Meeting 2h", Report{Text: "Meeting", Minutes: 120}},
	{"hours and minutes, English", "Meeting 1h30min", Report{Text: "Meeting", Minutes: 90}},
	{"hours and minutes, long units", "Rapat 1jam30menit", Report{Text: "Rapat", Minutes: 90}},
	// Duration units are case-insensitive (phones capitalise the first letter).
	{"upper-case unit", "Rapat 2J", Report{Text: "Rapat", Minutes: 120}},
	{"exactly 24 hours", "Piket 24j", Report{Text: "Piket", Minutes: 1440}},
	{"leading duration is a duration, not a quantity", "90m Rapat", Report{Text: "Rapat", Minutes: 90}},
	{"all together, spec order", "3 Verifikasi SPJ #2 90m", Report{Text: "Verifikasi SPJ", Quantity: 3, Target: 2, Minutes: 90}},
	{"all together, tokens first", "3 #2 90m Verifikasi SPJ", Report{Text: "Verifikasi SPJ", Quantity: 3, Target: 2, Minutes: 90}},
	{"all together, interleaved", "3 Verifikasi 2j SPJ #2", Report{Text: "Verifikasi SPJ", Quantity: 3, Target: 2, Minutes: 120}},
	{"all together, duration before target", "2,5 1j30m #4 Entri data", Report{Text: "Entri data", Quantity: 2.5, Target: 4, Minutes: 90}},
	// A number after the first word is part of the text.
	{"number not first stays text", "Rapat 2 sesi", Report{Text: "Rapat 2 sesi"}},
	{"second number stays text", "3 4 berkas", Report{Text: "4 berkas", Quantity: 3}},
	// Targets and durations do not take the quantity's place: the first other word does.
	{"number after target is the quantity", "#2 3 berkas", Report{Text: "berkas", Quantity: 3, Target: 2}},
	{"number after duration is the quantity", "90m 2,5 Rapat", Report{Text: "Rapat", Quantity: 2.5, Minutes: 90}},
	{"thousands grouping far above a target is still read", "1.250 Verifikasi SPJ #2", Report{Text: "Verifikasi SPJ", Quantity: 1250, Target: 2}},
	{"word that starts with a digit is text", "2x Rapat koordinasi", Report{Text: "2x Rapat koordinasi"}},
	{"bare hash is text", "Rapat # 3", Report{Text: "Rapat # 3"}},
	{"hash inside a word is text", "Ruang A#2", Report{Text: "Ruang A#2"}},
	{"whitespace collapses", "  3\tVerifikasi \n\n SPJ   #2\r\n", Report{Text: "Verifikasi SPJ", Quantity: 3, Target: 2}},
	{"unicode text kept", "1 Sosialisasi “Gerakan Bersih” — Kelurahan Cipayung 🚮", Report{Text: "Sosialisasi “Gerakan Bersih” — Kelurahan Cipayung 🚮", Quantity: 1}},
	// A no-break space (U+00A0, common from copy-paste) separates words like a space.
	{"no-break space", "2\u00a0Surat\u00a0keluar", Report{Text: "Surat keluar", Quantity: 2}},
}

// quickReportErrors are the inputs that fail, with the catalog key of the reply. They also seed the fuzzer.
var quickReportErrors = []struct {
	name string
	in   string
	key  string
}{
	{"empty", "", "report.empty_text"},
	{"blank", " \n\t ", "report.empty_text"},
	{"only quantity and target", "3 #2", "report.empty_text"},
	{"only tokens", "90m #1", "report.empty_text"},
	{"only quantity", "3", "report.empty_text"},
	{"target zero", "Rapat #0", "report.bad_target"},
	{"target zero padded", "Rapat #00", "report.bad_target"},
	{"target not a number", "Rapat #abc", "report.bad_target"},
	// Hashtags are refused rather than silently kept: "#rapat" is most likely a mistyped target.
	{"hashtag", "#RapatKoordinasi pagi", "report.bad_target"},
	{"target too long", "Rapat #1234", "report.bad_target"},
	{"negative target", "Rapat #-1", "report.bad_target"},
	{"two targets", "Rapat #1 #2", "report.two_targets"},
	{"same target twice", "Rapat #1 #1", "report.two_targets"},
	{"two durations", "Rapat 90m 1j", "report.two_durations"},
	{"over 24 hours", "Rapat 30j", "report.bad_duration"},
	{"over 24 hours in minutes", "Rapat 1441m", "report.bad_duration"},
	{"over 24 hours combined", "Rapat 23j61m", "report.bad_duration"},
	{"zero duration", "Rapat 0m", "report.bad_duration"},
	{"zero hours", "Rapat 0j", "report.bad_duration"},
	{"quantity zero", "0 Rapat", "report.bad_quantity"},
	{"quantity zero with decimals", "0,0 Rapat", "report.bad_quantity"},
	{"quantity above maximum", "100001 Lembar", "report.bad_quantity"},
	{"quantity seven digits", "1234567 Lembar", "report.bad_quantity"},
	// The error that comes first in the text is the one reported.
	{"first error wins", "0 Rapat #0", "report.bad_quantity"},
	// Issue 11: what looks like a number or a duration is never kept as text, nor guessed.
	{"negative quantity", "-3 Verifikasi SPJ #2", "report.bad_quantity"},
	{"minus sign quantity", "\u22123 Verifikasi SPJ", "report.bad_quantity"},
	{"plus sign quantity", "+3 Verifikasi SPJ", "report.bad_quantity"},
	{"two decimal commas", "2,5,3 Verifikasi SPJ #2", "report.bad_quantity"},
	{"exponent", "1e308 Verifikasi SPJ #2", "report.bad_quantity"},
	{"NaN", "NaN Verifikasi SPJ #2", "report.bad_quantity"},
	{"infinity", "-Inf Verifikasi SPJ", "report.bad_quantity"},
	{"twenty digits", "99999999999999999999 Verifikasi SPJ #2", "report.bad_quantity"},
	{"full-width digit", "\uff13 Verifikasi SPJ #2", "report.bad_quantity"},
	{"Arabic-Indic digit", "\u0663 Verifikasi SPJ", "report.bad_quantity"},
	{"millions", "1.250.000 berkas", "report.bad_quantity"},
	{"bad quantity after target", "#2 -3 Verifikasi SPJ", "report.bad_quantity"},
	{"hours too many digits", "Rapat 99999j", "report.bad_duration"},
	{"negative minutes", "Rapat -5m", "report.bad_duration"},
	{"decimal minutes", "Rapat 2,5m", "report.bad_duration"},
	{"full-width duration", "Rapat \uff19\uff10m", "report.bad_duration"},
}

func TestParseQuickReport(t *testing.T) {
	t.Parallel()
	for _, tc := range quickReportCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := QuickReport(tc.in)
			if err != nil {
				t.Fatalf("QuickReport(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("QuickReport(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseQuickReportErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range quickReportErrors {
		t.Run(tc.name, func(t *testing.T) {
			got, err := QuickReport(tc.in)
			if err == nil {
				t.Fatalf("QuickReport(%q) = %+v, want error %s", tc.in, got, tc.key)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("QuickReport(%q): %v is not a refusal", tc.in, err)
			}
			if e.Key != tc.key {
				t.Errorf("QuickReport(%q) error = %s, want %s", tc.in, e.Key, tc.key)
			}
		})
	}
}

// The bad token is passed to the reply so the person sees what was wrong.
func TestParseQuickReportErrorNamesToken(t *testing.T) {
	t.Parallel()
	for in, tok := range map[string]string{"Rapat #abc": "#abc", "Rapat 30j": "30j", "0 Rapat": "0"} {
		_, err := QuickReport(in)
		var e *Error
		if !errors.As(err, &e) || e.Token != tok {
			t.Errorf("QuickReport(%q) error %v, want Token %q", in, err, tok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want float64
	}{
		{"3", 3},
		{"0", 0}, // zero is a number; callers decide whether it is allowed
		{"2,5", 2.5},
		{"2.5", 2.5},
		{"0,25", 0.25},
		{"1.25", 1.25},
		{"1.2345", 1.2345}, // four digits after the dot: a decimal, not grouping
		{"1.250", 1250},
		{"12.500", 12500},
		{"1.250.000", 1250000},
		{"1.250,5", 1250.5}, // Indonesian: dots group, comma is the decimal mark
		{"1250,75", 1250.75},
		{" 7 ", 7},
		{",5", 0.5},
	}
	for _, tc := range good {
		got, ok := Number(tc.in)
		if !ok || got != tc.want {
			t.Errorf("Number(%q) = %v, %v; want %v, true", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{
		"", "  ", "abc", "2 5", ",", ".",
		"1,2,3",   // two decimal commas
		"-1",      // negative
		"1.2.3",   // dots that do not group thousands
		"1.25,5",  // bad grouping before the comma
		"1,250.5", // English grouping: ambiguous, refused rather than read as 1,2505
		"1,5.0",
		// strconv.ParseFloat accepts all of these; a quantity must not.
		"inf", "Inf", "+Inf", "Infinity", "NaN", "1e3", "+5", "1_000", "0x10", "٣",
	} {
		if got, ok := Number(in); ok {
			t.Errorf("Number(%q) = %v, true; want rejected", in, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-23", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"23-11-2026", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"3-5-2026", time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)},   // D-M-YYYY: 3 May, not 5 March
		{"03-05-2026", time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)}, // DD-MM-YYYY
		{"23/11/2026", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"3/5/2026", time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)},
		{"29-02-2028", time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)}, // leap year
		{" 2026-01-02\n", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"2000-01-01", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"31-12-2100", time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range good {
		got, ok := Date(tc.in)
		if !ok || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("Date(%q) = %v, %v; want %v, true", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{
		"", "garbage", "besok",
		"2026-02-30", "31-04-2026", "29-02-2026", "2026-13-01", "00-01-2026",
		"1999-12-31", "2101-01-01", "01-01-0001", // year out of range
		"2026/11/23", "23.11.2026", "23-11-26", "2026-1-5", "2026-11-23T10:00", "23 November 2026",
	} {
		if got, ok := Date(in); ok {
			t.Errorf("Date(%q) = %v, true; want rejected", in, got)
		}
	}
}

// renderQuick writes a parsed quick report back in its canonical form: quantity (comma decimal),
// target, duration in minutes, then the text. Without a quantity, the text never starts with a
// number-like word (the parser refuses or takes it), so the rendering cannot create one.
func renderQuick(q Report) string {
	var parts []string
	if q.Quantity > 0 {
		parts = append(parts, strings.Replace(strconv.FormatFloat(q.Quantity, 'f', -1, 64), ".", ",", 1))
	}
	if q.Target > 0 {
		parts = append(parts, "#"+strconv.Itoa(q.Target))
	}
	if q.Minutes > 0 {
		parts = append(parts, strconv.Itoa(q.Minutes)+"m")
	}
	return strings.Join(append(parts, q.Text), " ")
}

func TestParseQuickReportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range quickReportCases {
		got, err := QuickReport(renderQuick(tc.want))
		if err != nil || got != tc.want {
			t.Errorf("QuickReport(%q) = %+v, %v; want %+v", renderQuick(tc.want), got, err, tc.want)
		}
	}
}

func FuzzQuickReport(f *testing.F) {
	for _, tc := range quickReportCases {
		f.Add(tc.in)
	}
	for _, tc := range quickReportErrors {
		f.Add(tc.in)
	}
	for _, s := range []string{"1.250.000 berkas", "-1 berkas", "#", "1j90m Rapat", "99j99m x", "1,5.0 x", "inf x", "12345678 x", "-3 x #2", "1e308 x", "\uff13 x", "x 99999j", "x -5m", "NaN x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := Number(s); ok && (n < 0 || math.IsInf(n, 0) || math.IsNaN(n)) {
			t.Fatalf("Number(%q) = %v, true", s, n)
		}
		q, err := QuickReport(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Key == "" {
				t.Fatalf("QuickReport(%q): error %#v is not a refusal with a catalog key", s, err)
			}
			return
		}
		if q.Text == "" || strings.TrimSpace(q.Text) != q.Text {
			t.Fatalf("QuickReport(%q): text %q empty or not trimmed", s, q.Text)
		}
		if q.Quantity != 0 && !(q.Quantity > 0 && q.Quantity <= MaxQuantity) {
			t.Fatalf("QuickReport(%q): quantity %v", s, q.Quantity)
		}
		if q.Target < 0 {
			t.Fatalf("QuickReport(%q): target %d", s, q.Target)
		}
		if q.Minutes < 0 || q.Minutes > 24*60 {
			t.Fatalf("QuickReport(%q): minutes %d", s, q.Minutes)
		}
		if math.IsInf(q.Quantity, 0) || math.IsNaN(q.Quantity) || q.Quantity < 0 {
			t.Fatalf("QuickReport(%q): quantity %v not finite and positive", s, q.Quantity)
		}
		// Nothing that looks like a number or a duration is silently left in the text: without a
		// quantity, the text does not start with a number-like word, and no word of it is
		// written as a duration.
		words := strings.Fields(q.Text)
		if q.Quantity == 0 && numberLike.MatchString(words[0]) {
			t.Fatalf("QuickReport(%q): number-like %q left in the text %q", s, words[0], q.Text)
		}
		for _, w := range words {
			if durationLike.MatchString(w) {
				t.Fatalf("QuickReport(%q): duration-like %q left in the text %q", s, w, q.Text)
			}
		}
		// The text is made of the input's own words, in order.
		in := strings.Fields(s)
		for _, w := range words {
			i := slices.Index(in, w)
			if i < 0 {
				t.Fatalf("QuickReport(%q): text word %q not in the input", s, w)
			}
			in = in[i+1:]
		}
		// The canonical rendering parses back to the same report.
		r := renderQuick(q)
		q2, err := QuickReport(r)
		if err != nil || q2 != q {
			t.Fatalf("QuickReport(%q) = %+v, rendered %q, re-parsed %+v, %v", s, q, r, q2, err)
		}
	})
}
