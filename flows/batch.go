package flows

import (
	"time"

	"github.com/lapkin-id/lapkin/store"
)

// preload makes r.tx answer the questions a job asks person by person (calendar, report days,
// contract, realisation, employee) for emps from a few batched queries (store.Tx.Preloaded),
// until the returned function puts the plain transaction back. The answers are the same either
// way; only the number of queries changes: one OPD's digest or evaluation asked a dozen queries
// per person, 20,000 people a quarter of a million.
func (r *request) preload(emps []store.Employee, p store.Preload) (func(), error) {
	p.NIPs = p.NIPs[:0]
	for i := range emps {
		p.NIPs = append(p.NIPs, emps[i].NIP)
	}
	p.ApprovedOnly = r.e.opt.RequireApproval
	tx, err := r.tx.Preloaded(r.ctx, p)
	if err != nil {
		return nil, err
	}
	saved := r.tx
	r.tx = tx
	return func() { r.tx = saved }, nil
}

// byOPD splits employees (listed by OPD, as store.Employees returns them) into runs of one OPD
// each: the unit a job reads ahead and writes in.
func byOPD(emps []store.Employee) [][]store.Employee {
	var out [][]store.Employee
	start := 0
	for i := 1; i <= len(emps); i++ {
		if i == len(emps) || emps[i].OPDCode != emps[start].OPDCode {
			out = append(out, emps[start:i])
			start = i
		}
	}
	return out
}

// dayKeys is from and to as YYYY-MM-DD.
func dayKeys(from, to time.Time) (string, string) { return dateKey(from), dateKey(to) }
