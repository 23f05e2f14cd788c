package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/lapkin-id/lapkin/chat"
)

// JobSpec is one scheduled job from the config: its name, the config key it came from (for error
// messages) and its five-field cron spec.
type JobSpec struct {
	Name string
	Key  string
	Spec string
}

// Fire is one run of a job, at the minute its schedule named.
type Fire struct {
	Job string
	At  time.Time
}

// JobRunner runs job for the scheduled time at. It must be idempotent per period (a ledger row
// per job, period and recipient), because a restart, a catch-up and a second process may all
// ask for the same run.
type JobRunner func(ctx context.Context, job string, at time.Time) error

// StillCurrent tells whether a run scheduled at `at` still belongs to the period current at now,
// so that a run missed while the bot was down is caught up only while it still means something.
type StillCurrent func(job string, at, now time.Time) bool

// Scheduler turns cron ticks into job runs. What we learned from robfig/cron v3.0.1's source (and
// LIBRARIES.md): ParseStandard panics on some malformed specs, so every spec is parsed at start
// inside a recover and reported by its config key; the chain must be SkipIfStillRunning then
// Recover, or one panic stops a job for good; and cron never replays missed runs, which CatchUp
// does from the schedules themselves.
type Scheduler struct {
	loc     *time.Location
	clock   chat.Clock
	run     JobRunner
	current StillCurrent
	log     *slog.Logger
	entries []entry
}

type entry struct {
	JobSpec
	sched cron.Schedule
}

// NewScheduler parses every spec, and refuses to start with one that does not parse, naming its key.
func NewScheduler(loc *time.Location, clock chat.Clock, jobs []JobSpec, run JobRunner, current StillCurrent, log *slog.Logger) (*Scheduler, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Scheduler{loc: loc, clock: clock, run: run, current: current, log: log}
	for _, j := range jobs {
		sched, err := parseSpec(j.Spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a five-field cron spec (minute hour day month weekday): %w", j.Key, j.Spec, err)
		}
		s.entries = append(s.entries, entry{JobSpec: j, sched: sched})
	}
	return s, nil
}

func parseSpec(spec string) (sched cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return cron.ParseStandard(spec)
}

// Due lists the runs scheduled in (from, to], in time order (and config order within a minute).
func (s *Scheduler) Due(from, to time.Time) []Fire {
	var out []Fire
	for _, e := range s.entries {
		for t := e.sched.Next(from.In(s.loc)); !t.After(to); t = e.sched.Next(t) {
			out = append(out, Fire{Job: e.Name, At: t})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// Tick runs, in order, every job due in (from, to]: the demo's `:time`.
func (s *Scheduler) Tick(ctx context.Context, from, to time.Time) error {
	for _, f := range s.Due(from, to) {
		if err := s.run(ctx, f.Job, f.At); err != nil {
			return fmt.Errorf("job %s at %s: %w", f.Job, f.At.Format("2006-01-02 15:04"), err)
		}
	}
	return nil
}

// catchUpWindow is how far back a missed run is looked for.
const catchUpWindow = 8 * 24 * time.Hour

// CatchUp runs, for each job, its latest scheduled run before now if that run's period is still
// current; an older one is skipped and logged. The runner's ledger makes a run that already
// happened before the restart send nothing.
func (s *Scheduler) CatchUp(ctx context.Context) error {
	now := s.clock.Now().In(s.loc)
	latest := map[string]time.Time{}
	for _, f := range s.Due(now.Add(-catchUpWindow), now) {
		latest[f.Job] = f.At
	}
	for _, e := range s.entries {
		at, ok := latest[e.Name]
		if !ok || at.IsZero() {
			continue
		}
		latest[e.Name] = time.Time{} // a job with two specs catches up once
		if !s.current(e.Name, at, now) {
			s.log.Info("missed run no longer current, skipped", "job", e.Name, "scheduled", at)
			continue
		}
		if err := s.run(ctx, e.Name, at); err != nil {
			return fmt.Errorf("catch up %s at %s: %w", e.Name, at.Format("2006-01-02 15:04"), err)
		}
	}
	return nil
}

// Start runs the jobs on the wall clock until ctx ends; the returned function waits for a running
// job to finish.
func (s *Scheduler) Start(ctx context.Context) (wait func()) {
	logger := cronLogger{s.log}
	c := cron.New(cron.WithLocation(s.loc), cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	for _, e := range s.entries {
		name := e.Name
		c.Schedule(e.sched, cron.FuncJob(func() {
			at := s.clock.Now().In(s.loc).Truncate(time.Minute)
			if err := s.run(ctx, name, at); err != nil {
				s.log.Error("scheduled job failed", "job", name, "err", err)
			}
		}))
	}
	c.Start()
	go func() { <-ctx.Done(); c.Stop() }()
	return func() { <-c.Stop().Done() }
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(msg, append(kv, "err", err)...)
}
