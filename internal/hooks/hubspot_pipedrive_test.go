package hooks_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/crmsync"
	"reglament/internal/hooks"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// crmFixture adds to the fixture a HubSpot workspace "hs" with a private
// app (its client secret in application_token_file), a HubSpot workspace
// "hso" with an OAuth app (client_secret_file), a HubSpot workspace "hsnone"
// naming no client secret, and a Pipedrive workspace "pd" with generated
// webhook credentials, sealed in the store.
type crmFixture struct {
	*fixture
	box                 *secret.Box
	hsSecret, hsoSecret string
	pdUser, pdPassword  string
	log                 *syncBuffer
}

func newCRMFixture(t *testing.T, st *store.Store, cfg hooks.Config) *crmFixture {
	t.Helper()
	box, err := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Secrets == nil {
		cfg.Secrets = box
	}
	log := &syncBuffer{}
	cfg.Log = slog.New(slog.NewTextHandler(log, nil))
	c := &crmFixture{fixture: newFixture(t, st, cfg), box: box, log: log,
		hsSecret: "hs-private-app-secret-1", hsoSecret: "hs-oauth-client-secret-1"}
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("hs.secret", c.hsSecret)
	write("hso.secret", c.hsoSecret)
	ctx := context.Background()
	for _, src := range []string{
		"workspace: hs\n" + baseYAML + "crm:\n  kind: hubspot\n  base_url: https://api.hubapi.com\n  token_file: hs.token\n  application_token_file: hs.secret\n",
		"workspace: hso\n" + baseYAML + "crm:\n  kind: hubspot\n  base_url: https://api.hubapi.com\n" +
			"  oauth: {client_id: app-1, client_secret_file: hso.secret, redirect_uri: https://reglament.example/oauth}\n",
		"workspace: hsnone\n" + baseYAML + "crm:\n  kind: hubspot\n  base_url: https://api.hubapi.com\n  token_file: hs.token\n",
		"workspace: pd\n" + baseYAML + "crm:\n  kind: pipedrive\n  base_url: https://api.pipedrive.com\n  token_file: pd.token\n",
	} {
		ws, err := config.ParseWorkspace(filepath.Join(dir, "ws.yaml"), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyWorkspace(ctx, ws, "head", start); err != nil {
			t.Fatal(err)
		}
		c.rotate(t, ws.ID)
	}
	c.newCredentials(t)
	return c
}

// newCredentials generates and stores pd's webhook credentials, as
// `reglament webhook-url` does.
func (c *crmFixture) newCredentials(t *testing.T) {
	t.Helper()
	user, password, sealed, err := hooks.NewCredentials(c.box, "pd")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.st.PutWebhookCredentials(context.Background(), "pd", sealed, c.now()); err != nil {
		t.Fatal(err)
	}
	c.pdUser, c.pdPassword = user, password
}

// must returns req, panicking on err (a test's request that cannot be
// built).
func must(req *http.Request, err error) *http.Request {
	if err != nil {
		panic(err)
	}
	return req
}

// send sends req and returns the status and body.
func send(t *testing.T, client *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHubSpotWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCRMFixture(t, st, hooks.Config{})
		c := f.srv.Client()
		hs := f.url("hs", f.secrets["hs"])
		stageChange := hubspottest.Event("deal.propertyChange", 512, f.now())
		stageChange.PropertyName, stageChange.PropertyValue = "dealstage", "closedwon"
		events := []hubspottest.WebhookEvent{
			stageChange,
			hubspottest.Event("company.creation", 7, f.now()),
			hubspottest.Event("deal.deletion", 513, f.now().Add(-time.Second)),
			hubspottest.Event("contact.creation", 8, f.now()),
			hubspottest.Event("deal.creation", 512, f.now()),
		}
		sent := f.now().Add(-time.Minute)

		// Refusals first: nothing of them is stored.
		for _, r := range []struct {
			name   string
			url    string
			secret string
			sentAt time.Time
		}{
			{"another client secret", hs, "guessed", sent},
			{"six minutes old", hs, f.hsSecret, f.now().Add(-6 * time.Minute)},
			{"six minutes ahead", hs, f.hsSecret, f.now().Add(6 * time.Minute)},
			{"the other app's secret", hs, f.hsoSecret, sent},
			{"no client secret configured", f.url("hsnone", f.secrets["hsnone"]), "", sent},
			{"wrong URL secret", f.url("hs", f.secrets["hso"]), f.hsSecret, sent},
		} {
			if status, body := send(t, c, must(hubspottest.WebhookRequest(r.url, r.secret, events, r.sentAt))); status != http.StatusForbidden || strings.Contains(body, f.hsSecret) {
				t.Errorf("%s: %d %q, want 403 saying no secret", r.name, status, body)
			}
		}
		// A body changed after signing.
		req, err := hubspottest.WebhookRequest(hs, f.hsSecret, events, sent)
		if err == nil {
			req.Body = io.NopCloser(strings.NewReader(`[{"objectId":999,"subscriptionType":"deal.creation","occurredAt":1}]`))
			req.ContentLength = -1
		}
		if status, _ := send(t, c, must(req, err)); status != http.StatusForbidden {
			t.Errorf("tampered body: status %d, want 403", status)
		}
		// No signature at all.
		req, err = hubspottest.WebhookRequest(hs, f.hsSecret, events, sent)
		if err == nil {
			req.Header.Del("X-HubSpot-Signature-v3")
		}
		if status, _ := send(t, c, must(req, err)); status != http.StatusForbidden {
			t.Errorf("no signature: status %d, want 403", status)
		}
		if got := pending(t, st, "hs"); len(got) != 0 {
			t.Fatalf("refused calls stored %v", got)
		}

		// A signed call: deals, companies and contacts, each once; the
		// deal whose stage changed has its moves queued.
		if status, body := send(t, c, must(hubspottest.WebhookRequest(hs, f.hsSecret, events, sent))); status != http.StatusOK {
			t.Fatalf("signed call: %d %q", status, body)
		}
		want := []change{{"company", "7", false}, {"contact", "8", false}, {"deal", "512", false}, {"deal", "513", true}, {"deal_move", "512", false}}
		if diff := cmp.Diff(want, pending(t, st, "hs")); diff != "" {
			t.Errorf("pending changes (-want +got):\n%s", diff)
		}
		// The same call replayed once it is more than 5 minutes old is
		// refused.
		f.clock.Advance(4*time.Minute + time.Second)
		if status, _ := send(t, c, must(hubspottest.WebhookRequest(hs, f.hsSecret, events, sent))); status != http.StatusForbidden {
			t.Errorf("replayed 5 min 1 s after it was signed: status %d, want 403", status)
		}
		if diff := cmp.Diff(want, pending(t, st, "hs")); diff != "" {
			t.Errorf("the replay stored something (-want +got):\n%s", diff)
		}

		// Only objects reglament does not keep: answered, nothing stored,
		// so HubSpot does not retry.
		only := []hubspottest.WebhookEvent{hubspottest.Event("ticket.propertyChange", 8, f.now())}
		if status, _ := send(t, c, must(hubspottest.WebhookRequest(hs, f.hsSecret, only, f.now()))); status != http.StatusOK {
			t.Errorf("tickets only: status %d, want 200", status)
		}
		if diff := cmp.Diff(want, pending(t, st, "hs")); diff != "" {
			t.Errorf("a ticket stored something (-want +got):\n%s", diff)
		}
		// A malformed body, signed: 400.
		bad := []hubspottest.WebhookEvent{{SubscriptionType: "deal.creation", ObjectID: 0}}
		if status, _ := send(t, c, must(hubspottest.WebhookRequest(hs, f.hsSecret, bad, f.now()))); status != http.StatusBadRequest {
			t.Errorf("object id 0: status %d, want 400", status)
		}

		// The OAuth app's client secret signs its workspace's calls.
		hso := f.url("hso", f.secrets["hso"])
		if status, body := send(t, c, must(hubspottest.WebhookRequest(hso, f.hsoSecret, []hubspottest.WebhookEvent{hubspottest.Event("deal.creation", 512, f.now())}, f.now()))); status != http.StatusOK {
			t.Errorf("OAuth app's call: %d %q", status, body)
		}
		if diff := cmp.Diff([]change{{"deal", "512", false}}, pending(t, st, "hso")); diff != "" {
			t.Errorf("hso's pending changes (-want +got):\n%s", diff)
		}

		// Behind a proxy: HubSpot signed the public URL, which the proxy
		// passes on in X-Forwarded-Host; the scheme is https.
		public := "https://reglament.example.com/hooks/hso/" + f.secrets["hso"]
		req, err = hubspottest.WebhookRequest(public, f.hsoSecret, []hubspottest.WebhookEvent{hubspottest.Event("company.deletion", 9, f.now())}, f.now())
		if err == nil {
			req.URL, _ = req.URL.Parse(hso)
			req.Host = ""
			req.Header.Set("X-Forwarded-Host", "reglament.example.com")
		}
		if status, body := send(t, c, must(req, err)); status != http.StatusOK {
			t.Errorf("through a proxy: %d %q", status, body)
		}
		if got := pending(t, st, "hso"); len(got) != 2 || got[1] != (change{"company", "9", true}) {
			t.Errorf("hso's pending changes %v, want the proxied company deletion second", got)
		}
		for _, s := range []string{f.hsSecret, f.hsoSecret} {
			if strings.Contains(f.log.String(), s) {
				t.Errorf("the log shows a client secret: %s", f.log.String())
			}
		}
		if !strings.Contains(f.log.String(), "hubspot webhooks refused: the crm connection names no client secret") {
			t.Errorf("the log does not say why hsnone's calls are refused:\n%s", f.log.String())
		}
	})
}

func TestPipedriveWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCRMFixture(t, st, hooks.Config{CacheTTL: 2 * time.Second})
		c := f.srv.Client()
		pd := f.url("pd", f.secrets["pd"])
		deal := pipedrivetest.WebhookBody("change", "deal", 42, f.now(), map[string]any{"stage_id": 3, "title": "Big deal"})
		for _, r := range []struct {
			name, user, password string
		}{
			{"wrong password", f.pdUser, "guess"},
			{"wrong user", "admin", f.pdPassword},
			{"no credentials", "", ""},
		} {
			if status, body := send(t, c, must(pipedrivetest.WebhookRequest(pd, r.user, r.password, deal))); status != http.StatusForbidden {
				t.Errorf("%s: %d %q, want 403", r.name, status, body)
			}
		}
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(f.url("pd", f.secrets["hs"]), f.pdUser, f.pdPassword, deal))); status != http.StatusForbidden {
			t.Errorf("wrong URL secret: status %d, want 403", status)
		}
		if got := pending(t, st, "pd"); len(got) != 0 {
			t.Fatalf("refused calls stored %v", got)
		}

		if status, body := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, deal))); status != http.StatusOK {
			t.Fatalf("valid call: %d %q", status, body)
		}
		activity := pipedrivetest.WebhookBody("create", "activity", 9, f.now(), map[string]any{"type": "call"})
		if status, body := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, activity))); status != http.StatusOK {
			t.Fatalf("activity: %d %q", status, body)
		}
		gone := pipedrivetest.WebhookBody("delete", "organization", 7, f.now(), nil)
		if status, body := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, gone))); status != http.StatusOK {
			t.Fatalf("deletion: %d %q", status, body)
		}
		// A replay (Pipedrive signs nothing and dates nothing it checks)
		// queues the deal again: the re-fetch reads it once, as it is now.
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, deal))); status != http.StatusOK {
			t.Errorf("replay: status %d, want 200", status)
		}
		person := pipedrivetest.WebhookBody("change", "person", 3, f.now(), map[string]any{})
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, person))); status != http.StatusOK {
			t.Errorf("a person: status %d, want 200", status)
		}
		// A product: answered, nothing stored.
		product := pipedrivetest.WebhookBody("change", "product", 4, f.now(), map[string]any{})
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, product))); status != http.StatusOK {
			t.Errorf("a product: status %d, want 200", status)
		}
		want := []change{{"deal", "42", false}, {"task", "9", false}, {"activity", "9", false}, {"company", "7", true}, {"deal", "42", false},
			{"contact", "3", false}}
		if diff := cmp.Diff(want, pending(t, st, "pd")); diff != "" {
			t.Errorf("pending changes (-want +got):\n%s", diff)
		}
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, []byte(`{"event":"updated.deal","current":{"id":1}}`)))); status != http.StatusBadRequest {
			t.Errorf("a v1 body: status %d, want 400", status)
		}

		// New credentials (webhook-url again): the old ones stop working
		// once the cache has passed.
		oldUser, oldPassword := f.pdUser, f.pdPassword
		f.newCredentials(t)
		f.clock.Advance(3 * time.Second)
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(pd, oldUser, oldPassword, deal))); status != http.StatusForbidden {
			t.Errorf("old credentials: status %d, want 403", status)
		}
		if status, _ := send(t, c, must(pipedrivetest.WebhookRequest(pd, f.pdUser, f.pdPassword, deal))); status != http.StatusOK {
			t.Errorf("new credentials: status %d, want 200", status)
		}
		for _, s := range []string{oldPassword, f.pdPassword} {
			if strings.Contains(f.log.String(), s) {
				t.Errorf("the log shows a password")
			}
		}
	})
}

