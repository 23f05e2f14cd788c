package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OutboxStats is the outbox as an operator sees it: what waits, since when, and what was given up.
type OutboxStats struct {
	// Pending counts messages still to send, per network.
	Pending map[string]int
	// OldestPending is when the oldest pending message was queued; zero when none waits.
	OldestPending time.Time
	// Parked counts messages whose attempts ran out; they wait for `lapkin outbox retry`.
	Parked int
	// Failed counts messages given up for good: refused by the platform, or to a recipient who
	// blocked the bot (unreachable). No retry can deliver them.
	Failed int
}

// OutboxStats reads the outbox's depth, the age of its oldest pending message and the parked count.
func (t *Tx) OutboxStats(ctx context.Context) (OutboxStats, error) {
	st := OutboxStats{Pending: map[string]int{}}
	rows, err := t.q.QueryContext(ctx, `SELECT chat_net, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY chat_net`)
	if err != nil {
		return st, fmt.Errorf("read outbox depth: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var net string
		var n int
		if err := rows.Scan(&net, &n); err != nil {
			return st, err
		}
		st.Pending[net] = n
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	// Not MIN(created_at): an aggregate loses the column's declared type, and with it the driver's
	// conversion to time.Time. The oldest id is the oldest message.
	err = t.q.QueryRowContext(ctx, `SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1`).Scan(&st.OldestPending)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("read oldest pending message: %w", err)
	}
	if err := t.q.QueryRowContext(ctx, `SELECT COALESCE(SUM(status = 'parked'), 0), COALESCE(SUM(status = 'failed'), 0) FROM outbox
		WHERE status IN ('parked', 'failed')`).Scan(&st.Parked, &st.Failed); err != nil {
		return st, fmt.Errorf("count parked messages: %w", err)
	}
	return st, nil
}

// jobRunKey is the kv key under which a job's last run is kept.
func jobRunKey(job string) string { return "job.last_run." + job }

// JobRun is the last run of a scheduled job.
type JobRun struct {
	Job      string        `json:"job"`
	At       time.Time     `json:"at"`
	Duration time.Duration `json:"duration_ns"`
	Error    string        `json:"error,omitempty"`
}

// RecordJobRun keeps the last run of a job, for /healthz.
func (t *Tx) RecordJobRun(ctx context.Context, r JobRun) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record run of %s: %w", r.Job, err)
	}
	return t.SetKV(ctx, jobRunKey(r.Job), string(b))
}

// LastJobRun returns the last recorded run of job; ok is false when it never ran.
func (t *Tx) LastJobRun(ctx context.Context, job string) (r JobRun, ok bool, err error) {
	v, err := t.GetKV(ctx, jobRunKey(job))
	if err != nil || v == "" {
		return JobRun{Job: job}, false, err
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return JobRun{Job: job}, false, fmt.Errorf("read last run of %s: %w", job, err)
	}
	return r, true, nil
}

// CountEvaluations returns how many evaluation results are recorded.
func (t *Tx) CountEvaluations(ctx context.Context) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM evaluations`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count evaluations: %w", err)
	}
	return n, nil
}

// WithoutIndexes runs fn with table's own indexes dropped and rebuilds them afterwards: loading
// millions of rows (`lapkin seed`) and then sorting them into each index once is several times
// faster than keeping every index up to date row by row. The table's triggers are dropped too (a
// report's keeps its target's running total) and the totals rebuilt from the rows at the end.
// Only for a database nobody else is using.
func (s *Store) WithoutIndexes(ctx context.Context, table string, fn func() error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT name, sql, type FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL`, table)
	if err != nil {
		return fmt.Errorf("list indexes of %s: %w", table, err)
	}
	type index struct{ name, sql, kind string }
	var idx []index
	for rows.Next() {
		var i index
		if err := rows.Scan(&i.name, &i.sql, &i.kind); err != nil {
			rows.Close()
			return err
		}
		idx = append(idx, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, i := range idx {
		if _, err := s.db.ExecContext(ctx, `DROP `+strings.ToUpper(i.kind)+` "`+i.name+`"`); err != nil {
			return fmt.Errorf("drop index %s: %w", i.name, err)
		}
	}
	ferr := fn()
	for _, i := range idx {
		if _, err := s.db.ExecContext(ctx, i.sql); err != nil {
			return errors.Join(ferr, fmt.Errorf("rebuild index %s: %w", i.name, err))
		}
	}
	if table == "reports" {
		return errors.Join(ferr, s.Update(ctx, func(tx *Tx) error { return tx.RebuildTargetTotals(ctx) }))
	}
	return ferr
}
