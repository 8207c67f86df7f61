package crmsync_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
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
	"reglament/internal/store/storetest"
)

// benchVolume is the benchmark's CRM: 100,000 records in all.
var benchVolume = volume{companies: 10_000, deals: 20_000, tasks: 20_000, activities: 50_000}

// pages returns how many requests listing n rows takes at size rows a
// request: at least one, which for an empty list is the answer that says so.
func pages(n, size int) int { return max(1, (n+size-1)/size) }

// BenchmarkSyncRequests measures the requests a full sync of 100,000
// records spends, and an incremental one after 1% of them changed, against
// the minimum the page sizes allow: amoCRM 250 rows a request, every list
// (live leads, deleted leads, call notes of leads, contacts and companies)
// asked at least once; Bitrix24 50 rows a page and 50 pages a batch
// request, each kind asked at least once. Wall time is this machine's
// (fake server, connector and SQLite store on one CPU budget); virtual time
// is the time the CRM's rate limit makes the sync take, read from the
// injected clock; the time spent waiting for the fake is reported apart. Run it with
//
//	go test ./internal/crmsync -run '^$' -bench SyncRequests -benchtime 1x
func BenchmarkSyncRequests(b *testing.B) {
	b.Run("amocrm", func(b *testing.B) {
		for range b.N {
			benchAmo(b)
		}
	})
	b.Run("bitrix24", func(b *testing.B) {
		for range b.N {
			benchBitrix(b)
		}
	})
}

// syncFigures is one line of the table.
type syncFigures struct {
	records, requests, minimum int
	wall, server, virtual      time.Duration
}

func (f syncFigures) String() string {
	return fmt.Sprintf("%d records, %d requests, minimum %d, ratio %.2f, wall %s (of which waiting for the fake %s), virtual %s",
		f.records, f.requests, f.minimum, float64(f.requests)/float64(f.minimum),
		f.wall.Round(time.Millisecond), f.server.Round(time.Millisecond), f.virtual.Round(time.Second))
}

// timingTransport sums the time requests wait for the fake's answer (its
// headers: the fakes compute the whole answer before sending them), so
// that the fake's own work can be told from the connector's and the
// store's.
type timingTransport struct{ waited atomic.Int64 }

func (t *timingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := http.DefaultTransport.RoundTrip(r)
	t.waited.Add(int64(time.Since(start)))
	return resp, err
}

func report(b *testing.B, name string, f syncFigures) {
	b.Logf("%s: %s", name, f)
	b.ReportMetric(float64(f.requests), name+"-requests")
	b.ReportMetric(float64(f.minimum), name+"-minimum")
}

// timedSync runs one sync and returns its figures but the minimum.
func timedSync(b *testing.B, syncer *crmsync.Syncer, ws *domain.Workspace, client crmsync.Client, clock *crmtest.Clock,
	transport *timingTransport, full bool) syncFigures {
	b.Helper()
	v0, w0, s0 := clock.Now(), time.Now(), transport.waited.Load()
	res, err := syncer.SyncWith(ctx, ws, client, full, "sync")
	if err != nil {
		b.Fatalf("sync (full %v): %v", full, err)
	}
	f := syncFigures{requests: int(res.Requests), wall: time.Since(w0), virtual: clock.Now().Sub(v0),
		server: time.Duration(transport.waited.Load() - s0)}
	for _, k := range res.Kinds {
		f.records += k.Fetched
	}
	return f
}

