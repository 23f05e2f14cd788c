package store

import (
	"context"
	"fmt"
	"strings"
)

// ErrDamaged is wrapped by Check when SQLite finds the database file damaged.
var ErrDamaged = fmt.Errorf("database is damaged")

// Check runs SQLite's quick_check (the structure of every table and index, without the slower
// cross-check of index contents) and returns an error wrapping ErrDamaged with what it found.
// `lapkin run` calls it at start-up so that a damaged file is refused with a clear message
// instead of failing later in the middle of someone's report.
func (s *Store) Check(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `PRAGMA quick_check(20)`)
	if err != nil {
		return fmt.Errorf("%w: %s: quick_check: %v", ErrDamaged, s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrDamaged, s.path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s: %s", ErrDamaged, s.path, strings.Join(problems, "; "))
	}
	return nil
}
