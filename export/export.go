// Package export writes the BKPPD operator's exports of SPEC.md (`lapkin export`): an Excel
// workbook with the reports, the evaluations and a summary per OPD, or a CSV of the reports.
//
// The files are a data format rather than messages: the sheet names, headers and cell words are
// fixed Indonesian, like the roster's column names, so that an operator's pivot tables and scripts
// keep working whatever reply language the bot is set to. The operator-facing messages about an
// export (its summary line, its errors) live in the catalog and are the CLI's business.
package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/sanitize"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// Sheet names of the workbook, in their order.
const (
	SheetReports     = "Laporan"
	SheetEvaluations = "Evaluasi"
	SheetSummary     = "Ringkasan OPD"
)

// Options selects what an export holds.
type Options struct {
	// From and To bound the period by civil date, inclusive: reports by their date, evaluations
	// by the end of their period. A zero time leaves that side open; both zero is everything.
	From, To time.Time
	// OPD keeps one OPD (by code, in any letter case); empty is every OPD.
	OPD string
	// Location is the timezone of the "Dicatat" times; nil is Asia/Jakarta, the default of the
	// config.
	Location *time.Location
	// RequireApproval is the config's [reports] require_approval: it decides whether a report
	// not reviewed yet is "menunggu validasi" or needs none ("tidak perlu validasi").
	RequireApproval bool

	sheetRows int // tests: rows per sheet, the header included; 0 is Excel's limit
}

// Summary counts what an export wrote.
type Summary struct {
	Reports     int
	Evaluations int // always 0 for CSV, which holds the reports only
	OPDs        int // the OPDs the export covers: every OPD, or the one asked for
}

// UnknownOPDError is returned when Options.OPD names no OPD of the database.
type UnknownOPDError struct {
	Code  string
	Known []string // the codes there are, sorted
}

func (e *UnknownOPDError) Error() string {
	return fmt.Sprintf("export: unknown OPD %q (known: %s)", e.Code, strings.Join(e.Known, ", "))
}

// TooManyRowsError is returned when the reports do not fit in one Excel sheet.
type TooManyRowsError struct {
	Limit int // data rows a sheet can hold below its header
}

func (e *TooManyRowsError) Error() string {
	return fmt.Sprintf("export: more than %d reports do not fit in one Excel sheet", e.Limit)
}

// column is one column of a sheet: its header and its width in characters.
type column struct {
	header string
	width  float64
}

// The columns of each sheet. The CSV has the columns of the "Laporan" sheet.
var (
	reportColumns = []column{
		{"Tanggal", 12}, {"NIP", 21}, {"Nama", 28}, {"OPD", 14}, {"Uraian", 60}, {"Jumlah", 9},
		{"Satuan", 14}, {"Target", 30}, {"Menit", 8}, {"Bukti", 7}, {"Status", 13}, {"Dicatat", 17},
	}
	evaluationColumns = []column{
		{"Tanggal evaluasi", 12}, {"NIP", 21}, {"Nama", 28}, {"OPD", 14}, {"Periode", 23}, {"Mulai", 12},
		{"Selesai", 12}, {"Checkpoint", 11}, {"Kepatuhan K (%)", 11}, {"Capaian C (%)", 11}, {"Nilai N", 9},
		{"Predikat", 16}, {"Memenuhi standar", 11}, {"Evaluator", 36}, {"Status hasil", 12},
		{"Eselon", 8}, {"Tindak lanjut", 26},
	}
)

// predicates are the PermenPANRB 6/2022 names, best first, as the scoring records them: the
// summary has one column for each.
var predicates = scoring.Predicates

func summaryColumns() []column {
	cols := []column{{"Kode", 14}, {"Nama OPD", 40}, {"Jumlah ASN", 9}, {"Jumlah laporan", 10},
		{"ASN yang melapor", 10}, {"ASN dievaluasi", 10}}
	for _, p := range predicates {
		cols = append(cols, column{p, 10})
	}
	cols = append(cols, column{"Memenuhi standar", 11})
	return append(cols, figureColumns...) // the OPD's own figures (figures.go)
}

