package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"reglament/internal/domain"
)

// The OAuth token pair of a workspace's CRM connection is stored sealed:
// the caller encrypts it (internal/secret) before SaveCRMToken and decrypts
// what CRMToken returns, so the store, its backups and its logs only ever
// see ciphertext. The row goes with the connection (ON DELETE CASCADE) and
// is dropped when the connection moves to another account or application
// (applyCRM).

// SaveCRMToken stores the sealed token pair of the workspace's CRM
// connection, replacing the previous one. It fails with ENOTFOUND when the
// workspace has no CRM connection and EINVALID when the connection uses
// neither OAuth nor a token pasted on the setup page (a HubSpot or
// Pipedrive connection with no token file).
func (s *Store) SaveCRMToken(ctx context.Context, workspace string, sealed []byte, at time.Time) error {
	if len(sealed) == 0 {
		return domain.Errorf(domain.EINVALID, "store: save crm token of %q: empty sealed token", workspace)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var clientID, kind, tokenFile string
		err := tx.QueryRowContext(ctx, `SELECT oauth_client_id, kind, token_file FROM crm_connections WHERE workspace = $1`,
			workspace).Scan(&clientID, &kind, &tokenFile)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "workspace %q has no crm connection", workspace)
		} else if err != nil {
			return err
		}
		pasted := tokenFile == "" && (kind == domain.CRMHubSpot || kind == domain.CRMPipedrive)
		if clientID == "" && !pasted {
			return domain.Errorf(domain.EINVALID, "the crm connection of workspace %q has no oauth section", workspace)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO crm_tokens (workspace, sealed, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (workspace) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
			workspace, sealed, at.UnixMicro())
		return err
	})
}

// CRMToken returns the sealed token pair of the workspace's CRM connection
// and when it was stored. It fails with ENOTFOUND when none is stored.
func (s *Store) CRMToken(ctx context.Context, workspace string) (sealed []byte, at time.Time, err error) {
	var micros int64
	err = s.db.QueryRowContext(ctx, `SELECT sealed, updated_at FROM crm_tokens WHERE workspace = $1`, workspace).Scan(&sealed, &micros)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, domain.Errorf(domain.ENOTFOUND,
			"workspace %q has no stored crm token: run reglament connect --workspace %s --code CODE", workspace, workspace)
	} else if err != nil {
		return nil, time.Time{}, err
	}
	return sealed, time.UnixMicro(micros).UTC(), nil
}
