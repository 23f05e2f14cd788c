package roster

import (
	"context"
	"errors"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// Summary counts what an import wrote.
type Summary struct {
	OPDs             int // OPDs created or changed
	EmployeesNew     int
	EmployeesUpdated int
	// OPDsUnchanged and EmployeesUnchanged count the rows the database already held exactly:
	// nothing is written for them, so an unchanged file changes nothing (not even the counter
	// the evaluations' kept previews watch), and the operator is told so.
	OPDsUnchanged      int
	EmployeesUnchanged int
	// Transfers counts the people whose OPD, position or supervisor changed (transfer.go).
	Transfers int
}

// Unchanged reports whether the import found everything as the database held it.
func (s Summary) Unchanged() bool {
	return s.OPDs == 0 && s.EmployeesNew == 0 && s.EmployeesUpdated == 0
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
		// The same for an address (the unique index holds it even for someone no longer active).
		for _, r := range valid {
			if r.Email == "" || r.Email == "-" {
				continue
			}
			other, err := tx.EmployeeWithEmail(ctx, r.Email)
			if err == nil && other.NIP != r.NIP && !inFile[other.NIP] {
				errs = append(errs, &FieldError{Line: r.Line, Column: colEmail, Key: keyEmailTaken,
					Args: map[string]any{"Value": r.Email, "Other": other.NIP}})
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
			old, err := tx.OPD(ctx, r.OPDCode)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if wd == 0 {
				wd = 5
				if err == nil {
					wd = old.WorkDays // keep what an earlier import set
				}
			}
			o := store.OPD{Code: r.OPDCode, Name: r.OPDName, WorkDays: wd}
			if err == nil && old == o {
				sum.OPDsUnchanged++
				continue
			}
			if err := tx.UpsertOPD(ctx, o, now); err != nil {
				return err
			}
			sum.OPDs++
		}
		// Only the rows that differ from the database are written.
		var changed []store.Employee
		for _, r := range valid {
			e := store.Employee{NIP: r.NIP, Name: r.Name, Position: r.Position, Eselon: r.Eselon, OPDCode: r.OPDCode,
				Phone: r.Phone, Role: r.Role, SupervisorNIP: r.SupervisorNIP, StartDate: r.StartDate, CallName: r.CallName, Email: r.Email}
			old, err := tx.Employee(ctx, r.NIP)
			switch {
			case errors.Is(err, store.ErrNotFound):
				sum.EmployeesNew++
			case err != nil:
				return err
			case sameEmployee(old, e):
				sum.EmployeesUnchanged++
				continue
			default:
				sum.EmployeesUpdated++
			}
			changed = append(changed, e)
		}
		// Phones move between people in one file (a swap) only if the old holders let go first.
		// So do addresses, for the rows that name one (a row without keeps its address).
		for _, e := range changed {
			if err := tx.ClearPhone(ctx, e.NIP); err != nil {
				return err
			}
			if e.Email != "" {
				if err := tx.ClearEmail(ctx, e.NIP); err != nil {
					return err
				}
			}
		}
		for _, e := range changed {
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

// sameEmployee reports whether importing e would change nothing of old: the roster's columns as
// stored, an empty mulai keeping the stored one, and the person still active.
func sameEmployee(old, e store.Employee) bool {
	if e.StartDate == "" {
		e.StartDate = old.StartDate
	}
	switch e.CallName {
	case "":
		e.CallName = old.CallName
	case "-":
		e.CallName = ""
	}
	switch e.Email {
	case "":
		e.Email = old.Email
	case "-":
		e.Email = ""
	}
	if e.Role == "" {
		e.Role = store.RoleASN
	}
	return old.Email == e.Email && old.Active && old.Name == e.Name && old.Position == e.Position && old.Eselon == e.Eselon && old.OPDCode == e.OPDCode &&
		old.Phone == e.Phone && old.Role == e.Role && old.SupervisorNIP == e.SupervisorNIP && old.StartDate == e.StartDate &&
		old.CallName == e.CallName
}
