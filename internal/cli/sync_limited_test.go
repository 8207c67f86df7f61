package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm/amocrm/amocrmtest"
)

// Issue 14 item 7: a sync that meets 429 through every retry exits 75 (a
// temporary failure) saying that the CRM is limiting requests and when to
// try again, not "internal error".
func TestSyncRateLimitedSaysWhenToRetry(t *testing.T) {
	fake := amocrmtest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(fake.AccessToken), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\ncrm:\n  kind: amocrm\n  base_url: " +
		fake.URL + "\n  token_file: amocrm.token\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) // 12:00 in Moscow
	if code, _, stderr := run(t, db, now, "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	// Every try of the first request is refused (the fake says
	// Retry-After: 1, so the six tries take five seconds).
	fake.InjectFor("/api/v4/leads/pipelines", amocrmtest.Fault429, amocrmtest.Fault429, amocrmtest.Fault429,
		amocrmtest.Fault429, amocrmtest.Fault429, amocrmtest.Fault429)
	code, _, stderr := run(t, db, now, "sync", "--workspace", "acme")
	if code != exitTemporary {
		t.Errorf("exit %d, want %d (temporary failure)", code, exitTemporary)
	}
	for _, want := range []string{"amocrm ограничивает число запросов", "HTTP 429", "после 12:02"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not say %q", stderr, want)
		}
	}
	if strings.Contains(stderr, "внутренняя") || strings.Contains(stderr, "internal") {
		t.Errorf("stderr %q says internal error", stderr)
	}
	var l temporaryError
	l = temporaryError{key: "sync.rate_limited", args: []any{"amocrm", 429, 6, "12:02", 2}}
	if en := l.Error(); !strings.Contains(en, "amocrm is limiting requests") || !strings.Contains(en, "after 12:02") {
		t.Errorf("English: %q", en)
	}
}
