package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"reglament/internal/auth"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// userID returns the id of the user with the given email.
func (e *testEnv) userID(email string) string {
	e.t.Helper()
	u, err := e.store.FindUserByEmail(e.t.Context(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return strconv.FormatInt(u.ID, 10)
}

var tokenRevokeField = regexp.MustCompile(`name="token" value="([0-9a-f]{64})"`)

func TestHeadCreatesAndRevokesAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		_, body := c.get("/w/acme/settings")
		if !strings.Contains(body, `id="token-form"`) || !strings.Contains(body, `id="token-list"`) {
			t.Fatalf("settings lack the token form or list")
		}
		before := len(tokenRevokeField.FindAllString(body, -1))
		if before != 3 { // the fixture gives each acme user one token
			t.Errorf("settings list %d tokens, want the 3 of acme's users", before)
		}
		resp, body := c.post("/w/acme/tokens", url.Values{"user": {env.userID("anna@acme.example")}, "name": {"payroll export"}})
		m := regexp.MustCompile(`id="new-token">([A-Za-z0-9_-]{43})<`).FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("create a token: status %d, want the token shown once\n%.500s", resp.StatusCode, body)
		}
		token := m[1]
		if strings.Count(body, token) != 1 {
			t.Errorf("the new token appears %d times on the page, want once", strings.Count(body, token))
		}
		api := env.client()
		api.token = token
		if resp, body := api.get("/api/v1/workspaces/acme/statements/2026-11"); resp.StatusCode != http.StatusOK || strings.Contains(body, "boris") {
			t.Errorf("the new token of a manager: status %d; want 200 with her line only", resp.StatusCode)
		}
		// Only the hash is stored, and the page never shows the token again.
		if u, err := s.FindUserByToken(t.Context(), auth.HashToken(token)); err != nil || u.Email != "anna@acme.example" {
			t.Errorf("FindUserByToken(hash) = %v, %v; want anna", u, err)
		}
		_, body = c.get("/w/acme/settings")
		if strings.Contains(body, token) || !strings.Contains(body, "payroll export") {
			t.Errorf("settings after creating: the token is shown again or its name is missing")
		}
		for _, bad := range []url.Values{
			{"user": {env.userID("anna@acme.example")}, "name": {" "}},
			{"user": {"x"}, "name": {"ci"}},
		} {
			if resp, body := c.post("/w/acme/tokens", bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="token-error"`) {
				t.Errorf("create %v: status %d, want 400 with the form's error", bad, resp.StatusCode)
			}
		}
		// Revoke the new token: the API refuses it from then on.
		resp, _ = c.post("/w/acme/tokens/revoke", url.Values{"token": {auth.HashToken(token)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/settings?revoked=1" {
			t.Fatalf("revoke: status %d → %q, want 303 to settings", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := api.get("/api/v1/workspaces/acme/statements/2026-11"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a revoked token: status %d, want 401", resp.StatusCode)
		}
		if _, body := c.get("/w/acme/settings?revoked=1"); !strings.Contains(body, `id="token-revoked"`) || strings.Contains(body, "payroll export") {
			t.Errorf("settings after revoking: no notice, or the token is still listed")
		}
		if resp, _ := c.post("/w/acme/tokens/revoke", url.Values{"token": {auth.HashToken(token)}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("revoking twice: status %d, want 404", resp.StatusCode)
		}
		audit, _ := s.FindAudit(t.Context(), "acme", 2)
		if len(audit) != 2 || audit[0].Action != "token.revoke" || audit[1].Action != "token.create" || audit[0].Actor != "head@acme.example" {
			t.Errorf("audit %+v: want token.create then token.revoke by the head", audit)
		}
		// A viewer's new token is also a wall screen link.
		_, body = c.post("/w/acme/tokens", url.Values{"user": {env.userID("wall@acme.example")}, "name": {"second TV"}})
		link := regexp.MustCompile(`id="new-token-link">(/t/[^<]+)<`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("a viewer's token comes without its wall link")
		}
		if resp, _ := env.client().get(link[1]); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/w/acme/wall" {
			t.Errorf("the new wall link: status %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestAPITokensAcrossWorkspaces: a head reaching through their own
// workspace's routes for a user or a token of another workspace finds
// nothing.
func TestAPITokensAcrossWorkspaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		other := env.login("head@other.example")
		_, body := other.get("/w/other/settings")
		if strings.Contains(body, "acme.example") {
			t.Errorf("other's settings list acme's users or tokens")
		}
		for _, email := range []string{"anna@acme.example", "admin@example.com"} {
			if resp, _ := other.post("/w/other/tokens", url.Values{"user": {env.userID(email)}, "name": {"steal"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("other's head making a token for %s: status %d, want 404", email, resp.StatusCode)
			}
		}
		acmeToken := auth.HashToken(env.tokens["head@acme.example"])
		if resp, _ := other.post("/w/other/tokens/revoke", url.Values{"token": {acmeToken}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other's head revoking acme's token: status %d, want 404", resp.StatusCode)
		}
		if resp, _ := env.api("head@acme.example").get("/api/v1/workspaces/acme"); resp.StatusCode != http.StatusOK {
			t.Errorf("acme's head token stopped working: status %d", resp.StatusCode)
		}
		if tokens, _ := s.FindAPITokens(t.Context(), "acme"); len(tokens) != 3 {
			t.Errorf("acme has %d tokens, want its 3", len(tokens))
		}
	})
}
