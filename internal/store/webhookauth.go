package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"reglament/internal/domain"
)

// The HTTP Basic credentials of a workspace's webhooks (Pipedrive's
// webhooks v2 carry the user and password given when the webhook was
// created, and nothing else proves where they come from) are stored
// sealed: the caller encrypts them (internal/secret) before
// PutWebhookCredentials and decrypts what WebhookCredentials returns, as
// with the CRM's token pair.

// PutWebhookCredentials stores the sealed webhook credentials of
// workspace, replacing the previous ones. It fails with ENOTFOUND when
// there is no such workspace.
func (s *Store) PutWebhookCredentials(ctx context.Context, workspace string, sealed []byte, at time.Time) error {
	if len(sealed) == 0 {
		return fmt.Errorf("store: put webhook credentials of %q: %w", workspace, domain.Errorf(domain.EINVALID, "empty sealed credentials"))
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := requireWorkspace(ctx, tx, workspace); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_credentials (workspace, sealed, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (workspace) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at`,
			workspace, sealed, at.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put webhook credentials of %q: %w", workspace, err)
	}
	return nil
}

// WebhookCredentials returns the sealed webhook credentials of workspace
// and when they were stored. None stored, or no such workspace, is
// ENOTFOUND.
func (s *Store) WebhookCredentials(ctx context.Context, workspace string) (sealed []byte, at time.Time, err error) {
	var micros int64
	err = s.db.QueryRowContext(ctx, `SELECT sealed, created_at FROM webhook_credentials WHERE workspace = $1`, workspace).Scan(&sealed, &micros)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, domain.Errorf(domain.ENOTFOUND,
			"workspace %q has no webhook credentials: run reglament webhook-url --workspace %s", workspace, workspace)
	} else if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: find webhook credentials of %q: %w", workspace, err)
	}
	return sealed, time.UnixMicro(micros).UTC(), nil
}
