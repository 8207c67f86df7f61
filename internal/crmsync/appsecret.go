package crmsync

import (
	"context"

	"reglament/internal/domain"
)

// ClientSecret returns the client secret of the workspace's OAuth
// application, from its client_secret_file or, when it names none, the one
// stored sealed from the setup page (which needs Secrets). The webhook
// handler checks HubSpot's signatures with it.
func (s *Syncer) ClientSecret(ctx context.Context, ws *domain.Workspace) (string, error) {
	if ws.CRM == nil || ws.CRM.OAuth == nil {
		return "", domain.Errorf(domain.EINVALID, "workspace %q has no oauth application", ws.ID)
	}
	return s.clientSecret(ctx, ws)
}
