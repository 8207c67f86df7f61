package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/crm"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/notify"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// crmData is the CRM step: how the workspace's CRM is connected, the forms
// that connect amoCRM (an integration by OAuth) or Bitrix24 (an inbound
// webhook), and how the first sync stands.
type crmData struct {
	NoSyncer    bool // the server cannot connect a CRM from the browser
	NoKey       bool // no secret key: OAuth tokens cannot be sealed
	Kind        string
	Name        string // the connected CRM's name
	Connected   bool
	Account     string // the account's address (never an inbound webhook's secret)
	RedirectURI string
	ClientID    string // the saved amoCRM integration
	Authorize   string // the link to amoCRM's authorization page, with a fresh state
	Kommo       string // the same on Kommo's site
	// A Bitrix24 local application: its handler's address to paste, the
	// saved client id and portal, and the link to the portal's
	// authorization page.
	B24Handler   string
	B24ClientID  string
	B24Portal    string
	B24Authorize string
	Sync         *store.SetupSync
	Running      bool
	More         *moreCRMData // HubSpot and Pipedrive (setup_crm_more.go)
	Error        string
	Done         string
}

// publicURL is where people reach the server.
func (s *Server) publicURL(r *http.Request) string {
	if u := strings.TrimRight(s.cfg.Setup.PublicURL, "/"); u != "" {
		return u
	}
	scheme := "http"
	if s.overHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

const amoCRMCallbackPath = "/setup/oauth/amocrm"

func (s *Server) crmData(r *http.Request, ws *domain.Workspace) (*crmData, error) {
	ctx := r.Context()
	syncer := s.cfg.Setup.CRM
	d := &crmData{NoSyncer: syncer == nil, RedirectURI: s.publicURL(r) + amoCRMCallbackPath, B24Handler: s.publicURL(r) + bitrix24CallbackPath}
	d.NoKey = syncer != nil && syncer.Secrets == nil
	if c := ws.CRM; c != nil {
		d.Kind, d.Name = c.Kind, crmName(c.Kind)
		d.Account = accountOf(c)
		d.Connected = c.OAuth == nil
		if c.OAuth != nil {
			_, _, err := s.store.CRMToken(ctx, ws.ID)
			d.Connected = err == nil
		}
	}
	if p, err := s.store.FindSetupSync(ctx, ws.ID); err == nil {
		d.Sync, d.Running = &p, p.Status == store.SetupSyncRunning
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, err
	}
	kind, clientID, _, err := s.store.CRMClientSecret(ctx, ws.ID)
	switch {
	case err == nil && kind == domain.CRMAmoCRM:
		d.ClientID = clientID
	case err == nil && kind == domain.CRMBitrix24 && ws.CRM != nil && ws.CRM.Kind == domain.CRMBitrix24 && ws.CRM.OAuth != nil:
		d.B24ClientID, d.B24Portal = clientID, ws.CRM.BaseURL
	case err != nil && domain.ErrorCode(err) != domain.ENOTFOUND:
		return nil, err
	}
	if d.ClientID != "" && !d.Running && syncer != nil {
		base, kommo := s.cfg.Setup.AmoCRMAuthorizeURL, s.cfg.Setup.KommoAuthorizeURL
		if base == "" {
			base = "https://www.amocrm.ru/oauth"
		}
		if kommo == "" {
			kommo = "https://www.kommo.com/oauth"
		}
		if d.Authorize, err = s.authorizeLink(r, ws, base, d.ClientID); err != nil {
			return nil, err
		}
		if d.Kommo, err = s.authorizeLink(r, ws, kommo, d.ClientID); err != nil {
			return nil, err
		}
	}
	if d.B24ClientID != "" && !d.Running && syncer != nil {
		link, err := s.bitrix24AuthorizeLink(r, ws, d.B24ClientID)
		if err != nil {
			return nil, err
		}
		d.B24Authorize = link
	}
	if d.More, err = s.moreCRMData(r, ws, d); err != nil {
		return nil, err
	}
	return d, nil
}

// accountOf is the address of the CRM account a page may show: an inbound
// webhook's URL carries its secret, so only its host is shown.
func accountOf(c *domain.CRMConnection) string {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// authorizeLink makes a state bound to the request's session and returns
// the link to amoCRM's authorization page that carries it.
func (s *Server) authorizeLink(r *http.Request, ws *domain.Workspace, base, clientID string) (string, error) {
	st := state(r)
	if st.session == nil {
		return "", nil
	}
	token, err := s.newOAuthState(r, ws, domain.CRMAmoCRM)
	if err != nil {
		return "", err
	}
	q := url.Values{"client_id": {clientID}, "state": {token}, "mode": {"post_message"}}
	return base + "?" + q.Encode(), nil
}

// newOAuthState stores a fresh state of an authorization of kind bound to
// the request's session and returns it.
func (s *Server) newOAuthState(r *http.Request, ws *domain.Workspace, kind string) (string, error) {
	st := state(r)
	token, now := auth.NewToken(), s.now()
	err := s.store.CreateOAuthState(r.Context(), store.OAuthState{StateHash: auth.HashToken(token), SessionHash: st.session.TokenHash,
		UserID: st.user.ID, Workspace: ws.ID, Kind: kind, CreatedAt: now, ExpiresAt: now.Add(oauthStateTTL)})
	if err != nil {
		return "", err
	}
	return token, nil
}

// bitrix24AuthorizeLink is the link to the portal's authorization page of
// the local application, with a fresh state.
func (s *Server) bitrix24AuthorizeLink(r *http.Request, ws *domain.Workspace, clientID string) (string, error) {
	if state(r).session == nil {
		return "", nil
	}
	token, err := s.newOAuthState(r, ws, domain.CRMBitrix24)
	if err != nil {
		return "", err
	}
	q := url.Values{"client_id": {clientID}, "state": {token}}
	return strings.TrimRight(ws.CRM.BaseURL, "/") + "/oauth/authorize/?" + q.Encode(), nil
}

func (s *Server) renderCRM(w http.ResponseWriter, r *http.Request, status int, ws *domain.Workspace, d *crmData) error {
	p := &page{Title: state(r).lang.T("setup.crm.title"), WS: ws, Nav: "settings", Data: d}
	if d.Running {
		p.Refresh = 2
	}
	return s.renderStatus(w, r, status, "setup-crm", p)
}

func (s *Server) crmPage(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	d, err := s.crmData(r, ws)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		d.Done = state(r).lang.T("setup.crm.app_saved")
	case "connected":
		d.Done = state(r).lang.T("setup.crm.connected", d.Name)
	case "b24saved":
		d.Done = state(r).lang.T("setup.crm.b24_app_saved")
	}
	return s.renderCRM(w, r, http.StatusOK, ws, d)
}

// crmPost saves an amoCRM integration's id and secret (sealed), connects a
// Bitrix24 inbound webhook after one cheap call with it, or starts the
// first sync again.
func (s *Server) crmPost(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	syncer := s.cfg.Setup.CRM
	l := state(r).lang
	var done string
	err = func() error {
		if syncer == nil {
			return i18n.Invalid("setup.crm.no_syncer")
		}
		switch r.PostFormValue("action") {
		case "amocrm":
			id, secretText := strings.TrimSpace(r.PostFormValue("client_id")), strings.TrimSpace(r.PostFormValue("client_secret"))
			if id == "" || secretText == "" {
				return i18n.Invalid("setup.crm.app_missing")
			}
			if err := syncer.SaveClientSecret(r.Context(), ws.ID, domain.CRMAmoCRM, id, secretText); err != nil {
				if errors.Is(err, secret.ErrNoKey) {
					return i18n.Invalid("setup.crm.no_key")
				}
				return err
			}
			done = "saved"
			return s.store.AppendAudit(r.Context(), store.AuditEntry{Workspace: ws.ID, Actor: actor(r), Action: "setup crm application",
				Detail: "amoCRM " + id, At: s.now()})
		case "bitrix24":
			if err := s.connectBitrix24(r, ws, strings.TrimSpace(r.PostFormValue("webhook_url"))); err != nil {
				return err
			}
			done = "connected"
			return nil
		case "bitrix24app":
			if err := s.saveBitrix24App(r, ws); err != nil {
				return err
			}
			done = "b24saved"
			return nil
		case "hubspot", "pipedrive", "hubspotapp", "pipedriveapp":
			var err error
			done, err = s.moreCRMPost(r, ws, r.PostFormValue("action"))
			return err
		case "sync":
			if ws.CRM == nil {
				return i18n.Invalid("setup.crm.not_connected")
			}
			s.startFirstSync(ws.ID, actor(r))
			return nil
		}
		return invalid("action: want amocrm, bitrix24, bitrix24app or sync")
	}()
	if err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			return err
		}
		d, derr := s.crmData(r, ws)
		if derr != nil {
			return derr
		}
		d.Error = errorText(err, l)
		return s.renderCRM(w, r, http.StatusBadRequest, ws, d)
	}
	target := "/w/" + ws.ID + "/setup/crm"
	if done != "" {
		target += "?done=" + done
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// inboundWebhookPath is the path of a Bitrix24 inbound webhook URL.
var inboundWebhookPath = regexp.MustCompile(`^/rest/\d+/[^/]+/?$`)

// connectBitrix24 checks an inbound webhook URL with one cheap call (the
// portal's users), stores the connection as the workspace file's crm
// section would, and starts the first sync. The URL is a secret: no error
// or page repeats it.
func (s *Server) connectBitrix24(r *http.Request, ws *domain.Workspace, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !inboundWebhookPath.MatchString(u.Path) ||
		u.RawQuery != "" || u.User != nil {
		return i18n.Invalid("setup.crm.bad_webhook")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if !s.cfg.AllowPrivateWebhooks {
		if u.Scheme != "https" {
			return i18n.Invalid("setup.crm.bad_webhook")
		}
		if err := notify.CheckWebhookURL(r.Context(), s.cfg.Resolver, u.String()); err != nil {
			return i18n.Invalid("setup.crm.private_webhook")
		}
	}
	conn := &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: u.String(), SyncEvery: domain.DefaultSyncEvery}
	if ws.CRM != nil && ws.CRM.SyncEvery > 0 {
		conn.SyncEvery = ws.CRM.SyncEvery
	}
	client, err := s.cfg.Setup.CRM.NewClient(conn)
	if err != nil {
		return err
	}
	lister, ok := client.(userLister)
	if !ok {
		return invalid("this CRM cannot list its users")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if _, err := lister.Users(ctx); err != nil {
		var e *crm.Error
		if errors.As(err, &e) && e.Status >= 400 && e.Status < 500 {
			return i18n.Invalid("setup.crm.webhook_refused", e.Status)
		}
		s.log.Warn("setup: Bitrix24 webhook check failed", "workspace", ws.ID, "error", err.Error())
		return i18n.Invalid("setup.crm.unreachable")
	}
	ws.CRM = conn
	if _, err := s.applyWorkspace(r, ws); err != nil {
		return err
	}
	s.startFirstSync(ws.ID, actor(r))
	return nil
}

// portalPattern is a Bitrix24 portal's address: a host, nothing after it.
var portalPattern = regexp.MustCompile(`^/?$`)

// saveBitrix24App stores a Bitrix24 local application: the portal as the
// connection's base_url with an oauth section (its client id), and its
// client secret sealed. The portal's authorization page then gives the
// code the callback exchanges.
func (s *Server) saveBitrix24App(r *http.Request, ws *domain.Workspace) error {
	id, secretText := strings.TrimSpace(r.PostFormValue("client_id")), strings.TrimSpace(r.PostFormValue("client_secret"))
	u, err := url.Parse(strings.TrimSpace(r.PostFormValue("portal")))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !portalPattern.MatchString(u.Path) ||
		u.RawQuery != "" || u.User != nil || (u.Scheme != "https" && !s.cfg.AllowPrivateWebhooks) {
		return i18n.Invalid("setup.crm.bad_portal")
	}
	if id == "" || secretText == "" {
		return i18n.Invalid("setup.crm.app_missing")
	}
	portal := u.Scheme + "://" + u.Host
	if !s.cfg.AllowPrivateWebhooks {
		if err := notify.CheckWebhookURL(r.Context(), s.cfg.Resolver, portal); err != nil {
			return i18n.Invalid("setup.crm.private_webhook")
		}
	}
	if err := s.cfg.Setup.CRM.SaveClientSecret(r.Context(), ws.ID, domain.CRMBitrix24, id, secretText); err != nil {
		if errors.Is(err, secret.ErrNoKey) {
			return i18n.Invalid("setup.crm.no_key")
		}
		return err
	}
	conn := &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: portal, SyncEvery: domain.DefaultSyncEvery,
		OAuth: &domain.CRMOAuth{ClientID: id}}
	if ws.CRM != nil && ws.CRM.SyncEvery > 0 {
		conn.SyncEvery = ws.CRM.SyncEvery
	}
	ws.CRM = conn
	_, err = s.applyWorkspace(r, ws)
	return err
}

const bitrix24CallbackPath = "/setup/oauth/bitrix24"

// bitrix24Callback is where the portal sends the browser back after the
// head allowed the local application: ?code=…&state=…&domain=…. The same
// checks as amoCRM's callback; the portal it names must be the one saved.
// Bitrix24's code lasts 30 seconds: it is exchanged at once.
func (s *Server) bitrix24Callback(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.callbackWorkspace(r, domain.CRMBitrix24)
	if err != nil {
		return err
	}
	l := state(r).lang
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
		return fail("setup.crm.denied")
	}
	if ws.CRM == nil || ws.CRM.Kind != domain.CRMBitrix24 || ws.CRM.OAuth == nil {
		return fail("setup.crm.app_missing")
	}
	if d := q.Get("domain"); d != "" {
		if u, err := url.Parse(ws.CRM.BaseURL); err != nil || !strings.EqualFold(u.Host, d) {
			return fail("setup.crm.bad_referer")
		}
	}
	if _, err := s.cfg.Setup.CRM.Connect(r.Context(), ws.ID, q.Get("code"), actor(r)); err != nil {
		if domain.ErrorCode(err) == domain.EINVALID || errors.Is(err, secret.ErrNoKey) {
			s.log.Warn("setup: Bitrix24 refused the code", "workspace", ws.ID, "error", err.Error())
			return fail("setup.crm.exchange_failed_b24")
		}
		return err
	}
	s.startFirstSync(ws.ID, actor(r))
	http.Redirect(w, r, "/w/"+ws.ID+"/setup/crm?done=connected", http.StatusSeeOther)
	return nil
}

