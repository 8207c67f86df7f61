package crmsync_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
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

// contactWebhookCase is one CRM's run of the contact webhook scenario:
// setup applies acme on the fake and returns what sends the CRM's
// contact calls: "add" for contact 2 (created after the first sync),
// "delete" for contact 1 (gone from the CRM).
type contactWebhookCase struct {
	source string
	// listsDeleted: the CRM returns a deleted contact by id, marked
	// deleted (Pipedrive), rather than not at all.
	listsDeleted bool
	setup        func(t *testing.T, st *store.Store, clock *crmtest.Clock) (seed func(id int64, phone string, at time.Time), drop func(id int64), send func(action string, id int64) int)
}

// TestWebhookBringsContacts: in each of the four CRMs a contact is entered
// after the sync (a manager entering the client he called, after the
// fact) and another one deleted; the CRM's contact webhook queues both,
// and the re-fetch stores the new contact with its normalized phone, so
// the telephone bases can find its number, and marks the deleted one
// deleted, at the webhook's time or its receipt.
func TestWebhookBringsContacts(t *testing.T) {
	cases := []contactWebhookCase{
		{source: "amocrm", setup: amoContactHooks},
		{source: "bitrix24", setup: bitrixContactHooks},
		{source: "hubspot", setup: hubspotContactHooks},
		{source: "pipedrive", listsDeleted: true, setup: pipedriveContactHooks},
	}
	for _, tc := range cases {
		t.Run(tc.source, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				clock := crmtest.NewClock(at(21, 10, 0, 0))
				seed, drop, send := tc.setup(t, st, clock)
				seed(1, "+7 912 000-00-01", at(20, 9, 0, 0))
				syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
				if _, err := syncer.Sync(ctx, "acme", true, "sync"); err != nil {
					t.Fatalf("full sync: %v", err)
				}
				if diff := cmp.Diff([]string{"79120000001|contact|1"}, phoneRows(t, st, tc.source)["record_phones"]); diff != "" {
					t.Fatalf("phones after the sync (-want +got):\n%s", diff)
				}

				clock.Advance(time.Hour)
				seed(2, "8 (912) 000-00-02", clock.Now().Add(-time.Minute))
				drop(1)
				if status := send("add", 2); status != http.StatusOK {
					t.Fatalf("contact added: status %d, want 200", status)
				}
				if status := send("delete", 1); status != http.StatusOK {
					t.Fatalf("contact deleted: status %d, want 200", status)
				}
				pending, err := st.PendingChanges(ctx, "acme", 0)
				if err != nil {
					t.Fatal(err)
				}
				var kinds []string
				for _, c := range pending {
					kinds = append(kinds, fmt.Sprintf("%s %s %v", c.Kind, c.ExternalID, c.Deleted))
				}
				if diff := cmp.Diff([]string{"contact 2 false", "contact 1 true"}, kinds); diff != "" {
					t.Fatalf("pending changes (-want +got):\n%s", diff)
				}
				res, err := syncer.ApplyPending(ctx, "acme", "webhook")
				if err != nil {
					t.Fatalf("ApplyPending: %v", err)
				}
				want := crmsync.PendingResult{Workspace: "acme", Changes: 2, Fetched: 1, Written: 1, Deleted: 1}
				if tc.listsDeleted {
					// Contact 1 comes back deleted: stored as returned.
					want.Fetched, want.Written, want.Deleted = 2, 2, 0
				}
				if diff := cmp.Diff(want, *res); diff != "" {
					t.Errorf("ApplyPending (-want +got):\n%s", diff)
				}
				got := phoneRows(t, st, tc.source)
				if diff := cmp.Diff([]string{"79120000001|contact|1", "79120000002|contact|2"}, got["record_phones"]); diff != "" {
					t.Errorf("phones after the re-fetch (-want +got):\n%s", diff)
				}
				if len(got["persons"]) != 2 || strings.HasSuffix(got["persons"][0], "|") || !strings.HasSuffix(got["persons"][1], "|") {
					t.Errorf("contacts after the re-fetch %q: want 1 deleted, 2 alive", got["persons"])
				}
				if n := refetchPending(t, st); n != 0 {
					t.Errorf("%d pending changes after the re-fetch, want 0", n)
				}
			})
		})
	}
}

