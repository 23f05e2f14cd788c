package flows_test

import (
	"context"
	"testing"

	"github.com/lapkin-id/lapkin/flows"
)

// Issue 21 item 6: [evaluation] checkpoints "bulanan" (Bengkulu: every month) and "triwulan"
// (every quarter): the Monday evaluation_due job names the period that ends in its week, and
// /evaluate without a period takes the latest one over. Budi's contract was signed on 5 January
// 2026.
func TestEvaluationCadence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	due := func(h *harness, day int) map[string]string { // the evaluation_due job of Monday `day` of November or December 2026
		at := at(2026, 11, day, 8)
		if day < 10 {
			at = at.AddDate(0, 1, 0) // December
		}
		return h.jobRun(flows.JobEvaluationDue, at)
	}

	monthly := newHarnessWith(t, func(o *flows.Options) { o.Checkpoints = "bulanan" })
	// Monday 23 November: no month ends this week (23–29); Monday 30: November does.
	if got := due(monthly, 23); got[kepala] != "" {
		t.Fatalf("a month announced in a week it does not end: %v", got)
	}
	got := due(monthly, 30)
	expect(t, got[kepala], "kontrak berikut mencapai checkpoint evaluasi minggu ini (1)", "Budi Santoso ("+budi+") 2026-11")
	expect(t, got[admin], "Budi Santoso ("+budi+") 2026-11")
	// Tuesday 1 December: /evaluate takes November, the latest month over, and records it.
	monthly.clock.Set(at(2026, 12, 1, 9))
	expect(t, monthly.say(admin, "/evaluate "+budi), "Periode 2026-11: 1 Nov 2026 – 30 Nov 2026")
	// In January, the latest month over is last year's December: that year's contract is read.
	monthly.clock.Set(at(2027, 1, 4, 9))
	expect(t, monthly.say(admin, "/evaluate "+budi), "Periode 2026-12: 1 Des 2026 – 31 Des 2026")

	quarterly := newHarnessWith(t, func(o *flows.Options) { o.Checkpoints = "triwulan" })
	// Monday 28 December: the fourth quarter ends this week (28 December – 3 January).
	quarterly.clock.Set(at(2026, 12, 28, 8))
	got = quarterly.jobRun(flows.JobEvaluationDue, at(2026, 12, 28, 8))
	expect(t, got[kepala], "Budi Santoso ("+budi+") 2026-Q4")
	// Monday 30 November: no quarter ends; /evaluate in December takes the third quarter.
	if got := due(quarterly, 30); got[kepala] != "" {
		t.Fatalf("a quarter announced in a week it does not end: %v", got)
	}
	quarterly.clock.Set(at(2026, 12, 1, 9))
	expect(t, quarterly.say(admin, "/evaluate "+budi), "Periode 2026-Q3: 1 Jul 2026 – 30 Sep 2026")

	// The default, 3 and 6 months after signing, as before: 6b ended on 4 July.
	bekasi := newHarness(t)
	bekasi.clock.Set(at(2026, 12, 1, 9))
	expect(t, bekasi.say(admin, "/evaluate "+budi), "Periode 6b")
	_ = ctx
}
