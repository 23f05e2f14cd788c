package scoring

import (
	"errors"
	"testing"
)

func TestComputeScoreEdges(t *testing.T) {
	t.Parallel()
	one := func(q, frac, done, w float64) Target {
		return Target{N: 1, Quantity: q, Fraction: frac, Done: done, Weight: w}
	}
	cases := []struct {
		name string
		in   Input
		n    float64
		pred string
		met  bool
	}{
		// K = 19/20 = 95; C = 100 (capped); N = 60 + 38 = 98.
		{"sangat baik", Input{WorkDays: 20, ReportedDays: 19, Targets: []Target{one(10, 0.5, 9, 1)}}, 98, "Sangat Baik", true},
		// Rounding decides what is shown and what counts: K = 15/20 = 75, C = 76,6 (7,66 of 10):
		// N = 0,6 × 76,6 + 0,4 × 75 = 45,96 + 30 = 75,96 → 76,0 → Baik, standard met.
		{"rounds to the pass mark", Input{WorkDays: 20, ReportedDays: 15, Targets: []Target{one(10, 1, 7.66, 1)}}, 76, "Baik", true},
		// N = 0,6 × 76,5 + 0,4 × 75 = 45,9 + 30 = 75,9 → below 76: Butuh Perbaikan, not met.
		{"just below", Input{WorkDays: 20, ReportedDays: 15, Targets: []Target{one(10, 1, 7.65, 1)}}, 75.9, "Butuh Perbaikan", false},
		// Weights: #1 (w 3) at 100%, #2 (w 1) at 0%: C = 75; K = 100: N = 45 + 40 = 85.
		{"weighted", Input{WorkDays: 10, ReportedDays: 10, Targets: []Target{one(4, 1, 4, 3), {N: 2, Quantity: 4, Fraction: 1, Done: 0, Weight: 1}}}, 85, "Baik", true},
		// A target with nothing expected yet (fraction 0) is left out of C.
		{"nothing expected yet", Input{WorkDays: 10, ReportedDays: 5, Targets: []Target{one(4, 0, 0, 1), {N: 2, Quantity: 4, Fraction: 1, Done: 2, Weight: 1}}}, 50, "Sangat Kurang", false},
		// Kurang band: N = 55 from K alone (no target).
		{"kurang", Input{WorkDays: 20, ReportedDays: 11}, 55, "Kurang", false},
	}
	for _, c := range cases {
		s, err := Compute(c.in, DefaultParams)
		if err != nil || s.N != c.n || s.Predicate != c.pred || s.StandardMet != c.met {
			t.Errorf("%s: N %v %s met=%v (err %v), want %v %s met=%v", c.name, s.N, s.Predicate, s.StandardMet, err, c.n, c.pred, c.met)
		}
	}
	if _, err := Compute(Input{}, DefaultParams); !errors.Is(err, ErrNothing) {
		t.Fatalf("empty input scored: %v", err)
	}
	// Bands come from the parameters: with Baik from 70, 73 is Baik.
	p := DefaultParams
	p.Bands[1], p.PassScore = 70, 70
	if s, _ := Compute(Input{WorkDays: 100, ReportedDays: 73}, p); s.Predicate != "Baik" || !s.StandardMet {
		t.Fatalf("configured bands ignored: %+v", s)
	}
}
