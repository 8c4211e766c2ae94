-- Accounts of people who use coldset. password_hash is an argon2id PHC string, or ''
-- for an invited account that has no password yet. Times are Unix microseconds, UTC.
CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL DEFAULT '',
	admin         INTEGER NOT NULL DEFAULT 0,
	created       INTEGER NOT NULL
);

-- Browser sessions and API tokens: only the SHA-256 of each secret is kept.
-- expires is NULL for a credential that does not expire.
CREATE TABLE credentials (
	hash    BLOB PRIMARY KEY,
	account INTEGER NOT NULL REFERENCES accounts (id),
	kind    TEXT NOT NULL CHECK (kind IN ('session', 'token')),
	created INTEGER NOT NULL,
	expires INTEGER
) WITHOUT ROWID;
CREATE INDEX credentials_by_account ON credentials (account);

-- Which person of a production an account acts as: one person per account and
-- production, one account per person.
CREATE TABLE memberships (
	account    INTEGER NOT NULL REFERENCES accounts (id),
	production TEXT NOT NULL,
	person     TEXT NOT NULL,
	PRIMARY KEY (account, production),
	UNIQUE (production, person)
) WITHOUT ROWID;
