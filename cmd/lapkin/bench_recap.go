package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// recap measures `lapkin export --rekap`: the monthly recap of every month of a year (or one
// month) of the city into out, as the city stands on --at (the months closed by then are final).
func (env *benchEnv) recap(ctx context.Context, rekap, out string) error {
	if rekap == "" {
		rekap = strconv.Itoa(env.at.Year())
	}
	months, ok := recapMonths(rekap, calendar.Of(env.at))
	if !ok {
		return fmt.Errorf("bench recap: --rekap %q is not a month (2026-11) or a year (2026) up to --at", rekap)
	}
	st, err := store.Open(ctx, env.db)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := catalog.New()
	if err != nil {
		return err
	}
	at := env.at.Add(9 * time.Hour) // 09:00 on the day measured
	eng := flows.New(st, chat.NewManualClock(at), cat, flowOptions(env.cfg), nil)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	return env.measure(func() (string, error) {
		rows, people, err := writeRecap(ctx, eng, months, "", strings.ToLower(filepath.Ext(out)), f)
		if err != nil {
			return "", err
		}
		fi, _ := f.Stat()
		return fmt.Sprintf("recap %s (%d months): %d rows, %d people, %d MB", rekap, len(months), rows, people, fi.Size()>>20), nil
	})
}