// TestPipedriveWebhooksWithoutKey: a server without the secret key cannot
// open the credentials and refuses every call, saying why in its log.
func TestPipedriveWebhooksWithoutKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCRMFixture(t, st, hooks.Config{})
		other, err := secret.NewBox(bytes.Repeat([]byte{9}, secret.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		body := pipedrivetest.WebhookBody("change", "deal", 42, f.now(), map[string]any{})
		for name, box := range map[string]*secret.Box{"no key": nil, "another key": other} {
			log := &syncBuffer{}
			h, err := hooks.New(hooks.Config{Store: st, Now: f.clock.Now, Secrets: box, Log: slog.New(slog.NewTextHandler(log, nil))})
			if err != nil {
				t.Fatal(err)
			}
			srv := newServer(t, h)
			if status, _ := send(t, srv.Client(), must(pipedrivetest.WebhookRequest(srv.URL+"/hooks/pd/"+f.secrets["pd"], f.pdUser, f.pdPassword, body))); status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", name, status)
			}
			if !strings.Contains(log.String(), "pipedrive webhooks refused") {
				t.Errorf("%s: the log does not say why:\n%s", name, log.String())
			}
		}
		if got := pending(t, st, "pd"); len(got) != 0 {
			t.Errorf("stored %v", got)
		}
	})
}

