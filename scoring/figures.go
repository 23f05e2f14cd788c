package scoring

import "encoding/json"

// Figures are a group's own figures (an OPD's, or the city's), from its people's results: the
// mean score N, the mean compliance K of those whose K was measured, and how many met the
// standard. Every part of Lapkin that shows an OPD's figures (/evaluate of an OPD or semua, the
// export's Ringkasan OPD, /rekap tahun) adds its results here, so they agree.
type Figures struct {
	People, KPeople, Met int
	SumN, SumK           float64
}

// Add counts one person's result.
func (f *Figures) Add(n, k float64, kMeasured, met bool) {
	f.People++
	f.SumN += n
	if kMeasured {
		f.KPeople++
		f.SumK += k
	}
	if met {
		f.Met++
	}
}

// MeanN is the mean score, 0 without results.
func (f Figures) MeanN() float64 {
	if f.People == 0 {
		return 0
	}
	return f.SumN / float64(f.People)
}

// MeanK is the mean compliance of those whose K was measured, and false when nobody's was.
func (f Figures) MeanK() (float64, bool) {
	if f.KPeople == 0 {
		return 0, false
	}
	return f.SumK / float64(f.KPeople), true
}

// MetPct is the share of people who met the standard (%), 0 without results.
func (f Figures) MetPct() float64 {
	if f.People == 0 {
		return 0
	}
	return 100 * float64(f.Met) / float64(f.People)
}

// AddStored counts a stored result: its score, whether it met the standard, and its outputs as
// recorded (JSON with "K" and "k_measured"). A row older than "k_measured" has its K measured
// when it has one; a damaged row counts its score alone.
func (f *Figures) AddStored(score float64, outputs string, met bool) {
	var m map[string]any
	_ = json.Unmarshal([]byte(outputs), &m)
	k, hasK := m["K"].(float64)
	if measured, ok := m["k_measured"].(bool); ok && !measured {
		hasK = false
	}
	f.Add(score, k, hasK, met)
}
