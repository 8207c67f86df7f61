package crmsync_test

import (
	"net/http"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// requestTimeout is the client's HTTP timeout in the fault tests: a hung
// request (FaultTimeout) costs this much real time.
const requestTimeout = 300 * time.Millisecond

// TestAmoCRMSyncThroughFaults syncs an amoCRM account whose server answers
// with every failure it is known for, while records change between pages,
// and holds the store to the server's truth.
func TestAmoCRMSyncThroughFaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
		fake := amocrmtest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedAmo(fake, volume{companies: 35, deals: 40, tasks: 30, activities: 45})
		ws := applyWorkspace(t, st, clock.Now, domain.CRMAmoCRM, fake.URL, fake.AccessToken)

		// Two faults for each kind, each on a different call: a client
		// giving up after fewer than three tries would fail.
		fake.InjectFor("/api/v4/companies", amocrmtest.Fault429, amocrmtest.Fault503)
		fake.InjectFor("/api/v4/leads", amocrmtest.Fault500, amocrmtest.FaultTimeout)
		fake.InjectFor("/api/v4/tasks", amocrmtest.FaultTruncated, amocrmtest.FaultHTML)
		fake.InjectFor("/api/v4/contacts/notes", amocrmtest.FaultTruncated, amocrmtest.Fault429)

		// Between the first and second page of live leads: a lead already
		// read is won, one not yet read is deleted (it leaves the live list
		// for the deleted one), one not yet read changes hands.
		leadPages := 0
		fake.Mu.Lock()
		fake.AfterPage = func(path string, q map[string][]string, _ int) {
			if path != "/api/v4/leads" || len(q["with"]) > 0 {
				return
			}
			if leadPages++; leadPages != 1 {
				return
			}
			now := clock.Now().Unix()
			won := fake.Leads[3] // open, on the first page
			won.StatusID, won.ClosedAt, won.UpdatedAt = amocrm.StatusWon, now, now
			gone := fake.Leads[38] // open, last pages
			gone.IsDeleted, gone.UpdatedAt = true, now
			moved := fake.Leads[30]
			moved.ResponsibleUserID, moved.UpdatedAt = 101, now
		}
		fake.Mu.Unlock()

		client := amocrm.NewClient(amocrm.Config{BaseURL: fake.URL, ClientConfig: crm.ClientConfig{
			Token:      fake.AccessToken,
			HTTPClient: &http.Client{Timeout: requestTimeout},
			Now:        clock.Now,
			Sleep:      clock.Sleep,
			Backoff:    crm.Backoff{Rand: crmtest.Rand()},
		},

			PageSize: 10})
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		started := clock.Now()
		res, err := syncer.SyncWith(ctx, ws, client, true, "sync")
		if err != nil {
			t.Fatalf("full sync through faults: %v", err)
		}
		if n := fake.Pending(); n != 0 {
			t.Errorf("%d injected faults never fired", n)
		}
		if leadPages < 2 {
			t.Fatalf("leads were read in %d pages; the test needs several", leadPages)
		}
		requireStoreEqualsTruth(t, st, "acme", "amocrm", amoTruth(fake))
		requireCursors(t, st, "acme", "amocrm", started, clock.Now())

		// An incremental sync re-reads the overlap and what changed during
		// the full one: nothing is duplicated or lost.
		fake.Mu.Lock()
		fake.AfterPage = nil
		fake.Mu.Unlock()
		if _, err := syncer.SyncWith(ctx, ws, client, false, "sync"); err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		requireStoreEqualsTruth(t, st, "acme", "amocrm", amoTruth(fake))

		fake.Mu.Lock()
		violations, requests := fake.Violations, fake.Requests
		fake.Mu.Unlock()
		if violations != 0 {
			t.Errorf("the fake saw %d rate-limit violations in %d requests, want 0", violations, requests)
		}
		t.Logf("full sync: %d requests (8 failed on purpose), %s of virtual time", res.Requests, clock.Now().Sub(started))
	})
}

// TestBitrix24SyncThroughFaults does the same for a Bitrix24 portal: every
// failure it is known for, on single calls and on batches, while records
// change between pages.
func TestBitrix24SyncThroughFaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
		fake := bitrix24test.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		// More than 50 of each kind: every kind takes several pages, and
		// activities more than one batch.
		seedBitrix(fake, volume{companies: 120, deals: 180, tasks: 130, activities: 260})
		ws := applyWorkspace(t, st, clock.Now, domain.CRMBitrix24, fake.URL+fake.WebhookPath, "")

		// Every list request is a batch. The first (companies' pages 1 to
		// 4) fails five times in a row, once of each kind, and succeeds on
		// its sixth try, the last allowed.
		fake.InjectFor("batch", bitrix24test.FaultTruncated, bitrix24test.FaultLimit, bitrix24test.Fault500,
			bitrix24test.FaultTimeout, bitrix24test.FaultOperating)

		// While deals are paged (after their 2nd page, inside a batch): a
		// deal already read is won, one not yet read is lost.
		var behind bitrix24test.Deal
		dealPages := 0
		fake.Mu.Lock()
		fake.AfterPage = func(method string, _ int) {
			if method != "crm.deal.list" {
				return
			}
			if dealPages++; dealPages != 2 {
				return
			}
			// Bitrix24 keeps whole seconds. Deal 3 is open, on the first page.
			now := clock.Now().Truncate(time.Second)
			d := fake.Deals[3]
			behind = *d
			d.Semantic, d.CloseDate, d.Modified = "S", now, now
			ahead := fake.Deals[170] // open, not yet read
			ahead.Semantic, ahead.CloseDate, ahead.Modified = "F", now, now
		}
		fake.Mu.Unlock()

		client := bitrix24.NewClient(bitrix24.Config{BaseURL: fake.URL + fake.WebhookPath,
			ClientConfig: crm.ClientConfig{
				HTTPClient: &http.Client{Timeout: requestTimeout},
				Now:        clock.Now,
				Sleep:      clock.Sleep,
				Backoff:    crm.Backoff{Rand: crmtest.Rand()},
			},
		})
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}
		started := clock.Now()
		res, err := syncer.SyncWith(ctx, ws, client, true, "sync")
		if err != nil {
			t.Fatalf("full sync through faults: %v", err)
		}
		if n := fake.Pending(); n != 0 {
			t.Errorf("%d injected faults never fired", n)
		}
		if dealPages < 3 {
			t.Fatalf("deals were read in %d pages; the test needs several", dealPages)
		}
		requireCursors(t, st, "acme", "bitrix24", started, clock.Now())

		// The id-ordered scan had passed deal 3 when it changed: the look
		// at what changed during the scan read it again, so the full sync
		// alone stored both deals' new versions.
		requireStoreEqualsTruth(t, st, "acme", "bitrix24", bitrixTruth(fake, nil))
		fake.Mu.Lock()
		fake.AfterPage = nil
		fake.Mu.Unlock()
		if behind.Semantic == "S" {
			t.Fatal("deal 3 was already won before the scan: the test changes nothing")
		}

		if _, err := syncer.SyncWith(ctx, ws, client, false, "sync"); err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		requireStoreEqualsTruth(t, st, "acme", "bitrix24", bitrixTruth(fake, nil))

		fake.Mu.Lock()
		violations, requests := fake.Violations, fake.Requests
		fake.Mu.Unlock()
		if violations != 0 {
			t.Errorf("the fake saw %d rate-limit violations in %d requests, want 0", violations, requests)
		}
		t.Logf("full sync: %d requests (5 failed on purpose), %s of virtual time", res.Requests, clock.Now().Sub(started))
	})
}
