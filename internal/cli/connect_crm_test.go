package cli

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
)

// TestConnectChecksAPIToken: a Pipedrive connection by token_file (an API
// token) is connected without a code: connect checks that Pipedrive
// accepts the token, in the user's language, and names no token.
func TestConnectChecksAPIToken(t *testing.T) {
	fake := pipedrivetest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	tokenFile := filepath.Join(dir, "pipedrive.token")
	if err := os.WriteFile(tokenFile, []byte(fake.AccessToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"1\"]}]\ncrm:\n  kind: pipedrive\n  base_url: " +
		fake.URL + "\n  token_file: pipedrive.token\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	en := map[string]string{"LANG": "en_US.UTF-8"}
	if code, _, stderr := runWithEnv(t, db, en, "", "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runWithEnv(t, db, en, "", "connect", "--workspace", "acme")
	if code != 0 || !strings.Contains(stdout, "Connected: acme (pipedrive), the CRM accepts the token of token_file") {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	keyed := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": strings.Repeat("ab", 32)}
	if code, stdout, stderr := runWithEnv(t, db, keyed, "", "webhook-url", "--workspace", "acme", "--base-url", "https://reglament.example"); code != 0 ||
		!strings.Contains(stdout, "https://reglament.example/hooks/acme/") || !strings.Contains(stdout, "http_auth_password: ") ||
		!strings.Contains(stderr, "pipedrive: create the webhooks") {
		t.Errorf("webhook-url of a Pipedrive workspace: exit %d, stdout %q, stderr %q; want the URL, the credentials and where they go", code, stdout, stderr)
	}
	ru := map[string]string{"LANG": "ru_RU.UTF-8"}
	if code, stdout, _ := runWithEnv(t, db, ru, "", "connect", "--workspace", "acme"); code != 0 ||
		!strings.Contains(stdout, "Подключено: acme (pipedrive), CRM принимает токен из token_file") {
		t.Errorf("connect in Russian: exit %d, stdout %q", code, stdout)
	}
	if err := os.WriteFile(tokenFile, []byte("wrong-9a7c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runWithEnv(t, db, en, "", "connect", "--workspace", "acme")
	if code != 2 || !strings.Contains(stderr, "pipedrive refused the token of "+tokenFile+" (HTTP 401)") || strings.Contains(stdout+stderr, "wrong-9a7c") {
		t.Errorf("connect with a wrong token: exit %d, stdout %q, stderr %q; want 2, refused, no token", code, stdout, stderr)
	}
	code, _, stderr = runWithEnv(t, db, ru, "", "connect", "--workspace", "acme")
	if code != 2 || !strings.Contains(stderr, "pipedrive не принимает токен из "+tokenFile+" (HTTP 401)") {
		t.Errorf("connect with a wrong token in Russian: exit %d, stderr %q", code, stderr)
	}
}

// TestConnectHubSpotThenSync authorizes a HubSpot OAuth app through the
// command line and syncs with the stored, encrypted tokens; connect
// without --code asks for it.
func TestConnectHubSpotThenSync(t *testing.T) {
	fake := hubspottest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	front := hubspottest.NewOAuthFront(fake, "code-hs-1", "https://reglament.example/oauth")
	t.Cleanup(front.Close)
	ago := hubspottest.Time(time.Now().Add(-time.Hour))
	fake.Mu.Lock()
	fake.ClientSecret = "cs-cli-hs-77"
	fake.Objects[hubspot.ObjectCompanies][1] = &hubspottest.Object{ID: 1, Properties: map[string]string{"name": "Acme",
		"hubspot_owner_id": "101", "createdate": ago, "hs_lastmodifieddate": ago}}
	fake.Mu.Unlock()
	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	if err := os.WriteFile(filepath.Join(dir, "client.secret"), []byte(fake.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\ncrm:\n  kind: hubspot\n  base_url: " +
		front.URL + "\n  oauth:\n    client_id: " + fake.ClientID + "\n    client_secret_file: client.secret\n    redirect_uri: https://reglament.example/oauth\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	env := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": key}
	if code, _, stderr := runWithEnv(t, db, env, "", "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runWithEnv(t, db, env, "", "connect", "--workspace", "acme"); code != 2 || !strings.Contains(stderr, "flag --code is required") {
		t.Errorf("connect of an OAuth connection without a code: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := runWithEnv(t, db, env, "", "connect", "--workspace", "acme", "--code", "code-hs-1")
	if code != 0 || !strings.Contains(stdout, "Connected: acme (hubspot), tokens encrypted and stored") {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, stderr = runWithEnv(t, db, env, "", "sync", "--workspace", "acme", "--full")
	if code != 0 || !strings.Contains(stdout, "company    1 fetched, 1 written, 0 unchanged") {
		t.Fatalf("sync: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, out := range []string{stdout, stderr} {
		if strings.Contains(out, fake.AccessToken) || strings.Contains(out, fake.ClientSecret) {
			t.Errorf("a secret was printed:\n%s", out)
		}
	}
}
