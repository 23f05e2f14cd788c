package flows_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/seed"
	"github.com/lapkin-id/lapkin/store"
)

// city is a small synthetic city (lapkin seed) with an engine on it.
type city struct {
	t     *testing.T
	st    *store.Store
	eng   *flows.Engine
	clock *bot.ManualClock
	admin bot.ChatRef
	n     int
}

// cityEnd is the seeded city's today: a Tuesday; its reports end the day before.
var cityEnd = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func newCity(t *testing.T, preload bool) *city {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "city.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, err = seed.Build(ctx, st, seed.Options{ASN: 90, OPDs: 3, Days: 330, End: cityEnd, Seed: 7, Location: jakarta, Habit: [2]float64{0.85, 1},
		Holidays: []store.Holiday{{Date: calendar.New(2026, 8, 17), Name: "Hari Kemerdekaan"}, {Date: calendar.New(2026, 11, 18), Name: "Libur daerah"}}})
	if err != nil {
		t.Fatal(err)
	}
	clock := bot.NewManualClock(time.Date(2026, 11, 24, 10, 0, 0, 0, jakarta))
	eng := flows.New(st, clock, catalog.Must(), flows.Options{Location: jakarta, Language: "id", ShowMissing: true}, nil)
	eng.SetPreload(preload)
	c := &city{t: t, st: st, eng: eng, clock: clock}
	var net, id string
	if err := st.DB().QueryRow(`SELECT i.net, i.external_id FROM employees e JOIN identities i ON i.employee_nip = e.nip
		WHERE e.role = 'admin' ORDER BY e.nip LIMIT 1`).Scan(&net, &id); err != nil {
		t.Fatal(err)
	}
	c.admin = bot.ChatRef{Net: net, ID: id}
	return c
}

func (c *city) say(text string) {
	c.t.Helper()
	c.n++
	m := bot.Message{ID: fmt.Sprint("m", c.n), Chat: c.admin, Sender: c.admin, Text: text, Time: c.clock.Now()}
	if err := c.eng.Handle(context.Background(), m); err != nil {
		c.t.Fatal(err)
	}
}

func (c *city) job(job string, at time.Time) {
	c.t.Helper()
	if err := c.eng.RunJob(context.Background(), job, at); err != nil {
		c.t.Fatalf("%s: %v", job, err)
	}
}

// outbox is every queued message in order: chat, payload and a hash of the attachment.
func (c *city) outbox() []string {
	c.t.Helper()
	rows, err := c.st.DB().Query(`SELECT chat_net || ':' || chat_id, payload, COALESCE(photo, x'') FROM outbox ORDER BY id`)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var chat, payload string
		var photo []byte
		if err := rows.Scan(&chat, &payload, &photo); err != nil {
			c.t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %x", chat, payload, sha256.Sum256(photo)))
	}
	return out
}

func (c *city) evaluations() []string {
	c.t.Helper()
	rows, err := c.st.DB().Query(`SELECT nip, period_key, inputs, outputs FROM evaluations ORDER BY id`)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b, d, e string
		rows.Scan(&a, &b, &d, &e)
		out = append(out, a+" "+b+" "+d+" "+e)
	}
	return out
}

// run is the same day in the city's life: every job and the evaluations of an OPD and of everyone.
func (c *city) run() {
	fri := time.Date(2026, 11, 20, 16, 0, 0, 0, jakarta)
	c.job(flows.JobDigest, fri)
	c.job(flows.JobDigestSaturday, fri.AddDate(0, 0, 1))
	tue := time.Date(2026, 11, 24, 0, 0, 0, 0, jakarta)
	c.job(flows.JobDeadline, tue.Add(8*time.Hour))
	c.job(flows.JobReminder, tue.Add(14*time.Hour))
	c.job(flows.JobContract, time.Date(2026, 11, 23, 9, 0, 0, 0, jakarta))
	c.job(flows.JobEvaluationDue, time.Date(2026, 11, 23, 8, 0, 0, 0, jakarta))
	var opd string
	c.st.DB().QueryRow(`SELECT code FROM opds ORDER BY code LIMIT 1 OFFSET 1`).Scan(&opd)
	c.say("/tim " + opd)
	c.say("/evaluate " + opd)
	c.say("ya")
	c.say("/evaluate semua 2026-10")
	c.say("ya")
	c.say("/rekap bulan")
}

