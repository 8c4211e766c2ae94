package postgres

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store"
)

// Several processes fill and drain one outbox: the unique key makes a row written
// twice a no-op, the cursor only moves forward (GREATEST), and claims lock the rows
// they take with FOR UPDATE SKIP LOCKED, so two claimers never take one row.

// Contacts returns production's contacts, or none.
func (s *Store) Contacts(ctx context.Context, production string) (_ []store.Contact, err error) {
	defer markFault(&err)
	var list []byte
	err = s.pool.QueryRow(ctx, "SELECT list FROM contacts WHERE production = $1", production).Scan(&list)
	if errors.Is(err, pgx.ErrNoRows) {
		return []store.Contact{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", production, err)
	}
	cs := []store.Contact{}
	if err := json.Unmarshal(list, &cs); err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", production, err)
	}
	return cs, nil
}

// SetContacts replaces production's contacts.
func (s *Store) SetContacts(ctx context.Context, production string, cs []store.Contact) (err error) {
	defer markFault(&err)
	if cs == nil {
		cs = []store.Contact{}
	}
	list, err := json.Marshal(cs)
	if err == nil {
		_, err = s.pool.Exec(ctx, `INSERT INTO contacts (production, list, updated) VALUES ($1, $2, now())
			ON CONFLICT (production) DO UPDATE SET list = excluded.list, updated = excluded.updated`, production, string(list))
	}
	if err != nil {
		return fmt.Errorf("set contacts of %s: %w", production, err)
	}
	return nil
}

// OutboxCursor returns the first index of production not yet in the outbox.
func (s *Store) OutboxCursor(ctx context.Context, production string) (_ uint64, err error) {
	defer markFault(&err)
	var next int64
	err = s.pool.QueryRow(ctx, "SELECT next FROM outbox_cursors WHERE production = $1", production).Scan(&next)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("outbox cursor of %s: %w", production, err)
	}
	return uint64(next), nil
}

// Enqueue writes msgs (skipping rows already there) and moves the cursor up to next,
// in one transaction.
func (s *Store) Enqueue(ctx context.Context, production string, next uint64, msgs []store.Message, now time.Time) (err error) {
	defer markFault(&err)
	var b pgx.Batch
	for _, m := range msgs {
		b.Queue(`INSERT INTO outbox (production, idx, event, contact, channel, address, secret, subject, body, status,
			created, next_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
			ON CONFLICT (production, idx, contact, channel) DO NOTHING`,
			m.Production, int64(m.Index), m.Event, m.Contact, m.Channel, m.Address, m.Secret, m.Subject, m.Body, m.Status, now)
	}
	b.Queue(`INSERT INTO outbox_cursors (production, next) VALUES ($1, $2)
		ON CONFLICT (production) DO UPDATE SET next = GREATEST(outbox_cursors.next, excluded.next)`, production, int64(next))
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, &b).Close() })
	if err != nil {
		return fmt.Errorf("enqueue outbox of %s: %w", production, err)
	}
	return nil
}

const outboxColumns = `id, production, idx, event, contact, channel, address, secret, subject, body, status,
	tries, created, next_at, delivered, claim`

func scanDelivery(row pgx.Row) (store.Delivery, error) {
	var d store.Delivery
	var idx int64
	if err := row.Scan(&d.ID, &d.Production, &idx, &d.Event, &d.Contact, &d.Channel, &d.Address, &d.Secret,
		&d.Subject, &d.Body, &d.Status, &d.Tries, &d.Created, &d.NextAt, &d.Delivered, &d.Claim); err != nil {
		return d, err
	}
	d.Index = uint64(idx)
	d.Created, d.NextAt = d.Created.UTC(), d.NextAt.UTC()
	if d.Delivered != nil {
		t := d.Delivered.UTC()
		d.Delivered = &t
	}
	return d, nil
}

// Claim leases due pending rows. SKIP LOCKED passes over rows another claim is taking
// right now; a row it has taken has a lease in the future and no longer matches.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []store.Delivery, err error) {
	defer markFault(&err)
	rows, err := s.pool.Query(ctx, `UPDATE outbox SET claim = $1, claimed_until = $2
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_at <= $3 AND claimed_until <= $3
			ORDER BY next_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING `+outboxColumns, rand.Text(), now.Add(lease), now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	return out, nil
}

// Finish records one attempt at a claimed row and releases the claim.
func (s *Store) Finish(ctx context.Context, d store.Delivery, a store.Attempt, retry time.Time) (err error) {
	defer markFault(&err)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		status, nextAt := store.StatusPending, retry
		var delivered *time.Time
		if a.OK {
			status, nextAt, delivered = store.StatusDelivered, a.At, &a.At
		}
		var tries int
		err := tx.QueryRow(ctx, `UPDATE outbox SET status = $1, tries = tries + 1, next_at = $2, delivered = $3,
			claim = '', claimed_until = '-infinity' WHERE id = $4 AND claim = $5 AND status = 'pending' RETURNING tries`,
			status, nextAt, delivered, d.ID, d.Claim).Scan(&tries)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrClaimLost
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO outbox_attempts (outbox, n, at, ok, error) VALUES ($1, $2, $3, $4, $5)",
			d.ID, tries, a.At, a.OK, a.Error)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish delivery %d: %w", d.ID, err)
	}
	return nil
}
