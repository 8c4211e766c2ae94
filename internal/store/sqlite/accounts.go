package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"coldset/internal/auth"
)

var _ auth.Store = (*Store)(nil)

// Writes go through the single write connection in immediate transactions, so the
// existence checks below cannot race with another writer: no constraint error codes
// need decoding.

// CreateAccount stores a new account; ErrExists when the e-mail is taken.
func (s *Store) CreateAccount(ctx context.Context, a auth.Account) (auth.Account, error) {
	a.Created = time.Now().UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE email = ?", a.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return auth.ErrExists
		}
		return tx.QueryRowContext(ctx, "INSERT INTO accounts (email, password_hash, admin, created) VALUES (?, ?, ?, ?) RETURNING id",
			a.Email, a.PasswordHash, a.Admin, a.Created.UnixMicro()).Scan(&a.ID)
	})
	if err != nil {
		return auth.Account{}, fmt.Errorf("create account %s: %w", a.Email, err)
	}
	return a, nil
}

const accountColumns = "id, email, password_hash, admin, created"

func scanAccount(row interface{ Scan(...any) error }) (auth.Account, error) {
	var a auth.Account
	var created int64
	if err := row.Scan(&a.ID, &a.Email, &a.PasswordHash, &a.Admin, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, auth.ErrNotFound
		}
		return a, err
	}
	a.Created = time.UnixMicro(created).UTC()
	return a, nil
}

// AccountByEmail returns the account with that e-mail, or ErrNotFound.
func (s *Store) AccountByEmail(ctx context.Context, email string) (auth.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE email = ?", email))
	if err != nil {
		return a, fmt.Errorf("account %s: %w", email, err)
	}
	return a, nil
}

// SetPassword replaces an account's password hash.
func (s *Store) SetPassword(ctx context.Context, account int64, hash string) error {
	res, err := s.write.ExecContext(ctx, "UPDATE accounts SET password_hash = ? WHERE id = ?", hash, account)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("set password of account %d: %w", account, err)
	}
	return nil
}

// Accounts lists every account by e-mail.
func (s *Store) Accounts(ctx context.Context) ([]auth.Account, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+accountColumns+" FROM accounts ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	out := []auth.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// CreateCredential stores c, first dropping the account's expired credentials so
// that sessions do not pile up.
func (s *Store) CreateCredential(ctx context.Context, c auth.Credential) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM credentials WHERE account = ? AND expires <= ?", c.Account, c.Created.UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO credentials (hash, account, kind, created, expires) VALUES (?, ?, ?, ?, ?)",
			c.Hash, c.Account, c.Kind, c.Created.UnixMicro(), nullMicros(c.Expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("create %s for account %d: %w", c.Kind, c.Account, err)
	}
	return nil
}

// CredentialAccount returns the unexpired credential with that hash and its account.
func (s *Store) CredentialAccount(ctx context.Context, hash []byte, now time.Time) (auth.Credential, auth.Account, error) {
	c := auth.Credential{Hash: hash}
	var created int64
	var expires sql.NullInt64
	var accountCreated int64
	var a auth.Account
	err := s.read.QueryRowContext(ctx, `SELECT c.account, c.kind, c.created, c.expires,
			a.id, a.email, a.password_hash, a.admin, a.created
		FROM credentials c JOIN accounts a ON a.id = c.account
		WHERE c.hash = ? AND (c.expires IS NULL OR c.expires > ?)`, hash, now.UnixMicro()).
		Scan(&c.Account, &c.Kind, &created, &expires, &a.ID, &a.Email, &a.PasswordHash, &a.Admin, &accountCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return c, a, fmt.Errorf("credential: %w", auth.ErrNotFound)
	}
	if err != nil {
		return c, a, fmt.Errorf("credential: %w", err)
	}
	c.Created = time.UnixMicro(created).UTC()
	if expires.Valid {
		c.Expires = time.UnixMicro(expires.Int64).UTC()
	}
	a.Created = time.UnixMicro(accountCreated).UTC()
	return c, a, nil
}

// DeleteCredential removes the credential with that hash, if there is one.
func (s *Store) DeleteCredential(ctx context.Context, hash []byte) error {
	if _, err := s.write.ExecContext(ctx, "DELETE FROM credentials WHERE hash = ?", hash); err != nil {
		return fmt.Errorf("delete credential: %w", err)
	}
	return nil
}

// Grant makes the account act as the person on the production.
func (s *Store) Grant(ctx context.Context, m auth.Membership) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE id = ?", m.Account).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return auth.ErrNotFound
		}
		var account int64
		var person string
		err := tx.QueryRowContext(ctx, "SELECT account, person FROM memberships WHERE production = ? AND (account = ? OR person = ?)",
			m.Production, m.Account, m.Person).Scan(&account, &person)
		switch {
		case err == nil && account == m.Account && person == m.Person:
			return nil
		case err == nil:
			return auth.ErrExists
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO memberships (account, production, person) VALUES (?, ?, ?)", m.Account, m.Production, m.Person)
		return err
	})
	if err != nil {
		return fmt.Errorf("grant account %d %s on %s: %w", m.Account, m.Person, m.Production, err)
	}
	return nil
}

// Memberships lists the account's memberships by production.
func (s *Store) Memberships(ctx context.Context, account int64) ([]auth.Membership, error) {
	return s.memberships(ctx, "SELECT account, production, person FROM memberships WHERE account = ? ORDER BY production", account)
}

// Members lists the memberships on a production by person.
func (s *Store) Members(ctx context.Context, production string) ([]auth.Membership, error) {
	return s.memberships(ctx, "SELECT account, production, person FROM memberships WHERE production = ? ORDER BY person", production)
}

func (s *Store) memberships(ctx context.Context, query string, arg any) ([]auth.Membership, error) {
	rows, err := s.read.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	out := []auth.Membership{}
	for rows.Next() {
		var m auth.Membership
		if err := rows.Scan(&m.Account, &m.Production, &m.Person); err != nil {
			return nil, fmt.Errorf("list memberships: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	return out, nil
}

// inTx runs fn in one immediate transaction on the write connection.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// nullMicros stores a zero time as NULL: no expiry.
func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}
