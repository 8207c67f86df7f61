package pipedrive_test

import (
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
)

// BenchmarkRequests100000Deals measures the requests a full sync of an
// account of 100,000 deals (1,000 of which moved) spends, and an
// incremental one after 1% of them changed and 100 moved, against the
// fake. Run it with
//
//	go test ./internal/crm/pipedrive -run '^$' -bench Requests100000Deals -benchtime 1x
func BenchmarkRequests100000Deals(b *testing.B) {
	for range b.N {
		f := newFixture(b)
		f.seed(0, 100_000, 0)
		f.server.Mu.Lock()
		f.moveDeals(1000, f.past)
		f.server.Mu.Unlock()
		got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
		start := f.clock.Now()
		f.sync(b, got, cursors)
		full, fullTime := f.client.Requests(), f.clock.Now().Sub(start)

		f.clock.Advance(time.Hour)
		f.server.Mu.Lock()
		now := f.clock.Now().Truncate(time.Second)
		i := 0
		for _, d := range f.server.Deals {
			if i++; i > 1000 {
				break
			}
			d.Value, d.Updated = 1, now
		}
		f.moveDeals(100, func() time.Time { return now })
		f.server.Mu.Unlock()
		start = f.clock.Now()
		f.sync(b, got, cursors)
		incr, incrTime := f.client.Requests()-full, f.clock.Now().Sub(start)
		if len(got.Deals) != 100_000 {
			b.Fatalf("synced %d deals, want 100,000", len(got.Deals))
		}
		b.ReportMetric(float64(full), "full-requests")
		b.ReportMetric(float64(incr), "incremental-requests")
		b.ReportMetric(fullTime.Seconds(), "full-virtual-s")
		b.ReportMetric(incrTime.Seconds(), "incremental-virtual-s")
		f.server.Close()
	}
}
