package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("import", stderr)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return errReported
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	// From here on the operator reads the configured language.
	say := func(key string, args catalog.Args) error {
		fmt.Fprintln(stderr, cat.T(lang, key, args))
		return errReported
	}
	if len(files) != 1 {
		return say("cli.import_usage", catalog.Args{"Count": len(files)})
	}
	file := files[0]
	rows, err := roster.ReadFileMax(file, cfg.Roster.MaxRows)
	var errs roster.Errors
	var pathErr *iofs.PathError
	switch {
	case errors.As(err, &errs):
		return importErrors(errs, cat, lang, stderr)
	case errors.As(err, &pathErr):
		return say("cli.import_unreadable", catalog.Args{"File": file, "Reason": pathErr.Err.Error()})
	case err != nil:
		return say("cli.import_unreadable", catalog.Args{"File": file, "Reason": err.Error()})
	}
	if err = ensureDir(cfg.DatabasePath()); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := roster.Import(ctx, st, rows, nowIn(cfg))
	if errors.As(err, &errs) {
		return importErrors(errs, cat, lang, stderr)
	}
	if err != nil {
		return err
	}
	args2 := catalog.Args{"File": filepath.Base(file), "OPDs": sum.OPDs, "New": sum.EmployeesNew, "Updated": sum.EmployeesUpdated,
		"Unchanged": sum.EmployeesUnchanged, "OPDsUnchanged": sum.OPDsUnchanged, "Database": cfg.DatabasePath()}
	if sum.Unchanged() {
		fmt.Fprintln(stdout, cat.T(lang, "cli.import_unchanged", args2))
		return nil
	}
	fmt.Fprintln(stdout, cat.T(lang, "cli.import_done", args2))
	if sum.Transfers > 0 {
		// The person and both supervisors are told (queued; lapkin run sends them).
		if err := flows.New(st, chat.SystemClock{}, cat, flowOptions(cfg), nil).TransferNotices(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, cat.T(lang, "cli.import_transfers", catalog.Args{"Count": sum.Transfers}))
	}
	return nil
}

// importErrorsListed is how many problems `lapkin import` lists: a file wrong in every row (the
// wrong sheet, a shifted column) would otherwise print tens of thousands of lines that nobody reads.
const importErrorsListed = 100

// importErrors lists a roster's problems, the first importErrorsListed of them, and how many there
// are in all.
func importErrors(errs roster.Errors, cat *catalog.Catalog, lang string, stderr io.Writer) error {
	for i, e := range errs {
		if i == importErrorsListed {
			fmt.Fprintln(stderr, cat.T(lang, "cli.import_more_errors", catalog.Args{"More": len(errs) - importErrorsListed}))
			break
		}
		fmt.Fprintln(stderr, e.Message(cat, lang))
	}
	fmt.Fprintln(stderr, cat.T(lang, "cli.import_failed", catalog.Args{"Count": len(errs)}))
	return errReported
}

// parseInterspersed parses flags wherever they stand among the arguments ("import --db F r.csv"
// and "import r.csv --db F" alike: the flag package stops at the first argument that is not a
// flag) and returns the other arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
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
