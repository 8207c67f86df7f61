package jobs

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"

	"reglament/internal/store"
)

// crmLocks serializes the CRM requests of each workspace: within a process
// by a one-slot channel per workspace, across processes on PostgreSQL by a
// session advisory lock. Each sync builds its own connector, and so its own
// rate limiter; one at a time per workspace keeps the CRM account under
// its limit however many jobs and instances want to sync at once (a
// catch-up finalizes several days together, each wanting a sync).
type crmLocks struct {
	mu   sync.Mutex
	sems map[string]chan struct{}
}

func (l *crmLocks) sem(workspace string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sems == nil {
		l.sems = make(map[string]chan struct{})
	}
	s, ok := l.sems[workspace]
	if !ok {
		s = make(chan struct{}, 1)
		l.sems[workspace] = s
	}
	return s
}

// lockCRM waits until no other job of this or another process talks to
// workspace's CRM, or ctx ends. The caller calls unlock when done.
func (r *Runner) lockCRM(ctx context.Context, workspace string) (unlock func(), err error) {
	sem := r.crmLocks.sem(workspace)
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("jobs: wait for the CRM of %s: %w", workspace, ctx.Err())
	}
	release := func() { <-sem }
	if r.dialect != store.Postgres {
		return release, nil
	}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		release()
		return nil, fmt.Errorf("jobs: lock the CRM of %s: %w", workspace, err)
	}
	key := "reglament/crm/" + workspace
	// unlockConn gives the lock up; a connection that cannot say so is
	// discarded rather than returned to the pool still holding it.
	unlockConn := func() {
		if _, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", key); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
		release()
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext($1))", key); err != nil {
		unlockConn() // the wait may have been cancelled just as the lock was granted
		return nil, fmt.Errorf("jobs: wait for the CRM of %s: %w", workspace, err)
	}
	return unlockConn, nil
}
