package crmsync

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"reglament/internal/domain"
	"reglament/internal/pbx"
	"reglament/internal/pbx/mango"
	"reglament/internal/pbx/zadarma"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// A workspace's telephone exchange (DESIGN.md section 12) is synced beside
// its CRM: by the same jobs, every sync_every and before a day is
// finalized. Its connection is stored by ConnectPBX with the API key and
// secret sealed; its call log is read from a cursor in sync_cursors
// (source: the exchange's kind, kind: pbx_call), window by window, each
// window's calls stored with the cursor at its end, so a long first read
// that is cut off resumes where it stopped.

// pbxCredentials is what a PBX connection seals.
type pbxCredentials struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// pbxAD binds sealed PBX credentials to their workspace and exchange: a
// row copied elsewhere does not open.
func pbxAD(workspace, kind string) []byte {
	return []byte("reglament pbx credentials\x00" + workspace + "\x00" + kind)
}

// NewPBXClient builds the connector of kind (domain.PBXMango,
// domain.PBXZadarma) for baseURL ("" for the exchange's own API), key and
// secret, with the syncer's clock and HTTP client.
func (s *Syncer) NewPBXClient(kind, baseURL, key, secretText string) (pbx.Client, error) {
	return s.newPBXClient(kind, baseURL, key, secretText, nil)
}

// newPBXClient is NewPBXClient with the account's time zone when it is
// known (Zadarma's; nil: the client asks).
func (s *Syncer) newPBXClient(kind, baseURL, key, secretText string, zone *time.Location) (pbx.Client, error) {
	if key == "" || secretText == "" {
		return nil, domain.Errorf(domain.EINVALID, "%s: the API key and its secret are both required", kind)
	}
	switch kind {
	case domain.PBXMango:
		return mango.NewClient(mango.Config{BaseURL: baseURL, Key: key, Salt: secretText,
			HTTPClient: s.HTTPClient, Now: s.Now, Sleep: s.Sleep}), nil
	case domain.PBXZadarma:
		return zadarma.NewClient(zadarma.Config{BaseURL: baseURL, Key: key, Secret: secretText, Location: zone,
			HTTPClient: s.HTTPClient, Now: s.Now, Sleep: s.Sleep}), nil
	}
	return nil, domain.Errorf(domain.EINVALID, "unknown telephone exchange %q (known: mango, zadarma)", kind)
}

// ConnectPBX checks the key and secret with one request (the extensions)
// and stores the workspace's exchange with them sealed, replacing the one
// it had. It returns the extensions, to map managers to.
func (s *Syncer) ConnectPBX(ctx context.Context, workspace, kind, baseURL, key, secretText, actor string) ([]pbx.Extension, error) {
	if s.Secrets == nil {
		return nil, secret.ErrNoKey
	}
	client, err := s.NewPBXClient(kind, baseURL, key, secretText)
	if err != nil {
		return nil, err
	}
	exts, err := client.Extensions(ctx)
	if err != nil {
		return nil, fmt.Errorf("crmsync: connect the telephone exchange of %q: %w", workspace, err)
	}
	plain, err := json.Marshal(pbxCredentials{Key: key, Secret: secretText})
	if err != nil {
		return nil, err
	}
	sealed, err := s.Secrets.Seal(plain, pbxAD(workspace, kind))
	if err != nil {
		return nil, fmt.Errorf("crmsync: connect the telephone exchange of %q: %w", workspace, err)
	}
	err = s.Store.SavePBXConnection(ctx, store.PBXConnection{Workspace: workspace, Kind: kind, BaseURL: baseURL,
		Sealed: sealed, ConnectedAt: s.now(), ConnectedBy: actor})
	return exts, err
}

// PBXClientFor builds the connector of the workspace's stored exchange,
// its key and secret opened with Secrets. It fails with ENOTFOUND when the
// workspace has no exchange.
func (s *Syncer) PBXClientFor(ctx context.Context, workspace string) (pbx.Client, store.PBXConnection, error) {
	client, conn, _, err := s.pbxClientFor(ctx, workspace)
	return client, conn, err
}

// pbxClientFor is PBXClientFor that also returns the account's time zone
// when s.PBXZones gave it to the client (nil otherwise).
func (s *Syncer) pbxClientFor(ctx context.Context, workspace string) (pbx.Client, store.PBXConnection, *time.Location, error) {
	conn, err := s.Store.FindPBXConnection(ctx, workspace)
	if err != nil {
		return nil, conn, nil, err
	}
	if s.Secrets == nil {
		return nil, conn, nil, secret.ErrNoKey
	}
	plain, err := s.Secrets.Open(conn.Sealed, pbxAD(workspace, conn.Kind))
	if err != nil {
		return nil, conn, nil, fmt.Errorf("pbx credentials of workspace %q: %w", workspace, err)
	}
	var c pbxCredentials
	if err := json.Unmarshal(plain, &c); err != nil {
		return nil, conn, nil, fmt.Errorf("crmsync: the stored pbx credentials of %q do not decode", workspace)
	}
	zone := s.PBXZones.get(zoneKey(conn), s.now())
	client, err := s.newPBXClient(conn.Kind, conn.BaseURL, c.Key, c.Secret, zone)
	return client, conn, zone, err
}

