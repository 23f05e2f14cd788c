package freetext

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/adrg/strutil/metrics"
)

// Target is one of the person's signed targets, as the matcher sees it.
type Target struct {
	N           int
	Description string
	Unit        string
}

// Verdict is what to do with an activity once it is matched to the person's targets.
type Verdict int

// The verdicts.
const (
	// Sure: one target clearly fits (or the message named it with #n): save it there.
	Sure Verdict = iota
	// Choose: more than one target fits, or one fits only weakly, or the unit speaks against it:
	// ask which (the person's targets, the candidates first), never guess.
	Choose
	// None: no target fits and nothing says one should: the activity is work outside the
	// contract (an apel, a staff meeting) and is saved without a target.
	None
)

// Match is the matcher's answer for one activity.
type Match struct {
	Verdict Verdict
	// Target is the target's number for Sure (0 when the verdict is None).
	Target int
	// Choices are the candidate targets for Choose, best first; empty means "any of them".
	Choices []int
	// AskQuantity says the target is known but the quantity was written in a unit the target
	// is not counted in ("4 slide" towards a target in konten): ask how many, in its unit.
	AskQuantity bool
	// Quantity is the quantity to save: the written one, or 1 when none was written (what
	// people mean by "verifikasi spj": one; the reply says so, and how to change it).
	Quantity float64
}

// The cut-offs of the match score (0..1). At or above high, with a clear lead over the next
// target, a target is taken without asking; between low and high it is offered; below low it is
// not a candidate. Tuned on the corpus in testdata (corpus_test.go prints the figures).
const (
	scoreHigh   = 0.52
	scoreLow    = 0.24
	scoreMargin = 0.17
	// scoreAlone takes a target below scoreHigh when no other target has anything like the
	// activity ("perbaiki printer bagian umum": only the target of device faults).
	scoreAlone = 0.38
)

// Matcher matches activities to one person's targets. Make it once per message with Lexicon.Matcher.
type Matcher struct {
	lex     *Lexicon
	raw     []Target
	targets []preparedTarget // raw, prepared when first needed: an activity named with #n needs none
}

type preparedTarget struct {
	Target
	slots []slot
	unit  string // the unit's group, "" when the lexicon does not know it
}

// word is one content word with what it may match by: its stems and its concept.
type word struct {
	w       string
	stems   []string
	concept string
	generic bool
}

// Matcher prepares the person's targets for matching.
func (l *Lexicon) Matcher(targets []Target) *Matcher { return &Matcher{lex: l, raw: targets} }

// prepare reads the targets' words, once.
func (m *Matcher) prepare() {
	if m.targets != nil || len(m.raw) == 0 {
		return
	}
	m.targets = make([]preparedTarget, 0, len(m.raw))
	for _, t := range m.raw {
		pt := preparedTarget{Target: t, unit: m.lex.unitGroup(strings.ToLower(strings.TrimSpace(t.Unit)))}
		pt.slots = m.lex.prepareSlots(contentSlots(m.lex, t.Description))
		m.targets = append(m.targets, pt)
	}
}

// contentSlots splits text into lower-case content words, each a slot of the forms it may
// match by: itself, and the words of its abbreviation spelled out ("spj": spj, surat,
// pertanggungjawaban). Stopwords, chat words and repeats are left out.
func contentSlots(l *Lexicon, text string) [][]string {
	var out [][]string
	for _, raw := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r > 127 && r != '\u00a0')
	}) {
		raw = strings.Trim(raw, "-")
		if len(raw) < 2 || stopwords[raw] || chatWords[raw] || slices.ContainsFunc(out, func(s []string) bool { return s[0] == raw }) {
			continue
		}
		var slot []string
		for _, w := range l.expand(raw) {
			if len(w) >= 2 && !stopwords[w] {
				slot = append(slot, w)
			}
		}
		if len(slot) > 0 {
			out = append(out, slot)
		}
	}
	return out
}

func (l *Lexicon) prepare(w string) word {
	wd := word{w: w, stems: stems(w), generic: generic[w]}
	for _, s := range wd.stems {
		if c, ok := l.concept[s]; ok && wd.concept == "" {
			wd.concept = c
		}
		if generic[s] {
			wd.generic = true
		}
	}
	return wd
}

// unitGroup names the group of a unit word ("berkas" and "dokumen" are one), "" when unknown.
func (l *Lexicon) unitGroup(u string) string {
	if u == "" {
		return ""
	}
	if g, ok := l.unit[u]; ok {
		return g
	}
	if f := strings.Fields(u); len(f) > 1 { // "ibu hamil": by its last word, then its first
		if g, ok := l.unit[f[len(f)-1]]; ok {
			return g
		}
		if g, ok := l.unit[f[0]]; ok {
			return g
		}
	}
	for _, s := range stems(u) {
		if g, ok := l.unit[s]; ok {
			return g
		}
	}
	return ""
}