// userLister is a connector that lists its account's users.
type userLister interface {
	Users(ctx context.Context) ([]crm.User, error)
}

// amoCRMCallback is where amoCRM sends the browser back after the head
// allowed the integration: ?code=…&state=…&referer=acme.amocrm.ru. The
// state must be one this session started and not used yet, and the user
// an admin or head of its workspace; the code is exchanged for the token
// pair, sealed as `reglament connect` does, and the first sync starts. The
// browser then goes on to the CRM page, so no code stays in its address bar.
func (s *Server) amoCRMCallback(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.callbackWorkspace(r, domain.CRMAmoCRM)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l := state(r).lang
	fail := func(key string, args ...any) error {
		d, err := s.crmData(r, ws)
		if err != nil {
			return err
		}
		d.Error = l.T(key, args...)
		return s.renderCRM(w, r, http.StatusBadRequest, ws, d)
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		return fail("setup.crm.denied")
	}
	account := s.cfg.Setup.AmoCRMAccount
	if account == nil {
		account = defaultAmoCRMAccount
	}
	base, ok := account(q.Get("referer"))
	if !ok {
		return fail("setup.crm.bad_referer")
	}
	kind, clientID, _, err := s.store.CRMClientSecret(r.Context(), ws.ID)
	if err != nil || kind != domain.CRMAmoCRM {
		return fail("setup.crm.app_missing")
	}
	if got := q.Get("client_id"); got != "" && got != clientID {
		return fail("setup.crm.other_app")
	}
	syncer := s.cfg.Setup.CRM
	if syncer == nil {
		return fail("setup.crm.no_syncer")
	}
	conn := &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: base, SyncEvery: domain.DefaultSyncEvery,
		OAuth: &domain.CRMOAuth{ClientID: clientID, RedirectURI: s.publicURL(r) + amoCRMCallbackPath}}
	if ws.CRM != nil && ws.CRM.SyncEvery > 0 {
		conn.SyncEvery = ws.CRM.SyncEvery
	}
	ws.CRM = conn
	if _, err := s.applyWorkspace(r, ws); err != nil {
		return err
	}
	if _, err := syncer.Connect(r.Context(), ws.ID, q.Get("code"), actor(r)); err != nil {
		if domain.ErrorCode(err) == domain.EINVALID || errors.Is(err, secret.ErrNoKey) {
			s.log.Warn("setup: amoCRM refused the code", "workspace", ws.ID, "error", err.Error())
			return fail("setup.crm.exchange_failed")
		}
		return err
	}
	s.startFirstSync(ws.ID, actor(r))
	http.Redirect(w, r, "/w/"+ws.ID+"/setup/crm?done=connected", http.StatusSeeOther)
	return nil
}

