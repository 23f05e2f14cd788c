package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// The operator's scheduled jobs, run beside the flows' own: they keep the database lean and
// copied, and are no business of the flows.
const (
	// jobMaintenance drops old outbox attachments and prunes old processed-inbound ids.
	jobMaintenance = "maintenance"
	// jobBackup copies the database into [backup] dir and keeps the newest [backup] keep copies.
	jobBackup = "backup"
)

// ledgerRecipient is the job_ledger recipient of a job that has none: it runs once per period.
const ledgerRecipient = "-"

// runJob runs a scheduled job: the upkeep jobs here, every other through the flows engine.
func (m *Main) runJob(ctx context.Context, job string, at time.Time) error {
	switch job {
	case jobMaintenance:
		return m.maintain(ctx, at)
	case jobBackup:
		_, err := m.scheduledBackup(ctx, at)
		return err
	}
	return m.Engine.RunJob(ctx, job, at)
}

// stillCurrent is flows.StillCurrent, and for the daily upkeep jobs: the same day.
func stillCurrent(job string, at, now time.Time) bool {
	switch job {
	case jobMaintenance, jobBackup:
		return at.Format(time.DateOnly) == now.In(at.Location()).Format(time.DateOnly)
	}
	return flows.StillCurrent(job, at, now)
}

// maintain is the daily upkeep: outbox rows done with for longer than [retention]
// attachment_days lose their attachment bytes, those older than outbox_days are deleted (issue 26,
// item 4), and the ids of inbound messages handled more than inbound_days ago are forgotten (no
// platform redelivers that late). Once a day, by its ledger.
func (m *Main) maintain(ctx context.Context, at time.Time) error {
	r := m.Config.Retention
	day := at.In(m.Config.Location()).Format(time.DateOnly)
	var dropped, pruned, deleted int
	ran := false
	err := m.Store.Update(ctx, func(tx *store.Tx) error {
		first, err := tx.ClaimNotice(ctx, jobMaintenance, day, ledgerRecipient, at)
		if err != nil || !first {
			return err
		}
		ran = true
		if dropped, err = tx.DropOldAttachments(ctx, at.AddDate(0, 0, -r.AttachmentDays)); err != nil {
			return err
		}
		pruned, err = tx.PruneInbound(ctx, at.AddDate(0, 0, -r.InboundDays))
		return err
	})
	for err == nil && ran {
		var n int
		err = m.Store.Update(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.PruneOutbox(ctx, at.AddDate(0, 0, -r.OutboxDays), outboxPruneBatch)
			return err
		})
		deleted += n
		if n < outboxPruneBatch {
			break
		}
	}
	if err == nil && ran {
		m.Log.Info("maintenance done", "attachments_dropped", dropped, "inbound_ids_pruned", pruned, "outbox_deleted", deleted)
	}
	return err
}

// outboxPruneBatch is how many old outbox rows one transaction of the upkeep deletes: a few
// milliseconds of the write lock.
const outboxPruneBatch = 2000

// backupPrefix and backupSuffix frame the name of a scheduled backup: lapkin-YYYY-MM-DD.db, so
// that the names sort by date.
const (
	backupPrefix = "lapkin-"
	backupSuffix = ".db"
)

// scheduledBackup copies the database, while the bot runs, to <[backup] dir>/lapkin-<date>.db and
// removes the oldest copies beyond [backup] keep. It returns the copy's path. A copy of the day
// that already exists is kept (the file is the day's ledger); the copy is written under a
// temporary name first, so a crash never leaves a half copy that looks whole.
func (m *Main) scheduledBackup(ctx context.Context, at time.Time) (string, error) {
	dir := m.Config.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	day := at.In(m.Config.Location()).Format(time.DateOnly)
	out := filepath.Join(dir, backupPrefix+day+backupSuffix)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp := out + ".tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := m.Store.Backup(ctx, tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	removed, err := pruneBackups(dir, m.Config.Backup.Keep)
	m.Log.Info("backup written", "file", out, "old_removed", removed)
	return out, err
}

// pruneBackups removes the oldest scheduled backups in dir beyond keep and returns how many.
// Only files named like scheduled backups are touched: an operator's own copies stay.
func pruneBackups(dir string, keep int) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			if _, err := time.Parse(time.DateOnly, strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)); err == nil {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	removed := 0
	var errs []error
	for len(names)-removed > keep {
		if err := os.Remove(filepath.Join(dir, names[removed])); err != nil {
			errs = append(errs, err)
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// newScheduler builds the scheduler over every [schedule] and [backup] spec; wrap, when not nil,
// wraps the job runner (the metrics' timing and last-run record).
func (m *Main) newScheduler(wrap func(bot.JobRunner) bot.JobRunner) (*bot.Scheduler, error) {
	run := bot.JobRunner(m.runJob)
	if wrap != nil {
		run = wrap(run)
	}
	return bot.NewScheduler(m.Config.Location(), m.Clock, scheduleJobs(m.Config), run, stillCurrent, m.Log)
}

// jobNames lists each scheduled job once, for /healthz.
func jobNames(specs []bot.JobSpec) []string {
	var names []string
	for _, j := range specs {
		if !slices.Contains(names, j.Name) {
			names = append(names, j.Name)
		}
	}
	return names
}
