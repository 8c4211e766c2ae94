// Package store defines where coldset keeps what it keeps: production logs and
// checkpoints (Store), accounts, the outbox and witness cosignatures, all in one
// Backend, and the records of each, so that the backends need nothing from the
// packages that use them. The implementations live in sqlite/ and postgres/;
// storetest/, auth/authtest and notify/outboxtest are the conformance suites both
// must pass.
package store

import (
	"context"
	"errors"
)

// ErrConflict reports an append whose expected next index is not the log's size:
// another writer appended first. The caller reloads and retries.
var ErrConflict = errors.New("append conflict: the log has moved on")

// ErrNotFound reports a production, entry or checkpoint that is not stored.
var ErrNotFound = errors.New("not found")

// Entry is one stored row of a production's log: its index and the exact bytes
// that were hashed.
type Entry struct {
	Index uint64
	Body  []byte
}

// Store keeps the logs of productions and their latest signed checkpoints.
// Implementations are safe for concurrent use.
type Store interface {
	// Append writes bodies at indexes next, next+1, ... of production's log together
	// with the signed checkpoint for the new size, in one transaction. It fails with
	// ErrConflict, writing nothing, if the log's size is not next. When Append returns
	// nil the entries and the checkpoint are durable.
	Append(ctx context.Context, production string, next uint64, bodies [][]byte, checkpoint []byte) error
	// Entries returns the stored rows with from <= index < to, in index order. Rows
	// missing from the store are simply absent: verification notices the gap.
	Entries(ctx context.Context, production string, from, to uint64) ([]Entry, error)
	// Size returns one more than the highest stored index (0 for an empty log).
	Size(ctx context.Context, production string) (uint64, error)
	// Checkpoint returns the latest signed checkpoint of production, or ErrNotFound.
	Checkpoint(ctx context.Context, production string) ([]byte, error)
	// Productions lists every production with at least one entry, sorted.
	Productions(ctx context.Context) ([]string, error)
	Close() error
}

// Watcher is implemented by stores that several processes share and that can tell
// each of them when any of them appended (PostgreSQL, through LISTEN/NOTIFY).
type Watcher interface {
	// Watch returns a channel that receives the production id of every append
	// committed from then on, by any process, this one included, until ctx ends; then
	// the channel is closed. Appends that commit close together may be told once.
	// While the store is unreachable nothing is told; once it is reachable again the
	// channel receives "", meaning that appends to any production may have been
	// missed. Watch fails only if it cannot start listening at all.
	Watch(ctx context.Context) (<-chan string, error)
}
