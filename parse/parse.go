// Package parse reads what people type where a number, a date or the quick form of /lapor is
// expected. It depends on nothing of Lapkin's, so its fuzz tests build in seconds (a fuzz build
// instruments every package linked in, and flows links SQLite); flows turns its refusals into
// replies.
package parse

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Report is the parsed quick form of /lapor: "/lapor 3 Verifikasi SPJ #2 90m".
type Report struct {
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

// Number reads a quantity written the Indonesian way ("2,5") or with a dot ("2.5"). A dot
// followed by exactly three digits is a thousands separator ("1.250").
func Number(s string) (float64, bool) {
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

// Quantity reads a reported quantity: a number as Number reads it, more than 0 and at
// most MaxQuantity. The quick form and the guided /lapor share it, so both accept the same.
func Quantity(s string) (float64, bool) {
	f, ok := Number(s)
	if !ok || !(f > 0) || f > MaxQuantity {
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
		h, ok := Number(m[1])
		if !ok {
			return 0, false
		}
		return int(h*60 + 0.5), true
	}
	return 0, false
}

// Error is a refusal: Key names the catalog message that explains it, Token the word refused
// (empty when the refusal is about the whole text).
type Error struct {
	Key   string
	Token string
}

func (e *Error) Error() string { return "invalid: " + e.Key + " " + e.Token }

func refuse(key, token string) error { return &Error{Key: key, Token: token} }

// MaxQuantity bounds a reported quantity: a larger number is a typing mistake, not a day's work.
const MaxQuantity = 100000

// QuickReport reads the text after /lapor. A "#n" token is the target, a duration token ("90m",
// "2j", "1j30m") the effective minutes; of the other words, the first is the quantity when it is
// written as a number; the rest is what was done.
//
// A quantity is digits with an optional Indonesian decimal comma ("2,5"); a dot before exactly
// three digits groups thousands ("1.250" is one thousand two hundred fifty), any other dot is a
// decimal point ("2.5"). It is more than 0 and at most MaxQuantity. Nothing is guessed: a first word
// that looks like a number but is none of these ("-3", "2,5,3", "1e308", "NaN", a full-width "３"),
// and any word that looks like a duration but is not a valid one ("-5m", "99999j"), is refused
// with the right form rather than kept as text.
func QuickReport(s string) (Report, error) {
	var q Report
	toks := strings.Fields(s)
	var text []string
	for _, tok := range toks {
		if m := targetToken.FindStringSubmatch(tok); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n == 0 {
				return q, refuse("report.bad_target", tok)
			}
			if q.Target != 0 {
				return q, refuse("report.two_targets", "")
			}
			q.Target = n
			continue
		}
		if strings.HasPrefix(tok, "#") && len(tok) > 1 {
			return q, refuse("report.bad_target", tok)
		}
		if min, ok := parseDuration(tok); ok {
			if q.Minutes != 0 {
				return q, refuse("report.two_durations", "")
			}
			if min <= 0 || min > 24*60 {
				return q, refuse("report.bad_duration", tok)
			}
			q.Minutes = min
			continue
		}
		if durationLike.MatchString(tok) {
			return q, refuse("report.bad_duration", tok)
		}
		if len(text) == 0 && q.Quantity == 0 && numberLike.MatchString(tok) {
			f, ok := Quantity(tok)
			if !ok {
				return q, refuse("report.bad_quantity", tok)
			}
			q.Quantity = f
			continue
		}
		text = append(text, tok)
	}
	q.Text = strings.Join(text, " ")
	if q.Text == "" {
		return q, refuse("report.empty_text", "")
	}
	return q, nil
}

// Date reads a date as YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY and returns it at midnight UTC (a
// civil date, not an instant).
func Date(s string) (time.Time, bool) {
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
