package chat

import "time"

// DefaultBackoff is the first wait of Backoff: [retry] backoff when the configuration does not say.
const DefaultBackoff = 2 * time.Second

// maxBackoff is where the doubling of a backoff stops.
const maxBackoff = 10 * time.Minute

// Backoff is the wait before retry number attempt+1: 2 s doubling to at most 10 minutes.
func Backoff(attempt int) time.Duration { return BackoffFrom(DefaultBackoff, attempt) }

// BackoffFrom is Backoff with first as the first wait ([retry] backoff; DefaultBackoff when not
// positive): first doubling to at most 10 minutes.
func BackoffFrom(first time.Duration, attempt int) time.Duration {
	d := first
	if d <= 0 {
		d = DefaultBackoff
	}
	for i := 0; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	if d > maxBackoff {
		d = maxBackoff
	}
	return d
}
