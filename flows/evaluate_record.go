package flows

import (
	"encoding/json"
	"errors"

	"github.com/lapkin-id/lapkin/scoring"
	"github.com/lapkin-id/lapkin/store"
)

// encode writes what ev was computed from, what came out and the parameters as the JSON stored
// with it. A kept preview drops it (2 KB a person) and encodes again before recording: the same
// inputs give the same text.
func (r *request) encode(ev *evaluation) {
	r.scoringParams()
	inputs, _ := json.Marshal(struct {
		scoring.Input
		AsOf            string `json:"as_of"`
		ComplianceFrom  string `json:"compliance_from"`
		ComplianceWhy   string `json:"compliance_from_reason,omitempty"`
		RequireApproval bool   `json:"require_approval"`
		ContractVersion int    `json:"contract_version"`
		ContractSHA256  string `json:"contract_sha256"`
	}{ev.in, dateKey(ev.asOf), dateKey(ev.kFrom), ev.kWhy, r.e.opt.RequireApproval, ev.contractVersion, ev.contractSHA256})
	outputs, _ := json.Marshal(ev.score)
	ev.row.Inputs, ev.row.Outputs, ev.row.Parameters = string(inputs), string(outputs), r.params
}

// scoringParams encodes the scoring parameters stored with each result, once: one text for every
// result of the request, not 20,000 copies of it.
func (r *request) scoringParams() {
	if r.params == "" {
		params, _ := json.Marshal(r.e.opt.Scoring)
		r.params = string(params)
	}
}

// record stores a final result once per person and period: the same result again is not stored
// twice, and a changed one is stored and supersedes the earlier row, which stays as it was. An
// interim result is never recorded.
func (r *request) record(ev *evaluation) error {
	if err := r.compare(ev); err != nil || ev.status != evalNew && ev.status != evalReplaced {
		return err
	}
	var err error
	if ev.id, err = r.tx.AddEvaluation(r.ctx, *ev.row); err != nil {
		return err
	}
	if ev.previous != nil {
		return r.tx.Supersede(r.ctx, ev.previous.ID, ev.id, r.now)
	}
	return nil
}

// compare tells, without writing anything, what recording ev would do: nothing for an interim
// result, nothing for the result recorded before (same contract, inputs, outputs and parameters),
// a first result, or one that replaces the earlier result of the period.
func (r *request) compare(ev *evaluation) error {
	if !ev.final {
		ev.status = evalInterim
		return nil
	}
	if ev.rangeOnly {
		ev.status = evalRange
		return nil
	}
	prev, err := r.tx.CurrentEvaluation(r.ctx, ev.row.NIP, ev.row.PeriodStart, ev.row.PeriodEnd)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ev.status = evalNew
	case err != nil:
		return err
	case prev.ContractID == ev.row.ContractID && prev.Inputs == ev.row.Inputs && prev.Outputs == ev.row.Outputs &&
		prev.Parameters == ev.row.Parameters:
		ev.status, ev.previous, ev.id = evalSame, &prev, prev.ID
	default:
		ev.status, ev.previous = evalReplaced, &prev
	}
	return nil
}

// evaluationsPerWrite is how many results one write of /evaluate records and announces: a few
// milliseconds of the write lock each.
const evaluationsPerWrite = 50