var lev = metrics.NewLevenshtein()

// similar scores how well two words stand for the same thing: the same word, the same root, the
// same concept of the lexicon, or a typo of each other.
func similar(a, b *word) float64 {
	if a.w == b.w {
		return 1
	}
	for _, x := range a.stems {
		for _, y := range b.stems {
			if x == y {
				return 0.9
			}
		}
	}
	best := 0.0
	if a.concept != "" && a.concept == b.concept {
		best = 0.75
	}
	// A typo: one edit in a word of five letters or more, two in one of eight or more.
	la, lb := len(a.w), len(b.w)
	if la >= 5 && lb >= 5 && abs(la-lb) <= 2 {
		d := lev.Distance(a.w, b.w)
		if d <= 1 || (d <= 2 && la >= 8 && lb >= 8) {
			best = max(best, 0.8)
		} else if x, y := a.stems[len(a.stems)-1], b.stems[len(b.stems)-1]; len(x) >= 5 && len(y) >= 5 && lev.Distance(x, y) <= 1 {
			best = max(best, 0.7) // "pemeliharan" and "pemeliharaan" by their roots
		}
	}
	// A word cut short: "verif" for "verifikasi".
	if la >= 4 && lb >= 4 && (strings.HasPrefix(a.w, b.w) || strings.HasPrefix(b.w, a.w)) {
		best = max(best, 0.7)
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// slot is one written word with the forms it may match by (see contentSlots).
type slot []word

func (l *Lexicon) prepareSlots(ss [][]string) []slot {
	out := make([]slot, 0, len(ss))
	for _, forms := range ss {
		sl := make(slot, 0, len(forms))
		for _, f := range forms {
			sl = append(sl, l.prepare(f))
		}
		out = append(out, sl)
	}
	return out
}

// weight is how much a slot counts: a generic word of targets ("penyusunan", "laporan") little.
func (s slot) weight() float64 {
	if s[0].generic {
		return 0.3
	}
	return 1
}

// similarSlot is the best similarity between any forms of two slots.
func similarSlot(a, b slot) float64 {
	best := 0.0
	for i := range a {
		for j := range b {
			if v := similar(&a[i], &b[j]); v > best {
				best = v
				if v == 1 {
					return 1
				}
			}
		}
	}
	return best
}

// coverage is how much of from (by weight) finds a similar word in to. weights, when given, are
// the weights of from's slots; else each slot's own.
func coverage(from, to []slot, weights []float64) float64 {
	var sum, got float64
	for i := range from {
		wt := from[i].weight()
		if weights != nil {
			wt = weights[i]
		}
		sum += wt
		best := 0.0
		for j := range to {
			if v := similarSlot(from[i], to[j]); v > best {
				best = v
				if v == 1 {
					break
				}
			}
		}
		got += wt * best
	}
	if sum == 0 {
		return 0
	}
	return got / sum
}

// Match matches one activity to the person's targets.
func (m *Matcher) Match(a Activity) Match {
	res := Match{Quantity: a.Quantity}
	if a.Target != 0 {
		// Named with #n: the person's own choice, and their count with it (1 when none).
		res.Verdict, res.Target, res.Quantity = Sure, a.Target, a.Quantity
		if res.Quantity == 0 {
			res.Quantity = 1
		}
		return res
	}
	m.prepare()
	if len(m.targets) == 0 {
		res.Verdict = None
		return res
	}
	words := m.lex.prepareSlots(a.slots)
	// A written word no target has anything like ("lupa", "aula", a place) says nothing about
	// which target is meant: it counts less, so that a long message is not read as unlike all.
	weights := make([]float64, len(words))
	for i, w := range words {
		weights[i] = w.weight() * 0.4
		for _, t := range m.targets {
			if slices.ContainsFunc(t.slots, func(ts slot) bool { return similarSlot(w, ts) >= 0.7 }) {
				weights[i] = w.weight()
				break
			}
		}
	}
	unit := m.lex.unitGroup(a.Unit)
	sameUnit := 0
	for _, t := range m.targets {
		if unit != "" && t.unit == unit {
			sameUnit++
		}
	}
	type scored struct {
		n       int
		score   float64
		clash   bool
		matched int // how many written words found one like them in the target
	}
	var all []scored
	for _, t := range m.targets {
		tc, ac := coverage(t.slots, words, nil), coverage(words, t.slots, weights)
		s := 0.35*tc + 0.65*ac
		clash := false
		switch {
		case unit == "" || t.unit == "":
		case t.unit == unit && sameUnit == 1:
			s += 0.2 // the only target counted in this unit: "5 berkas" for the one document target
		case t.unit == unit:
			s += 0.08
		default:
			clash = true // "5 orang" towards a target counted in dokumen
		}
		matched := 0
		for _, w := range words {
			if slices.ContainsFunc(t.slots, func(ts slot) bool { return similarSlot(w, ts) >= 0.7 }) {
				matched++
			}
		}
		all = append(all, scored{t.N, s, clash, matched})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	best := all[0]
	second := 0.0
	if len(all) > 1 {
		second = all[1].score
	}
	switch {
	case (best.score >= scoreHigh && best.score-second >= scoreMargin || best.score >= scoreAlone && second < 0.08 && best.matched >= 2) && !best.clash:
		res.Verdict, res.Target = Sure, best.n
		m.settleQuantity(&res, a)
	case best.score >= scoreLow:
		res.Verdict = Choose
		for _, s := range all {
			if s.score >= scoreLow && best.score-s.score < 0.25 {
				res.Choices = append(res.Choices, s.n)
			}
		}
	case a.Quantity > 0 && unit != "" && sameUnit > 0:
		// Nothing in the words, but a quantity in a unit some targets count: it is probably
		// for one of them.
		res.Verdict = Choose
		for _, s := range all {
			if t := m.target(s.n); t != nil && t.unit == unit {
				res.Choices = append(res.Choices, s.n)
			}
		}
	case a.Quantity > 0:
		// A count of something, but no target fits: ask, since a count is usually an output
		// towards one (0 answers "none").
		res.Verdict = Choose
	default:
		res.Verdict = None
	}
	return res
}

func (m *Matcher) target(n int) *preparedTarget {
	m.prepare()
	for i := range m.targets {
		if m.targets[i].N == n {
			return &m.targets[i]
		}
	}
	return nil
}

// classifiers count things without naming them: "1 unit", "2 buah".
var classifiers = set(`unit buah biji pcs set paket kali x item`)

// Settle is the match of an activity written with quantity and unit once its target is known (the
// person chose it): the written quantity, 1 when none was written, and AskQuantity when the
// written unit is not the target's ("4 slide" towards a target counted in konten).
func (m *Matcher) Settle(target int, quantity float64, unit string) Match {
	res := Match{Verdict: Sure, Target: target}
	m.settleQuantity(&res, Activity{Quantity: quantity, Unit: unit})
	return res
}

// settleQuantity sets the quantity of a match to a target: the written one, 1 when none was
// written, and asks when the written unit is not the target's ("4 slide" for konten).
func (m *Matcher) settleQuantity(res *Match, a Activity) {
	if a.Quantity == 0 {
		res.Quantity = 1
		return
	}
	res.Quantity = a.Quantity
	t := m.target(res.Target)
	u := strings.ToLower(a.Unit)
	if t == nil || u == "" || classifiers[u] {
		return
	}
	if g := m.lex.unitGroup(u); g != "" && g == t.unit {
		return
	}
	tu := strings.ToLower(t.Unit)
	if u == tu || sameWord(u, tu) || strings.Contains(tu, u) {
		return
	}
	res.AskQuantity = true
}

// Understanding is what the bot makes of a message: its reading, and for a report, each
// activity's match against the person's targets (Matches[i] is Activities[i]'s).
type Understanding struct {
	Reading
	Matches []Match
}

// Understand reads a message sent on day today (a civil date) by a person with these signed
// targets, and matches each activity it reports. It is all the bot decides before it saves a
// report or asks a question; the corpus test measures exactly this. An activity that shows no
// sign of work (no verb of work, quantity, duration or #n) and fits none of the targets is not
// taken as a report: a message of only such is Unclear.
func (l *Lexicon) Understand(text string, today time.Time, targets []Target) Understanding {
	return l.understand(text, today, targets, false)
}

// UnderstandReport is Understand for text the person has said is a report (after /lapor): every
// activity read is kept, sign of work or not.
func (l *Lexicon) UnderstandReport(text string, today time.Time, targets []Target) Understanding {
	return l.understand(text, today, targets, true)
}

func (l *Lexicon) understand(text string, today time.Time, targets []Target, explicit bool) Understanding {
	u := Understanding{Reading: l.Read(text, today, targets)}
	if explicit && u.Kind != Report {
		rd := l.readActivities(text, today, targets)
		if len(rd) == 0 {
			return u
		}
		u.Reading = Reading{Kind: Report, Activities: rd}
	}
	if u.Kind != Report {
		return u
	}
	m := l.Matcher(targets)
	kept := u.Activities[:0]
	for _, a := range u.Activities {
		mt := m.Match(a)
		if !explicit && !a.Signal && mt.Verdict == None {
			continue
		}
		kept = append(kept, a)
		u.Matches = append(u.Matches, mt)
	}
	u.Activities = kept
	if len(kept) == 0 {
		u.Kind = Unclear
	}
	return u
}
