package store

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestTargetTotalsMatchTheSum runs a random sequence of everything that changes what a report
// contributes (new reports with and without a target or quantity, /hapus, validation, return, a
// revised contract whose targets carry the old ones' reports, a bulk load without triggers) and
// checks after each step that TargetRealisation, read from the running totals, equals the plain
// sum over the reports at several dates, with and without require_approval, for the targets
// together and each alone.
func TestTargetTotalsMatchTheSum(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	seed(t, s)
	ctx := context.Background()
	const nip = "198503122010012003"
	signed := t0
	var targets []int64
	var reports []int64
	var contract Contract
	err := s.Update(ctx, func(tx *Tx) error {
		c := Contract{NIP: nip, Year: 2026, Status: ContractApproved, SignedAt: &signed, Targets: []Target{
			{Description: "SPJ", Quantity: 100, Unit: "dokumen", DueDate: "2026-12-31"},
			{Description: "Rapat", Quantity: 12.5, Unit: "kali", DueDate: "2026-12-31"},
			{Description: "Laporan", Quantity: 3, Unit: "laporan", DueDate: "2026-12-31"},
		}}
		id, err := tx.AddContract(ctx, c, t0)
		if err != nil {
			return err
		}
		if err := tx.SignContract(ctx, Contract{ID: id, NIP: nip, Year: 2026}, "x", t0); err != nil {
			return err
		}
		contract, err = tx.SignedContract(ctx, nip, 2026)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range contract.Targets {
		targets = append(targets, tg.ID)
	}
	rng := rand.New(rand.NewPCG(13, 2026))
	day := func() string {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365)).Format("2006-01-02")
	}
	// want sums the reports themselves, the way TargetRealisation did before the totals.
	want := func(tx *Tx, ids []int64, to string, approvedOnly bool) map[int64]float64 {
		statuses := `('submitted', 'approved')`
		if approvedOnly {
			statuses = `('approved')`
		}
		out := map[int64]float64{}
		for _, id := range ids {
			var sum float64
			err := tx.q.QueryRowContext(ctx, `WITH RECURSIVE chain(id) AS (SELECT ? UNION ALL
				SELECT t.carried_from FROM targets t JOIN chain c ON t.id = c.id WHERE t.carried_from IS NOT NULL)
				SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE target_id IN (SELECT id FROM chain)
				AND local_date <= ? AND status IN `+statuses, id, to).Scan(&sum)
			if err != nil {
				t.Fatal(err)
			}
			if sum != 0 {
				out[id] = sum
			}
		}
		return out
	}
	check := func(step int, what string) {
		t.Helper()
		err := s.View(ctx, func(tx *Tx) error {
			for _, to := range []string{"2025-12-31", "2026-03-31", "2026-07-15", day(), "2026-12-31"} {
				for _, approvedOnly := range []bool{false, true} {
					got, err := tx.TargetRealisation(ctx, targets, to, approvedOnly)
					if err != nil {
						return err
					}
					exp := want(tx, targets, to, approvedOnly)
					for _, id := range targets {
						if math.Abs(got[id]-exp[id]) > 1e-9 {
							return fmt.Errorf("step %d (%s): target %d at %s (approved only %v): running total gives %v, the sum %v",
								step, what, id, to, approvedOnly, got[id], exp[id])
						}
						// One target alone takes another path (realisedOne) unless it was carried over.
						one, err := tx.TargetRealisation(ctx, []int64{id}, to, approvedOnly)
						if err != nil {
							return err
						}
						if math.Abs(one[id]-exp[id]) > 1e-9 {
							return fmt.Errorf("step %d (%s): target %d alone at %s (approved only %v): %v, the sum %v",
								step, what, id, to, approvedOnly, one[id], exp[id])
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	quantities := []float64{0.1, 0.2, 0.3, 1, 2.5, 3, 7.25}
	for step := 0; step < 400; step++ {
		var what string
		err := s.Update(ctx, func(tx *Tx) error {
			switch op := rng.IntN(10); {
			case op < 4 || len(reports) == 0:
				what = "add"
				r := Report{NIP: nip, OPDCode: "DISKOMINFO", LocalDate: day(), Text: "kerja", CreatedAt: t0}
				if rng.IntN(5) > 0 {
					q := quantities[rng.IntN(len(quantities))]
					r.Quantity = &q
				}
				if rng.IntN(6) > 0 {
					id := targets[rng.IntN(len(targets))]
					r.TargetID = &id
				}
				id, err := tx.AddReport(ctx, r)
				reports = append(reports, id)
				return err
			case op < 5:
				what = "hapus"
				return tx.DeleteReport(ctx, reports[rng.IntN(len(reports))], t0)
			case op < 7:
				what = "validate"
				_, err := tx.SetReportStatus(ctx, reports[rng.IntN(len(reports))], ReportApproved, "", "197001011995031001", t0)
				return err
			case op < 8:
				what = "return"
				_, err := tx.SetReportStatus(ctx, reports[rng.IntN(len(reports))], ReportReturned, "kurang jelas", "197001011995031001", t0)
				return err
			case op < 9:
				what = "approve all"
				_, err := tx.ApproveSubmitted(ctx, ReviewScope{NIPs: []string{nip}}, "197001011995031001", t0)
				return err
			default:
				what = "revise"
				c, err := tx.SignedContract(ctx, nip, 2026)
				if err != nil {
					return err
				}
				id, err := tx.ReviseContract(ctx, c, t0)
				if err != nil {
					return err
				}
				if _, err := tx.q.ExecContext(ctx, `UPDATE contracts SET status = 'approved' WHERE id = ?`, id); err != nil {
					return err
				}
				if err := tx.SignContract(ctx, Contract{ID: id, NIP: nip, Year: 2026}, "y", t0); err != nil {
					return err
				}
				next, err := tx.SignedContract(ctx, nip, 2026)
				targets = targets[:0]
				for _, tg := range next.Targets {
					targets = append(targets, tg.ID)
				}
				return err
			}
		})
		if err != nil {
			t.Fatalf("step %d (%s): %v", step, what, err)
		}
		check(step, what)
	}
	// A bulk load runs without the triggers and rebuilds the totals at the end.
	err = s.WithoutIndexes(ctx, "reports", func() error {
		return s.Update(ctx, func(tx *Tx) error {
			var reps []Report
			for i := 0; i < 300; i++ {
				q := quantities[rng.IntN(len(quantities))]
				id := targets[rng.IntN(len(targets))]
				reps = append(reps, Report{NIP: nip, OPDCode: "DISKOMINFO", LocalDate: day(), Text: "muat", Quantity: &q, TargetID: &id,
					CreatedAt: t0, Status: []string{ReportSubmitted, ReportApproved, ReportReturned}[i%3]})
			}
			return tx.AddReports(ctx, reps)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	check(-1, "bulk load")
	var triggers int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports'`).Scan(&triggers); err != nil || triggers != 5 {
		t.Fatalf("after the bulk load the reports table has %d triggers (err %v), want 5 (3 totals, 2 input generation)", triggers, err)
	}
}
