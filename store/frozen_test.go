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
	t.Parallel()
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

// FirstTarget answers what SignedContract's Targets[0] is, from the database, from preloaded
// contracts and from preloaded first targets alike: the newest signed version's lowest number,
// never a newer draft's, and ErrNotFound for someone without a signed contract.
func TestFirstTargetIsTheSignedContractsFirst(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	const siti, ahmad = "198503122010012003", "197001011995031001"
	signed := t0
	err := s.Update(ctx, func(tx *Tx) error {
		for v, descs := range [][]string{{"SPJ", "Rapat"}, {"Laporan", "Arsip"}, {"Draf"}} {
			c := Contract{NIP: siti, Year: 2026, Version: v + 1, Status: ContractApproved, SignedAt: &signed}
			for _, d := range descs {
				c.Targets = append(c.Targets, Target{Description: d, Quantity: 5, Unit: "dokumen", DueDate: "2026-12-31"})
			}
			id, err := tx.AddContract(ctx, c, t0)
			if err != nil {
				return err
			}
			if v < 2 { // the third version stays a draft
				if err := tx.SignContract(ctx, Contract{ID: id, NIP: siti, Year: 2026}, "x", t0); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*Preload{nil, {}, {NoContracts: true, FirstTargets: true}, {FirstTargets: true}, {NoContracts: true}} {
		err := s.View(ctx, func(tx *Tx) error {
			if p != nil {
				p.NIPs, p.Year = []string{siti, ahmad}, 2026
				var err error
				if tx, err = tx.Preloaded(ctx, *p); err != nil {
					return err
				}
			}
			tg, err := tx.FirstTarget(ctx, siti, 2026)
			if err != nil || tg.Description != "Laporan" || tg.N != 1 {
				t.Errorf("preload %+v: first target %+v, %v; want Laporan, the signed version 2's #1", p, tg, err)
			}
			c, err := tx.SignedContract(ctx, siti, 2026)
			if err != nil || c.Targets[0] != tg {
				t.Errorf("preload %+v: SignedContract's first %+v, FirstTarget %+v", p, c.Targets[0], tg)
			}
			if _, err := tx.FirstTarget(ctx, ahmad, 2026); !errors.Is(err, ErrNotFound) {
				t.Errorf("preload %+v: without a contract: %v, want ErrNotFound", p, err)
			}
			if _, err := tx.FirstTarget(ctx, siti, 2025); !errors.Is(err, ErrNotFound) {
				t.Errorf("preload %+v: another year: %v, want ErrNotFound", p, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
