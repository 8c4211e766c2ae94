package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store"
)

// Deliveries lists production's outbox rows, newest entry first, with their attempts.
func (s *Store) Deliveries(ctx context.Context, production string) (_ []store.Delivery, err error) {
	defer markFault(&err)
	rows, err := s.pool.Query(ctx, "SELECT "+outboxColumns+" FROM outbox WHERE production = $1 ORDER BY idx DESC, id", production)
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", production, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", production, err)
	}
	at := make(map[int64]int, len(out))
	for i := range out {
		out[i].Attempts = []store.Attempt{}
		at[out[i].ID] = i
	}
	rows, err = s.pool.Query(ctx, `SELECT a.outbox, a.at, a.ok, a.error FROM outbox_attempts a
		JOIN outbox o ON o.id = a.outbox WHERE o.production = $1 ORDER BY a.outbox, a.n`, production)
	if err != nil {
		return nil, fmt.Errorf("delivery attempts of %s: %w", production, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a store.Attempt
		if err := rows.Scan(&id, &a.At, &a.OK, &a.Error); err != nil {
			return nil, fmt.Errorf("delivery attempts of %s: %w", production, err)
		}
		a.At = a.At.UTC()
		if i, ok := at[id]; ok {
			out[i].Attempts = append(out[i].Attempts, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("delivery attempts of %s: %w", production, err)
	}
	return out, nil
}
