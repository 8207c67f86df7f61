package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/store/storetest"
)

func TestSync(t *testing.T) {
	fake := amocrmtest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	created := time.Now().Add(-time.Hour).Unix()
	fake.Companies[1] = &amocrmtest.Company{ID: 1, ResponsibleUserID: 101, CreatedBy: 101, Name: "Рога и копыта",
		CreatedAt: created, UpdatedAt: created}
	fake.Companies[2] = &amocrmtest.Company{ID: 2, ResponsibleUserID: 777, CreatedBy: 777, Name: "Чужая",
		CreatedAt: created, UpdatedAt: created}

	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(fake.AccessToken), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\n"
	if err := os.WriteFile(filepath.Join(dir, "bare.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml+"crm:\n  kind: amocrm\n  base_url: "+fake.URL+
		"\n  token_file: amocrm.token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()

	if code, _, stderr := run(t, db, now, "apply", "-f", filepath.Join(dir, "bare.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	code, _, stderr := run(t, db, now, "sync", "--workspace", "acme")
	if code != 2 || !strings.Contains(stderr, "has no crm connection") {
		t.Errorf("sync without a crm section: exit %d, stderr %q; want 2 and a message", code, stderr)
	}

	if code, stdout, stderr := run(t, db, now, "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 ||
		!strings.Contains(stdout, "crm connection added: amocrm") {
		t.Fatalf("apply with crm: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, stderr := run(t, db, now, "sync", "--workspace", "acme", "--full", "--lang", "en")
	if code != 0 {
		t.Fatalf("sync --full: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{
		"Full sync of acme from " + fake.URL,
		"company    2 fetched, 2 written, 0 unchanged",
		"activity   0 fetched, 0 written, 0 unchanged",
		"CRM users mapped to no manager (their records count for nobody): 777",
		"Done: 10 CRM requests", // the pipelines, a list a kind (contacts included; the notes take three), the stage-move events
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("sync --full output lacks %q:\n%s", want, stdout)
		}
	}

	// Again, incrementally: only the company added since is fetched.
	fake.Mu.Lock()
	fake.Companies[3] = &amocrmtest.Company{ID: 3, ResponsibleUserID: 101, CreatedBy: 101, Name: "Новая",
		CreatedAt: time.Now().Unix(), UpdatedAt: time.Now().Unix()}
	fake.Mu.Unlock()
	code, stdout, stderr = run(t, db, now, "sync", "--workspace", "acme")
	if code != 0 || !strings.Contains(stdout, "компания   получено 1, записано 1, без изменений 0") {
		t.Errorf("sync: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	fake.Mu.Lock()
	defer fake.Mu.Unlock()
	if fake.Violations != 0 {
		t.Errorf("the fake saw %d rate-limit violations", fake.Violations)
	}
}

// On PostgreSQL `reglament sync` holds the workspace's CRM lock that serve's
// jobs hold too: while another process talks to the CRM it says it waits
// and sends no request; once the lock is given up it syncs.
func TestSyncWaitsForTheCRMLock(t *testing.T) {
	dsn := storetest.NewPostgresDatabase(t)
	fake := amocrmtest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(fake.AccessToken), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\ncrm:\n  kind: amocrm\n  base_url: " +
		fake.URL + "\n  token_file: " + filepath.Join(dir, "amocrm.token") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if code, _, stderr := run(t, dsn, now, "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	other := storetest.MustOpen(t, dsn) // serve's jobs, in another process
	unlock, err := other.LockCRM(context.Background(), "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := run(t, dsn, now, "sync", "--workspace", "acme", "--lang", "en")
		done <- result{code, stdout, stderr}
	}()
	select {
	case r := <-done:
		t.Fatalf("sync ended while another process held the CRM: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	case <-time.After(500 * time.Millisecond):
	}
	fake.Mu.Lock()
	requests := fake.Requests
	fake.Mu.Unlock()
	if requests != 0 {
		t.Errorf("the CRM got %d requests while another process held its lock", requests)
	}
	unlock()
	select {
	case r := <-done:
		if r.code != 0 || !strings.Contains(r.stderr, "The CRM of acme is busy with another sync") ||
			!strings.Contains(r.stdout, "Done:") {
			t.Errorf("sync after the lock was given up: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sync did not end after the lock was given up")
	}
}
