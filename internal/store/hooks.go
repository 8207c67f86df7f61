package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"reglament/internal/domain"
)

// WebhookSecret is the stored form of a workspace's webhook URL secret: its
// hex SHA-256 (auth.HashToken), never the secret itself.
type WebhookSecret struct {
	Workspace  string
	SecretHash string
	CreatedAt  time.Time
}

// PutWebhookSecret stores the hash of workspace's webhook secret, replacing
// the previous one (the old URL stops working), and audits that actor did
// it.
func (s *Store) PutWebhookSecret(ctx context.Context, workspace, secretHash, actor string, at time.Time) error {
	if secretHash == "" {
		return fmt.Errorf("store: put webhook secret of %q: %w", workspace, domain.Errorf(domain.EINVALID, "empty secret hash"))
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_secrets (workspace, secret_hash, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (workspace) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
			workspace, secretHash, at.UnixMicro()); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "webhook.secret", At: at,
			Detail: "webhook URL created or rotated"})
	})
	if err != nil {
		return fmt.Errorf("store: put webhook secret of %q: %w", workspace, err)
	}
	return nil
}

// FindWebhookSecret returns the stored webhook secret of workspace. A
// workspace without one, or no such workspace, is ENOTFOUND.
func (s *Store) FindWebhookSecret(ctx context.Context, workspace string) (*WebhookSecret, error) {
	ws := &WebhookSecret{Workspace: workspace}
	var created sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT secret_hash, created_at FROM webhook_secrets WHERE workspace = $1`, workspace).
		Scan(&ws.SecretHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "workspace %q has no webhook URL", workspace)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find webhook secret of %q: %w", workspace, err)
	}
	ws.CreatedAt = fromMicros(created)
	return ws, nil
}

// PendingChange is one record a webhook reported changed (or deleted) and
// no re-fetch has stored yet.
type PendingChange struct {
	ID         int64 // set by the store
	Workspace  string
	Kind       string // domain.KindCompany, KindPerson, KindDeal, KindTask, KindActivity, or KindDealMove (the deal's id: its moves)
	ExternalID string
	Deleted    bool
	At         time.Time // when the CRM says it happened; zero if it does not say
	ReceivedAt time.Time
}

// pendingChunk is how many processed changes one DELETE names.
const pendingChunk = 500

// AppendPendingChanges stores changes, of any workspaces, in one
// transaction: all of them or none. It is what a webhook call waits for
// before it is answered; the webhook handler groups the calls that arrive
// together into one call of it.
func (s *Store) AppendPendingChanges(ctx context.Context, changes []PendingChange) error {
	for i, c := range changes {
		if c.Workspace == "" || c.ExternalID == "" || !validKind(c.Kind) && c.Kind != domain.KindDealMove || c.ReceivedAt.IsZero() {
			return fmt.Errorf("store: append pending changes: %w", domain.Errorf(domain.EINVALID,
				"change %d (%s %s %q): workspace, kind, external id and receipt time are required", i+1, c.Workspace, c.Kind, c.ExternalID))
		}
	}
	if len(changes) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			return appendPendingArrays(ctx, tx, changes)
		}
		// SQLite: one prepared single-row statement stepped per change.
		// A multi-row VALUES would be parsed again for every batch size and
		// bind its numbered parameters in quadratic time.
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO webhook_changes (workspace, kind, external_id, deleted, at, received_at)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range changes {
			if _, err := stmt.ExecContext(ctx, c.Workspace, c.Kind, c.ExternalID, c.Deleted, micros(c.At), c.ReceivedAt.UnixMicro()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: append %d pending changes: %w", len(changes), err)
	}
	return nil
}

// appendPendingArrays inserts changes on PostgreSQL as one statement over
// arrays, whatever their number: its text never changes, so it is parsed
// and planned once per connection, and binding six arrays costs about
// what one row does. (On the shared, loaded test machine a batch of 64
// took 7.9 ms as a multi-row VALUES and 4.3 ms as arrays, as much as a
// single row.)
func appendPendingArrays(ctx context.Context, tx *sql.Tx, changes []PendingChange) error {
	n := len(changes)
	workspaces, kinds, ids := make([]string, n), make([]string, n), make([]string, n)
	deleted := make([]bool, n)
	at, received := make([]int64, n), make([]int64, n)
	for i, c := range changes {
		workspaces[i], kinds[i], ids[i], deleted[i] = c.Workspace, c.Kind, c.ExternalID, c.Deleted
		if !c.At.IsZero() {
			at[i] = c.At.UnixMicro()
		}
		received[i] = c.ReceivedAt.UnixMicro()
	}
	// at 0 stands for "not said" (NULL): no CRM reports a change at the
	// Unix epoch.
	_, err := tx.ExecContext(ctx, `INSERT INTO webhook_changes (workspace, kind, external_id, deleted, at, received_at)
		SELECT w, k, e, d, NULLIF(a, 0), r FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[], $6::bigint[])
			WITH ORDINALITY AS c (w, k, e, d, a, r, n) ORDER BY n`,
		workspaces, kinds, ids, deleted, at, received)
	return err
}

func validKind(k string) bool {
	switch k {
	case domain.KindCompany, domain.KindPerson, domain.KindDeal, domain.KindTask, domain.KindActivity:
		return true
	}
	return false
}

// PendingChanges returns up to limit of workspace's pending changes, oldest
// first. It takes nothing away: StoreRefetch deletes the ones processed, in
// the transaction that stores what was re-fetched for them.
func (s *Store) PendingChanges(ctx context.Context, workspace string, limit int) ([]PendingChange, error) {
	if limit <= 0 {
		limit = 1000
	}
	var out []PendingChange
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, `SELECT id, kind, external_id, deleted, at, received_at FROM webhook_changes
			WHERE workspace = $1 ORDER BY id LIMIT $2`, []any{workspace, limit}, func(rows *sql.Rows) error {
			c := PendingChange{Workspace: workspace}
			var at, received sql.NullInt64
			if err := rows.Scan(&c.ID, &c.Kind, &c.ExternalID, &c.Deleted, &at, &received); err != nil {
				return err
			}
			c.At, c.ReceivedAt = fromMicros(at), fromMicros(received)
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: pending changes of %q: %w", workspace, err)
	}
	return out, nil
}

// CountPendingChanges returns how many changes of workspace wait for a
// re-fetch.
func (s *Store) CountPendingChanges(ctx context.Context, workspace string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_changes WHERE workspace = $1`, workspace).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count pending changes of %q: %w", workspace, err)
	}
	return n, nil
}

