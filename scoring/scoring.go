// Package scoring is the formula of SPEC.md's /evaluate, pure: the same input and parameters
// always give the same result, which is what lets a stored evaluation be checked later. See
// docs/scoring.md.
package scoring

import (
	"errors"
	"math"
)

// Scoring (SPEC.md "Scoring"): for one employee and one period,
//
//	K = working days with at least one report ÷ working days × 100
//	C = weighted mean over the targets of min(100, realisation ÷ expected × 100),
//	    expected = target × the fraction of the target's span (signing → due) elapsed at the period's end
//	N = w_c·C + w_k·K, its predicate from the bands, the standard met when N ≥ pass_score.
//
// N is rounded to one decimal before the predicate and the standard are read from it, so that
// what the official is shown is exactly what decided: "76" never hides a 75,96 that failed.
// When a part cannot be measured (no working day in the period, or no target with anything
// expected yet) N is the other part alone, and the result says so; when neither can, there is no
// score.

// Params are the weights, bands and pass mark of [evaluation] in the config.
type Params struct {
	WC, WK    float64 // weights of C and K, summing to 1
	PassScore float64
	// Bands are the lower bounds of Sangat Baik, Baik, Butuh Perbaikan and Kurang; below the last
	// is Sangat Kurang (PermenPANRB 6/2022 names).
	Bands [4]float64
}

// DefaultParams are SPEC.md's defaults.
var DefaultParams = Params{WC: 0.6, WK: 0.4, PassScore: 76, Bands: [4]float64{91, 76, 61, 51}}

// Predicates in band order.
var Predicates = [5]string{"Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang"}

// Target is one target as the score sees it.
type Target struct {
	N           int     `json:"n"`
	Description string  `json:"description"`
	Unit        string  `json:"unit"`
	Quantity    float64 `json:"quantity"`
	Weight      float64 `json:"weight"`
	// Fraction is the share of the target's span (signing → due) elapsed at the period's end.
	Fraction float64 `json:"fraction"`
	// Done is the realisation reported up to the period's end.
	Done float64 `json:"done"`
}

// Input is everything a score is computed from; it is stored with the result.
type Input struct {
	WorkDays     int      `json:"work_days"`
	ReportedDays int      `json:"reported_days"`
	HolidayDays  int      `json:"holiday_days"`
	LeaveDays    int      `json:"leave_days"`
	Targets      []Target `json:"targets"`
}

// TargetResult is one target's part of C.
type TargetResult struct {
	N        int     `json:"n"`
	Expected float64 `json:"expected"`
	Done     float64 `json:"done"`
	Pct      float64 `json:"pct"`     // min(100, done ÷ expected × 100)
	Counted  bool    `json:"counted"` // false when nothing was expected yet
}

// Result is the result.
type Result struct {
	K           float64        `json:"K"`
	KMeasured   bool           `json:"k_measured"`
	C           float64        `json:"C"`
	CMeasured   bool           `json:"c_measured"`
	Targets     []TargetResult `json:"targets"`
	N           float64        `json:"N"`
	Predicate   string         `json:"predicate"`
	StandardMet bool           `json:"standard_met"`
}

// ErrNothing is returned when neither compliance nor achievement can be measured.
var ErrNothing = errors.New("no working day and no target to score")

// Compute applies the formula. It is pure: the same input and parameters always give the
// same score, which is what lets a stored evaluation be checked later.
func Compute(in Input, p Params) (Result, error) {
	var s Result
	if in.WorkDays > 0 {
		s.KMeasured = true
		s.K = 100 * float64(in.ReportedDays) / float64(in.WorkDays)
	}
	var sumW, sumWP float64
	for _, t := range in.Targets {
		ts := TargetResult{N: t.N, Done: t.Done, Expected: t.Quantity * t.Fraction}
		if ts.Expected > 0 {
			ts.Counted = true
			ts.Pct = math.Min(100, 100*t.Done/ts.Expected)
			w := t.Weight
			if w <= 0 {
				w = 1
			}
			sumW += w
			sumWP += w * ts.Pct
		}
		s.Targets = append(s.Targets, ts)
	}
	if sumW > 0 {
		s.CMeasured = true
		s.C = sumWP / sumW
	}
	switch {
	case s.KMeasured && s.CMeasured:
		s.N = p.WC*s.C + p.WK*s.K
	case s.CMeasured:
		s.N = s.C
	case s.KMeasured:
		s.N = s.K
	default:
		return s, ErrNothing
	}
	s.N = math.Round(s.N*10) / 10
	s.Predicate = Predicates[4]
	for i, b := range p.Bands {
		if s.N >= b {
			s.Predicate = Predicates[i]
			break
		}
	}
	s.StandardMet = s.N >= p.PassScore
	return s, nil
}
