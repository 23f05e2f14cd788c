package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// SheetMonthlyRecap is the sheet of the monthly recap (issue 21), the input of the performance
// allowance (TPP) that payroll reads.
const SheetMonthlyRecap = "Rekap Bulanan"

// RecapRow is one row of the monthly recap: one person at one post for one month (a transfer in
// the month gives the person one row per post, each with its own days). Flows computes it; this
// package only writes it.
type RecapRow struct {
	Month                                                 string // YYYY-MM
	NIP, Name, Eselon, Position, OPDCode, OPD, Supervisor string
	// From and To are the days the row counts (YYYY-MM-DD): the month, or less of it when the
	// person started, was transferred, or the month is not over.
	From, To               string
	WorkDays, ReportedDays int
	// Reports is every report of the days, deleted ones aside. Validation says whether reports
	// are validated ([reports] require_approval): without it nobody checks them, and the four
	// counts by state are left empty rather than shown as unchecked.
	Reports                                 int
	Validation                              bool
	Approved, Returned, Rejected, Unchecked int
	Minutes                                 int
	Threshold                               int // the effective minutes expected; 0 when [kinerja] sets none
	// K is the reporting compliance (%); KMeasured is false when the row has no working day.
	K         float64
	KMeasured bool
	// Final is true once the month is closed for the person ([kinerja] close_day), and the row
	// can no longer change; before, it is provisional (sementara).
	Final bool
}

// Status is the row's word for its state: "final" or "sementara".
func (r RecapRow) Status() string {
	if r.Final {
		return "final"
	}
	return "sementara"
}

// ThresholdPct is the minutes as a share of the threshold (%), and false without a threshold.
func (r RecapRow) ThresholdPct() (float64, bool) {
	if r.Threshold <= 0 {
		return 0, false
	}
	return 100 * float64(r.Minutes) / float64(r.Threshold), true
}

var recapColumns = []column{
	{"Bulan", 9}, {"NIP", 21}, {"Nama", 28}, {"Eselon", 8}, {"Jabatan", 28}, {"OPD", 12}, {"Nama OPD", 30},
	{"Atasan langsung", 28}, {"Dari", 12}, {"Sampai", 12}, {"Hari kerja", 8}, {"Hari melapor", 8},
	{"Jumlah laporan", 9}, {"Disetujui", 9}, {"Dikembalikan", 11}, {"Ditolak", 8}, {"Belum diperiksa", 10}, {"Menit efektif", 10},
	{"Ambang menit", 10}, {"% ambang", 9}, {"Kepatuhan K (%)", 11}, {"Status", 11},
}

// RecapSink takes the rows of a recap one at a time, so that a year of a city (240,000 rows)
// is never held whole.
type RecapSink interface {
	Add(RecapRow) error
	// Close finishes the file; nothing is complete before it returns.
	Close() error
}

// NewRecapXLSX returns a sink that writes a workbook with the one sheet "Rekap Bulanan" to w, at
// Close: NIPs as text, dates as Excel dates, numbers as numbers, a frozen header and a filter.
func NewRecapXLSX(w io.Writer) (RecapSink, error) {
	warmXML()
	f := excelize.NewFile()
	sty, err := newStyles(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetMonthlyRecap); err != nil {
		f.Close()
		return nil, fmt.Errorf("export: %w", err)
	}
	s, err := startSheet(f, SheetMonthlyRecap, recapColumns, sty)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &recapXLSX{f: f, s: s, sty: sty, w: w}, nil
}

type recapXLSX struct {
	f    *excelize.File
	s    *sheet
	sty  styles
	w    io.Writer
	rows int
}

func (x *recapXLSX) Add(r RecapRow) error {
	text := func(s string) any { return excelize.Cell{StyleID: x.sty.text, Value: s} }
	pct, k := any(""), any("")
	if p, ok := r.ThresholdPct(); ok {
		pct = excelize.Cell{StyleID: x.sty.decimal, Value: round1(p)}
	}
	if r.KMeasured {
		k = excelize.Cell{StyleID: x.sty.decimal, Value: round1(r.K)}
	}
	threshold := any("")
	if r.Threshold > 0 {
		threshold = r.Threshold
	}
	states := []any{"", "", "", ""}
	if r.Validation {
		states = []any{r.Approved, r.Returned, r.Rejected, r.Unchecked}
	}
	x.rows++
	return x.s.add(append(append([]any{r.Month, text(r.NIP), r.Name, r.Eselon, r.Position, r.OPDCode, r.OPD, r.Supervisor,
		dateCell(r.From, x.sty), dateCell(r.To, x.sty), r.WorkDays, r.ReportedDays, r.Reports}, states...),
		r.Minutes, threshold, pct, k, r.Status()))
}

func (x *recapXLSX) Close() error {
	defer x.f.Close()
	if err := x.s.finish(x.f, x.rows); err != nil {
		return err
	}
	// Straight to w, as XLSX does: a year's workbook is never built in a buffer first.
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(x.w) })
	if _, err := x.f.WriteToBuffer(); err != nil {
		return fmt.Errorf("export: write workbook: %w", err)
	}
	return nil
}

// NewRecapCSV returns a sink that writes the recap as CSV for Excel in Indonesian: semicolons,
// decimal comma, UTF-8 with a BOM, the same columns as the sheet.
func NewRecapCSV(w io.Writer) (RecapSink, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return nil, fmt.Errorf("export: write CSV: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := make([]string, len(recapColumns))
	for i, c := range recapColumns {
		header[i] = c.header
	}
	if err := cw.Write(header); err != nil {
		return nil, fmt.Errorf("export: write CSV: %w", err)
	}
	return &recapCSV{bw: bw, cw: cw}, nil
}

type recapCSV struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func decimalComma(f float64) string {
	return strings.Replace(strconv.FormatFloat(round1(f), 'f', -1, 64), ".", ",", 1)
}

func (c *recapCSV) Add(r RecapRow) error {
	pct, k, threshold := "", "", ""
	if p, ok := r.ThresholdPct(); ok {
		pct = decimalComma(p)
	}
	if r.KMeasured {
		k = decimalComma(r.K)
	}
	if r.Threshold > 0 {
		threshold = strconv.Itoa(r.Threshold)
	}
	itoa := strconv.Itoa
	states := []string{"", "", "", ""}
	if r.Validation {
		states = []string{itoa(r.Approved), itoa(r.Returned), itoa(r.Rejected), itoa(r.Unchecked)}
	}
	rec := []string{r.Month, r.NIP, defuse(r.Name), defuse(r.Eselon), defuse(r.Position), r.OPDCode, defuse(r.OPD),
		defuse(r.Supervisor), r.From, r.To, itoa(r.WorkDays), itoa(r.ReportedDays), itoa(r.Reports)}
	rec = append(append(rec, states...), itoa(r.Minutes), threshold, pct, k, r.Status())
	return c.cw.Write(rec)
}

func (c *recapCSV) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("export: write CSV: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("export: write CSV: %w", err)
	}
	return nil
}

// RecapWorkbook is the workbook of rows in memory: the attachment of /rekap bulan and of the
// recap sent to an OPD's group.
func RecapWorkbook(rows []RecapRow) ([]byte, error) {
	var buf bytes.Buffer
	s, err := NewRecapXLSX(&buf)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := s.Add(r); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
