package store

import (
	"bufio"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migration is one numbered schema change, from migrations/NNNN_name.sql. The first line of the file
// is a comment saying what it does.
type Migration struct {
	Version int
	Name    string
	Summary string
	SQL     string
}

// Migrations lists the embedded migrations in order.
func Migrations() ([]Migration, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, f := range files {
		base := strings.TrimSuffix(strings.TrimPrefix(f, "migrations/"), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", f)
		}
		b, err := migrations.ReadFile(f)
		if err != nil {
			return nil, err
		}
		line, _, _ := bufio.NewReader(strings.NewReader(string(b))).ReadLine()
		out = append(out, Migration{Version: v, Name: name, SQL: string(b),
			Summary: strings.TrimSpace(strings.TrimPrefix(string(line), "--"))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Numbers may leave gaps: branches developed side by side take numbers of their own (one the
	// 0013 of its topic, another 0016), and each applies on its own before they meet. Each number is
	// used once.
	for i, m := range out {
		if m.Version < 1 || i > 0 && m.Version == out[i-1].Version {
			return nil, fmt.Errorf("migration %04d_%s: version used twice or below 1", m.Version, m.Name)
		}
	}
	return out, nil
}

// Version returns the schema version of the open database: the highest migration applied.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// migrate applies the migrations the database has not seen, each in its own transaction with its
// version row, so that a crash leaves the database at a whole version.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("create version table: %w", err)
	}
	ms, err := Migrations()
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	applied := map[int]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("read schema versions: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("read schema versions: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read schema versions: %w", err)
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("database has schema version %d, which this program does not know: use a newer lapkin", v)
		}
	}
	// Every migration not applied yet, in order: also one numbered below the highest applied (a
	// branch's migration merged after another's higher number was applied).
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		err := s.Update(ctx, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UTC())
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}
