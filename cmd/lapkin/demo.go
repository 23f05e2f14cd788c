package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/seed"
	"github.com/lapkin-id/lapkin/store"
)

// The embedded sample: a fictional city's roster and the signed contracts of its people.
//
//go:embed sample/roster.csv sample/targets.csv
var sample embed.FS

const (
	// sampleUnlinked is the sample's one roster member left unregistered, to show registration by code.
	sampleUnlinked = "199505052020122003"
	// sampleSpeaker is who the demo starts as: a staff member with a signed contract.
	sampleSpeaker = "198806202014031004"
)

func runDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, cf := newFlags("demo", stderr)
	rosterPath := fs.String("roster", "", "roster file (.csv or .xlsx) instead of the embedded sample")
	startAt := fs.String("time", "", "start the clock at YYYY-MM-DDTHH:MM (default: now)")
	netFlag := fs.String("net", "tg", "show replies as on tg (Telegram) or wa (WhatsApp: numbered choices, no buttons, commands without slash)")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	cfg, err := cf.loadConfig()
	if err != nil {
		return err
	}
	// The demo never touches the production database: a fresh file each run, unless --db names one.
	var m *Main
	dbPath := cf.db
	// Photos and documents the demo delivers (charts, exports, evidence) are written beside the
	// database and announced by their path, so that they can be opened.
	var filesDir string
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "lapkin-demo-")
		if err != nil {
			return err
		}
		dbPath = filepath.Join(dir, "demo.db")
		filesDir = demoFilesDir(dbPath)
		defer func() {
			// The temporary database goes; the files it announced stay, and the demo says where.
			if ents, err := os.ReadDir(filesDir); err == nil && len(ents) > 0 && m != nil {
				for _, f := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
					os.Remove(f)
				}
				os.RemoveAll(cfg.App.DataDir)
				fmt.Fprintln(stderr, m.Catalog.T(cfg.App.Language, "cli.demo_files_kept", catalog.Args{"Dir": filesDir}))
				return
			}
			os.RemoveAll(dir)
		}()
	}
	filesDir = demoFilesDir(dbPath)
	cfg.App.Database = dbPath
	cfg.App.DataDir = filepath.Join(filepath.Dir(dbPath), "lapkin-demo-data")
	loc := cfg.Location()

	start := nowIn(cfg).Truncate(time.Minute)
	if *startAt != "" {
		if start, err = time.ParseInLocation("2006-01-02T15:04", *startAt, loc); err != nil {
			return fmt.Errorf("demo: --time wants YYYY-MM-DDTHH:MM: %w", err)
		}
	}
	clock := chat.NewManualClock(start)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	con := console.New(stdout, func(ctx context.Context, id string) (string, bool) {
		var e store.Employee
		err := m.Store.View(ctx, func(tx *store.Tx) (err error) { e, err = tx.Employee(ctx, id); return })
		return e.Name, err == nil
	})
	con.SaveFiles(filesDir)
	// A network of the table shows its replies as its Renderer does; one without, as the console.
	names := networkNames(catalog.Must())
	setNet := func(word string) bool {
		n, ok := networks.Named(word, names)
		if !ok {
			return false
		}
		if r, ok := n.(chat.Renderer); ok {
			con.SetRender(r.Render)
		} else {
			con.SetRender(nil)
		}
		return true
	}
	if !setNet(strings.ToLower(*netFlag)) {
		return fmt.Errorf("demo: --net wants tg or wa, got %q", *netFlag)
	}
	m, err = Open(ctx, cfg, clock, log, demoCodes(), con)
	if err != nil {
		return err
	}
	defer m.Close()

	speaker, err := seedDemo(ctx, m, *rosterPath, stderr)
	if err != nil {
		return err
	}
	script := true
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		script = false
	}
	sess := &console.Session{
		In: stdin, Out: stdout, Console: con, Clock: clock, Loc: loc, Script: script, Speaker: speaker,
		Handle:   m.Router.Handle,
		Tick:     m.Scheduler.Tick,
		Deliver:  func(ctx context.Context) error { _, err := m.Sender.Flush(ctx); return err },
		Describe: func(ctx context.Context, id string) string { return describe(ctx, m.Store, id) },
		T:        func(key string, args map[string]any) string { return m.Catalog.T(cfg.App.Language, key, args) },
		SetNet:   setNet,
	}
	if !script {
		fmt.Fprintln(stdout, m.Catalog.T(cfg.App.Language, "cli.demo_banner", catalog.Args{
			"Database": dbPath, "Files": filesDir, "Speaker": describe(ctx, m.Store, speaker)}))
	}
	return sess.Run(ctx)
}

