-- Who is told about a production: its contact list, a JSON array of notify.Contact,
-- replaced whole.
CREATE TABLE contacts (
	production TEXT PRIMARY KEY,
	list       JSONB NOT NULL,
	updated    TIMESTAMPTZ NOT NULL
);

-- How far each production's ledger has been turned into outbox rows: the first index
-- not yet. It moves in the same transaction as the rows it covers, and only forward.
CREATE TABLE outbox_cursors (
	production TEXT PRIMARY KEY,
	next       BIGINT NOT NULL
);
-- Productions recorded before there was an outbox start from where they stand: what
-- happened before was never promised to anyone.
INSERT INTO outbox_cursors (production, next) SELECT production, max(idx) + 1 FROM entries GROUP BY production;

-- One message to one contact on one channel about one ledger entry. The unique key
-- makes writing the rows of an entry again a no-op, from any process. A row is claimed
-- by a deliverer until claimed_until; its attempts are kept in outbox_attempts.
CREATE TABLE outbox (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	production    TEXT NOT NULL,
	idx           BIGINT NOT NULL,
	event         TEXT NOT NULL,
	contact       TEXT NOT NULL,
	channel       TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'none')),
	address       TEXT NOT NULL,
	secret        TEXT NOT NULL,
	subject       TEXT NOT NULL,
	body          BYTEA NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'no_contact')),
	tries         INTEGER NOT NULL DEFAULT 0,
	created       TIMESTAMPTZ NOT NULL,
	next_at       TIMESTAMPTZ NOT NULL,
	claim         TEXT NOT NULL DEFAULT '',
	claimed_until TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
	delivered     TIMESTAMPTZ,
	UNIQUE (production, idx, contact, channel)
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE status = 'pending';

CREATE TABLE outbox_attempts (
	outbox BIGINT NOT NULL REFERENCES outbox (id),
	n      INTEGER NOT NULL,
	at     TIMESTAMPTZ NOT NULL,
	ok     BOOLEAN NOT NULL,
	error  TEXT NOT NULL,
	PRIMARY KEY (outbox, n)
);
