//go:build !benchfake

package main

import (
	"context"
	"fmt"
	"time"
)

// The benchmarks that drive lapkin run through a fake Bot API live in bench_inbound.go and
// bench_crowd.go, built only with -tags benchfake: the shipped binary does not link the test fake
// (telegramtest) for them. Asked for without it, they say how to build them.

func (env *benchEnv) inbound(context.Context, int, int, float64) error { return needsFake("inbound") }

func (env *benchEnv) strangersFirst(context.Context, int, int, int, time.Duration) error {
	return needsFake("strangers")
}

func (env *benchEnv) toggles(context.Context, int) error { return needsFake("toggles") }

func (env *benchEnv) photos(context.Context, int, int) error { return needsFake("photos") }

func needsFake(what string) error {
	return fmt.Errorf("bench %s drives lapkin run through a fake Bot API, which this binary does not include: "+
		"build one that does with go build -tags benchfake -o lapkin-bench ./cmd/lapkin, then run lapkin-bench bench %s (see BENCHMARKS.md)", what, what)
}
