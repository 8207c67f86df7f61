package web

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"reglament/internal/auth"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// moreEnv is the setup over an empty database of either dialect with a
// fake HubSpot and a fake Pipedrive, each behind its OAuth front (which
// also serves its API and accepts its code once). Pipedrive's token
// answers name the front as the company's api_domain; the API address the
// setup starts an OAuth connection from leads nowhere, so a connection that
// did not move to the api_domain cannot sync.
type moreEnv struct {
	*setupEnv
	hs      *hubspottest.Server
	hsFront *hubspottest.OAuthFront
	pd      *pipedrivetest.Server
	pdFront *pipedrivetest.OAuthFront
}

const (
	hubSpotCode   = "hs-code-1"
	pipedriveCode = "pd-code-1"
)

func newMoreEnv(t *testing.T, dsn string) *moreEnv {
	t.Helper()
	s := storetest.MustOpen(t, dsn)
	c := &clock{t: time.Date(2026, 11, 18, 10, 0, 0, 0, mustLocation(t, "Europe/Moscow"))}
	eng := engine.New(s, c.Now)
	box, err := secret.NewBox(bytes.Repeat([]byte{0x42}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	e := &moreEnv{setupEnv: &setupEnv{t: t, clock: c, store: s, eng: eng, box: box}}
	start, real0 := c.Now(), time.Now()
	fakeNow := func() time.Time { return start.Add(time.Since(real0)) }
	e.hs = hubspottest.NewServer(fakeNow)
	t.Cleanup(e.hs.Close)
	e.pd = pipedrivetest.NewServer(fakeNow)
	t.Cleanup(e.pd.Close)
	ago := c.Now().Add(-2 * time.Hour)
	e.hs.Mu.Lock()
	e.hs.ClientSecret = "hs-secret-of-the-public-app"
	e.hs.Objects[hubspot.ObjectCompanies][1] = &hubspottest.Object{ID: 1, Properties: map[string]string{"name": "Клиент",
		"hubspot_owner_id": "101", "createdate": hubspottest.Time(ago), "hs_lastmodifieddate": hubspottest.Time(ago)}}
	e.hs.Mu.Unlock()
	e.pd.Mu.Lock()
	e.pd.ClientSecret = "pd-secret-of-the-app"
	e.pd.Orgs[1] = &pipedrivetest.Org{ID: 1, OwnerID: 1, Name: "Клиент", AddTime: ago, Updated: ago}
	e.pd.Mu.Unlock()

	syncer := &crmsync.Syncer{Store: s, Secrets: box}
	srv, err := New(Config{Engine: eng, AllowPrivateWebhooks: true, Setup: SetupConfig{CRM: syncer}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv)
	t.Cleanup(func() { e.http.Close(); srv.Close() })
	e.hsFront = hubspottest.NewOAuthFront(e.hs, hubSpotCode, e.http.URL+hubSpotCallbackPath)
	t.Cleanup(e.hsFront.Close)
	e.pdFront = pipedrivetest.NewOAuthFront(e.pd, pipedriveCode, e.http.URL+pipedriveCallbackPath)
	t.Cleanup(e.pdFront.Close)
	syncer.PipedriveTokenURL = e.pdFront.TokenURL()
	srv.cfg.Setup.HubSpotPipedrive = HubSpotPipedriveConfig{HubSpotAPIURL: e.hsFront.URL,
		HubSpotAuthorizeURL: "https://app.hubspot.example/oauth/authorize", PipedriveAPIURL: "http://127.0.0.1:1",
		PipedriveAuthorizeURL: "https://oauth.pipedrive.example/oauth/authorize",
		PipedriveDomain:       func(origin string) bool { return origin == e.pdFront.URL }}
	return e
}

// company makes the first admin and the acme workspace, with Anna a
// manager who has a login, and returns the admin's and Anna's clients.
func (e *moreEnv) company(t *testing.T) (admin, manager *client) {
	t.Helper()
	admin = e.firstAdmin()
	form := url.Values{"id": {"acme"}, "name": {"Акме"}, "timezone": {"Europe/Moscow"}, "deadline": {"18:00"}, "grace": {"10"},
		"currency": {"RUB"}, "day_mon": {"on"}, "day_tue": {"on"}, "day_wed": {"on"}, "day_thu": {"on"}, "day_fri": {"on"}}
	if resp, body := admin.post("/setup/company", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create the company: %d\n%s", resp.StatusCode, body)
	}
	ctx := context.Background()
	ws, err := e.eng.Workspace(ctx, "acme")
	must(t, "acme", err)
	ws.Managers = append(ws.Managers, domain.Manager{ID: "anna", Name: "Анна"})
	_, err = e.eng.Apply(ctx, ws, "test")
	must(t, "anna", err)
	must(t, "anna's login", e.store.CreateUser(ctx, &store.User{Email: "anna@acme.example", Role: auth.Manager, Workspace: "acme",
		Manager: "anna", PasswordHash: mustHash(t)}, "test"))
	manager = e.webClient()
	manager.get("/login")
	if resp, _ := manager.post("/login", url.Values{"email": {"anna@acme.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anna's login: %d", resp.StatusCode)
	}
	admin.get("/w/acme/setup/crm")
	return admin, manager
}

// auditHas reports whether the audit of acme has action by actor.
func (e *moreEnv) auditHas(t *testing.T, actor, action string) bool {
	t.Helper()
	audit, err := e.store.FindAudit(context.Background(), "acme", 100)
	must(t, "audit", err)
	for _, a := range audit {
		if a.Actor == actor && a.Action == action {
			return true
		}
	}
	return false
}

// TestSetupCRMPastedToken: a HubSpot private app token and a Pipedrive
// API token pasted on the CRM step. A wrong token is refused with the
// CRM's answer and nothing is stored; a manager is refused; a good one is
// checked, stored sealed (never shown again) and the first sync runs with
// it; the head is the actor in the audit.
func TestSetupCRMPastedToken(t *testing.T) {
	for _, kind := range []string{domain.CRMHubSpot, domain.CRMPipedrive} {
		t.Run(kind, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				e := newMoreEnv(t, dsn)
				ctx := context.Background()
				admin, manager := e.company(t)
				fake := &e.hs.Fake
				form := url.Values{"action": {kind}}
				if kind == domain.CRMPipedrive {
					fake = &e.pd.Fake
					form.Set("company_domain", e.pdFront.URL)
				}
				fake.Mu.Lock()
				good := fake.AccessToken
				fake.Mu.Unlock()

				_, body := admin.get("/w/acme/setup/crm")
				for _, id := range []string{`id="` + kind + `-form"`, `id="` + kind + `-app-form"`, e.http.URL + "/setup/oauth/" + kind} {
					if !strings.Contains(body, id) {
						t.Errorf("the CRM page lacks %s", id)
					}
				}
				form.Set("token", "not-the-token")
				resp, body := admin.post("/w/acme/setup/crm", form)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, crmName(kind)+" не принял токен (код ответа 401)") ||
					strings.Contains(body, "not-the-token") {
					t.Errorf("a wrong token: %d, want 400 saying the CRM refused it, not repeating it\n%s", resp.StatusCode, body)
				}
				if _, _, err := e.store.CRMToken(ctx, "acme"); err == nil {
					t.Fatal("a refused token is stored")
				}
				if ws, _ := e.eng.Workspace(ctx, "acme"); ws.CRM != nil {
					t.Fatalf("a refused token connected %+v", ws.CRM)
				}
				form.Set("token", "")
				if resp, body := admin.post("/w/acme/setup/crm", form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Вставьте токен") {
					t.Errorf("no token: %d", resp.StatusCode)
				}

				form.Set("token", good)
				manager.get("/w/acme/today")
				if resp, _ := manager.post("/w/acme/setup/crm", form); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
					t.Errorf("a manager pasting a token: %d, want 403 or 404", resp.StatusCode)
				}
				if ws, _ := e.eng.Workspace(ctx, "acme"); ws.CRM != nil {
					t.Fatalf("a manager connected %+v", ws.CRM)
				}

				resp, body = admin.post("/w/acme/setup/crm", form)
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/setup/crm?done=connected" {
					t.Fatalf("a good token: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), regexp.MustCompile(`class="error[^>]*>[^<]*`).FindAllString(body, -1))
				}
				sealed, _, err := e.store.CRMToken(ctx, "acme")
				if err != nil || len(sealed) == 0 || bytes.Contains(sealed, []byte(good)) {
					t.Fatalf("the stored token %q, %v; want it sealed", sealed, err)
				}
				ws, _ := e.eng.Workspace(ctx, "acme")
				if ws.CRM == nil || ws.CRM.Kind != kind || ws.CRM.TokenFile != "" || ws.CRM.OAuth != nil || !crmsync.Pasted(ws.CRM) {
					t.Fatalf("the connection = %+v, want a pasted-token %s connection", ws.CRM, kind)
				}
				waitSync(t, e.setupEnv, "acme")
				_, body = admin.get("/w/acme/setup/crm?done=connected")
				if strings.Contains(body, good) {
					t.Error("the CRM page shows the token")
				}
				if !strings.Contains(body, `id="crm-state"`) || !strings.Contains(body, "Подключена "+crmName(kind)) || !strings.Contains(body, `id="to-people"`) {
					t.Errorf("the CRM page after the sync:\n%s", body)
				}
				if kind == domain.CRMPipedrive && !strings.Contains(body, `value="`+e.pdFront.URL+`"`) {
					t.Error("the company address is not shown back")
				}
				if !e.auditHas(t, "olga@acme.example", "setup crm token") {
					t.Error("the audit has no token connected by the admin")
				}
				// A company address outside Pipedrive would receive the token.
				if kind == domain.CRMPipedrive {
					form.Set("company_domain", "https://evil.example")
					if resp, body := admin.post("/w/acme/setup/crm", form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "pipedrive.com") {
						t.Errorf("a foreign company address: %d", resp.StatusCode)
					}
				}
			})
		})
	}
}

var moreAuthorizeLink = regexp.MustCompile(`href="([^"]+)" id="(hubspot|pipedrive)-authorize"`)

// authorizeOf reads the «Connect …» link of kind's app on the CRM page.
func authorizeOf(t *testing.T, body, kind string) *url.URL {
	t.Helper()
	for _, m := range moreAuthorizeLink.FindAllStringSubmatch(body, -1) {
		if m[2] == kind {
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
	}
	t.Fatalf("the CRM page has no link to %s's authorization page:\n%s", kind, body)
	return nil
}

// TestSetupCRMOAuthHubSpotPipedrive: a public app's id and secret saved
// (sealed), the authorization link with the exact redirect URI and a state
// of this session, and a callback that refuses a missing, forged, foreign,
// other-CRM or replayed state and a manager, then exchanges the code,
// seals the pair and syncs; a Pipedrive connection moves to the
// api_domain of the token answer.
func TestSetupCRMOAuthHubSpotPipedrive(t *testing.T) {
	for _, kind := range []string{domain.CRMHubSpot, domain.CRMPipedrive} {
		t.Run(kind, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				e := newMoreEnv(t, dsn)
				ctx := context.Background()
				admin, manager := e.company(t)
				fake, code, path, authorizeAt := &e.hs.Fake, hubSpotCode, hubSpotCallbackPath, "https://app.hubspot.example/oauth/authorize"
				if kind == domain.CRMPipedrive {
					fake, code, path, authorizeAt = &e.pd.Fake, pipedriveCode, pipedriveCallbackPath, "https://oauth.pipedrive.example/oauth/authorize"
				}
				fake.Mu.Lock()
				clientID, clientSecret := fake.ClientID, fake.ClientSecret
				fake.Mu.Unlock()

				if resp, body := admin.post("/w/acme/setup/crm", url.Values{"action": {kind + "app"}, "client_id": {clientID}}); resp.StatusCode != http.StatusBadRequest ||
					!strings.Contains(body, "Укажите идентификатор и секрет приложения "+crmName(kind)) {
					t.Errorf("an app without its secret: %d", resp.StatusCode)
				}
				resp, body := admin.post("/w/acme/setup/crm", url.Values{"action": {kind + "app"}, "client_id": {clientID}, "client_secret": {clientSecret}})
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("save the app: %d\n%s", resp.StatusCode, body)
				}
				_, body = admin.get(resp.Header.Get("Location"))
				if !strings.Contains(body, "Приложение "+crmName(kind)+" сохранено") || strings.Contains(body, clientSecret) {
					t.Errorf("the CRM page after saving the app:\n%s", body)
				}
				savedKind, _, sealed, err := e.store.CRMClientSecret(ctx, "acme")
				if err != nil || savedKind != kind || bytes.Contains(sealed, []byte(clientSecret)) {
					t.Fatalf("the client secret stored: %s %q %v; want it sealed", savedKind, sealed, err)
				}
				if !e.auditHas(t, "olga@acme.example", "setup crm application") {
					t.Error("the audit has no app saved by the admin")
				}
				link := authorizeOf(t, body, kind)
				q := link.Query()
				if link.Scheme+"://"+link.Host+link.Path != authorizeAt || q.Get("client_id") != clientID ||
					q.Get("redirect_uri") != e.http.URL+path || q.Get("state") == "" {
					t.Fatalf("the authorization link is %s", link)
				}
				if kind == domain.CRMHubSpot && q.Get("scope") != hubSpotScopes {
					t.Errorf("the HubSpot link asks for scopes %q, want %q", q.Get("scope"), hubSpotScopes)
				}
				callback := func(c *client, q url.Values) (*http.Response, string) { return c.get(path + "?" + q.Encode()) }
				good := url.Values{"code": {code}, "state": {q.Get("state")}}
				with := func(k, v string) url.Values {
					q := url.Values{"code": {code}, "state": {good.Get("state")}}
					if v == "" {
						q.Del(k)
					} else {
						q.Set(k, v)
					}
					return q
				}
				if resp, _ := callback(admin, with("state", "")); resp.StatusCode != http.StatusForbidden {
					t.Errorf("a callback without state: %d, want 403", resp.StatusCode)
				}
				if resp, _ := callback(admin, with("state", "forged")); resp.StatusCode != http.StatusForbidden {
					t.Errorf("a callback with a forged state: %d, want 403", resp.StatusCode)
				}
				// The admin's state in another browser (Anna's session).
				if resp, _ := callback(manager, good); resp.StatusCode != http.StatusForbidden {
					t.Errorf("a callback with another session's state: %d, want 403", resp.StatusCode)
				}
				// A state of this session for another CRM.
				must(t, "an amoCRM state", e.store.CreateOAuthState(ctx, store.OAuthState{StateHash: auth.HashToken("amo-state"),
					SessionHash: auth.HashToken(sessionOf(t, e.setupEnv, admin)), UserID: 1, Workspace: "acme", Kind: domain.CRMAmoCRM,
					CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(time.Hour)}))
				if resp, _ := callback(admin, with("state", "amo-state")); resp.StatusCode != http.StatusForbidden {
					t.Errorf("a %s callback with an amoCRM state: %d, want 403", kind, resp.StatusCode)
				}
				// A manager of acme with a state of her own session.
				anna, err := e.store.FindUserByEmail(ctx, "anna@acme.example")
				must(t, "anna", err)
				must(t, "anna's state", e.store.CreateOAuthState(ctx, store.OAuthState{StateHash: auth.HashToken("anna-state"),
					SessionHash: auth.HashToken(sessionOf(t, e.setupEnv, manager)), UserID: anna.ID, Workspace: "acme", Kind: kind,
					CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(time.Hour)}))
				if resp, _ := callback(manager, with("state", "anna-state")); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
					t.Errorf("a manager's callback: %d, want 403 or 404", resp.StatusCode)
				}
				// The head said no.
				if resp, body := callback(admin, url.Values{"error": {"access_denied"}, "state": {good.Get("state")}}); resp.StatusCode != http.StatusBadRequest ||
					!strings.Contains(body, "Доступ в "+crmName(kind)+" не разрешён") {
					t.Errorf("a denied authorization: %d", resp.StatusCode)
				}
				if _, _, err := e.store.CRMToken(ctx, "acme"); err == nil {
					t.Fatal("a refused callback stored tokens")
				}
				_, body = admin.get("/w/acme/setup/crm")
				good.Set("state", authorizeOf(t, body, kind).Query().Get("state"))
				resp, body = callback(admin, good)
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/setup/crm?done=connected" {
					t.Fatalf("the callback: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
				}
				if resp, _ := callback(admin, good); resp.StatusCode != http.StatusForbidden {
					t.Errorf("a replayed callback: %d, want 403", resp.StatusCode)
				}
				fake.Mu.Lock()
				access, refresh := fake.AccessToken, fake.RefreshToken
				fake.Mu.Unlock()
				sealedTok, _, err := e.store.CRMToken(ctx, "acme")
				if err != nil || bytes.Contains(sealedTok, []byte(access)) || bytes.Contains(sealedTok, []byte(refresh)) {
					t.Fatalf("the stored pair %q, %v; want it sealed", sealedTok, err)
				}
				ws, _ := e.eng.Workspace(ctx, "acme")
				wantBase := e.hsFront.URL
				if kind == domain.CRMPipedrive {
					wantBase = e.pdFront.URL // the token answer's api_domain
				}
				if ws.CRM == nil || ws.CRM.Kind != kind || ws.CRM.OAuth == nil || ws.CRM.OAuth.ClientID != clientID ||
					ws.CRM.OAuth.RedirectURI != e.http.URL+path || ws.CRM.BaseURL != wantBase {
					t.Fatalf("the connection = %+v %+v, want %s at %s", ws.CRM, ws.CRM.OAuth, kind, wantBase)
				}
				waitSync(t, e.setupEnv, "acme")
				_, body = admin.get("/w/acme/setup/crm?done=connected")
				if strings.Contains(body, access) || strings.Contains(body, refresh) || strings.Contains(body, code) {
					t.Error("the CRM page shows a token or the code")
				}
				if !e.auditHas(t, "olga@acme.example", "crm oauth connected") {
					t.Error("the audit has no connection by the admin")
				}
			})
		})
	}
}

