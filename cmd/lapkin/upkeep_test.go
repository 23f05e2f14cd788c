package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/store"
)

var upkeepZone = func() *time.Location { l, _ := time.LoadLocation("Asia/Jakarta"); return l }()

func upkeepMain(t *testing.T, now time.Time) (*Main, *bot.ManualClock) {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.App.DataDir = dir
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	clock := bot.NewManualClock(now)
	m, err := Open(context.Background(), cfg, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, clock
}

// The daily maintenance drops the attachment bytes of outbox rows done with for longer than
// [retention] attachment_days (never of a message still to send) and forgets inbound ids older
// than inbound_days; by its ledger it does so once a day.
func TestMaintenanceDropsOldAttachmentsAndIds(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 1, 30, 0, 0, upkeepZone)
	m, _ := upkeepMain(t, now)
	ctx := context.Background()
	old, recent := now.AddDate(0, 0, -31), now.AddDate(0, 0, -2)
	photo := []byte("png bytes")
	err := m.Store.Update(ctx, func(tx *store.Tx) error {
		for i, at := range []time.Time{old, old, old, recent} {
			id, err := tx.Enqueue(ctx, store.OutMessage{Net: "tg", ChatID: "1", Payload: `{"text":"x","photo_name":"r.png"}`, Photo: photo}, at)
			if err != nil {
				return err
			}
			switch i {
			case 0, 3:
				err = tx.MarkSent(ctx, id, at)
			case 1:
				_, err = tx.Park(ctx, id, "502")
			}
			if err != nil {
				return err
			}
		}
		for _, at := range []time.Time{now.AddDate(0, 0, -8), now.AddDate(0, 0, -6)} {
			if _, err := tx.MarkInbound(ctx, "tg", at.Format(time.RFC3339), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := m.Store.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := m.runJob(ctx, jobMaintenance, now); err != nil {
		t.Fatal(err)
	}
	// Row 1 (old, sent) lost its bytes; 2 (old, parked) and 3 (old, pending) still must go; 4 is recent.
	var kept []int
	rows, _ := m.Store.DB().Query(`SELECT id FROM outbox WHERE photo IS NOT NULL ORDER BY id`)
	for rows.Next() {
		var id int
		rows.Scan(&id)
		kept = append(kept, id)
	}
	rows.Close()
	if !slices.Equal(kept, []int{2, 3, 4}) {
		t.Fatalf("rows with their attachment: %v, want [2 3 4]", kept)
	}
	if n := count(`SELECT COUNT(*) FROM processed_inbound`); n != 1 {
		t.Fatalf("%d inbound ids left, want 1 (the 6-day-old one)", n)
	}
	// Once a day: a second run that day does nothing more.
	m.Store.Update(ctx, func(tx *store.Tx) error { return tx.MarkSent(ctx, 3, old) })
	if err := m.runJob(ctx, jobMaintenance, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT COUNT(*) FROM outbox WHERE photo IS NOT NULL`); n != 3 {
		t.Fatalf("the second run of the day dropped attachments (%d left)", n)
	}
	if err := m.runJob(ctx, jobMaintenance, now.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT COUNT(*) FROM outbox WHERE photo IS NOT NULL`); n != 2 {
		t.Fatalf("the next day's run left %d attachments, want 2", n)
	}
}

// Issue 26, item 4: outbox rows done with for longer than [retention] outbox_days are deleted (in
// batches), never one still to send or parked; strangers' answers go the same way.
func TestMaintenanceDeletesOldOutboxRows(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 1, 30, 0, 0, upkeepZone)
	m, _ := upkeepMain(t, now)
	ctx := context.Background()
	old, recent := now.AddDate(0, 0, -91), now.AddDate(0, 0, -89)
	const many = outboxPruneBatch*2 + 10
	err := m.Store.Update(ctx, func(tx *store.Tx) error {
		for i := 0; i < many+4; i++ {
			at := old
			if i == many+3 {
				at = recent
			}
			id, err := tx.Enqueue(ctx, store.OutMessage{Net: "tg", ChatID: "1", Payload: `{"text":"x"}`, Priority: store.PriorityStranger}, at)
			if err != nil {
				return err
			}
			switch {
			case i < many-1:
				err = tx.MarkSent(ctx, id, at)
			case i == many-1:
				err = tx.Fail(ctx, id, "403")
			case i == many:
				_, err = tx.Park(ctx, id, "502")
			case i == many+1:
				// pending
			default:
				err = tx.MarkSent(ctx, id, at)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.runJob(ctx, jobMaintenance, now); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, _ := m.Store.DB().Query(`SELECT status FROM outbox ORDER BY id`)
	for rows.Next() {
		var st string
		rows.Scan(&st)
		left = append(left, st)
	}
	rows.Close()
	// Every old message done with is gone (more than two batches of them); the parked and the
	// pending one, old but still to go, and the recent sent one stay.
	if !slices.Equal(left, []string{"parked", "pending", "sent"}) {
		t.Fatalf("left %v, want the parked, the pending and the recent sent message", left)
	}
}

// The [backup] schedule, through the scheduler: one dated copy a day, private, in a private
// folder; the oldest beyond keep removed, an operator's own files left alone.
func TestScheduledBackupsKeepN(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 20, 0, 30, 0, 0, upkeepZone)
	m, _ := upkeepMain(t, start)
	m.Config.Backup.Keep = 2
	dir := m.Config.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "mine.db"), []byte("x"), 0o600)
	ctx := context.Background()
	// Four nights: the 01:00 backups (and the 01:30 maintenance) of the 20th to the 23rd.
	if err := m.Scheduler.Tick(ctx, start, start.AddDate(0, 0, 3).Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
	if want := []string{"lapkin-2026-11-22.db", "lapkin-2026-11-23.db", "mine.db"}; !slices.Equal(names, want) {
		t.Fatalf("backups: %v, want %v", names, want)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder has mode %v, want 0700", fi.Mode().Perm())
	}
	st, err := store.Open(ctx, filepath.Join(dir, "lapkin-2026-11-23.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}
	// The day's ledgers: a maintenance row per day.
	var n int
	m.Store.DB().QueryRow(`SELECT COUNT(*) FROM job_ledger WHERE job = 'maintenance'`).Scan(&n)
	if n != 4 {
		t.Fatalf("%d maintenance runs recorded, want 4", n)
	}
}
