package chat

import (
	"sync"
	"time"
)

// Clock tells the time. Every part of Lapkin that needs "now" reads it from the one Clock it was
// given, so tests and the demo's `:time` can fix or move it.
type Clock interface {
	Now() time.Time
}

// Timer is implemented by clocks that can wake a waiter when they reach a time. The outbox sender
// waits for rate limits through it, so that a test on a ManualClock decides when a limit has passed;
// with a clock that lacks it the sender waits in real time.
type Timer interface {
	// After returns a channel that receives the clock's time once d has passed on it.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real time.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// After is time.After.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// ManualClock is a clock that only moves when told to. It is safe for concurrent use.
type ManualClock struct {
	mu      sync.Mutex
	t       time.Time
	waiters []waiter
}

// waiter is a pending After: ch receives the clock's time once it reaches at.
type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.fire()
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.fire()
	c.mu.Unlock()
}

// After returns a channel that receives the clock's time once Set or Advance has moved it d past
// now; at once when d is not positive.
func (c *ManualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{at: c.t.Add(d), ch: ch})
	c.fire()
	return ch
}

// fire wakes the waiters whose time has come; c.mu must be held.
func (c *ManualClock) fire() {
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.t) {
			kept = append(kept, w)
		} else {
			w.ch <- c.t
		}
	}
	c.waiters = kept
}
