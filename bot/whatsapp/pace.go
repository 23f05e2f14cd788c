package whatsapp

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// Pacing keeps the WhatsApp number's sending habits human: one message at a time, at least
// Interval apart plus a random jitter of up to half of it (machine-regular gaps are a bot's
// signature), and at most DailyCap messages to one chat in one calendar day of the city's
// timezone. It only computes; the caller waits (the outbox lane reschedules, Send sleeps a short
// wait itself) and reports each send with Sent.
type Pacing struct {
	interval time.Duration
	cap      int
	loc      *time.Location

	mu     sync.Mutex
	next   time.Time // earliest next send, for any chat
	day    string    // the day counts are for, "2006-01-02" in loc
	counts map[chat.ChatRef]int
	rnd    *rand.Rand
}

// NewPacing returns pacing with the given interval and per-chat daily cap (0: none), counting
// days in loc. seed fixes the jitter for tests; 0 takes a random seed.
func NewPacing(interval time.Duration, dailyCap int, loc *time.Location, seed uint64) *Pacing {
	if loc == nil {
		loc = time.UTC
	}
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Pacing{interval: interval, cap: dailyCap, loc: loc, counts: map[chat.ChatRef]int{},
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// ReadyAt returns when a message to `to` may be sent, seen at now: now itself when it may go at
// once, the end of the pause after the last send, or — when `to` has had its daily cap — the
// start of the next day in the city's timezone.
func (p *Pacing) ReadyAt(to chat.ChatRef, now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.roll(now)
	at := now
	if p.cap > 0 && p.counts[to] >= p.cap {
		local := now.In(p.loc)
		at = time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, p.loc)
	}
	if p.next.After(at) {
		at = p.next
	}
	return at
}

// Sent records a message to `to` sent at now: it counts towards that chat's day and starts the
// next pause, Interval plus a jitter in [0, Interval/2).
func (p *Pacing) Sent(to chat.ChatRef, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.roll(now)
	p.counts[to]++
	gap := p.interval
	if half := int64(p.interval / 2); half > 0 {
		gap += time.Duration(p.rnd.Int64N(half))
	}
	p.next = now.Add(gap)
}

// roll starts a new day's counts when now is on another day than the counts.
func (p *Pacing) roll(now time.Time) {
	day := now.In(p.loc).Format("2006-01-02")
	if day != p.day {
		p.day = day
		clear(p.counts)
	}
}

// MaxGap is the longest pause between two sends: Interval and its whole jitter. A wait longer
// than that is a daily cap, not a pause.
func (p *Pacing) MaxGap() time.Duration { return p.interval + p.interval/2 }

// seed sets the counts of the day of now, read back from the sent messages after a restart, so
// that a restart does not hand every chat a fresh day's cap.
func (p *Pacing) seed(now time.Time, counts map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.roll(now)
	for id, n := range counts {
		p.counts[chat.ChatRef{Net: Net, ID: id}] = n
	}
}

// dayStart is local midnight of now's day in loc.
func dayStart(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}
