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
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lapkin.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	v, err := s.Version(ctx)
	if err != nil || v != ms[len(ms)-1].Version || v == 0 {
		t.Fatalf("fresh database at version %d (err %v), want %d", v, err, ms[len(ms)-1].Version)
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// OutboxHeads gives each chat's oldest pending message when it is due, oldest first, one network
// at a time: a chat whose head waits for a retry gives nothing, and skipped chats are left out.
func TestOutboxHeads(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	ids := map[string]int64{}
	s.Update(ctx, func(tx *Tx) error {
		for _, m := range []OutMessage{{ChatID: "x", Payload: "x1"}, {ChatID: "y", Payload: "y1"}, {ChatID: "x", Payload: "x2"},
			{ChatID: "z", Payload: "z1"}, {Net: "tg", ChatID: "x", Payload: "other net"}} {
			if m.Net == "" {
				m.Net = "console"
			}
			id, err := tx.Enqueue(ctx, m, t0)
			if err != nil {
				return err
			}
			ids[m.Payload] = id
		}
		return nil
	})
	heads := func(now time.Time, skip []string, limit int) string {
		t.Helper()
		var got []OutMessage
		if err := s.View(ctx, func(tx *Tx) (err error) { got, err = tx.OutboxHeads(ctx, "console", now, skip, limit); return }); err != nil {
			t.Fatal(err)
		}
		var p []string
		for _, m := range got {
			p = append(p, m.Payload)
		}
		return strings.Join(p, ",")
	}
	if got := heads(t0, nil, 10); got != "x1,y1,z1" {
		t.Fatalf("heads = %s", got)
	}
	if got := heads(t0, []string{"y"}, 10); got != "x1,z1" {
		t.Fatalf("heads skipping y = %s", got)
	}
	if got := heads(t0, nil, 2); got != "x1,y1" {
		t.Fatalf("two heads = %s", got)
	}
	// x1 is sent: x2 is x's head. y1 meets a 429: y has no head until it is due again.
	s.Update(ctx, func(tx *Tx) error {
		tx.MarkSent(ctx, ids["x1"], t0)
		return tx.Retry(ctx, ids["y1"], t0.Add(time.Minute), "429")
	})
	if got := heads(t0, nil, 10); got != "x2,z1" {
		t.Fatalf("after a send and a retry, heads = %s", got)
	}
	var next time.Time
	var ok bool
	s.View(ctx, func(tx *Tx) (err error) { next, ok, err = tx.NextOutboxDue(ctx, "console", t0); return })
	if !ok || !next.Equal(t0.Add(time.Minute)) {
		t.Fatalf("next due %v %v, want the retry at %v", next, ok, t0.Add(time.Minute))
	}
	if got := heads(t0.Add(time.Minute), nil, 10); got != "y1,x2,z1" {
		t.Fatalf("after the wait heads = %s", got)
	}
	// A chosen message id is kept once set.
	s.Update(ctx, func(tx *Tx) error {
		if id, err := tx.SetOutboxMsgID(ctx, ids["z1"], "3EB0A"); err != nil || id != "3EB0A" {
			t.Fatalf("set id: %q %v", id, err)
		}
		if id, err := tx.SetOutboxMsgID(ctx, ids["z1"], "3EB0B"); err != nil || id != "3EB0A" {
			t.Fatalf("second id replaced the first: %q %v", id, err)
		}
		return nil
	})
}

// Issue 26, item 3: heads come by priority (replies to registered people, then notices, then
// strangers), oldest first within one; within a chat, the person's own reply overtakes the notices
// queued for them, and each priority keeps its order.
func TestOutboxHeadsByPriority(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	ids := map[string]int64{}
	s.Update(ctx, func(tx *Tx) error {
		for _, m := range []OutMessage{
			{ChatID: "s1", Payload: "stranger 1", Priority: PriorityStranger},
			{ChatID: "s2", Payload: "stranger 2", Priority: PriorityStranger},
			{ChatID: "boss", Payload: "leave 1", Priority: PriorityNotice},
			{ChatID: "boss", Payload: "leave 2", Priority: PriorityNotice},
			{ChatID: "x", Payload: "reminder", Priority: PriorityNotice},
			{ChatID: "boss", Payload: "boss's answer", Priority: PriorityReply},
			{ChatID: "y", Payload: "y's answer", Priority: PriorityReply},
		} {
			m.Net = "tg"
			id, err := tx.Enqueue(ctx, m, t0)
			if err != nil {
				return err
			}
			ids[m.Payload] = id
		}
		return nil
	})
	heads := func() string {
		t.Helper()
		var got []OutMessage
		if err := s.View(ctx, func(tx *Tx) (err error) { got, err = tx.OutboxHeads(ctx, "tg", t0, nil, 10); return }); err != nil {
			t.Fatal(err)
		}
		var p []string
		for _, m := range got {
			p = append(p, m.Payload)
		}
		return strings.Join(p, ",")
	}
	if got := heads(); got != "boss's answer,y's answer,reminder,stranger 1,stranger 2" {
		t.Fatalf("heads = %s", got)
	}
	s.Update(ctx, func(tx *Tx) error { return tx.MarkSent(ctx, ids["boss's answer"], t0) })
	if got := heads(); got != "y's answer,leave 1,reminder,stranger 1,stranger 2" {
		t.Fatalf("after the answer, heads = %s", got)
	}
	var n int
	s.View(ctx, func(tx *Tx) (err error) { n, err = tx.CountStrangerReplies(ctx, t0.Add(-time.Hour), 10); return })
	if n != 2 {
		t.Fatalf("%d replies to strangers counted, want 2", n)
	}
}

// The heads query reads the partial index of pending messages, not the whole outbox.
func TestOutboxHeadsUsesIndex(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	rows, err := s.DB().Query(`EXPLAIN QUERY PLAN SELECT MIN((priority << 40) | id) AS k FROM outbox WHERE chat_net = ? AND status = 'pending' GROUP BY chat_id`, "tg")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "COVERING INDEX outbox_heads") {
		t.Fatalf("plan: %s", p)
	}
}

func TestEvaluationsImmutable(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
