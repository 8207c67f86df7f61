package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/engine"
	"reglament/internal/store"
)

const fixtures = "../engine/testdata/acme/"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testPassword = "correct horse battery"

// testEnv is a running server over a real store holding two workspaces:
// acme (the engine's fixture, finalized up to Thursday 2026-11-19, today
// Friday 2026-11-20 12:00 in Moscow) and other, a copy of acme.
type testEnv struct {
	t      testing.TB
	clock  *clock
	store  *store.Store
	eng    *engine.Engine
	srv    *Server
	http   *httptest.Server
	tokens map[string]string // API tokens by email
}

func mustLocation(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func newTestEnv(t testing.TB, s *store.Store) *testEnv {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, mustLocation(t, "Europe/Moscow"))}
	eng := engine.New(s, c.Now)
	data, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"acme", "other"} {
		ws, err := config.ParseWorkspace("workspace.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		ws.ID = id
		if _, err := eng.Apply(ctx, ws, "test"); err != nil {
			t.Fatalf("apply %s: %v", id, err)
		}
		for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
			path := filepath.Join(fixtures, kind+".csv")
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := eng.Import(ctx, id, kind, path, f, "test"); err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
			f.Close()
		}
		if _, err := eng.FinalizeDue(ctx, id, "test"); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Config{Engine: eng, LoginAttempts: 3, LoginWindow: 10 * time.Minute,
		Channels: Channels{Telegram: true, BotUsername: "reglament_test_bot"}})
	if err != nil {
		t.Fatal(err)
	}
	// A REGLAMENT_METRICS_TOKEN of the machine running the tests must not
	// close /metrics to the tests that read it; TestMetricsToken sets its own.
	srv.cfg.MetricsToken = ""
	env := &testEnv{t: t, clock: c, store: s, eng: eng, srv: srv, tokens: make(map[string]string)}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{
		{Email: "admin@example.com", Role: auth.Admin},
		{Email: "head@acme.example", Role: auth.Head, Workspace: "acme"},
		{Email: "anna@acme.example", Role: auth.Manager, Workspace: "acme", Manager: "anna"},
		{Email: "wall@acme.example", Role: auth.Viewer, Workspace: "acme"},
		{Email: "head@other.example", Role: auth.Head, Workspace: "other"},
	} {
		u.PasswordHash = hash
		if err := s.CreateUser(ctx, &u, "test"); err != nil {
			t.Fatalf("create user %s: %v", u.Email, err)
		}
		token := auth.NewToken()
		if err := s.CreateAPIToken(ctx, auth.HashToken(token), u.ID, "test", c.Now()); err != nil {
			t.Fatal(err)
		}
		env.tokens[u.Email] = token
	}
	env.http = httptest.NewServer(srv)
	t.Cleanup(env.http.Close)
	return env
}

// client is a browser-like HTTP client: it keeps cookies, does not follow
// redirects, and sends the CSRF token of the last page it read.
type client struct {
	env   *testEnv
	http  *http.Client
	csrf  string
	token string // API token sent as Bearer when set
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{env: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.env.t.Helper()
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.env.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.http.URL+path, nil)
	return c.do(req)
}

// post sends a form with the client's CSRF token unless form sets one.
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.env.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.env.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postJSON(path, body string) (*http.Response, string) {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.http.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.token == "" && c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.do(req)
}

// login logs in through the form and fails the test unless it works.
func (e *testEnv) login(email string) *client {
	e.t.Helper()
	c := e.client()
	c.get("/login")
	resp, body := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d, want 303\n%s", email, resp.StatusCode, body)
	}
	return c
}

// api returns a client authenticating with the API token of email.
func (e *testEnv) api(email string) *client {
	c := e.client()
	c.token = e.tokens[email]
	return c
}
