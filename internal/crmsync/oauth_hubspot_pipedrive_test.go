package crmsync_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func newHubSpotOAuthFake(t *testing.T, clock *crmtest.Clock) *oauthFake {
	fake := hubspottest.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	front := hubspottest.NewOAuthFront(fake, oauthCode, "https://reglament.example/oauth")
	t.Cleanup(front.Close)
	fake.Mu.Lock()
	fake.ClientSecret = "cs-hs-90d1e2"
	ago := hubspottest.Time(clock.Now().Add(-10 * time.Minute))
	for id := int64(1); id <= 3; id++ {
		fake.Objects[hubspot.ObjectCompanies][id] = &hubspottest.Object{ID: id, Properties: map[string]string{"name": "C",
			"hubspot_owner_id": "101", "createdate": ago, "hs_lastmodifieddate": ago}}
	}
	fake.Objects[hubspot.ObjectDeals][10] = &hubspottest.Object{ID: 10, Properties: map[string]string{"dealname": "D", "amount": "100",
		"pipeline": "default", "dealstage": "appointmentscheduled", "hubspot_owner_id": "101", "createdate": ago, "hs_lastmodifieddate": ago}}
	fake.Mu.Unlock()
	return &oauthFake{kind: domain.CRMHubSpot, url: front.URL, lifetime: hubspottest.TokenLifetime,
		tokens: func() (string, string) {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return fake.AccessToken, fake.RefreshToken
		},
		refreshes: func() int {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return front.Refreshes
		},
		oauthYAML: "{client_id: " + fake.ClientID + ", client_secret_file: client.secret, redirect_uri: https://reglament.example/oauth}",
		clientID:  fake.ClientID, secret: fake.ClientSecret}
}

func newPipedriveOAuthFake(t *testing.T, clock *crmtest.Clock) *oauthFake {
	fake := pipedrivetest.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	front := pipedrivetest.NewOAuthFront(fake, oauthCode, "https://reglament.example/oauth")
	t.Cleanup(front.Close)
	fake.Mu.Lock()
	fake.ClientSecret = "cs-pd-3c7b11"
	ago := clock.Now().Add(-10 * time.Minute)
	for id := int64(1); id <= 3; id++ {
		fake.Orgs[id] = &pipedrivetest.Org{ID: id, OwnerID: 101, Name: "C", AddTime: ago, Updated: ago}
	}
	fake.Deals[10] = &pipedrivetest.Deal{ID: 10, OwnerID: 101, StageID: 1, PipelineID: 1, Title: "D", Value: 100, Status: "open",
		AddTime: ago, Updated: ago}
	fake.Mu.Unlock()
	return &oauthFake{kind: domain.CRMPipedrive, url: front.URL, tokenURL: front.TokenURL(), lifetime: pipedrivetest.TokenLifetime,
		tokens: func() (string, string) {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return fake.AccessToken, fake.RefreshToken
		},
		refreshes: func() int {
			fake.Mu.Lock()
			defer fake.Mu.Unlock()
			return front.Refreshes
		},
		oauthYAML: "{client_id: " + fake.ClientID + ", client_secret_file: client.secret, redirect_uri: https://reglament.example/oauth}",
		clientID:  fake.ClientID, secret: fake.ClientSecret}
}

// TestOAuthConnectSyncRefreshHubSpotPipedrive: connect by code, sync, the
// token expires by the clock and is refreshed and stored sealed, and a
// fresh syncer uses the stored pair; no plaintext secret reaches the
// database.
func TestOAuthConnectSyncRefreshHubSpotPipedrive(t *testing.T) {
	for kind, newFake := range map[string]func(*testing.T, *crmtest.Clock) *oauthFake{
		domain.CRMHubSpot: newHubSpotOAuthFake, domain.CRMPipedrive: newPipedriveOAuthFake} {
		t.Run(kind, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				st := storetest.MustOpen(t, dsn)
				clock := crmtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
				fake := newFake(t, clock)
				applyOAuthWorkspace(t, st, clock, fake)
				box := testBox(t)
				newSyncer := func() *crmsync.Syncer {
					return &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep, Secrets: box, PipedriveTokenURL: fake.tokenURL}
				}
				syncer := newSyncer()
				if _, err := syncer.Connect(ctx, "acme", "bad-code", "head"); domain.ErrorCode(err) != domain.EINVALID ||
					!strings.Contains(err.Error(), kind+" refused the authorization code") || strings.Contains(err.Error(), fake.secret) {
					t.Fatalf("connect with a wrong code: err = %v, want invalid, refused, no secret", err)
				}
				if _, err := syncer.Connect(ctx, "acme", oauthCode, "head"); err != nil {
					t.Fatal(err)
				}
				access1, refresh1 := fake.tokens()
				res, err := syncer.Sync(ctx, "acme", true, "sync")
				if err != nil {
					t.Fatalf("first sync: %v", err)
				}
				if c, dl := fetchedOf(res, "company"), fetchedOf(res, "deal"); c != 3 || dl != 1 {
					t.Errorf("first sync fetched %d companies, %d deals; want 3, 1", c, dl)
				}
				clock.Advance(fake.lifetime + time.Minute)
				if _, err := syncer.Sync(ctx, "acme", false, "sync"); err != nil {
					t.Fatalf("sync after expiry: %v", err)
				}
				if n := fake.refreshes(); n != 1 {
					t.Fatalf("the fake served %d refreshes, want 1", n)
				}
				access2, refresh2 := fake.tokens()
				got, err := syncer.LoadToken(ctx, "acme")
				if err != nil || got.AccessToken != access2 || got.RefreshToken != refresh2 {
					t.Fatalf("stored pair is not the refreshed one (%v)", err)
				}
				requireNoPlaintext(t, st, dsn, access1, refresh1, access2, refresh2, fake.secret)
				clock.Advance(time.Minute)
				if _, err := newSyncer().Sync(ctx, "acme", false, "sync"); err != nil || fake.refreshes() != 1 {
					t.Errorf("sync from a fresh syncer: %v, %d refreshes; want the stored pair used", err, fake.refreshes())
				}
			})
		})
	}
}

// TestCheckToken: a token_file connection's token is checked with one call;
// a wrong token is refused naming the CRM and the file, not the token.
func TestCheckToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at(21, 10, 0, 0))
		fake := pipedrivetest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		dir := t.TempDir()
		tokenFile := filepath.Join(dir, "crm.token")
		ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(weekWorkspaceYAML(domain.CRMPipedrive)+fake.URL+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		if err := os.WriteFile(tokenFile, []byte(fake.AccessToken+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := syncer.CheckToken(ctx, "acme"); err != nil {
			t.Fatalf("CheckToken with the right token: %v", err)
		}
		if err := os.WriteFile(tokenFile, []byte("wrong-token-5d1f\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		err = syncer.CheckToken(ctx, "acme")
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), "pipedrive refused the token of "+tokenFile) ||
			strings.Contains(err.Error(), "wrong-token-5d1f") {
			t.Errorf("CheckToken with a wrong token: err = %v, want invalid naming pipedrive and the file, not the token", err)
		}
	})
}
