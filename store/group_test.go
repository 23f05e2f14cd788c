package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// queueWhileHeld starts an Update that holds the writer until release is closed, then starts each
// of fns as an Update of its own, in order, and waits until all of them are queued behind it: they
// then run in the held one's group. release returns the held Update's error and each of fns'
// ("panic: …" for one that panicked, which Update raises again in its caller's goroutine).
func queueWhileHeld(t *testing.T, s *Store, ctxs []context.Context, fns []func(*Tx) error) (release func() (error, []error)) {
	t.Helper()
	return queueWhileHeldBy(t, s, func(tx *Tx) error { return tx.SetKV(context.Background(), "first", "1") }, ctxs, fns)
}

// queueWhileHeldBy is queueWhileHeld with the held Update running held once released.
func queueWhileHeldBy(t *testing.T, s *Store, held func(*Tx) error, ctxs []context.Context, fns []func(*Tx) error) (release func() (error, []error)) {
	t.Helper()
	ctx := context.Background()
	started, hold := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- s.Update(ctx, func(tx *Tx) error {
			close(started)
			<-hold
			return held(tx)
		})
	}()
	<-started
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic: %v", p)
				}
			}()
			c := ctx
			if ctxs != nil && ctxs[i] != nil {
				c = ctxs[i]
			}
			errs[i] = s.Update(c, fn)
		}()
		// In order: each is queued before the next starts.
		for deadline := time.Now().Add(10 * time.Second); ; {
			s.wmu.Lock()
			n := len(s.wq)
			s.wmu.Unlock()
			if n == i+1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("update %d never queued", i)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return func() (error, []error) {
		close(hold)
		first := <-firstDone
		wg.Wait()
		return first, errs
	}
}

