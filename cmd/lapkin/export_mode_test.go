package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Exports hold everyone's reports and scores: both formats are written 0600, even under a 0
// umask (which must never widen them), like the database and its backups.
func TestExportIsPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	db, dir := exportDB(t)
	for _, name := range []string{"rekap.xlsx", "laporan.csv"} {
		out := filepath.Join(dir, name)
		if _, stderr, err := runCLI(t, "", "export", "--db", db, "--out", out); err != nil {
			t.Fatalf("export %s: %v %s", name, err, stderr)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
}
