package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/lapkin-id/lapkin/parse"
)

// benchMachine prints what tells two machines apart for Lapkin's figures: the same pure
// computation (parsing the quick form), an uncontended mutex, one system call with no work in it
// (getpid), a 4 KiB read of a file in the page cache (what SQLite does for every page its cache misses) and raw
// single-row SQLite transactions on dir's disk. Two of the workplace's 2-core machines parse at
// the same speed while their system calls differ several times over (BENCHMARKS.md): figures that
// read or write much of the database follow the second, not the first.
func benchMachine(ctx context.Context, env *benchEnv, dir string, n int) error {
	parsing := perOp(200_000, func() {
		if _, err := parse.QuickReport("3 Verifikasi SPJ belanja perjalanan dinas #2 1j30m"); err != nil {
			panic(err)
		}
	})
	getpid := perOp(500_000, func() { syscall.Getpid() })
	// SQLite (modernc) takes a mutex around every column it hands out and every page it pins:
	// tens of millions of uncontended lock/unlock pairs in a job over the city.
	var mu sync.Mutex
	mutex := perOp(2_000_000, func() { mu.Lock(); mu.Unlock() })
	f, err := os.CreateTemp(dir, "lapkin-bench-pread-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	if _, err := f.WriteAt(make([]byte, 256*len(page)), 0); err != nil {
		return err
	}
	i := 0
	pread := perOp(300_000, func() {
		if _, err := f.ReadAt(page, int64(i%256)*int64(len(page))); err != nil {
			panic(err)
		}
		i++
	})
	path := filepath.Join(dir, fmt.Sprintf("lapkin-bench-sqlite-%d.db", os.Getpid()))
	defer removeDB(path)
	raw, err := rawSQLiteRate(ctx, path, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.out, "machine: parse a quick report %.2f µs, mutex lock+unlock %.0f ns, getpid %.0f ns, pread 4 KiB %.0f ns, raw SQLite %.0f transactions/s in %s (load average %s)\n",
		float64(parsing)/1e3, float64(mutex.Nanoseconds()), float64(getpid), float64(pread), raw, dir, env.load)
	return nil
}

// perOp is the median time of one call of f over five rounds of n calls each.
func perOp(n int, f func()) time.Duration {
	var rounds [5]time.Duration
	for r := range rounds {
		start := time.Now()
		for range n {
			f()
		}
		rounds[r] = time.Since(start) / time.Duration(n)
	}
	for i := range rounds { // insertion sort of five
		for j := i; j > 0 && rounds[j] < rounds[j-1]; j-- {
			rounds[j], rounds[j-1] = rounds[j-1], rounds[j]
		}
	}
	return rounds[2]
}
