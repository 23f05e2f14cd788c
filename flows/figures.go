package flows

import (
	"sort"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// How the offices did, not only the people (issue 21, item 7): an OPD's own figures — the mean
// score N of its people, their mean compliance K, and the share who met the standard — at the end
// of /evaluate of an OPD or of everyone (with the OPDs ranked), in the export's Ringkasan OPD, and
// in /rekap tahun, the city's figure per OPD at the end of a year (Bekasi's 2020 reflection gave
// the city one figure: "proses kinerja … 70 persen"). All three add results in scoring.Figures.

// opdRank is one OPD's figures, for a ranking.
type opdRank struct {
	code, name string
	fig        scoring.Figures
}

// rankOPDs orders OPDs by their mean N, best first (then by code), those without results last.
func rankOPDs(ranks []opdRank) {
	sort.SliceStable(ranks, func(i, j int) bool {
		a, b := ranks[i], ranks[j]
		if (a.fig.People > 0) != (b.fig.People > 0) {
			return a.fig.People > 0
		}
		if a.fig.MeanN() != b.fig.MeanN() {
			return a.fig.MeanN() > b.fig.MeanN()
		}
		return a.code < b.code
	})
}

// figureArgs are a group's figures as the catalog writes them.
func figureArgs(f scoring.Figures) catalog.Args {
	k := "-"
	if v, ok := f.MeanK(); ok {
		k = FormatPercent(v)
	}
	return catalog.Args{"N": FormatNumber(f.MeanN()), "K": k, "Met": f.Met, "People": f.People, "Pct": FormatPercent(f.MetPct())}
}

// rankLines writes a ranking of OPDs, one a line.
func (r *request) rankLines(lang string, ranks []opdRank) []string {
	var lines []string
	for i, o := range ranks {
		args := figureArgs(o.fig)
		args["Rank"], args["Code"], args["Name"] = i+1, o.code, o.name
		if o.fig.People == 0 {
			lines = append(lines, r.tl(lang, "figures.rank_none", args))
			continue
		}
		lines = append(lines, r.tl(lang, "figures.rank_line", args))
	}
	return lines
}

// evaluateFigures are the lines /evaluate of an OPD or of everyone (all) ends with: the group's
// own figures over the results shown, and for everyone the OPDs ranked by their mean N.
func (r *request) evaluateFigures(title string, all bool, done []*evaluation) ([]string, error) {
	if len(done) == 0 {
		return nil, nil
	}
	var whole scoring.Figures
	byOPD := map[string]*scoring.Figures{}
	for _, ev := range done {
		whole.Add(ev.score.N, ev.score.K, ev.score.KMeasured, ev.score.StandardMet)
		f := byOPD[ev.emp.OPDCode]
		if f == nil {
			f = &scoring.Figures{}
			byOPD[ev.emp.OPDCode] = f
		}
		f.Add(ev.score.N, ev.score.K, ev.score.KMeasured, ev.score.StandardMet)
	}
	args := figureArgs(whole)
	args["Title"] = title
	lines := []string{r.t("figures.group", args)}
	if !all {
		return lines, nil
	}
	opds, err := r.tx.OPDs(r.ctx)
	if err != nil {
		return nil, err
	}
	var ranks []opdRank
	for _, o := range opds {
		if f := byOPD[o.Code]; f != nil {
			ranks = append(ranks, opdRank{code: o.Code, name: o.Name, fig: *f})
		}
	}
	rankOPDs(ranks)
	lines = append(lines, r.t("figures.rank_title", nil))
	return append(lines, r.rankLines(r.lang, ranks)...), nil
}

// allSubject reports whether /evaluate's subject is everyone.
func (r *request) allSubject(s string) bool {
	return strings.EqualFold(s, "semua") || strings.EqualFold(s, "all")
}

// cmdYearRecap is /rekap tahun [YYYY] (admins): the city's figure and each OPD's for a year, from
// the evaluation results in force whose period ends in it (each person's latest), the OPDs ranked.
func cmdYearRecap(r *request, args []string) error {
	if !r.isAdmin() {
		return forbidden("figures.year_admin_only", nil)
	}
	year := r.today.Year()
	if len(args) > 1 {
		return invalid("figures.year_format", nil)
	}
	if len(args) == 1 {
		y, err := time.Parse("2006", args[0])
		if err != nil || y.Year() < 2000 || y.Year() > r.today.Year() {
			return invalid("figures.year_format", nil)
		}
		year = y.Year()
	}
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	evals, err := r.tx.EvaluationsForExport(r.ctx, store.ExportFilter{From: dateKey(from), To: dateKey(to)})
	if err != nil {
		return err
	}
	// Each person's latest result in force, in the OPD they are in now (as the export counts them).
	latest := map[string]store.ExportEvaluation{}
	for _, v := range evals {
		if v.SupersededBy != 0 {
			continue
		}
		if old, ok := latest[v.NIP]; !ok || v.PeriodEnd > old.PeriodEnd || v.PeriodEnd == old.PeriodEnd && v.CreatedAt.After(old.CreatedAt) {
			latest[v.NIP] = v
		}
	}
	var city scoring.Figures
	byOPD := map[string]*scoring.Figures{}
	for _, v := range latest {
		city.AddStored(v.Score, v.Outputs, v.StandardMet)
		f := byOPD[v.OPDCode]
		if f == nil {
			f = &scoring.Figures{}
			byOPD[v.OPDCode] = f
		}
		f.AddStored(v.Score, v.Outputs, v.StandardMet)
	}
	opds, err := r.tx.OPDs(r.ctx)
	if err != nil {
		return err
	}
	var ranks []opdRank
	for _, o := range opds {
		rk := opdRank{code: o.Code, name: o.Name}
		if f := byOPD[o.Code]; f != nil {
			rk.fig = *f
		}
		ranks = append(ranks, rk)
	}
	rankOPDs(ranks)
	a := figureArgs(city)
	a["Year"] = year
	if city.People == 0 {
		r.say("figures.year_empty", a)
		return nil
	}
	lines := []string{r.t("figures.year_title", a), r.t("figures.rank_title", nil)}
	lines = append(lines, r.rankLines(r.lang, ranks)...)
	lines = append(lines, r.t("figures.year_footer", a))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}
