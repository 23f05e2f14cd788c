package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/lapkin-id/lapkin/sanitize"
)

// Column names of the roster header, as SPEC.md "Roster columns" defines them.
const (
	colNIP        = "nip"
	colName       = "nama"
	colPosition   = "jabatan"
	colEselon     = "eselon"
	colOPDCode    = "opd_kode"
	colOPDName    = "opd_nama"
	colPhone      = "telepon"
	colRole       = "peran"
	colSupervisor = "atasan_nip"
	colWorkDays   = "hari_kerja"
	colStart      = "mulai"
	colCallName   = "sapaan"
	colEmail      = "email"
)

// columns lists every accepted column, the required ones first, in the order SPEC.md gives; the
// order also sorts the problems of one row as the operator reads the spreadsheet.
var columns = []string{colNIP, colName, colPosition, colEselon, colOPDCode, colOPDName, colPhone, colRole, colSupervisor, colWorkDays, colStart, colCallName, colEmail}

// required is how many leading entries of columns must be present in a header.
const required = 9

// Row is one person of the roster as written in the file, before Validate normalises it. Keeping
// the text as written lets Validate quote the operator's own cell back in its messages.
type Row struct {
	// Line is the 1-based line of the row in the file, counting the header, so the first data row
	// right below the header is line 2; it is the row number the operator sees in Excel.
	Line int
	// NIP is the 18-digit civil-servant number.
	NIP string
	// Name is the person's full name, with titles (nama).
	Name string
	// Position is the job title (jabatan).
	Position string
	// Eselon is the structural rank, "I.a" to "IV.b" or empty for none.
	Eselon string
	// OPDCode is the short code of the agency (opd_kode), such as "DINKES".
	OPDCode string
	// OPDName is the agency's full name (opd_nama).
	OPDName string
	// Phone is the mobile number (telepon); Validate turns it into the 62… form.
	Phone string
	// Role is asn, kepala or admin (peran).
	Role string
	// SupervisorNIP is the NIP of the person who approves this person's contract (atasan_nip);
	// empty for the top of the hierarchy.
	SupervisorNIP string
	// WorkDays is the OPD's working week, 5 or 6 (hari_kerja); 0 when the column is absent or the
	// cell empty, and -1 when the cell holds no whole number.
	WorkDays int

	// StartDate is the TMT (mulai): the day the person started in this position, from which their
	// reporting compliance counts. Read keeps it as written; Validate turns YYYY-MM-DD, DD-MM-YYYY
	// or DD/MM/YYYY into YYYY-MM-DD. Empty when the column is absent or the cell empty.
	StartDate string

	// CallName is how the person wishes to be addressed (sapaan): "Ibu Luh", "Made", "Pak Haji";
	// empty keeps what an earlier import set, "-" clears it. Without it the greeting is made from
	// the name (a Balinese "Ni Luh Putu …" is "Ibu Ni Luh").
	CallName string

	// Email is the address the person writes from (email, issue 23): the e-mail network names a
	// sender by it. Validate lower-cases it; empty keeps what an earlier import set, "-" clears it.
	Email string

	// workDays is the hari_kerja cell as written, so that an invalid value is quoted as typed.
	workDays string
}

// record is one line of a file, its cells as text, before the header gives them meaning.
type record struct {
	line  int
	cells []string
}

// Read reads a roster in format "csv" or "xlsx" (the first sheet of the workbook).
//
// The header row may list the columns in any order, in any case, with surrounding spaces (and
// with a space or hyphen for the underscore, as people retype "opd kode"). The required columns
// are nip, nama, jabatan, eselon, opd_kode, opd_nama, telepon, peran and atasan_nip; hari_kerja,
// mulai, sapaan and email are optional. An unknown column is an error rather than ignored, because it is usually a misspelt
// required one whose data would otherwise be lost silently.
//
// CSV may start with a byte-order mark (Excel's "CSV UTF-8") and may be UTF-16 (Excel's "Unicode
// Text") or, when it is not valid UTF-8, Windows-1252 (Excel's plain "CSV" on Windows). The
// delimiter is detected from the header line: comma, semicolon (Excel with Indonesian regional
// settings, where the comma is the decimal separator) or tab. Quotes follow RFC 4180 strictly, so
// that an unbalanced quote is reported at its line rather than swallowing the rows after it.
//
// Blank lines are skipped but counted, so Row.Line stays the line the operator sees. Cells are
// trimmed; everything else is left as written for Validate.
//
// Problems with the file's shape (format, header, a row with more cells than the header, CSV
// syntax) are returned together as Errors; I/O failures are returned wrapped. Read does not
// complain about a header without data rows: Validate does.
func Read(r io.Reader, format string) ([]Row, error) { return ReadMax(r, format, DefaultMaxRows) }

