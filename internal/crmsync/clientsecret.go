package crmsync

import (
	"context"
	"fmt"

	"reglament/internal/domain"
	"reglament/internal/secret"
)

// An OAuth application connected from the setup page in the browser has
// no client_secret_file: the head typed its secret into the page, and it is
// stored sealed in the database (crm_client_secrets), bound to the
// workspace and the application's client id.

// clientSecretAD binds a sealed client secret to its workspace and
// application: a row copied elsewhere does not open.
func clientSecretAD(workspace, kind, clientID string) []byte {
	return []byte("reglament crm client secret\x00" + workspace + "\x00" + kind + "\x00" + clientID)
}

// SaveClientSecret seals the client secret of the workspace's OAuth
// application kind/clientID with Secrets and stores it.
func (s *Syncer) SaveClientSecret(ctx context.Context, workspace, kind, clientID, clientSecret string) error {
	if s.Secrets == nil {
		return secret.ErrNoKey
	}
	sealed, err := s.Secrets.Seal([]byte(clientSecret), clientSecretAD(workspace, kind, clientID))
	if err != nil {
		return fmt.Errorf("crmsync: save client secret of %q: %w", workspace, err)
	}
	return s.Store.SaveCRMClientSecret(ctx, workspace, kind, clientID, sealed, s.now())
}

// clientSecret returns the client secret of the workspace's OAuth
// application: from its client_secret_file, or, when it names none, the one
// stored sealed for that very application.
func (s *Syncer) clientSecret(ctx context.Context, ws *domain.Workspace) (string, error) {
	conn := ws.CRM
	if conn.OAuth.ClientSecretFile != "" {
		return s.readSecretFile(conn.OAuth.ClientSecretFile, "client secret file")
	}
	if s.Secrets == nil {
		return "", secret.ErrNoKey
	}
	kind, clientID, sealed, err := s.Store.CRMClientSecret(ctx, ws.ID)
	if err != nil {
		return "", err
	}
	if kind != conn.Kind || clientID != conn.OAuth.ClientID {
		return "", domain.Errorf(domain.EINVALID, "the client secret stored for workspace %q belongs to another application (%s %s): enter the secret of %s again on the setup page or name a client_secret_file",
			ws.ID, kind, clientID, conn.OAuth.ClientID)
	}
	plain, err := s.Secrets.Open(sealed, clientSecretAD(ws.ID, kind, clientID))
	if err != nil {
		return "", fmt.Errorf("crm client secret of workspace %q: %w", ws.ID, err)
	}
	return string(plain), nil
}
