package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"reglament/internal/domain"
)

// CRM brings a workspace's CRM records into the store. crmsync implements
// it (through a small adapter in cli); tests use a real crmsync over a fake
// CRM server.
type CRM interface {
	// Sync fetches what changed since the stored cursors (everything when
	// full) and stores it, raising the data watermark.
	Sync(ctx context.Context, workspace string, full bool, actor string) error
	// ApplyPending re-fetches the records that the CRM's webhooks named
	// since the last time.
	ApplyPending(ctx context.Context, workspace, actor string) error
}

// Defaults of the CRM rhythm.
const (
	DefaultSyncEvery   = 5 * time.Minute
	DefaultSyncTimeout = 2 * time.Minute
)

// syncActor is who the audit log says synced when the scheduler did.
const syncActor = "scheduler"

// SyncArgs syncs one workspace with its CRM. Slot is the start of the
// workspace's sync_every period (Config.SyncEvery when it has none) the job belongs to (RFC 3339, UTC): it takes part in
// uniqueness, so a workspace is synced once per period however many
// instances plan.
type SyncArgs struct {
	Workspace string `json:"workspace"`
	Slot      string `json:"slot"`
}

// Kind implements river.JobArgs.
func (SyncArgs) Kind() string { return "sync" }

// RefetchArgs re-fetches the records a CRM's webhooks named. It is unique
// while not finished: a burst of webhooks queues one job.
type RefetchArgs struct {
	Workspace string `json:"workspace"`
}

// Kind implements river.JobArgs.
func (RefetchArgs) Kind() string { return "refetch" }

// uniqueWhileUnfinished makes a job unique by its arguments among the jobs
// not finished yet (re-fetches, the bot's poll). River requires running
// among those states, so a webhook stored while a re-fetch runs may wait
// for the next periodic sync, which applies pending webhooks too.
var uniqueWhileUnfinished = &river.InsertOpts{
	MaxAttempts: 3,
	UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}},
}

// syncOpts keeps a failing periodic sync from piling up retries: the next
// period's job syncs anyway.
var syncOpts = &river.InsertOpts{MaxAttempts: 2, UniqueOpts: river.UniqueOpts{ByArgs: true}}

// addSyncWorkers registers the CRM workers.
func addSyncWorkers(workers *river.Workers, r *Runner) {
	river.AddWorker(workers, &syncWorker{r: r})
	river.AddWorker(workers, &refetchWorker{r: r})
	river.AddWorker(workers, &pbxSyncWorker{r: r})
}

