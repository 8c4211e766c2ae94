// Package postgres keeps coldset's production logs in PostgreSQL, for a studio that
// runs several server processes on one database. Appends from different processes
// race on the (production, idx) primary key; the loser gets store.ErrConflict.
package postgres

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"coldset/internal/store"
)

var _ store.Backend = (*Store)(nil)

// Store is a store.Backend on a PostgreSQL database. It is safe for concurrent use,
// and any number of processes may share the database.
type Store struct {
	pool *pgxpool.Pool

	life     context.Context // canceled by Close, which ends every Watch
	close    context.CancelFunc
	watchers sync.WaitGroup
}

// Open connects to the database at url (a postgres:// URL or key=value string, as
// pgx accepts) and brings its schema up to date. Processes opening the same database
// at once take turns on an advisory lock, so each migration runs once.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := migrate(ctx, cfg.ConnConfig); err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	life, cancel := context.WithCancel(context.Background())
	return &Store{pool: pool, life: life, close: cancel}, nil
}

// Close ends every Watch and closes the pool, waiting for connections in use to be
// released.
func (s *Store) Close() (err error) {
	defer markFault(&err)
	s.close()
	s.watchers.Wait()
	s.pool.Close()
	return nil
}