// callbackWorkspace spends the state of an OAuth callback of kind and
// returns its workspace. It refuses a callback with no state, one this
// server never made, one another session made (another browser, another
// user), one used already (a replayed callback or code) or expired, one
// of another CRM, and a user who is not an admin or head of the state's
// workspace.
func (s *Server) callbackWorkspace(r *http.Request, kind string) (*domain.Workspace, error) {
	st := state(r)
	refused := &localError{code: domain.EFORBIDDEN, key: "setup.crm.state_refused"}
	if st.principal == nil || st.session == nil {
		// Not the login page with this address to come back to: the code
		// would travel on, and the state belongs to the session that is gone.
		return nil, refused
	}
	stateToken := r.URL.Query().Get("state")
	if stateToken == "" {
		return nil, refused
	}
	started, err := s.store.UseOAuthState(r.Context(), auth.HashToken(stateToken), st.session.TokenHash, s.now())
	if domain.ErrorCode(err) == domain.EFORBIDDEN {
		// Said in the reader's language; the store's reason in the log.
		s.log.Warn("setup: CRM callback refused", "kind", kind, "reason", domain.ErrorMessage(err))
		return nil, refused
	} else if err != nil {
		return nil, err
	}
	if started.UserID != st.user.ID || started.Kind != kind {
		return nil, refused
	}
	if err := st.principal.Can(started.Workspace, auth.Change, ""); err != nil {
		return nil, err
	}
	if s.cfg.Setup.CRM == nil {
		return nil, i18n.Invalid("setup.crm.no_syncer")
	}
	return s.eng.Workspace(r.Context(), started.Workspace)
}