// DefaultMaxRows is how many data rows a roster may have unless the config says otherwise
// ([roster] max_rows): five times the civil service of the largest Indonesian city.
const DefaultMaxRows = 100_000

// maxRowBytes bounds the bytes read per allowed row of a CSV (a row of the roster is a few hundred
// bytes), so that a file far larger than any roster is refused before it is all in memory.
const maxRowBytes = 4096

// ReadMax is Read refusing a roster of more than maxRows data rows (issue 26, item 4): a file of a
// million rows by mistake, or on purpose, is refused by what was read of it, rather than read,
// validated and held whole in memory first.
func ReadMax(r io.Reader, format string, maxRows int) ([]Row, error) {
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	var recs []record
	var err error
	switch f := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(format), ".")); f {
	case "csv":
		recs, err = readCSV(r, maxRows)
	case "xlsx":
		recs, err = readXLSX(r, maxRows)
	default:
		return nil, Errors{{Key: keyFormat, Args: map[string]any{"Value": format}}}
	}
	if err != nil {
		return nil, err
	}
	return rowsOf(recs)
}

// ReadFile reads the roster at path, choosing the format by the extension .csv or .xlsx (in any
// case). Other extensions, including the old binary .xls, are an error: excelize cannot read
// .xls, and the operator can save the sheet again as .xlsx.
func ReadFile(path string) ([]Row, error) { return ReadFileMax(path, DefaultMaxRows) }

// ReadFileMax is ReadFile with ReadMax's bound on the rows.
func ReadFileMax(path string, maxRows int) ([]Row, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".csv" && ext != ".xlsx" {
		return nil, Errors{{Key: keyFormat, Args: map[string]any{"Value": filepath.Base(path)}}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open roster: %w", err)
	}
	defer f.Close()
	return ReadMax(f, ext, maxRows)
}

// tooMany is the error of a roster over maxRows data rows.
func tooMany(maxRows int) Errors {
	return Errors{{Key: keyTooManyRows, Args: map[string]any{"Value": "", "Max": maxRows}}}
}

// readCSV decodes the text and splits it into records with the detected delimiter.
func readCSV(r io.Reader, maxRows int) ([]record, error) {
	limit := int64(maxRows+1)*maxRowBytes + 1<<20
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read roster: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, tooMany(maxRows)
	}
	if fe := mixedEncoding(data); fe != nil {
		return nil, Errors{fe}
	}
	text := decodeText(data)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delimiter(text)
	cr.FieldsPerRecord = -1 // a short or long row is judged against the header in rowsOf
	// Allows `a, "b, c"`; with tabs it would swallow empty cells, as the tab is white space.
	cr.TrimLeadingSpace = cr.Comma != '\t'
	var recs []record
	n := 0
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			return nil, Errors{{Line: pe.Line, Key: keyCSVSyntax, Args: map[string]any{"Value": "", "Detail": pe.Err.Error()}}}
		}
		if err != nil {
			return nil, fmt.Errorf("read roster: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if !blank(cells) {
			if n++; n > maxRows+1 { // the header and maxRows rows
				return nil, tooMany(maxRows)
			}
		}
		recs = append(recs, record{line: line, cells: cells})
	}
}

