package flows

import (
	"context"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/outbox"
	"github.com/lapkin-id/lapkin/store"
)

// preload makes r.tx answer the questions a job asks person by person (calendar, report days,
// contract, realisation, employee) for emps from a few batched queries (store.Tx.Preloaded),
// until the returned function puts the plain transaction back. The answers are the same either
// way; only the number of queries changes: one OPD's digest or evaluation asked a dozen queries
// per person, 20,000 people a quarter of a million. emps' own rows answer Employee for them: the
// caller read them (a job, when it listed the city) and works from them anyway.
func (r *request) preload(emps []store.Employee, p store.Preload) (func(), error) {
	if r.e.noPreload {
		return func() {}, nil
	}
	p.NIPs, p.People = p.NIPs[:0], emps
	for i := range emps {
		p.NIPs = append(p.NIPs, emps[i].NIP)
	}
	p.ApprovedOnly = r.e.opt.RequireApproval
	tx, err := r.tx.Preloaded(r.ctx, p)
	if err != nil {
		return nil, err
	}
	saved := r.tx
	r.tx = tx
	return func() { r.tx = saved }, nil
}

// byOPD splits employees (listed by OPD, as store.Employees returns them) into runs of one OPD
// each: the unit a job reads ahead and writes in.
func byOPD(emps []store.Employee) [][]store.Employee {
	var out [][]store.Employee
	start := 0
	for i := 1; i <= len(emps); i++ {
		if i == len(emps) || emps[i].OPDCode != emps[start].OPDCode {
			out = append(out, emps[start:i])
			start = i
		}
	}
	return out
}

// noticesPerWrite is how many notices one write transaction of a job claims and queues: enough
// that commits cost little, few enough that a report arriving meanwhile waits a few milliseconds.
// With 200, a report arriving during the city's reminders waited up to 96-110 ms on the AMD
// machine (p99 62-96 ms), with 100 up to 39-59 ms; the run took as long either way.
const noticesPerWrite = 100

// noticeBatch gathers what a job will send, each notice under its key in the job ledger, while
// the job reads; writeNotices then claims and queues them in short write transactions. So the
// reading (a whole city's calendars and reports) happens in a read transaction, on a snapshot,
// and never holds the write lock that incoming reports need.
type noticeBatch struct {
	job, period string
	items       []pendingNotice
	open        bool            // the last item takes the replies queued since its claim
	claimed     map[string]bool // the ledger's keys of this job and period, read at the first claim
	// ledger, when set, is the job's ledger read once for a whole run (eachOPD), shared by its
	// batches and never changed: claimed then holds only what this batch claimed.
	ledger map[string]bool
}

type pendingNotice struct {
	key string // "" for replies that are not claimed in the ledger
	out []chat.Reply
}

// claim stands in for ClaimNotice while reading: false when the ledger already holds the key;
// otherwise the replies queued from now on belong to this notice. The write checks again.
func (b *noticeBatch) claim(r *request, key string) (bool, error) {
	b.take(r)
	if b.claimed == nil && b.ledger != nil {
		b.claimed = map[string]bool{}
	}
	if b.claimed == nil {
		var err error
		if b.claimed, err = r.tx.ClaimedNotices(r.ctx, b.job, b.period); err != nil {
			return false, err
		}
	}
	if b.claimed[key] || b.ledger[key] {
		return false, nil
	}
	b.items = append(b.items, pendingNotice{key: key})
	b.open = true
	return true, nil
}

// take moves the replies r queued since the last claim into the batch.
func (b *noticeBatch) take(r *request) {
	if len(r.out) > 0 {
		if n := len(b.items); n > 0 && b.open {
			b.items[n-1].out = append(b.items[n-1].out, r.out...)
		} else {
			b.items = append(b.items, pendingNotice{out: r.out})
		}
	}
	r.out = nil
	b.open = false
}

// write claims and queues the gathered notices, noticesPerWrite per transaction, and empties the
// batch. A notice whose key was claimed meanwhile (a second process, a catch-up) is dropped.
func (e *Engine) writeNotices(ctx context.Context, at time.Time, b *noticeBatch) error {
	items := b.items
	b.items, b.open = nil, false
	for len(items) > 0 {
		n := min(len(items), noticesPerWrite)
		chunk := items[:n]
		items = items[n:]
		err := e.store.Update(ctx, func(tx *store.Tx) error {
			r := e.jobRequest(ctx, tx, at)
			for _, it := range chunk {
				if it.key != "" {
					ok, err := tx.ClaimNotice(ctx, b.job, b.period, it.key, r.now)
					if err != nil {
						return err
					}
					if !ok {
						continue
					}
					if b.claimed != nil {
						b.claimed[it.key] = true
					}
				}
				r.out = append(r.out, it.out...)
			}
			return r.flush()
		})
		if err != nil {
			return err
		}
		e.queued()
	}
	return nil
}

