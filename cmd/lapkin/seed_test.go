package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "kota.db")
	var out, errb bytes.Buffer
	args := []string{"seed", "--asn", "120", "--opd", "3", "--days", "30", "--end", "2026-11-30", "--db", db}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("seed: %v\n%s", err, errb.String())
	}
	for _, want := range []string{"3 OPD", "120 pegawai", "2026-10-31 s.d. 2026-11-29"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %s", want, out.String())
		}
	}
	// A second run never writes into an existing database.
	err := run(context.Background(), args, nil, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "sudah ada") {
		t.Fatalf("second seed: %v", err)
	}
}
