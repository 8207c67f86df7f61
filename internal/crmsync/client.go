package crmsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/domain"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// ClientFor builds the connector of the workspace's CRM connection: with
// the token of its token file, or, for an OAuth connection, with the token
// pair stored sealed in the database, which the connector refreshes when it
// expires; every refreshed pair is sealed and stored (SaveToken) before it
// is used. An OAuth connection needs the Syncer's Secrets.
func (s *Syncer) ClientFor(ctx context.Context, ws *domain.Workspace) (Client, error) {
	conn := ws.CRM
	if Pasted(conn) {
		return s.pastedClient(ctx, ws)
	}
	if conn == nil || conn.OAuth == nil {
		return s.NewClient(conn)
	}
	clientSecret, err := s.clientSecret(ctx, ws)
	if err != nil {
		return nil, err
	}
	tok, err := s.LoadToken(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	return s.oauthClient(ws.ID, conn, clientSecret, tok), nil
}

// NewClient builds the connector for a connection authenticated by a token
// file (or, for Bitrix24, by an inbound webhook URL), reading its token. A
// missing or empty token file is an EINVALID error naming the file; the
// token itself never appears in an error. An OAuth connection needs the
// workspace's stored tokens: ClientFor builds its client.
func (s *Syncer) NewClient(conn *domain.CRMConnection) (Client, error) {
	if conn == nil {
		return nil, domain.Errorf(domain.EINVALID, "no crm connection: add a crm section to the workspace file")
	}
	if conn.OAuth != nil {
		// A wiring mistake, not the user's: ClientFor knows the workspace.
		return nil, fmt.Errorf("crmsync: the %s connection uses OAuth: build its client with ClientFor", conn.Kind)
	}
	var token string
	if conn.TokenFile != "" {
		var err error
		if token, err = s.readSecretFile(conn.TokenFile, "token file"); err != nil {
			return nil, err
		}
	}
	base := s.clientConfig()
	base.Token = token
	switch conn.Kind {
	case domain.CRMAmoCRM:
		if token == "" {
			return nil, domain.Errorf(domain.EINVALID, "amoCRM needs a token_file or an oauth section")
		}
		return amocrm.NewClient(amocrm.Config{BaseURL: conn.BaseURL, ClientConfig: base}), nil
	case domain.CRMBitrix24:
		return bitrix24.NewClient(bitrix24.Config{BaseURL: conn.BaseURL, ClientConfig: base}), nil
	case domain.CRMHubSpot:
		// A private app's access token, which does not expire.
		if token == "" {
			return nil, domain.Errorf(domain.EINVALID, "HubSpot needs a token_file (a private app's access token) or an oauth section")
		}
		return hubspot.NewClient(hubspot.Config{BaseURL: conn.BaseURL, ClientConfig: base}), nil
	case domain.CRMPipedrive:
		// A user's API token, sent as such (Token is OAuth's).
		if token == "" {
			return nil, domain.Errorf(domain.EINVALID, "Pipedrive needs a token_file (an API token) or an oauth section")
		}
		base.Token = ""
		return pipedrive.NewClient(pipedrive.Config{BaseURL: conn.BaseURL, APIToken: token, ClientConfig: base}), nil
	}
	return nil, domain.Errorf(domain.EINVALID, "unknown CRM %q", conn.Kind)
}

// clientConfig is what every connector the Syncer builds shares: its
// progress callback and plumbing. The caller adds the token.
func (s *Syncer) clientConfig() crm.ClientConfig {
	return crm.ClientConfig{OnPage: s.onPage(), HTTPClient: s.HTTPClient, Now: s.Now, Sleep: s.Sleep}
}

// onPage returns the connectors' page callback when the Syncer reports
// progress, else nil: counting a page's records costs a parse.
func (s *Syncer) onPage() func(context.Context, int) {
	if s.Progress == nil {
		return nil
	}
	return reportPage
}

// oauthConnector is a connector that can also exchange an authorization
// code for a token pair.
type oauthConnector interface {
	Client
	Exchange(ctx context.Context, code string) (crm.Token, error)
}

// oauthClient builds the OAuth connector of workspace's connection, starting
// from tok (zero before the code exchange).
func (s *Syncer) oauthClient(workspace string, conn *domain.CRMConnection, clientSecret string, tok crm.Token) oauthConnector {
	base := s.clientConfig()
	base.Token, base.RefreshToken, base.Expiry = tok.AccessToken, tok.RefreshToken, tok.Expiry
	base.ClientID, base.ClientSecret = conn.OAuth.ClientID, clientSecret
	base.OnRefresh = func(ctx context.Context, t crm.Token) error { return s.saveRefreshed(ctx, workspace, t) }
	switch conn.Kind {
	case domain.CRMAmoCRM:
		return amocrm.NewClient(amocrm.Config{BaseURL: conn.BaseURL, RedirectURI: conn.OAuth.RedirectURI, ClientConfig: base})
	case domain.CRMHubSpot:
		return hubspot.NewClient(hubspot.Config{BaseURL: conn.BaseURL, RedirectURI: conn.OAuth.RedirectURI, ClientConfig: base})
	case domain.CRMPipedrive:
		// base_url is the company's api_domain, which the token answer
		// names; grants go to Pipedrive's OAuth server.
		return pipedrive.NewClient(pipedrive.Config{BaseURL: conn.BaseURL, TokenURL: s.PipedriveTokenURL,
			RedirectURI: conn.OAuth.RedirectURI, ClientConfig: base})
	default: // domain.CRMBitrix24; the store accepts no other kind
		return bitrix24.NewClient(bitrix24.Config{BaseURL: bitrix24.RESTEndpoint(conn.BaseURL), TokenURL: s.Bitrix24TokenURL,
			ClientConfig: base})
	}
}

// Connect exchanges an authorization code of the workspace's OAuth
// application for a token pair and stores it sealed, replacing any stored
// pair. The code is spent by the first attempt, so everything else the
// exchange needs (the connection, the secret key, the client secret) is
// checked before it. The audit trail records who connected (never a
// token). It returns when the access token expires.
func (s *Syncer) Connect(ctx context.Context, workspace, code, actor string) (time.Time, error) {
	return s.ConnectMoving(ctx, workspace, code, actor, nil)
}

// ConnectMoving is Connect for a connection whose account's address the
// token answer names (Pipedrive's api_domain): move, when not nil, is
// called with that address before the pair is stored when it is not the
// connection's base_url, to make it so (the store drops the tokens of a
// connection whose address changes, so it must come first).
func (s *Syncer) ConnectMoving(ctx context.Context, workspace, code, actor string, move func(ctx context.Context, baseURL string) error) (time.Time, error) {
	ws, err := s.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return time.Time{}, err
	}
	conn := ws.CRM
	switch {
	case strings.TrimSpace(code) == "":
		return time.Time{}, domain.Errorf(domain.EINVALID, "the authorization code is empty")
	case conn == nil:
		return time.Time{}, domain.Errorf(domain.EINVALID, "workspace %q has no crm connection: add a crm section with oauth to its file and apply it", ws.ID)
	case conn.OAuth == nil:
		return time.Time{}, domain.Errorf(domain.EINVALID, "the crm connection of workspace %q has no oauth section: add one (client_id, client_secret_file, redirect_uri) and apply it", ws.ID)
	case s.Secrets == nil:
		return time.Time{}, secret.ErrNoKey
	}
	clientSecret, err := s.clientSecret(ctx, ws)
	if err != nil {
		return time.Time{}, err
	}
	tok, err := s.oauthClient(ws.ID, conn, clientSecret, crm.Token{}).Exchange(ctx, strings.TrimSpace(code))
	if err != nil {
		var e *crm.Error
		if errors.As(err, &e) && e.Status >= 400 && e.Status < 500 {
			return time.Time{}, domain.Errorf(domain.EINVALID, "%s refused the authorization code (%s): codes are single-use and short-lived; check client_id, the client secret and redirect_uri, and authorize again", conn.Kind, e.Error())
		}
		return time.Time{}, fmt.Errorf("crmsync: connect %q: %w", ws.ID, err)
	}
	if d := strings.TrimRight(tok.APIDomain, "/"); move != nil && d != "" && d != strings.TrimRight(conn.BaseURL, "/") {
		if err := move(ctx, d); err != nil {
			return time.Time{}, err
		}
	}
	if err := s.SaveToken(ctx, ws.ID, tok); err != nil {
		return time.Time{}, err
	}
	if err := s.Store.AppendAudit(ctx, store.AuditEntry{Workspace: ws.ID, Actor: actor, Action: "crm oauth connected",
		Detail: conn.Kind + " " + conn.BaseURL + ", client " + conn.OAuth.ClientID, At: s.now()}); err != nil {
		return time.Time{}, err
	}
	return tok.Expiry, nil
}

