package chat

import "context"

// Downloads lets one download at a time run on a network (issue 26, item 4). Each download is
// capped at the transport's largest photo, so the bytes in flight on a network never exceed one
// such file, however many people send photos at once: before, 100 strangers' 19 MB photos were
// downloaded side by side and took the process from 38 to 1,985 MB.
type Downloads struct {
	once chan struct{}
}

// NewDownloads returns a gate with no download running.
func NewDownloads() *Downloads { return &Downloads{once: make(chan struct{}, 1)} }

// Do runs fn once no other download of the gate runs, or returns ctx's error while it waits.
func (d *Downloads) Do(ctx context.Context, fn func() ([]byte, error)) ([]byte, error) {
	select {
	case d.once <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-d.once }()
	return fn()
}
