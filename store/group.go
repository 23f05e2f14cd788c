package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Group commit.
//
// Every write goes through the one writer connection, one transaction at a time, and on a busy
// bot most of a quick report's write was its commit: the WAL frames of the dozen pages it changed,
// two pwrite calls each, and BEGIN/COMMIT themselves. When several Updates are waiting, the one at
// the head of the queue (the leader) runs them all in one transaction, each after the first in a
// savepoint of its own, and commits once: the pages they share (the report table's last page, the
// outbox's, the inbound ids') are written once, and the commit's fixed cost is shared.
//
// What each caller sees does not change:
//   - Update returns nil only once its effects are committed (a message is still stored before it
//     is acknowledged), and an error when they are not.
//   - A fn that fails is rolled back (to its own savepoint): the others' effects stay and commit.
//   - The fns run one after the other in the order they asked, each seeing the effects of those
//     before it, exactly as when each committed on its own. (A fn that calls View reads the last
//     committed state; that was already not fn's own writes, and now it may also miss those of the
//     fns before it in the group. No flow reads that way: the long evaluations and jobs that use
//     View run after their message's Update has returned.)
//   - When the group's transaction cannot commit (a full disk, an I/O error), or SQLite rolled it
//     back under a failing statement, every fn in it gets the error: nothing of theirs is stored.
//
// A group takes the waiting Updates in order, up to maxGroup of them and for at most groupBudget
// after it began (a job's batch of 100 notices ends a group by itself), so a message waits for at
// most a few milliseconds of others' work.
//
// The fns run on the leader's goroutine. A panic in one is recovered there, its savepoint rolled
// back, and raised again in its own caller's goroutine.
const (
	maxGroup    = 64
	groupBudget = 5 * time.Millisecond
)

// groupLimits are maxGroup and groupBudget, per store so that a test can hold a group open.
type groupLimits struct {
	max    int
	budget time.Duration
}

// writeReq is one Update waiting for, or in, a group.
type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	wake chan bool // true: lead the next group; false: done

	err      error
	panicked *panicked
	frozen   []frozenEntry // what to remember once committed
}

type panicked struct{ v any }

// Update runs fn in an immediate transaction on the writer and commits when fn returns nil, or
// rolls fn's effects back when it returns an error. Updates run one at a time, in the order they
// asked; waiting ones are committed together (see Group commit above). fn may call View (it reads
// the last committed state) but must not call Update: that would wait for itself.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	w := &writeReq{ctx: ctx, fn: fn, wake: make(chan bool, 1)}
	s.wmu.Lock()
	s.wq = append(s.wq, w)
	lead := !s.writing
	s.writing = true
	s.wmu.Unlock()
	if !lead {
		lead = <-w.wake
	}
	if lead {
		s.lead()
	}
	if w.panicked != nil {
		panic(w.panicked.v)
	}
	return w.err
}

// lead runs one group, starting with the head of the queue (the caller's own request), and hands
// the queue to the next waiting request, or leaves it idle.
func (s *Store) lead() {
	defer func() {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		if len(s.wq) > 0 {
			s.wq[0].wake <- true
			return
		}
		s.writing = false
	}()
	g := group{s: s, start: time.Now()}
	g.run()
}

// group is the transaction a leader runs.
type group struct {
	s     *Store
	start time.Time
	tx    *sql.Tx
	in    []*writeReq // requests whose effects are in tx, waiting for the commit
	taken int
	bare  bool // only the first member is in tx, without a savepoint
}

// next takes the next request from the queue: always the first, then while the group has room.
func (g *group) next() *writeReq {
	s := g.s
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if len(s.wq) == 0 || (g.taken > 0 && (g.taken >= s.limits.max || time.Since(g.start) >= s.limits.budget)) {
		return nil
	}
	w := s.wq[0]
	s.wq[0] = nil
	s.wq = s.wq[1:]
	g.taken++
	return w
}

func (g *group) run() {
	for w := g.next(); w != nil; w = g.next() {
		g.add(w)
	}
	g.commit()
}

