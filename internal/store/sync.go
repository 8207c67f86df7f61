package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"reglament/internal/domain"
)

// SyncBatch is one batch of records fetched from a CRM for one kind, with
// the cursor the fetch returned: the moment before which every change of
// that kind has now been fetched.
type SyncBatch struct {
	Source  string // the CRM, e.g. amocrm
	Kind    string // the kind fetched (domain.KindTask…); the batch may hold records of other kinds derived from it
	Records *domain.RecordBatch
	Cursor  time.Time

	// KeepTask and KeepActivity, when set, merge each record with the
	// version already stored (the zero record when there is none) before
	// it is written. They are for times a CRM does not keep and the
	// connector approximates by the first fetch that saw them (amoCRM's
	// task completion: crm.KeepFirstCompletion and crm.KeepFirstEntry).
	KeepTask     func(prev, next domain.Task) domain.Task
	KeepActivity func(prev, next domain.Activity) domain.Activity
}

// SyncCursors returns the stored cursors of workspace for source, by kind.
// A kind never synced is absent (its cursor is the zero time).
func (s *Store) SyncCursors(ctx context.Context, workspace, source string) (map[string]time.Time, error) {
	cursors := make(map[string]time.Time)
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		return queryRows(ctx, tx, `SELECT kind, since FROM sync_cursors WHERE workspace = $1 AND source = $2`,
			[]any{workspace, source}, func(rows *sql.Rows) error {
				var kind string
				var since sql.NullInt64
				if err := rows.Scan(&kind, &since); err != nil {
					return err
				}
				cursors[kind] = fromMicros(since)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("store: sync cursors of %q: %w", workspace, err)
	}
	return cursors, nil
}

// StoreSyncBatch stores one fetched batch and advances its kind's cursor in
// one transaction, so the cursor never moves past records that are not
// stored: if anything fails, neither is written and the next sync fetches
// the same changes again. Records are upserted as UpsertRecords does
// (idempotently, by source and external id); an unchanged one is not
// rewritten. A "sync" audit entry counts what was written.
func (s *Store) StoreSyncBatch(ctx context.Context, workspace string, b SyncBatch, actor string, at time.Time) (UpsertResult, error) {
	var res UpsertResult
	batch := b.Records
	if batch == nil {
		batch = &domain.RecordBatch{}
	}
	if b.Source == "" || b.Kind == "" {
		return res, fmt.Errorf("store: sync batch of %q: %w", workspace, domain.Errorf(domain.EINVALID, "source and kind are required"))
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = s.upsertFetched(ctx, tx, workspace, batch, b.KeepTask, b.KeepActivity); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_cursors (workspace, source, kind, since, synced_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace, source, kind) DO UPDATE SET since = excluded.since, synced_at = excluded.synced_at`,
			workspace, b.Source, b.Kind, b.Cursor.UnixMicro(), at.UnixMicro()); err != nil {
			return fmt.Errorf("cursor: %w", err)
		}
		if res.Written == 0 {
			return nil
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "sync", At: at,
			Detail: fmt.Sprintf("%s %s: %s: %d written, %d unchanged", b.Source, b.Kind, batchCounts(batch),
				res.Written, res.Unchanged)})
	})
	if err != nil {
		return UpsertResult{}, fmt.Errorf("store: sync %s %s of %q: %w", b.Source, b.Kind, workspace, err)
	}
	return res, nil
}

// keepChunk is how many external ids one lookup of stored versions names.
const keepChunk = 500

// upsertFetched stores a batch fetched from a CRM in tx: the workspace must
// exist, and keepTask/keepActivity (when set) merge each record with the
// stored one first.
func (s *Store) upsertFetched(ctx context.Context, tx *sql.Tx, workspace string, batch *domain.RecordBatch,
	keepTask func(prev, next domain.Task) domain.Task, keepActivity func(prev, next domain.Activity) domain.Activity) (UpsertResult, error) {
	if err := requireWorkspace(ctx, tx, workspace); err != nil {
		return UpsertResult{}, err
	}
	if keepTask != nil || keepActivity != nil {
		merged, err := keepStored(ctx, tx, workspace, batch, keepTask, keepActivity)
		if err != nil {
			return UpsertResult{}, err
		}
		batch = merged
	}
	written, err := s.upsertBatch(ctx, tx, nil, workspace, batch)
	if err != nil {
		return UpsertResult{}, err
	}
	return UpsertResult{Written: written, Unchanged: batch.Len() - written}, nil
}

// keepStored returns a copy of batch whose tasks and activities are merged
// with their stored versions by keepTask and keepActivity. Only what the
// merges look at is read back: a task's completion time, an activity's
// kind, outcome and entry time.
func keepStored(ctx context.Context, tx *sql.Tx, workspace string, batch *domain.RecordBatch,
	keepTask func(prev, next domain.Task) domain.Task, keepActivity func(prev, next domain.Activity) domain.Activity) (*domain.RecordBatch, error) {
	out := *batch
	if keepTask != nil && len(batch.Tasks) > 0 {
		prev := make(map[[2]string]domain.Task)
		err := lookupKeys(ctx, tx, `SELECT source, external_id, completed_at FROM tasks`, "external_id", workspace, taskKeys(batch.Tasks),
			func(rows *sql.Rows) error {
				var k domain.Task
				var completed sql.NullInt64
				if err := rows.Scan(&k.Source, &k.ExternalID, &completed); err != nil {
					return err
				}
				k.CompletedAt = fromMicros(completed)
				prev[[2]string{k.Source, k.ExternalID}] = k
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("stored tasks: %w", err)
		}
		out.Tasks = make([]domain.Task, len(batch.Tasks))
		for i, k := range batch.Tasks {
			out.Tasks[i] = keepTask(prev[[2]string{k.Source, k.ExternalID}], k)
		}
	}
	if keepActivity != nil && len(batch.Activities) > 0 {
		prev := make(map[[2]string]domain.Activity)
		keys := make([][2]string, len(batch.Activities))
		for i, a := range batch.Activities {
			keys[i] = [2]string{a.Source, a.ExternalID}
		}
		err := lookupKeys(ctx, tx, `SELECT source, external_id, kind, outcome, entered_at FROM activities`, "external_id", workspace, keys,
			func(rows *sql.Rows) error {
				var a domain.Activity
				var entered sql.NullInt64
				if err := rows.Scan(&a.Source, &a.ExternalID, &a.Kind, &a.Outcome, &entered); err != nil {
					return err
				}
				a.EnteredAt = fromMicros(entered)
				prev[[2]string{a.Source, a.ExternalID}] = a
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("stored activities: %w", err)
		}
		out.Activities = make([]domain.Activity, len(batch.Activities))
		for i, a := range batch.Activities {
			out.Activities[i] = keepActivity(prev[[2]string{a.Source, a.ExternalID}], a)
		}
	}
	return &out, nil
}

func taskKeys(tasks []domain.Task) [][2]string {
	keys := make([][2]string, len(tasks))
	for i, k := range tasks {
		keys[i] = [2]string{k.Source, k.ExternalID}
	}
	return keys
}
