package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seed(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.UpsertOPD(ctx, OPD{Code: "DISKOMINFO", Name: "Dinas Komunikasi dan Informatika"}, t0); err != nil {
			return err
		}
		if err := tx.UpsertEmployee(ctx, Employee{NIP: "197001011995031001", Name: "Ahmad", OPDCode: "DISKOMINFO", Role: RoleKepala, Phone: "628111"}, t0); err != nil {
			return err
		}
		return tx.UpsertEmployee(ctx, Employee{NIP: "198503122010012003", Name: "Siti", OPDCode: "DISKOMINFO", SupervisorNIP: "197001011995031001"}, t0)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFreshAndAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lapkin.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	v, err := s.Version(ctx)
	if err != nil || v != len(ms) || v == 0 {
		t.Fatalf("fresh database at version %d (err %v), want %d", v, err, len(ms))
	}
	seed(t, s)
	s.Close()

	// Opening an already migrated database applies nothing and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if v2, _ := s.Version(ctx); v2 != v {
		t.Fatalf("version changed on reopen: %d -> %d", v, v2)
	}
	var rows int
	s.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows)
	if rows != len(ms) {
		t.Fatalf("%d version rows, want %d", rows, len(ms))
	}
	var e Employee
	s.View(ctx, func(tx *Tx) error { e, err = tx.Employee(ctx, "198503122010012003"); return err })
	if err != nil || e.Name != "Siti" || e.SupervisorNIP != "197001011995031001" {
		t.Fatalf("employee after reopen: %+v %v", e, err)
	}
	for _, m := range ms {
		if m.Summary == "" {
			t.Errorf("migration %04d_%s has no header comment", m.Version, m.Name)
		}
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.Update(ctx, func(tx *Tx) error {
		return tx.UpsertEmployee(ctx, Employee{NIP: "198503122010012003", Name: "X", OPDCode: "NOPE"}, t0)
	})
	if err == nil {
		t.Fatal("employee of an unknown OPD was accepted: foreign keys are off")
	}
}

func TestMarkInboundOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		var fresh bool
		if err := s.Update(ctx, func(tx *Tx) (err error) { fresh, err = tx.MarkInbound(ctx, "tg", "42", t0); return }); err != nil {
			t.Fatal(err)
		}
		if fresh != want {
			t.Fatalf("attempt %d: fresh=%v, want %v", i, fresh, want)
		}
	}
}

func TestRegistrationCodeOnceAndExpiry(t *testing.T) {
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	nip := "198503122010012003"
	add := func(code string, at time.Time) {
		t.Helper()
		if err := s.Update(ctx, func(tx *Tx) error {
			return tx.AddRegistrationCode(ctx, RegistrationCode{Code: code, NIP: nip, CreatedBy: "admin", ExpiresAt: at.Add(24 * time.Hour)}, at)
		}); err != nil {
			t.Fatal(err)
		}
	}
	use := func(code, who string, at time.Time) (ok bool) {
		t.Helper()
		if err := s.Update(ctx, func(tx *Tx) (err error) { ok, err = tx.UseRegistrationCode(ctx, code, who, at); return }); err != nil {
			t.Fatal(err)
		}
		return
	}
	add("ABC123", t0)
	if use("ABC123", "197001011995031001", t0) {
		t.Fatal("code accepted for another NIP")
	}
	if !use("ABC123", nip, t0.Add(time.Hour)) {
		t.Fatal("valid code refused")
	}
	if use("ABC123", nip, t0.Add(2*time.Hour)) {
		t.Fatal("code accepted twice")
	}
	add("XYZ789", t0)
	if use("XYZ789", nip, t0.Add(25*time.Hour)) {
		t.Fatal("expired code accepted")
	}
	add("OLD111", t0)
	add("NEW222", t0.Add(time.Minute))
	if use("OLD111", nip, t0.Add(2*time.Minute)) {
		t.Fatal("a code replaced by a newer one still works")
	}
	// What is stored is no working code: a copy of the database gives nothing to type.
	var stored []string
	rows, err := s.DB().Query(`SELECT code FROM registration_codes`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		rows.Scan(&c)
		stored = append(stored, c)
	}
	for _, c := range stored {
		for _, plain := range []string{"ABC123", "XYZ789", "OLD111", "NEW222"} {
			if strings.Contains(c, plain) {
				t.Errorf("code %s stored in the clear: %q", plain, c)
			}
		}
		if !strings.HasPrefix(c, "argon2id:") {
			t.Errorf("stored code %q is not a hash", c)
		}
	}
	if len(stored) != 4 {
		t.Fatalf("%d codes stored", len(stored))
	}
}

func TestOutboxOrderAndRetry(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	s.Update(ctx, func(tx *Tx) error {
		for _, p := range []string{"a", "b", "c"} {
			if _, err := tx.Enqueue(ctx, OutMessage{Net: "console", ChatID: "x", Payload: p}, t0); err != nil {
				return err
			}
		}
		_, err := tx.Enqueue(ctx, OutMessage{Net: "tg", ChatID: "y", Payload: "other net"}, t0)
		return err
	})
	var due []OutMessage
	s.View(ctx, func(tx *Tx) (err error) { due, err = tx.DueOutbox(ctx, []string{"console"}, t0, 10); return })
	if len(due) != 3 || due[0].Payload != "a" || due[2].Payload != "c" {
		t.Fatalf("due = %+v", due)
	}
	s.Update(ctx, func(tx *Tx) error {
		tx.MarkSent(ctx, due[0].ID, t0)
		return tx.Retry(ctx, due[1].ID, t0.Add(time.Minute), "429")
	})
	s.View(ctx, func(tx *Tx) (err error) { due, err = tx.DueOutbox(ctx, []string{"console"}, t0, 10); return })
	if len(due) != 1 || due[0].Payload != "c" {
		t.Fatalf("after retry due = %+v", due)
	}
	s.View(ctx, func(tx *Tx) (err error) {
		due, err = tx.DueOutbox(ctx, []string{"console"}, t0.Add(time.Minute), 10)
		return
	})
	if len(due) != 2 || due[0].Payload != "b" {
		t.Fatalf("after the wait due = %+v", due)
	}
}

func TestEvaluationsImmutable(t *testing.T) {
	s := openTest(t)
	seed(t, s)
	_, err := s.DB().Exec(`INSERT INTO evaluations(nip, period_key, period_start, period_end, inputs, outputs, score, predicate, standard_met, parameters, evaluator_nip, created_at)
		VALUES ('198503122010012003', '3b', '2026-01-01', '2026-03-31', '{}', '{}', 80, 'Baik', 1, '{}', '197001011995031001', ?)`, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE evaluations SET score = 99`); err == nil {
		t.Fatal("an evaluation was changed")
	}
	if _, err := s.DB().Exec(`DELETE FROM evaluations`); err == nil {
		t.Fatal("an evaluation was deleted")
	}
}

func TestBackup(t *testing.T) {
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	c, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	c.DB().QueryRow(`SELECT COUNT(*) FROM employees`).Scan(&n)
	if n != 2 {
		t.Fatalf("backup holds %d employees, want 2", n)
	}
}