// demoFilesDir is the folder beside the demo's database where delivered files are written:
// "demo-berkas" beside "demo.db".
func demoFilesDir(dbPath string) string {
	base := filepath.Base(dbPath)
	return filepath.Join(filepath.Dir(dbPath), strings.TrimSuffix(base, filepath.Ext(base))+"-berkas")
}

// describe names a console speaker: "Budi Santoso [1988…] — Pranata Komputer, DISKOMINFO (asn)".
func describe(ctx context.Context, st *store.Store, id string) string {
	var e store.Employee
	err := st.View(ctx, func(tx *store.Tx) (err error) { e, err = tx.Employee(ctx, id); return })
	if err != nil {
		return "[" + id + "]"
	}
	return fmt.Sprintf("%s [%s] — %s, %s (%s)", e.Name, e.NIP, e.Position, e.OPDCode, e.Role)
}

// seedDemo imports the roster, links every member to the console (but the sample's one newcomer),
// binds a console group to every OPD, and gives the sample's people their signed contracts. It is
// idempotent, so a demo on a kept --db starts again where it was. It returns who speaks first.
func seedDemo(ctx context.Context, m *Main, rosterPath string, stderr io.Writer) (string, error) {
	var rows []roster.Row
	var err error
	embedded := rosterPath == ""
	if embedded {
		b, _ := sample.ReadFile("sample/roster.csv")
		rows, err = roster.Read(bytes.NewReader(b), "csv")
	} else {
		rows, err = roster.ReadFile(rosterPath)
	}
	now := m.Clock.Now()
	imported := now
	if embedded {
		// The sample city has used Lapkin since the start of the year (see seedHistory).
		imported = time.Date(sampleSince.Year(), sampleSince.Month(), sampleSince.Day(), 8, 0, 0, 0, m.Config.Location())
	}
	if err == nil {
		_, err = roster.Import(ctx, m.Store, rows, imported)
	}
	var errs roster.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(stderr, e.Message(m.Catalog, m.Config.App.Language))
		}
		return "", errReported
	}
	if err != nil {
		return "", err
	}
	var contracts []store.Contract
	if embedded {
		if contracts, err = sampleContracts(m.Config); err != nil {
			return "", err
		}
	}
	speaker := ""
	err = m.Store.Update(ctx, func(tx *store.Tx) error {
		emps, err := tx.Employees(ctx, "")
		if err != nil {
			return err
		}
		for _, e := range emps {
			if embedded && e.NIP == sampleUnlinked {
				continue
			}
			if err := tx.LinkIdentity(ctx, console.Net, e.NIP, e.NIP, now); err != nil {
				return err
			}
			if (speaker == "" && e.Role == store.RoleASN) || e.NIP == sampleSpeaker {
				speaker = e.NIP
			}
		}
		opds, err := tx.OPDs(ctx)
		if err != nil {
			return err
		}
		for _, o := range opds {
			if err := tx.BindGroup(ctx, console.Net, console.GroupID(o.Code), o.Code, "demo", now); err != nil {
				return err
			}
		}
		for _, c := range contracts {
			if _, err := tx.SignedContract(ctx, c.NIP, c.Year); err == nil {
				continue // seeded by an earlier run on this database
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if _, err := tx.AddContract(ctx, c, now); err != nil {
				return err
			}
		}
		if embedded {
			return seedHistory(ctx, tx, m.Config, emps, now)
		}
		return nil
	})
	if speaker == "" && len(rows) > 0 {
		speaker = rows[0].NIP
	}
	return speaker, err
}

// sampleSince is when the sample city started with Lapkin.
var sampleSince = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)

