package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store"
)

var _ store.Watcher = (*Store)(nil)

const (
	// watchBackoffMin and watchBackoffMax bound the wait between attempts to
	// reconnect a watch whose connection failed.
	watchBackoffMin = 100 * time.Millisecond
	watchBackoffMax = 10 * time.Second
)

// Watch listens on NotifyChannel over a connection of its own, outside the pool, and
// sends each notified production id to the returned channel. When the connection
// fails it reconnects, waiting longer after each failed attempt, and then sends ""
// since appends may have been missed meanwhile. The channel is closed when ctx ends
// or the store is closed.
func (s *Store) Watch(ctx context.Context) (<-chan string, error) {
	conn, err := s.listen(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.life, cancel)
	ch := make(chan string, 64)
	s.watchers.Go(func() {
		defer cancel()
		defer stop()
		defer close(ch)
		s.watch(ctx, conn, ch)
	})
	return ch, nil
}

// listen connects and subscribes to NotifyChannel.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("watch: connect: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("watch: listen: %w", err)
	}
	return conn, nil
}

// watch relays notifications from conn to ch until ctx ends, reconnecting when the
// connection fails.
func (s *Store) watch(ctx context.Context, conn *pgx.Conn, ch chan<- string) {
	send := func(production string) bool {
		select {
		case ch <- production:
			return true
		case <-ctx.Done():
			return false
		}
	}
	backoff := watchBackoffMin
	for {
		n, err := conn.WaitForNotification(ctx)
		if err == nil {
			if !send(n.Payload) {
				break
			}
			continue
		}
		conn.Close(context.WithoutCancel(ctx))
		conn = nil
		for conn == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, watchBackoffMax)
			conn, _ = s.listen(ctx)
		}
		backoff = watchBackoffMin
		if !send("") {
			break
		}
	}
	conn.Close(context.WithoutCancel(ctx))
}