func benchAmo(b *testing.B) {
	b.StopTimer()
	clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	fake := amocrmtest.NewServer(clock.Now)
	defer fake.Close()
	seedAmo(fake, benchVolume)
	st := storetest.MustOpen(b, "sqlite://"+filepath.Join(b.TempDir(), "reglament.db"))
	ws := applyWorkspace(b, st, clock.Now, domain.CRMAmoCRM, fake.URL, fake.AccessToken)
	transport := &timingTransport{}
	client := amocrm.NewClient(amocrm.Config{BaseURL: fake.URL, ClientConfig: crm.ClientConfig{
		Token:      fake.AccessToken,
		HTTPClient: &http.Client{Transport: transport, Timeout: time.Minute},
		Now:        clock.Now,
		Sleep:      clock.Sleep,
		Backoff:    crm.Backoff{Rand: crmtest.Rand()},
	},
	})
	syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}

	// minimum counts the rows of each list the connector reads, changed at
	// or after since (all for the zero time).
	minimum := func(since int64) int {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		var companies, live, deleted, tasks int
		notes := map[string]int{}
		for _, c := range fake.Companies {
			if c.UpdatedAt >= since {
				companies++
			}
		}
		for _, l := range fake.Leads {
			if l.UpdatedAt < since {
				continue
			}
			if l.IsDeleted {
				deleted++
			} else {
				live++
			}
		}
		for _, k := range fake.Tasks {
			if k.UpdatedAt >= since {
				tasks++
			}
		}
		for _, n := range fake.Notes {
			if n.UpdatedAt >= since && (n.NoteType == "call_in" || n.NoteType == "call_out") {
				notes[n.Entity]++
			}
		}
		return pages(companies, 250) + pages(live, 250) + pages(deleted, 250) + pages(tasks, 250) +
			pages(notes["leads"], 250) + pages(notes["contacts"], 250) + pages(notes["companies"], 250)
	}

	b.StartTimer()
	full := timedSync(b, syncer, ws, client, clock, transport, true)
	b.StopTimer()
	full.minimum = minimum(0)
	report(b, "full", full)

	// An hour later 1% of each kind has changed.
	clock.Advance(time.Hour)
	now := clock.Now().Unix()
	fake.Mu.Lock()
	for id, c := range fake.Companies {
		if id%100 == 0 {
			c.Name, c.UpdatedAt = c.Name+" (renamed)", now
		}
	}
	for id, l := range fake.Leads {
		if id%100 == 0 {
			l.Price, l.UpdatedAt = "1.00", now
		}
	}
	for id, k := range fake.Tasks {
		if id%100 == 0 {
			k.Text, k.UpdatedAt = k.Text+" (edited)", now
		}
	}
	// Ids ≡ 1 (mod 100) are call notes (≡ 0 are other notes); tasks with
	// ids ≡ 0 are open, so no completion time moves (amoCRM keeps the first).
	for _, n := range fake.Notes {
		if n.ID%100 == 1 {
			n.Duration, n.UpdatedAt = n.Duration+1, now
		}
	}
	fake.Mu.Unlock()
	b.StartTimer()
	incr := timedSync(b, syncer, ws, client, clock, transport, false)
	b.StopTimer()
	incr.minimum = minimum(now)
	report(b, "incremental", incr)
	requireStoreEqualsTruth(b, st, "acme", "amocrm", amoTruth(fake))
	if fake.Violations != 0 {
		b.Errorf("the fake saw %d rate-limit violations", fake.Violations)
	}
}

func benchBitrix(b *testing.B) {
	b.StopTimer()
	clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	fake := bitrix24test.NewServer(clock.Now)
	defer fake.Close()
	seedBitrix(fake, benchVolume)
	st := storetest.MustOpen(b, "sqlite://"+filepath.Join(b.TempDir(), "reglament.db"))
	ws := applyWorkspace(b, st, clock.Now, domain.CRMBitrix24, fake.URL+fake.WebhookPath, "")
	transport := &timingTransport{}
	client := bitrix24.NewClient(bitrix24.Config{BaseURL: fake.URL + fake.WebhookPath,
		ClientConfig: crm.ClientConfig{
			HTTPClient: &http.Client{Transport: transport, Timeout: time.Minute},
			Now:        clock.Now,
			Sleep:      clock.Sleep,
			Backoff:    crm.Backoff{Rand: crmtest.Rand()},
		},
	})
	syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}

	// minimum counts the rows each list serves (activities of the two
	// types asked for), changed at or after since, at 2,500 rows a request.
	minimum := func(since time.Time) int {
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		var companies, deals, tasks, activities int
		for _, c := range fake.Companies {
			if !c.Modified.Before(since) {
				companies++
			}
		}
		for _, d := range fake.Deals {
			if !d.Modified.Before(since) {
				deals++
			}
		}
		for _, k := range fake.Tasks {
			if !k.Changed.Before(since) {
				tasks++
			}
		}
		for _, a := range fake.Activities {
			if !a.Updated.Before(since) && (a.TypeID == 1 || a.TypeID == 2) {
				activities++
			}
		}
		const perRequest = bitrix24.PageSize * bitrix24.MaxBatch
		return pages(companies, perRequest) + pages(deals, perRequest) + pages(tasks, perRequest) + pages(activities, perRequest)
	}

	b.StartTimer()
	full := timedSync(b, syncer, ws, client, clock, transport, true)
	b.StopTimer()
	full.minimum = minimum(time.Time{})
	report(b, "full", full)

	clock.Advance(time.Hour)
	now := clock.Now().Truncate(time.Second)
	fake.Mu.Lock()
	for id, c := range fake.Companies {
		if id%100 == 0 {
			c.Title, c.Modified = c.Title+" (renamed)", now
		}
	}
	for id, d := range fake.Deals {
		if id%100 == 0 {
			d.Opportunity, d.Modified = "1.00", now
		}
	}
	for id, k := range fake.Tasks {
		if id%100 == 0 {
			k.Title, k.Changed = k.Title+" (edited)", now
		}
	}
	for id, a := range fake.Activities {
		if id%100 == 0 {
			a.End, a.Updated = a.End.Add(time.Second), now
		}
	}
	fake.Mu.Unlock()
	b.StartTimer()
	incr := timedSync(b, syncer, ws, client, clock, transport, false)
	b.StopTimer()
	incr.minimum = minimum(now)
	report(b, "incremental", incr)
	requireStoreEqualsTruth(b, st, "acme", "bitrix24", bitrixTruth(fake, nil))
	if fake.Violations != 0 {
		b.Errorf("the fake saw %d rate-limit violations", fake.Violations)
	}
}
