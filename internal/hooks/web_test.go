package hooks_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"reglament/internal/engine"
	"reglament/internal/hooks"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
	"reglament/internal/web"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWebServesHooks mounts the handler in the web application as serve
// does: a CRM's call needs no session and no CSRF token, goes through the
// request log (which does not show the secret) and the body limit.
func TestWebServesHooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{})
		var logs syncBuffer
		srv, err := web.New(web.Config{Engine: engine.New(st, f.clock.Now), Log: slog.New(slog.NewJSONHandler(&logs, nil)),
			Hooks: f.h, MaxBodyBytes: 4096})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		c := ts.Client()
		secret := f.secrets["acme"]
		at := ts.URL + "/hooks/acme/" + secret

		if status, body := post(t, c, at, amoDeal("update", 11)); status != http.StatusOK {
			t.Fatalf("webhook through the web server: %d %q", status, body)
		}
		if status, _ := post(t, c, ts.URL+"/hooks/acme/wrong", amoDeal("update", 12)); status != http.StatusForbidden {
			t.Errorf("wrong secret through the web server: status %d, want 403", status)
		}
		// web's own limit (4 KiB here) applies before the handler's 1 MiB.
		if status, _ := post(t, c, at, amoDeal("update", 13)+"&pad="+strings.Repeat("x", 8192)); status != http.StatusRequestEntityTooLarge {
			t.Errorf("8 KiB body with a 4 KiB limit: status %d, want 413", status)
		}
		// The rest of the application still asks for a login.
		if status, _ := post(t, c, ts.URL+"/w/acme/adjustments", "points=1"); status == http.StatusOK {
			t.Errorf("POST /w/acme/adjustments without a session: status %d, want a refusal", status)
		}
		if got := pending(t, st, "acme"); len(got) != 1 || got[0].ID != "11" {
			t.Errorf("pending changes %v, want deal 11 only", got)
		}
		log := logs.String()
		if strings.Contains(log, secret) {
			t.Errorf("the request log shows the webhook secret:\n%s", log)
		}
		if !strings.Contains(log, `"path":"/hooks/acme/…"`) || !strings.Contains(log, `"route":"POST /hooks/{workspace}/{secret}"`) {
			t.Errorf("the request log lacks the masked webhook path and route:\n%s", log)
		}
	})
}
