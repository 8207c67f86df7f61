package crmsync

import (
	"context"
	"errors"
	"fmt"

	"reglament/internal/crm"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/domain"
)

// A HubSpot private app's access token or a Pipedrive API token pasted on
// the setup page in the browser has no token_file: it is stored sealed in
// the database like an OAuth pair (an access token with no refresh token
// and no expiry), bound to the workspace, and a connection with neither a
// token_file nor an oauth section reads it from there.

// Pasted reports whether conn is reached with a token pasted on the setup
// page: a HubSpot or Pipedrive connection with no token file and no OAuth
// application.
func Pasted(conn *domain.CRMConnection) bool {
	return conn != nil && conn.OAuth == nil && conn.TokenFile == "" &&
		(conn.Kind == domain.CRMHubSpot || conn.Kind == domain.CRMPipedrive)
}

// pastedClient builds the connector of a pasted-token connection with the
// token stored sealed.
func (s *Syncer) pastedClient(ctx context.Context, ws *domain.Workspace) (Client, error) {
	tok, err := s.LoadToken(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	return s.tokenClient(ws.CRM, tok.AccessToken), nil
}

// tokenClient is the HubSpot or Pipedrive connector of conn with token
// (a private app's access token, a Pipedrive API token).
func (s *Syncer) tokenClient(conn *domain.CRMConnection, token string) Client {
	base := s.clientConfig()
	if conn.Kind == domain.CRMPipedrive {
		return pipedrive.NewClient(pipedrive.Config{BaseURL: conn.BaseURL, APIToken: token, ClientConfig: base})
	}
	base.Token = token
	return hubspot.NewClient(hubspot.Config{BaseURL: conn.BaseURL, ClientConfig: base})
}

// CheckPastedToken makes one cheap call (the catalogue of pipelines) to
// the HubSpot or Pipedrive account of conn with token, before anything is
// stored. A token the CRM refuses (401, 403) is a *TokenRefusedError with
// no File; the token never appears in an error.
func (s *Syncer) CheckPastedToken(ctx context.Context, conn *domain.CRMConnection, token string) error {
	if !Pasted(conn) {
		return fmt.Errorf("crmsync: check a pasted token: a %s connection with a token file or oauth", conn.Kind)
	}
	if _, err := s.tokenClient(conn, token).Pipelines(ctx); err != nil {
		var e *crm.Error
		if errors.As(err, &e) && (e.Status == 401 || e.Status == 403) {
			return &TokenRefusedError{Kind: conn.Kind, Status: e.Status}
		}
		return fmt.Errorf("crmsync: check a pasted %s token: %w", conn.Kind, err)
	}
	return nil
}

// SavePastedToken seals the token pasted for the workspace's connection
// with Secrets and stores it (secret.ErrNoKey without them).
func (s *Syncer) SavePastedToken(ctx context.Context, workspace, token string) error {
	return s.SaveToken(ctx, workspace, crm.Token{AccessToken: token})
}
