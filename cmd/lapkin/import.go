package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("import", stderr)
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	if fs.NArg() != 1 {
		return errors.New("import: give one roster file: lapkin import roster.csv (or .xlsx)")
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	rows, err := roster.ReadFile(fs.Arg(0))
	if err == nil {
		if err = ensureDir(cfg.DatabasePath()); err != nil {
			return err
		}
		var st *store.Store
		st, err = store.Open(ctx, cfg.DatabasePath())
		if err != nil {
			return err
		}
		defer st.Close()
		var sum roster.Summary
		sum, err = roster.Import(ctx, st, rows, nowIn(cfg))
		if err == nil {
			fmt.Fprintln(stdout, cat.T(lang, "cli.import_done", catalog.Args{"File": filepath.Base(fs.Arg(0)),
				"OPDs": sum.OPDs, "New": sum.EmployeesNew, "Updated": sum.EmployeesUpdated, "Database": cfg.DatabasePath()}))
			if sum.Transfers > 0 {
				// The person and both supervisors are told (queued; lapkin run sends them).
				if err := flows.New(st, bot.SystemClock{}, cat, flowOptions(cfg), nil).TransferNotices(ctx); err != nil {
					return err
				}
				fmt.Fprintln(stdout, cat.T(lang, "cli.import_transfers", catalog.Args{"Count": sum.Transfers}))
			}
			return nil
		}
	}
	var errs roster.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(stderr, e.Message(cat, lang))
		}
		fmt.Fprintln(stderr, cat.T(lang, "cli.import_failed", catalog.Args{"Count": len(errs)}))
		return errReported
	}
	return err
}

// ensureDir creates the directory a file will live in.
func ensureDir(file string) error {
	dir := filepath.Dir(file)
	if dir == "" || dir == "." {
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}

func joinPath(elem ...string) string { return filepath.Join(elem...) }
