-- Each production's append-only log. The primary key is the append guard: an index is
-- written once, and a production's size is max(idx)+1 read from the key's b-tree.
CREATE TABLE entries (
	production TEXT NOT NULL,
	idx        INTEGER NOT NULL,
	body       BLOB NOT NULL,
	PRIMARY KEY (production, idx)
) WITHOUT ROWID;

-- Every signed checkpoint is kept; the latest is the one with the highest size.
CREATE TABLE checkpoints (
	production TEXT NOT NULL,
	size       INTEGER NOT NULL,
	signed     BLOB NOT NULL,
	PRIMARY KEY (production, size)
) WITHOUT ROWID;
