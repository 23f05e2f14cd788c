package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The database, its WAL and SHM, and backups are the owner's alone, whatever the umask says.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "lapkin.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Update(ctx, func(tx *Tx) error { return tx.SetKV(ctx, "k", "v") }); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backup.db")
	if err := st.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", out} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), fi.Mode().Perm())
		}
	}
	if err := st.Backup(ctx, out); err == nil {
		t.Error("a second backup over an existing file was not refused")
	}
	// The copy is a whole database.
	b, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.View(ctx, func(tx *Tx) error {
		v, err := tx.GetKV(ctx, "k")
		if v != "v" {
			t.Errorf("backup lost the data: %q", v)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestCheckFindsDamage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lapkin.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatalf("fresh database: %v", err)
	}
	// Enough rows to spread the kv table and its index over many pages.
	err = st.Update(ctx, func(tx *Tx) error {
		for i := 0; i < 3000; i++ {
			if err := tx.SetKV(ctx, fmt.Sprintf("key-%05d", i), fmt.Sprintf("value %d %s", i, time.Duration(i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	st.Close()

	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7 + 3)
	}
	// Overwrite a page near the end, where the kv rows are, leaving the schema's first pages alone.
	if _, err := f.WriteAt(garbage, fi.Size()-3*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()

	st, err = Open(ctx, path)
	if err != nil {
		// Damage that stops even the migrations is also refused, with the path in the message.
		t.Logf("open refused the damaged file: %v", err)
		return
	}
	defer st.Close()
	err = st.Check(ctx)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("damaged database passed the check: %v", err)
	}
	t.Logf("check: %v", err)
}