// seedHistory gives the sample city a past, so that /progres, /evaluate and the digest have
// something to show: every registered member reported on most working days from 2 January until
// the day before the demo starts, each with their own habit (how often) and pace (how much of
// their targets). It is deterministic (a hash of NIP and date, no randomness), so a script's
// transcript is the same every run, and it runs only on a database without reports.
func seedHistory(ctx context.Context, tx *store.Tx, cfg *config.Config, emps []store.Employee, now time.Time) error {
	var existing []store.Report
	for _, e := range emps {
		r, err := tx.ReportsBetween(ctx, e.NIP, "2000-01-01", "2100-01-01")
		if err != nil {
			return err
		}
		existing = append(existing, r...)
	}
	if len(existing) > 0 {
		return nil
	}
	loc := cfg.Location()
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, time.UTC)
	// The city's calendar as the bot counts it: the config's days off and the national calendar
	// the start copied into the database.
	stored, err := tx.HolidaysBetween(ctx, sampleSince.Format("2006-01-02"), today.Format("2006-01-02"))
	if err != nil {
		return err
	}
	city := calendar.NewCalendar(cfg.Holidays.Dates, stored)
	for _, e := range emps {
		if e.NIP == sampleUnlinked {
			continue // the newcomer has never reported
		}
		opd, err := tx.OPD(ctx, e.OPDCode)
		if err != nil {
			return err
		}
		c, err := tx.SignedContract(ctx, e.NIP, today.Year())
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		habit := 0.70 + 0.28*seed.Unit(e.NIP, "habit") // share of working days with a report
		days := city.Days(opd.WorkDays)
		for d := sampleSince; d.Before(today); d = d.AddDate(0, 0, 1) {
			key := d.Format("2006-01-02")
			if !days.Working(calendar.Of(d)) {
				continue
			}
			// The same rule as `lapkin seed` (its empty salt is the sample city's), at 15:00 from
			// the console.
			rep, ok := seed.Report("", e, &c, d, habit, loc)
			if !ok {
				continue
			}
			rep.CreatedAt = time.Date(d.Year(), d.Month(), d.Day(), 15, 0, 0, 0, loc)
			rep.SourceNet, rep.SourceMsgID = console.Net, "sample-"+key
			if _, err := tx.AddReport(ctx, rep); err != nil {
				return err
			}
		}
	}
	return nil
}

// sampleContracts reads sample/targets.csv (nip, ditandatangani, uraian, jumlah, satuan, tenggat,
// bobot) into signed contracts, one per NIP, signed at 09:00 on the given day.
func sampleContracts(cfg *config.Config) ([]store.Contract, error) {
	b, err := sample.ReadFile("sample/targets.csv")
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("sample targets: %w", err)
	}
	var out []store.Contract
	index := map[string]int{}
	for i, rec := range recs[1:] {
		if len(rec) != 7 {
			return nil, fmt.Errorf("sample targets line %d: want 7 fields", i+2)
		}
		nip, signedOn, desc, qty, unit, due, weight := rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6]
		day, err1 := calendar.Parse(signedOn)
		d := day.In(cfg.Location())
		q, err2 := strconv.ParseFloat(qty, 64)
		w, err3 := strconv.ParseFloat(weight, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("sample targets line %d: %w", i+2, err)
		}
		k, ok := index[nip]
		if !ok {
			signed := d.Add(9 * time.Hour)
			out = append(out, store.Contract{NIP: nip, Year: d.Year(), Status: store.ContractSigned, SignedAt: &signed})
			k = len(out) - 1
			index[nip] = k
		}
		out[k].Targets = append(out[k].Targets, store.Target{Description: strings.TrimSpace(desc), Quantity: q,
			Unit: strings.TrimSpace(unit), DueDate: due, Weight: w})
	}
	return out, nil
}

// demoCodes makes the demo's registration codes predictable (the first is always the same), so
// that a piped script can register someone with the code it knows it will get. Production codes
// come from crypto/rand. It also turns the per-sender flood limit off (see below).
func demoCodes() func(*flows.Options) {
	src := rand.New(rand.NewPCG(2026, 11))
	var mu sync.Mutex
	return func(o *flows.Options) {
		// The demo's clock stands still between :time moves and one person types everything, so
		// the per-sender flood limit would only get in the way of a long script.
		o.FloodMax = 0
		o.NewCode = func() string {
			mu.Lock()
			defer mu.Unlock()
			b := make([]byte, 6)
			for i := range b {
				b[i] = byte(src.IntN(256))
			}
			return flows.CodeFromBytes(b)
		}
	}
}

// nowIn is the wall clock in the city's timezone. Only the command line reads it: everything below
// gets a chat.Clock.
func nowIn(cfg *config.Config) time.Time { return time.Now().In(cfg.Location()) }
