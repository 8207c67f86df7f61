package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"reglament/internal/domain"
)

// AuditEntry is one line of the audit trail: who did what to a workspace,
// when. The store appends entries for its own writes (apply, import,
// finalize, recompute, adjust); other packages may append theirs.
type AuditEntry struct {
	ID        int64
	Workspace string
	Actor     string
	Action    string
	Detail    string
	At        time.Time
}

// AppendAudit appends e to the audit trail. A zero At means now.
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) error {
	if e.Action == "" {
		return fmt.Errorf("store: append audit: %w", domain.Errorf(domain.EINVALID, "audit entry: action is required"))
	}
	err := s.write(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, e) })
	if err != nil {
		return fmt.Errorf("store: append audit %s: %w", e.Action, err)
	}
	return nil
}

func appendAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (workspace, actor, action, detail, at) VALUES ($1, $2, $3, $4, $5)`,
		e.Workspace, e.Actor, e.Action, e.Detail, e.At.UnixMicro())
	return err
}

// FindAudit returns the last limit entries appended for workspace, newest
// first; a limit of zero or less returns all of them.
func (s *Store) FindAudit(ctx context.Context, workspace string, limit int) ([]AuditEntry, error) {
	query := `SELECT id, actor, action, detail, at FROM audit WHERE workspace = $1 ORDER BY id DESC`
	args := []any{workspace}
	if limit > 0 {
		query += ` LIMIT $2`
		args = append(args, limit)
	}
	var entries []AuditEntry
	err := s.read(ctx, func(tx *sql.Tx) error {
		return queryRows(ctx, tx, query, args, func(rows *sql.Rows) error {
			e := AuditEntry{Workspace: workspace}
			var at sql.NullInt64
			if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Detail, &at); err != nil {
				return err
			}
			e.At = fromMicros(at)
			entries = append(entries, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: find audit of %q: %w", workspace, err)
	}
	return entries, nil
}
