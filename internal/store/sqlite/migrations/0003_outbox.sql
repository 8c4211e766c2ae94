-- Who is told about a production: its contact list, a JSON array of notify.Contact,
-- replaced whole. Times are Unix microseconds, UTC.
CREATE TABLE contacts (
	production TEXT PRIMARY KEY,
	list       TEXT NOT NULL,
	updated    INTEGER NOT NULL
) WITHOUT ROWID;

-- How far each production's ledger has been turned into outbox rows: the first index
-- not yet. It moves in the same transaction as the rows it covers.
CREATE TABLE outbox_cursors (
	production TEXT PRIMARY KEY,
	next       INTEGER NOT NULL
) WITHOUT ROWID;
-- Productions recorded before there was an outbox start from where they stand: what
-- happened before was never promised to anyone.
INSERT INTO outbox_cursors (production, next) SELECT production, max(idx) + 1 FROM entries GROUP BY production;

-- One message to one contact on one channel about one ledger entry. The unique key
-- makes writing the rows of an entry again a no-op. A row is claimed by a deliverer
-- until claimed_until; its attempts are kept in outbox_attempts.
CREATE TABLE outbox (
	id            INTEGER PRIMARY KEY,
	production    TEXT NOT NULL,
	idx           INTEGER NOT NULL,
	event         TEXT NOT NULL,
	contact       TEXT NOT NULL,
	channel       TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'none')),
	address       TEXT NOT NULL,
	secret        TEXT NOT NULL,
	subject       TEXT NOT NULL,
	body          BLOB NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'no_contact')),
	tries         INTEGER NOT NULL DEFAULT 0,
	created       INTEGER NOT NULL,
	next_at       INTEGER NOT NULL,
	claim         TEXT NOT NULL DEFAULT '',
	claimed_until INTEGER NOT NULL DEFAULT 0,
	delivered     INTEGER,
	UNIQUE (production, idx, contact, channel)
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE status = 'pending';

CREATE TABLE outbox_attempts (
	outbox INTEGER NOT NULL REFERENCES outbox (id),
	n      INTEGER NOT NULL,
	at     INTEGER NOT NULL,
	ok     INTEGER NOT NULL,
	error  TEXT NOT NULL,
	PRIMARY KEY (outbox, n)
) WITHOUT ROWID;
