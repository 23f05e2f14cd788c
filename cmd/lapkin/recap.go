package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// recapMonths reads --rekap: one month (2026-11), or every month of a year (2026) up to the
// month of today.
func recapMonths(s string, today calendar.Date) ([]calendar.Month, bool) {
	if m, err := calendar.ParseMonth(s); err == nil {
		return []calendar.Month{m}, m.First() <= today
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 2000 || y > 2100 {
		return nil, false
	}
	var out []calendar.Month
	for m := (calendar.Month{Year: y, Month: 1}); m.Year == y && m.First() <= today; m = m.Next() {
		out = append(out, m)
	}
	return out, len(out) > 0
}

// exportRecap is `lapkin export --rekap 2026-11|2026 [--opd KODE] --out F.xlsx|F.csv`: the
// monthly recap, one row per person and post and month, as the city stands now (final for a
// month already closed).
func exportRecap(ctx context.Context, st *store.Store, cfg *config.Config, cat *catalog.Catalog, lang, rekap, opd, out, ext string,
	stdout io.Writer, fail func(string, catalog.Args) error) error {
	clock := chat.SystemClock{}
	months, ok := recapMonths(rekap, calendar.Of(clock.Now().In(cfg.Location())))
	if !ok {
		return fail("export.recap_format", catalog.Args{"Value": rekap})
	}
	if opd != "" {
		var known []string
		found := false
		err := st.View(ctx, func(tx *store.Tx) error {
			opds, err := tx.OPDs(ctx)
			for _, o := range opds {
				known = append(known, o.Code)
				found = found || strings.EqualFold(o.Code, opd)
			}
			return err
		})
		if err != nil {
			return err
		}
		if !found {
			return fail("export.opd_unknown", catalog.Args{"Code": opd, "Known": strings.Join(known, ", ")})
		}
		opd = strings.ToUpper(opd)
	}
	eng := flows.New(st, clock, cat, flowOptions(cfg), nil)
	var rows, people int
	_, err := writeFile(out, func(w io.Writer) (export.Summary, error) {
		var err error
		rows, people, err = writeRecap(ctx, eng, months, opd, ext, w)
		return export.Summary{}, err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, cat.T(lang, "export.done_recap", catalog.Args{"Months": rekap, "Rows": flows.FormatNumber(float64(rows)),
		"People": flows.FormatNumber(float64(people)), "File": out}))
	return nil
}

// writeRecap writes the recap of months (of one OPD, or all for "") to w as .xlsx or .csv, and
// returns how many rows and people it wrote.
func writeRecap(ctx context.Context, eng *flows.Engine, months []calendar.Month, opd, ext string, w io.Writer) (int, int, error) {
	newSink := export.NewRecapXLSX
	if ext == ".csv" {
		newSink = export.NewRecapCSV
	}
	sink, err := newSink(w)
	if err != nil {
		return 0, 0, err
	}
	rows, people := 0, map[string]bool{}
	count := countingSink{RecapSink: sink, rows: &rows, people: people}
	if err := eng.MonthlyRecap(ctx, months, opd, count); err != nil {
		sink.Close()
		return 0, 0, err
	}
	return rows, len(people), sink.Close()
}

// countingSink counts the rows and people that pass through it.
type countingSink struct {
	export.RecapSink
	rows   *int
	people map[string]bool
}

func (c countingSink) Add(r export.RecapRow) error {
	*c.rows++
	c.people[r.NIP] = true
	return c.RecapSink.Add(r)
}
