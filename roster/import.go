package roster

import (
	"context"
	"errors"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// Summary counts what an import wrote.
type Summary struct {
	OPDs             int
	EmployeesNew     int
	EmployeesUpdated int
	// Transfers counts the people whose OPD, position or supervisor changed (transfer.go).
	Transfers int
}

// Import validates rows against the database and writes them in one transaction: every OPD and
// employee is created or updated, or, when any row is wrong, nothing at all is (the Errors say
// why). Supervisors may be in the file or already in the database.
func Import(ctx context.Context, st *store.Store, rows []Row, now time.Time) (Summary, error) {
	var sum Summary
	err := st.Update(ctx, func(tx *store.Tx) error {
		var lookupErr error
		exists := func(nip string) bool {
			_, err := tx.Employee(ctx, nip)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				lookupErr = err
			}
			return err == nil
		}
		valid, errs := Validate(rows, exists)
		if lookupErr != nil {
			return lookupErr
		}
		inFile := map[string]bool{}
		for _, r := range valid {
			inFile[r.NIP] = true
		}
		// A phone already held by someone who is not in this file would break the unique index;
		// say so by row rather than fail on the constraint.
		for _, r := range valid {
			if r.Phone == "" {
				continue
			}
			other, err := tx.EmployeeByPhone(ctx, r.Phone)
			if err == nil && other.NIP != r.NIP && !inFile[other.NIP] {
				errs = append(errs, &FieldError{Line: r.Line, Column: colPhone, Key: keyPhoneTaken,
					Args: map[string]any{"Value": r.Phone, "Other": other.NIP}})
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if len(errs) > 0 {
			return errs
		}
		seen := map[string]bool{}
		for _, r := range valid {
			if seen[r.OPDCode] {
				continue
			}
			seen[r.OPDCode] = true
			wd := r.WorkDays
			if wd == 0 {
				wd = 5
				if o, err := tx.OPD(ctx, r.OPDCode); err == nil {
					wd = o.WorkDays // keep what an earlier import set
				}
			}
			if err := tx.UpsertOPD(ctx, store.OPD{Code: r.OPDCode, Name: r.OPDName, WorkDays: wd}, now); err != nil {
				return err
			}
			sum.OPDs++
		}
		// Phones move between people in one file (a swap) only if the old holders let go first.
		for _, r := range valid {
			if err := tx.ClearPhone(ctx, r.NIP); err != nil {
				return err
			}
		}
		for _, r := range valid {
			if exists(r.NIP) {
				sum.EmployeesUpdated++
			} else {
				sum.EmployeesNew++
			}
			e := store.Employee{NIP: r.NIP, Name: r.Name, Position: r.Position, Eselon: r.Eselon, OPDCode: r.OPDCode,
				Phone: r.Phone, Role: r.Role, SupervisorNIP: r.SupervisorNIP, StartDate: r.StartDate}
			if moved, err := recordTransfer(ctx, tx, e, now); err != nil {
				return err
			} else if moved {
				sum.Transfers++
			}
			if err := tx.UpsertEmployee(ctx, e, now); err != nil {
				return err
			}
		}
		return lookupErr
	})
	if err != nil {
		return Summary{}, err
	}
	return sum, nil
}
