package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"coldset/internal/store"
)

// foreignKeyViolation is the SQLSTATE of a row naming an account that does not exist.
const foreignKeyViolation = "23503"

// Several processes may write accounts at once: the unique keys decide, and
// ON CONFLICT DO NOTHING turns a lost race into "no row" rather than an error.

// CreateAccount stores a new account; store.ErrAccountExists when the e-mail is taken.
func (s *Store) CreateAccount(ctx context.Context, a store.Account) (_ store.Account, err error) {
	defer markFault(&err)
	a.Created = time.Now().UTC().Truncate(time.Microsecond)
	err = s.pool.QueryRow(ctx, `INSERT INTO accounts (email, password_hash, admin, created) VALUES ($1, $2, $3, $4)
		ON CONFLICT (email) DO NOTHING RETURNING id`, a.Email, a.PasswordHash, a.Admin, a.Created).Scan(&a.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrAccountExists
	}
	if err != nil {
		return store.Account{}, fmt.Errorf("create account %s: %w", a.Email, err)
	}
	return a, nil
}

const accountColumns = "id, email, password_hash, admin, created"

func scanAccount(row pgx.Row) (store.Account, error) {
	var a store.Account
	if err := row.Scan(&a.ID, &a.Email, &a.PasswordHash, &a.Admin, &a.Created); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return a, store.ErrAccountNotFound
		}
		return a, err
	}
	a.Created = a.Created.UTC()
	return a, nil
}

// AccountByEmail returns the account with that e-mail, or store.ErrAccountNotFound.
func (s *Store) AccountByEmail(ctx context.Context, email string) (_ store.Account, err error) {
	defer markFault(&err)
	a, err := scanAccount(s.pool.QueryRow(ctx, "SELECT "+accountColumns+" FROM accounts WHERE email = $1", email))
	if err != nil {
		return a, fmt.Errorf("account %s: %w", email, err)
	}
	return a, nil
}

// SetPassword replaces an account's password hash, uses up its password links and
// ends its sessions.
func (s *Store) SetPassword(ctx context.Context, account int64, hash string) (err error) {
	defer markFault(&err)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE accounts SET password_hash = $1 WHERE id = $2", hash, account)
		if err == nil && tag.RowsAffected() == 0 {
			err = store.ErrAccountNotFound
		}
		if err != nil {
			return err
		}
		return endSessionsAndLinks(ctx, tx, account, time.Now())
	})
	if err != nil {
		return fmt.Errorf("set password of account %d: %w", account, err)
	}
	return nil
}

// Accounts lists every account by e-mail.
func (s *Store) Accounts(ctx context.Context) (_ []store.Account, err error) {
	defer markFault(&err)
	rows, err := s.pool.Query(ctx, "SELECT "+accountColumns+" FROM accounts ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Account, error) { return scanAccount(r) })
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// CreateCredential stores c, first dropping the account's expired credentials so
// that sessions do not pile up.
func (s *Store) CreateCredential(ctx context.Context, c store.Credential) (err error) {
	defer markFault(&err)
	var expires *time.Time
	if !c.Expires.IsZero() {
		expires = &c.Expires
	}
	var b pgx.Batch
	b.Queue("DELETE FROM credentials WHERE account = $1 AND expires <= $2", c.Account, c.Created)
	b.Queue("INSERT INTO credentials (hash, account, kind, created, expires) VALUES ($1, $2, $3, $4, $5)",
		c.Hash, c.Account, c.Kind, c.Created, expires)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, &b).Close() })
	if err != nil {
		return fmt.Errorf("create %s for account %d: %w", c.Kind, c.Account, err)
	}
	return nil
}

