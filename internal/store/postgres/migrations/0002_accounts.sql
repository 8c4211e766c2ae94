-- Accounts of people who use coldset. password_hash is an argon2id PHC string, or ''
-- for an invited account that has no password yet.
CREATE TABLE accounts (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL DEFAULT '',
	admin         BOOLEAN NOT NULL DEFAULT false,
	created       TIMESTAMPTZ NOT NULL
);

-- Browser sessions and API tokens: only the SHA-256 of each secret is kept.
-- expires is NULL for a credential that does not expire.
CREATE TABLE credentials (
	hash    BYTEA PRIMARY KEY,
	account BIGINT NOT NULL REFERENCES accounts (id),
	kind    TEXT NOT NULL CHECK (kind IN ('session', 'token')),
	created TIMESTAMPTZ NOT NULL,
	expires TIMESTAMPTZ
);
CREATE INDEX credentials_by_account ON credentials (account);

-- Which person of a production an account acts as: one person per account and
-- production, one account per person.
CREATE TABLE memberships (
	account    BIGINT NOT NULL REFERENCES accounts (id),
	production TEXT NOT NULL,
	person     TEXT NOT NULL,
	PRIMARY KEY (account, production),
	UNIQUE (production, person)
);