// eachOPD runs read once per OPD (its employees, by OPD as store.Employees lists them), each in a
// read transaction of its own with the OPD's people read ahead as p asks, gathering into a batch
// of the job's key and period, and writes each OPD's batch in the OPDs' order. Two OPDs are read
// at a time: the standard machine has two cores, and the writes stay in order.
func (e *Engine) eachOPD(ctx context.Context, at time.Time, job, period string, p func(r *request) store.Preload,
	read func(r *request, emps []store.Employee, b *noticeBatch) error) error {
	var all []store.Employee
	var ledger map[string]bool
	err := e.store.View(ctx, func(tx *store.Tx) (err error) {
		if all, err = tx.Employees(ctx, ""); err != nil {
			return err
		}
		// The ledger is read once for the run: read by each OPD's batch, it held every claim the
		// run had made before that OPD (20,000 rows for the last OPD of a city, 400,000 in all).
		// Those are other people's; a claim another process makes meanwhile is dropped by the
		// write, which decides.
		ledger, err = tx.ClaimedNotices(ctx, job, period)
		return err
	})
	if err != nil {
		return err
	}
	groups := byOPD(all)
	return e.readInOrder(ctx, at, len(groups), func(ctx context.Context, i int, b *noticeBatch) error {
		b.job, b.period, b.ledger = job, period, ledger
		return e.store.View(ctx, func(tx *store.Tx) error {
			r := e.jobRequest(ctx, tx, at)
			restore, err := r.preload(groups[i], p(r))
			if err != nil {
				return err
			}
			defer restore()
			if err := read(r, groups[i], b); err != nil {
				return err
			}
			b.take(r)
			return nil
		})
	})
}

// jobWorkers is how many parts of a job are read at once: the standard machine's two cores.
const jobWorkers = 2

// readInOrder runs read for parts 0..n-1, jobWorkers at a time, each filling a batch of its own,
// and writes the batches in the parts' order as they become ready.
func (e *Engine) readInOrder(ctx context.Context, at time.Time, n int, read func(ctx context.Context, i int, b *noticeBatch) error) error {
	type result struct {
		b   *noticeBatch
		err error
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan result, n)
	sem := make(chan struct{}, jobWorkers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := range n {
		results[i] = make(chan result, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-rctx.Done():
				results[i] <- result{err: rctx.Err()}
				return
			}
			defer func() { <-sem }()
			b := &noticeBatch{}
			err := read(rctx, i, b)
			results[i] <- result{b, err}
		}()
	}
	for i := range n {
		res := <-results[i]
		if res.err != nil {
			return res.err
		}
		if err := e.writeNotices(ctx, at, res.b); err != nil {
			return err
		}
	}
	return nil
}

// runLater runs what a message left for after its commit (request.later). The message is already
// stored and handled; a failure here is answered with the apology of a failed message and logged.
func (e *Engine) runLater(ctx context.Context, r *request) {
	err := r.later()
	r.later, r.tx = nil, nil
	if err == nil {
		e.queued()
		return
	}
	text := e.cat.T(r.lang, "common.internal_error", nil)
	if fe, ok := asError(err); ok {
		text = e.cat.T(r.lang, fe.Key, fe.Args)
	} else {
		e.log.Error("handle message after commit", "chat", r.msg.Chat.String(), "msg", r.msg.ID, "err", err)
	}
	err = e.store.Update(ctx, func(tx *store.Tx) error {
		return outbox.Enqueue(ctx, tx, chat.Reply{To: r.msg.Chat, Text: text}, r.now, e.opt.Networks.Capabilities(r.msg.Chat.Net))
	})
	if err != nil {
		e.log.Error("answer failed message", "chat", r.msg.Chat.String(), "msg", r.msg.ID, "err", err)
	}
	e.queued()
}

// inView runs fn with r reading a snapshot (a read transaction) instead of its own transaction.
func (r *request) inView(fn func() error) error {
	return r.e.store.View(r.ctx, func(tx *store.Tx) error {
		saved := r.tx
		r.tx = tx
		defer func() { r.tx = saved }()
		return fn()
	})
}

// inUpdate runs fn with r in a write transaction of its own, and queues what fn said in it.
func (r *request) inUpdate(fn func() error) error {
	return r.e.store.Update(r.ctx, func(tx *store.Tx) error {
		saved := r.tx
		r.tx = tx
		defer func() { r.tx = saved }()
		r.out = nil
		if err := fn(); err != nil {
			r.out = nil
			return err
		}
		return r.flush()
	})
}

// reader is a copy of r for a goroutine that reads on snapshots of its own (inView) while r goes
// on: the same sender, clock, language and scoring parameters; none of r's transaction or replies.
func (r *request) reader(ctx context.Context) *request {
	return &request{ctx: ctx, e: r.e, msg: r.msg, now: r.now, today: r.today, who: r.who, lang: r.lang, params: r.params}
}

// inOrder runs read for parts 0..n-1 on up to workers goroutines, never more than ahead parts
// past the one being consumed, and hands each result to consume in the parts' order, on the
// calling goroutine. The first error (in the parts' order) stops everything and is returned.
func inOrder[T any](ctx context.Context, n, workers, ahead int, read func(ctx context.Context, i int) (T, error),
	consume func(i int, v T) error) error {
	type result struct {
		v   T
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	results := make([]chan result, n)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	tokens := make(chan struct{}, max(ahead, 1)) // parts read or being read, not yet consumed
	next := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(next)
		for i := range n {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range min(max(workers, 1), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v, err := read(ctx, i)
				results[i] <- result{v, err}
			}
		}()
	}
	for i := range n {
		var res result
		select {
		case res = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if res.err != nil {
			return res.err
		}
		if err := consume(i, res.v); err != nil {
			return err
		}
		<-tokens
	}
	return nil
}
