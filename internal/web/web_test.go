package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"reglament/internal/auth"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestPagesAsHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		for _, tt := range []struct {
			path string
			want []string
		}{
			{"/w/acme/today", []string{"Сегодня, пятница, 20 ноября", "Анна Петрова", "до дедлайна", `href="/w/acme/why/anna/2026-11-20/calls_held"`}},
			{"/w/acme/day/2026-11-16", []string{"Таблица за 16 ноября 2026", "итоговый", `href="/w/acme/why/boris/2026-11-16/deals_without_tasks"`}},
			{"/w/acme/why/anna/2026-11-16/calls_held", []string{"Проведено разговоров", "засчитано"}},
			{"/w/acme/month?period=2026-11", []string{"Контрольная таблица за ноябрь 2026", `href="/w/acme/day/2026-11-17"`}},
			{"/w/acme/statement?period=2026-W47", []string{"Ведомость за 16 ноября – 22 ноября", "Вера Ким"}},
			{"/w/acme/adjustments", []string{"Новая корректировка", "Журнал изменений"}},
			{"/w/acme/wall", []string{`http-equiv="refresh"`, "Неделя 16 ноября – 22 ноября"}},
			{"/w/acme/regulation", []string{"effective: 2026-11-23", "calls_held"}},
			{"/w/acme/managers/boris", []string{"Борис Смирнов", "<svg", "<rect"}},
			{"/w/acme/settings", []string{"Europe/Moscow", "anna@acme.example"}},
		} {
			resp, body := c.get(tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d, want 200\n%s", tt.path, resp.StatusCode, body)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: page lacks %q", tt.path, w)
				}
			}
			if strings.Contains(body, "style=") || strings.Contains(body, "<script") {
				t.Errorf("GET %s: inline style or script would break the CSP", tt.path)
			}
		}
		// The language follows the user's choice.
		c.post("/lang", url.Values{"lang": {"en"}})
		if _, body := c.get("/w/acme/today"); !strings.Contains(body, "Today, Friday, 20 November") {
			t.Errorf("after switching to English, Today is not in English")
		}
	})
}

func TestManagerSeesOwnChecklist(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("anna@acme.example")
		resp, body := c.get("/w/acme/today")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("today: status %d", resp.StatusCode)
		}
		if !strings.Contains(body, `id="checklist"`) || !strings.Contains(body, "Анна Петрова") {
			t.Errorf("manager's Today lacks her checklist or her line")
		}
		if strings.Contains(body, "Борис Смирнов") {
			t.Errorf("manager's Today shows a colleague's line")
		}
		// Pages of every manager show a manager her own line only.
		for _, p := range []string{"/w/acme/day/2026-11-16", "/w/acme/month?period=2026-11", "/w/acme/statement?period=2026-W47",
			"/w/acme/statement?period=2026-W47&format=csv", "/w/acme/month?period=2026-11&format=csv"} {
			resp, body = c.get(p)
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "Борис") || strings.Contains(body, "boris") || !strings.Contains(body, "Анна Петрова") {
				t.Errorf("manager's %s: status %d; want only her own line\n%.300s", p, resp.StatusCode, body)
			}
		}
		api := env.api("anna@acme.example")
		for _, p := range []string{"/api/v1/workspaces/acme/statements/2026-11", "/api/v1/workspaces/acme/sheets/2026-11-16"} {
			resp, body = api.get(p)
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "boris") || !strings.Contains(body, `"anna"`) {
				t.Errorf("manager's API %s: status %d; want only her own line", p, resp.StatusCode)
			}
		}
	})
}

// route is one request of the isolation walk.
type route struct {
	method, path, body string
}

