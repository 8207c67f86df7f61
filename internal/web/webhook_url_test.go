package web

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"reglament/internal/store/storetest"
)

type fakeResolver map[string]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if s, ok := f[host]; ok {
		return []netip.Addr{netip.MustParseAddr(s)}, nil
	}
	return nil, errors.New("no such host")
}

// Issue 14 item 7: a head cannot point the notifications webhook_url at
// this machine or the private network; the settings page says why, in the
// reader's language, and stores nothing. A public address is saved, and so
// is a private one when the operator allows them.
func TestSettingsRefusePrivateWebhookURL(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/x.db")
	env := newTestEnv(t, s)
	env.srv.cfg.Resolver = fakeResolver{"chat.example": "93.184.216.34", "db.example": "10.0.0.7"}
	c := env.login("head@acme.example")
	_, page := c.get("/w/acme/settings")
	text := editorText(t, page)
	with := func(u string) url.Values {
		return url.Values{"yaml": {text + "notifications:\n  webhook_url: " + u + "\n"}}
	}
	for _, tc := range []struct{ url, says string }{
		{"http://127.0.0.1:5432/", "127.0.0.1"},
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254"},
		{"https://db.example/hooks/x", "10.0.0.7"},
	} {
		resp, body := c.post("/w/acme/settings", with(tc.url))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.says) || !strings.Contains(body, "частн") {
			t.Errorf("%s: status %d; want 400 naming %s in Russian\n%.3000s", tc.url, resp.StatusCode, tc.says, body)
		}
		if got := env.storedYAML("acme"); strings.Contains(got, "webhook_url") {
			t.Errorf("%s: stored anyway", tc.url)
		}
	}
	if resp, body := c.post("/w/acme/settings", with("https://chat.example/hooks/x")); resp.StatusCode != http.StatusOK {
		t.Errorf("public URL: status %d\n%.2000s", resp.StatusCode, body)
	}
	env.srv.cfg.AllowPrivateWebhooks = true
	if resp, body := c.post("/w/acme/settings", with("http://10.0.0.8/hooks/x")); resp.StatusCode != http.StatusOK {
		t.Errorf("private URL the operator allows: status %d\n%.2000s", resp.StatusCode, body)
	}
	if got := env.storedYAML("acme"); !strings.Contains(got, "http://10.0.0.8/hooks/x") {
		t.Errorf("the allowed URL is not stored:\n%s", got)
	}
}