// planSync inserts the current period's sync job of ws when the runner has
// a CRM and ws a connection to one; otherwise that of its call log, when
// it has a telephone exchange (pbx.go).
func (r *Runner) planSync(ctx context.Context, ws *domain.Workspace, now time.Time) (bool, error) {
	if r.cfg.CRM == nil || ws.CRM == nil {
		return r.planPBXSync(ctx, ws, now)
	}
	every := ws.CRM.SyncEvery
	if every <= 0 {
		every = r.cfg.SyncEvery
	}
	slot := now.UTC().Truncate(every).Format(time.RFC3339)
	res, err := r.client.Insert(ctx, SyncArgs{Workspace: ws.ID, Slot: slot}, syncOpts)
	if err != nil {
		return false, fmt.Errorf("jobs: plan sync of %s at %s: %w", ws.ID, slot, err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// RefetchSoon queues one re-fetch job per workspace, unless one is already
// waiting. The webhook receiver calls it after storing what a CRM's
// webhook named.
func (r *Runner) RefetchSoon(ctx context.Context, workspaces []string) error {
	var errs []error
	for _, ws := range workspaces {
		if _, err := r.client.Insert(ctx, RefetchArgs{Workspace: ws}, uniqueWhileUnfinished); err != nil {
			errs = append(errs, fmt.Errorf("jobs: queue re-fetch of %s: %w", ws, err))
		}
	}
	return errors.Join(errs...)
}

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	r *Runner
}

// Timeout lets a sync run as long as the connector's retries may take.
func (w *syncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return w.r.cfg.SyncTimeout }

// Work syncs incrementally, then applies the webhooks still pending, which
// also catches any stored while a re-fetch job was running.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	if w.r.cfg.CRM == nil {
		return river.JobCancel(errors.New("jobs: sync job without a CRM configured"))
	}
	ws, err := w.r.cfg.Engine.Workspace(ctx, job.Args.Workspace)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if ws.CRM == nil {
		return nil // the connection was removed after planning
	}
	unlock, err := w.r.lockCRM(ctx, ws.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if err := w.r.cfg.CRM.Sync(ctx, ws.ID, false, syncActor); err != nil {
		w.r.cfg.Logger.Warn("CRM sync failed", "workspace", ws.ID, "slot", job.Args.Slot, "attempt", job.Attempt, "error", err)
		return err
	}
	defer w.r.syncPBX(ctx, ws.ID) // after the CRM's records and webhooks, in the time left (pbx.go)
	return w.r.cfg.CRM.ApplyPending(ctx, ws.ID, syncActor)
}

type refetchWorker struct {
	river.WorkerDefaults[RefetchArgs]
	r *Runner
}

// Timeout lets a re-fetch run as long as the connector's retries may take.
func (w *refetchWorker) Timeout(*river.Job[RefetchArgs]) time.Duration { return w.r.cfg.SyncTimeout }

func (w *refetchWorker) Work(ctx context.Context, job *river.Job[RefetchArgs]) error {
	if w.r.cfg.CRM == nil {
		return river.JobCancel(errors.New("jobs: re-fetch job without a CRM configured"))
	}
	unlock, err := w.r.lockCRM(ctx, job.Args.Workspace)
	if err != nil {
		return err
	}
	defer unlock()
	err = w.r.cfg.CRM.ApplyPending(ctx, job.Args.Workspace, syncActor)
	switch domain.ErrorCode(err) {
	case "":
		return nil
	case domain.EINVALID, domain.ENOTFOUND:
		// No such workspace or no CRM connection any more: retrying
		// cannot help.
		w.r.cfg.Logger.Warn("CRM re-fetch dropped", "workspace", job.Args.Workspace, "error", err)
		return river.JobCancel(err)
	default:
		w.r.cfg.Logger.Warn("CRM re-fetch failed", "workspace", job.Args.Workspace, "attempt", job.Attempt, "error", err)
		return err
	}
}

// syncBeforeFinalize brings ws's CRM data up to the day's cutoff before the
// day is finalized, unless the stored data already reaches it (a periodic
// sync after the cutoff, or another day's finalization a moment ago). It
// gives up after SyncTimeout, waiting for another sync included:
// finalization is not held hostage by an unreachable CRM, and the sheet
// then says it is stale. It reports whether the data reaches the cutoff.
func (r *Runner) syncBeforeFinalize(ctx context.Context, ws *domain.Workspace, day domain.Date) bool {
	defer r.syncPBXBeforeFinalize(ctx, ws, day) // after the CRM's, its lock released (pbx.go)
	if r.cfg.CRM == nil || ws.CRM == nil {
		return true
	}
	if _, err := r.cfg.Engine.Store.FindSheet(ctx, ws.ID, day); err == nil {
		return true // already final: nothing to bring up to date
	}
	fresh := func() bool {
		wm, err := r.cfg.Engine.Store.Watermark(ctx, ws.ID)
		return err == nil && !wm.Before(ws.Cutoff(day))
	}
	if fresh() {
		return true
	}
	syncCtx, cancel := context.WithTimeout(ctx, r.cfg.SyncTimeout)
	defer cancel()
	unlock, err := r.lockCRM(syncCtx, ws.ID)
	if err != nil {
		r.cfg.Logger.Warn("CRM busy past the sync timeout; finalizing with the data stored", "workspace", ws.ID, "day", day, "error", err)
		return false
	}
	defer unlock()
	if fresh() {
		return true // synced by the job that held the lock
	}
	if err := r.cfg.CRM.Sync(syncCtx, ws.ID, false, syncActor); err != nil {
		r.cfg.Logger.Warn("CRM unreachable before finalization; finalizing with the data stored", "workspace", ws.ID, "day", day, "error", err)
		return false
	}
	return true
}
