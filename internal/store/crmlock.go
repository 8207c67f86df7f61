package store

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// LockCRM waits until no other process holds workspace's CRM lock, or ctx
// ends, and returns how to give the lock up. Every conversation with a
// CRM account (a sync, a re-fetch, a command-line sync) holds it, so that
// their requests together stay under the account's rate limit: each builds
// its own connector, and so its own limiter.
//
// On PostgreSQL it is a session advisory lock on a connection of its own,
// so it holds across processes; waiting is called once, first, when
// another holder makes this call wait. On SQLite, which serves a single
// process, it returns at once: that process serializes its own
// conversations (jobs.Runner).
func (s *Store) LockCRM(ctx context.Context, workspace string, waiting func()) (unlock func(), err error) {
	if s.dialect != Postgres {
		return func() {}, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock the CRM of %s: %w", workspace, err)
	}
	key := "reglament/crm/" + workspace
	// unlock gives the lock up; a connection that cannot say so is
	// discarded rather than returned to the pool still holding it.
	unlock = func() {
		if _, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", key); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(hashtext($1))", key).Scan(&got); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: lock the CRM of %s: %w", workspace, err)
	}
	if got {
		return unlock, nil
	}
	if waiting != nil {
		waiting()
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext($1))", key); err != nil {
		unlock() // the wait may have been cancelled just as the lock was granted
		return nil, fmt.Errorf("store: wait for the CRM of %s: %w", workspace, err)
	}
	return unlock, nil
}
