package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// Issue 12, item 2: one account per person per network. A new link on a network replaces the
// person's account there (and says which, so that it can be told); the other network's stays.
func TestLinkAccountReplacesOnePerNetwork(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	const siti = "198503122010012003"
	link := func(l Link) []Identity {
		t.Helper()
		var old []Identity
		if err := s.Update(ctx, func(tx *Tx) (err error) { old, err = tx.LinkAccount(ctx, l); return err }); err != nil {
			t.Fatal(err)
		}
		return old
	}
	ids := func() []Identity {
		t.Helper()
		var out []Identity
		s.View(ctx, func(tx *Tx) (err error) { out, err = tx.IdentitiesOf(ctx, siti); return err })
		return out
	}
	if old := link(Link{Net: "tg", ExternalID: "100", NIP: siti, Via: LinkedByCode, At: t0}); len(old) != 0 {
		t.Fatalf("first link replaced %+v", old)
	}
	link(Link{Net: "wa", ExternalID: "628555", NIP: siti, Via: LinkedByPhone, Phone: "628555", At: t0.Add(time.Minute)})
	old := link(Link{Net: "tg", ExternalID: "200", NIP: siti, Via: LinkedByCode, At: t0.Add(2 * time.Minute)})
	if len(old) != 1 || old[0].ExternalID != "100" || old[0].Net != "tg" {
		t.Fatalf("second Telegram link replaced %+v, want account 100", old)
	}
	got := ids()
	if len(got) != 2 {
		t.Fatalf("accounts %+v, want one Telegram and one WhatsApp", got)
	}
	for _, id := range got {
		if id.Net == "tg" && (id.ExternalID != "200" || id.Via != LinkedByCode || !id.LinkedAt.Equal(t0.Add(2*time.Minute))) {
			t.Fatalf("Telegram account %+v", id)
		}
		if id.Net == "wa" && (id.Via != LinkedByPhone || id.Phone != "628555") {
			t.Fatalf("WhatsApp account %+v", id)
		}
	}
	// Linking the same account again replaces nothing.
	if old := link(Link{Net: "tg", ExternalID: "200", NIP: siti, Via: LinkedByPhone, Phone: "628777", At: t0.Add(3 * time.Minute)}); len(old) != 0 {
		t.Fatalf("relink replaced %+v", old)
	}
	// The database itself refuses a second account on one network.
	if _, err := s.DB().Exec(`INSERT INTO identities(net, external_id, employee_nip, linked_at) VALUES ('tg', '300', ?, ?)`, siti, t0); err == nil {
		t.Fatal("a second Telegram account was stored for one person")
	}

	// Unlink one network, then all.
	var gone []Identity
	s.Update(ctx, func(tx *Tx) (err error) { gone, err = tx.UnlinkAccounts(ctx, siti, "wa"); return err })
	if len(gone) != 1 || gone[0].Net != "wa" || len(ids()) != 1 {
		t.Fatalf("unlink wa removed %+v, left %+v", gone, ids())
	}
	s.Update(ctx, func(tx *Tx) (err error) { gone, err = tx.UnlinkAccounts(ctx, siti, ""); return err })
	if len(gone) != 1 || len(ids()) != 0 {
		t.Fatalf("unlink all removed %+v, left %+v", gone, ids())
	}
}

