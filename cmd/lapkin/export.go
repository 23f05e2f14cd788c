package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/export"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/period"
	"github.com/lapkin-id/lapkin/store"
)

// runExport is `lapkin export [--periode P] [--opd KODE] [--force] --out F.xlsx|F.csv`. The file is
// written next to its destination under a temporary name and renamed into place once complete, so
// a failed export never leaves half a file, nor destroys the one --force would replace.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("export", stderr)
	periodFlag := fs.String("periode", "", "period: 2026-11, 2026-Q4, 2026 or YYYY-MM-DD..YYYY-MM-DD (default: everything)")
	opd := fs.String("opd", "", "export one OPD only, by its code")
	out := fs.String("out", "", "file to write: .xlsx (reports, evaluations, summary per OPD) or .csv (reports)")
	force := fs.Bool("force", false, "replace the --out file when it exists")
	rekap := fs.String("rekap", "", "the monthly recap (sheet Rekap Bulanan) of a month, 2026-11, or of each month of a year, 2026")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	fail := func(key string, data catalog.Args) error {
		fmt.Fprintln(stderr, cat.T(lang, key, data))
		return errReported
	}
	if fs.NArg() > 0 {
		return fail("export.usage", catalog.Args{"Args": strings.Join(fs.Args(), " ")})
	}
	if *out == "" {
		return fail("export.out_required", nil)
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if ext != ".xlsx" && ext != ".csv" {
		return fail("export.out_format", catalog.Args{"File": *out})
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return fail("export.out_exists", catalog.Args{"File": *out})
	}
	opt := export.Options{OPD: *opd, Location: cfg.Location(), RequireApproval: cfg.Reports.RequireApproval}
	if *periodFlag != "" {
		p, err := period.Parse(*periodFlag)
		if err != nil {
			return fail("export.period_format", catalog.Args{"Value": *periodFlag})
		}
		if p.Checkpoint != 0 {
			return fail("export.period_checkpoint", catalog.Args{"Value": p.Key})
		}
		opt.From, opt.To = p.Start, p.End
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		// store.Open would create an empty database and export nothing, silently.
		return fail("export.no_database", catalog.Args{"Database": cfg.DatabasePath()})
	}
	st, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer st.Close()
	if *rekap != "" {
		return exportRecap(ctx, st, cfg, cat, lang, *rekap, *opd, *out, ext, stdout, fail)
	}

	write := export.XLSX
	if ext == ".csv" {
		write = export.CSV
	}
	sum, err := writeFile(*out, func(w io.Writer) (export.Summary, error) { return write(ctx, st, opt, w) })
	var unknown *export.UnknownOPDError
	var tooMany *export.TooManyRowsError
	switch {
	case errors.As(err, &unknown):
		return fail("export.opd_unknown", catalog.Args{"Code": unknown.Code, "Known": strings.Join(unknown.Known, ", ")})
	case errors.As(err, &tooMany):
		return fail("export.too_many_rows", catalog.Args{"Limit": flows.FormatNumber(float64(tooMany.Limit))})
	case err != nil:
		return err
	}
	key := "export.done_xlsx"
	if ext == ".csv" {
		key = "export.done_csv"
	}
	fmt.Fprintln(stdout, cat.T(lang, key, catalog.Args{
		"Reports":     flows.FormatNumber(float64(sum.Reports)),
		"Evaluations": flows.FormatNumber(float64(sum.Evaluations)),
		"OPDs":        flows.FormatNumber(float64(sum.OPDs)),
		"File":        *out,
	}))
	return nil
}

// writeFile runs fill on a temporary file beside path and renames it to path when fill succeeds.
func writeFile(path string, fill func(io.Writer) (export.Summary, error)) (export.Summary, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".lapkin-export-*")
	if err != nil {
		return export.Summary{}, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	sum, err := fill(tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("export: write %s: %w", path, cerr)
	}
	if err != nil {
		return sum, err
	}
	// An export holds every official's reports, NIPs and scores: readable by its owner only
	// (CreateTemp's 0600, said again here so that no later change widens it), whatever the
	// umask. The operator shares it on purpose, by copying it, not by a world-readable file.
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	return sum, nil
}
