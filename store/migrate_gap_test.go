package store

import (
	"context"
	"path/filepath"
	"testing"
)

// Migration numbers are reserved ahead by work on several branches: a branch may hold 15 but not
// 13, and 13 may come later. A database that has 15 gets 13 applied when it appears; a database
// never runs a migration twice.
func TestMigrationFilledInLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lapkin.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// As if the month_reopenings migration had not been seen yet while later ones were.
	ms, _ := Migrations()
	var v int
	for _, m := range ms {
		if m.Name == "month_reopenings" {
			v = m.Version
		}
	}
	if v == 0 {
		t.Fatal("no month_reopenings migration")
	}
	if _, err := s.DB().Exec(`DROP TABLE month_reopenings`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`DELETE FROM schema_migrations WHERE version = ?`, v); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM month_reopenings`).Scan(&n); err != nil {
		t.Fatalf("the missing migration was not applied: %v", err)
	}
	var rows int
	s.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows)
	if rows != len(ms) {
		t.Fatalf("%d version rows, want %d", rows, len(ms))
	}
}
