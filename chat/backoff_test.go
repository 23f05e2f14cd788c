package chat

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{0, 2 * time.Second}, {1, 4 * time.Second}, {3, 16 * time.Second}, {20, 10 * time.Minute}} {
		if got := Backoff(c.n); got != c.want {
			t.Errorf("Backoff(%d) = %v, want %v", c.n, got, c.want)
		}
	}
}