// predicateIndex finds a stored predicate among predicates, whether it was stored as the name
// ("Sangat Baik"), a key ("sangat_baik") or the English name ("Excellent"); -1 when it is none.
func predicateIndex(s string) int {
	s = strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(s))), " ")
	english := [...]string{"excellent", "good", "needs improvement", "poor", "very poor"}
	for i, p := range predicates {
		if s == strings.ToLower(p) || s == english[i] {
			return i
		}
	}
	return -1
}

// statusWord is a report's status as the export shows it: what validation made of it, or that
// none is needed when the city does not validate reports.
func statusWord(s string, requireApproval bool) string {
	switch {
	case s == store.ReportReturned:
		return "dikembalikan"
	case !requireApproval:
		return "tidak perlu validasi"
	case s == store.ReportSubmitted:
		return "menunggu validasi"
	case s == store.ReportApproved:
		return "tervalidasi"
	}
	return s
}

// targetWord names the target a report counts towards: "#2 Verifikasi SPJ".
func targetWord(r store.ExportReport) string {
	if r.TargetN == nil {
		return ""
	}
	return strings.TrimSpace("#" + strconv.Itoa(*r.TargetN) + " " + r.TargetDesc)
}

// round1 rounds as the chat shows scores and percentages (flows.FormatNumber): one decimal.
func round1(f float64) float64 { return math.Round(f*10) / 10 }

// checkpointWord fills the checkpoint column: "3b" or "6b" for a checkpoint, else the kind of
// calendar period ("bulanan", "triwulanan", "tahunan", "rentang tanggal").
func checkpointWord(v store.ExportEvaluation) string {
	if v.Checkpoint != "" {
		return v.Checkpoint
	}
	switch k := v.PeriodKey; {
	case strings.Contains(k, ".."):
		return "rentang tanggal"
	case strings.Contains(strings.ToUpper(k), "-Q"):
		return "triwulanan"
	case len(k) == 7:
		return "bulanan"
	case len(k) == 4:
		return "tahunan"
	}
	return "-"
}

func yesNo(b bool) string {
	if b {
		return "Ya"
	}
	return "Tidak"
}

func (o Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	if loc, err := time.LoadLocation("Asia/Jakarta"); err == nil {
		return loc
	}
	// Without zoneinfo on the host: Jakarta has kept UTC+7 without daylight saving since 1964.
	return time.FixedZone("WIB", 7*3600)
}

// scope resolves the OPD asked for and returns the OPDs the export covers and the store filter.
func scope(ctx context.Context, tx *store.Tx, opt Options) ([]store.OPDHeadcount, store.ExportFilter, error) {
	var f store.ExportFilter
	if !opt.From.IsZero() {
		f.From = opt.From.Format(time.DateOnly)
	}
	if !opt.To.IsZero() {
		f.To = opt.To.Format(time.DateOnly)
	}
	all, err := tx.OPDHeadcounts(ctx, "")
	if err != nil {
		return nil, f, err
	}
	want := strings.TrimSpace(opt.OPD)
	if want == "" {
		return all, f, nil
	}
	known := make([]string, 0, len(all))
	for _, o := range all {
		if strings.EqualFold(o.Code, want) {
			f.OPD = o.Code
			return []store.OPDHeadcount{o}, f, nil
		}
		known = append(known, o.Code)
	}
	return nil, f, &UnknownOPDError{Code: want, Known: known}
}

// civilDate reads a stored YYYY-MM-DD as the midnight Excel shows as that date.
func civilDate(s string) (time.Time, bool) {
	d, err := calendar.Parse(s)
	if err != nil {
		return time.Time{}, false
	}
	return d.Time(), true
}

// wallClock is t in loc as a zone-less time: an Excel cell holds no timezone, so it must hold the
// local reading of the clock.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// perOPD counts one OPD's rows for the summary sheet.
type perOPD struct {
	reports   int
	reporters map[string]bool
	// latest is each evaluated person's latest result in force: the summary counts people, not
	// rows, so a re-run or a second period does not count anyone twice.
	latest map[string]store.ExportEvaluation
}

