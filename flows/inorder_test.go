package flows

import (
	"context"
	"errors"
	"math/rand"
	"sync/atomic"
	"testing"
	"time"
)

// inOrder hands the parts over in their order whatever order they finish in, and never reads
// more than ahead parts past the one being consumed.
func TestInOrderKeepsOrderAndBound(t *testing.T) {
	t.Parallel()
	const n, ahead = 40, 3
	var consumed, started, maxPast atomic.Int64
	err := inOrder(context.Background(), n, 2, ahead, func(ctx context.Context, i int) (int, error) {
		past := int64(i) - consumed.Load() + 1 // parts started from the first not consumed up to i
		for {
			m := maxPast.Load()
			if past <= m || maxPast.CompareAndSwap(m, past) {
				break
			}
		}
		started.Add(1)
		time.Sleep(time.Duration(rand.Intn(2000)) * time.Microsecond)
		return i * i, nil
	}, func(i, v int) error {
		if v != i*i || int64(i) != consumed.Load() {
			t.Fatalf("part %d consumed as the %dth with %d", i, consumed.Load(), v)
		}
		consumed.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if consumed.Load() != n || started.Load() != n {
		t.Fatalf("%d consumed, %d read, want %d", consumed.Load(), started.Load(), n)
	}
	if maxPast.Load() > ahead {
		t.Fatalf("read %d parts past the one consumed, want at most %d", maxPast.Load(), ahead)
	}
}

// The first failing part in order stops the rest: what comes after it is never consumed.
func TestInOrderStopsAtTheFirstError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var last atomic.Int64
	last.Store(-1)
	err := inOrder(context.Background(), 20, 2, 3, func(ctx context.Context, i int) (int, error) {
		if i == 7 || i == 9 {
			return 0, boom
		}
		return i, nil
	}, func(i, v int) error {
		last.Store(int64(i))
		return nil
	})
	if !errors.Is(err, boom) || last.Load() != 6 {
		t.Fatalf("err %v, last consumed %d: want boom after part 6", err, last.Load())
	}
	err = inOrder(context.Background(), 20, 2, 3, func(ctx context.Context, i int) (int, error) { return i, nil },
		func(i, v int) error {
			if i == 4 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) {
		t.Fatalf("consume's error: %v", err)
	}
}
