package chat

import "time"

// Backoff is the wait before retry number attempt+1: 2 s doubling to at most 10 minutes.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 0; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	if d > 10*time.Minute {
		d = 10 * time.Minute
	}
	return d
}
