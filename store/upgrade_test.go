package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A database made by an earlier version keeps its data through the migrations that rebuild
// tables: here the outbox, rebuilt by 0008 to allow the parked status.
func TestUpgradeKeepsOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:7] { // the schema as version 7 left it
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, ?, ?)`, m.Version, m.Name, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i, status := range []string{"pending", "sent", "failed"} {
		if _, err := db.Exec(`INSERT INTO outbox(chat_net, chat_id, payload, photo, status, attempts, not_before, last_error, created_at, msg_id)
			VALUES ('tg', ?, '{"text":"halo"}', x'89504e47', ?, ?, ?, 'boom', ?, ?)`, "4"+string(rune('0'+i)), status, i, at, at, "ID"+status); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer st.Close()
	if v, _ := st.Version(ctx); v != ms[len(ms)-1].Version {
		t.Fatalf("version %d after upgrade, want %d", v, ms[len(ms)-1].Version)
	}
	rows, err := st.DB().Query(`SELECT chat_id, status, attempts, length(photo), msg_id, last_error FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var chat, status, msgID, lastErr string
		var attempts, photo int
		if err := rows.Scan(&chat, &status, &attempts, &photo, &msgID, &lastErr); err != nil {
			t.Fatal(err)
		}
		if photo != 4 || lastErr != "boom" || msgID != "ID"+status {
			t.Errorf("row %s lost data: photo %d, msg_id %q, last_error %q", chat, photo, msgID, lastErr)
		}
		got = append(got, chat+":"+status)
	}
	if len(got) != 3 || got[0] != "40:pending" || got[1] != "41:sent" || got[2] != "42:failed" {
		t.Fatalf("outbox after upgrade: %v", got)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// Migrations of branches developed side by side leave gaps in the numbers (0013 on one, 0016 on
// another) and may meet in any order: a database that has the higher one applies the lower one
// when it arrives, and a version this program does not know is refused by name.
func TestMigrateAppliesAMigrationNumberedBelowTheApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "branch.db")
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	skip := len(ms) - 2 // the one before the last, applied after the last
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if i == skip {
			continue
		}
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, ?, ?)`, m.Version, m.Name, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open with a lower migration missing: %v", err)
	}
	var rows int
	st.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, ms[skip].Version).Scan(&rows)
	if rows != 1 {
		t.Fatalf("migration %d not applied", ms[skip].Version)
	}
	if _, err := st.DB().Exec(`INSERT INTO schema_migrations VALUES (9999, 'from_the_future', ?)`, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("a database of an unknown version opened: %v", err)
	}
}
