package crmsync_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// An OAuth application connected from the setup page has no
// client_secret_file: its secret is stored sealed, and the exchange, the
// syncs and the refreshes read it there, for that application only.
func TestSealedClientSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		fake := newAmoOAuthFake(t, clock)
		ws, err := config.ParseWorkspace(filepath.Join(t.TempDir(), "acme.yaml"), []byte(fmt.Sprintf(`workspace: acme
timezone: Europe/Moscow
managers:
  - {id: anna, crm_ids: ["101"]}
crm:
  kind: amocrm
  base_url: %s
  oauth: {client_id: %s, redirect_uri: "https://reglament.example/oauth"}
`, fake.url, fake.clientID)))
		if err != nil {
			t.Fatal(err)
		}
		if ws.CRM.OAuth.ClientSecretFile != "" {
			t.Fatalf("client_secret_file = %q, want none", ws.CRM.OAuth.ClientSecretFile)
		}
		if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep, Secrets: testBox(t)}
		if _, err := syncer.Connect(ctx, "acme", oauthCode, "head"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("connect with no secret stored: %v, want not found", err)
		}
		// The secret of another application is not used.
		if err := syncer.SaveClientSecret(ctx, "acme", domain.CRMAmoCRM, "another-app", fake.secret); err != nil {
			t.Fatal(err)
		}
		if _, err := syncer.Connect(ctx, "acme", oauthCode, "head"); err == nil || !strings.Contains(err.Error(), "another application") {
			t.Errorf("connect with another application's secret: %v", err)
		}
		if err := syncer.SaveClientSecret(ctx, "acme", domain.CRMAmoCRM, fake.clientID, fake.secret); err != nil {
			t.Fatal(err)
		}
		_, _, sealed, err := st.CRMClientSecret(ctx, "acme")
		if err != nil || strings.Contains(string(sealed), fake.secret) {
			t.Fatalf("stored secret %q, %v; want it sealed", sealed, err)
		}
		if _, err := syncer.Connect(ctx, "acme", oauthCode, "head"); err != nil {
			t.Fatalf("connect with the sealed secret: %v", err)
		}
		// A sync past the access token's lifetime refreshes it with the
		// sealed secret.
		clock.Advance(fake.lifetime + time.Minute)
		if _, err := syncer.Sync(ctx, "acme", true, "test"); err != nil {
			t.Fatalf("sync after the token expired: %v", err)
		}
		if fake.refreshes() == 0 {
			t.Error("the expired token was not refreshed")
		}
		// The workspace file, written back, names no secret file and reads
		// back the same.
		stored, _ := st.FindWorkspace(ctx, "acme")
		text := string(config.FormatWorkspace(stored))
		if strings.Contains(text, "client_secret_file") {
			t.Errorf("the file names a client secret file:\n%s", text)
		}
		again, err := config.ParseWorkspace("acme.yaml", []byte(text))
		if err != nil || !again.CRM.Equal(stored.CRM) {
			t.Errorf("the file does not read back: %v\n%s", err, text)
		}
	})
}
