// Package store keeps Lapkin's data in SQLite through modernc.org/sqlite (no cgo).
//
// It knows SQL and nothing of chat: callers pass plain values and get plain rows. Every write goes
// through Update, one immediate transaction, so that a flow's effects, its flow state and the replies
// it queues in the outbox commit together or not at all.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is an open Lapkin database: one writer connection and a pool of readers.
//
// SQLite lets one transaction write at a time. With a pool of writer connections every Update
// took the write lock at BEGIN on its own connection and the others queued in SQLite's busy
// handler (sleeping and polling): 100 chats at once ran at a tenth of the rate one connection
// reaches. With one writer connection they queue in database/sql instead, in order and without
// polling. Reads (View) run on their own pool: WAL lets them read a snapshot while a write goes on,
// so a long job reading the whole city never holds up an incoming report.
type Store struct {
	db   *sql.DB // the writer: one connection, immediate transactions
	rdb  *sql.DB // the readers: deferred, read-only transactions
	path string

	// The WAL is copied back into the database by a goroutine of its own (checkpoints), not by
	// whichever write happens to cross SQLite's threshold: a checkpoint writes and syncs megabytes,
	// and the report that triggered it waited for that (a third of a second on a busy disk).
	ckpt    *sql.DB
	written atomic.Int64 // commits since the last checkpoint

	// Statements prepared once for the life of the store, on the writer and on the readers: a
	// quick report runs a dozen queries, and preparing each anew for every message was a third
	// of its time.
	wstmts, rstmts *stmtPool

	frozen frozenTargets // the targets of signed contracts, which never change

	// The Updates waiting for the writer, and whether a leader is running a group (group.go).
	wmu     sync.Mutex
	wq      []*writeReq
	writing bool
	limits  groupLimits
	commits atomic.Int64 // write transactions committed (a group counts once)

	closeOnce sync.Once
	closeErr  error
	stopCkpt  chan struct{}
	ckptDone  chan struct{}
}

// readers is the size of the read pool: more than the cores, so a slow reader (a digest) leaves
// room for the short ones (the outbox, a /progres).
const readers = 4

// DSN returns the connection string for the database file at path. The pragmas must be in the DSN:
// a PRAGMA run through Exec reaches only one pooled connection. _txlock=immediate makes every
// transaction take the write lock at BEGIN, so read-then-write transactions never fail with
// SQLITE_BUSY midway (see LIBRARIES.md), and _time_format=sqlite keeps times readable by SQLite's
// date functions.
func DSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate&_time_format=sqlite"
}

// writerDSN is DSN without automatic checkpoints: the checkpointer goroutine does them.
func writerDSN(path string) string {
	return DSN(path) + "&_pragma=wal_autocheckpoint(0)"
}

// readDSN is the connection string of the read pool: deferred transactions (a reader must never
// take the write lock) and query_only, so that a write slipped into View fails loudly instead of
// racing the writer. Each reader keeps a page cache of 500 KiB instead of SQLite's 2 MiB: the
// jobs read far more than either holds, so a bigger cache saves no reads, while four of them
// add 6 MiB to every process and 8-9 MB to the peak of /evaluate semua (BENCHMARKS.md).
func readDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_pragma=query_only(1)&_pragma=cache_size(-500)&_txlock=deferred&_time_format=sqlite"
}

// Open opens (creating if needed) the database at path and applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" {
		// Each pooled connection to :memory: is a different empty database.
		return nil, errors.New("open database: a file path is required")
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", writerDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	// Keep the one connection: reopening it would cost the WAL's index and the page cache.
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, path: path, limits: groupLimits{max: maxGroup, budget: groupBudget}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// The readers open after the migrations, so none of them holds an old schema.
	rdb, err := sql.Open("sqlite", readDSN(path))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(readers)
	rdb.SetMaxIdleConns(readers)
	s.rdb = rdb
	ckpt, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		rdb.Close()
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	s.ckpt, s.stopCkpt, s.ckptDone = ckpt, make(chan struct{}), make(chan struct{})
	s.wstmts, s.rstmts = &stmtPool{db: db}, &stmtPool{db: rdb}
	go s.checkpoints()
	return s, nil
}

// checkpointEvery is how often the checkpointer looks for new commits to copy into the database.
const checkpointEvery = 200 * time.Millisecond

// checkpoints copies committed WAL frames into the database in the background, PASSIVE: it never
// waits for a reader or the writer, and SQLite starts the WAL over from its beginning once every
// frame is copied and no reader needs the old ones.
func (s *Store) checkpoints() {
	defer close(s.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stopCkpt:
			return
		case <-t.C:
		}
		if s.written.Swap(0) == 0 {
			continue
		}
		// An error (the file gone, a disk full) shows again on the next write, where it is reported.
		_, _ = s.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

// Close stops the checkpointer, copies the WAL back into the database and closes it. Closing
// again does nothing more.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	close(s.stopCkpt)
	<-s.ckptDone
	s.wstmts.close()
	s.rstmts.close()
	return errors.Join(s.ckpt.Close(), s.rdb.Close(), s.db.Close())
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// DB exposes the writer's handle for the few callers that need it (backups, tests). It has one
// connection: a caller must not hold a row set open while it starts an Update.
func (s *Store) DB() *sql.DB { return s.db }

// querier is what both *sql.DB and *sql.Tx offer, so one set of query methods serves reads
// outside a transaction and writes inside one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx carries the queries of one unit of work: from Update a write transaction, from View a read
// transaction that sees one snapshot of the database from its first query to its end.
type Tx struct {
	q      querier
	pre    *preloaded     // answers read ahead for a group of employees (Preloaded), or nil
	frozen *frozenTargets // the store's, or nil
	// frozenLater holds, in a write transaction, what to remember in frozen once it commits: a
	// transaction rolled back may have read what never was.
	frozenLater *[]frozenEntry
}

// View runs fn in a read transaction on the read pool: every query of fn sees the same snapshot,
// taken at its first query, whatever commits meanwhile, and no write waits for it. fn cannot write.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	q := &stmtCache{p: tx, tx: tx, pool: s.rstmts}
	defer func() {
		q.close()
		_ = tx.Rollback() // a read transaction has nothing to commit
		q.done()
	}()
	return fn(&Tx{q: q, frozen: &s.frozen})
}