// Deletion marks one stored record deleted: the CRM reported it deleted, or
// no longer returns it.
type Deletion struct {
	Kind       string // domain.KindCompany, KindPerson, KindDeal, KindTask, KindActivity or KindDealMove
	ExternalID string
	At         time.Time // the deletion time to record
}

// Refetch is what a re-fetch of the records webhooks reported brings back.
type Refetch struct {
	Source    string // the CRM, e.g. amocrm
	Records   *domain.RecordBatch
	Deletions []Deletion // records to mark deleted unless they already are
	Processed []int64    // the ids of the pending changes this re-fetch answers

	// KeepTask and KeepActivity merge records with their stored versions
	// as in SyncBatch.
	KeepTask     func(prev, next domain.Task) domain.Task
	KeepActivity func(prev, next domain.Activity) domain.Activity
}

// RefetchResult counts what StoreRefetch did.
type RefetchResult struct {
	Written, Unchanged int // records upserted as UpsertRecords counts them
	Deleted            int // stored records newly marked deleted
}

// StoreRefetch stores re-fetched records, marks the deletions and removes
// the processed pending changes, in one transaction: if anything fails,
// nothing is written and the changes stay pending for the next attempt. It
// moves no sync cursor and no watermark: a targeted re-fetch says nothing
// about the records it did not ask for.
func (s *Store) StoreRefetch(ctx context.Context, workspace string, r Refetch, actor string, at time.Time) (RefetchResult, error) {
	var res RefetchResult
	batch := r.Records
	if batch == nil {
		batch = &domain.RecordBatch{}
	}
	if r.Source == "" {
		return res, fmt.Errorf("store: refetch of %q: %w", workspace, domain.Errorf(domain.EINVALID, "source is required"))
	}
	for i, d := range r.Deletions {
		if !validKind(d.Kind) && d.Kind != domain.KindDealMove || d.ExternalID == "" || d.At.IsZero() {
			return res, fmt.Errorf("store: refetch of %q: %w", workspace, domain.Errorf(domain.EINVALID,
				"deletion %d (%s %q): kind, external id and time are required", i+1, d.Kind, d.ExternalID))
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		stored, err := s.upsertFetched(ctx, tx, workspace, batch, r.KeepTask, r.KeepActivity)
		if err != nil {
			return err
		}
		res.Written, res.Unchanged = stored.Written, stored.Unchanged
		for _, d := range r.Deletions {
			table := s.upserts[d.Kind].name
			n, err := tx.ExecContext(ctx, `UPDATE `+table+` SET deleted_at = $4
				WHERE workspace = $1 AND source = $2 AND external_id = $3 AND deleted_at IS NULL`,
				workspace, r.Source, d.ExternalID, d.At.UnixMicro())
			if err != nil {
				return fmt.Errorf("mark %s %q deleted: %w", d.Kind, d.ExternalID, err)
			}
			affected, err := n.RowsAffected()
			if err != nil {
				return err
			}
			res.Deleted += int(affected)
		}
		for lo := 0; lo < len(r.Processed); lo += pendingChunk {
			chunk := r.Processed[lo:min(lo+pendingChunk, len(r.Processed))]
			var b strings.Builder
			b.WriteString(`DELETE FROM webhook_changes WHERE workspace = $1 AND id IN (`)
			args := make([]any, 0, 1+len(chunk))
			args = append(args, workspace)
			for i, id := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+1))
				args = append(args, id)
			}
			b.WriteString(")")
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return fmt.Errorf("remove processed changes: %w", err)
			}
		}
		if res.Written == 0 && res.Deleted == 0 {
			return nil
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "webhook", At: at,
			Detail: fmt.Sprintf("%s re-fetch of %d changes: %s: %d written, %d unchanged, %d marked deleted",
				r.Source, len(r.Processed), batchCounts(batch), res.Written, res.Unchanged, res.Deleted)})
	})
	if err != nil {
		return RefetchResult{}, fmt.Errorf("store: refetch %s of %q: %w", r.Source, workspace, err)
	}
	return res, nil
}
