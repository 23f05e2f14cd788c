package flows

import (
	"errors"
	"sort"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// evaluatorName names who evaluated, for the notice: the BKPPD (with the operator's name) when an
// admin did, else the supervisor by name and position.
func (r *request) evaluatorName(lang string) string {
	// Once per language: every notice of an evaluation of a city names the evaluator.
	if name, ok := r.evaluatorNames[lang]; ok {
		return name
	}
	var name string
	if r.isAdmin() {
		name = r.tl(lang, "evaluate.by_bkppd", catalog.Args{"Name": r.who.Name})
	} else {
		name = r.tl(lang, "evaluate.by_person", catalog.Args{"Name": r.who.Name, "Position": r.who.Position})
	}
	if r.evaluatorNames == nil {
		r.evaluatorNames = map[string]string{}
	}
	r.evaluatorNames[lang] = name
	return name
}

// announceResult tells the employee and their supervisor a newly recorded result (new or
// replacing an earlier one), and the admins when a 6-month miss puts an official under the
// resignation procedure. An interim or unchanged result tells nobody. It returns the names of
// those told. With team, the supervisor's and admins' notices are gathered there instead, to be
// sent once per person for the whole evaluation (announceTeams).
func (r *request) announceResult(ev *evaluation, team *teamNotices) ([]string, error) {
	if ev.status != evalNew && ev.status != evalReplaced {
		return nil, nil
	}
	next := nextStep(ev)
	var told []string
	tell := func(nip string, text func(lang, name string) string) error {
		emp, err := r.tx.Employee(r.ctx, nip)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		before := len(r.out)
		if err := r.notifyFunc(nip, text); err != nil {
			return err
		}
		if len(r.out) > before {
			told = append(told, emp.Name)
		}
		return nil
	}
	notice := func(lang string, name string) string {
		lines := []string{r.tl(lang, "evaluate.to_person", catalog.Args{"Name": name, "Evaluator": r.evaluatorName(lang)})}
		if ev.previous != nil {
			lines = append(lines, r.tl(lang, "evaluate.replaces", catalog.Args{
				"Date": FormatDate(lang, ev.previous.CreatedAt.In(r.e.opt.Location)), "N": FormatNumber(ev.previous.Score),
				"Predicate": ev.previous.Predicate}))
			if changed, err := r.whatChanged(lang, ev); err == nil && changed != "" {
				lines = append(lines, changed)
			}
		}
		if ev.explainedIn == lang && ev.explained != "" {
			lines = append(lines, ev.explained)
		} else {
			lines = append(lines, r.explain(lang, ev))
		}
		if next != "" {
			lines = append(lines, r.tl(lang, next, nil))
		}
		return strings.Join(lines, "\n")
	}
	if ev.emp.NIP != r.who.NIP {
		if err := tell(ev.emp.NIP, notice); err != nil {
			return nil, err
		}
	}
	if sup, err := r.supervisorOf(&ev.emp); err != nil {
		return nil, err
	} else if sup != "" && sup != r.who.NIP {
		if team != nil {
			team.add(sup, ev)
		} else if err := tell(sup, notice); err != nil {
			return nil, err
		}
	}
	if next == "evaluate.next_resign" && team != nil {
		team.resign = append(team.resign, ev)
	} else if next == "evaluate.next_resign" {
		admins, err := r.adminNIPs()
		if err != nil {
			return nil, err
		}
		for _, a := range admins {
			if a == r.who.NIP {
				continue
			}
			err := tell(a, func(lang, name string) string {
				return r.tl(lang, "evaluate.to_admin_resign", catalog.Args{"Name": name, "Employee": ev.emp.Name,
					"NIP": ev.emp.NIP, "Eselon": ev.emp.Eselon, "N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate,
					"Evaluator": r.evaluatorName(lang)})
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return told, nil
}

// outcome tells the evaluator what became of one result: interim and kept to themselves,
// unchanged, recorded, or recorded in place of an earlier one; and who was told.
func (r *request) outcome(ev *evaluation, told []string) string {
	args := catalog.Args{"End": FormatDate(r.lang, ev.per.End), "Told": r.listNames(told), "Anyone": len(told) > 0}
	if ev.previous != nil {
		args["Date"] = FormatDate(r.lang, ev.previous.CreatedAt.In(r.e.opt.Location))
		args["OldN"] = FormatNumber(ev.previous.Score)
	}
	return r.t("evaluate.outcome_"+ev.status, args)
}

// listNames joins names so that a name with a comma in it ("Drs. Ahmad Fauzi, M.Si.") stays
// readable: "A dan B", or "A; B; dan C".
func (r *request) listNames(names []string) string {
	and := r.t("evaluate.and", nil)
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + and + names[1]
	}
	return strings.Join(names[:len(names)-1], "; ") + ";" + and + names[len(names)-1]
}

// teamNotices gathers, while an OPD or everyone is evaluated, what each supervisor and the admins
// are to be told, so that each of them gets one message instead of one per person.
type teamNotices struct {
	order  []string                 // supervisors in the order first met
	bySup  map[string][]*evaluation // each supervisor's newly recorded results
	resign []*evaluation            // officials under the resignation procedure
}

func (t *teamNotices) add(sup string, ev *evaluation) {
	if _, ok := t.bySup[sup]; !ok {
		t.order = append(t.order, sup)
	}
	t.bySup[sup] = append(t.bySup[sup], ev)
}

// teamLinesPerMessage keeps a team's message within what every network carries in one message
// (Options.Networks' MaxText, 4,096 by default: 15 lines, a line being at most about 200
// characters and the header and footer the rest); a larger team gets its results in parts.
func (r *request) teamLinesPerMessage() int {
	return max(1, r.e.opt.Networks.MaxText()/teamLineBudget)
}

// teamLineBudget is the room a line of a team's results takes in a message, header and footer
// included.
const teamLineBudget = 270

// announceTeams sends each supervisor their team's results in one message (or a few, for a large
// team), and each admin one list of the officials under the resignation procedure. It returns the
// names of those told.
func (r *request) announceTeams(team *teamNotices) ([]string, error) {
	var told []string
	// tell sends lines under a header, in parts when there are many, and notes who was told.
	tell := func(nip string, n int, header func(lang, name string, part, parts int) string, line func(lang string, i int) string, footer string) error {
		teamLinesPerMessage := r.teamLinesPerMessage()
		parts := (n + teamLinesPerMessage - 1) / teamLinesPerMessage
		before := len(r.out)
		for part := 0; part < parts; part++ {
			err := r.notifyFunc(nip, func(lang, name string) string {
				p := 0
				if parts > 1 {
					p = part + 1
				}
				lines := []string{header(lang, name, p, parts)}
				for i := part * teamLinesPerMessage; i < min(n, (part+1)*teamLinesPerMessage); i++ {
					lines = append(lines, line(lang, i))
				}
				if footer != "" && part == parts-1 {
					lines = append(lines, r.tl(lang, footer, nil))
				}
				return strings.Join(lines, "\n")
			})
			if err != nil {
				return err
			}
		}
		if len(r.out) > before {
			if emp, err := r.tx.Employee(r.ctx, nip); err == nil {
				told = append(told, emp.Name)
			}
		}
		return nil
	}
	for _, sup := range team.order {
		evs := team.bySup[sup]
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].score.N > evs[j].score.N })
		err := tell(sup, len(evs), func(lang, name string, part, parts int) string {
			return r.tl(lang, "evaluate.to_team", catalog.Args{"Name": name, "Evaluator": r.evaluatorName(lang), "Count": len(evs),
				"Part": part, "Parts": parts})
		}, func(lang string, i int) string {
			ev := evs[i]
			args := catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name, "NIP": ev.emp.NIP, "N": FormatNumber(ev.score.N),
				"Predicate": ev.score.Predicate, "Met": ev.score.StandardMet, "C": "-", "K": "-", "Period": ev.per.Key,
				"Replaced": ev.previous != nil}
			if ev.score.CMeasured {
				args["C"] = FormatPercent(ev.score.C)
			}
			if ev.score.KMeasured {
				args["K"] = FormatPercent(ev.score.K)
			}
			if ev.previous != nil {
				args["OldN"] = FormatNumber(ev.previous.Score)
			}
			if next := nextStep(ev); next != "" {
				args["Next"] = r.tl(lang, strings.Replace(next, "evaluate.next_", "evaluate.team_next_", 1), nil)
			}
			return r.tl(lang, "evaluate.team_line", args)
		}, "evaluate.team_footer")
		if err != nil {
			return nil, err
		}
	}
	if len(team.resign) == 0 {
		return told, nil
	}
	admins, err := r.adminNIPs() // once for the whole evaluation, not once per official
	if err != nil {
		return nil, err
	}
	for _, a := range admins {
		if a == r.who.NIP {
			continue
		}
		err := tell(a, len(team.resign), func(lang, name string, part, parts int) string {
			return r.tl(lang, "evaluate.to_admins_resign", catalog.Args{"Name": name, "Count": len(team.resign),
				"Evaluator": r.evaluatorName(lang), "Part": part, "Parts": parts})
		}, func(lang string, i int) string {
			ev := team.resign[i]
			return r.tl(lang, "evaluate.admin_resign_line", catalog.Args{"Rank": i + 1, "Employee": ev.emp.Name, "NIP": ev.emp.NIP,
				"Eselon": ev.emp.Eselon, "OPD": ev.emp.OPDCode, "N": FormatNumber(ev.score.N), "Predicate": ev.score.Predicate})
		}, "")
		if err != nil {
			return nil, err
		}
	}
	return told, nil
}