// refreshSaveWaits are the pauses between attempts to save a refreshed
// token pair (about 8 s in all).
var refreshSaveWaits = []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second, 5 * time.Second}

// saveRefreshed saves a refreshed pair. The CRM spent the old refresh
// token with the refresh, so this pair is the only one that works: a
// failed save is tried again through a passing database failure (a busy
// SQLite, a PostgreSQL failover), even after the sync's context ends,
// before the pair is given up and `reglament connect` is needed again.
func (s *Syncer) saveRefreshed(ctx context.Context, workspace string, t crm.Token) error {
	ctx = context.WithoutCancel(ctx)
	sleep := s.Sleep
	if sleep == nil {
		sleep = crm.Sleep
	}
	err := s.SaveToken(ctx, workspace, t)
	for _, wait := range refreshSaveWaits {
		if err == nil || errors.Is(err, secret.ErrNoKey) {
			return err
		}
		sleep(ctx, wait)
		err = s.SaveToken(ctx, workspace, t)
	}
	return err
}

// storedToken is the plaintext of a sealed token pair.
type storedToken struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry,omitzero"`
}

// tokenAD binds a sealed pair to its workspace: a row copied to another
// workspace does not open there.
func tokenAD(workspace string) []byte { return []byte("reglament crm token\x00" + workspace) }