// acmeRoutes lists every route of workspace acme that reaches data.
var acmeRoutes = []route{
	{"GET", "/w/acme/today", ""},
	{"GET", "/w/acme/day/2026-11-16", ""},
	{"POST", "/w/acme/day/2026-11-16/recompute", "reason=x"},
	{"GET", "/w/acme/why/boris/2026-11-16/calls_held", ""},
	{"GET", "/w/acme/month", ""},
	{"GET", "/w/acme/month?format=xlsx", ""},
	{"GET", "/w/acme/statement?period=2026-W47&format=csv", ""},
	{"GET", "/w/acme/statement", ""},
	{"GET", "/w/acme/adjustments", ""},
	{"POST", "/w/acme/adjustments", "manager=boris&date=2026-11-17&points=5&reason=x"},
	{"GET", "/w/acme/wall", ""},
	{"GET", "/w/acme/regulation", ""},
	{"POST", "/w/acme/regulation", "action=preview&yaml=regulation: []"},
	{"GET", "/w/acme/managers/boris", ""},
	{"GET", "/w/acme/settings", ""},
	{"POST", "/w/acme/settings", "yaml=" + url.QueryEscape("workspace: acme\ntimezone: UTC\nmanagers: [{id: evil}]\n")},
	{"POST", "/w/acme/users", "email=evil@x.example&role=head"},
	{"POST", "/w/acme/users/3", "action=remove"},
	{"POST", "/w/acme/users/3", "action=save&role=head"},
	{"POST", "/w/acme/tokens", "user=2&name=x"},
	{"POST", "/w/acme/tokens/revoke", "token=" + strings.Repeat("0", 64)},
	{"GET", "/api/v1/workspaces/acme", ""},
	{"GET", "/api/v1/workspaces/acme/managers", ""},
	{"GET", "/api/v1/workspaces/acme/sheets/2026-11-16", ""},
	{"GET", "/api/v1/workspaces/acme/statements/2026-11", ""},
	{"GET", "/api/v1/workspaces/acme/adjustments", ""},
	{"POST", "/api/v1/workspaces/acme/adjustments", `{"manager":"boris","date":"2026-11-17","points":5,"reason":"x"}`},
	{"GET", "/api/v1/workspaces/acme/regulation", ""},
	{"POST", "/api/v1/workspaces/acme/regulation", `{"regulation":"regulation:\n  - effective: 2026-11-23\n    rules: []\n"}`},
	{"POST", "/api/v1/workspaces/acme/backtests", `{"regulation":"regulation: []","period":"2026-11"}`},
}

// colleagueRoutes are the routes a manager of acme (anna) must not reach:
// a colleague's data and everything only heads see or change.
var colleagueRoutes = []route{
	{"GET", "/w/acme/why/boris/2026-11-16/calls_held", ""},
	{"GET", "/w/acme/managers/boris", ""},
	{"POST", "/w/acme/day/2026-11-16/recompute", "reason=x"},
	{"GET", "/w/acme/adjustments", ""},
	{"POST", "/w/acme/adjustments", "manager=anna&date=2026-11-17&points=5&reason=x"},
	{"GET", "/w/acme/regulation", ""},
	{"POST", "/w/acme/regulation", "action=preview&yaml=regulation: []"},
	{"GET", "/w/acme/settings", ""},
	{"POST", "/w/acme/settings", "yaml=" + url.QueryEscape("workspace: acme\ntimezone: UTC\nmanagers: [{id: evil}]\n")},
	{"POST", "/w/acme/users", "email=evil@x.example&role=head"},
	{"POST", "/w/acme/users/2", "action=remove"},
	{"POST", "/w/acme/users/3", "action=save&role=head"},
	{"POST", "/w/acme/tokens", "user=3&name=x"},
	{"POST", "/w/acme/tokens/revoke", "token=" + strings.Repeat("0", 64)},
	{"GET", "/api/v1/workspaces/acme/adjustments", ""},
	{"POST", "/api/v1/workspaces/acme/adjustments", `{"manager":"anna","date":"2026-11-17","points":5,"reason":"x"}`},
	{"GET", "/api/v1/workspaces/acme/regulation", ""},
	{"POST", "/api/v1/workspaces/acme/regulation", `{"regulation":"regulation:\n  - effective: 2026-11-23\n    rules: []\n"}`},
	{"POST", "/api/v1/workspaces/acme/backtests", `{"regulation":"regulation: []","period":"2026-11"}`},
}

