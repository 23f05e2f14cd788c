package flows

import (
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Numbers are written the Indonesian way in both languages (SPEC: "82,5%", "1.250"): the figures of
// an evaluation must read the same whoever looks at them.
var numPrinter = message.NewPrinter(language.Indonesian)

// FormatNumber writes f with a thousands dot and at most one decimal after a comma: 1250 -> "1.250",
// 82.5 -> "82,5", 3.04 -> "3".
func FormatNumber(f float64) string {
	r := math.Round(f*10) / 10
	if math.Abs(r) < 1e15 {
		return formatNumberFast(r)
	}
	if r == math.Trunc(r) {
		// %.0f, not int64(r): an infinite or huge value would overflow into a negative number;
		// r+0 turns -0 into 0.
		return numPrinter.Sprintf("%.0f", r+0)
	}
	return numPrinter.Sprintf("%.1f", r)
}

// formatNumberFast is what numPrinter writes for r (rounded to one decimal, |r| < 1e15), without
// its per-call formatting machinery: a city's evaluation writes a million numbers.
func formatNumberFast(r float64) string {
	var s string
	if r == math.Trunc(r) {
		s = strconv.FormatFloat(r+0, 'f', 0, 64) // r+0: no "-0"
	} else {
		s = strconv.FormatFloat(r, 'f', 1, 64)
	}
	var b [32]byte
	out := b[:0]
	if s[0] == '-' {
		out = append(out, '-')
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, whole[i])
	}
	if frac != "" {
		out = append(out, ',')
		out = append(out, frac...)
	}
	return string(out)
}

// FormatPercent writes f as a percentage: "82,5%".
func FormatPercent(f float64) string { return FormatNumber(f) + "%" }

var (
	monthsID = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	monthsEN = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	daysID   = []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	daysEN   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// FormatDate writes a date as "23 Nov 2026" (Indonesian and English month abbreviations agree
// except for Mei/May, Agu/Aug, Okt/Oct, Des/Dec).
func FormatDate(lang string, d time.Time) string {
	m := monthName(lang, d.Month())
	if len(m) > 3 {
		m = m[:3]
	}
	return itoa(d.Day()) + " " + m + " " + itoa(d.Year())
}

// FormatLongDate writes a date as "Senin, 23 November 2026".
func FormatLongDate(lang string, d time.Time) string {
	return dayName(lang, d.Weekday()) + ", " + itoa(d.Day()) + " " + monthName(lang, d.Month()) + " " + itoa(d.Year())
}

// FormatShortDay writes a date as "Sen, 23 Nov", for lists.
func FormatShortDay(lang string, d time.Time) string {
	return dayAbbrev(lang, d.Weekday()) + ", " + itoa(d.Day()) + " " + monthName(lang, d.Month())[:3]
}

// FormatTime writes a time of day as "14.00" (Indonesian) or "14:00" (English).
func FormatTime(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("15:04")
	}
	return t.Format("15.04")
}

// dayAbbrev is a weekday in three letters: "Sen", "Mon".
func dayAbbrev(lang string, d time.Weekday) string { return dayName(lang, d)[:3] }

func monthName(lang string, m time.Month) string {
	if lang == "en" {
		return monthsEN[m-1]
	}
	return monthsID[m-1]
}

func dayName(lang string, d time.Weekday) string {
	if lang == "en" {
		return daysEN[d]
	}
	return daysID[d]
}

// itoa writes n without grouping: days and years are never "2.026".
func itoa(n int) string { return strconv.Itoa(n) }

// FormatMinutes writes a duration in minutes as "1 j 30 mnt" / "1 h 30 min".
func FormatMinutes(lang string, m int) string {
	h, mm := m/60, m%60
	hu, mu := "j", "mnt"
	if lang == "en" {
		hu, mu = "h", "min"
	}
	var parts []string
	if h > 0 {
		parts = append(parts, itoa(h)+" "+hu)
	}
	if mm > 0 || h == 0 {
		parts = append(parts, itoa(mm)+" "+mu)
	}
	return strings.Join(parts, " ")
}

// joinNames joins a list of people's names with semicolons: names carry commas of their own
// ("Hj. Nurhayati Lubis, S.Sos., M.Si."), so a comma between them would be ambiguous.
func joinNames(names []string) string { return strings.Join(names, "; ") }
