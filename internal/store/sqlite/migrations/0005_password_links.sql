-- One-time links that set an account's password: an invitation ('invite', the
-- account has no password yet) or a reset. Only the SHA-256 of a link's secret is
-- kept. used is when a password was set through it or a later link of the account,
-- NULL until then. Times are Unix microseconds, UTC.
CREATE TABLE password_links (
	hash    BLOB PRIMARY KEY,
	account INTEGER NOT NULL REFERENCES accounts (id),
	purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	used    INTEGER
) WITHOUT ROWID;
CREATE INDEX password_links_by_account ON password_links (account);
