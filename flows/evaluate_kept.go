package flows

import (
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// keptPreview is what the preview of an OPD's or everyone's evaluation computed, kept for the
// evaluator's "ya" moments later: recomputing a city (20,000 people) costs seconds, and the
// results cannot differ when nothing they were computed from changed in between.
type keptPreview struct {
	evaluator, lang, subject, period string
	today                            time.Time
	mark                             store.InputsMark // taken before the first snapshot was read
	interim                          bool             // some result counts today
	from, to                         string           // the days the results count (YYYY-MM-DD), "" when none (a new report today may change it)
	groups                           [][]*evaluation  // each OPD's results, in the order read
	unsigned, unscored               []string
}

// keptPreviews holds one kept preview, the latest: it is a city's results at most, and a preview
// nobody confirms is let go after keptPreviewFor.
type keptPreviews struct {
	mu   sync.Mutex
	kept *keptPreview
	drop *time.Timer
	used int // confirmations that recorded kept results (tests)
}

// keptPreviewFor is how long a preview's results are kept for its confirmation. Only memory
// depends on it: whether they are used is decided by the data (store.InputsChangedSince).
const keptPreviewFor = 10 * time.Minute

func (k *keptPreviews) put(p *keptPreview) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.kept = p
	if k.drop != nil {
		k.drop.Stop()
	}
	k.drop = time.AfterFunc(keptPreviewFor, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if k.kept == p {
			k.kept = nil
		}
	})
}

// take returns the kept preview if it is evaluator's, and lets go of any in every case.
func (k *keptPreviews) take(evaluator string) *keptPreview {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := k.kept
	k.kept = nil
	if k.drop != nil {
		k.drop.Stop()
		k.drop = nil
	}
	if p == nil || p.evaluator != evaluator {
		return nil
	}
	return p
}

// keptFor returns the results the preview of d computed, when they are still right: the same
// evaluator, subject, period, language and day, and nothing they were read from changed since
// (a change to days no result counts is not a change: store.InputsChangedSince). It returns nil
// (compute again) otherwise.
func (r *request) keptFor(d evaluateDraft) (*keptPreview, error) {
	p := r.e.kept.take(r.who.NIP)
	if p == nil || p.lang != r.lang || p.subject != d.Subject || p.period != d.Period || !p.today.Equal(r.today) {
		return nil, nil
	}
	// A final result counts no day after its period, which ended before today: a report dated
	// today cannot change it. An interim result counts today.
	before := dateKey(r.today)
	if p.interim {
		before = "9999-12-31"
	}
	var changed bool
	err := r.inView(func() (err error) {
		changed, err = r.tx.InputsChangedSince(r.ctx, p.mark, store.InputsSpan{From: p.from, To: p.to, Before: before})
		return err
	})
	if err != nil || changed {
		return nil, err
	}
	r.e.kept.mu.Lock()
	r.e.kept.used++
	r.e.kept.mu.Unlock()
	return p, nil
}

// keep lets go of what a kept result will not need: the stored JSON (encode makes it again), and
// for an interim result (never recorded) everything slim drops. A final result keeps its targets
// even when unchanged: compare decides again when recording, and an evaluation recorded meanwhile
// by someone else may make it a replacement to announce.
func (ev *evaluation) keep() {
	if !ev.final || ev.rangeOnly {
		ev.slim()
		return
	}
	ev.previous = nil                      // compare reads it again when recording
	ev.row.Inputs, ev.row.Outputs = "", "" // encode writes them again before recording
}
