package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"coldset/internal/store"
)

// Writes go through the single write connection in immediate transactions, so the
// existence checks below cannot race with another writer: no constraint error codes
// need decoding.

// CreateAccount stores a new account; store.ErrAccountExists when the e-mail is taken.
func (s *Store) CreateAccount(ctx context.Context, a store.Account) (_ store.Account, err error) {
	defer markFault(&err)
	a.Created = time.Now().UTC().Truncate(time.Microsecond)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE email = ?", a.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrAccountExists
		}
		return tx.QueryRowContext(ctx, "INSERT INTO accounts (email, password_hash, admin, created) VALUES (?, ?, ?, ?) RETURNING id",
			a.Email, a.PasswordHash, a.Admin, a.Created.UnixMicro()).Scan(&a.ID)
	})
	if err != nil {
		return store.Account{}, fmt.Errorf("create account %s: %w", a.Email, err)
	}
	return a, nil
}

const accountColumns = "id, email, password_hash, admin, created"

func scanAccount(row interface{ Scan(...any) error }) (store.Account, error) {
	var a store.Account
	var created int64
	if err := row.Scan(&a.ID, &a.Email, &a.PasswordHash, &a.Admin, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, store.ErrAccountNotFound
		}
		return a, err
	}
	a.Created = time.UnixMicro(created).UTC()
	return a, nil
}