func kvs(t *testing.T, s *Store, keys ...string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	err := s.View(context.Background(), func(tx *Tx) error {
		for _, k := range keys {
			v, err := tx.GetKV(context.Background(), k)
			if err != nil {
				return err
			}
			got[k] = v != ""
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestGroupCommitKeepsEachUpdatesOutcome queues ten Updates behind one that holds the writer, so
// that they commit as one group, and checks that each gets its own outcome: the one that fails and
// the one that panics leave nothing, the one whose caller gave up is not run, the others are
// stored, and each fn saw the effects of those before it.
func TestGroupCommitKeepsEachUpdatesOutcome(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	s.limits.budget = time.Minute // the group is cut by its size alone
	ctx := context.Background()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	ctxs := make([]context.Context, 10)
	ctxs[7] = gone
	var fns []func(*Tx) error
	var sawPrevious [10]bool
	for i := range 10 {
		fns = append(fns, func(tx *Tx) error {
			if i > 0 {
				v, err := tx.GetKV(ctx, fmt.Sprint("k", i-1))
				if err != nil {
					return err
				}
				sawPrevious[i] = v != ""
			}
			if err := tx.SetKV(ctx, fmt.Sprint("k", i), "v"); err != nil {
				return err
			}
			switch i {
			case 3:
				return errors.New("refused")
			case 5:
				panic("boom")
			}
			return nil
		})
	}
	before := s.commits.Load()
	first, errs := queueWhileHeld(t, s, ctxs, fns)()
	if first != nil {
		t.Errorf("the held update: %v", first)
	}
	for i, err := range errs {
		switch i {
		case 3:
			if err == nil || err.Error() != "refused" {
				t.Errorf("update 3: %v, want its own error", err)
			}
		case 5:
			if err == nil || err.Error() != "panic: boom" {
				t.Errorf("update 5: %v, want its panic raised in its own goroutine", err)
			}
		case 7:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("update 7: %v, want context.Canceled", err)
			}
		default:
			if err != nil {
				t.Errorf("update %d: %v", i, err)
			}
		}
	}
	if n := s.commits.Load() - before; n != 1 {
		t.Errorf("%d commits for the held update and the ten behind it, want 1 (one group)", n)
	}
	got := kvs(t, s, "first", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9")
	for k, want := range map[string]bool{"first": true, "k0": true, "k1": true, "k2": true, "k3": false, "k4": true,
		"k5": false, "k6": true, "k7": false, "k8": true, "k9": true} {
		if got[k] != want {
			t.Errorf("%s stored: %v, want %v", k, got[k], want)
		}
	}
	// Each saw the one before it, unless that one was rolled back (3, 5) or not run (7).
	for i, want := range []bool{false, true, true, true, false, true, false, false, false, true} {
		if i > 0 && sawPrevious[i] != want {
			t.Errorf("update %d saw update %d's write: %v, want %v", i, i-1, sawPrevious[i], want)
		}
	}
}

// TestGroupCommitFailsEveryoneWhenTheTransactionEnds: when a member ends the transaction under the
// others (as SQLite does when a statement fails with an I/O error), the members before it (the held
// one included) and the member itself are told their writes failed, and nothing of theirs is stored; the members after
// it start a new transaction and are stored.
func TestGroupCommitFailsEveryoneWhenTheTransactionEnds(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	s.limits.budget = time.Minute
	ctx := context.Background()
	set := func(k string) func(*Tx) error { return func(tx *Tx) error { return tx.SetKV(ctx, k, "v") } }
	fns := []func(*Tx) error{set("a"), set("b"), func(tx *Tx) error {
		if err := tx.SetKV(ctx, "c", "v"); err != nil {
			return err
		}
		_, err := tx.q.ExecContext(ctx, `ROLLBACK`) // the transaction is gone; the fn does not notice
		return err
	}, set("d")}
	first, errs := queueWhileHeld(t, s, nil, fns)()
	if first == nil {
		t.Error("the held update, rolled back with the others, was told it was stored")
	}
	for i, want := range []bool{false, false, false, true} {
		if (errs[i] == nil) != want {
			t.Errorf("update %d: err %v, want success %v", i, errs[i], want)
		}
	}
	got := kvs(t, s, "first", "a", "b", "c", "d")
	for k, want := range map[string]bool{"first": false, "a": false, "b": false, "c": false, "d": true} {
		if got[k] != want {
			t.Errorf("%s stored: %v, want %v", k, got[k], want)
		}
	}
	// The writer still works.
	if err := s.Update(ctx, set("e")); err != nil {
		t.Fatal(err)
	}
	if !kvs(t, s, "e")["e"] {
		t.Error("e not stored after the failed group")
	}
}

// TestGroupCommitFirstMemberEndingTheTransaction: the first member of a group runs without a
// savepoint. When the transaction ends under it (SQLite rolls back on an I/O error) and its fn
// goes on regardless, it is told its write failed, nothing of it is stored, and the members
// behind it begin a new transaction and are stored (a savepoint on the ended transaction would
// have committed the next member on its own, before the group's outcome was known).
func TestGroupCommitFirstMemberEndingTheTransaction(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	s.limits.budget = time.Minute
	ctx := context.Background()
	set := func(k string) func(*Tx) error { return func(tx *Tx) error { return tx.SetKV(ctx, k, "v") } }
	endIt := func(k string) func(*Tx) error {
		return func(tx *Tx) error {
			if err := tx.SetKV(ctx, k, "v"); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, `ROLLBACK`)
			return err
		}
	}
	before := s.commits.Load()
	first, errs := queueWhileHeldBy(t, s, endIt("first"), nil, []func(*Tx) error{set("a"), set("b")})()
	if first == nil {
		t.Error("the first member, whose transaction ended, was told it was stored")
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d behind it: %v", i, err)
		}
	}
	if n := s.commits.Load() - before; n != 1 {
		t.Errorf("%d commits, want 1 (a and b together)", n)
	}
	got := kvs(t, s, "first", "a", "b")
	for k, want := range map[string]bool{"first": false, "a": true, "b": true} {
		if got[k] != want {
			t.Errorf("%s stored: %v, want %v", k, got[k], want)
		}
	}
	// Alone, it is told at the commit.
	if err := s.Update(ctx, endIt("alone")); err == nil {
		t.Error("a lone update whose transaction ended was told it was stored")
	}
	// A lone update that fails leaves nothing, and the writer goes on.
	refused := errors.New("refused")
	if err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.SetKV(ctx, "refused", "v"); err != nil {
			return err
		}
		return refused
	}); !errors.Is(err, refused) {
		t.Errorf("failing update: %v, want its own error", err)
	}
	if err := s.Update(ctx, set("after")); err != nil {
		t.Fatal(err)
	}
	got = kvs(t, s, "alone", "refused", "after")
	for k, want := range map[string]bool{"alone": false, "refused": false, "after": true} {
		if got[k] != want {
			t.Errorf("%s stored: %v, want %v", k, got[k], want)
		}
	}
}
