package sqlite

import (
	"context"
	"fmt"
	"time"

	"coldset/internal/store"
)

// Deliveries lists production's outbox rows, newest entry first, with their attempts.
func (s *Store) Deliveries(ctx context.Context, production string) (_ []store.Delivery, err error) {
	defer markFault(&err)
	rows, err := s.read.QueryContext(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE production = ? ORDER BY idx DESC, id",
		production)
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", production, err)
	}
	out := []store.Delivery{}
	at := map[int64]int{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("deliveries of %s: %w", production, err)
		}
		d.Attempts = []store.Attempt{}
		at[d.ID] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", production, err)
	}
	rows, err = s.read.QueryContext(ctx, `SELECT a.outbox, a.at, a.ok, a.error FROM outbox_attempts a
		JOIN outbox o ON o.id = a.outbox WHERE o.production = ? ORDER BY a.outbox, a.n`, production)
	if err != nil {
		return nil, fmt.Errorf("delivery attempts of %s: %w", production, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, when int64
		var a store.Attempt
		if err := rows.Scan(&id, &when, &a.OK, &a.Error); err != nil {
			return nil, fmt.Errorf("delivery attempts of %s: %w", production, err)
		}
		a.At = time.UnixMicro(when).UTC()
		if i, ok := at[id]; ok {
			out[i].Attempts = append(out[i].Attempts, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("delivery attempts of %s: %w", production, err)
	}
	return out, nil
}
