package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// Health answers /healthz: 200 when Lapkin can serve, 503 with the reasons when it cannot.
type Health struct {
	Store *store.Store
	Clock chat.Clock
	// Transports reports each enabled network's state; a network that cannot send (logged out,
	// banned, outdated, not linked) or is not connected makes the answer 503.
	Transports func() []chat.Health
	// Jobs names the scheduled jobs whose last run is shown.
	Jobs []string
	// MaxOutboxAge is how old the oldest pending message may be before it counts as a fault: replies
	// are then not going out. Zero means 15 minutes.
	MaxOutboxAge time.Duration
}

// Report is the body of /healthz.
type Report struct {
	Status     string        `json:"status"` // "ok" or "unavailable"
	Reasons    []string      `json:"reasons,omitempty"`
	Warnings   []string      `json:"warnings,omitempty"`
	CheckedAt  time.Time     `json:"checked_at"`
	Database   string        `json:"database"`
	Transports []chat.Health `json:"transports"`
	Outbox     OutboxReport  `json:"outbox"`
	Jobs       []JobReport   `json:"jobs"`
}

// JobReport is a scheduled job's last run as /healthz shows it: last_run is its time (RFC 3339),
// or "never" for a job that has not run since the database was made (issue 26, item 8: a zero
// time, "0001-01-01T00:00:00Z", read as a run on the first day of year 1).
type JobReport struct {
	Job      string        `json:"job"`
	LastRun  string        `json:"last_run"`
	At       *time.Time    `json:"at,omitempty"`
	Duration time.Duration `json:"duration_ns,omitempty"`
	Error    string        `json:"error,omitempty"`
}

// OutboxReport is the outbox part of a Report.
type OutboxReport struct {
	Pending          map[string]int `json:"pending"`
	OldestAgeSeconds float64        `json:"oldest_age_seconds"`
	// Parked counts messages whose attempts ran out (an outage longer than the retries): they
	// are kept and `lapkin outbox retry` sends them again.
	Parked int `json:"parked"`
	// Failed counts messages given up for good (refused, or the recipient blocked the bot).
	Failed int `json:"failed"`
}

// Check looks at the database, the transports, the outbox and the jobs.
func (h *Health) Check(ctx context.Context) Report {
	now := h.Clock.Now()
	rep := Report{Status: "ok", CheckedAt: now, Database: "ok", Transports: []chat.Health{}, Jobs: []JobReport{},
		Outbox: OutboxReport{Pending: map[string]int{}}}
	fail := func(format string, a ...any) { rep.Reasons = append(rep.Reasons, fmt.Sprintf(format, a...)) }

	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := h.Store.View(ctx, func(tx *store.Tx) error {
		st, err := tx.OutboxStats(ctx)
		if err != nil {
			return err
		}
		rep.Outbox.Pending, rep.Outbox.Parked, rep.Outbox.Failed = st.Pending, st.Parked, st.Failed
		if !st.OldestPending.IsZero() && now.After(st.OldestPending) {
			rep.Outbox.OldestAgeSeconds = now.Sub(st.OldestPending).Seconds()
		}
		groups, err := tx.FailedGroups(ctx)
		if err != nil {
			return err
		}
		for _, g := range groups {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("group %s:%s (OPD %s): sends fail for good since %s: %s",
				g.Net, g.ChatID, g.OPDCode, g.Since.UTC().Format(time.RFC3339), g.Reason))
		}
		for _, j := range h.Jobs {
			r, ok, err := tx.LastJobRun(ctx, j)
			if err != nil {
				return err
			}
			jr := JobReport{Job: j, LastRun: "never"}
			if ok {
				at := r.At
				jr.LastRun, jr.At, jr.Duration, jr.Error = at.Format(time.RFC3339), &at, r.Duration, r.Error
			}
			rep.Jobs = append(rep.Jobs, jr)
		}
		return nil
	})
	if err != nil {
		rep.Database = err.Error()
		fail("database: %v", err)
	}
	maxAge := h.MaxOutboxAge
	if maxAge == 0 {
		maxAge = 15 * time.Minute
	}
	if age := time.Duration(rep.Outbox.OldestAgeSeconds * float64(time.Second)); age > maxAge {
		fail("outbox: the oldest reply has waited %s (more than %s)", age.Round(time.Second), maxAge)
	}
	if rep.Outbox.Parked > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("outbox: %d message(s) parked; `lapkin outbox retry` sends them again", rep.Outbox.Parked))
	}
	for _, r := range rep.Jobs {
		if r.Error != "" {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("job %s: last run failed: %s", r.Job, r.Error))
		}
	}
	if h.Transports != nil {
		rep.Transports = append(rep.Transports, h.Transports()...)
	}
	sort.Slice(rep.Transports, func(i, j int) bool { return rep.Transports[i].Net < rep.Transports[j].Net })
	for _, t := range rep.Transports {
		if t.State != chat.StateConnected || !t.CanSend {
			if t.Detail != "" {
				fail("%s: %s (%s)", t.Net, t.State, t.Detail)
			} else {
				fail("%s: %s", t.Net, t.State)
			}
		}
	}
	if len(rep.Reasons) > 0 {
		rep.Status = "unavailable"
	}
	return rep
}

// ServeHTTP answers with the report as JSON: 200 when ok, 503 otherwise.
func (h *Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rep := h.Check(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if rep.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}