// CredentialAccount returns the unexpired credential with that hash and its account.
func (s *Store) CredentialAccount(ctx context.Context, hash []byte, now time.Time) (_ store.Credential, _ store.Account, err error) {
	defer markFault(&err)
	c := store.Credential{Hash: hash}
	var expires *time.Time
	var a store.Account
	err = s.pool.QueryRow(ctx, `SELECT c.account, c.kind, c.created, c.expires,
			a.id, a.email, a.password_hash, a.admin, a.created
		FROM credentials c JOIN accounts a ON a.id = c.account
		WHERE c.hash = $1 AND (c.expires IS NULL OR c.expires > $2)`, hash, now).
		Scan(&c.Account, &c.Kind, &c.Created, &expires, &a.ID, &a.Email, &a.PasswordHash, &a.Admin, &a.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, a, fmt.Errorf("credential: %w", store.ErrAccountNotFound)
	}
	if err != nil {
		return c, a, fmt.Errorf("credential: %w", err)
	}
	c.Created, a.Created = c.Created.UTC(), a.Created.UTC()
	if expires != nil {
		c.Expires = expires.UTC()
	}
	return c, a, nil
}

// DeleteCredential removes the credential with that hash, if there is one.
func (s *Store) DeleteCredential(ctx context.Context, hash []byte) (err error) {
	defer markFault(&err)
	if _, err := s.pool.Exec(ctx, "DELETE FROM credentials WHERE hash = $1", hash); err != nil {
		return fmt.Errorf("delete credential: %w", err)
	}
	return nil
}

