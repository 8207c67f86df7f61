package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"reglament/internal/domain"
)

// PBXConnection is a workspace's telephone exchange as stored: its kind
// (domain.PBXMango, domain.PBXZadarma), its API's base URL, and its API
// key and secret sealed by the caller (internal/secret), so that the
// store, its backups and its logs only ever see ciphertext.
type PBXConnection struct {
	Workspace   string
	Kind        string
	BaseURL     string
	Sealed      []byte
	ConnectedAt time.Time
	ConnectedBy string
}

// SavePBXConnection stores the workspace's exchange, replacing the one it
// had, with an audit entry naming the kind (never the key). It fails with
// ENOTFOUND when the workspace does not exist.
func (s *Store) SavePBXConnection(ctx context.Context, c PBXConnection) error {
	if len(c.Sealed) == 0 || (c.Kind != domain.PBXMango && c.Kind != domain.PBXZadarma) {
		return domain.Errorf(domain.EINVALID, "store: save pbx connection of %q: want a kind (mango or zadarma) and a sealed key", c.Workspace)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, c.Workspace); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pbx_connections (workspace, kind, base_url, sealed, connected_at, connected_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url,
			sealed = excluded.sealed, connected_at = excluded.connected_at, connected_by = excluded.connected_by`,
			c.Workspace, c.Kind, c.BaseURL, c.Sealed, c.ConnectedAt.UnixMicro(), c.ConnectedBy); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: c.Workspace, Actor: c.ConnectedBy, Action: "pbx.connect", At: c.ConnectedAt,
			Detail: fmt.Sprintf("%s at %s", c.Kind, c.BaseURL)})
	})
	if err != nil {
		return fmt.Errorf("store: save pbx connection of %q: %w", c.Workspace, err)
	}
	return nil
}

// FindPBXConnection returns the workspace's exchange. It fails with
// ENOTFOUND when the workspace has none.
func (s *Store) FindPBXConnection(ctx context.Context, workspace string) (PBXConnection, error) {
	c := PBXConnection{Workspace: workspace}
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT kind, base_url, sealed, connected_at, connected_by FROM pbx_connections WHERE workspace = $1`,
		workspace).Scan(&c.Kind, &c.BaseURL, &c.Sealed, &at, &c.ConnectedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return PBXConnection{}, domain.Errorf(domain.ENOTFOUND,
			"workspace %q has no telephone exchange connected: run reglament pbx connect --workspace %s -f WORKSPACE.yaml", workspace, workspace)
	} else if err != nil {
		return PBXConnection{}, fmt.Errorf("store: pbx connection of %q: %w", workspace, err)
	}
	c.ConnectedAt = time.UnixMicro(at).UTC()
	return c, nil
}

// DeletePBXConnection forgets the workspace's exchange (its calls and
// cursor stay). It fails with ENOTFOUND when there is none.
func (s *Store) DeletePBXConnection(ctx context.Context, workspace, actor string, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM pbx_connections WHERE workspace = $1`, workspace)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ENOTFOUND, "workspace %q has no telephone exchange connected", workspace)
		}
		return appendAudit(ctx, tx, AuditEntry{Workspace: workspace, Actor: actor, Action: "pbx.disconnect", At: at})
	})
	if err != nil {
		return fmt.Errorf("store: delete pbx connection of %q: %w", workspace, err)
	}
	return nil
}