type tally map[string]*perOPD

func (t tally) of(code string) *perOPD {
	p := t[code]
	if p == nil {
		p = &perOPD{reporters: map[string]bool{}, latest: map[string]store.ExportEvaluation{}}
		t[code] = p
	}
	return p
}

// styles are the cell styles of the workbook.
type styles struct {
	header, text, date, dateTime, decimal, total int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	custom := func(format string) *excelize.Style { return &excelize.Style{CustomNumFmt: &format} }
	for _, x := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		// "@" keeps a NIP text when someone edits the cell: as a number Excel would round its 18
		// digits to 15.
		{&s.text, &excelize.Style{NumFmt: 49}},
		{&s.date, custom("dd/mm/yyyy")},
		{&s.dateTime, custom("dd/mm/yyyy hh:mm")},
		{&s.decimal, custom("0.0")},
		{&s.total, &excelize.Style{Font: &excelize.Font{Bold: true}}},
	} {
		if *x.id, err = f.NewStyle(x.style); err != nil {
			return s, fmt.Errorf("export: cell style: %w", err)
		}
	}
	return s, nil
}

// sheet streams the rows of one worksheet below a bold, frozen header. Its first fitSample rows
// are held back until the column widths are known (the stream writer takes widths only before the
// first row): each column is as wide as the longest of those cells or of its header's words, so
// the columns fit what they hold (issue 26, item 8). A small sheet (evaluations, the summary) is
// fitted to all of it.
type sheet struct {
	f    *excelize.File
	name string
	cols []column
	sw   *excelize.StreamWriter
	rows int // rows added, the header included
	max  int // rows the sheet may hold, the header included; 0 is Excel's limit

	pending [][]any // rows held back until the widths are set, the header first
	started bool
	widths  []float64 // the column widths set, in characters
}

// fitSample is how many rows decide the column widths of a sheet.
const fitSample = 500

// Bounds of a column's width, in characters: a report's description wraps past the widest.
const (
	minColWidth = 6
	maxColWidth = 60
)

// headerHeight is the header row's height in points: two lines of a wrapped header.
const headerHeight = 32

func (s *sheet) limit() int {
	if s.max > 0 {
		return s.max
	}
	return excelize.TotalRows
}

func startSheet(f *excelize.File, name string, cols []column, st styles) (*sheet, error) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("export: sheet %s: %w", name, err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("export: sheet %s: %w", name, err)
	}
	s := &sheet{f: f, name: name, cols: cols, sw: sw}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	return s, s.add(header)
}

func (s *sheet) add(cells []any) error {
	s.rows++
	if s.rows > s.limit() {
		return &TooManyRowsError{Limit: s.limit() - 1}
	}
	if !s.started {
		s.pending = append(s.pending, cells)
		if len(s.pending) <= fitSample {
			return nil
		}
		return s.start()
	}
	return s.write(s.rows, cells)
}

func (s *sheet) write(row int, cells []any) error {
	var opts []excelize.RowOpts
	if row == 1 {
		opts = append(opts, excelize.RowOpts{Height: headerHeight})
	}
	if err := s.sw.SetRow("A"+strconv.Itoa(row), cells, opts...); err != nil {
		return fmt.Errorf("export: sheet %s row %d: %w", s.name, row, err)
	}
	return nil
}

// start sets the column widths from the rows held back, then writes them.
func (s *sheet) start() error {
	s.started = true
	widths := make([]float64, len(s.cols))
	for i, c := range s.cols {
		for _, w := range strings.Fields(c.header) {
			widths[i] = max(widths[i], float64(utf8.RuneCountInString(w)))
		}
		widths[i] = max(widths[i], c.width*0.5) // a column never narrower than half its planned width
	}
	for _, row := range s.pending[1:] {
		for i, v := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], cellWidth(v))
			}
		}
	}
	// Backwards: the stream writer puts each column in front of those set before, and Excel wants
	// them in ascending order.
	for i := len(widths) - 1; i >= 0; i-- {
		widths[i] = min(maxColWidth, max(minColWidth, widths[i]+2))
		if err := s.sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return fmt.Errorf("export: sheet %s: %w", s.name, err)
		}
	}
	s.widths = widths
	for i, row := range s.pending {
		if err := s.write(i+1, row); err != nil {
			return err
		}
	}
	s.pending = nil
	return nil
}

