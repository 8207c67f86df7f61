package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"reglament/internal/domain"
)

// PBX brings a workspace's telephone exchange's call log into the store
// (DESIGN.md section 12). crmsync implements it (through cli's adapter).
// It is synced by the CRM's jobs: after each periodic sync of the CRM,
// and before a day is finalized, up to the day's cutoff. A workspace with
// an exchange and no CRM has a periodic job of its own (PBXSyncArgs), so
// that its pages and the day's checklist see the calls as the day goes,
// not only once the day is finalized.
type PBX interface {
	// SyncPBX reads the call log from its stored cursor and stores it; a
	// workspace without an exchange is left alone (nil).
	SyncPBX(ctx context.Context, workspace, actor string) error
	// PBXFresh reports whether the call log is stored up to until; a
	// workspace without an exchange is fresh.
	PBXFresh(ctx context.Context, workspace string, until time.Time) (bool, error)
}

// syncPBX syncs ws's call log, if the runner has a PBX, at the end of a
// periodic CRM sync, in the job's time left, or in the period's job of a
// workspace without a CRM (the caller holds the workspace's CRM lock): a long first read of the log (hours at Zadarma's
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

// PBXSyncArgs syncs the call log of a workspace that has an exchange and
// no CRM, once a period: Slot is the start of the period (Config.SyncEvery)
// in RFC 3339, UTC, and takes part in uniqueness as SyncArgs' does. A
// workspace with a CRM has its log synced by the CRM's job instead.
type PBXSyncArgs struct {
	Workspace string `json:"workspace"`
	Slot      string `json:"slot"`
}

// Kind implements river.JobArgs.
func (PBXSyncArgs) Kind() string { return "pbx_sync" }

// planPBXSync inserts the current period's call log sync of ws when the
// runner has a PBX, ws an exchange connected, and no CRM sync of ws
// brings the log along (ws has no CRM, or the runner syncs none).
func (r *Runner) planPBXSync(ctx context.Context, ws *domain.Workspace, now time.Time) (bool, error) {
	if r.cfg.PBX == nil || ws.CRM != nil && r.cfg.CRM != nil {
		return false, nil
	}
	if _, err := r.cfg.Engine.Store.FindPBXConnection(ctx, ws.ID); domain.ErrorCode(err) == domain.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("jobs: plan the call log sync of %s: %w", ws.ID, err)
	}
	slot := now.UTC().Truncate(r.cfg.SyncEvery).Format(time.RFC3339)
	res, err := r.client.Insert(ctx, PBXSyncArgs{Workspace: ws.ID, Slot: slot}, syncOpts)
	if err != nil {
		return false, fmt.Errorf("jobs: plan the call log sync of %s at %s: %w", ws.ID, slot, err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

type pbxSyncWorker struct {
	river.WorkerDefaults[PBXSyncArgs]
	r *Runner
}

// Timeout lets a sync of the call log run as long as a CRM's may.
func (w *pbxSyncWorker) Timeout(*river.Job[PBXSyncArgs]) time.Duration { return w.r.cfg.SyncTimeout }

// Work syncs the call log under the workspace's CRM lock (which the
// finalization's sync of the log takes too). A failure is logged and the
// job succeeds: the next period reads the log from where it stopped.
func (w *pbxSyncWorker) Work(ctx context.Context, job *river.Job[PBXSyncArgs]) error {
	if w.r.cfg.PBX == nil {
		return river.JobCancel(errors.New("jobs: call log sync job without a PBX configured"))
	}
	ws, err := w.r.cfg.Engine.Workspace(ctx, job.Args.Workspace)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if ws.CRM != nil && w.r.cfg.CRM != nil {
		return nil // a CRM was connected after planning: its sync brings the log
	}
	unlock, err := w.r.lockCRM(ctx, ws.ID)
	if err != nil {
		return err
	}
	defer unlock()
	w.r.syncPBX(ctx, ws.ID)
	return nil
}
