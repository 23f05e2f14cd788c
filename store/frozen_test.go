package store

import (
	"context"
	"errors"
	"testing"
)

// The targets of a signed contract are remembered only once what was read is committed: a
// signing rolled back, followed by another signing of different targets (the same id, hash and
// moment, the worst case), reads the new targets; what a caller gets is its own copy.
func TestSignedTargetsRememberedOnlyWhenCommitted(t *testing.T) {
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	const nip = "198503122010012003"
	signed := t0
	sign := func(desc string, fail bool) Contract {
		t.Helper()
		var got Contract
		errRollback := errors.New("rolled back")
		err := s.Update(ctx, func(tx *Tx) error {
			id, err := tx.AddContract(ctx, Contract{NIP: nip, Year: 2026, Status: ContractApproved, SignedAt: &signed,
				Targets: []Target{{Description: desc, Quantity: 10, Unit: "dokumen", DueDate: "2026-12-31"}}}, t0)
			if err != nil {
				return err
			}
			if err := tx.SignContract(ctx, Contract{ID: id, NIP: nip, Year: 2026}, "x", t0); err != nil {
				return err
			}
			if got, err = tx.SignedContract(ctx, nip, 2026); err != nil {
				return err
			}
			if fail {
				return errRollback
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		return got
	}
	if first := sign("SPJ", true); first.Targets[0].Description != "SPJ" {
		t.Fatalf("the signing read %+v", first.Targets)
	}
	second := sign("Rapat", false)
	read := func() Contract {
		t.Helper()
		var c Contract
		if err := s.View(ctx, func(tx *Tx) (err error) { c, err = tx.SignedContract(ctx, nip, 2026); return err }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := read()
	if len(c.Targets) != 1 || c.Targets[0].Description != "Rapat" || c.Targets[0].ID != second.Targets[0].ID {
		t.Fatalf("after a rolled-back signing, targets %+v, want Rapat", c.Targets)
	}
	c.Targets[0].Description = "diubah"
	if c := read(); c.Targets[0].Description != "Rapat" {
		t.Fatalf("a caller's change reached the remembered targets: %+v", c.Targets)
	}
	if s.frozen.m == nil || len(s.frozen.m) != 1 {
		t.Fatalf("remembered %d contracts, want the committed one", len(s.frozen.m))
	}
}
