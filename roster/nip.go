// Package roster reads and checks the personnel list that a BKPPD operator imports with
// `lapkin import`: who works where, under whom, with which phone number and role.
//
// It only parses and validates; it knows no database. Read turns a CSV or XLSX file into rows as
// written, Validate normalises them and reports every problem at once, one FieldError per bad
// cell, so that an operator can fix a spreadsheet in one pass and nothing is imported from a file
// with mistakes. Messages for the operator come from the catalog (roster.id.toml, roster.en.toml).
package roster

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// NIP is a validated Nomor Induk Pegawai, the 18-digit number every civil servant carries for
// life: birth date (YYYYMMDD), appointment (YYYYMM), sex (1 or 2) and a 3-digit sequence. Keeping
// the decoded parts lets the rest of Lapkin use them (for example the appointment month) without
// parsing the number again.
type NIP struct {
	// Raw is the 18 digits, without the spaces or dots people type for readability.
	Raw string
	// Birth is the birth date, at midnight UTC.
	Birth time.Time
	// Appointed is the first day of the appointment month (TMT CPNS), at midnight UTC.
	Appointed time.Time
	// Sex is 1 for male and 2 for female, as coded in the NIP.
	Sex int
	// Seq is the sequence number among people with the same birth date, appointment and sex.
	Seq int
}

// The bounds below are deliberately lenient: they reject typing mistakes (a swapped digit making
// a birth year 1895 or an appointment at age 8) without rejecting a real, unusual career.
const (
	minBirthYear     = 1940
	maxBirthYear     = 2010
	minAppointedYear = 1960
	// minAppointedAge is lower than the legal minimum of 18 for a CPNS so that a NIP whose birth
	// and appointment are in the "wrong" order by a year or two of rounding still passes.
	minAppointedAge = 15
)

// scientific matches a number that Excel (or a CSV exported from it) wrote in scientific
// notation, such as "1.98503E+17": the NIP was stored as a number and its last digits are lost.
var scientific = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+$`)

// ParseNIP checks s as a NIP and decodes it. Spaces, dots and hyphens inside are accepted and
// removed, because NIPs are commonly written grouped ("19850312 201001 1 003"), and a leading
// apostrophe, which people type in spreadsheets to keep a number as text, is ignored.
//
// A problem is returned as a *FieldError (without line or column) whose Key says which part of
// the number is wrong, so that the operator is told "the birth date is not a date" rather than
// just "invalid NIP". Its Args hold Value, the NIP as given.
func ParseNIP(s string) (NIP, error) {
	given := strings.TrimSpace(s)
	fail := func(key string, extra ...any) (NIP, error) {
		args := map[string]any{"Value": given}
		for i := 0; i+1 < len(extra); i += 2 {
			args[extra[i].(string)] = extra[i+1]
		}
		return NIP{}, &FieldError{Key: key, Args: args}
	}
	if given == "" {
		return fail(keyNIPEmpty)
	}
	if scientific.MatchString(given) {
		return fail(keyNIPScientific)
	}
	digits := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimPrefix(given, "'"))
	for _, r := range digits {
		if r < '0' || r > '9' {
			return fail(keyNIPChars)
		}
	}
	if len(digits) != 18 {
		return fail(keyNIPLength, "Count", len(digits))
	}
	num := func(from, to int) int {
		n, _ := strconv.Atoi(digits[from:to]) // only digits, checked above
		return n
	}
	by, bm, bd := num(0, 4), num(4, 6), num(6, 8)
	if by < minBirthYear || by > maxBirthYear {
		return fail(keyNIPBirthYear, "Year", by)
	}
	birth := time.Date(by, time.Month(bm), bd, 0, 0, 0, 0, time.UTC)
	if birth.Year() != by || int(birth.Month()) != bm || birth.Day() != bd {
		return fail(keyNIPBirthDate, "Date", digits[0:8])
	}
	ay, am := num(8, 12), num(12, 14)
	if am < 1 || am > 12 {
		return fail(keyNIPAppointedMonth, "Month", digits[12:14])
	}
	if ay < minAppointedYear {
		return fail(keyNIPAppointedYear, "Year", ay)
	}
	if ay < by+minAppointedAge {
		return fail(keyNIPAppointedAge, "Year", ay, "BirthYear", by)
	}
	sex := num(14, 15)
	if sex != 1 && sex != 2 {
		return fail(keyNIPSex, "Digit", digits[14:15])
	}
	seq := num(15, 18)
	if seq == 0 {
		return fail(keyNIPSeq)
	}
	return NIP{
		Raw:       digits,
		Birth:     birth,
		Appointed: time.Date(ay, time.Month(am), 1, 0, 0, 0, 0, time.UTC),
		Sex:       sex,
		Seq:       seq,
	}, nil
}

// String returns the 18 digits, so that a NIP prints as people look it up.
func (n NIP) String() string { return n.Raw }