// newServer serves h on a loopback listener until the test ends.
func newServer(t *testing.T, h *hooks.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		h.Close()
	})
	return srv
}

// TestHubSpotWebhooksSecretFromSetup: an OAuth app connected from the
// setup page has no client_secret_file; its secret, stored sealed, signs
// its webhooks. Without the key to open it, every call is refused.
func TestHubSpotWebhooksSecretFromSetup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCRMFixture(t, st, hooks.Config{})
		ws, err := config.ParseWorkspace(filepath.Join(t.TempDir(), "ws.yaml"), []byte("workspace: hss\n"+baseYAML+
			"crm:\n  kind: hubspot\n  base_url: https://api.hubapi.com\n  oauth: {client_id: app-2, redirect_uri: https://reglament.example/oauth}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyWorkspace(context.Background(), ws, "head", start); err != nil {
			t.Fatal(err)
		}
		f.rotate(t, "hss")
		const typed = "hs-secret-typed-on-the-setup-page"
		syncer := &crmsync.Syncer{Store: st, Secrets: f.box}
		if err := syncer.SaveClientSecret(context.Background(), "hss", "hubspot", "app-2", typed); err != nil {
			t.Fatal(err)
		}
		u := f.url("hss", f.secrets["hss"])
		events := []hubspottest.WebhookEvent{hubspottest.Event("deal.creation", 77, f.now())}
		if status, body := send(t, f.srv.Client(), must(hubspottest.WebhookRequest(u, typed, events, f.now()))); status != http.StatusOK {
			t.Fatalf("signed with the stored secret: %d %q", status, body)
		}
		if status, _ := send(t, f.srv.Client(), must(hubspottest.WebhookRequest(u, "guessed", events, f.now()))); status != http.StatusForbidden {
			t.Errorf("another secret: status %d, want 403", status)
		}
		if diff := cmp.Diff([]change{{"deal", "77", false}}, pending(t, st, "hss")); diff != "" {
			t.Errorf("pending changes (-want +got):\n%s", diff)
		}
		keyless, err := hooks.New(hooks.Config{Store: st, Now: f.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		srv := newServer(t, keyless)
		if status, _ := send(t, srv.Client(), must(hubspottest.WebhookRequest(srv.URL+"/hooks/hss/"+f.secrets["hss"], typed, events, f.now()))); status != http.StatusForbidden {
			t.Errorf("a server without the key: status %d, want 403", status)
		}
	})
}
