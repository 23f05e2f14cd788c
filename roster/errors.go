package roster

import (
	"fmt"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
)

// FieldError is one problem in a roster file, precise enough for a BKPPD operator to find and fix
// the cell in their spreadsheet: the line, the column and a catalog key saying what is wrong.
//
// Line is the 1-based line (or spreadsheet row) in the file, counting the header, so it matches
// the row number Excel shows; it is 0 for a problem of the whole file or of a value given outside
// a file (ParseNIP, NormalizePhone). Column is the header name (for example "nip" or
// "atasan_nip"), empty for a problem of a whole row or file. Key is a message key in
// catalog/locales/roster.*.toml and Args its template data; every message reads Value (the cell
// as written) and may read more, while Line and Column are added by Message.
type FieldError struct {
	Line   int
	Column string
	Key    string
	Args   map[string]any
}

// Error renders the problem in plain English without the catalog, for logs and for callers that
// do not localise; the operator should see Message instead.
func (e *FieldError) Error() string {
	var b strings.Builder
	switch {
	case e.Line > 0 && e.Column != "":
		fmt.Fprintf(&b, "row %d, column %s: ", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, "row %d: ", e.Line)
	case e.Column != "":
		fmt.Fprintf(&b, "column %s: ", e.Column)
	}
	reason, ok := reasons[e.Key]
	if !ok {
		reason = e.Key
	}
	b.WriteString(reason)
	if v, ok := e.Args["Value"]; ok {
		fmt.Fprintf(&b, " (value %q)", fmt.Sprint(v))
	}
	if fl, ok := e.Args["FirstLine"]; ok {
		fmt.Fprintf(&b, " (first at row %v)", fl)
	}
	return b.String()
}

// Message renders the problem in lang from the catalog, including the row and column, as one line
// for the operator running `lapkin import`.
func (e *FieldError) Message(c *catalog.Catalog, lang string) string {
	args := catalog.Args{}
	for k, v := range e.Args {
		args[k] = v
	}
	args["Line"] = e.Line
	args["Column"] = e.Column
	return c.T(lang, e.Key, args)
}

// with returns a copy of e placed at line and column, so that the errors of ParseNIP and
// NormalizePhone, which know no position, can be reported where the value was found.
func (e *FieldError) with(line int, column string) *FieldError {
	c := *e
	c.Line, c.Column = line, column
	return &c
}

// Errors is every problem found in a roster. Read and Validate report them all at once rather
// than stopping at the first, so that an operator fixes a file in one pass instead of one
// `lapkin import` per mistake.
type Errors []*FieldError

// Error renders every problem in plain English, one per line.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, fe := range e {
		lines[i] = fe.Error()
	}
	return strings.Join(lines, "\n")
}

// reasons are the English fallbacks of Error, one per catalog key this package emits. They are
// short on purpose: the full, localised text with its advice lives in the catalog.
var reasons = map[string]string{
	keyFormat:          "unsupported file format, use .csv or .xlsx",
	keyFileEmpty:       "the file is empty, there is no header row",
	keyNoRows:          "the roster has no data rows",
	keyCSVSyntax:       "the CSV cannot be parsed",
	keyXLSXUnreadable:  "the Excel file cannot be opened",
	keyHeaderMissing:   "required column missing from the header",
	keyHeaderUnknown:   "unknown column in the header",
	keyHeaderDuplicate: "column appears twice in the header",
	keyRowFields:       "the row has more cells than the header",
	keyMixedEncoding:   "the file mixes two text encodings; this row is not in the encoding of the others",
	keyTooManyRows:     "the roster has more rows than the limit ([roster] max_rows)",
	keyCallNameLong:    "the call name (sapaan) is too long",

	keyNIPEmpty:          "NIP is empty",
	keyNIPScientific:     "NIP was stored as a number and shows in scientific notation; format the column as text",
	keyNIPChars:          "NIP may contain only digits",
	keyNIPLength:         "NIP must have 18 digits",
	keyNIPBirthDate:      "NIP birth date (digits 1-8) is not a calendar date",
	keyNIPBirthYear:      "NIP birth year (digits 1-4) must be between 1940 and 2010",
	keyNIPAppointedMonth: "NIP appointment month (digits 13-14) must be 01 to 12",
	keyNIPAppointedYear:  "NIP appointment year (digits 9-12) must be 1960 or later",
	keyNIPAppointedAge:   "NIP appointment year is less than 15 years after the birth year",
	keyNIPSex:            "NIP sex digit (digit 15) must be 1 or 2",
	keyNIPSeq:            "NIP sequence number (digits 16-18) must be 001 to 999",
	keyNIPDuplicate:      "NIP already appears in an earlier row",
	keyNameEmpty:         "name is empty",
	keyOPDCodeEmpty:      "OPD code is empty",
	keyOPDCodeFormat:     "OPD code must be 2 to 20 capital letters, digits or hyphens",
	keyOPDNameEmpty:      "OPD name is empty",
	keyOPDNameConflict:   "the same OPD code has a different OPD name in an earlier row",
	keyWorkDays:          "working days must be 5 or 6",
	keyWorkDaysConflict:  "the same OPD code has different working days in an earlier row",
	keyStartDate:         "start date (mulai) must be a date YYYY-MM-DD or DD-MM-YYYY",
	keyPhoneEmpty:        "phone number is empty",
	keyPhoneChars:        "phone number may contain only digits, spaces, hyphens, dots, brackets and a leading +",
	keyPhoneLength:       "phone number must have 10 to 15 digits in the 62 form",
	keyPhoneNotMobile:    "phone number is not an Indonesian mobile number (62 8…)",
	keyPhoneDuplicate:    "phone number already appears in an earlier row",
	keyPhoneTaken:        "phone number already belongs to another employee in the database",
	keyEmailInvalid:      "e-mail address is not valid",
	keyEmailDuplicate:    "e-mail address already appears in an earlier row",
	keyEmailTaken:        "e-mail address already belongs to another employee in the database",
	keyRoleEmpty:         "role is empty",
	keyRoleInvalid:       "role must be asn, kepala or admin",
	keyEselonInvalid:     "eselon must be I to IV with an optional a/b, or empty / non / -",
	keySupervisorSelf:    "supervisor NIP is the employee's own NIP",
	keySupervisorUnknown: "supervisor NIP is neither in this file nor already registered",
	keySupervisorCycle:   "supervisors form a loop",
}

