package store

import "errors"

// ErrNotEmpty reports a restore into a store that already holds data: restoring
// over it would throw records away, so it is refused unless forced.
var ErrNotEmpty = errors.New("the target store is not empty")

// A backup archive — what `coldset backup` writes and `coldset restore` reads, from
// and to either backend — is one SQLite database file in coldset's SQLite schema:
// the tables of internal/store/sqlite/migrations with their schema_migrations rows,
// in rollback-journal mode (no -wal file beside it), so that it is a single file
// that any SQLite 3 can open. Times are Unix microseconds UTC as in the SQLite
// store, PostgreSQL's -infinity and infinity being the least and greatest int64;
// booleans are 0 or 1; JSON is text. It holds everything coldset stores — entries,
// checkpoints, accounts, credentials, memberships, contacts, the outbox and its
// attempts, witness cosignatures — and not the deployment key, which lives in its
// own file and must be kept (and copied on restore) separately.
