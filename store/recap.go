package store

import (
	"context"
	"fmt"
)

// RecapCount is what one person reported over some days, as the monthly recap counts it: reports
// by the state of their validation, and their effective minutes by status.
type RecapCount struct {
	Approved, Returned, Rejected, Unchecked int
	// MinutesApproved and MinutesSubmitted are the minutes of validated reports and of those
	// waiting for validation; returned, rejected and deleted reports' minutes count nowhere.
	MinutesApproved, MinutesSubmitted int
}

// RecapCounts returns, for each of nips who reported from..to (YYYY-MM-DD, inclusive), their
// reports by state; deleted reports are left out, and someone without a report is not in the map.
// A rejected report (Ditolak) is counted as rejected only, not as returned.
func (t *Tx) RecapCounts(ctx context.Context, nips []string, from, to string) (map[string]RecapCount, error) {
	out := make(map[string]RecapCount, len(nips))
	err := forChunks(nips, func(_ []string, in string, args []any) error {
		rows, err := t.q.QueryContext(ctx, `SELECT nip,
				SUM(status = 'approved'), SUM(status = 'returned' AND rejected = 0), SUM(rejected = 1), SUM(status = 'submitted'),
				COALESCE(SUM(CASE WHEN status = 'approved' THEN minutes END), 0),
				COALESCE(SUM(CASE WHEN status = 'submitted' THEN minutes END), 0)
			FROM reports WHERE nip IN `+in+` AND local_date BETWEEN ? AND ? AND status <> 'deleted' GROUP BY nip`,
			append(args, from, to)...)
		if err != nil {
			return fmt.Errorf("recap counts %s..%s: %w", from, to, err)
		}
		defer rows.Close()
		for rows.Next() {
			var nip string
			var c RecapCount
			if err := rows.Scan(&nip, &c.Approved, &c.Returned, &c.Rejected, &c.Unchecked, &c.MinutesApproved, &c.MinutesSubmitted); err != nil {
				return err
			}
			out[nip] = c
		}
		return rows.Err()
	})
	return out, err
}