// Catalog keys emitted by this package, all defined in catalog/locales/roster.*.toml.
const (
	keyFormat          = "roster.format"
	keyFileEmpty       = "roster.file_empty"
	keyNoRows          = "roster.no_rows"
	keyCSVSyntax       = "roster.csv_syntax"
	keyXLSXUnreadable  = "roster.xlsx_unreadable"
	keyHeaderMissing   = "roster.header_missing"
	keyHeaderUnknown   = "roster.header_unknown"
	keyHeaderDuplicate = "roster.header_duplicate"
	keyRowFields       = "roster.row_fields"
	keyMixedEncoding   = "roster.mixed_encoding"
	keyTooManyRows     = "roster.too_many_rows"
	keyCallNameLong    = "roster.call_name_long"

	keyNIPEmpty          = "roster.nip_empty"
	keyNIPScientific     = "roster.nip_scientific"
	keyNIPChars          = "roster.nip_chars"
	keyNIPLength         = "roster.nip_length"
	keyNIPBirthDate      = "roster.nip_birth_date"
	keyNIPBirthYear      = "roster.nip_birth_year"
	keyNIPAppointedMonth = "roster.nip_appointed_month"
	keyNIPAppointedYear  = "roster.nip_appointed_year"
	keyNIPAppointedAge   = "roster.nip_appointed_age"
	keyNIPSex            = "roster.nip_sex"
	keyNIPSeq            = "roster.nip_seq"
	keyNIPDuplicate      = "roster.nip_duplicate"

	keyNameEmpty        = "roster.name_empty"
	keyOPDCodeEmpty     = "roster.opd_code_empty"
	keyOPDCodeFormat    = "roster.opd_code_format"
	keyOPDNameEmpty     = "roster.opd_name_empty"
	keyOPDNameConflict  = "roster.opd_name_conflict"
	keyWorkDays         = "roster.work_days"
	keyWorkDaysConflict = "roster.work_days_conflict"
	keyStartDate        = "roster.start_date"

	keyPhoneEmpty     = "roster.phone_empty"
	keyPhoneChars     = "roster.phone_chars"
	keyPhoneLength    = "roster.phone_length"
	keyPhoneNotMobile = "roster.phone_not_mobile"
	keyPhoneDuplicate = "roster.phone_duplicate"
	keyPhoneTaken     = "roster.phone_taken"
	keyEmailInvalid   = "roster.email_invalid"
	keyEmailDuplicate = "roster.email_duplicate"
	keyEmailTaken     = "roster.email_taken"

	keyRoleEmpty     = "roster.role_empty"
	keyRoleInvalid   = "roster.role_invalid"
	keyEselonInvalid = "roster.eselon_invalid"

	keySupervisorSelf    = "roster.supervisor_self"
	keySupervisorUnknown = "roster.supervisor_unknown"
	keySupervisorCycle   = "roster.supervisor_cycle"
)
