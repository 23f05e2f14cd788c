package export

import (
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// figureColumns are the OPD's own figures at the end of the sheet "Ringkasan OPD" (issue 21): the
// mean score N of its people's latest results, their mean compliance K, the share who met the
// standard, and the OPD's rank by its mean N. /evaluate of everyone and /rekap tahun show the
// same figures (scoring.Figures).
var figureColumns = []column{{"Rata-rata N", 10}, {"Rata-rata K (%)", 10}, {"% memenuhi standar", 11}, {"Peringkat", 9}}

// opdFigures adds up each OPD's latest results: its figures, its rank (1 the best mean N; 0 for
// an OPD without results), and the figures of all of them.
func opdFigures(opds []store.OPDHeadcount, counts tally) (map[string]scoring.Figures, map[string]int, scoring.Figures) {
	figs := map[string]scoring.Figures{}
	var city scoring.Figures
	var ranked []string
	for _, o := range opds {
		var f scoring.Figures
		for _, v := range counts.of(o.Code).latest {
			f.AddStored(v.Score, v.Outputs, v.StandardMet)
			city.AddStored(v.Score, v.Outputs, v.StandardMet)
		}
		figs[o.Code] = f
		if f.People > 0 {
			ranked = append(ranked, o.Code)
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		a, b := figs[ranked[i]], figs[ranked[j]]
		if a.MeanN() != b.MeanN() {
			return a.MeanN() > b.MeanN()
		}
		return ranked[i] < ranked[j]
	})
	ranks := map[string]int{}
	for i, code := range ranked {
		ranks[code] = i + 1
	}
	return figs, ranks, city
}

// figureCells are a row's cells of figureColumns: empty for a group without results.
func figureCells(f scoring.Figures, rank int, sty styles) []any {
	if f.People == 0 {
		return []any{"", "", "", ""}
	}
	k := any("")
	if v, ok := f.MeanK(); ok {
		k = excelize.Cell{StyleID: sty.decimal, Value: round1(v)}
	}
	r := any("")
	if rank > 0 {
		r = rank
	}
	return []any{excelize.Cell{StyleID: sty.decimal, Value: round1(f.MeanN())}, k,
		excelize.Cell{StyleID: sty.decimal, Value: round1(f.MetPct())}, r}
}