// AccountByEmail returns the account with that e-mail, or store.ErrAccountNotFound.
func (s *Store) AccountByEmail(ctx context.Context, email string) (_ store.Account, err error) {
	defer markFault(&err)
	a, err := scanAccount(s.read.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE email = ?", email))
	if err != nil {
		return a, fmt.Errorf("account %s: %w", email, err)
	}
	return a, nil
}

// SetPassword replaces an account's password hash, uses up its password links and
// ends its sessions.
func (s *Store) SetPassword(ctx context.Context, account int64, hash string) (err error) {
	defer markFault(&err)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = ? WHERE id = ?", hash, account)
		if err == nil {
			err = oneRow(res)
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
	rows, err := s.read.QueryContext(ctx, "SELECT "+accountColumns+" FROM accounts ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	out := []store.Account{}
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
func (s *Store) CreateCredential(ctx context.Context, c store.Credential) (err error) {
	defer markFault(&err)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
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
func (s *Store) CredentialAccount(ctx context.Context, hash []byte, now time.Time) (_ store.Credential, _ store.Account, err error) {
	defer markFault(&err)
	c := store.Credential{Hash: hash}
	var created int64
	var expires sql.NullInt64
	var accountCreated int64
	var a store.Account
	err = s.read.QueryRowContext(ctx, `SELECT c.account, c.kind, c.created, c.expires,
			a.id, a.email, a.password_hash, a.admin, a.created
		FROM credentials c JOIN accounts a ON a.id = c.account
		WHERE c.hash = ? AND (c.expires IS NULL OR c.expires > ?)`, hash, now.UnixMicro()).
		Scan(&c.Account, &c.Kind, &created, &expires, &a.ID, &a.Email, &a.PasswordHash, &a.Admin, &accountCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return c, a, fmt.Errorf("credential: %w", store.ErrAccountNotFound)
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
func (s *Store) DeleteCredential(ctx context.Context, hash []byte) (err error) {
	defer markFault(&err)
	if _, err := s.write.ExecContext(ctx, "DELETE FROM credentials WHERE hash = ?", hash); err != nil {
		return fmt.Errorf("delete credential: %w", err)
	}
	return nil
}

// Grant makes the account act as the person on the production.
func (s *Store) Grant(ctx context.Context, m store.Membership) (err error) {
	defer markFault(&err)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE id = ?", m.Account).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrAccountNotFound
		}
		var account int64
		var person string
		err := tx.QueryRowContext(ctx, "SELECT account, person FROM memberships WHERE production = ? AND (account = ? OR person = ?)",
			m.Production, m.Account, m.Person).Scan(&account, &person)
		switch {
		case err == nil && account == m.Account && person == m.Person:
			return nil
		case err == nil:
			return store.ErrAccountExists
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
func (s *Store) Memberships(ctx context.Context, account int64) (_ []store.Membership, err error) {
	defer markFault(&err)
	return s.memberships(ctx, "SELECT account, production, person FROM memberships WHERE account = ? ORDER BY production", account)
}

// Members lists the memberships on a production by person.
func (s *Store) Members(ctx context.Context, production string) (_ []store.Membership, err error) {
	defer markFault(&err)
	return s.memberships(ctx, "SELECT account, production, person FROM memberships WHERE production = ? ORDER BY person", production)
}

func (s *Store) memberships(ctx context.Context, query string, arg any) ([]store.Membership, error) {
	rows, err := s.read.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	out := []store.Membership{}
	for rows.Next() {
		var m store.Membership
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
		return store.ErrAccountNotFound
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

// Credentials lists the account's unexpired credentials of kind, oldest first.
func (s *Store) Credentials(ctx context.Context, account int64, kind string, now time.Time) (_ []store.Credential, err error) {
	defer markFault(&err)
	rows, err := s.read.QueryContext(ctx, `SELECT hash, created, expires FROM credentials
		WHERE account = ? AND kind = ? AND (expires IS NULL OR expires > ?) ORDER BY created, hash`, account, kind, now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("list credentials of account %d: %w", account, err)
	}
	defer rows.Close()
	out := []store.Credential{}
	for rows.Next() {
		c := store.Credential{Account: account, Kind: kind}
		var created int64
		var expires sql.NullInt64
		if err := rows.Scan(&c.Hash, &created, &expires); err != nil {
			return nil, fmt.Errorf("list credentials of account %d: %w", account, err)
		}
		c.Created = time.UnixMicro(created).UTC()
		if expires.Valid {
			c.Expires = time.UnixMicro(expires.Int64).UTC()
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
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
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM password_links WHERE expires <= ?", l.Created.Add(-linkKeep).UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO password_links (hash, account, purpose, created, expires, used) VALUES (?, ?, ?, ?, ?, ?)",
			l.Hash, l.Account, l.Purpose, l.Created.UnixMicro(), l.Expires.UnixMicro(), nullMicros(l.Used))
		return err
	})
	if err != nil {
		return fmt.Errorf("create password link for account %d: %w", l.Account, err)
	}
	return nil
}

// PasswordLinkAccount returns the link with that hash and its account.
func (s *Store) PasswordLinkAccount(ctx context.Context, hash []byte) (_ store.PasswordLink, _ store.Account, err error) {
	defer markFault(&err)
	l, a, err := passwordLink(ctx, s.read, hash)
	if err != nil {
		return l, a, fmt.Errorf("password link: %w", err)
	}
	return l, a, nil
}

func passwordLink(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, hash []byte) (store.PasswordLink, store.Account, error) {
	l := store.PasswordLink{Hash: hash}
	var a store.Account
	var created, expires, accountCreated int64
	var used sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT l.account, l.purpose, l.created, l.expires, l.used,
			a.id, a.email, a.password_hash, a.admin, a.created
		FROM password_links l JOIN accounts a ON a.id = l.account WHERE l.hash = ?`, hash).
		Scan(&l.Account, &l.Purpose, &created, &expires, &used, &a.ID, &a.Email, &a.PasswordHash, &a.Admin, &accountCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return l, a, store.ErrAccountNotFound
	}
	if err != nil {
		return l, a, err
	}
	l.Created, l.Expires, a.Created = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC(), time.UnixMicro(accountCreated).UTC()
	if used.Valid {
		l.Used = time.UnixMicro(used.Int64).UTC()
	}
	return l, a, nil
}

// UsePasswordLink sets the password through the link, uses up the account's links
// and ends its sessions, in one transaction.
func (s *Store) UsePasswordLink(ctx context.Context, hash []byte, now time.Time, passwordHash string) (_ store.Account, err error) {
	defer markFault(&err)
	var a store.Account
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		l, acct, err := passwordLink(ctx, tx, hash)
		switch {
		case err != nil:
			return err
		case !l.Used.IsZero():
			return store.ErrLinkUsed
		case !now.Before(l.Expires):
			return store.ErrLinkExpired
		}
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = ? WHERE id = ?", passwordHash, acct.ID); err != nil {
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
func endSessionsAndLinks(ctx context.Context, tx *sql.Tx, account int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE password_links SET used = ? WHERE account = ? AND used IS NULL", now.UnixMicro(), account); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM credentials WHERE account = ? AND kind = ?", account, store.CredentialSession)
	return err
}
