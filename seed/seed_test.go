package seed

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

var end = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func build(t testing.TB, opt Options) (*store.Store, Stats) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	stats, err := Build(context.Background(), st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return st, stats
}

// digest hashes every report, so two cities can be compared whole.
func digest(t *testing.T, st *store.Store) string {
	t.Helper()
	h := sha256.New()
	rows, err := st.DB().Query(`SELECT nip, local_date, text, COALESCE(quantity, -1), COALESCE(target_id, -1) FROM reports ORDER BY nip, local_date`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var nip, date, text string
		var q float64
		var tid int64
		if err := rows.Scan(&nip, &date, &text, &q, &tid); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(h, nip, date, text, q, tid)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestCityIsValidAndDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hol := []calendar.Holiday{{Date: calendar.New(2026, 11, 2), Name: "Libur uji"}}
	opt := Options{ASN: 300, OPDs: 4, Days: 60, End: end, Seed: 7, Holidays: hol}
	st, stats := build(t, opt)
	if stats.Employees != 300 || stats.OPDs != 4 || stats.Contracts != 300 || stats.Reports == 0 {
		t.Fatalf("stats: %+v", stats)
	}

	var emps []store.Employee
	if err := st.View(ctx, func(tx *store.Tx) (err error) { emps, err = tx.Employees(ctx, ""); return err }); err != nil {
		t.Fatal(err)
	}
	byNIP := map[string]store.Employee{}
	heads, admins := map[string]int{}, 0
	for _, e := range emps {
		if _, err := roster.ParseNIP(e.NIP); err != nil {
			t.Errorf("NIP %s: %v", e.NIP, err)
		}
		if p, err := roster.NormalizePhone(e.Phone); err != nil || p != e.Phone {
			t.Errorf("phone %s: %v", e.Phone, err)
		}
		if e.Role == store.RoleKepala {
			heads[e.OPDCode]++
		}
		if e.Role == store.RoleAdmin {
			admins++
		}
		byNIP[e.NIP] = e
	}
	for _, e := range emps {
		if e.Role == store.RoleKepala {
			if e.SupervisorNIP != "" {
				t.Errorf("head %s has a supervisor", e.NIP)
			}
			continue
		}
		sup, ok := byNIP[e.SupervisorNIP]
		if !ok || sup.OPDCode != e.OPDCode {
			t.Errorf("%s: supervisor %q not in the same OPD", e.NIP, e.SupervisorNIP)
		}
	}
	if len(heads) != 4 || admins != 2 {
		t.Errorf("heads per OPD %v, admins %d", heads, admins)
	}

	// Reports only on working days, never on a holiday or a day of leave; compliance 80–99% less leave.
	var bad int
	q := `SELECT COUNT(*) FROM reports r JOIN opds o ON o.code = r.opd_code WHERE strftime('%w', r.local_date) = '0'
		OR (strftime('%w', r.local_date) = '6' AND o.work_days = 5) OR r.local_date = '2026-11-02'
		OR EXISTS (SELECT 1 FROM leave l WHERE l.nip = r.nip AND r.local_date BETWEEN l.start_date AND l.end_date)`
	if err := st.DB().QueryRow(q).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("%d reports on days off (%v)", bad, err)
	}
	var sixDay int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM reports r JOIN opds o ON o.code = r.opd_code WHERE o.work_days = 6 AND strftime('%w', r.local_date) = '6'`).Scan(&sixDay); err != nil || sixDay == 0 {
		t.Fatalf("no Saturday reports in six-day OPDs (%v)", err)
	}
	var perPerson float64
	days := float64(calendar.NewCalendar(hol).Days(5).Count(calendar.Of(end.AddDate(0, 0, -60)), calendar.Of(end)-1, nil).Work)
	if err := st.DB().QueryRow(`SELECT CAST(COUNT(*) AS REAL) / COUNT(DISTINCT r.nip) FROM reports r JOIN opds o ON o.code = r.opd_code WHERE o.work_days = 5`).Scan(&perPerson); err != nil {
		t.Fatal(err)
	}
	if share := perPerson / days; share < 0.78 || share > 0.99 {
		t.Errorf("people report on %.1f%% of working days, want 80–99%% less leave", 100*share)
	}
	var withTarget int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM reports WHERE target_id IS NOT NULL AND quantity >= 1`).Scan(&withTarget); err != nil || withTarget < stats.Reports/2 {
		t.Errorf("only %d of %d reports count towards a target (%v)", withTarget, stats.Reports, err)
	}

	// The same options give the same city; another seed another one.
	st2, stats2 := build(t, opt)
	if stats2 != stats || digest(t, st2) != digest(t, st) {
		t.Errorf("same seed, different city: %+v vs %+v", stats2, stats)
	}
	opt.Seed = 8
	st3, _ := build(t, opt)
	if digest(t, st3) == digest(t, st) {
		t.Error("another seed gave the same city")
	}
}

// BenchmarkBuild times a year of 1,000 people (about 240,000 reports).
func BenchmarkBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, stats := build(b, Options{ASN: 1000, OPDs: 5, Days: 365, End: end, Seed: 1})
		b.ReportMetric(float64(stats.Reports), "reports")
	}
}

// TestUnitIsFNV1a: the draws keep the values they had with hash/fnv, so a city (and the demo's
// sample history) is the same whatever version of the seed made it.
func TestUnitIsFNV1a(t *testing.T) {
	t.Parallel()
	ref := func(parts ...string) float64 {
		h := fnv.New64a()
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		return spread(h.Sum64())
	}
	for i := range 1000 {
		parts := []string{fmt.Sprint("19800101200501", i), "2026-03-0" + fmt.Sprint(i%10), "", "t"}[:1+i%4]
		if got, want := Unit(parts...), ref(parts...); got != want {
			t.Fatalf("Unit(%q) = %v, want %v", parts, got, want)
		}
		r := rng{seed: fmt.Sprint(i)}
		if got, want := r.unit(parts...), ref(append([]string{r.seed}, parts...)...); got != want {
			t.Fatalf("rng{%q}.unit(%q) = %v, want %v", r.seed, parts, got, want)
		}
	}
	// And values the hash/fnv version gave, so that spread cannot change unnoticed either.
	if got := Unit("198001012005011001", "2026-03-02"); got != 0.36989803078625816 {
		t.Errorf("Unit = %.17g, want 0.36989803078625816", got)
	}
	if got := (rng{seed: "1"}).unit("a", "b"); got != 0.67427948109988778 {
		t.Errorf("unit = %.17g, want 0.67427948109988778", got)
	}
}
