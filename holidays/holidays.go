// Package holidays holds the default national holiday calendar: Indonesia's national holidays and
// collective leave days (cuti bersama) as the three ministers' joint decree (SKB) lists them, one
// embedded CSV per year (tanggal, jenis, keterangan). Seed copies a year into the database once,
// so that operators keep full control with /libur: a day they remove is not put back.
package holidays

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/store"
)

//go:embed libur-nasional-*.csv
var files embed.FS

// Day is one holiday of the embedded calendar: a calendar.Holiday whose Kind is
// calendar.KindNational or calendar.KindCollective and whose Source is the embedded file.
type Day = calendar.Holiday

// Embedded returns every day of the embedded calendars, by date.
func Embedded() ([]Day, error) {
	names, err := fs.Glob(files, "libur-nasional-*.csv")
	if err != nil {
		return nil, err
	}
	var out []Day
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("holidays %s: %w", name, err)
		}
		for i, rec := range recs {
			if i == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "tanggal") {
				continue
			}
			if len(rec) != 3 {
				return nil, fmt.Errorf("holidays %s line %d: want tanggal, jenis, keterangan", name, i+1)
			}
			d, err := calendar.Parse(strings.TrimSpace(rec[0]))
			if err != nil {
				return nil, fmt.Errorf("holidays %s line %d: %w", name, i+1, err)
			}
			out = append(out, Day{Date: d, Name: strings.TrimSpace(rec[2]), Kind: strings.TrimSpace(rec[1]), Source: name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

// seededKey is the kv key that records a year of the embedded calendar as copied.
func seededKey(year string) string { return "holidays.seeded." + year }

// Seed copies each year of the embedded calendar into the database the first time it runs on it,
// and returns how many days it added. A date the operator already entered keeps its name. A year
// is copied only once: a day the operator removed afterwards (/libur hapus) stays removed.
func Seed(ctx context.Context, st *store.Store, now time.Time) (int, error) {
	days, err := Embedded()
	if err != nil {
		return 0, err
	}
	added := 0
	err = st.Update(ctx, func(tx *store.Tx) error {
		byYear := map[string][]Day{}
		for _, d := range days {
			year := strconv.Itoa(d.Date.Year())
			byYear[year] = append(byYear[year], d)
		}
		for year, ds := range byYear {
			if v, err := tx.GetKV(ctx, seededKey(year)); err != nil {
				return err
			} else if v != "" {
				continue
			}
			for _, d := range ds {
				old, err := tx.HolidaysBetween(ctx, d.Date.String(), d.Date.String())
				if err != nil {
					return err
				}
				if len(old) > 0 {
					continue
				}
				if err := tx.AddHoliday(ctx, d, d.Source, now); err != nil {
					return err
				}
				added++
			}
			if err := tx.SetKV(ctx, seededKey(year), now.UTC().Format(time.RFC3339)); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}
