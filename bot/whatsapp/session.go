package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"
	"google.golang.org/protobuf/proto"
	_ "modernc.org/sqlite" // the "sqlite" driver, without cgo
)

// Session is the linked device's state: whatsmeow's own tables (keys, Signal sessions, the LID map)
// in their own SQLite file, apart from Lapkin's database, plus one table of ours with the messages
// we sent, to answer a recipient's retry request after a restart.
type Session struct {
	DB        *sql.DB
	Container *sqlstore.Container
	// Device is the paired device, or a fresh unpaired one (Device.ID == nil) when the number has
	// not been linked yet: then its per-device stores are nil, and LID lookups go through
	// Container.LIDMap.
	Device *store.Device
}

// sessionDSN opens the session file through modernc.org/sqlite. whatsmeow's Upgrade refuses to
// run without foreign keys; the busy timeout and WAL let `lapkin whatsapp-login` read while
// nothing else writes. Two processes must never use one session at once (WhatsApp answers with
// StreamReplaced), which is the operator's part: one `lapkin run` per session file.
func sessionDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// OpenSession opens (creating it when missing) the session database at path and brings
// whatsmeow's tables up to the version this build knows.
func OpenSession(ctx context.Context, path string, log *slog.Logger) (*Session, error) {
	if path == "" {
		return nil, errors.New("whatsapp: no session file: set [whatsapp] session_db")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("whatsapp: create the session folder: %w", err)
		}
	}
	// The session holds the linked device's keys: whoever reads it can be the bot's number. It is
	// created readable by the owner alone (SQLite gives its -wal and -shm files the same mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("whatsapp: create session %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", sessionDSN(path))
	if err != nil {
		return nil, fmt.Errorf("whatsapp: open session %s: %w", path, err)
	}
	c := sqlstore.NewWithDB(db, "sqlite", newWALog(log, "Database"))
	if err := c.Upgrade(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("whatsapp: upgrade session %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS lapkin_sent (
		id      TEXT PRIMARY KEY,
		chat    TEXT NOT NULL,
		message BLOB NOT NULL,
		sent_at INTEGER NOT NULL
	)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("whatsapp: prepare session %s: %w", path, err)
	}
	dev, err := c.GetFirstDevice(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("whatsapp: read session %s: %w", path, err)
	}
	return &Session{DB: db, Container: c, Device: dev}, nil
}

// Linked reports whether the session holds a paired device.
func (s *Session) Linked() bool { return s.Device != nil && s.Device.ID != nil }

// Close closes the session database.
func (s *Session) Close() error { return s.DB.Close() }

// sentKeep is how long a sent message is kept for retry requests; a phone asks within minutes,
// or when it comes back online, which is days at most.
const sentKeep = 14 * 24 * time.Hour

// putSent stores a message under the id it is about to be sent with. It happens before the send,
// so that a retry request that arrives after a crash or restart finds it (whatsmeow itself keeps
// only the last 256 in memory).
func (s *Session) putSent(ctx context.Context, id, chat string, msg *waE2E.Message, now time.Time) error {
	b, err := proto.Marshal(msg)
	if err != nil {
		return fmt.Errorf("whatsapp: encode message %s: %w", id, err)
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO lapkin_sent(id, chat, message, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET message = excluded.message, sent_at = excluded.sent_at`, id, chat, b, now.Unix())
	if err != nil {
		return fmt.Errorf("whatsapp: keep message %s: %w", id, err)
	}
	return nil
}

// sentMessage returns the message sent under id, or nil.
func (s *Session) sentMessage(ctx context.Context, id string) (*waE2E.Message, error) {
	var b []byte
	err := s.DB.QueryRowContext(ctx, `SELECT message FROM lapkin_sent WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m waE2E.Message
	if err := proto.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// pruneSent forgets messages older than sentKeep.
func (s *Session) pruneSent(ctx context.Context, now time.Time) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM lapkin_sent WHERE sent_at < ?`, now.Add(-sentKeep).Unix())
	return err
}

// waLogger adapts slog to whatsmeow's five-method logger. whatsmeow logs every XML node at debug
// level, so that level stays at slog's Debug and is normally off.
type waLogger struct {
	l      *slog.Logger
	module string
}

func newWALog(l *slog.Logger, module string) waLog.Logger {
	if l == nil {
		l = slog.Default()
	}
	return waLogger{l: l, module: module}
}

func (w waLogger) Errorf(msg string, args ...any) {
	w.l.Error(fmt.Sprintf(msg, args...), "module", w.module)
}
func (w waLogger) Warnf(msg string, args ...any) {
	w.l.Warn(fmt.Sprintf(msg, args...), "module", w.module)
}
func (w waLogger) Infof(msg string, args ...any) {
	w.l.Info(fmt.Sprintf(msg, args...), "module", w.module)
}
func (w waLogger) Debugf(msg string, args ...any) {
	if w.l.Enabled(context.Background(), slog.LevelDebug) {
		w.l.Debug(fmt.Sprintf(msg, args...), "module", w.module)
	}
}
func (w waLogger) Sub(module string) waLog.Logger {
	return waLogger{l: w.l, module: w.module + "/" + module}
}

// sentSince counts the messages kept per chat since `since`.
func (s *Session) sentSince(ctx context.Context, since time.Time) (map[string]int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT chat, COUNT(*) FROM lapkin_sent WHERE sent_at >= ? GROUP BY chat`, since.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var chat string
		var n int
		if err := rows.Scan(&chat, &n); err != nil {
			return nil, err
		}
		out[chat] = n
	}
	return out, rows.Err()
}
