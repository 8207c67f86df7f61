package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/auth"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestMetricsToken(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	env.srv.cfg.MetricsToken = "scrape-secret"
	get := func(header string) (*http.Response, string) {
		c := env.client()
		req, _ := http.NewRequest(http.MethodGet, env.http.URL+"/metrics", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		return c.do(req)
	}
	for name, header := range map[string]string{
		"no header":           "",
		"wrong token":         "Bearer nope",
		"an API token":        "Bearer " + env.tokens["admin@example.com"],
		"basic":               "Basic c2NyYXBlLXNlY3JldA==",
		"token without space": "Bearerscrape-secret",
	} {
		resp, body := get(header)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" || strings.Contains(body, "reglament_") {
			t.Errorf("metrics with %s: status %d, want 401 with WWW-Authenticate and no metrics", name, resp.StatusCode)
		}
	}
	resp, body := get("Bearer scrape-secret")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "reglament_http_requests_total") {
		t.Errorf("metrics with the token: status %d\n%s", resp.StatusCode, body)
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("metrics set cookies %v: a scrape needs none", resp.Cookies())
	}
	// Without a token /metrics is open, as before.
	env.srv.cfg.MetricsToken = ""
	if resp, _ := get(""); resp.StatusCode != http.StatusOK {
		t.Errorf("metrics without a configured token: status %d, want 200", resp.StatusCode)
	}
}

func TestMetricsTokenFromEnvironment(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	eng := newTestEnv(t, s).eng
	token := func(cfg Config) string {
		t.Helper()
		cfg.Engine = eng
		srv, err := New(cfg)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return srv.cfg.MetricsToken
	}
	t.Setenv("REGLAMENT_METRICS_TOKEN", "")
	t.Setenv("REGLAMENT_METRICS_TOKEN_FILE", "")
	if got := token(Config{}); got != "" {
		t.Errorf("no environment: token %q, want none", got)
	}
	t.Setenv("REGLAMENT_METRICS_TOKEN", " from-env ")
	if got := token(Config{}); got != "from-env" {
		t.Errorf("REGLAMENT_METRICS_TOKEN: token %q, want from-env", got)
	}
	if got := token(Config{MetricsToken: "explicit"}); got != "explicit" {
		t.Errorf("Config.MetricsToken: token %q, want the field to win", got)
	}
	t.Setenv("REGLAMENT_METRICS_TOKEN", "")
	path := filepath.Join(t.TempDir(), "metrics.token")
	if err := os.WriteFile(path, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REGLAMENT_METRICS_TOKEN_FILE", path)
	if got := token(Config{}); got != "from-file" {
		t.Errorf("REGLAMENT_METRICS_TOKEN_FILE: token %q, want from-file", got)
	}
	t.Setenv("REGLAMENT_METRICS_TOKEN_FILE", path+".missing")
	if _, err := New(Config{Engine: eng}); err == nil || !strings.Contains(err.Error(), "REGLAMENT_METRICS_TOKEN_FILE") {
		t.Errorf("a missing token file: error %v, want one naming REGLAMENT_METRICS_TOKEN_FILE", err)
	}
}

func TestSecureCookieBehindProxy(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	secure := func(proto string) bool {
		t.Helper()
		c := env.client()
		c.get("/login")
		form := url.Values{"email": {"head@acme.example"}, "password": {testPassword}, "csrf": {c.csrf}}
		req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, _ := c.do(req)
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				return ck.Secure
			}
		}
		t.Fatalf("login with X-Forwarded-Proto %q set no session cookie (status %d)", proto, resp.StatusCode)
		return false
	}
	if secure("https") {
		t.Errorf("without TrustProxy, X-Forwarded-Proto: https made the cookie Secure")
	}
	env.srv.cfg.TrustProxy = true
	for proto, want := range map[string]bool{"https": true, "HTTPS": true, "https, http": true, "http": false, "": false, "http, https": false} {
		if got := secure(proto); got != want {
			t.Errorf("TrustProxy, X-Forwarded-Proto %q: Secure = %v, want %v", proto, got, want)
		}
	}
}

func TestSessionCleanup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		ctx := t.Context()
		now := env.clock.Now()
		u, err := s.FindUserByEmail(ctx, "head@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		for name, expires := range map[string]time.Time{"old": now.Add(-time.Hour), "edge": now, "live": now.Add(time.Hour)} {
			sess := &store.Session{TokenHash: auth.HashToken(name), UserID: u.ID, CSRF: "x", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: expires}
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		srv, err := New(Config{Engine: env.eng, SessionCleanupEvery: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- srv.ListenAndServe(runCtx, "127.0.0.1:0", func(net.Addr) {})
		}()
		deadline := time.Now().Add(5 * time.Second)
		for count() != 1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := count(); n != 1 {
			t.Errorf("%d sessions left after the cleanup, want the live one", n)
		}
		if _, _, err := s.FindSession(ctx, auth.HashToken("live"), now); err != nil {
			t.Errorf("the live session was removed: %v", err)
		}
		// A later expiry is removed by a later round: the loop keeps running.
		env.clock.Add(2 * time.Hour)
		deadline = time.Now().Add(5 * time.Second)
		for count() != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := count(); n != 0 {
			t.Errorf("%d sessions left after they all expired, want 0", n)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ListenAndServe: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("ListenAndServe did not return after its context was cancelled")
		}
	})
}

// TestSessionCleanupStops runs the loop alone: it returns once its context
// is cancelled.
func TestSessionCleanupStops(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		env.srv.cleanSessions(ctx, time.Hour)
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cleanSessions did not stop on cancel")
	}
}
