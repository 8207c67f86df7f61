package hubspot_test

import (
	"net/http"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
)

// BenchmarkRequests100000Deals measures the requests a full sync of an
// account of 100,000 deals (1,000 of which moved) spends, and an
// incremental one after 1% of them changed and 100 moved, against the
// fake. Run it with
//
//	go test ./internal/crm/hubspot -run '^$' -bench Requests100000Deals -benchtime 1x
func BenchmarkRequests100000Deals(b *testing.B) {
	for range b.N {
		f := newFixture(b)
		// The fake sorts up to 100,000 deals per search: on a busy machine
		// one can take longer than the fixture's 500 ms timeout, and the
		// retry would be counted.
		f.client = hubspot.NewClient(hubspot.Config{BaseURL: f.server.URL, ClientConfig: crm.ClientConfig{
			Token: f.server.AccessToken, HTTPClient: &http.Client{Timeout: time.Minute},
			Now: f.clock.Now, Sleep: f.clock.Sleep, Backoff: crm.Backoff{Rand: crmtest.Rand()},
		}})
		f.seed(0, 100_000, 0, 0, 0)
		f.server.Mu.Lock()
		for i := range int64(5) {
			f.server.Owners = append(f.server.Owners, hubspottest.Owner{ID: 100 + i, UserID: 9100 + i})
		}
		f.moveDeals(1000, f.past)
		f.server.Mu.Unlock()
		got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
		start, wall := f.clock.Now(), time.Now()
		f.sync(b, got, cursors)
		full, fullTime, fullWall := f.client.Requests(), f.clock.Now().Sub(start), time.Since(wall)
		fullPaths := perPath(f.server)

		f.clock.Advance(time.Hour)
		f.server.Mu.Lock()
		// The deals the 5-minute overlap before the full sync's start
		// re-reads: the fixture caps modification times at the start.
		overlap := 0
		for _, o := range f.server.Objects[hubspot.ObjectDeals] {
			if !o.Modified().Before(start.Add(-5 * time.Minute)) {
				overlap++
			}
		}
		now := hubspottest.Time(f.clock.Now().Truncate(time.Second))
		i := 0
		for _, o := range f.server.Objects[hubspot.ObjectDeals] {
			if i++; i > 1000 {
				break
			}
			o.Properties["amount"], o.Properties["hs_lastmodifieddate"] = "1", now
		}
		f.moveDeals(100, func() time.Time { return f.clock.Now().Truncate(time.Second) })
		f.server.Mu.Unlock()
		start, wall = f.clock.Now(), time.Now()
		f.sync(b, got, cursors)
		incr, incrTime, incrWall := f.client.Requests()-full, f.clock.Now().Sub(start), time.Since(wall)
		if len(got.Deals) != 100_000 {
			b.Fatalf("synced %d deals, want 100,000", len(got.Deals))
		}
		f.server.CheckClean(b)
		b.Logf("full: %d requests, %v virtual, %v wall; per path %v", full, fullTime, fullWall.Round(time.Second), fullPaths)
		b.Logf("incremental: %d requests, %v virtual, %v wall; per path %v", incr, incrTime, incrWall.Round(time.Second),
			minus(perPath(f.server), fullPaths))
		b.Logf("moves: %d; deals in the overlap before the full sync's start: %d", len(got.Moves), overlap)
		b.ReportMetric(float64(full), "full-requests")
		b.ReportMetric(float64(incr), "incremental-requests")
		b.ReportMetric(fullTime.Seconds(), "full-virtual-s")
		b.ReportMetric(incrTime.Seconds(), "incremental-virtual-s")
		f.server.Close()
	}
}

// perPath copies the server's requests per path.
func perPath(s *hubspottest.Server) map[string]int {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	out := map[string]int{}
	for p, n := range s.PerPath {
		out[p] = n
	}
	return out
}

// minus returns the requests per path of a not counted in b.
func minus(a, b map[string]int) map[string]int {
	out := map[string]int{}
	for p, n := range a {
		if n != b[p] {
			out[p] = n - b[p]
		}
	}
	return out
}