// walk requests every route with both a browser session and the API token
// of email and expects 403 or 404 each time.
func walk(t *testing.T, env *testEnv, email string, routes []route) {
	t.Helper()
	browser := env.login(email)
	browser.get("/w/acme/wall") // any page, for a fresh CSRF token
	token := env.api(email)
	for _, r := range routes {
		for name, c := range map[string]*client{"session": browser, "token": token} {
			var resp *http.Response
			var body string
			switch {
			case r.method == "GET":
				resp, body = c.get(r.path)
			case strings.HasPrefix(r.body, "{"):
				resp, body = c.postJSON(r.path, r.body)
			default:
				form, _ := url.ParseQuery(r.body)
				resp, body = c.post(r.path, form)
			}
			if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s (%s) %s %s: status %d, want 403 or 404\n%.300s", email, name, r.method, r.path, resp.StatusCode, body)
			}
		}
	}
	if adjs, _ := env.store.FindAdjustments(t.Context(), "acme", mustDate("2026-11-01"), mustDate("2026-11-30")); len(adjs) != 0 {
		t.Errorf("%s changed acme: %d adjustments stored", email, len(adjs))
	}
	if versions, _ := env.store.FindSheetVersions(t.Context(), "acme", mustDate("2026-11-16")); len(versions) != 1 {
		t.Errorf("%s changed acme: %d versions of 2026-11-16", email, len(versions))
	}
	if ws, _ := env.eng.Workspace(t.Context(), "acme"); len(ws.Regulation) != 2 {
		t.Errorf("%s changed acme: %d regulation versions", email, len(ws.Regulation))
	}
	if users, _ := env.store.FindUsers(t.Context(), "acme"); len(users) != 3 {
		t.Errorf("%s changed acme: %d users", email, len(users))
	}
	if tokens, _ := env.store.FindAPITokens(t.Context(), "acme"); len(tokens) != 3 {
		t.Errorf("%s changed acme: %d API tokens", email, len(tokens))
	}
}

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		t.Run("head of another workspace", func(t *testing.T) { walk(t, env, "head@other.example", acmeRoutes) })
		t.Run("manager reaching for a colleague", func(t *testing.T) { walk(t, env, "anna@acme.example", colleagueRoutes) })
		t.Run("wall screen", func(t *testing.T) {
			walk(t, env, "wall@acme.example", append(colleagueRoutes[:len(colleagueRoutes):len(colleagueRoutes)], route{"GET", "/w/acme/day/2026-11-16", ""},
				route{"GET", "/api/v1/workspaces/acme/sheets/2026-11-16", ""}, route{"GET", "/w/acme/month", ""},
				route{"GET", "/w/acme/statement?format=csv", ""}, route{"GET", "/api/v1/workspaces/acme/statements/2026-11", ""}))
		})
		t.Run("anonymous", func(t *testing.T) {
			c := env.client()
			for _, r := range acmeRoutes {
				if r.method != "GET" {
					continue
				}
				resp, _ := c.get(r.path)
				want := http.StatusSeeOther
				if strings.HasPrefix(r.path, "/api/") {
					want = http.StatusUnauthorized
				}
				if resp.StatusCode != want {
					t.Errorf("anonymous GET %s: status %d, want %d", r.path, resp.StatusCode, want)
				}
			}
		})
		t.Run("admin reaches everything", func(t *testing.T) {
			c := env.api("admin@example.com")
			for _, p := range []string{"/api/v1/workspaces/acme/statements/2026-11", "/api/v1/workspaces/other/statements/2026-11"} {
				if resp, body := c.get(p); resp.StatusCode != http.StatusOK {
					t.Errorf("admin GET %s: status %d\n%s", p, resp.StatusCode, body)
				}
			}
		})
	})
}

func TestCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/adjustments")
		form := url.Values{"manager": {"boris"}, "date": {"2026-11-17"}, "points": {"5"}, "reason": {"звонки с личного телефона"}}
		for name, token := range map[string]string{"missing": "", "wrong": strings.Repeat("x", 43)} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("csrf", token)
			if resp, _ := c.post("/w/acme/adjustments", f); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s CSRF token: status %d, want 403", name, resp.StatusCode)
			}
		}
		if resp, _ := c.postJSON("/api/v1/workspaces/acme/adjustments", ""); resp.StatusCode == http.StatusForbidden {
			// postJSON sent the right header: the 400 for the empty body proves the check passed.
			t.Errorf("API POST with a session and the X-CSRF-Token header was refused")
		}
		// The token forms of Settings are protected the same way.
		anna, _ := s.FindUserByEmail(t.Context(), "anna@acme.example")
		for path, f := range map[string]url.Values{
			"/w/acme/tokens":        {"user": {strconv.FormatInt(anna.ID, 10)}, "name": {"forged"}},
			"/w/acme/tokens/revoke": {"token": {auth.HashToken(env.tokens["anna@acme.example"])}},
			"/w/acme/settings":      {"yaml": {env.storedYAML("acme") + "holidays: [2026-12-31]\n"}},
		} {
			for name, token := range map[string]string{"missing": "", "wrong": strings.Repeat("x", 43)} {
				f.Set("csrf", token)
				if resp, _ := c.post(path, f); resp.StatusCode != http.StatusForbidden {
					t.Errorf("POST %s with a %s CSRF token: status %d, want 403", path, name, resp.StatusCode)
				}
			}
		}
		if ws, _ := s.FindWorkspace(t.Context(), "acme"); slices.Contains(ws.Holidays, mustDate("2026-12-31")) {
			t.Errorf("a settings save without a valid CSRF token changed the workspace")
		}
		if tokens, _ := s.FindAPITokens(t.Context(), "acme"); len(tokens) != 3 {
			t.Errorf("requests without a valid CSRF token left %d API tokens, want 3", len(tokens))
		}
		adjs, _ := s.FindAdjustments(t.Context(), "acme", mustDate("2026-11-17"), mustDate("2026-11-17"))
		if len(adjs) != 0 {
			t.Fatalf("a request without a valid CSRF token stored %d adjustments", len(adjs))
		}
		if resp, body := c.post("/w/acme/adjustments", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("valid form: status %d, want 303\n%s", resp.StatusCode, body)
		}
		adjs, _ = s.FindAdjustments(t.Context(), "acme", mustDate("2026-11-17"), mustDate("2026-11-17"))
		if len(adjs) != 1 || adjs[0].Author != "head@acme.example" || adjs[0].Points != 5 {
			t.Errorf("stored adjustments %+v, want one of +5 by head@acme.example", adjs)
		}
		// A reason is mandatory.
		form.Set("reason", " ")
		if resp, body := c.post("/w/acme/adjustments", form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="adjust-error"`) {
			t.Errorf("adjustment without a reason: status %d, want 400 with the form's error", resp.StatusCode)
		}
		// The login form is protected too, by the pre-session cookie.
		anon := env.client()
		resp, _ := anon.post("/login", url.Values{"email": {"head@acme.example"}, "password": {testPassword}, "csrf": {"forged"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("login with a forged CSRF token: status %d, want 403", resp.StatusCode)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s) // 3 failures per 10 minutes
		c := env.client()
		c.get("/login")
		for i := range 3 {
			resp, body := c.post("/login", url.Values{"email": {"head@acme.example"}, "password": {"wrong password"}})
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `id="login-error"`) {
				t.Fatalf("attempt %d: status %d, want 401 with an error", i+1, resp.StatusCode)
			}
		}
		resp, _ := c.post("/login", url.Values{"email": {"head@acme.example"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("right password after 3 failures: status %d, want 429", resp.StatusCode)
		}
		// Another account from the same address is not locked out.
		if resp, _ := c.post("/login", url.Values{"email": {"anna@acme.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("another account: status %d, want 303", resp.StatusCode)
		}
		env.clock.Add(11 * time.Minute)
		c = env.client()
		c.get("/login")
		if resp, _ := c.post("/login", url.Values{"email": {"head@acme.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("after the window: status %d, want 303", resp.StatusCode)
		}
		_, metrics := c.get("/metrics")
		if !strings.Contains(metrics, `reglament_logins_total{outcome="throttled"} 1`) {
			t.Errorf("metrics do not count the throttled login:\n%s", metrics)
		}
	})
}

// Failed logins count in the database: three failures on one instance
// lock the account out on another (another process on the same database),
// and the count survives the instance.
func TestLoginThrottlingAcrossInstances(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		env := newTestEnv(t, storetest.MustOpen(t, dsn)) // 3 failures per 10 minutes
		c := env.client()
		c.get("/login")
		for i := range 3 {
			if resp, _ := c.post("/login", url.Values{"email": {"head@acme.example"}, "password": {"wrong password"}}); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d, want 401", i+1, resp.StatusCode)
			}
		}
		srv2, err := New(Config{Engine: engine.New(storetest.MustOpen(t, dsn), env.clock.Now), LoginAttempts: 3, LoginWindow: 10 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		env2 := *env
		env2.srv, env2.http = srv2, httptest.NewServer(srv2)
		t.Cleanup(env2.http.Close)
		c2 := env2.client()
		c2.get("/login")
		if resp, _ := c2.post("/login", url.Values{"email": {"head@acme.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("right password on another instance after 3 failures: status %d, want 429", resp.StatusCode)
		}
		env.clock.Add(11 * time.Minute)
		c2 = env2.client()
		c2.get("/login")
		if resp, _ := c2.post("/login", url.Values{"email": {"head@acme.example"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("after the window, on another instance: status %d, want 303", resp.StatusCode)
		}
	})
}

func TestSessionCookieAndHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.client()
		c.get("/login")
		resp, _ := c.post("/login", url.Values{"email": {"head@acme.example"}, "password": {testPassword}})
		var session *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				session = ck
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie %+v: want HttpOnly and SameSite=Lax", session)
		}
		resp, _ = c.get("/w/acme/today")
		for h, want := range map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := resp.Header.Get(h); !strings.Contains(got, want) {
				t.Errorf("header %s = %q, want it to contain %q", h, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP allows inline code: %s", csp)
		}
		// Logging out ends the session on the server, not just in the browser.
		c.post("/logout", nil)
		replay := env.client()
		replay.http.Jar.SetCookies(mustURL(env.http.URL), []*http.Cookie{{Name: sessionCookie, Value: session.Value}})
		if resp, _ := replay.get("/w/acme/today"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a logged-out session still works: status %d", resp.StatusCode)
		}
	})
}

func TestErrorsHideInternals(t *testing.T) {
	var logs bytes.Buffer
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	env.srv.log = slog.New(slog.NewTextHandler(&logs, nil))
	c := env.api("head@acme.example")
	// A missing record is the user's business: its message is shown.
	resp, body := c.get("/api/v1/workspaces/acme/sheets/2026-13-45")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"code":"invalid"`) {
		t.Errorf("bad date: status %d body %s; want 400 invalid", resp.StatusCode, body)
	}
	// A broken database is not: the user sees "internal error", the log the cause.
	s.Close()
	for _, p := range []string{"/api/v1/workspaces/acme/statements/2026-11", "/w/acme/statement"} {
		browser := env.api("head@acme.example")
		resp, body = browser.get(p)
		if resp.StatusCode < 500 {
			t.Errorf("GET %s on a closed store: status %d, want 5xx", p, resp.StatusCode)
		}
		if strings.Contains(strings.ToLower(body), "sql") || strings.Contains(body, "closed") {
			t.Errorf("GET %s shows internal error text:\n%s", p, body)
		}
		if !strings.Contains(body, "internal error") && !strings.Contains(body, "внутренняя ошибка") {
			t.Errorf("GET %s: want \"internal error\" in\n%s", p, body)
		}
	}
	if !strings.Contains(logs.String(), "closed") {
		t.Errorf("the log lacks the cause of the internal error:\n%s", logs.String())
	}
	// A panic is recovered, logged and hidden.
	logs.Reset()
	h := env.srv.recoverPanics(securityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") })))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/x", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("panic: status %d body %q; want 500 without the detail", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Errorf("the panic is not logged")
	}
}