// zoneKey names the account of a connection in the ZoneCache: connecting
// the workspace again (another account, perhaps) starts afresh.
func zoneKey(conn store.PBXConnection) string {
	return conn.Workspace + "\x00" + conn.Kind + "\x00" + conn.BaseURL + "\x00" + conn.ConnectedAt.UTC().Format(time.RFC3339Nano)
}

// rememberZone keeps the time zone client learnt during a sync (Zadarma's
// info/timezone) in s.PBXZones.
func (s *Syncer) rememberZone(conn store.PBXConnection, client pbx.Client) {
	if z, ok := client.(interface{ Zone() *time.Location }); ok {
		s.PBXZones.put(zoneKey(conn), z.Zone(), s.now())
	}
}

// PBXResult is what a sync of a call log did.
type PBXResult struct {
	Workspace string
	Source    string // mango or zadarma
	Windows   int    // windows of start time read and stored
	Fetched   int    // calls the exchange returned (internal calls left out)
	Written   int    // inserted or changed in the store
	Unchanged int
	From      time.Time // the start of the first window read
	Cursor    time.Time // where the next sync resumes (less the overlap)
	Requests  int64     // HTTP requests spent, retries included
}

// SyncPBX reads the workspace's call log from its cursor less
// pbx.DefaultOverlap (the last pbx.DefaultBackfill the first time, or when
// full) up to now and stores it, window by window: each window's calls
// with the cursor at its end, in one transaction. On error the result
// holds the windows stored so far. It fails with ENOTFOUND when the
// workspace has no exchange. A full read finds again the calls longer
// than the overlap that were under way at a sync.
func (s *Syncer) SyncPBX(ctx context.Context, workspace string, full bool, actor string) (*PBXResult, error) {
	client, conn, zone, err := s.pbxClientFor(ctx, workspace)
	if err != nil {
		return nil, err
	}
	if zone == nil {
		defer s.rememberZone(conn, client)
	}
	return s.SyncPBXWith(ctx, workspace, conn.Kind, client, full, actor)
}

// SyncPBXWith is SyncPBX with a connector built by the caller for the
// exchange source.
func (s *Syncer) SyncPBXWith(ctx context.Context, workspace, source string, client pbx.Client, full bool, actor string) (*PBXResult, error) {
	cursors, err := s.Store.SyncCursors(ctx, workspace, source)
	if err != nil {
		return nil, err
	}
	now := s.now()
	res := &PBXResult{Workspace: workspace, Source: source, Cursor: cursors[domain.KindPBXCall],
		From: cursors[domain.KindPBXCall].Add(-pbx.DefaultOverlap)}
	if res.Cursor.IsZero() || full {
		res.From = now.Add(-pbx.DefaultBackfill)
	}
	start := client.Requests()
	defer func() { res.Requests = client.Requests() - start }()
	err = client.Read(ctx, res.From, now, func(ctx context.Context, w pbx.Window, calls []domain.PBXCall) error {
		// A full read stores its windows without moving the cursor back.
		cursor := w.To
		if cursor.Before(res.Cursor) {
			cursor = res.Cursor
		}
		stored, err := s.Store.StoreSyncBatch(ctx, workspace, store.SyncBatch{Source: source, Kind: domain.KindPBXCall,
			Records: &domain.RecordBatch{PBXCalls: calls}, Cursor: cursor}, actor, s.now())
		if err != nil {
			return err
		}
		res.Windows++
		res.Fetched += len(calls)
		res.Written += stored.Written
		res.Unchanged += stored.Unchanged
		res.Cursor = cursor
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("crmsync: sync the call log of %q: %w", workspace, err)
	}
	return res, nil
}

// PBXExtensions lists the extensions of the workspace's stored exchange.
func (s *Syncer) PBXExtensions(ctx context.Context, workspace string) ([]pbx.Extension, string, error) {
	client, conn, err := s.PBXClientFor(ctx, workspace)
	if err != nil {
		return nil, "", err
	}
	exts, err := client.Extensions(ctx)
	return exts, conn.Kind, err
}

// PBXFresh reports whether the workspace's call log is stored up to at
// least until; a workspace without an exchange is fresh.
func (s *Syncer) PBXFresh(ctx context.Context, workspace string, until time.Time) (bool, error) {
	conn, err := s.Store.FindPBXConnection(ctx, workspace)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return true, nil
	} else if err != nil {
		return false, err
	}
	cursors, err := s.Store.SyncCursors(ctx, workspace, conn.Kind)
	if err != nil {
		return false, err
	}
	return !cursors[domain.KindPBXCall].Before(until), nil
}
