package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"reglament/internal/auth"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// setupEnv is a server over an empty database with a fake amoCRM (behind
// its OAuth front, accepting amoCode once) and a fake Bitrix24 portal,
// both holding a small account: three users, companies, deals, tasks and
// calls of this morning. Today is Wednesday 2026-11-18, 10:00 in Moscow.
type setupEnv struct {
	t     testing.TB
	clock *clock
	store *store.Store
	eng   *engine.Engine
	srv   *Server
	http  *httptest.Server
	amo   *amocrmtest.Server
	front *amocrmtest.OAuthFront
	b24   *bitrix24test.Server
	// b24front serves the Bitrix24 local application's OAuth (b24Code once).
	b24front *bitrix24test.OAuthFront
	box      *secret.Box
}

const (
	amoCode = "amo-code-1"
	b24Code = "b24-code-1"
)

func newSetupEnv(t testing.TB) *setupEnv {
	t.Helper()
	s := storetest.MustOpen(t, "sqlite://"+filepath.Join(t.TempDir(), "setup.db"))
	c := &clock{t: time.Date(2026, 11, 18, 10, 0, 0, 0, mustLocation(t, "Europe/Moscow"))}
	eng := engine.New(s, c.Now)
	box, err := secret.NewBox(bytes.Repeat([]byte{0x42}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	e := &setupEnv{t: t, clock: c, store: s, eng: eng, box: box}
	// The fakes' clocks run from the test's moment at the real pace: the
	// connectors wait for their rate limits in real time.
	start, real0 := c.Now(), time.Now()
	fakeNow := func() time.Time { return start.Add(time.Since(real0)) }
	e.amo = amocrmtest.NewServer(fakeNow)
	e.amo.ClientID, e.amo.ClientSecret = "7c1e0f7a-amo-integration", "s3cr3t-of-the-amo-integration"
	t.Cleanup(e.amo.Close)
	e.b24 = bitrix24test.NewServer(fakeNow)
	t.Cleanup(e.b24.Close)
	fillFakes(e.amo, e.b24, c.Now())

	syncer := &crmsync.Syncer{Store: s, Secrets: box}
	srv, err := New(Config{Engine: eng, AllowPrivateWebhooks: true,
		Channels: Channels{Telegram: true, BotUsername: "reglament_test_bot"},
		Setup: SetupConfig{CRM: syncer, AmoCRMAuthorizeURL: "", AmoCRMAccount: func(referer string) (string, bool) {
			if referer != "acme.amocrm.ru" {
				return "", false
			}
			return e.front.URL, true
		}}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv)
	t.Cleanup(func() { e.http.Close(); srv.Close() })
	// amoCRM sends the browser back to the redirect URI the integration
	// holds: this server's, as the CRM page shows it.
	e.front = amocrmtest.NewOAuthFront(e.amo, amoCode, e.http.URL+amoCRMCallbackPath)
	t.Cleanup(e.front.Close)
	srv.cfg.Setup.AmoCRMAuthorizeURL = e.front.URL + "/oauth"
	e.b24front = bitrix24test.NewOAuthFront(e.b24, b24Code)
	t.Cleanup(e.b24front.Close)
	syncer.Bitrix24TokenURL = e.b24front.TokenURL()
	return e
}

// fillFakes gives both fake CRMs the same small account: Anna and Boris
// (who also works under a second account) sell; Olga, an accountant, has
// no records.
func fillFakes(amo *amocrmtest.Server, b24 *bitrix24test.Server, now time.Time) {
	amo.Mu.Lock()
	defer amo.Mu.Unlock()
	amo.Users = map[int64]*amocrmtest.User{
		11: {ID: 11, Name: "Анна Смирнова", Email: "anna@acme.example"},
		12: {ID: 12, Name: "Борис Петров", Email: "boris@acme.example"},
		13: {ID: 13, Name: "Борис Петров (второй)", Email: "boris2@acme.example"},
		14: {ID: 14, Name: "Ольга Бухгалтер", Email: "olga@acme.example"},
	}
	amo.Pipelines[amocrmtest.DefaultPipelineID] = &amocrmtest.Pipeline{ID: amocrmtest.DefaultPipelineID, Name: "Продажи", Sort: 1, IsMain: true,
		Statuses: []amocrmtest.Status{{ID: 7000, Name: "Новая", Sort: 20}, {ID: 142, Name: "Успешно", Sort: 10000}, {ID: 143, Name: "Отказ", Sort: 11000}}}
	at := now.Add(-2 * time.Hour).Unix()
	id := int64(100)
	for _, user := range []int64{11, 11, 12, 13} {
		id++
		amo.Companies[id] = &amocrmtest.Company{ID: id, ResponsibleUserID: user, CreatedBy: user, Name: "Клиент", CreatedAt: at, UpdatedAt: at}
		amo.Leads[id] = &amocrmtest.Lead{ID: id, ResponsibleUserID: user, CreatedBy: user, StatusID: 7000, Name: "Сделка", Price: "1000", CreatedAt: at, UpdatedAt: at}
		amo.Tasks[id] = &amocrmtest.Task{ID: id, ResponsibleUserID: user, EntityID: id, EntityType: "leads", TaskTypeID: 1, Text: "Позвонить",
			CompleteTill: now.Add(24 * time.Hour).Unix(), CreatedAt: at, UpdatedAt: at}
		amo.Notes["leads:"+itoa(int(id))] = &amocrmtest.Note{ID: id, EntityID: id, ResponsibleUserID: user, CreatedBy: user, Entity: "leads",
			NoteType: "call_out", CreatedAt: at, UpdatedAt: at, Duration: 120, CallStatus: 4}
	}

	b24.Mu.Lock()
	defer b24.Mu.Unlock()
	b24.Users = map[int64]*bitrix24test.User{
		1: {ID: 1, Name: "Анна", LastName: "Смирнова", Email: "anna@acme.example"},
		2: {ID: 2, Name: "Борис", LastName: "Петров", Email: "boris@acme.example"},
	}
	created := now.Add(-2 * time.Hour)
	for i, user := range []int64{1, 1, 2} {
		n := int64(i + 1)
		b24.Companies[n] = &bitrix24test.Company{ID: n, AssignedBy: user, CreatedBy: user, Title: "Клиент", Created: created, Modified: created}
		b24.Deals[n] = &bitrix24test.Deal{ID: n, AssignedBy: user, CreatedBy: user, Title: "Сделка", Semantic: "P", Opportunity: "1000", Created: created, Modified: created}
	}
}

// firstAdmin walks the first-run link and returns the admin's client.
func (e *setupEnv) firstAdmin() *client {
	e.t.Helper()
	link, ok, err := CreateSetupLink(context.Background(), e.store, e.clock.Now)
	if err != nil || !ok {
		e.t.Fatalf("CreateSetupLink = %q, %v, %v; want a link on an empty database", link, ok, err)
	}
	c := e.webClient()
	c.get(link)
	token := strings.TrimPrefix(link, "/setup?token=")
	resp, body := c.post("/setup", url.Values{"token": {token}, "email": {"olga@acme.example"}, "password": {"a long passphrase"}, "password2": {"a long passphrase"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/setup/company" {
		e.t.Fatalf("first admin: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	c.get("/setup/company") // the session's CSRF token
	return c
}

func (e *setupEnv) webClient() *client {
	te := &testEnv{t: e.t, clock: e.clock, store: e.store, eng: e.eng, srv: e.srv, http: e.http}
	return te.client()
}

func TestSetupFirstRun(t *testing.T) {
	e := newSetupEnv(t)
	ctx := context.Background()
	link, ok, err := CreateSetupLink(ctx, e.store, e.clock.Now)
	if err != nil || !ok {
		t.Fatalf("CreateSetupLink = %q, %v, %v", link, ok, err)
	}
	token := strings.TrimPrefix(link, "/setup?token=")
	c := e.webClient()
	if _, body := c.get("/login"); !strings.Contains(body, `id="login-first-run"`) {
		t.Error("the login page of an empty database does not say where the first account is made")
	}
	if resp, body := c.get(link); resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="first-form"`) {
		t.Fatalf("the setup link: %d\n%s", resp.StatusCode, body)
	}
	post := func(password, again string) (*http.Response, string) {
		return c.post("/setup", url.Values{"token": {token}, "email": {"olga@acme.example"}, "password": {password}, "password2": {again}})
	}
	if resp, body := post("short", "short"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "не короче 12") {
		t.Errorf("a short password: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := post("a long passphrase", "another passphrase"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("passwords that differ: %d, want 400", resp.StatusCode)
	}
	if has, _ := e.store.HasAccounts(ctx); has {
		t.Fatal("a refused form created an account")
	}
	resp, _ := post("a long passphrase", "a long passphrase")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first admin: %d, want 303", resp.StatusCode)
	}
	u, err := e.store.FindUserByEmail(ctx, "olga@acme.example")
	if err != nil || u.Role != auth.Admin || !auth.CheckPassword(u.PasswordHash, "a long passphrase") {
		t.Fatalf("the first admin = %+v, %v", u, err)
	}
	// Logged in: the company step opens.
	if resp, body := c.get("/setup/company"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Europe/Moscow") {
		t.Errorf("the company step after the first run: %d", resp.StatusCode)
	}
	// The link is spent: another browser is told so.
	other := e.webClient()
	if resp, body := other.get(link); resp.StatusCode != http.StatusGone || !strings.Contains(body, "уже использована") {
		t.Errorf("a used link: %d\n%s", resp.StatusCode, body)
	}
	other.get(link)
	if resp, _ := other.post("/setup", url.Values{"token": {token}, "email": {"eve@evil.example"}, "password": {"a long passphrase"}, "password2": {"a long passphrase"}}); resp.StatusCode != http.StatusGone {
		t.Errorf("a used link posted again: %d, want 410", resp.StatusCode)
	}
	if _, body := e.webClient().get("/login"); strings.Contains(body, `id="login-first-run"`) {
		t.Error("the login page still speaks of the first account")
	}
	// With an account, serve prints no link.
	if _, ok, _ := CreateSetupLink(ctx, e.store, e.clock.Now); ok {
		t.Error("a second setup link was made while an account exists")
	}

	// An unused link expires after a day.
	fresh := storetest.MustOpen(t, "sqlite://"+filepath.Join(t.TempDir(), "fresh.db"))
	must(t, "link", fresh.CreateSetupLink(ctx, auth.HashToken("tok"), e.clock.Now(), e.clock.Now().Add(SetupLinkTTL)))
	if st, _ := fresh.SetupLinkState(ctx, auth.HashToken("tok"), e.clock.Now().Add(25*time.Hour)); st != store.SetupLinkExpired {
		t.Errorf("a link after 25 h is %q, want expired", st)
	}
	e.clock.Add(25 * time.Hour)
	if resp, body := e.webClient().get("/setup?token=nope"); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Такой ссылки нет") {
		t.Errorf("an unknown link: %d", resp.StatusCode)
	}
}

var authorizeLink = regexp.MustCompile(`id="amocrm-connect" href="([^"]+)"|href="([^"]+)" id="amocrm-connect"`)

// authorizeState reads the state of the «Connect amoCRM» link of the CRM page.
func authorizeState(t *testing.T, body string) string {
	t.Helper()
	m := authorizeLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the CRM page has no «Connect amoCRM» link:\n%s", body)
	}
	href := m[1] + m[2]
	u, err := url.Parse(strings.ReplaceAll(href, "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

func TestSetupAmoCRMCallback(t *testing.T) {
	e := newSetupEnv(t)
	ctx := context.Background()
	admin := e.firstAdmin()
	form := url.Values{"id": {"acme"}, "name": {"Акме"}, "timezone": {"Europe/Moscow"}, "deadline": {"18:00"}, "grace": {"10"},
		"currency": {"RUB"}, "day_mon": {"on"}, "day_tue": {"on"}, "day_wed": {"on"}, "day_thu": {"on"}, "day_fri": {"on"},
		"holidays": {"2026-12-31\n2027-01-01"}}
	if resp, body := admin.post("/setup/company", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create the company: %d\n%s", resp.StatusCode, body)
	}
	// A head of another workspace and a manager of this one.
	must(t, "other", e.eng.Store.CreateUser(ctx, &store.User{Email: "x@x.example", Role: auth.Admin, PasswordHash: mustHash(t)}, "test"))
	_, body := admin.get("/w/acme/setup/crm")
	if !strings.Contains(body, e.http.URL+amoCRMCallbackPath) {
		t.Errorf("the CRM page does not show the redirect URI %s", e.http.URL+amoCRMCallbackPath)
	}
	if resp, body := admin.post("/w/acme/setup/crm", url.Values{"action": {"amocrm"}, "client_id": {e.amo.ClientID}, "client_secret": {e.amo.ClientSecret}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the integration: %d\n%s", resp.StatusCode, body)
	}
	_, body = admin.get("/w/acme/setup/crm?done=saved")
	if strings.Contains(body, e.amo.ClientSecret) {
		t.Error("the CRM page shows the client secret")
	}
	_, sealed, _ := func() (string, []byte, error) {
		_, id, s, err := e.store.CRMClientSecret(ctx, "acme")
		return id, s, err
	}()
	if len(sealed) == 0 || bytes.Contains(sealed, []byte(e.amo.ClientSecret)) {
		t.Errorf("the client secret is stored %q, want it sealed", sealed)
	}
	if !regexp.MustCompile(`href="https://www\.kommo\.com/oauth\?client_id=[^"]+state=[^"]+" id="kommo-connect"`).MatchString(body) {
		t.Error("the CRM page has no link to Kommo's authorization page")
	}
	stateToken := authorizeState(t, body)
	callback := func(c *client, q url.Values) (*http.Response, string) {
		return c.get(amoCRMCallbackPath + "?" + q.Encode())
	}
	good := url.Values{"code": {amoCode}, "state": {stateToken}, "referer": {"acme.amocrm.ru"}, "client_id": {e.amo.ClientID}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for key, vs := range good {
			q[key] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	// Refused: no state; a state nobody made; another session's state
	// (another admin, logged in elsewhere); nobody logged in.
	if resp, _ := callback(admin, with("state", "")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a callback without state: %d, want 403", resp.StatusCode)
	}
	if resp, _ := callback(admin, with("state", "forged")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a callback with a forged state: %d, want 403", resp.StatusCode)
	}
	other := e.webClient()
	other.get("/login")
	if resp, body := other.post("/login", url.Values{"email": {"x@x.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login x: %d %s", resp.StatusCode, body)
	}
	if resp, _ := callback(other, good); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a callback with another session's state: %d, want 403", resp.StatusCode)
	}
	if resp, _ := callback(e.webClient(), good); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a callback without a session: %d, want 403", resp.StatusCode)
	}
	// A head of another workspace, with a state of their own session that
	// names acme (made before they lost acme, say), is refused.
	form.Set("id", "beta")
	if resp, body := admin.post("/setup/company", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create beta: %d\n%s", resp.StatusCode, body)
	}
	betaHead := &store.User{Email: "head@beta.example", Role: auth.Head, Workspace: "beta", PasswordHash: mustHash(t)}
	must(t, "beta head", e.store.CreateUser(ctx, betaHead, "test"))
	outsider := e.webClient()
	outsider.get("/login")
	if resp, _ := outsider.post("/login", url.Values{"email": {"head@beta.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login head@beta: %d", resp.StatusCode)
	}
	must(t, "outsider's state", e.store.CreateOAuthState(ctx, store.OAuthState{StateHash: auth.HashToken("outsider-state"),
		SessionHash: auth.HashToken(sessionOf(t, e, outsider)), UserID: betaHead.ID, Workspace: "acme", Kind: domain.CRMAmoCRM,
		CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(time.Hour)}))
	// (Another workspace is not found, as everywhere: its existence is not told.)
	if resp, _ := callback(outsider, with("state", "outsider-state")); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("a callback by a head of another workspace: %d, want 403 or 404", resp.StatusCode)
	}
	if resp, _ := outsider.get("/w/acme/setup/crm"); resp.StatusCode < 400 {
		t.Errorf("a head of another workspace opens acme's CRM step: %d", resp.StatusCode)
	}
	// A referer outside amoCRM would receive the secret: refused, and the
	// state is spent.
	if resp, body := callback(admin, with("referer", "evil.example")); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "не доверяем") {
		t.Errorf("a callback naming a foreign account: %d\n%s", resp.StatusCode, body)
	}
	if _, _, err := e.store.CRMToken(ctx, "acme"); err == nil {
		t.Fatal("a refused callback stored tokens")
	}
	// A fresh state, and the callback amoCRM makes.
	_, body = admin.get("/w/acme/setup/crm")
	good.Set("state", authorizeState(t, body))
	resp, body := callback(admin, good)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/setup/crm?done=connected" {
		t.Fatalf("the callback: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	sealedTok, _, err := e.store.CRMToken(ctx, "acme")
	if err != nil || bytes.Contains(sealedTok, []byte(e.amo.AccessToken)) {
		t.Fatalf("stored token %q, %v; want it sealed", sealedTok, err)
	}
	// The same callback again (a replayed code) is refused.
	if resp, _ := callback(admin, good); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a replayed callback: %d, want 403", resp.StatusCode)
	}
	waitSync(t, e, "acme")
	_, body = admin.get("/w/acme/setup/crm")
	e.amo.Mu.Lock()
	access, refresh := e.amo.AccessToken, e.amo.RefreshToken
	e.amo.Mu.Unlock()
	if strings.Contains(body, access) || strings.Contains(body, refresh) {
		t.Error("the CRM page shows a token")
	}
	if !strings.Contains(body, `id="sync-status"`) || !strings.Contains(body, "завершена") {
		t.Errorf("the CRM page after the sync:\n%s", body)
	}
	ws, _ := e.eng.Workspace(ctx, "acme")
	if ws.CRM == nil || ws.CRM.OAuth == nil || ws.CRM.OAuth.ClientSecretFile != "" || ws.CRM.BaseURL != e.front.URL {
		t.Errorf("the connection = %+v", ws.CRM)
	}
	audit, _ := e.store.FindAudit(ctx, "acme", 50)
	actors := map[string]bool{}
	for _, a := range audit {
		actors[a.Actor+" "+a.Action] = true
	}
	if !actors["olga@acme.example crm oauth connected"] {
		t.Errorf("the audit has no connection by the admin: %v", actors)
	}
}

// waitSync waits for the first sync of workspace to end, and fails unless
// it ended well.
func waitSync(t testing.TB, e *setupEnv, workspace string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		p, err := e.store.FindSetupSync(context.Background(), workspace)
		if err == nil && p.Status != store.SetupSyncRunning {
			if p.Status != store.SetupSyncDone {
				t.Fatalf("the first sync of %s: %+v", workspace, p)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the first sync of %s did not end in a minute", workspace)
}

func mustHash(t testing.TB) string {
	h, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var b24AuthorizeLink = regexp.MustCompile(`href="([^"]+)" id="bitrix24-authorize"`)

// A Bitrix24 local application: the portal, its code and key saved, the
// portal's authorization page, the callback with the portal's domain.
func TestSetupBitrix24OAuth(t *testing.T) {
	e := newSetupEnv(t)
	// The first sync holds the CRM lock the scheduled syncs take.
	var locks, unlocks atomic.Int32
	e.srv.cfg.Setup.LockCRM = func(ctx context.Context, workspace string) (func(), error) {
		locks.Add(1)
		return func() { unlocks.Add(1) }, nil
	}
	ctx := context.Background()
	admin := e.firstAdmin()
	form := url.Values{"id": {"acme"}, "name": {"Акме"}, "timezone": {"Europe/Moscow"}, "deadline": {"18:00"}, "grace": {"10"},
		"currency": {"RUB"}, "day_mon": {"on"}, "day_tue": {"on"}, "day_wed": {"on"}, "day_thu": {"on"}, "day_fri": {"on"}}
	if resp, body := admin.post("/setup/company", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create the company: %d\n%s", resp.StatusCode, body)
	}
	admin.get("/w/acme/setup/crm")
	if resp, body := admin.post("/w/acme/setup/crm", url.Values{"action": {"bitrix24app"}, "portal": {e.b24front.URL + "/rest/1/x/"},
		"client_id": {e.b24.ClientID}, "client_secret": {e.b24.ClientSecret}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "без пути") {
		t.Errorf("a portal address with a path: %d", resp.StatusCode)
	}
	if resp, body := admin.post("/w/acme/setup/crm", url.Values{"action": {"bitrix24app"}, "portal": {e.b24front.URL},
		"client_id": {e.b24.ClientID}, "client_secret": {e.b24.ClientSecret}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the application: %d\n%s", resp.StatusCode, body)
	}
	_, body := admin.get("/w/acme/setup/crm?done=b24saved")
	if !strings.Contains(body, "Приложение сохранено") {
		t.Error("the CRM page does not say the application is saved")
	}
	if strings.Contains(body, e.b24.ClientSecret) {
		t.Error("the CRM page shows the application's key")
	}
	m := b24AuthorizeLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link to the portal's authorization page:\n%s", body)
	}
	link, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if err != nil || link.Scheme+"://"+link.Host != e.b24front.URL || link.Path != "/oauth/authorize/" || link.Query().Get("client_id") != e.b24.ClientID {
		t.Fatalf("the authorization link is %s", m[1])
	}
	host := strings.TrimPrefix(e.b24front.URL, "http://")
	q := url.Values{"code": {b24Code}, "state": {link.Query().Get("state")}, "domain": {"evil.bitrix24.ru"}, "member_id": {"m1"}}
	if resp, _ := admin.get(bitrix24CallbackPath + "?" + q.Encode()); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a callback naming another portal: %d, want 400", resp.StatusCode)
	}
	// An amoCRM state of this very session does not serve a Bitrix24 callback.
	must(t, "an amoCRM state", e.store.CreateOAuthState(ctx, store.OAuthState{StateHash: auth.HashToken("amo-state"),
		SessionHash: auth.HashToken(sessionOf(t, e, admin)), UserID: 1, Workspace: "acme", Kind: domain.CRMAmoCRM,
		CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(time.Hour)}))
	q.Set("state", "amo-state")
	q.Set("domain", host)
	if resp, _ := admin.get(bitrix24CallbackPath + "?" + q.Encode()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a Bitrix24 callback with an amoCRM state: %d, want 403", resp.StatusCode)
	}
	_, body = admin.get("/w/acme/setup/crm")
	m = b24AuthorizeLink.FindStringSubmatch(body)
	fresh, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	q.Set("state", fresh.Query().Get("state"))
	q.Set("domain", host)
	resp, body := admin.get(bitrix24CallbackPath + "?" + q.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/setup/crm?done=connected" {
		t.Fatalf("the callback: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if resp, _ := admin.get(bitrix24CallbackPath + "?" + q.Encode()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a replayed callback: %d, want 403", resp.StatusCode)
	}
	sealed, _, err := e.store.CRMToken(ctx, "acme")
	e.b24.Mu.Lock()
	access := e.b24.AccessToken
	e.b24.Mu.Unlock()
	if err != nil || strings.Contains(string(sealed), access) {
		t.Fatalf("the stored token %q, %v; want it sealed", sealed, err)
	}
	waitSync(t, e, "acme")
	if locks.Load() != 1 || unlocks.Load() != 1 {
		t.Errorf("the first sync took the CRM lock %d times and gave it up %d times, want once", locks.Load(), unlocks.Load())
	}
	_, body = admin.get("/w/acme/setup/people")
	if !strings.Contains(body, "Анна Смирнова") || strings.Contains(body, access) {
		t.Errorf("the people page after the Bitrix24 application's sync:\n%s", body)
	}
}

// sessionOf is the session token in c's cookies.
func sessionOf(t *testing.T, e *setupEnv, c *client) string {
	t.Helper()
	u, _ := url.Parse(e.http.URL)
	for _, k := range c.http.Jar.Cookies(u) {
		if k.Name == sessionCookie {
			return k.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}