// add runs w's fn in the group's transaction. The first member runs on the bare transaction: if
// it fails, the transaction is rolled back, as a lone Update's always was. Each member after it
// runs in a savepoint of its own. A savepoint is not free: SQLite copies each page the member
// changes that was in the database when the savepoint began into the statement journal, which
// spills to a temporary file past 64 KiB (pwrite calls). For a lone write of hundreds of rows (a
// job's batch of notices, a seed's contracts) that was a copy of every page it touched: 40% of the
// seed's contract writes. The members after the first are small, as they waited (messages).
func (g *group) add(w *writeReq) {
	if err := w.ctx.Err(); err != nil {
		g.finish(w, err)
		return
	}
	if g.tx == nil {
		// The transaction is not tied to any one caller's context: database/sql would roll it back
		// when that context ends, with the others' effects in it. Each fn's statements still run
		// under its own context.
		tx, err := g.s.db.BeginTx(context.Background(), nil)
		if err != nil {
			g.finish(w, fmt.Errorf("begin transaction: %w", err))
			return
		}
		g.tx = tx
		if err := g.call(w); err != nil {
			w.frozen = nil
			_ = g.tx.Rollback()
			g.tx = nil
			g.finish(w, err)
			return
		}
		g.in = append(g.in, w)
		g.bare = true
		return
	}
	if g.bare {
		// SQLite may have rolled the transaction back under a failing statement of the first member
		// (an I/O error, an interrupt) while its fn went on regardless. A savepoint now would begin
		// a transaction of its own, and its RELEASE would commit the next member alone. So the
		// first member fails, and the next one begins a new transaction. (Among members in
		// savepoints, RELEASE catches the same thing.)
		g.bare = false
		if !g.open() {
			g.abort(errors.New("the transaction ended under a write"))
			g.add(w)
			return
		}
	}
	if _, err := g.tx.Exec(`SAVEPOINT member`); err != nil {
		err = fmt.Errorf("savepoint: %w", err)
		g.abort(err)
		g.finish(w, err)
		return
	}
	err := g.call(w)
	if err == nil {
		if _, err := g.tx.Exec(`RELEASE member`); err != nil {
			err = fmt.Errorf("the transaction ended under a write: %w", err)
			g.abort(err)
			g.finish(w, err)
			return
		}
		g.in = append(g.in, w)
		return
	}
	w.frozen = nil
	if rerr := g.undo(); rerr != nil {
		// SQLite rolled the whole transaction back under the failing statement (an I/O error, an
		// interrupt): the effects of those before w are gone too.
		g.abort(fmt.Errorf("a write in the same transaction failed: %w", err))
	}
	g.finish(w, err)
}

// open reports whether the group's transaction is still open. database/sql cannot ask SQLite
// (sqlite3_get_autocommit is not exposed), so it asks with a BEGIN: inside a transaction SQLite
// refuses it ("cannot start a transaction within a transaction") and changes nothing; if it
// succeeds, the transaction had ended, and the one just begun is rolled back.
func (g *group) open() bool {
	if _, err := g.tx.Exec(`BEGIN`); err != nil {
		return true
	}
	_, _ = g.tx.Exec(`ROLLBACK`)
	return false
}

// undo rolls the last member back to its savepoint and ends the savepoint.
func (g *group) undo() error {
	if _, err := g.tx.Exec(`ROLLBACK TO member`); err != nil {
		return err
	}
	_, err := g.tx.Exec(`RELEASE member`)
	return err
}

// call runs w's fn with a statement cache of its own on the group's transaction.
func (g *group) call(w *writeReq) (err error) {
	q := &stmtCache{p: g.tx, tx: g.tx, pool: g.s.wstmts}
	defer q.done()
	defer q.close()
	defer func() {
		if p := recover(); p != nil {
			w.panicked = &panicked{p}
			err = fmt.Errorf("panic in update: %v", p)
		}
	}()
	return w.fn(&Tx{q: q, frozen: &g.s.frozen, frozenLater: &w.frozen})
}

// abort rolls the group's transaction back and fails every request whose effects were in it.
func (g *group) abort(err error) {
	if g.tx != nil {
		_ = g.tx.Rollback()
		g.tx = nil
	}
	for _, w := range g.in {
		w.frozen = nil
		g.finish(w, err)
	}
	g.in = nil
	g.bare = false
}

// commit commits the group's transaction and tells each request in it.
func (g *group) commit() {
	if g.tx == nil {
		return
	}
	if len(g.in) == 0 {
		_ = g.tx.Rollback() // every fn failed: nothing to write
		g.tx = nil
		return
	}
	if err := g.tx.Commit(); err != nil {
		g.tx = nil
		g.abort(fmt.Errorf("commit: %w", err))
		return
	}
	g.tx = nil
	g.s.written.Add(1)
	g.s.commits.Add(1)
	for _, w := range g.in {
		for _, e := range w.frozen {
			g.s.frozen.put(e.key, e.targets)
		}
		g.finish(w, nil)
	}
	g.in = nil
}

// finish gives w its outcome and wakes its caller (the leader's own request needs no waking: the
// leader reads it when run returns).
func (g *group) finish(w *writeReq, err error) {
	w.err = err
	select {
	case w.wake <- false:
	default:
	}
}
