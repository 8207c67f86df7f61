package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"reglament/internal/auth"
	"reglament/internal/hooks"
	"reglament/internal/secret"
	"reglament/internal/store"
)

func TestWebhookURL(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\n"
	if err := os.WriteFile(filepath.Join(dir, "bare.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml+
		"crm:\n  kind: amocrm\n  base_url: https://acme.amocrm.ru\n  token_file: amocrm.token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if code, _, stderr := run(t, db, now, "apply", "-f", filepath.Join(dir, "bare.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--workspace", "acme"}, "нужен флаг --base-url"}, // the tests' LANG is Russian
		{[]string{"--workspace", "acme", "--base-url", "reglament.example.com"}, "флаг --base-url: нужен полный адрес http(s)"},
		{[]string{"--workspace", "acme", "--base-url", "https://r.example/?a=1"}, "флаг --base-url"},
		{[]string{"--workspace", "acme", "--base-url", "https://r.example"}, `workspace "acme" has no crm connection`},
		{[]string{"--workspace", "nobody", "--base-url", "https://r.example"}, `"nobody"`},
	} {
		code, _, stderr := run(t, db, now, append([]string{"webhook-url"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("webhook-url %q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}

	if code, _, stderr := run(t, db, now, "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply with crm: exit %d: %s", code, stderr)
	}
	urlRE := regexp.MustCompile(`^https://reglament\.example\.com/base/hooks/acme/([A-Za-z0-9_-]{43})\n$`)
	secretOf := func() string {
		t.Helper()
		code, stdout, stderr := run(t, db, now, "webhook-url", "--workspace", "acme", "--base-url", "https://reglament.example.com/base/")
		m := urlRE.FindStringSubmatch(stdout)
		if code != 0 || m == nil {
			t.Fatalf("webhook-url: exit %d\nstdout: %q\nstderr: %s", code, stdout, stderr)
		}
		if strings.Contains(stderr, m[1]) {
			t.Errorf("stderr repeats the secret: %s", stderr)
		}
		return m[1]
	}
	first := secretOf()
	second := secretOf()
	if first == second {
		t.Errorf("rotation printed the same secret twice")
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.FindWebhookSecret(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.SecretHash != auth.HashToken(second) {
		t.Errorf("stored hash %s, want the SHA-256 of the last printed secret", got.SecretHash)
	}
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM webhook_secrets WHERE secret_hash = $1 OR secret_hash = $2`, first, second).Scan(&n); err != nil || n != 0 {
		t.Errorf("a secret is stored in the clear (%d rows, %v)", n, err)
	}
}

// TestWebhookURLPipedrive: a Pipedrive workspace's webhook URL comes with
// HTTP Basic credentials, printed once and stored sealed; without the key
// nothing rotates. A HubSpot workspace is told what to subscribe to.
func TestWebhookURLPipedrive(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	yaml := "workspace: pd\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\n" +
		"crm:\n  kind: pipedrive\n  base_url: https://api.pipedrive.com\n  token_file: pd.token\n"
	hs := strings.Replace(strings.Replace(yaml, "pd\n", "hs\n", 1), "kind: pipedrive\n  base_url: https://api.pipedrive.com", "kind: hubspot\n  base_url: https://api.hubapi.com", 1)
	for name, src := range map[string]string{"pd.yaml": yaml, "hs.yaml": hs} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runWithEnv(t, db, nil, "", "apply", "-f", filepath.Join(dir, name)); code != 0 {
			t.Fatalf("apply %s: exit %d: %s", name, code, stderr)
		}
	}
	args := []string{"webhook-url", "--workspace", "pd", "--base-url", "https://reglament.example.com"}
	if code, stdout, stderr := runWithEnv(t, db, nil, "", args...); code == 0 || stdout != "" || !strings.Contains(stderr, secret.EnvKey) {
		t.Errorf("without a key: exit %d, stdout %q, stderr %q; want a failure naming %s", code, stdout, stderr, secret.EnvKey)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.FindWebhookSecret(context.Background(), "pd"); err == nil {
		t.Errorf("a URL was stored although the credentials could not be sealed")
	}

	key := strings.Repeat("ab", 32)
	env := map[string]string{secret.EnvKey: key}
	out := regexp.MustCompile(`^https://reglament\.example\.com/hooks/pd/[A-Za-z0-9_-]{43}\nhttp_auth_user: (reglament-[A-Za-z0-9_-]{8})\nhttp_auth_password: ([A-Za-z0-9_-]{43})\n$`)
	code, stdout, stderr := runWithEnv(t, db, env, "", args...)
	m := out.FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("webhook-url: exit %d\nstdout: %q\nstderr: %s", code, stdout, stderr)
	}
	if strings.Contains(stderr, m[2]) || !strings.Contains(stderr, "pipedrive: create the webhooks") {
		t.Errorf("stderr repeats the password or does not say what to do with it: %s", stderr)
	}
	sealed, _, err := st.WebhookCredentials(context.Background(), "pd")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), m[2]) || strings.Contains(string(sealed), m[1]) {
		t.Errorf("the credentials are stored in the clear")
	}
	box, err := secret.Source{Getenv: func(k string) string { return env[k] }}.Box()
	if err != nil {
		t.Fatal(err)
	}
	user, password, err := hooks.OpenCredentials(box, "pd", sealed)
	if err != nil || user != m[1] || password != m[2] {
		t.Errorf("stored credentials open to %q, %q, %v; want the printed ones", user, password, err)
	}

	code, stdout, stderr = runWithEnv(t, db, env, "", "webhook-url", "--workspace", "hs", "--base-url", "https://reglament.example.com")
	if code != 0 || strings.Contains(stdout, "http_auth") || !strings.Contains(stderr, "hubspot: subscribe the app") ||
		!strings.Contains(stderr, "application_token_file") {
		t.Errorf("hubspot webhook-url: exit %d\nstdout: %q\nstderr: %s", code, stdout, stderr)
	}
}