// decodeText returns data as UTF-8 text without a byte-order mark, whichever of the encodings
// Excel saves CSV in it was written with.
func decodeText(data []byte) string {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		if out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data); err == nil {
			return string(out)
		}
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(data) {
		if out, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			return string(out)
		}
	}
	return string(data)
}

// mixedEncoding finds a file whose rows were written in two encodings: some lines hold UTF-8
// beyond ASCII ("Ni Luh Putu Ayu Kadék") and others bytes that are not UTF-8 (the same name typed
// in a Windows-1252 editor and pasted in). Decoding the file as either would garble the rows of
// the other silently — a name wrong in every chat and export — so it is refused, naming the first
// line of the rarer kind, which is the one to fix (issue 26, item 5). A file in one encoding, or
// UTF-16 (which has its own byte-order mark), is not mixed.
func mixedEncoding(data []byte) *FieldError {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || utf8.Valid(data) {
		return nil
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	var utf8Lines, otherLines []int
	for i, line := range bytes.Split(data, []byte("\n")) {
		switch {
		case !utf8.Valid(line):
			otherLines = append(otherLines, i+1)
		case !isASCII(line):
			utf8Lines = append(utf8Lines, i+1)
		}
	}
	if len(utf8Lines) == 0 {
		return nil // Windows-1252 throughout: decodeText reads it so
	}
	odd, n, kind, other := otherLines[0], len(otherLines), "Windows-1252", "UTF-8"
	if len(utf8Lines) < len(otherLines) {
		odd, n, kind, other = utf8Lines[0], len(utf8Lines), "UTF-8", "Windows-1252"
	}
	return &FieldError{Line: odd, Key: keyMixedEncoding, Args: map[string]any{"Value": "", "Kind": kind, "Other": other, "Count": n}}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// delimiter guesses the CSV delimiter from the first non-blank line, the header: whichever of
// semicolon or tab occurs more often than the comma there, else the comma. The header names
// contain none of them, so the count is the number of columns less one.
func delimiter(text string) rune {
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		comma, semi, tab := strings.Count(line, ","), strings.Count(line, ";"), strings.Count(line, "\t")
		switch {
		case semi > comma && semi >= tab:
			return ';'
		case tab > comma && tab > semi:
			return '\t'
		}
		return ','
	}
	return ','
}

// readXLSX returns the rows of the workbook's first sheet as text. Numbers come back as excelize
// formats them; an 18-digit NIP stored as a number comes back in scientific notation, which
// ParseNIP recognises and explains.
func readXLSX(r io.Reader, maxRows int) ([]record, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, Errors{{Key: keyXLSXUnreadable, Args: map[string]any{"Value": "", "Detail": err.Error()}}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, Errors{{Key: keyXLSXUnreadable, Args: map[string]any{"Value": "", "Detail": "no sheet"}}}
	}
	// Row by row (not GetRows, which reads the whole sheet first), so that a sheet over the
	// bound is refused when the bound is passed.
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, Errors{{Key: keyXLSXUnreadable, Args: map[string]any{"Value": "", "Detail": err.Error()}}}
	}
	defer it.Close()
	var recs []record
	n := 0
	for i := 0; it.Next(); i++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, Errors{{Key: keyXLSXUnreadable, Args: map[string]any{"Value": "", "Detail": err.Error()}}}
		}
		// A cell that once held a value may come back empty at the end of a row; only cells with
		// text count, since unlike CSV a spreadsheet cannot shift a row.
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		if !blank(cells) {
			if n++; n > maxRows+1 {
				return nil, tooMany(maxRows)
			}
		}
		recs = append(recs, record{line: i + 1, cells: cells})
	}
	if err := it.Error(); err != nil {
		return nil, Errors{{Key: keyXLSXUnreadable, Args: map[string]any{"Value": "", "Detail": err.Error()}}}
	}
	return recs, nil
}

