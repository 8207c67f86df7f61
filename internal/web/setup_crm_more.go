package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// HubSpot and Pipedrive on the CRM step (issue 17): each by a token pasted
// into the page (a HubSpot private app's access token, a Pipedrive API
// token), checked at once with one cheap call and stored sealed, or by a
// public app by OAuth, in the same way as amoCRM: the app's client id and
// secret (sealed), the exact redirect URI shown, a button to the CRM's
// authorization page with a state bound to the session, and a callback
// that refuses what amoCRM's refuses, exchanges the code, seals the pair
// and starts the first sync.

// HubSpotPipedriveConfig is where the setup page reaches HubSpot and
// Pipedrive. Every field has the real service as its default; tests point
// them at fakes.
type HubSpotPipedriveConfig struct {
	// HubSpotAPIURL is HubSpot's API (default https://api.hubapi.com).
	HubSpotAPIURL string
	// HubSpotAuthorizeURL is HubSpot's authorization page (default
	// https://app.hubspot.com/oauth/authorize).
	HubSpotAuthorizeURL string
	// PipedriveAPIURL is Pipedrive's API for API tokens and where an OAuth
	// connection starts before the token answer names the company's
	// api_domain (default https://api.pipedrive.com).
	PipedriveAPIURL string
	// PipedriveAuthorizeURL is Pipedrive's authorization page (default
	// https://oauth.pipedrive.com/oauth/authorize).
	PipedriveAuthorizeURL string
	// PipedriveDomain says whether an address of a Pipedrive company (the
	// api_domain of a token answer, or the company address typed beside
	// an API token) may receive its tokens. Default: https and a host
	// under pipedrive.com.
	PipedriveDomain func(origin string) bool
}

const (
	hubSpotCallbackPath   = "/setup/oauth/hubspot"
	pipedriveCallbackPath = "/setup/oauth/pipedrive"
	// hubSpotScopes are the scopes the authorization asks for: reading the
	// owners, companies, deals, contacts and (under contacts) the calls,
	// meetings and tasks. The app must declare exactly these, or HubSpot
	// refuses the installation.
	hubSpotScopes = "oauth crm.objects.owners.read crm.objects.companies.read crm.objects.deals.read crm.objects.contacts.read"
)

// moreCRMData is what the HubSpot and Pipedrive blocks of the CRM page show.
type moreCRMData struct {
	HubSpotRedirect    string
	HubSpotScopes      string
	HubSpotClientID    string // the saved public app
	HubSpotAuthorize   string // the authorization page, with a fresh state
	PipedriveRedirect  string
	PipedriveClientID  string
	PipedriveAuthorize string
	PipedriveDomain    string // the company address of an API token connection
}

func (c HubSpotPipedriveConfig) hubSpotAPI() string {
	return orDefault(c.HubSpotAPIURL, hubspot.DefaultBaseURL)
}

func (c HubSpotPipedriveConfig) pipedriveAPI() string {
	return orDefault(c.PipedriveAPIURL, pipedrive.DefaultBaseURL)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// trustedPipedrive reports whether origin may receive a Pipedrive token.
func (c HubSpotPipedriveConfig) trustedPipedrive(origin string) bool {
	if c.PipedriveDomain != nil {
		return c.PipedriveDomain(origin)
	}
	u, err := url.Parse(origin)
	return err == nil && u.Scheme == "https" && u.User == nil && u.Port() == "" && (u.Path == "" || u.Path == "/") &&
		u.RawQuery == "" && strings.HasSuffix(strings.ToLower(u.Hostname()), ".pipedrive.com")
}

// moreCRMData fills the HubSpot and Pipedrive blocks of d, and tells
// whether a pasted token is stored (a connection with no OAuth is not
// connected until it is).
func (s *Server) moreCRMData(r *http.Request, ws *domain.Workspace, d *crmData) (*moreCRMData, error) {
	ctx := r.Context()
	m := &moreCRMData{HubSpotRedirect: s.publicURL(r) + hubSpotCallbackPath, PipedriveRedirect: s.publicURL(r) + pipedriveCallbackPath,
		HubSpotScopes: hubSpotScopes}
	if crmsync.Pasted(ws.CRM) {
		_, _, err := s.store.CRMToken(ctx, ws.ID)
		d.Connected = err == nil
		if ws.CRM.Kind == domain.CRMPipedrive && ws.CRM.BaseURL != s.cfg.Setup.HubSpotPipedrive.pipedriveAPI() {
			m.PipedriveDomain = ws.CRM.BaseURL
		}
	}
	kind, clientID, _, err := s.store.CRMClientSecret(ctx, ws.ID)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, err
	}
	switch kind {
	case domain.CRMHubSpot:
		m.HubSpotClientID = clientID
	case domain.CRMPipedrive:
		m.PipedriveClientID = clientID
	}
	switch r.URL.Query().Get("done") {
	case "hsaved":
		d.Done = state(r).lang.T("setupcrm.app_saved", "HubSpot", "HubSpot")
	case "pdsaved":
		d.Done = state(r).lang.T("setupcrm.app_saved", "Pipedrive", "Pipedrive")
	}
	if s.cfg.Setup.CRM == nil || d.Running || state(r).session == nil || clientID == "" {
		return m, nil
	}
	cfg := s.cfg.Setup.HubSpotPipedrive
	switch kind {
	case domain.CRMHubSpot:
		token, err := s.newOAuthState(r, ws, kind)
		if err != nil {
			return nil, err
		}
		q := url.Values{"client_id": {clientID}, "redirect_uri": {m.HubSpotRedirect}, "scope": {hubSpotScopes}, "state": {token}}
		m.HubSpotAuthorize = orDefault(cfg.HubSpotAuthorizeURL, "https://app.hubspot.com/oauth/authorize") + "?" + q.Encode()
	case domain.CRMPipedrive:
		token, err := s.newOAuthState(r, ws, kind)
		if err != nil {
			return nil, err
		}
		q := url.Values{"client_id": {clientID}, "redirect_uri": {m.PipedriveRedirect}, "state": {token}}
		m.PipedriveAuthorize = orDefault(cfg.PipedriveAuthorizeURL, "https://oauth.pipedrive.com/oauth/authorize") + "?" + q.Encode()
	}
	return m, nil
}