// Grant makes the account act as the person on the production.
func (s *Store) Grant(ctx context.Context, m store.Membership) (err error) {
	defer markFault(&err)
	tag, err := s.pool.Exec(ctx, `INSERT INTO memberships (account, production, person) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, m.Account, m.Production, m.Person)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == foreignKeyViolation:
		err = store.ErrAccountNotFound
	case err == nil && tag.RowsAffected() == 0:
		// A membership was there: the same one (granting twice is fine) or a clash.
		var same bool
		err = s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM memberships WHERE account = $1 AND production = $2 AND person = $3)",
			m.Account, m.Production, m.Person).Scan(&same)
		if err == nil && !same {
			err = store.ErrAccountExists
		}
	}
	if err != nil {
		return fmt.Errorf("grant account %d %s on %s: %w", m.Account, m.Person, m.Production, err)
	}
	return nil
}

// Memberships lists the account's memberships by production.
func (s *Store) Memberships(ctx context.Context, account int64) (_ []store.Membership, err error) {
	defer markFault(&err)
	return s.memberships(ctx, "SELECT account, production, person FROM memberships WHERE account = $1 ORDER BY production", account)
}

// Members lists the memberships on a production by person.
func (s *Store) Members(ctx context.Context, production string) (_ []store.Membership, err error) {
	defer markFault(&err)
	return s.memberships(ctx, "SELECT account, production, person FROM memberships WHERE production = $1 ORDER BY person", production)
}

func (s *Store) memberships(ctx context.Context, query string, arg any) ([]store.Membership, error) {
	rows, err := s.pool.Query(ctx, query, arg)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[store.Membership])
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	return out, nil
}

// Credentials lists the account's unexpired credentials of kind, oldest first.
func (s *Store) Credentials(ctx context.Context, account int64, kind string, now time.Time) (_ []store.Credential, err error) {
	defer markFault(&err)
	rows, err := s.pool.Query(ctx, `SELECT hash, created, expires FROM credentials
		WHERE account = $1 AND kind = $2 AND (expires IS NULL OR expires > $3) ORDER BY created, hash`, account, kind, now)
	if err != nil {
		return nil, fmt.Errorf("list credentials of account %d: %w", account, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Credential, error) {
		c := store.Credential{Account: account, Kind: kind}
		var expires *time.Time
		if err := r.Scan(&c.Hash, &c.Created, &expires); err != nil {
			return c, err
		}
		c.Created = c.Created.UTC()
		if expires != nil {
			c.Expires = expires.UTC()
		}
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list credentials of account %d: %w", account, err)
	}
	return out, nil
}

// linkKeep is how long a used or expired password link stays, so that opening it
// says what became of it rather than that it never existed.
const linkKeep = 30 * 24 * time.Hour

// CreatePasswordLink stores l, first dropping links that expired more than
// linkKeep ago.
func (s *Store) CreatePasswordLink(ctx context.Context, l store.PasswordLink) (err error) {
	defer markFault(&err)
	var used *time.Time
	if !l.Used.IsZero() {
		used = &l.Used
	}
	var b pgx.Batch
	b.Queue("DELETE FROM password_links WHERE expires <= $1", l.Created.Add(-linkKeep))
	b.Queue("INSERT INTO password_links (hash, account, purpose, created, expires, used) VALUES ($1, $2, $3, $4, $5, $6)",
		l.Hash, l.Account, l.Purpose, l.Created, l.Expires, used)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, &b).Close() })
	if err != nil {
		return fmt.Errorf("create password link for account %d: %w", l.Account, err)
	}
	return nil
}

// PasswordLinkAccount returns the link with that hash and its account.
func (s *Store) PasswordLinkAccount(ctx context.Context, hash []byte) (_ store.PasswordLink, _ store.Account, err error) {
	defer markFault(&err)
	l, a, err := passwordLink(ctx, s.pool, hash)
	if err != nil {
		return l, a, fmt.Errorf("password link: %w", err)
	}
	return l, a, nil
}

// passwordLink reads the link with that hash and its account.
func passwordLink(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, hash []byte) (store.PasswordLink, store.Account, error) {
	l := store.PasswordLink{Hash: hash}
	var a store.Account
	var used *time.Time
	err := q.QueryRow(ctx, `SELECT l.account, l.purpose, l.created, l.expires, l.used,
			a.id, a.email, a.password_hash, a.admin, a.created
		FROM password_links l JOIN accounts a ON a.id = l.account WHERE l.hash = $1`, hash).
		Scan(&l.Account, &l.Purpose, &l.Created, &l.Expires, &used, &a.ID, &a.Email, &a.PasswordHash, &a.Admin, &a.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, a, store.ErrAccountNotFound
	}
	if err != nil {
		return l, a, err
	}
	l.Created, l.Expires, a.Created = l.Created.UTC(), l.Expires.UTC(), a.Created.UTC()
	if used != nil {
		l.Used = used.UTC()
	}
	return l, a, nil
}

// UsePasswordLink sets the password through the link, uses up the account's links
// and ends its sessions, in one transaction. The account's row is locked before the
// link is read, so that two uses at once of one link, or of two links of the
// account, set the password once.
func (s *Store) UsePasswordLink(ctx context.Context, hash []byte, now time.Time, passwordHash string) (_ store.Account, err error) {
	defer markFault(&err)
	var a store.Account
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var account int64
		err := tx.QueryRow(ctx, "SELECT account FROM password_links WHERE hash = $1", hash).Scan(&account)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrAccountNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", account); err != nil {
			return err
		}
		l, acct, err := passwordLink(ctx, tx, hash) // read after the lock: what a concurrent use committed
		switch {
		case err != nil:
			return err
		case !l.Used.IsZero():
			return store.ErrLinkUsed
		case !now.Before(l.Expires):
			return store.ErrLinkExpired
		}
		if _, err := tx.Exec(ctx, "UPDATE accounts SET password_hash = $1 WHERE id = $2", passwordHash, acct.ID); err != nil {
			return err
		}
		if err := endSessionsAndLinks(ctx, tx, acct.ID, now); err != nil {
			return err
		}
		a = acct
		a.PasswordHash = passwordHash
		return nil
	})
	if err != nil {
		return store.Account{}, fmt.Errorf("use password link: %w", err)
	}
	return a, nil
}

// endSessionsAndLinks is what follows a new password: every unused password link of
// the account is used up at now, and its sessions end. Its API tokens stay.
func endSessionsAndLinks(ctx context.Context, tx pgx.Tx, account int64, now time.Time) error {
	var b pgx.Batch
	b.Queue("UPDATE password_links SET used = $1 WHERE account = $2 AND used IS NULL", now, account)
	b.Queue("DELETE FROM credentials WHERE account = $1 AND kind = $2", account, store.CredentialSession)
	return tx.SendBatch(ctx, &b).Close()
}
