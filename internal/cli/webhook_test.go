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