// startFirstSync syncs the workspace's CRM in full in the background,
// recording its progress for the CRM page, unless one is running.
func (s *Server) startFirstSync(workspace, by string) {
	syncer := s.cfg.Setup.CRM
	if syncer == nil {
		return
	}
	err := s.store.StartSetupSync(context.Background(), workspace, s.now(), setupSyncStale)
	if domain.ErrorCode(err) == domain.ECONFLICT {
		return
	} else if err != nil {
		s.log.Error("setup: cannot start the first sync", "workspace", workspace, "error", err.Error())
		return
	}
	timeout := s.cfg.Setup.SyncTimeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	s.setupRun.goRun(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		sy := *syncer
		done, kind, current := 0, "", 0
		var last time.Time
		report := func(status, msg string) {
			err := s.store.UpdateSetupSync(context.WithoutCancel(ctx), store.SetupSync{Workspace: workspace, Status: status, Kind: kind,
				Records: done + current, Error: msg, UpdatedAt: s.now()})
			if err != nil {
				s.log.Warn("setup: cannot record the first sync's progress", "workspace", workspace, "error", err.Error())
			}
		}
		sy.Progress = func(p crmsync.Progress) {
			kind = string(p.Kind)
			if p.Done {
				done, current = done+p.Records, 0
			} else {
				current = p.Records
			}
			if time.Since(last) > 500*time.Millisecond || p.Done {
				last = time.Now()
				report(store.SetupSyncRunning, "")
			}
		}
		lock := s.cfg.Setup.LockCRM
		if lock == nil {
			lock = func(ctx context.Context, workspace string) (func(), error) {
				return s.store.LockCRM(ctx, workspace, nil)
			}
		}
		unlock, err := lock(ctx, workspace)
		if err == nil {
			_, err = sy.Sync(ctx, workspace, true, by)
			unlock()
		}
		if err != nil {
			s.log.Warn("setup: the first sync failed", "workspace", workspace, "error", err.Error())
			msg := "internal"
			if domain.ErrorCode(err) == domain.EINVALID {
				msg = domain.ErrorMessage(err)
			}
			report(store.SetupSyncFailed, msg)
			return
		}
		kind = ""
		report(store.SetupSyncDone, "")
	})
}
