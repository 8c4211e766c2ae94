-- Each production's append-only log. The primary key is the append guard: two
-- processes appending at the same index collide on it, and one of them loses.
CREATE TABLE entries (
	production TEXT NOT NULL,
	idx        BIGINT NOT NULL,
	body       BYTEA NOT NULL,
	PRIMARY KEY (production, idx)
);

-- Every signed checkpoint is kept; the latest is the one with the highest size.
CREATE TABLE checkpoints (
	production TEXT NOT NULL,
	size       BIGINT NOT NULL,
	signed     BYTEA NOT NULL,
	PRIMARY KEY (production, size)
);