// A roster that gives someone another phone number drops the links that were made by the old one
// (the number may be someone else's now); links made by a code stay.
func TestPhoneChangeDropsLinksByOldNumber(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	const ahmad = "197001011995031001"
	err := s.Update(ctx, func(tx *Tx) error {
		if _, err := tx.LinkAccount(ctx, Link{Net: "wa", ExternalID: "628111", NIP: ahmad, Via: LinkedByPhone, Phone: "628111", At: t0}); err != nil {
			return err
		}
		_, err := tx.LinkAccount(ctx, Link{Net: "tg", ExternalID: "42", NIP: ahmad, Via: LinkedByCode, At: t0})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		s.DB().QueryRow(`SELECT COUNT(*) FROM identities WHERE employee_nip = ?`, ahmad).Scan(&n)
		return n
	}
	// The same number again (a re-import of an unchanged roster) keeps everything.
	s.Update(ctx, func(tx *Tx) error {
		return tx.UpsertEmployee(ctx, Employee{NIP: ahmad, Name: "Ahmad", OPDCode: "DISKOMINFO", Role: RoleKepala, Phone: "628111"}, t0)
	})
	if count() != 2 {
		t.Fatal("an unchanged number dropped a link")
	}
	s.Update(ctx, func(tx *Tx) error {
		return tx.UpsertEmployee(ctx, Employee{NIP: ahmad, Name: "Ahmad", OPDCode: "DISKOMINFO", Role: RoleKepala, Phone: "628999"}, t0)
	})
	var net string
	s.DB().QueryRow(`SELECT net FROM identities WHERE employee_nip = ?`, ahmad).Scan(&net)
	if count() != 1 || net != "tg" {
		t.Fatalf("after a number change %d links remain (%s), want the Telegram one by code", count(), net)
	}
}

// Someone not registered may choose their reply language.
func TestAccountLanguage(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	var lang string
	err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.SetAccountLanguage(ctx, "tg", "77", "en", t0); err != nil {
			return err
		}
		var err error
		lang, err = tx.AccountLanguage(ctx, "tg", "77")
		return err
	})
	if err != nil || lang != "en" {
		t.Fatalf("language %q, %v", lang, err)
	}
	s.View(ctx, func(tx *Tx) (err error) { lang, err = tx.AccountLanguage(ctx, "tg", "78"); return err })
	if lang != "" {
		t.Fatalf("unknown account has language %q", lang)
	}
}

// The migration to one account per network keeps, of a person's several accounts on one network,
// the one used last, and marks a WhatsApp account that is the person's roster number as linked by it.
func TestMigrationKeepsLastUsedAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lapkin.db")
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for i, m := range ms {
		if m.Name == "identity_links" {
			at = i
		}
	}
	if at < 0 {
		t.Fatal("no identity_links migration")
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`)
	for _, m := range ms[:at] {
		mustExec(m.SQL)
		mustExec(`INSERT INTO schema_migrations VALUES (?, ?, ?)`, m.Version, m.Name, t0)
	}
	mustExec(`INSERT INTO opds(code, name, work_days, created_at, updated_at) VALUES ('X', 'X', 5, ?, ?)`, t0, t0)
	mustExec(`INSERT INTO employees(nip, name, position, eselon, opd_code, phone, role, language, active, created_at, updated_at, start_date)
		VALUES ('198503122010012003', 'Siti', '', '', 'X', '628555', 'asn', '', 1, ?, ?, '')`, t0, t0)
	for i, id := range []string{"100", "200", "300"} {
		seen := any(nil)
		if id == "200" {
			seen = t0.Add(time.Hour) // the one used last, though linked before 300
		}
		mustExec(`INSERT INTO identities(net, external_id, employee_nip, linked_at, last_seen_at) VALUES ('tg', ?, '198503122010012003', ?, ?)`,
			id, t0.Add(time.Duration(i)*time.Minute), seen)
	}
	mustExec(`INSERT INTO identities(net, external_id, employee_nip, linked_at) VALUES ('wa', '628555', '198503122010012003', ?)`, t0)
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []Identity
	s.View(ctx, func(tx *Tx) (err error) { ids, err = tx.IdentitiesOf(ctx, "198503122010012003"); return err })
	if len(ids) != 2 {
		t.Fatalf("after the migration: %+v", ids)
	}
	for _, id := range ids {
		if id.Net == "tg" && id.ExternalID != "200" {
			t.Fatalf("kept Telegram account %s, want 200 (used last)", id.ExternalID)
		}
		if id.Net == "wa" && (id.Via != LinkedByPhone || id.Phone != "628555") {
			t.Fatalf("WhatsApp account %+v not marked as linked by its number", id)
		}
	}
}