// moreCRMPost handles the HubSpot and Pipedrive forms of the CRM step:
// action hubspot or pipedrive (a pasted token), hubspotapp or
// pipedriveapp (a public app's id and secret). It returns what the page
// says next (the done parameter).
func (s *Server) moreCRMPost(r *http.Request, ws *domain.Workspace, action string) (done string, err error) {
	switch action {
	case "hubspot", "pipedrive":
		kind := domain.CRMHubSpot
		if action == "pipedrive" {
			kind = domain.CRMPipedrive
		}
		return "connected", s.connectPastedToken(r, ws, kind)
	case "hubspotapp":
		return "hsaved", s.saveOAuthApp(r, ws, domain.CRMHubSpot)
	case "pipedriveapp":
		return "pdsaved", s.saveOAuthApp(r, ws, domain.CRMPipedrive)
	}
	return "", invalid("action: want hubspot, pipedrive, hubspotapp or pipedriveapp")
}

// connectPastedToken checks a pasted token with one cheap call (the
// catalogue of pipelines), stores the connection and the token sealed, and
// starts the first sync. The token is a secret: no page, error or log line
// repeats it, and the form field is never filled back.
func (s *Server) connectPastedToken(r *http.Request, ws *domain.Workspace, kind string) error {
	syncer, cfg := s.cfg.Setup.CRM, s.cfg.Setup.HubSpotPipedrive
	token := strings.TrimSpace(r.PostFormValue("token"))
	if token == "" {
		return i18n.Invalid("setupcrm.token_missing")
	}
	if syncer.Secrets == nil {
		return i18n.Invalid("setupcrm.no_key")
	}
	conn := &domain.CRMConnection{Kind: kind, BaseURL: cfg.hubSpotAPI(), SyncEvery: domain.DefaultSyncEvery}
	if kind == domain.CRMPipedrive {
		conn.BaseURL = cfg.pipedriveAPI()
		if raw := strings.TrimRight(strings.TrimSpace(r.PostFormValue("company_domain")), "/"); raw != "" {
			if !cfg.trustedPipedrive(raw) {
				return i18n.Invalid("setupcrm.bad_domain")
			}
			conn.BaseURL = raw
		}
	}
	if ws.CRM != nil && ws.CRM.SyncEvery > 0 {
		conn.SyncEvery = ws.CRM.SyncEvery
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := syncer.CheckPastedToken(ctx, conn, token); err != nil {
		var refused *crmsync.TokenRefusedError
		if errors.As(err, &refused) {
			return i18n.Invalid("setupcrm.token_refused", crmName(kind), refused.Status)
		}
		var e *crm.Error
		if errors.As(err, &e) && e.Status >= 400 && e.Status < 500 {
			return i18n.Invalid("setupcrm.token_refused", crmName(kind), e.Status)
		}
		s.log.Warn("setup: a pasted CRM token could not be checked", "workspace", ws.ID, "kind", kind, "error", err.Error())
		return i18n.Invalid("setup.crm.unreachable")
	}
	ws.CRM = conn
	if _, err := s.applyWorkspace(r, ws); err != nil {
		return err
	}
	if err := syncer.SavePastedToken(r.Context(), ws.ID, token); err != nil {
		return err
	}
	if err := s.store.AppendAudit(r.Context(), store.AuditEntry{Workspace: ws.ID, Actor: actor(r), Action: "setup crm token",
		Detail: crmName(kind) + " " + conn.BaseURL + ", token checked and stored sealed", At: s.now()}); err != nil {
		return err
	}
	s.startFirstSync(ws.ID, actor(r))
	return nil
}

// saveOAuthApp stores a HubSpot or Pipedrive public app's client id and
// its secret sealed. The connection changes only when the callback comes
// back with a code, so a working connection keeps syncing until then.
func (s *Server) saveOAuthApp(r *http.Request, ws *domain.Workspace, kind string) error {
	id, secretText := strings.TrimSpace(r.PostFormValue("client_id")), strings.TrimSpace(r.PostFormValue("client_secret"))
	if id == "" || secretText == "" {
		return i18n.Invalid("setupcrm.app_missing", crmName(kind))
	}
	if err := s.cfg.Setup.CRM.SaveClientSecret(r.Context(), ws.ID, kind, id, secretText); err != nil {
		if errors.Is(err, secret.ErrNoKey) {
			return i18n.Invalid("setupcrm.no_key")
		}
		return err
	}
	return s.store.AppendAudit(r.Context(), store.AuditEntry{Workspace: ws.ID, Actor: actor(r), Action: "setup crm application",
		Detail: crmName(kind) + " " + id, At: s.now()})
}

func (s *Server) hubSpotCallback(w http.ResponseWriter, r *http.Request) error {
	return s.moreCRMCallback(w, r, domain.CRMHubSpot)
}

func (s *Server) pipedriveCallback(w http.ResponseWriter, r *http.Request) error {
	return s.moreCRMCallback(w, r, domain.CRMPipedrive)
}

// errUntrustedDomain is the refusal of a Pipedrive token answer naming an
// api_domain outside Pipedrive.
var errUntrustedDomain = errors.New("web: untrusted pipedrive api_domain")

// moreCRMCallback is where HubSpot or Pipedrive sends the browser back
// after the head allowed the app: ?code=…&state=… (or ?error=…). The state
// must be one this session started for this CRM and not used yet, and the
// user an admin or head of its workspace (callbackWorkspace, as for
// amoCRM); the code is exchanged for the token pair, sealed, and the first
// sync starts. A Pipedrive connection moves to the api_domain the token
// answer names, when it is Pipedrive's. The browser then goes on to the
// CRM page, so no code stays in its address bar.
func (s *Server) moreCRMCallback(w http.ResponseWriter, r *http.Request, kind string) error {
	ws, err := s.callbackWorkspace(r, kind)
	if err != nil {
		return err
	}
	l, name := state(r).lang, crmName(kind)
	fail := func(key string, args ...any) error {
		d, err := s.crmData(r, ws)
		if err != nil {
			return err
		}
		d.Error = l.T(key, args...)
		return s.renderCRM(w, r, http.StatusBadRequest, ws, d)
	}
	q := r.URL.Query()
	if q.Get("error") != "" || q.Get("code") == "" {
		return fail("setupcrm.denied", name)
	}
	saved, clientID, _, err := s.store.CRMClientSecret(r.Context(), ws.ID)
	if err != nil || saved != kind {
		return fail("setupcrm.app_missing", name)
	}
	cfg := s.cfg.Setup.HubSpotPipedrive
	path, base := hubSpotCallbackPath, cfg.hubSpotAPI()
	if kind == domain.CRMPipedrive {
		path, base = pipedriveCallbackPath, cfg.pipedriveAPI()
	}
	conn := &domain.CRMConnection{Kind: kind, BaseURL: base, SyncEvery: domain.DefaultSyncEvery,
		OAuth: &domain.CRMOAuth{ClientID: clientID, RedirectURI: s.publicURL(r) + path}}
	if ws.CRM != nil && ws.CRM.SyncEvery > 0 {
		conn.SyncEvery = ws.CRM.SyncEvery
	}
	ws.CRM = conn
	if _, err := s.applyWorkspace(r, ws); err != nil {
		return err
	}
	var move func(ctx context.Context, origin string) error
	if kind == domain.CRMPipedrive {
		move = func(ctx context.Context, origin string) error {
			if !cfg.trustedPipedrive(origin) {
				return errUntrustedDomain
			}
			moved := *conn
			moved.BaseURL = origin
			ws.CRM = &moved
			_, err := s.applyWorkspace(r, ws)
			return err
		}
	}
	if _, err := s.cfg.Setup.CRM.ConnectMoving(r.Context(), ws.ID, q.Get("code"), actor(r), move); err != nil {
		if errors.Is(err, errUntrustedDomain) {
			s.log.Warn("setup: Pipedrive named an untrusted api_domain", "workspace", ws.ID)
			return fail("setupcrm.bad_api_domain")
		}
		if domain.ErrorCode(err) == domain.EINVALID || errors.Is(err, secret.ErrNoKey) {
			s.log.Warn("setup: the CRM refused the code", "workspace", ws.ID, "kind", kind, "error", err.Error())
			return fail("setupcrm.exchange_failed", name)
		}
		return err
	}
	s.startFirstSync(ws.ID, actor(r))
	http.Redirect(w, r, "/w/"+ws.ID+"/setup/crm?done=connected", http.StatusSeeOther)
	return nil
}