func amoContactHooks(t *testing.T, st *store.Store, clock *crmtest.Clock) (func(int64, string, time.Time), func(int64), func(string, int64) int) {
	fake := amocrmtest.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	applyWorkspace(t, st, clock.Now, "amocrm", fake.URL, fake.AccessToken)
	c, u := refetchHooks(t, st, clock.Now)
	seed := func(id int64, phone string, at time.Time) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		fake.Contacts[id] = &amocrmtest.Contact{ID: id, ResponsibleUserID: 101, Name: "contact " + itoa(id),
			CreatedAt: at.Unix(), UpdatedAt: at.Unix(), Phones: []string{phone}}
	}
	drop := func(id int64) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		delete(fake.Contacts, id)
	}
	send := func(action string, id int64) int {
		p := "contacts[" + action + "][0]"
		return refetchPost(t, c, u, url.Values{p + "[id]": {itoa(id)}, p + "[type]": {"contact"},
			p + "[last_modified]": {itoa(clock.Now().Unix())}, "account[subdomain]": {"acme"}})
	}
	return seed, drop, send
}

func bitrixContactHooks(t *testing.T, st *store.Store, clock *crmtest.Clock) (func(int64, string, time.Time), func(int64), func(string, int64) int) {
	fake := bitrix24test.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	const appToken = "b24-application-token"
	if err := os.WriteFile(filepath.Join(dir, "b24.app"), []byte(appToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"),
		[]byte(bitrixWorkspaceYAML+fake.URL+fake.WebhookPath+"\n  application_token_file: b24.app\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
		t.Fatal(err)
	}
	c, u := refetchHooks(t, st, clock.Now)
	seed := func(id int64, phone string, at time.Time) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		fake.Contacts[id] = &bitrix24test.Contact{ID: id, AssignedBy: 101, Name: "contact", LastName: itoa(id),
			Created: at, Modified: at, Phones: []string{phone}}
	}
	drop := func(id int64) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		delete(fake.Contacts, id)
	}
	send := func(action string, id int64) int {
		return refetchPost(t, c, u, url.Values{"event": {"ONCRMCONTACT" + strings.ToUpper(action)}, "data[FIELDS][ID]": {itoa(id)},
			"ts": {itoa(clock.Now().Unix())}, "auth[domain]": {"acme.bitrix24.ru"}, "auth[application_token]": {appToken}})
	}
	return seed, drop, send
}

func hubspotContactHooks(t *testing.T, st *store.Store, clock *crmtest.Clock) (func(int64, string, time.Time), func(int64), func(string, int64) int) {
	fake := hubspottest.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	const clientSecret = "private-app-client-secret"
	if err := os.WriteFile(filepath.Join(dir, "hs.secret"), []byte(clientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, u := webhookWorkspace(t, st, clock, "hubspot", fake.URL, fake.AccessToken,
		"  application_token_file: "+filepath.Join(dir, "hs.secret")+"\n", hooks.Config{})
	seed := func(id int64, phone string, at time.Time) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		fake.Objects[hubspot.ObjectContacts][id] = &hubspottest.Object{ID: id, Properties: map[string]string{
			"firstname": "contact", "lastname": itoa(id), "phone": phone, "hubspot_owner_id": "101",
			"createdate": hubspottest.Time(at), "lastmodifieddate": hubspottest.Time(at)}}
	}
	drop := func(id int64) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		delete(fake.Objects[hubspot.ObjectContacts], id)
	}
	send := func(action string, id int64) int {
		typ := map[string]string{"add": "contact.creation", "delete": "contact.deletion"}[action]
		return do(t, c)(hubspottest.WebhookRequest(u, clientSecret, []hubspottest.WebhookEvent{hubspottest.Event(typ, id, clock.Now())}, clock.Now()))
	}
	return seed, drop, send
}

func pipedriveContactHooks(t *testing.T, st *store.Store, clock *crmtest.Clock) (func(int64, string, time.Time), func(int64), func(string, int64) int) {
	fake := pipedrivetest.NewServer(clock.Now)
	t.Cleanup(fake.Close)
	fake.Mu.Lock()
	fake.Users = []pipedrivetest.User{{ID: 101}}
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
	seed := func(id int64, phone string, at time.Time) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		fake.Persons[id] = &pipedrivetest.Person{ID: id, OwnerID: 101, Name: "contact " + itoa(id), Phones: []string{phone},
			AddTime: at, Updated: at}
	}
	drop := func(id int64) {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		fake.Persons[id].Deleted, fake.Persons[id].Updated = true, clock.Now()
	}
	send := func(action string, id int64) int {
		pdAction := map[string]string{"add": "create", "delete": "delete"}[action]
		return do(t, c)(pipedrivetest.WebhookRequest(u, user, password, pipedrivetest.WebhookBody(pdAction, "person", id, clock.Now(), nil)))
	}
	return seed, drop, send
}
