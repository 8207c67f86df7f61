package crmsync_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// storedMoves returns the moves of acme's working day d that the store
// holds, by external id, as "deal stage".
func storedMoves(t *testing.T, st *store.Store, d domain.Date) map[string]string {
	t.Helper()
	ws, err := st.FindWorkspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	data, err := st.LoadDay(ctx, "acme", ws.Window(d))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range data.Moves {
		got[m.ExternalID] = m.DealID + " " + m.StageID
	}
	return got
}

// Issue 12: an amoCRM lead status webhook leads to the lead's stage move
// being fetched and stored by the re-fetch, before any sync runs; a
// webhook that only updates a lead queues no moves.
func TestWebhookBringsAmoCRMDealMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
		fake := amocrmtest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedWeek(fake)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(fake.AccessToken+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(workspaceYAML+fake.URL+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		if _, err := syncer.Sync(ctx, "acme", true, "sync"); err != nil {
			t.Fatalf("full sync: %v", err)
		}
		client, hookURL := refetchHooks(t, st, clock.Now)

		if got := refetchPost(t, client, hookURL, url.Values{"leads[update][0][id]": {"11"}}); got != http.StatusOK {
			t.Fatalf("update webhook: status %d", got)
		}
		if n := refetchPending(t, st); n != 1 {
			t.Errorf("%d pending changes after a lead update, want 1 (the lead, no moves)", n)
		}

		clock.Advance(time.Hour)
		fake.Mu.Lock()
		e := fake.MoveLead(14, amocrmtest.DefaultPipelineID, won, 102, clock.Now().Add(-time.Minute).Unix())
		fake.Mu.Unlock()
		if got := refetchPost(t, client, hookURL, url.Values{"leads[status][0][id]": {"14"}, "leads[status][0][status_id]": {"142"},
			"leads[status][0][old_status_id]": {"20001"}}); got != http.StatusOK {
			t.Fatalf("status webhook: status %d", got)
		}
		if n := refetchPending(t, st); n != 3 {
			t.Errorf("%d pending changes, want 3 (lead 11; lead 14 and its moves)", n)
		}
		monday := domain.MustDate("2026-11-23")
		if _, ok := storedMoves(t, st, monday)[e.ID]; ok {
			t.Fatal("the move is stored before the re-fetch")
		}
		res, err := syncer.ApplyPending(ctx, "acme", "webhook")
		if err != nil {
			t.Fatalf("ApplyPending: %v", err)
		}
		if res.Changes != 3 || res.Skipped != 0 {
			t.Errorf("ApplyPending = %+v, want 3 changes, none skipped", res)
		}
		if got := storedMoves(t, st, monday)[e.ID]; got != "14 142" {
			t.Errorf("move %s stored as %q, want lead 14 to status 142 (moves: %v)", e.ID, got, storedMoves(t, st, monday))
		}
		if n := refetchPending(t, st); n != 0 {
			t.Errorf("%d pending changes after the re-fetch, want 0", n)
		}
	})
}

// Issue 12: a Bitrix24 ONCRMDEALUPDATE leads to the deal's stage history
// being fetched and stored by the re-fetch; a deletion queues no moves.
func TestWebhookBringsBitrix24DealMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
		fake := bitrix24test.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedBitrixWeek(fake)
		dir := t.TempDir()
		appToken := "b24-application-token"
		if err := os.WriteFile(filepath.Join(dir, "b24.app"), []byte(appToken+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		yaml := bitrixWorkspaceYAML + fake.URL + fake.WebhookPath + "\n  application_token_file: b24.app\n"
		ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.New(st, clock.Now).Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		if _, err := syncer.Sync(ctx, "acme", true, "sync"); err != nil {
			t.Fatalf("full sync: %v", err)
		}
		client, hookURL := refetchHooks(t, st, clock.Now)

		clock.Advance(time.Hour)
		fake.Mu.Lock()
		var deal int64
		var to string
		for id, d := range fake.Deals {
			if d.Semantic != "P" || deal != 0 && id > deal {
				continue
			}
			cat, _, _ := fake.StageOf(d.StageID)
			for _, c := range fake.Categories {
				for _, s := range c.Stages {
					if c.ID == cat && s.Semantics == "" && s.ID != d.StageID {
						deal, to = id, s.ID
					}
				}
			}
		}
		if deal == 0 {
			fake.Mu.Unlock()
			t.Fatal("the seeded week has no open deal with another open stage")
		}
		h := fake.Move(deal, to, clock.Now().Add(-time.Minute))
		fake.Mu.Unlock()

		event := func(name string) url.Values {
			return url.Values{"event": {name}, "data[FIELDS][ID]": {fmt.Sprint(deal)}, "ts": {fmt.Sprint(clock.Now().Unix())},
				"auth[application_token]": {appToken}}
		}
		if got := refetchPost(t, client, hookURL, event("ONCRMDEALUPDATE")); got != http.StatusOK {
			t.Fatalf("update event: status %d", got)
		}
		if n := refetchPending(t, st); n != 2 {
			t.Errorf("%d pending changes, want 2 (the deal and its moves)", n)
		}
		res, err := syncer.ApplyPending(ctx, "acme", "webhook")
		if err != nil {
			t.Fatalf("ApplyPending: %v", err)
		}
		if res.Changes != 2 || res.Skipped != 0 {
			t.Errorf("ApplyPending = %+v, want 2 changes, none skipped", res)
		}
		got := storedMoves(t, st, domain.MustDate("2026-11-23"))
		if m := got[strconv.FormatInt(h.ID, 10)]; m != fmt.Sprint(deal)+" "+to {
			t.Errorf("move %d stored as %q, want deal %d to %s (moves: %v)", h.ID, m, deal, to, got)
		}

		if got := refetchPost(t, client, hookURL, event("ONCRMDEALDELETE")); got != http.StatusOK {
			t.Fatalf("delete event: status %d", got)
		}
		if n := refetchPending(t, st); n != 1 {
			t.Errorf("%d pending changes after a deletion, want 1 (no moves)", n)
		}
	})
}
