package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"coldset/internal/store"
)

// Contacts returns production's contacts, or none.
func (s *Store) Contacts(ctx context.Context, production string) (_ []store.Contact, err error) {
	defer markFault(&err)
	var list string
	err = s.read.QueryRowContext(ctx, "SELECT list FROM contacts WHERE production = ?", production).Scan(&list)
	if errors.Is(err, sql.ErrNoRows) {
		return []store.Contact{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", production, err)
	}
	cs := []store.Contact{}
	if err := json.Unmarshal([]byte(list), &cs); err != nil {
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
		_, err = s.write.ExecContext(ctx, `INSERT INTO contacts (production, list, updated) VALUES (?, ?, ?)
			ON CONFLICT (production) DO UPDATE SET list = excluded.list, updated = excluded.updated`,
			production, string(list), time.Now().UnixMicro())
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
	err = s.read.QueryRowContext(ctx, "SELECT next FROM outbox_cursors WHERE production = ?", production).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("outbox cursor of %s: %w", production, err)
	}
	return uint64(next), nil
}

// Enqueue writes msgs (skipping rows already there) and moves the cursor up to next,
// in one transaction on the single writer.
func (s *Store) Enqueue(ctx context.Context, production string, next uint64, msgs []store.Message, now time.Time) (err error) {
	defer markFault(&err)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, m := range msgs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (production, idx, event, contact, channel, address, secret,
				subject, body, status, created, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (production, idx, contact, channel) DO NOTHING`,
				m.Production, int64(m.Index), m.Event, m.Contact, m.Channel, m.Address, m.Secret,
				m.Subject, m.Body, m.Status, now.UnixMicro(), now.UnixMicro()); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox_cursors (production, next) VALUES (?, ?)
			ON CONFLICT (production) DO UPDATE SET next = max(next, excluded.next)`, production, int64(next))
		return err
	})
	if err != nil {
		return fmt.Errorf("enqueue outbox of %s: %w", production, err)
	}
	return nil
}

const outboxColumns = `id, production, idx, event, contact, channel, address, secret, subject, body, status,
	tries, created, next_at, delivered, claim`

func scanDelivery(row interface{ Scan(...any) error }) (store.Delivery, error) {
	var d store.Delivery
	var idx, created, nextAt int64
	var delivered sql.NullInt64
	if err := row.Scan(&d.ID, &d.Production, &idx, &d.Event, &d.Contact, &d.Channel, &d.Address, &d.Secret,
		&d.Subject, &d.Body, &d.Status, &d.Tries, &created, &nextAt, &delivered, &d.Claim); err != nil {
		return d, err
	}
	d.Index = uint64(idx)
	d.Created, d.NextAt = time.UnixMicro(created).UTC(), time.UnixMicro(nextAt).UTC()
	if delivered.Valid {
		t := time.UnixMicro(delivered.Int64).UTC()
		d.Delivered = &t
	}
	return d, nil
}

// Claim leases due pending rows. The single writer connection serialises claims, so
// the UPDATE's own check of the earlier lease is enough.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []store.Delivery, err error) {
	defer markFault(&err)
	token := rand.Text()
	rows, err := s.write.QueryContext(ctx, `UPDATE outbox SET claim = ?, claimed_until = ?
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_at <= ? AND claimed_until <= ?
			ORDER BY next_at, id LIMIT ?)
		RETURNING `+outboxColumns, token, now.Add(lease).UnixMicro(), now.UnixMicro(), now.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("claim outbox rows: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	return out, nil
}

// Finish records one attempt at a claimed row and releases the claim.
func (s *Store) Finish(ctx context.Context, d store.Delivery, a store.Attempt, retry time.Time) (err error) {
	defer markFault(&err)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		status, nextAt := store.StatusPending, retry.UnixMicro()
		var delivered any
		if a.OK {
			status, nextAt, delivered = store.StatusDelivered, a.At.UnixMicro(), a.At.UnixMicro()
		}
		var tries int
		err := tx.QueryRowContext(ctx, `UPDATE outbox SET status = ?, tries = tries + 1, next_at = ?, delivered = ?,
			claim = '', claimed_until = 0 WHERE id = ? AND claim = ? AND status = 'pending' RETURNING tries`,
			status, nextAt, delivered, d.ID, d.Claim).Scan(&tries)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrClaimLost
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO outbox_attempts (outbox, n, at, ok, error) VALUES (?, ?, ?, ?, ?)",
			d.ID, tries, a.At.UnixMicro(), a.OK, a.Error)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish delivery %d: %w", d.ID, err)
	}
	return nil
}
