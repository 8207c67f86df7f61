package crmsync_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/crmsync"
	"reglament/internal/engine"
	"reglament/internal/hooks"
	"reglament/internal/secret"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// webhookWorkspace applies workspace acme on the CRM kind at baseURL with
// a token file (and the extra crm lines), serves the webhook handler with
// cfg and gives acme a webhook URL, which it returns with the client.
func webhookWorkspace(t *testing.T, st *store.Store, clock *crmtest.Clock, kind, baseURL, token, extra string, cfg hooks.Config) (*http.Client, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crm.token"), []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(weekWorkspaceYAML(kind)+baseURL+"\n"+extra))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Now = st, clock.Now
	h, err := hooks.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		h.Close()
	})
	urlSecret := auth.NewToken()
	if err := st.PutWebhookSecret(ctx, "acme", auth.HashToken(urlSecret), "head", clock.Now()); err != nil {
		t.Fatal(err)
	}
	return srv.Client(), srv.URL + "/hooks/acme/" + urlSecret
}

// do returns a function sending a request built by a fake's
// WebhookRequest with c, which returns the answer's status.
func do(t *testing.T, c *http.Client) func(*http.Request, error) int {
	return func(req *http.Request, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
}

// TestHubSpotWebhookThenApplyPending: a signed HubSpot call says a deal
// changed; the re-fetch reads it through the fake (batch read by id) and
// stores it; a forged call stores nothing.
func TestHubSpotWebhookThenApplyPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at(21, 10, 0, 0))
		fake := hubspottest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		ts := hubspottest.Time
		fake.Mu.Lock()
		fake.Objects[hubspot.ObjectDeals][512] = &hubspottest.Object{ID: 512, Properties: map[string]string{"dealname": "deal 512",
			"amount": "1500.50", "pipeline": "default", "dealstage": "appointmentscheduled", "hubspot_owner_id": "101",
			"createdate": ts(at(18, 9, 0, 0)), "hs_lastmodifieddate": ts(at(18, 9, 0, 0))}}
		fake.MoveDeal(512, "closedwon", at(20, 15, 0, 0), 0) // by an automation: credited to the deal's owner
		fake.Mu.Unlock()
		dir := t.TempDir()
		const clientSecret = "private-app-client-secret"
		if err := os.WriteFile(filepath.Join(dir, "hs.secret"), []byte(clientSecret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, u := webhookWorkspace(t, st, clock, "hubspot", fake.URL, fake.AccessToken,
			"  application_token_file: "+filepath.Join(dir, "hs.secret")+"\n", hooks.Config{})
		change := hubspottest.Event("deal.propertyChange", 512, clock.Now())
		change.PropertyName, change.PropertyValue = "dealstage", "closedwon"
		events := []hubspottest.WebhookEvent{change}
		if status := do(t, c)(hubspottest.WebhookRequest(u, "forged", events, clock.Now())); status != http.StatusForbidden {
			t.Errorf("forged call: status %d, want 403", status)
		}
		if status := do(t, c)(hubspottest.WebhookRequest(u, clientSecret, events, clock.Now())); status != http.StatusOK {
			t.Fatalf("signed call: status %d, want 200", status)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		res, err := syncer.ApplyPending(ctx, "acme", "webhook")
		if err != nil {
			t.Fatal(err)
		}
		if res.Changes != 2 || res.Fetched != 2 || res.Written != 2 || res.Remaining != 0 {
			t.Errorf("ApplyPending = %+v, want the deal and its move fetched and written", res)
		}
		wantMoves := []string{"512:" + itoa(at(20, 15, 0, 0).UnixMilli()) + "|512|101|appointmentscheduled|closedwon"}
		if diff := cmp.Diff(wantMoves, moveLines(t, st)); diff != "" {
			t.Errorf("stored moves (-want +got):\n%s", diff)
		}
		got := storedRecords(t, st, "acme", "hubspot")["deals"]
		want := []string{"512|deal 512|101|1500.5|won|" + micros(at(18, 9, 0, 0)) + "|" + micros(at(20, 15, 0, 0)) + "|" + micros(at(20, 15, 0, 0)) + "|"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored deals (-want +got):\n%s", diff)
		}
	})
}