func TestRequestBodyLimit(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	c := env.api("head@acme.example")
	big := `{"manager":"boris","date":"2026-11-17","points":5,"reason":"` + strings.Repeat("x", 2<<20) + `"}`
	resp, body := c.postJSON("/api/v1/workspaces/acme/adjustments", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: status %d, want 413\n%.200s", resp.StatusCode, body)
	}
}

func TestStatementXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		resp, body := c.get("/w/acme/statement?period=2026-W47&format=xlsx")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "statement-acme-2026-W47.xlsx") {
			t.Fatalf("xlsx: status %d, disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("2026-W47", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		api := env.api("head@acme.example")
		_, js := api.get("/api/v1/workspaces/acme/statements/2026-W47")
		var st struct {
			Managers []struct {
				Manager string `json:"manager"`
				Total   int    `json:"total"`
				Money   string `json:"money"`
			} `json:"managers"`
		}
		if err := json.Unmarshal([]byte(js), &st); err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(st.Managers)+2 {
			t.Fatalf("xlsx has %d rows, want a header, %d managers and the totals", len(rows), len(st.Managers))
		}
		for i, m := range st.Managers {
			row := rows[i+1]
			if row[0] != m.Manager || row[8] != itoa(m.Total) || !sameDecimal(row[9], m.Money) {
				t.Errorf("xlsx row %d = %q; want manager %s, total %d, money %s as in the API", i+1, row, m.Manager, m.Total, m.Money)
			}
		}
		csvResp, csvBody := c.get("/w/acme/month?period=2026-11&format=csv")
		if csvResp.StatusCode != http.StatusOK || !strings.Contains(csvBody, "2026-11-16") {
			t.Errorf("month CSV: status %d\n%s", csvResp.StatusCode, csvBody)
		}
	})
}

