package jobs

import (
	"context"
	"fmt"
	"sync"
)

// crmLocks serializes the CRM requests of each workspace: within a process
// by a one-slot channel per workspace, across processes on PostgreSQL by
// store.LockCRM (which the command-line sync takes too). Each sync builds its own connector, and so its own
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
	unlockStore, err := r.store.LockCRM(ctx, workspace, nil)
	if err != nil {
		<-sem
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return func() {
		unlockStore()
		<-sem
	}, nil
}