// rowsOf gives the records meaning through the header, the first non-blank record.
func rowsOf(recs []record) ([]Row, error) {
	var header *record
	var body []record
	for i := range recs {
		if blank(recs[i].cells) {
			continue
		}
		if header == nil {
			header = &recs[i]
			continue
		}
		body = append(body, recs[i])
	}
	if header == nil {
		return nil, Errors{{Key: keyFileEmpty, Args: map[string]any{"Value": ""}}}
	}

	var errs Errors
	index := make([]string, len(header.cells)) // cell position -> column name, "" for none
	seen := map[string]bool{}
	for i, cell := range header.cells {
		written := cleanCell(cell)
		if written == "" {
			continue
		}
		name := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(written))
		switch {
		case !isColumn(name):
			errs = append(errs, &FieldError{Line: header.line, Column: written, Key: keyHeaderUnknown,
				Args: map[string]any{"Value": written, "Allowed": strings.Join(columns, ", ")}})
		case seen[name]:
			errs = append(errs, &FieldError{Line: header.line, Column: name, Key: keyHeaderDuplicate,
				Args: map[string]any{"Value": written}})
		default:
			seen[name] = true
			index[i] = name
		}
	}
	for _, c := range columns[:required] {
		if !seen[c] {
			errs = append(errs, &FieldError{Line: header.line, Column: c, Key: keyHeaderMissing,
				Args: map[string]any{"Value": ""}})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}

	rows := make([]Row, 0, len(body))
	for _, rec := range body {
		row := Row{Line: rec.line}
		// More cells than the header means the row has shifted, usually by an unquoted comma
		// in a name with titles ("Budi, S.Kom"); reading it on would put every later cell under
		// the wrong column, so the row is refused as a whole.
		shifted := len(rec.cells) > len(index)
		for i, cell := range rec.cells {
			cell = cleanCell(cell)
			if i >= len(index) || index[i] == "" {
				shifted = shifted || cell != ""
				continue
			}
			row.set(index[i], cell)
		}
		if shifted {
			errs = append(errs, &FieldError{Line: rec.line, Key: keyRowFields,
				Args: map[string]any{"Value": "", "Count": len(rec.cells), "Expected": len(index)}})
			continue
		}
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

// cleanCell trims a cell and drops what sanitize.Text drops (control characters, bidirectional
// overrides, byte-order marks): a name or a position is shown to others in chats, digests and
// exports, where an override would reorder what they read and an escape sequence would reach an
// operator's terminal in an error message. Inner spaces stay as written; Validate collapses them.
func cleanCell(cell string) string {
	c, _ := sanitize.Text(cell)
	return strings.TrimSpace(c)
}

// set stores cell in the field of column.
func (r *Row) set(column, cell string) {
	switch column {
	case colNIP:
		r.NIP = cell
	case colName:
		r.Name = cell
	case colPosition:
		r.Position = cell
	case colEselon:
		r.Eselon = cell
	case colOPDCode:
		r.OPDCode = cell
	case colOPDName:
		r.OPDName = cell
	case colPhone:
		r.Phone = cell
	case colRole:
		r.Role = cell
	case colSupervisor:
		r.SupervisorNIP = cell
	case colWorkDays:
		r.workDays = cell
		r.WorkDays = parseWorkDays(cell)
	case colStart:
		r.StartDate = cell
	case colCallName:
		r.CallName = cell
	case colEmail:
		r.Email = cell
	}
}

// parseWorkDays reads a hari_kerja cell: empty or a dash is 0 (not stated), "6", "6 hari" and
// "6.0" / "6,0" (a number formatted with decimals in Excel) are 6, anything else -1.
func parseWorkDays(s string) int {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "hari"))
	if dashOrEmpty(s) {
		return 0
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil && f >= 0 && f <= 100 && f == math.Trunc(f) {
		return int(f)
	}
	return -1
}

// isColumn reports whether name is an accepted column.
func isColumn(name string) bool {
	for _, c := range columns {
		if c == name {
			return true
		}
	}
	return false
}

// blank reports whether every cell is empty, as in a blank line or a row of bare delimiters.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// dashOrEmpty reports whether s is empty or only dashes, which Indonesian spreadsheets use for
// "none" in optional cells.
func dashOrEmpty(s string) bool {
	return strings.Trim(strings.TrimSpace(s), "-–—") == ""
}
