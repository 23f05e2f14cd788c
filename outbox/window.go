package outbox

import (
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// window schedules sends under one Window. It holds N slots; a send takes a free slot and keeps it
// until it completes and Per has passed since. So a new send starts at least Per after some
// earlier send completed, and the platform, which counts sends when they arrive (after they start,
// before they complete), never sees N+1 of them within Per, however the network delays them. A
// token bucket (golang.org/x/time/rate) cannot promise this: it counts from when a request leaves,
// and a bucket that allows a burst of N (Telegram's 30 at once) lets through N more within the
// same second as it refills.
type window struct {
	per  time.Duration
	free []time.Time // when each slot may be taken again; the zero time is now, busyUntil in flight
}

// busyUntil marks a slot held by a send in flight: it is free only when the send completes.
var busyUntil = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func newWindow(w chat.Window) *window {
	return &window{per: w.Per, free: make([]time.Time, w.N)}
}

// ready reports when a slot is next free: a time not after now when one is free now; ok is false
// when every slot is held by a send in flight, so no time can be told before one completes.
func (w *window) ready(now time.Time) (at time.Time, ok bool) {
	at = busyUntil
	for _, f := range w.free {
		if f.Before(at) {
			at = f
		}
	}
	return at, at != busyUntil
}

// available counts the slots free at now.
func (w *window) available(now time.Time) int {
	n := 0
	for _, f := range w.free {
		if !f.After(now) {
			n++
		}
	}
	return n
}

// take holds a free slot for a send starting at now and returns it; -1 when none is free.
func (w *window) take(now time.Time) int {
	for i, f := range w.free {
		if !f.After(now) {
			w.free[i] = busyUntil
			return i
		}
	}
	return -1
}

// release frees slot i at Per (plus extra) after the send that held it completed.
func (w *window) release(i int, completed time.Time, extra time.Duration) {
	if i >= 0 && i < len(w.free) {
		w.free[i] = completed.Add(w.per + extra)
	}
}

// idle reports whether no slot is held or cooling down at now, so the window can be forgotten.
func (w *window) idle(now time.Time) bool {
	return w.available(now) == len(w.free)
}

// windows makes the schedulers of the declared windows, leaving out those that limit nothing.
func windows(ws []chat.Window) []*window {
	var out []*window
	for _, w := range ws {
		if w.N > 0 && w.Per > 0 {
			out = append(out, newWindow(w))
		}
	}
	return out
}
