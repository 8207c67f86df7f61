package cli

import (
	"context"
	"errors"

	"reglament/internal/crmsync"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// crmSyncer is the jobs.CRM of serve: crmsync over each workspace's
// connector, on the real clock (the connector paces its requests by it,
// whatever clock the process was given).
type crmSyncer struct{ syncer *crmsync.Syncer }

// newCRMSyncer builds serve's syncer. The key that opens stored OAuth tokens
// comes from the environment (REGLAMENT_SECRET_KEY or
// REGLAMENT_SECRET_KEY_FILE); without one, workspaces connected by token
// file sync as usual and OAuth ones fail their syncs with a message saying
// the key is missing. A malformed key stops serve at start.
func (m *Main) newCRMSyncer(st *store.Store) (crmSyncer, error) {
	syncer := &crmsync.Syncer{Store: st, PBXZones: crmsync.NewZoneCache(crmsync.DefaultZoneTTL)}
	box, err := secret.Source{Getenv: m.Getenv}.Box()
	switch {
	case errors.Is(err, secret.ErrNoKey):
	case err != nil:
		return crmSyncer{}, err
	default:
		syncer.Secrets = box
	}
	return crmSyncer{syncer}, nil
}

func (c crmSyncer) Sync(ctx context.Context, workspace string, full bool, actor string) error {
	_, err := c.syncer.Sync(ctx, workspace, full, actor)
	return err
}

func (c crmSyncer) ApplyPending(ctx context.Context, workspace, actor string) error {
	_, err := c.syncer.ApplyPending(ctx, workspace, actor)
	return err
}
