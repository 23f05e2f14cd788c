package store

import (
	"context"
	"fmt"
)

// MinutesOn returns the effective minutes each of nips reported on date (YYYY-MM-DD): the minutes
// of their validated reports, and of those waiting for validation too unless approvedOnly.
// Returned and deleted reports count nothing; someone without minutes is not in the map.
func (t *Tx) MinutesOn(ctx context.Context, nips []string, date string, approvedOnly bool) (map[string]int, error) {
	out := map[string]int{}
	if len(nips) == 0 {
		return out, nil
	}
	statuses := `('submitted', 'approved')`
	if approvedOnly {
		statuses = `('approved')`
	}
	err := forChunks(nips, func(_ []string, in string, args []any) error {
		rows, err := t.q.QueryContext(ctx, `SELECT nip, SUM(minutes) FROM reports
			WHERE local_date = ? AND minutes IS NOT NULL AND status IN `+statuses+` AND nip IN `+in+` GROUP BY nip`,
			append([]any{date}, args...)...)
		if err != nil {
			return fmt.Errorf("minutes of %s: %w", date, err)
		}
		defer rows.Close()
		for rows.Next() {
			var nip string
			var n int
			if err := rows.Scan(&nip, &n); err != nil {
				return err
			}
			out[nip] = n
		}
		return rows.Err()
	})
	return out, err
}
