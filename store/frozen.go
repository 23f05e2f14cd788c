package store

import "sync"

// frozenTargets remembers the targets of signed contracts. Triggers refuse any change to the
// targets of a signed (or superseded) contract, and the contract cannot be deleted without them,
// so what was committed once stays true: only what a read transaction read, or a write
// transaction read and then committed, is remembered (a signing rolled back never was, and its
// contract's id may be used again). The key holds the moment of signing and the contract's hash
// besides its id, for good measure.
type frozenTargets struct {
	mu sync.Mutex
	m  map[frozenKey][]Target
}

type frozenEntry struct {
	key     frozenKey
	targets []Target
}

type frozenKey struct {
	id       int64
	signedAt int64 // UnixNano
	sha      string
}

// frozenTargetsMax bounds the memory: past it the map starts again (a city of 20,000 has as many
// signed contracts a year; the quick reports of a day come from far fewer).
const frozenTargetsMax = 4096

// get returns a copy of the targets remembered for k: callers may change what they get.
func (f *frozenTargets) get(k frozenKey) ([]Target, bool) {
	if f == nil {
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	tg, ok := f.m[k]
	if !ok {
		return nil, false
	}
	return append([]Target(nil), tg...), true
}

func (f *frozenTargets) put(k frozenKey, tg []Target) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil || len(f.m) >= frozenTargetsMax {
		f.m = make(map[frozenKey][]Target)
	}
	f.m[k] = append([]Target(nil), tg...)
}