// TestSetupCRMOAuthPipedriveForeignDomain: a token answer naming an
// api_domain outside Pipedrive connects nothing: the pair is not stored.
func TestSetupCRMOAuthPipedriveForeignDomain(t *testing.T) {
	e := newMoreEnv(t, "sqlite://"+t.TempDir()+"/pd.db")
	e.srv.cfg.Setup.HubSpotPipedrive.PipedriveDomain = func(string) bool { return false }
	ctx := context.Background()
	admin, _ := e.company(t)
	e.pd.Mu.Lock()
	clientID, clientSecret := e.pd.ClientID, e.pd.ClientSecret
	e.pd.Mu.Unlock()
	if resp, body := admin.post("/w/acme/setup/crm", url.Values{"action": {"pipedriveapp"}, "client_id": {clientID}, "client_secret": {clientSecret}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the app: %d\n%s", resp.StatusCode, body)
	}
	_, body := admin.get("/w/acme/setup/crm")
	q := url.Values{"code": {pipedriveCode}, "state": {authorizeOf(t, body, domain.CRMPipedrive).Query().Get("state")}}
	resp, body := admin.get(pipedriveCallbackPath + "?" + q.Encode())
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "не доверяем") {
		t.Errorf("a foreign api_domain: %d\n%s", resp.StatusCode, body)
	}
	if _, _, err := e.store.CRMToken(ctx, "acme"); err == nil {
		t.Error("the pair of a foreign api_domain is stored")
	}
}

