package jobs

import "context"

// LockCRM waits until no job of this process, nor (on PostgreSQL) any
// other process, talks to workspace's CRM, and holds it until unlock: the
// first sync the setup pages start (package web) takes it, so that it and
// the scheduled syncs keep the CRM account under its rate limit together.
func (r *Runner) LockCRM(ctx context.Context, workspace string) (unlock func(), err error) {
	return r.lockCRM(ctx, workspace)
}
