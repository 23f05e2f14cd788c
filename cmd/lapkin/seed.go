package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/holidays"
	"github.com/lapkin-id/lapkin/seed"
	"github.com/lapkin-id/lapkin/store"
)

// runSeed writes a synthetic city into a new database, for load tests and benchmarks.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("seed", stderr)
	asn := fs.Int("asn", 2000, "people in the roster")
	opds := fs.Int("opd", 10, "OPDs (agencies)")
	days := fs.Int("days", 90, "days of report history, ending the day before --end")
	end := fs.String("end", "", "the city's today, YYYY-MM-DD (default: today in [app] timezone)")
	seedN := fs.Uint64("seed", 1, "varies the city; the same seed and flags give the same database")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the seeding to this file")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	today := nowIn(cfg)
	endDay := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if *end != "" {
		d, err := calendar.Parse(*end)
		if err != nil {
			return fmt.Errorf("seed: --end %q: want YYYY-MM-DD", *end)
		}
		endDay = d.Time()
	}
	path := cfg.DatabasePath()
	if _, err := os.Stat(path); err == nil {
		return errors.New(cat.T(lang, "seed.exists", catalog.Args{"Database": path}))
	}
	if err := ensureDir(path); err != nil {
		return err
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	// The city keeps the national calendar (embedded) and the config's days off.
	emb, err := holidays.Embedded()
	if err != nil {
		return err
	}
	hol := append(emb, cfg.Holidays.Dates...)
	stop, err := (&benchEnv{cpuprofile: *cpuprofile}).profile()
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now() // the duration of this command, for the operator; not a business time
	stats, err := seed.Build(ctx, st, seed.Options{ASN: *asn, OPDs: *opds, Days: *days, End: endDay, Seed: *seedN,
		Location: cfg.Location(), Holidays: hol})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, cat.T(lang, "seed.done", catalog.Args{"Database": path, "OPDs": stats.OPDs, "Employees": stats.Employees,
		"Contracts": stats.Contracts, "Targets": stats.Targets, "Reports": stats.Reports, "Leave": stats.Leave,
		"From": stats.From.Format("2006-01-02"), "To": stats.To.Format("2006-01-02"), "Seconds": fmt.Sprintf("%.1f", time.Since(start).Seconds())}))
	return nil
}