var moreSections = regexp.MustCompile(`(?s)<section class="panel" id="hubspot">.*?<section class="panel" id="pipedrive">.*?</section>`)

// TestSetupCRMMoreLanguages: the HubSpot and Pipedrive blocks of the CRM
// step and their refusals say no English in Russian and no Russian in
// English (TestRussianPages' server has no syncer, so it never shows them).
func TestSetupCRMMoreLanguages(t *testing.T) {
	e := newMoreEnv(t, "sqlite://"+t.TempDir()+"/lang.db")
	admin, _ := e.company(t)
	for _, lang := range []string{"ru", "en"} {
		admin.post("/lang", url.Values{"lang": {lang}})
		var texts []string
		_, body := admin.get("/w/acme/setup/crm")
		section := moreSections.FindString(body)
		if section == "" {
			t.Fatalf("%s: the CRM page has no HubSpot and Pipedrive blocks:\n%s", lang, body)
		}
		texts = append(texts, section)
		for _, form := range []url.Values{{"action": {"hubspot"}}, {"action": {"pipedrive"}, "token": {"x"}, "company_domain": {"https://evil.example"}},
			{"action": {"hubspotapp"}}, {"action": {"pipedriveapp"}, "client_id": {"x"}}, {"action": {"pipedrive"}, "token": {"wrong"}, "company_domain": {e.pdFront.URL}}} {
			resp, body := admin.post("/w/acme/setup/crm", form)
			m := regexp.MustCompile(`id="crm-error">[^<]+`).FindString(body)
			if resp.StatusCode != http.StatusBadRequest || m == "" {
				t.Errorf("%s: %v: %d, want 400 with the reason", lang, form, resp.StatusCode)
			}
			texts = append(texts, "<p "+m+"</p>")
		}
		for _, text := range texts {
			if lang == "ru" {
				if w := latinWords(text); len(w) > 0 {
					t.Errorf("English words in Russian: %s\n%s", strings.Join(w, " "), text)
				}
			} else if w := cyrillicWord.FindAllString(html.UnescapeString(tag.ReplaceAllString(text, " ")), -1); len(w) > 0 {
				t.Errorf("Russian words in English: %s\n%s", strings.Join(w, " "), text)
			}
		}
	}
}