// cellWidth is how many characters a cell shows.
func cellWidth(v any) float64 {
	if c, ok := v.(excelize.Cell); ok {
		v = c.Value
	}
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		return float64(utf8.RuneCountInString(x))
	case time.Time:
		if x.Hour() != 0 || x.Minute() != 0 {
			return 16 // dd/mm/yyyy hh:mm
		}
		return 10
	case float64:
		return float64(len(strconv.FormatFloat(x, 'f', -1, 64)))
	default:
		return float64(len(fmt.Sprint(x)))
	}
}

// finish puts an autofilter on the header and the data rows (not on rows added after, such as a
// total), sets the page for printing (landscape, scaled to fit the columns on the page's width),
// and ends the stream.
func (s *sheet) finish(f *excelize.File, dataRows int) error {
	if !s.started {
		if err := s.start(); err != nil {
			return err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(s.cols), dataRows+1)
	if err != nil {
		return fmt.Errorf("export: sheet %s: %w", s.name, err)
	}
	// The stream writer still holds the worksheet, so the filter and the page set-up land in
	// what Flush writes.
	if err := f.AutoFilter(s.name, "A1:"+last, nil); err != nil {
		return fmt.Errorf("export: sheet %s filter: %w", s.name, err)
	}
	if err := f.SetPageLayout(s.name, s.pageLayout()); err != nil {
		return fmt.Errorf("export: sheet %s page: %w", s.name, err)
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("export: sheet %s: %w", s.name, err)
	}
	releaseStreamBuffer(s.sw)
	return nil
}

// pageLayout prints a sheet landscape on A4, scaled so that its columns fit the page's width.
// Excel's own "fit to one page wide" needs the sheet properties' fitToPage, which excelize's
// stream writer never writes (it writes the worksheet's fields from the sheet views on), so the
// scale is computed here from the column widths: a character of the default font is about 7
// pixels and a column adds 5, on the 988 pixels of an A4 page's width less Excel's margins.
func (s *sheet) pageLayout() *excelize.PageLayoutOptions {
	px := 0.0
	for _, w := range s.widths {
		px += w*7 + 5
	}
	scale := uint(100)
	if px > 988 {
		scale = uint(988 * 100 / px)
	}
	scale = max(scale, 10)
	orientation, size, one, zero := "landscape", 9, 1, 0
	return &excelize.PageLayoutOptions{Orientation: &orientation, Size: &size, AdjustTo: &scale, FitToWidth: &one, FitToHeight: &zero}
}

// XLSX writes the workbook to w: the sheets "Laporan" (one row per report, deleted ones left out),
// "Evaluasi" (one row per recorded evaluation whose period ends in the period) and "Ringkasan OPD"
// (counts per OPD). Dates are Excel dates, numbers are numbers, NIPs are text.
func XLSX(ctx context.Context, st *store.Store, opt Options, w io.Writer) (Summary, error) {
	var sum Summary
	loc := opt.location()
	err := st.View(ctx, func(tx *store.Tx) error {
		opds, filter, err := scope(ctx, tx, opt)
		if err != nil {
			return err
		}
		warmXML()
		f := excelize.NewFile()
		defer f.Close()
		sty, err := newStyles(f)
		if err != nil {
			return err
		}
		if err := f.SetSheetName(f.GetSheetName(0), SheetReports); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		counts := tally{}
		// The reports come first, on as many sheets as they need; the other sheets follow them.
		if sum.Reports, err = writeReports(ctx, f, tx, filter, sty, loc, counts, opt); err != nil {
			return err
		}
		for _, name := range []string{SheetEvaluations, SheetSummary} {
			if _, err := f.NewSheet(name); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		evals, err := tx.EvaluationsForExport(ctx, filter)
		if err != nil {
			return err
		}
		if err := writeEvaluations(f, evals, sty, loc, counts); err != nil {
			return err
		}
		sum.Evaluations = len(evals)
		if err := writeSummary(f, opds, counts, sty); err != nil {
			return err
		}
		sum.OPDs = len(opds)
		f.SetActiveSheet(0)
		// WriteTo builds the whole zip in a buffer first (263 MB, and 900 MB of RSS, for a year of
		// a city): the zip is written straight to w instead, through the zip writer excelize
		// asks for, and the buffer it passes stays empty.
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
		if _, err := f.WriteToBuffer(); err != nil {
			return fmt.Errorf("export: write workbook: %w", err)
		}
		return nil
	})
	return sum, err
}

// writeReports streams the reports into the sheet "Laporan" and, past the rows one sheet can
// hold (1,048,576 with the header), into "Laporan (2)", "Laporan (3)" and so on, each with the
// same header, filter and frozen first row. A year of a city of 20,000 is about 4.8 million.
func writeReports(ctx context.Context, f *excelize.File, tx *store.Tx, filter store.ExportFilter, sty styles, loc *time.Location, counts tally, opt Options) (int, error) {
	requireApproval := opt.RequireApproval
	sh, err := startSheet(f, SheetReports, reportColumns, sty)
	if err != nil {
		return 0, err
	}
	sh.max = opt.sheetRows
	n, onSheet, part := 0, 0, 1
	err = tx.ReportsForExport(ctx, filter, func(r store.ExportReport) error {
		if sh.rows >= sh.limit() {
			if err := sh.finish(f, onSheet); err != nil {
				return err
			}
			part++
			name := fmt.Sprintf("%s (%d)", SheetReports, part)
			if _, err := f.NewSheet(name); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if sh, err = startSheet(f, name, reportColumns, sty); err != nil {
				return err
			}
			sh.max, onSheet = opt.sheetRows, 0
		}
		n++
		onSheet++
		c := counts.of(r.OPDCode)
		c.reports++
		c.reporters[r.NIP] = true
		var date any = r.LocalDate
		if d, ok := civilDate(r.LocalDate); ok {
			date = d
		}
		var target any
		if r.TargetN != nil {
			target = targetWord(r)
		}
		return sh.add([]any{
			excelize.Cell{StyleID: sty.date, Value: date},
			excelize.Cell{StyleID: sty.text, Value: r.NIP},
			r.Name,
			r.OPDCode,
			r.Text,
			optional(r.Quantity),
			r.Unit,
			target,
			optional(r.Minutes),
			yesNo(r.HasEvidence),
			statusWord(r.Status, requireApproval),
			excelize.Cell{StyleID: sty.dateTime, Value: wallClock(r.CreatedAt, loc)},
		})
	})
	if err != nil {
		return 0, err
	}
	return n, sh.finish(f, onSheet)
}

// optional is the value behind p, or nil for an empty cell.
func optional[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// outputs reads K, C and N from an evaluation's outputs; a key that is missing or not a number is
// nil, an empty cell. So is K or C when the scoring says it could not be measured
// ("k_measured": false, as with no working day in the period): a 0 there would read as a failure.
func outputs(raw string) map[string]any {
	var m map[string]any
	_ = json.Unmarshal([]byte(raw), &m) // a damaged row still exports, with empty cells
	out := map[string]any{}
	for _, k := range []string{"K", "C", "N"} {
		if measured, ok := m[strings.ToLower(k)+"_measured"].(bool); ok && !measured {
			continue
		}
		if v, ok := m[k].(float64); ok {
			out[k] = round1(v) // as the chat shows it
		}
	}
	return out
}

func writeEvaluations(f *excelize.File, evals []store.ExportEvaluation, sty styles, loc *time.Location, counts tally) error {
	sh, err := startSheet(f, SheetEvaluations, evaluationColumns, sty)
	if err != nil {
		return err
	}
	for _, v := range evals {
		if v.SupersededBy == 0 {
			// Rows come in the order they were recorded: the last one in force is the latest.
			counts.of(v.OPDCode).latest[v.NIP] = v
		}
		predicate := v.Predicate
		if i := predicateIndex(v.Predicate); i >= 0 {
			predicate = predicates[i]
		}
		status := "berlaku"
		if v.SupersededBy != 0 {
			status = "digantikan"
		}
		evaluator := v.EvaluatorNIP
		if v.EvaluatorName != "" {
			evaluator = v.EvaluatorName + " (" + v.EvaluatorNIP + ")"
		}
		out := outputs(v.Outputs)
		created := wallClock(v.CreatedAt, loc)
		if err := sh.add([]any{
			excelize.Cell{StyleID: sty.date, Value: time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC)},
			excelize.Cell{StyleID: sty.text, Value: v.NIP},
			v.Name,
			v.OPDCode,
			v.PeriodKey,
			dateCell(v.PeriodStart, sty),
			dateCell(v.PeriodEnd, sty),
			checkpointWord(v),
			out["K"],
			out["C"],
			round1(v.Score),
			predicate,
			yesNo(v.StandardMet),
			evaluator,
			status,
			v.Eselon,
			followUp(v),
		}); err != nil {
			return err
		}
	}
	return sh.finish(f, len(evals))
}

// followUp is what a result that misses the standard leads to, as /evaluate tells the person
// (SPEC, Scoring): at the 6-month checkpoint the resignation procedure for an official (eselon
// II–IV) and a warning for staff, at 3 months a warning, elsewhere improvement with the
// supervisor; "" when the standard is met.
func followUp(v store.ExportEvaluation) string {
	switch {
	case v.StandardMet:
		return ""
	case v.Checkpoint == "6b" && roster.IsOfficial(v.Eselon):
		return "prosedur pengunduran diri"
	case v.Checkpoint == "6b", v.Checkpoint == "3b":
		return "peringatan"
	}
	return "perbaikan bersama atasan"
}

func dateCell(s string, sty styles) any {
	if d, ok := civilDate(s); ok {
		return excelize.Cell{StyleID: sty.date, Value: d}
	}
	return s
}

func writeSummary(f *excelize.File, opds []store.OPDHeadcount, counts tally, sty styles) error {
	sh, err := startSheet(f, SheetSummary, summaryColumns(), sty)
	if err != nil {
		return err
	}
	total := make([]int, len(sh.cols))
	reporters := map[string]bool{} // distinct over the whole export: a transferred ASN counts once
	figs, ranks, city := opdFigures(opds, counts)
	for _, o := range opds {
		c := counts.of(o.Code)
		var dist [len(predicates)]int
		met := 0
		for _, v := range c.latest {
			if i := predicateIndex(v.Predicate); i >= 0 {
				dist[i]++
			}
			if v.StandardMet {
				met++
			}
		}
		nums := []int{o.Employees, c.reports, len(c.reporters), len(c.latest)}
		nums = append(nums, dist[:]...)
		nums = append(nums, met)
		row := []any{o.Code, o.Name}
		for i, n := range nums {
			row = append(row, n)
			total[2+i] += n
		}
		for nip := range c.reporters {
			reporters[nip] = true
		}
		row = append(row, figureCells(figs[o.Code], ranks[o.Code], sty)...)
		if err := sh.add(row); err != nil {
			return err
		}
	}
	if len(opds) > 1 {
		total[4] = len(reporters)
		row := []any{excelize.Cell{StyleID: sty.total, Value: "Jumlah"}, excelize.Cell{StyleID: sty.total}}
		for _, n := range total[2 : len(total)-len(figureColumns)] {
			row = append(row, excelize.Cell{StyleID: sty.total, Value: n})
		}
		row = append(row, figureCells(city, 0, sty)...)
		if err := sh.add(row); err != nil {
			return err
		}
	}
	return sh.finish(f, len(opds))
}

// CSV writes the reports to w, one per row, with the columns of the "Laporan" sheet, for Excel
// set to Indonesian (id-ID), which is what a BKPPD office opens it with: UTF-8 with a byte-order
// mark (without it Excel reads the text as the local code page), separated by semicolons (Excel
// opens a .csv with the regional list separator, which is ";" wherever the decimal separator is
// the comma, as in Indonesia: a comma-separated file would land in one column), numbers with a
// decimal comma and no thousands separator ("1,5"), dates as YYYY-MM-DD and "Dicatat" as
// YYYY-MM-DD HH:MM:SS in the Location (ISO forms Excel reads as dates in any locale). Text cells
// go through defuse, since report texts come from chat.
func CSV(ctx context.Context, st *store.Store, opt Options, w io.Writer) (Summary, error) {
	var sum Summary
	loc := opt.location()
	err := st.View(ctx, func(tx *store.Tx) error {
		opds, filter, err := scope(ctx, tx, opt)
		if err != nil {
			return err
		}
		sum.OPDs = len(opds)
		bw := bufio.NewWriter(w)
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return fmt.Errorf("export: write CSV: %w", err)
		}
		cw := csv.NewWriter(bw)
		cw.Comma = ';'
		cw.UseCRLF = true // RFC 4180, as Excel writes it
		header := make([]string, len(reportColumns))
		for i, c := range reportColumns {
			header[i] = c.header
		}
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("export: write CSV: %w", err)
		}
		err = tx.ReportsForExport(ctx, filter, func(r store.ExportReport) error {
			sum.Reports++
			rec := []string{r.LocalDate, r.NIP, defuse(r.Name), r.OPDCode, defuse(r.Text), "", defuse(r.Unit), "", "",
				yesNo(r.HasEvidence), statusWord(r.Status, opt.RequireApproval), r.CreatedAt.In(loc).Format(time.DateTime)}
			if r.Quantity != nil {
				rec[5] = strings.Replace(strconv.FormatFloat(*r.Quantity, 'f', -1, 64), ".", ",", 1)
			}
			if r.TargetN != nil {
				rec[7] = defuse(targetWord(r))
			}
			if r.Minutes != nil {
				rec[8] = strconv.Itoa(*r.Minutes)
			}
			return cw.Write(rec)
		})
		if err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("export: write CSV: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("export: write CSV: %w", err)
		}
		return nil
	})
	return sum, err
}

