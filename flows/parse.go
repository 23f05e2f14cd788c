package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
)

// QuickReport is the parsed quick form of /lapor: "/lapor 3 Verifikasi SPJ #2 90m".
type QuickReport struct {
	Text     string
	Quantity float64 // 0 when none was given
	Target   int     // the target's number (#2), 0 when none
	Minutes  int     // effective minutes, 0 when none
}

var (
	targetToken = regexp.MustCompile(`^#(\d{1,3})$`)
	// Durations: 90m, 90mnt, 90menit, 2j, 2jam, 1,5j, 2h, 1j30m.
	durMinutes = regexp.MustCompile(`^(\d{1,4})(m|mnt|menit|min)$`)
	durHours   = regexp.MustCompile(`^(\d{1,2}(?:[.,]\d{1,2})?)(j|jam|h)$`)
	durBoth    = regexp.MustCompile(`^(\d{1,2})(?:j|jam|h)(\d{1,2})(?:m|mnt|menit|min)?$`)
	thousands  = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)
	// numberLike matches a token written as a number, valid or not: digits of any script (a
	// full-width ３ too), separators, a sign, an exponent, or NaN/Inf. Such a token where the
	// quantity goes must be a valid quantity; it is never left in the text.
	numberLike = regexp.MustCompile(`^[+\-\x{2212}]?(?:[\p{Nd}.,]*\p{Nd}[\p{Nd}.,]*(?:[eE][+\-]?\p{Nd}*)?|(?i:nan|inf|infinity))$`)
	// durationLike matches a token written as a duration, valid or not ("-5m", "99999j", "2,5m").
	durationLike = regexp.MustCompile(`(?i)^[+\-\x{2212}]?[.,]?\p{Nd}[\p{Nd}.,]*(?:(?:j|jam|h)\p{Nd}*)?(?:m|mnt|menit|min|j|jam|h)$`)
)

// ParseNumber reads a quantity written the Indonesian way ("2,5") or with a dot ("2.5"). A dot
// followed by exactly three digits is a thousands separator ("1.250").
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	// Digits and separators only: strconv.ParseFloat would also take "inf", "1e3", "+5", "1_000".
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return 0, false
	}
	switch {
	case strings.Contains(s, ","):
		// "1.250,5": dots group thousands, the comma is the decimal mark. Anything else around a
		// comma ("1,250.5", "1.25,5", "1,2,3") is ambiguous and rejected.
		whole, frac, _ := strings.Cut(s, ",")
		if strings.ContainsAny(frac, ".,") || (strings.Contains(whole, ".") && !thousands.MatchString(whole)) {
			return 0, false
		}
		s = strings.ReplaceAll(whole, ".", "") + "." + frac
	case thousands.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != f {
		return 0, false
	}
	return f, true
}

// ParseQuantity reads a reported quantity: a number as ParseNumber reads it, more than 0 and at
// most maxQuantity. The quick form and the guided /lapor share it, so both accept the same.
func ParseQuantity(s string) (float64, bool) {
	f, ok := ParseNumber(s)
	if !ok || !(f > 0) || f > maxQuantity {
		return 0, false
	}
	return f, true
}

// parseDuration reads one duration token into minutes.
func parseDuration(tok string) (int, bool) {
	tok = strings.ToLower(tok)
	if m := durBoth.FindStringSubmatch(tok); m != nil {
		h, _ := strconv.Atoi(m[1])
		mm, _ := strconv.Atoi(m[2])
		return h*60 + mm, true
	}
	if m := durMinutes.FindStringSubmatch(tok); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, true
	}
	if m := durHours.FindStringSubmatch(tok); m != nil {
		h, ok := ParseNumber(m[1])
		if !ok {
			return 0, false
		}
		return int(h*60 + 0.5), true
	}
	return 0, false
}

// maxQuantity bounds a reported quantity: a larger number is a typing mistake, not a day's work.
const maxQuantity = 100000

// ParseQuickReport reads the text after /lapor. A "#n" token is the target, a duration token ("90m",
// "2j", "1j30m") the effective minutes; of the other words, the first is the quantity when it is
// written as a number; the rest is what was done.
//
// A quantity is digits with an optional Indonesian decimal comma ("2,5"); a dot before exactly
// three digits groups thousands ("1.250" is one thousand two hundred fifty), any other dot is a
// decimal point ("2.5"). It is more than 0 and at most maxQuantity. Nothing is guessed: a first word
// that looks like a number but is none of these ("-3", "2,5,3", "1e308", "NaN", a full-width "３"),
// and any word that looks like a duration but is not a valid one ("-5m", "99999j"), is refused
// with the right form rather than kept as text.
func ParseQuickReport(s string) (QuickReport, error) {
	var q QuickReport
	toks := strings.Fields(s)
	var text []string
	for _, tok := range toks {
		if m := targetToken.FindStringSubmatch(tok); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n == 0 {
				return q, invalid("report.bad_target", catalog.Args{"Token": tok})
			}
			if q.Target != 0 {
				return q, invalid("report.two_targets", nil)
			}
			q.Target = n
			continue
		}
		if strings.HasPrefix(tok, "#") && len(tok) > 1 {
			return q, invalid("report.bad_target", catalog.Args{"Token": tok})
		}
		if min, ok := parseDuration(tok); ok {
			if q.Minutes != 0 {
				return q, invalid("report.two_durations", nil)
			}
			if min <= 0 || min > 24*60 {
				return q, invalid("report.bad_duration", catalog.Args{"Token": tok})
			}
			q.Minutes = min
			continue
		}
		if durationLike.MatchString(tok) {
			return q, invalid("report.bad_duration", catalog.Args{"Token": tok})
		}
		if len(text) == 0 && q.Quantity == 0 && numberLike.MatchString(tok) {
			f, ok := ParseQuantity(tok)
			if !ok {
				return q, invalid("report.bad_quantity", catalog.Args{"Token": tok})
			}
			q.Quantity = f
			continue
		}
		text = append(text, tok)
	}
	q.Text = strings.Join(text, " ")
	if q.Text == "" {
		return q, invalid("report.empty_text", nil)
	}
	return q, nil
}

// ParseDate reads a date as YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY and returns it at midnight UTC (a
// civil date, not an instant).
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 2000 || t.Year() > 2100 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}
