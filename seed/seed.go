// Package seed makes a synthetic city for load tests and benchmarks (`lapkin seed`): OPDs (some
// working six days), a roster with valid NIPs, heads of OPD, supervisors at eselon III and IV,
// phone numbers and linked chat accounts, a signed contract per person and year, leave, and a
// report history on 80–99% of each person's working days.
//
// It is deterministic: every draw is a hash of the seed and what is being decided (a person and
// a day), not a random stream, so the same options give the same city whatever order it is built
// in, and the console demo's sample history uses the same rule for its own people.
package seed

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/store"
)

// Options say what city to make.
type Options struct {
	ASN  int // people in the roster
	OPDs int // agencies
	// Days is how many days of history end at End (End itself excluded).
	Days int
	// End is the civil date (midnight UTC) the history runs up to; the city "is" on that day.
	End time.Time
	// Seed varies the city; the same Seed and options give the same database.
	Seed uint64
	// Location is the city's time zone (report times are local office hours).
	Location *time.Location
	// Holidays are days off besides weekends: nobody reports on them.
	Holidays []calendar.Holiday
	// Net and IDBase link person i to the chat account Net:IDBase+i (a Telegram user id by
	// default), so that load tests can write as any of them.
	Net    string
	IDBase int64
	// Habit is the range of the share of working days a person reports on; default 0.80–0.99.
	Habit [2]float64
}

// Stats is what Build wrote.
type Stats struct {
	OPDs, Employees, Contracts, Targets, Reports, Leave int
	From, To                                            time.Time
}

// batch is how many reports one transaction writes: large enough that commits cost little,
// small enough that the WAL stays small.
const batch = 20000