// preparer is a querier that can also prepare: *sql.DB and *sql.Tx.
type preparer interface {
	querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmtCache prepares each distinct query once per unit of work and reuses it. A job that loops
// over thousands of people (the digest, reminders, /evaluate, `lapkin seed`) runs the same few
// statements again and again; without the cache SQLite compiles each one anew every time (it was
// 31% of the digest's time). Statements live as long as the unit of work: prepared on the
// transaction's own connection, they cannot outlive it, and no second connection is needed.
type stmtCache struct {
	p      preparer
	tx     *sql.Tx   // the unit of work's transaction, for statements of the pool
	pool   *stmtPool // statements prepared for the store's life, or nil
	stmts  map[string]*sql.Stmt
	missed []string // queries of fixed shape the pool did not have yet
}

// stmtPool holds statements prepared once on a *sql.DB. A transaction uses one through
// Tx.StmtContext, which database/sql answers with the statement already prepared on the
// transaction's connection (the writer has only one), so it is not compiled again.
//
// A statement joins the pool after the unit of work that first ran it, in a goroutine of its own:
// preparing on the *sql.DB needs a free connection, and the writer's only one is the unit's.
type stmtPool struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	asked  map[string]bool // being prepared
	closed bool
	wg     sync.WaitGroup
}

// maxPooledStmts bounds the pool: the queries with a varying number of placeholders (IN lists)
// stay with the unit of work's own cache.
const maxPooledStmts = 256

// maxPooledParams is the most placeholders a pooled query has.
const maxPooledParams = 32

// get returns the pooled statement for query, or nil when it is not pooled (yet).
func (p *stmtPool) get(query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stmts[query]
}

// learn prepares the queries a unit of work ran that are not pooled yet, in the background.
func (p *stmtPool) learn(queries []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var todo []string
	for _, q := range queries {
		if p.closed || p.stmts[q] != nil || p.asked[q] || len(p.stmts)+len(p.asked) >= maxPooledStmts {
			continue
		}
		if p.asked == nil {
			p.asked = map[string]bool{}
		}
		p.asked[q] = true
		todo = append(todo, q)
	}
	if len(todo) == 0 {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for _, q := range todo {
			st, err := p.db.Prepare(q)
			p.mu.Lock()
			delete(p.asked, q)
			switch {
			case err != nil:
			case p.closed:
				st.Close()
			default:
				if p.stmts == nil {
					p.stmts = map[string]*sql.Stmt{}
				}
				p.stmts[q] = st
			}
			p.mu.Unlock()
		}
	}()
}

func (p *stmtPool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
}

// maxCachedStmts bounds the cache for queries built with a varying number of placeholders.
const maxCachedStmts = 64

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil
	}
	// A query of a fixed shape goes to the store's pool; one built for a long list of values (a
	// read-ahead's IN list, a bulk insert) comes in too many lengths to keep.
	if c.pool != nil && strings.Count(query, "?") <= maxPooledParams {
		if shared := c.pool.get(query); shared != nil {
			st := c.tx.StmtContext(ctx, shared)
			if c.stmts == nil {
				c.stmts = map[string]*sql.Stmt{}
			}
			c.stmts[query] = st
			return st
		}
		c.missed = append(c.missed, query)
	}
	st, err := c.p.PrepareContext(ctx, query)
	if err != nil {
		return nil // run it unprepared: the same error then comes back from the call itself
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.p.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.p.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.p.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// done hands the queries the pool lacked to it, once the unit of work's connection is free.
func (c *stmtCache) done() {
	if c.pool != nil && len(c.missed) > 0 {
		c.pool.learn(c.missed)
	}
	c.missed = nil
}

// Backup writes a consistent copy of the live database to out with VACUUM INTO, which works while
// the bot runs. out must not exist yet. The copy is readable by the owner alone, like the database.
func (s *Store) Backup(ctx context.Context, out string) error {
	// VACUUM INTO accepts an empty target, so the file is made first with the mode we want rather
	// than the process umask's (a backup holds everyone's reports and phone numbers).
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup: %s already exists", out)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		os.Remove(out)
		return fmt.Errorf("backup to %s: %w", out, err)
	}
	return nil
}

// createPrivate creates the database file, when it does not exist yet, readable and writable by
// the owner alone. SQLite gives the -wal and -shm files it creates later the database file's
// mode, so they are private too; an existing file keeps the mode its operator gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// GetKV returns the value stored under key, or "" when none is.
func (t *Tx) GetKV(ctx context.Context, key string) (string, error) {
	var v string
	err := t.q.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("get %s: %w", key, err)
	}
	return v, nil
}

// SetKV stores value under key.
func (t *Tx) SetKV(ctx context.Context, key, value string) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO kv(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}

// MarkInbound records that the inbound message (net, id) is being handled. It returns false when the
// message was handled before: a redelivery that must be ignored.
func (t *Tx) MarkInbound(ctx context.Context, net, id string, at time.Time) (bool, error) {
	if id == "" {
		return true, nil
	}
	res, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO processed_inbound(net, msg_id, processed_at) VALUES (?, ?, ?)`,
		net, id, at.UTC())
	if err != nil {
		return false, fmt.Errorf("mark inbound %s/%s: %w", net, id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
