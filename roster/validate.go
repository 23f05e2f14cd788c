package roster

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapkin-id/lapkin/sanitize"
)

// opdCode is the shape of an OPD code: short, upper-case, usable in `/hubungkan DINKES` and
// `/evaluate DINKES` without quoting.
var opdCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,19}$`)

// eselonForm matches an eselon as people write it ("II.a", "III/b", "iv", "IIIb", "Eselon II a",
// "3b"); group 1 is the level, group 2 the optional grade.
var eselonForm = regexp.MustCompile(`^(?:eselon\s*)?(iv|iii|ii|i|[1-4])\s*[./-]?\s*([ab])?$`)

// Validate checks and normalises the rows that Read returned, and reports every problem at once:
// one FieldError per bad cell (and per cross-row conflict), sorted by line and then by column in
// the order of SPEC.md. known tells whether a NIP is already in the database, so that a roster
// for one OPD may name a supervisor imported earlier; it may be nil.
//
// The returned rows are normalised whether or not there are problems: strings trimmed and inner
// runs of spaces collapsed, NIPs as 18 digits, phones in the 62… form, role lower-case with the
// aliases staf/staff/pegawai → asn, kepala_opd → kepala and administrator → admin, OPD code
// upper-case, eselon as "III.b", "IV" or "" (for empty, "-" or "non"), and a row with no
// hari_kerja given the value another row of the same OPD states. A dash alone in telepon,
// atasan_nip, eselon or hari_kerja means empty.
//
// Empty cells are allowed in jabatan, eselon, telepon (registration by a code from an admin
// works without a phone), atasan_nip (the top of the hierarchy) and hari_kerja (the OPD works
// five days) and mulai (compliance then counts from the person's first day in Lapkin). The import
// must not proceed while len(errs) > 0.
func Validate(rows []Row, known func(nip string) bool) ([]Row, Errors) {
	if len(rows) == 0 {
		return nil, Errors{{Key: keyNoRows, Args: map[string]any{"Value": ""}}}
	}
	var errs Errors
	add := func(line int, column, key, value string, extra ...any) {
		args := map[string]any{"Value": value}
		for i := 0; i+1 < len(extra); i += 2 {
			args[extra[i].(string)] = extra[i+1]
		}
		errs = append(errs, &FieldError{Line: line, Column: column, Key: key, Args: args})
	}
	addErr := func(line int, column string, err error) {
		var fe *FieldError
		if errors.As(err, &fe) {
			errs = append(errs, fe.with(line, column))
		}
	}

	type opd struct {
		name      string
		nameLine  int
		days      int
		daysLine  int
		daysValue string
	}
	opds := map[string]*opd{}
	nipLine := map[string]int{}   // valid NIP -> first line
	phoneLine := map[string]int{} // normalised phone -> first line
	emailLine := map[string]int{} // normalised address -> first line
	supervised := make([]bool, len(rows))
	out := make([]Row, len(rows))

	for i, in := range rows {
		r := in
		line := r.Line
		r.NIP = strings.TrimSpace(r.NIP)
		r.Name = collapse(r.Name)
		r.Position = collapse(r.Position)
		r.OPDCode = strings.ToUpper(strings.TrimSpace(r.OPDCode))
		r.OPDName = collapse(r.OPDName)

		if n, err := ParseNIP(r.NIP); err != nil {
			addErr(line, colNIP, err)
		} else {
			r.NIP = n.Raw
			if first, dup := nipLine[n.Raw]; dup {
				add(line, colNIP, keyNIPDuplicate, in.NIP, "FirstLine", first)
			} else {
				nipLine[n.Raw] = line
			}
		}

		if r.Name == "" {
			add(line, colName, keyNameEmpty, "")
		}

		if e, ok := normalizeEselon(r.Eselon); ok {
			r.Eselon = e
		} else {
			add(line, colEselon, keyEselonInvalid, strings.TrimSpace(r.Eselon))
			r.Eselon = strings.TrimSpace(r.Eselon)
		}

		codeOK := false
		switch {
		case r.OPDCode == "":
			add(line, colOPDCode, keyOPDCodeEmpty, "")
		case !opdCode.MatchString(r.OPDCode):
			add(line, colOPDCode, keyOPDCodeFormat, strings.TrimSpace(in.OPDCode))
		default:
			codeOK = true
		}
		if r.OPDName == "" {
			add(line, colOPDName, keyOPDNameEmpty, "")
		}

		daysText := r.workDays
		if daysText == "" && r.WorkDays != 0 {
			daysText = strconv.Itoa(r.WorkDays) // a Row built by hand, not by Read
		}
		daysOK := r.WorkDays == 5 || r.WorkDays == 6
		if r.WorkDays != 0 && !daysOK {
			add(line, colWorkDays, keyWorkDays, daysText)
		}

		if codeOK {
			o := opds[r.OPDCode]
			if o == nil {
				o = &opd{}
				opds[r.OPDCode] = o
			}
			if r.OPDName != "" {
				if o.name == "" {
					o.name, o.nameLine = r.OPDName, line
				} else if !strings.EqualFold(o.name, r.OPDName) {
					add(line, colOPDName, keyOPDNameConflict, r.OPDName,
						"Code", r.OPDCode, "First", o.name, "FirstLine", o.nameLine)
				}
			}
			if daysOK {
				if o.days == 0 {
					o.days, o.daysLine, o.daysValue = r.WorkDays, line, daysText
				} else if o.days != r.WorkDays {
					add(line, colWorkDays, keyWorkDaysConflict, daysText,
						"Code", r.OPDCode, "First", o.daysValue, "FirstLine", o.daysLine)
				}
			}
		}

		r.CallName = collapse(r.CallName)
		switch n := utf8.RuneCountInString(r.CallName); {
		case strings.Trim(r.CallName, "-–—") == "" && r.CallName != "":
			r.CallName = "-" // clear it
		case n > maxCallName:
			add(line, colCallName, keyCallNameLong, r.CallName, "Max", maxCallName)
		}

		if dashOrEmpty(r.StartDate) {
			r.StartDate = ""
		} else if d, ok := parseStartDate(r.StartDate); ok {
			r.StartDate = d
		} else {
			add(line, colStart, keyStartDate, strings.TrimSpace(r.StartDate))
			r.StartDate = strings.TrimSpace(r.StartDate)
		}

		switch e := strings.TrimSpace(r.Email); {
		case e == "":
			r.Email = ""
		case strings.Trim(e, "-–—") == "":
			r.Email = "-" // clear it
		default:
			if addr, err := NormalizeEmail(e); err != nil {
				addErr(line, colEmail, err)
				r.Email = e
			} else {
				if first, dup := emailLine[addr]; dup {
					add(line, colEmail, keyEmailDuplicate, e, "FirstLine", first)
				} else {
					emailLine[addr] = line
				}
				r.Email = addr
			}
		}

		if dashOrEmpty(r.Phone) {
			r.Phone = ""
		} else if p, err := NormalizePhone(r.Phone); err != nil {
			addErr(line, colPhone, err)
			r.Phone = strings.TrimSpace(r.Phone)
		} else {
			if first, dup := phoneLine[p]; dup {
				add(line, colPhone, keyPhoneDuplicate, strings.TrimSpace(in.Phone), "FirstLine", first)
			} else {
				phoneLine[p] = line
			}
			r.Phone = p
		}

		switch role, ok := normalizeRole(r.Role); {
		case ok:
			r.Role = role
		case strings.TrimSpace(r.Role) == "":
			add(line, colRole, keyRoleEmpty, "")
			r.Role = ""
		default:
			add(line, colRole, keyRoleInvalid, strings.TrimSpace(r.Role))
			r.Role = strings.TrimSpace(r.Role)
		}

		if dashOrEmpty(r.SupervisorNIP) {
			r.SupervisorNIP = ""
		} else if n, err := ParseNIP(r.SupervisorNIP); err != nil {
			addErr(line, colSupervisor, err)
			r.SupervisorNIP = strings.TrimSpace(r.SupervisorNIP)
		} else {
			r.SupervisorNIP = n.Raw
			if n.Raw == r.NIP {
				add(line, colSupervisor, keySupervisorSelf, strings.TrimSpace(in.SupervisorNIP))
			} else {
				supervised[i] = true
			}
		}
		out[i] = r
	}

	// Checks that need every row: a supervisor named before their own row is fine.
	for i := range out {
		r := &out[i]
		if supervised[i] {
			if _, inFile := nipLine[r.SupervisorNIP]; !inFile && (known == nil || !known(r.SupervisorNIP)) {
				add(r.Line, colSupervisor, keySupervisorUnknown, strings.TrimSpace(rows[i].SupervisorNIP))
			}
		}
		if r.WorkDays == 0 {
			if o := opds[r.OPDCode]; o != nil {
				r.WorkDays = o.days
			}
		}
	}
	errs = append(errs, cycles(out, supervised)...)

	if len(errs) == 0 {
		return out, nil
	}
	slices.SortStableFunc(errs, func(a, b *FieldError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return columnOrder(a.Column) - columnOrder(b.Column)
	})
	return out, errs
}

// cycles reports supervisor loops inside the file (A's supervisor is B, B's is A), which would
// leave a team without anyone at its top to approve contracts. Each loop is reported once, on the
// row of the loop that comes first in the file.
func cycles(rows []Row, supervised []bool) Errors {
	next := map[string]string{} // NIP -> supervisor NIP, first row of a NIP only
	lineOf := map[string]int{}
	for i, r := range rows {
		if _, dup := lineOf[r.NIP]; dup {
			continue
		}
		lineOf[r.NIP] = r.Line
		if supervised[i] {
			next[r.NIP] = r.SupervisorNIP
		}
	}
	const (
		_      = iota // not visited yet, the zero value
		onPath        // on the walk in progress
		done          // walked before, no loop through it left to find
	)
	state := map[string]int{}
	var errs Errors
	for _, r := range rows {
		var path []string
		nip, looped := r.NIP, false
		for {
			if _, inFile := lineOf[nip]; !inFile || state[nip] == done {
				break
			}
			if state[nip] == onPath {
				looped = true
				break
			}
			state[nip] = onPath
			path = append(path, nip)
			sup, ok := next[nip]
			if !ok {
				break
			}
			nip = sup
		}
		if looped {
			loop := path[slices.Index(path, nip):]
			first := loop[0]
			for _, n := range loop {
				if lineOf[n] < lineOf[first] {
					first = n
				}
			}
			chain := make([]string, 0, len(loop)+1)
			at := slices.Index(loop, first)
			for k := range loop {
				chain = append(chain, loop[(at+k)%len(loop)])
			}
			chain = append(chain, first)
			errs = append(errs, &FieldError{Line: lineOf[first], Column: colSupervisor, Key: keySupervisorCycle,
				Args: map[string]any{"Value": next[first], "Chain": strings.Join(chain, " → ")}})
		}
		for _, n := range path {
			state[n] = done
		}
	}
	return errs
}

// normalizeEselon returns the eselon in the form "III.b" or "IV", or "" for none, and false when
// s is not an eselon. Eselon V was abolished, so it is not accepted.
func normalizeEselon(s string) (string, bool) {
	s = strings.ToLower(collapse(s))
	if dashOrEmpty(s) {
		return "", true
	}
	switch strings.NewReplacer(" ", "", "-", "", "_", "").Replace(s) {
	case "non", "noneselon", "nonesselon", "tidakada", "tanpaeselon":
		return "", true
	}
	m := eselonForm.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	level := map[string]string{"1": "I", "2": "II", "3": "III", "4": "IV"}[m[1]]
	if level == "" {
		level = strings.ToUpper(m[1])
	}
	if m[2] != "" {
		return level + "." + m[2], true
	}
	return level, true
}

// normalizeRole returns the role in Lapkin's terms, accepting the words BKPPD spreadsheets use.
func normalizeRole(s string) (string, bool) {
	s = strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch s {
	case "asn", "staf", "staff", "pegawai":
		return "asn", true
	case "kepala", "kepala_opd":
		return "kepala", true
	case "admin", "administrator":
		return "admin", true
	}
	return "", false
}

// collapse trims s and turns inner runs of white space into one space, so that "Dinas  Kesehatan"
// typed twice does not count as two OPD names, and drops control characters and bidirectional
// overrides (sanitize.Line) from rows that did not come through Read.
func collapse(s string) string { return sanitize.Line(s) }

// columnOrder is the position of column in the header SPEC.md gives, -1 for a whole-row problem.
func columnOrder(column string) int { return slices.Index(columns, column) }

// IsOfficial reports whether an eselon (as normalised, "IV.a", or as typed, "4", "III/b") makes
// its holder a pejabat struktural: eselon II, III or IV, the officials SPEC's resignation procedure
// after a missed 6-month evaluation is about.
func IsOfficial(eselon string) bool {
	e := strings.ToUpper(strings.TrimSpace(eselon))
	if i := strings.IndexAny(e, "./ -"); i >= 0 {
		e = e[:i]
	}
	switch e {
	case "II", "III", "IV", "2", "3", "4":
		return true
	}
	return false
}

// maxCallName bounds a sapaan: a call name, not a sentence.
const maxCallName = 40

// startForms are the ways a mulai (TMT) date may be written: ISO, and the day-first forms
// Indonesian spreadsheets show.
var startForms = []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006"}

// parseStartDate reads a mulai cell into YYYY-MM-DD. A date before 1960 (before any NIP's
// appointment year) or after 2100 is refused as a typo.
func parseStartDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, f := range startForms {
		if d, err := time.Parse(f, s); err == nil {
			if d.Year() < 1960 || d.Year() > 2100 {
				return "", false
			}
			return d.Format("2006-01-02"), true
		}
	}
	return "", false
}