func TestHealthzAndMetrics(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	c := env.client()
	if resp, body := c.get("/healthz"); resp.StatusCode != http.StatusOK || body != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
	c.get("/nope")
	_, body := c.get("/metrics")
	for _, want := range []string{
		`reglament_http_requests_total{method="GET",route="GET /healthz",status="200"} 1`,
		`reglament_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} 1`,
		`# TYPE reglament_http_request_duration_seconds histogram`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{"": "ru", "en-US,en;q=0.9": "en", "de,en;q=0.5,ru;q=0.8": "ru", "ru;q=0.1,en;q=0.2": "en"} {
		if got := string(acceptLanguage(h)); got != want {
			t.Errorf("acceptLanguage(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/w/acme/today": "/w/acme/today", "//evil.example": "", "https://evil.example": "", `/\evil`: ""} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestWallScreenToken(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	var logs bytes.Buffer
	env.srv.log = slog.New(slog.NewJSONHandler(&logs, nil))
	c := env.client()
	resp, _ := c.get("/t/" + env.tokens["wall@acme.example"])
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/wall" {
		t.Fatalf("wall token link: status %d → %q; want 303 to the wall", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := c.get("/w/acme/wall"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="rank-month"`) {
		t.Errorf("wall after the token link: status %d", resp.StatusCode)
	}
	if resp, _ := c.get("/w/acme/day/2026-11-16"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wall screen opening a day sheet: status %d, want 403", resp.StatusCode)
	}
	// The API tokens of other roles do not open sessions from a URL.
	other := env.client()
	if resp, _ := other.get("/t/" + env.tokens["head@acme.example"]); resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") != "/login?next=%2Ft%2F"+env.tokens["head@acme.example"] {
		t.Errorf("a head's API token opened a session from a URL")
	}
	if resp, _ := other.get("/w/acme/today"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after a refused token link, Today: status %d, want a redirect to login", resp.StatusCode)
	}
	if strings.Contains(logs.String(), env.tokens["wall@acme.example"]) || !strings.Contains(logs.String(), `"route":"GET /t/{token}"`) {
		t.Errorf("the request log shows the wall token or lacks the request:\n%s", logs.String())
	}
}

func TestRegulationPreviewAndSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/regulation")
		strict := "regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls_held, at_least: 40}\n"
		resp, body := c.post("/w/acme/regulation", url.Values{"action": {"preview"}, "yaml": {strict}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="backtest"`) || !strings.Contains(body, "Борис Смирнов") {
			t.Fatalf("preview: status %d, want the backtest table\n%s", resp.StatusCode, body)
		}
		ws, _ := env.eng.Workspace(t.Context(), "acme")
		if len(ws.Regulation) != 2 {
			t.Fatalf("preview changed the regulation: %d versions, want the fixture's 2", len(ws.Regulation))
		}
		for _, bad := range []string{
			"regulation:\n  - effective: 2026-11-10\n    rules: []\n",                                       // the past keeps its rules
			"regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls, at_least: 4}\n", // unknown indicator
			"regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls_held, at_least: 4, managers: [nobody]}\n",
		} {
			resp, body := c.post("/w/acme/regulation", url.Values{"action": {"save"}, "yaml": {bad}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="reg-error"`) {
				t.Errorf("save %q: status %d, want 400 with the error on the page", bad, resp.StatusCode)
			}
		}
		resp, _ = c.post("/w/acme/regulation", url.Values{"action": {"save"}, "yaml": {strict}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: status %d, want 303", resp.StatusCode)
		}
		ws, _ = env.eng.Workspace(t.Context(), "acme")
		if len(ws.Regulation) != 3 || ws.Regulation[2].Effective != mustDate("2026-11-23") {
			t.Errorf("after save: %+v; want a third version from 2026-11-23", ws.Regulation)
		}
		if _, body := c.get("/w/acme/regulation?saved=1"); !strings.Contains(body, `id="saved"`) || !strings.Contains(body, "С 23 ноября 2026") {
			t.Errorf("the regulation page does not show the saved version")
		}
	})
}

func TestHeadAddsUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/settings")
		resp, body := c.post("/w/acme/users", url.Values{"email": {"boris@acme.example"}, "role": {"manager"}, "manager": {"boris"}})
		m := regexp.MustCompile(`id="new-password">([A-Za-z0-9]{16})<`).FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("add a manager: status %d, want the password shown once\n%.500s", resp.StatusCode, body)
		}
		boris := env.client()
		boris.get("/login")
		if resp, _ := boris.post("/login", url.Values{"email": {"boris@acme.example"}, "password": {m[1]}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the new manager cannot log in with the shown password: status %d", resp.StatusCode)
		}
		resp, body = c.post("/w/acme/users", url.Values{"email": {"tv@acme.example"}, "role": {"viewer"}})
		link := regexp.MustCompile(`id="new-link">(/t/[^<]+)<`).FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || link == nil {
			t.Fatalf("add a wall screen: status %d, want its link", resp.StatusCode)
		}
		if resp, _ := env.client().get(link[1]); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/wall" {
			t.Errorf("the new wall link: status %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, bad := range []url.Values{
			{"email": {"boris@acme.example"}, "role": {"head"}},                   // taken
			{"email": {"x@acme.example"}, "role": {"admin"}},                      // only the CLI makes admins
			{"email": {"x@acme.example"}, "role": {"manager"}},                    // which manager?
			{"email": {"x@acme.example"}, "role": {"manager"}, "manager": {"zz"}}, // unknown manager
			{"email": {"nope"}, "role": {"head"}},
		} {
			if resp, body := c.post("/w/acme/users", bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="user-error"`) {
				t.Errorf("add %v: status %d, want 400 with the error on the form", bad, resp.StatusCode)
			}
		}
		audit, _ := s.FindAudit(t.Context(), "acme", 5)
		if len(audit) == 0 || audit[0].Actor != "head@acme.example" || audit[0].Action != "user.create" {
			t.Errorf("audit %+v: want user.create by the head first", audit)
		}
		// A manager cannot add users; a head of another workspace cannot reach acme.
		for _, email := range []string{"anna@acme.example", "head@other.example"} {
			o := env.login(email)
			o.get("/w/acme/wall")
			if resp, _ := o.post("/w/acme/users", url.Values{"email": {"evil@x.example"}, "role": {"head"}}); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s adding a user to acme: status %d, want 403/404", email, resp.StatusCode)
			}
		}
	})
}

// A head changes a user of the workspace between head and manager, and
// removes a user who left: their session and API token stop working at
// once. Nobody changes their own account; wall screens can only be
// removed; a user of another workspace is not found.
func TestHeadChangesAndRemovesUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		id := func(email string) string {
			t.Helper()
			u, err := s.FindUserByEmail(t.Context(), email)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(u.ID, 10)
		}
		anna := env.login("anna@acme.example")
		annaAPI := env.api("anna@acme.example")
		if resp, _ := anna.get("/w/acme/settings"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("anna, a manager, on settings: status %d, want 403", resp.StatusCode)
		}
		c := env.login("head@acme.example")
		c.get("/w/acme/settings")

		resp, body := c.post("/w/acme/users/"+id("anna@acme.example"), url.Values{"action": {"save"}, "role": {"head"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="user-done"`) {
			t.Fatalf("make anna a head: status %d\n%.400s", resp.StatusCode, body)
		}
		if resp, _ := anna.get("/w/acme/settings"); resp.StatusCode != http.StatusOK {
			t.Errorf("anna, now a head, in her open session: settings status %d, want 200", resp.StatusCode)
		}
		for _, bad := range []struct {
			email string
			form  url.Values
			want  int
		}{
			{"head@acme.example", url.Values{"action": {"remove"}}, http.StatusBadRequest},                    // oneself
			{"anna@acme.example", url.Values{"action": {"save"}, "role": {"manager"}}, http.StatusBadRequest}, // which manager?
			{"anna@acme.example", url.Values{"action": {"save"}, "role": {"admin"}}, http.StatusBadRequest},   // not here
			{"wall@acme.example", url.Values{"action": {"save"}, "role": {"head"}}, http.StatusBadRequest},    // a screen
			{"anna@acme.example", url.Values{"action": {"save"}, "role": {"manager"}, "manager": {"zz"}}, http.StatusNotFound},
			{"head@other.example", url.Values{"action": {"remove"}}, http.StatusNotFound}, // another workspace
		} {
			if resp, body := c.post("/w/acme/users/"+id(bad.email), bad.form); resp.StatusCode != bad.want || !strings.Contains(body, `id="user-change-error"`) {
				t.Errorf("%s %v: status %d, want %d with the error on the page", bad.email, bad.form, resp.StatusCode, bad.want)
			}
		}
		if u, err := s.FindUserByEmail(t.Context(), "head@other.example"); err != nil || u.Role != "head" {
			t.Errorf("the head of another workspace after a refused removal: %+v, %v", u, err)
		}
		if resp, _ := c.post("/w/acme/users/"+id("anna@acme.example"), url.Values{"action": {"save"}, "role": {"manager"}, "manager": {"anna"}}); resp.StatusCode != http.StatusOK {
			t.Errorf("make anna a manager again: status %d", resp.StatusCode)
		}

		resp, body = c.post("/w/acme/users/"+id("anna@acme.example"), url.Values{"action": {"remove"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="user-done"`) || strings.Contains(body, "anna@acme.example</td>") {
			t.Fatalf("remove anna: status %d\n%.400s", resp.StatusCode, body)
		}
		if resp, _ := anna.get("/w/acme/today"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("anna's session after her removal: status %d, want a redirect to the login", resp.StatusCode)
		}
		if resp, _ := annaAPI.get("/api/v1/workspaces/acme/sheets/2026-11-16"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anna's API token after her removal: status %d, want 401", resp.StatusCode)
		}
		if resp, _ := c.post("/w/acme/users/"+id("wall@acme.example"), url.Values{"action": {"remove"}}); resp.StatusCode != http.StatusOK {
			t.Errorf("remove the wall screen: status %d", resp.StatusCode)
		}
		audit, _ := s.FindAudit(t.Context(), "acme", 10)
		var actions []string
		for _, a := range audit {
			if a.Actor == "head@acme.example" && strings.HasPrefix(a.Action, "user.") {
				actions = append(actions, a.Action)
			}
		}
		if diff := cmp.Diff([]string{"user.remove", "user.remove", "user.role", "user.role"}, actions); diff != "" {
			t.Errorf("the head's user audit, newest first (-want +got):\n%s", diff)
		}
	})
}

func TestRecomputeDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		_, body := c.get("/w/acme/day/2026-11-16")
		if !strings.Contains(body, `id="recompute-form"`) {
			t.Fatalf("a final day offers no recompute to the head")
		}
		if resp, body := c.post("/w/acme/day/2026-11-16/recompute", url.Values{"reason": {" "}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="recompute-error"`) {
			t.Errorf("recompute without a reason: status %d, want 400 with the error", resp.StatusCode)
		}
		if resp, _ := c.post("/w/acme/day/2026-11-16/recompute", url.Values{"reason": {"CRM fixed"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recompute: status %d, want 303", resp.StatusCode)
		}
		versions, err := s.FindSheetVersions(t.Context(), "acme", mustDate("2026-11-16"))
		if err != nil || len(versions) != 2 || versions[1].RequestedBy != "head@acme.example" || versions[1].Reason != "CRM fixed" {
			t.Errorf("versions %+v, %v; want 2, the second asked by the head for \"CRM fixed\"", versions, err)
		}
		if _, body := c.get("/w/acme/day/2026-11-20"); strings.Contains(body, `id="recompute-form"`) {
			t.Errorf("today's draft offers a recompute")
		}
		m := env.login("anna@acme.example")
		m.get("/w/acme/day/2026-11-16")
		if resp, _ := m.post("/w/acme/day/2026-11-16/recompute", url.Values{"reason": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("manager recomputing: status %d, want 403", resp.StatusCode)
		}
	})
}
