package jobs

import (
	"context"
	"errors"
	"time"

	"reglament/internal/domain"
)

// PBX brings a workspace's telephone exchange's call log into the store
// (DESIGN.md section 12). crmsync implements it (through cli's adapter).
// It is synced by the CRM's jobs: after each periodic sync of the CRM,
// and before a day is finalized, up to the day's cutoff.
type PBX interface {
	// SyncPBX reads the call log from its stored cursor and stores it; a
	// workspace without an exchange is left alone (nil).
	SyncPBX(ctx context.Context, workspace, actor string) error
	// PBXFresh reports whether the call log is stored up to until; a
	// workspace without an exchange is fresh.
	PBXFresh(ctx context.Context, workspace string, until time.Time) (bool, error)
}

// syncPBX syncs ws's call log, if the runner has a PBX, at the end of a
// periodic CRM sync, in the job's time left (the caller holds the
// workspace's CRM lock): a long first read of the log (hours at Zadarma's
// pace) goes on period after period, each storing the windows it read,
// and never holds up the CRM's records and webhooks. A failure is logged,
// not returned: the CRM's work is done, and the next period reads the log
// from where it stopped.
func (r *Runner) syncPBX(ctx context.Context, workspace string) {
	if r.cfg.PBX == nil {
		return
	}
	err := r.cfg.PBX.SyncPBX(ctx, workspace, syncActor)
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		r.cfg.Logger.Info("PBX sync stopped at the job's timeout; it resumes next period from the windows stored", "workspace", workspace)
	default:
		r.cfg.Logger.Warn("PBX sync failed", "workspace", workspace, "error", err)
	}
}

// syncPBXBeforeFinalize brings ws's call log up to the day's cutoff
// before the day is finalized, unless it is there already or the day is
// final. Like the CRM's, it gives up after SyncTimeout: the day is then
// finalized with the calls stored.
func (r *Runner) syncPBXBeforeFinalize(ctx context.Context, ws *domain.Workspace, day domain.Date) {
	if r.cfg.PBX == nil {
		return
	}
	if _, err := r.cfg.Engine.Store.FindSheet(ctx, ws.ID, day); err == nil {
		return
	}
	cutoff := ws.Cutoff(day)
	if fresh, err := r.cfg.PBX.PBXFresh(ctx, ws.ID, cutoff); err != nil || fresh {
		return
	}
	syncCtx, cancel := context.WithTimeout(ctx, r.cfg.SyncTimeout)
	defer cancel()
	unlock, err := r.lockCRM(syncCtx, ws.ID)
	if err != nil {
		r.cfg.Logger.Warn("PBX busy past the sync timeout; finalizing with the calls stored", "workspace", ws.ID, "day", day, "error", err)
		return
	}
	defer unlock()
	if fresh, err := r.cfg.PBX.PBXFresh(syncCtx, ws.ID, cutoff); err != nil || fresh {
		return
	}
	if err := r.cfg.PBX.SyncPBX(syncCtx, ws.ID, syncActor); err != nil {
		r.cfg.Logger.Warn("PBX unreachable before finalization; finalizing with the calls stored", "workspace", ws.ID, "day", day, "error", err)
	}
}
