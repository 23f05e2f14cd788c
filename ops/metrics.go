// Package ops is what an operator sees of a running Lapkin: /healthz (is it serving, and if not,
// why) and /metrics (Prometheus), on [http] listen. It observes the runtime from the outside — a
// Handler middleware, a JobRunner wrapper, a delivery observer and collectors that read the
// store at scrape time — so that bot/ and flows/ carry no metrics code of their own.
package ops

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/outbox"
	"github.com/lapkin-id/lapkin/store"
)

// Metrics holds Lapkin's Prometheus collectors in a registry of their own (no global state).
type Metrics struct {
	Registry *prometheus.Registry

	received   *prometheus.CounterVec
	handleSecs *prometheus.HistogramVec
	handleErrs *prometheus.CounterVec
	sent       *prometheus.CounterVec
	failed     *prometheus.CounterVec
	jobRuns    *prometheus.CounterVec
	jobSecs    *prometheus.HistogramVec
}

// NewMetrics registers Lapkin's metrics, the Go runtime's and the process's. st, when not nil,
// is read at each scrape for the outbox's depth and age and the evaluations recorded: those are
// facts of the database, true across restarts and across processes sharing it.
func NewMetrics(st *store.Store, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lapkin_messages_received_total", Help: "Inbound messages handed to the flows, by network.",
		}, []string{"net"}),
		handleSecs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lapkin_handle_duration_seconds", Help: "Time to handle one inbound message and commit its effects and replies.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"net"}),
		handleErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lapkin_handle_errors_total", Help: "Inbound messages whose effects could not be committed (the platform redelivers them).",
		}, []string{"net"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lapkin_messages_sent_total", Help: "Outbox messages delivered, by network.",
		}, []string{"net"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lapkin_replies_failed_total", Help: "Failed delivery attempts, by network and outcome (retry, unreachable, rejected, parked).",
		}, []string{"net", "outcome"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lapkin_job_runs_total", Help: "Scheduled job runs, by job and result (ok, error).",
		}, []string{"job", "result"}),
		jobSecs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lapkin_job_duration_seconds", Help: "Duration of scheduled job runs.",
			Buckets: []float64{.01, .05, .1, .5, 1, 2, 5, 10, 30, 60, 120},
		}, []string{"job"}),
	}
	m.Registry.MustRegister(m.received, m.handleSecs, m.handleErrs, m.sent, m.failed, m.jobRuns, m.jobSecs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if st != nil {
		m.Registry.MustRegister(&storeCollector{st: st, log: log})
	}
	return m
}

// Handler counts and times every message h handles.
func (m *Metrics) Handler(h chat.Handler) chat.Handler {
	return chat.HandlerFunc(func(ctx context.Context, msg chat.Message) error {
		net := msg.Sender.Net
		m.received.WithLabelValues(net).Inc()
		start := time.Now() // a duration for the histogram, not a business time: the wall clock is right
		err := h.Handle(ctx, msg)
		m.handleSecs.WithLabelValues(net).Observe(time.Since(start).Seconds())
		if err != nil {
			m.handleErrs.WithLabelValues(net).Inc()
		}
		return err
	})
}

var _ outbox.DeliveryObserver = (*Metrics)(nil)

// Sent counts a delivered message.
func (m *Metrics) Sent(net string) { m.sent.WithLabelValues(net).Inc() }

// Failed counts a failed delivery attempt with its outcome.
func (m *Metrics) Failed(net, outcome string) { m.failed.WithLabelValues(net, outcome).Inc() }

// Jobs wraps a job runner: each run is counted, timed, and recorded in the store as the job's last
// run for /healthz. at is the run's scheduled time; clock says when it actually ran.
func (m *Metrics) Jobs(st *store.Store, clock chat.Clock, log *slog.Logger, run bot.JobRunner) bot.JobRunner {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, job string, at time.Time) error {
		start := time.Now()
		err := run(ctx, job, at)
		d := time.Since(start)
		result := "ok"
		rec := store.JobRun{Job: job, At: clock.Now(), Duration: d}
		if err != nil {
			result = "error"
			rec.Error = err.Error()
		}
		m.jobRuns.WithLabelValues(job, result).Inc()
		m.jobSecs.WithLabelValues(job).Observe(d.Seconds())
		if st != nil {
			if rerr := st.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error { return tx.RecordJobRun(ctx, rec) }); rerr != nil {
				log.Warn("record job run", "job", job, "err", rerr)
			}
		}
		return err
	}
}

// storeCollector reads the database at scrape time.
type storeCollector struct {
	st  *store.Store
	log *slog.Logger
}

var (
	descOutboxPending = prometheus.NewDesc("lapkin_outbox_pending", "Messages waiting in the outbox, by network.", []string{"net"}, nil)
	descOutboxAge     = prometheus.NewDesc("lapkin_outbox_oldest_age_seconds", "Age of the oldest pending outbox message (0 when none waits).", nil, nil)
	descOutboxParked  = prometheus.NewDesc("lapkin_outbox_parked", "Messages whose attempts ran out, waiting for `lapkin outbox retry`.", nil, nil)
	descOutboxFailed  = prometheus.NewDesc("lapkin_outbox_failed", "Messages given up for good: refused by the platform or to a recipient who blocked the bot.", nil, nil)
	descEvaluations   = prometheus.NewDesc("lapkin_evaluations_recorded_total", "Evaluation results recorded (they are never deleted).", nil, nil)
	descStoreUp       = prometheus.NewDesc("lapkin_database_up", "1 when the database answered this scrape.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutboxPending
	ch <- descOutboxAge
	ch <- descOutboxParked
	ch <- descOutboxFailed
	ch <- descEvaluations
	ch <- descStoreUp
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var st store.OutboxStats
	var evals int
	err := c.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if st, err = tx.OutboxStats(ctx); err != nil {
			return err
		}
		evals, err = tx.CountEvaluations(ctx)
		return err
	})
	if err != nil {
		c.log.Warn("metrics: read database", "err", err)
		ch <- prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 1)
	for net, n := range st.Pending {
		ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(n), net)
	}
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = time.Since(st.OldestPending).Seconds()
		if age < 0 {
			age = 0
		}
	}
	ch <- prometheus.MustNewConstMetric(descOutboxAge, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(descOutboxParked, prometheus.GaugeValue, float64(st.Parked))
	ch <- prometheus.MustNewConstMetric(descOutboxFailed, prometheus.GaugeValue, float64(st.Failed))
	ch <- prometheus.MustNewConstMetric(descEvaluations, prometheus.CounterValue, float64(evals))
}