// TestPipedriveWebhookThenApplyPending: Pipedrive calls with the generated
// Basic credentials say a deal changed and a call was logged; the
// re-fetch stores the deal and the call (an activity of a call type), and
// no task.
func TestPipedriveWebhookThenApplyPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at(21, 10, 0, 0))
		fake := pipedrivetest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		fake.Mu.Lock()
		fake.Users = []pipedrivetest.User{{ID: 101}, {ID: 102}}
		fake.Deals[42] = &pipedrivetest.Deal{ID: 42, OwnerID: 101, StageID: 1, PipelineID: 1, Title: "deal 42", Value: 900,
			Status: "open", AddTime: at(19, 9, 0, 0), Updated: at(19, 9, 0, 0)}
		fake.MoveDeal(42, 2, at(20, 11, 0, 0), 102)
		fake.Activities[9] = &pipedrivetest.Activity{ID: 9, OwnerID: 101, DealID: 42, Subject: "call", Type: "call", Done: true,
			DueDate: "2026-11-20", DueTime: "11:00", Duration: "00:02:00", MarkedAsDone: at(20, 11, 5, 0),
			AddTime: at(20, 11, 5, 0), Updated: at(20, 11, 5, 0)}
		fake.Mu.Unlock()
		box, err := secret.NewBox(bytes.Repeat([]byte{3}, secret.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		c, u := webhookWorkspace(t, st, clock, "pipedrive", fake.URL, fake.AccessToken, "", hooks.Config{Secrets: box})
		user, password, sealed, err := hooks.NewCredentials(box, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutWebhookCredentials(ctx, "acme", sealed, clock.Now()); err != nil {
			t.Fatal(err)
		}
		deal := pipedrivetest.WebhookBody("change", "deal", 42, clock.Now(), map[string]any{"stage_id": 2})
		deal = bytes.Replace(deal, []byte(`"previous":null`), []byte(`"previous":{"stage_id":1}`), 1)
		call := pipedrivetest.WebhookBody("create", "activity", 9, clock.Now(), map[string]any{"type": "call"})
		if status := do(t, c)(pipedrivetest.WebhookRequest(u, user, "guess", deal)); status != http.StatusForbidden {
			t.Errorf("wrong password: status %d, want 403", status)
		}
		for _, body := range [][]byte{deal, call} {
			if status := do(t, c)(pipedrivetest.WebhookRequest(u, user, password, body)); status != http.StatusOK {
				t.Fatalf("call: status %d, want 200", status)
			}
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		res, err := syncer.ApplyPending(ctx, "acme", "webhook")
		if err != nil {
			t.Fatal(err)
		}
		if res.Changes != 4 || res.Remaining != 0 || res.Skipped != 0 {
			t.Errorf("ApplyPending = %+v, want the 4 changes (deal, its moves, activity as task and as activity) done", res)
		}
		wantMoves := []string{"42:" + itoa(at(20, 11, 0, 0).Unix()) + "|42|102|1|2"}
		if diff := cmp.Diff(wantMoves, moveLines(t, st)); diff != "" {
			t.Errorf("stored moves (-want +got):\n%s", diff)
		}
		stored := storedRecords(t, st, "acme", "pipedrive")
		if len(stored["deals"]) != 1 || len(stored["activities"]) != 1 {
			t.Errorf("stored deals %q and activities %q, want deal 42 and call 9", stored["deals"], stored["activities"])
		}
		for _, line := range stored["tasks"] {
			if len(line) > 2 && line[:2] == "9|" && line[len(line)-1] == '|' {
				t.Errorf("call 9 stored as a live task: %q", line)
			}
		}
		if len(stored["activities"]) == 1 && stored["activities"][0][:len("9|call|101|")] != "9|call|101|" {
			t.Errorf("stored activity %q, want call 9 of user 101", stored["activities"][0])
		}
	})
}

// moveLines reads acme's stored moves: "id|deal|responsible|from stage|stage".
func moveLines(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.DB().QueryContext(ctx, `SELECT external_id, deal_id, responsible, from_stage_id, stage_id FROM deal_moves
		WHERE workspace = 'acme' ORDER BY external_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, deal, who, from, to string
		if err := rows.Scan(&id, &deal, &who, &from, &to); err != nil {
			t.Fatal(err)
		}
		out = append(out, id+"|"+deal+"|"+who+"|"+from+"|"+to)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
