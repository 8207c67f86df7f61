package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crmsync"
	"reglament/internal/secret"
	"reglament/internal/store"
)

// TestConnectChecksPastedToken: a HubSpot connection whose private app
// token was pasted on the setup page (stored sealed, no token_file) is
// checked by connect without a code, with the secret key; a token the CRM
// no longer accepts is refused naming no file and no token.
func TestConnectChecksPastedToken(t *testing.T) {
	fake := hubspottest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"1\"]}]\ncrm:\n  kind: hubspot\n  base_url: " + fake.URL + "\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": strings.Repeat("ab", 32)}
	if code, _, stderr := runWithEnv(t, db, env, "", "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	paste := func(token string) {
		t.Helper()
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		box, err := secret.Source{Getenv: func(k string) string { return env[k] }}.Box()
		if err != nil {
			t.Fatal(err)
		}
		if err := (&crmsync.Syncer{Store: st, Secrets: box}).SavePastedToken(context.Background(), "acme", token); err != nil {
			t.Fatal(err)
		}
	}
	fake.Mu.Lock()
	good := fake.AccessToken
	fake.Mu.Unlock()
	paste(good)
	if code, _, stderr := runWithEnv(t, db, map[string]string{"LANG": "en_US.UTF-8"}, "", "connect", "--workspace", "acme"); code == 0 ||
		!strings.Contains(stderr, "REGLAMENT_SECRET_KEY") {
		t.Errorf("connect without the key: exit %d, stderr %q; want the key asked for", code, stderr)
	}
	code, stdout, stderr := runWithEnv(t, db, env, "", "connect", "--workspace", "acme")
	if code != 0 || !strings.Contains(stdout, "Connected: acme (hubspot), the CRM accepts the token pasted on the setup page") {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	paste("pat-wrong-5d1e")
	code, stdout, stderr = runWithEnv(t, db, env, "", "connect", "--workspace", "acme")
	if code != 2 || !strings.Contains(stderr, "hubspot refused the token pasted on the setup page (HTTP 401)") || strings.Contains(stdout+stderr, "pat-wrong-5d1e") {
		t.Errorf("connect with a refused token: exit %d, stdout %q, stderr %q; want 2, refused, no token", code, stdout, stderr)
	}
}