// Build writes the city into an empty database.
func Build(ctx context.Context, st *store.Store, opt Options) (Stats, error) {
	if opt.ASN < 1 || opt.OPDs < 1 || opt.OPDs > opt.ASN {
		return Stats{}, fmt.Errorf("seed: need at least one OPD and no more OPDs than people (asn=%d, opd=%d)", opt.ASN, opt.OPDs)
	}
	if opt.Days < 1 {
		return Stats{}, fmt.Errorf("seed: days must be at least 1")
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Net == "" {
		opt.Net = "tg"
	}
	if opt.IDBase == 0 {
		opt.IDBase = 1_000_000
	}
	if opt.Habit == [2]float64{} {
		opt.Habit = [2]float64{0.80, 0.99}
	}
	from := opt.End.AddDate(0, 0, -opt.Days)
	stats := Stats{From: from, To: opt.End.AddDate(0, 0, -1)}
	r := rng{seed: strconv.FormatUint(opt.Seed, 10)}
	city := plan(r, opt)
	holidays := calendar.NewCalendar(opt.Holidays)
	imported := time.Date(from.Year(), from.Month(), from.Day(), 7, 0, 0, 0, opt.Location)

	// The roster, accounts and holidays: one transaction.
	err := st.Update(ctx, func(tx *store.Tx) error {
		for _, o := range city.opds {
			if err := tx.UpsertOPD(ctx, o, imported); err != nil {
				return err
			}
		}
		// Supervisors come before their staff in city.emps, and the foreign key is deferred anyway.
		for i, e := range city.emps {
			if err := tx.UpsertEmployee(ctx, e, imported); err != nil {
				return err
			}
			if err := tx.LinkIdentity(ctx, opt.Net, strconv.FormatInt(opt.IDBase+int64(i), 10), e.NIP, imported); err != nil {
				return err
			}
		}
		for _, h := range opt.Holidays {
			if err := tx.AddHoliday(ctx, h, "seed", imported); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return stats, err
	}
	stats.OPDs, stats.Employees = len(city.opds), len(city.emps)

	// Then, a few hundred people at a time, their contracts and leave (one transaction) and their
	// history (in batches). Only those people's contracts are in memory: holding the whole city's
	// (124,000 targets for 20,000 people) kept the garbage collector busy under the 80 MB soft
	// limit, a third of the seed's CPU. Every row is written in the same order as person by person,
	// so the ids, and the database, do not depend on the chunk size.
	var pending []store.Report
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		err := st.Update(ctx, func(tx *store.Tx) error { return tx.AddReports(ctx, pending) })
		stats.Reports += len(pending)
		pending = pending[:0]
		return err
	}
	err = st.WithoutIndexes(ctx, "reports", func() error {
		for lo := 0; lo < len(city.emps); lo += chunk {
			people, err := contracts(ctx, st, r, opt, city, city.emps[lo:min(lo+chunk, len(city.emps))], holidays, imported, from, &stats)
			if err != nil {
				return err
			}
			for _, p := range people {
				if err := history(ctx, r, opt, p, holidays, &pending, flush); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	return stats, err
}

// chunk is how many people's contracts are written and held at a time.
const chunk = 500

// contracts writes the signed contracts and the leave of some people, in one transaction.
func contracts(ctx context.Context, st *store.Store, r rng, opt Options, c city, emps []store.Employee, holidays *calendar.Calendar,
	imported, from time.Time, stats *Stats) ([]person, error) {
	var people []person
	n, t, l := 0, 0, 0
	err := st.Update(ctx, func(tx *store.Tx) error {
		for _, e := range emps {
			p := person{emp: e, workDays: c.workDays[e.OPDCode]}
			for y := from.Year(); y <= opt.End.AddDate(0, 0, -1).Year(); y++ {
				sc := contract(r, e, y, from, opt.Location)
				id, err := tx.AddContract(ctx, sc, *sc.SignedAt)
				if err != nil {
					return err
				}
				saved, err := tx.SignedContract(ctx, e.NIP, y)
				if err != nil {
					return fmt.Errorf("seed: contract %d of %s: %w", id, e.NIP, err)
				}
				p.contracts = append(p.contracts, saved)
				n++
				t += len(saved.Targets)
			}
			p.leave = leave(r, e.NIP, p.workDays, holidays, from, opt.End)
			for _, lv := range p.leave {
				if _, err := tx.AddLeave(ctx, lv, imported); err != nil {
					return err
				}
				l++
			}
			people = append(people, p)
		}
		return nil
	})
	stats.Contracts += n
	stats.Targets += t
	stats.Leave += l
	return people, err
}

// history queues one person's reports, flushing a full batch.
func history(ctx context.Context, r rng, opt Options, p person, holidays *calendar.Calendar, pending *[]store.Report, flush func() error) error {
	from := opt.End.AddDate(0, 0, -opt.Days)
	{
		leave := make([]calendar.Span, 0, len(p.leave))
		for _, l := range p.leave {
			leave = append(leave, calendar.Span{From: calendar.MustParse(l.StartDate), To: calendar.MustParse(l.EndDate)})
		}
		days := holidays.Days(p.workDays, leave...)
		habit := opt.Habit[0] + (opt.Habit[1]-opt.Habit[0])*r.unit(p.emp.NIP, "habit")
		for day, end := calendar.Of(from), calendar.Of(opt.End); day < end; day++ {
			if days.Kind(day) != calendar.Work {
				continue
			}
			d := day.Time()
			var c *store.Contract
			for i := range p.contracts {
				if p.contracts[i].Year == d.Year() {
					c = &p.contracts[i]
				}
			}
			if rep, ok := Report(r.seed, p.emp, c, d, habit, opt.Location); ok {
				*pending = append(*pending, rep)
				if len(*pending) >= batch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	return nil
}

type person struct {
	emp       store.Employee
	workDays  int
	contracts []store.Contract
	leave     []store.Leave
}

// Report decides one person's report on one of their working days: whether they reported (with
// probability habit) and what, towards which target of their signed contract c (nil: none yet) and
// how much. Their pace (the share of the expected progress they achieve) is their own, between 55%
// and 115%. salt varies the draws between cities; the demo's sample city uses "".
func Report(salt string, e store.Employee, c *store.Contract, d time.Time, habit float64, loc *time.Location) (store.Report, bool) {
	r := rng{seed: salt}
	key := d.Format("2006-01-02")
	if r.unit(e.NIP, key) > habit {
		return store.Report{}, false
	}
	pace := 0.55 + 0.6*r.unit(e.NIP, "pace")
	minute := int(r.unit(e.NIP, key+"m") * 240) // between 13:00 and 17:00
	rep := store.Report{NIP: e.NIP, OPDCode: e.OPDCode, LocalDate: key, Text: "Pelaksanaan tugas harian",
		CreatedAt: time.Date(d.Year(), d.Month(), d.Day(), 13, minute, 0, 0, loc), SourceNet: "seed", SourceMsgID: "seed-" + e.NIP + "-" + key}
	if c == nil || len(c.Targets) == 0 || c.SignedAt == nil || d.Before(*c.SignedAt) {
		return rep, true
	}
	t := c.Targets[int(r.unit(e.NIP, key+"t")*float64(len(c.Targets)))%len(c.Targets)]
	due := mustDate(t.DueDate)
	if d.After(due) {
		return rep, true
	}
	// Per working day the target asks for quantity ÷ working days in its span; a report counts
	// towards one target, so it carries that target's share of the days, and a share under one
	// unit is reported on that fraction of the days.
	span := math.Max(1, due.Sub(*c.SignedAt).Hours()/24*5/7)
	q := t.Quantity / span * pace * float64(len(c.Targets)) / habit
	if q < 1 {
		q = math.Floor(q + r.unit(e.NIP, key+"q"))
	}
	if q = math.Round(q); q >= 1 {
		id := t.ID
		rep.Quantity, rep.TargetID, rep.Text = &q, &id, t.Description
	}
	return rep, true
}

// rng is a deterministic source of numbers in [0, 1) keyed by what is being decided.
type rng struct{ seed string }

func (r rng) unit(parts ...string) float64 {
	h := uint64(fnvOffset)
	if r.seed != "" {
		h = fnvAdd(h, r.seed)
	}
	for _, p := range parts {
		h = fnvAdd(h, p)
	}
	return spread(h)
}

// intn is a deterministic integer in [0, n).
func (r rng) intn(n int, parts ...string) int { return int(r.unit(parts...) * float64(n)) }

// Unit is a deterministic number in [0, 1) from a key: the seed's stand-in for chance.
func Unit(parts ...string) float64 { return rng{}.unit(parts...) }

// FNV-1a (64 bits) written out, as hash/fnv computes it, without its allocations: the seed draws
// four numbers for each of 6 million person-days.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvAdd hashes s and a zero byte after it, so that ("ab", "c") and ("a", "bc") differ.
func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h * fnvPrime // ^ 0
}

// spread turns a hash into a number in [0, 1). FNV alone leaves keys that differ in their last
// byte correlated; splitmix64's finalizer spreads them so that the draws for one day are
// independent of each other.
func spread(x uint64) float64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / float64(1<<53)
}

func mustDate(s string) time.Time {
	d, err := calendar.Parse(s)
	if err != nil {
		panic("seed: bad date " + s) // only dates this package formatted
	}
	return d.Time()
}