// The batched reading (store.Preloaded) of the jobs and of /evaluate gives, message for message
// and evaluation for evaluation, what asking person by person gives, on a city with a year of
// reports, leave, holidays and six-day OPDs.
func TestBatchedJobsMatchPersonByPerson(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("seeds two cities")
	}
	batched, single := newCity(t, true), newCity(t, false)
	batched.run()
	single.run()
	a, b := batched.outbox(), single.outbox()
	if len(a) < 100 {
		t.Fatalf("only %d messages queued: the city run did too little to compare", len(a))
	}
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("message %d differs:\nbatched: %.600s\nsingle:  %.600s", i, a[i], b[i])
			}
		}
		t.Fatalf("batched queued %d messages, person by person %d", len(a), len(b))
	}
	ea, eb := batched.evaluations(), single.evaluations()
	if len(ea) == 0 || !slices.Equal(ea, eb) {
		t.Fatalf("evaluations differ: %d batched, %d person by person", len(ea), len(eb))
	}
}

// Item 6 of issue 13: /evaluate of an OPD tells each supervisor once, with their whole team's
// results, and every employee their own; re-evaluating each person alone (no batching) finds
// every result unchanged.
func TestEvaluateTellsEachSupervisorOnce(t *testing.T) {
	t.Parallel()
	c := newCity(t, true)
	var opd string
	c.st.DB().QueryRow(`SELECT code FROM opds ORDER BY code LIMIT 1`).Scan(&opd)
	c.say("/evaluate " + opd + " 2026-10")
	c.say("ya")
	rows, err := c.st.DB().Query(`SELECT e.nip, e.name, COALESCE(e.supervisor_nip, '') FROM evaluations v JOIN employees e ON e.nip = v.nip`)
	if err != nil {
		t.Fatal(err)
	}
	team := map[string][]string{}
	var nips []string
	for rows.Next() {
		var nip, name, sup string
		rows.Scan(&nip, &name, &sup)
		nips = append(nips, nip)
		if sup != "" {
			team[sup] = append(team[sup], name)
		}
	}
	rows.Close()
	if len(nips) < 10 || len(team) < 2 {
		t.Fatalf("%d evaluated under %d supervisors: too few to check", len(nips), len(team))
	}
	texts := func(nip string) []string {
		rows, err := c.st.DB().Query(`SELECT o.payload FROM outbox o JOIN identities i ON i.net = o.chat_net AND i.external_id = o.chat_id
			WHERE i.employee_nip = ? ORDER BY o.id`, nip)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var p string
			rows.Scan(&p)
			out = append(out, p)
		}
		return out
	}
	for sup, names := range team {
		var teamMsgs []string
		for _, p := range texts(sup) {
			if strings.Contains(p, "hasil evaluasi kinerja tim Anda") {
				teamMsgs = append(teamMsgs, p)
			}
		}
		if want := (len(names) + 14) / 15; len(teamMsgs) != want {
			t.Fatalf("supervisor %s got %d team messages for %d people, want %d", sup, len(teamMsgs), len(names), want)
		}
		all := strings.Join(teamMsgs, "\n")
		for _, n := range names {
			if !strings.Contains(all, n) {
				t.Errorf("supervisor %s's message does not name %s", sup, n)
			}
		}
	}
	for _, nip := range nips {
		own := 0
		for _, p := range texts(nip) {
			if strings.Contains(p, "berikut hasil evaluasi kinerja yang dicatat") {
				own++
			}
		}
		if own != 1 {
			t.Fatalf("%s got %d results of their own, want 1", nip, own)
		}
	}
	before := len(c.evaluations())
	for _, nip := range nips {
		c.say("/evaluate " + nip + " 2026-10")
	}
	if after := len(c.evaluations()); after != before {
		t.Fatalf("re-evaluating each person alone recorded %d new results: the batched ones differ", after-before)
	}
}