// defuse makes a free text safe for a spreadsheet that opens the CSV (sanitize.CSVCell): control
// characters and bidirectional overrides dropped, line breaks made spaces so that one report stays
// one line for tools that read the file line by line, and a cell that would start a formula
// (=, +, -, @; CSV injection) prefixed with an apostrophe, which Excel shows as the text it is.
// Texts are cleaned when they arrive; this also covers rows stored before that.
func defuse(s string) string { return sanitize.CSVCell(s) }

// warmXML builds and writes a small workbook once per process, before any workbook of Lapkin's is
// made. encoding/xml (and excelize's templates) build a type's description lazily on first use,
// and the race detector (Go 1.26.8) reports two goroutines doing that side by side: /evaluate
// semua writes two OPDs' workbooks at a time, and the tests run in parallel. Once the types are
// known they are only read. (The same as telegram's warmMarkupEncoders for encoding/json.)
var warmXML = sync.OnceFunc(func() {
	f := excelize.NewFile()
	defer f.Close()
	sty, err := newStyles(f)
	if err != nil {
		return
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetEvaluations); err != nil {
		return
	}
	if err := writeEvaluations(f, nil, sty, time.UTC, tally{}); err != nil {
		return
	}
	_, _ = f.WriteTo(io.Discard)
})

// EvaluationsWorkbook is a workbook with the one sheet "Evaluasi" holding the given evaluations in
// their order: the attachment an admin gets with /evaluate <OPD> or semua.
func EvaluationsWorkbook(evals []store.ExportEvaluation, loc *time.Location) ([]byte, error) {
	warmXML()
	f := excelize.NewFile()
	defer f.Close()
	sty, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetEvaluations); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if loc == nil {
		loc = Options{}.location()
	}
	if err := writeEvaluations(f, evals, sty, loc, tally{}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("export: write workbook: %w", err)
	}
	return buf.Bytes(), nil
}