// SaveToken seals the token pair of the workspace's OAuth connection with
// Secrets and stores it.
func (s *Syncer) SaveToken(ctx context.Context, workspace string, t crm.Token) error {
	if s.Secrets == nil {
		return secret.ErrNoKey
	}
	plain, err := json.Marshal(storedToken{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry.UTC()})
	if err != nil {
		return fmt.Errorf("crmsync: save token of %q: %w", workspace, err)
	}
	sealed, err := s.Secrets.Seal(plain, tokenAD(workspace))
	if err != nil {
		return fmt.Errorf("crmsync: save token of %q: %w", workspace, err)
	}
	return s.Store.SaveCRMToken(ctx, workspace, sealed, s.now())
}

// LoadToken returns the stored token pair of the workspace's OAuth
// connection, opened with Secrets.
func (s *Syncer) LoadToken(ctx context.Context, workspace string) (crm.Token, error) {
	if s.Secrets == nil {
		return crm.Token{}, secret.ErrNoKey
	}
	sealed, _, err := s.Store.CRMToken(ctx, workspace)
	if err != nil {
		return crm.Token{}, err
	}
	plain, err := s.Secrets.Open(sealed, tokenAD(workspace))
	if err != nil {
		return crm.Token{}, fmt.Errorf("crm token of workspace %q: %w", workspace, err)
	}
	var t storedToken
	if err := json.Unmarshal(plain, &t); err != nil || t.AccessToken == "" {
		return crm.Token{}, fmt.Errorf("crmsync: the stored crm token of %q does not decode", workspace)
	}
	return crm.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry}, nil
}

// readSecretFile reads a file holding one secret (a token, a client
// secret), trimmed. Errors name the file, never its content.
func (s *Syncer) readSecretFile(name, what string) (string, error) {
	return secret.ReadFile(s.ReadFile, name, what)
}

// CheckToken makes one cheap call (the catalogue of pipelines) with the
// token of the workspace's token_file connection (a Pipedrive API token, a
// HubSpot private app token, an amoCRM long-lived token, a Bitrix24
// inbound webhook), so that a token is known to work before the first
// sync. A token the CRM refuses is an EINVALID error naming the CRM and
// the file, never the token. An OAuth connection is connected with a code
// (Connect) instead.
func (s *Syncer) CheckToken(ctx context.Context, workspace string) error {
	ws, err := s.Store.FindWorkspace(ctx, workspace)
	if err != nil {
		return err
	}
	conn := ws.CRM
	switch {
	case conn == nil:
		return domain.Errorf(domain.EINVALID, "workspace %q has no crm connection: add a crm section to its file and apply it", ws.ID)
	case conn.OAuth != nil:
		return domain.Errorf(domain.EINVALID, "the crm connection of workspace %q uses OAuth: connect it with --code, the authorization code", ws.ID)
	}
	var c Client
	if Pasted(conn) {
		// The token pasted on the setup page, stored sealed (File stays
		// empty in a refusal: there is no file to name).
		c, err = s.pastedClient(ctx, ws)
	} else {
		c, err = s.NewClient(conn)
	}
	if err != nil {
		return err
	}
	if _, err := c.Pipelines(ctx); err != nil {
		var e *crm.Error
		if errors.As(err, &e) && (e.Status == 401 || e.Status == 403) {
			return &TokenRefusedError{Kind: conn.Kind, File: conn.TokenFile, Status: e.Status}
		}
		return fmt.Errorf("crmsync: check the token of %q: %w", ws.ID, err)
	}
	return nil
}

// TokenRefusedError is CheckToken's error when the CRM refuses the token
// of the connection's token file: an EINVALID error (the user's to fix)
// naming the CRM, the file and the HTTP status, never the token.
type TokenRefusedError struct {
	Kind, File string
	Status     int
}

func (e *TokenRefusedError) Error() string {
	if e.File == "" { // a token pasted on the setup page
		return fmt.Sprintf("%s refused the token pasted on the setup page (HTTP %d): paste it again", e.Kind, e.Status)
	}
	return fmt.Sprintf("%s refused the token of %s (HTTP %d): check the token and the base_url", e.Kind, e.File, e.Status)
}

// Unwrap makes the error an EINVALID domain error.
func (e *TokenRefusedError) Unwrap() error { return domain.Errorf(domain.EINVALID, "%s", e.Error()) }
