package pbx_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
	"reglament/internal/pbx"
	"reglament/internal/pbx/mango"
	"reglament/internal/pbx/mango/mangotest"
	"reglament/internal/pbx/zadarma"
	"reglament/internal/pbx/zadarma/zadarmatest"
)

// size is an account: extensions making calls a working day each, half
// incoming, half outgoing, between 9:00 and 19:00.
type size struct {
	name       string
	extensions int
	perDay     int
}

var sizes = []size{{"S", 5, 30}, {"M", 20, 40}, {"L", 50, 60}}

var now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// calls plants the calls of the last 92 days and the 5 minutes to come.
func calls(s size, fn func(i int, ext string, start time.Time, out bool)) {
	rng := rand.New(rand.NewPCG(16, uint64(s.extensions)))
	i := 0
	for d := -92; d <= 0; d++ {
		day := time.Date(now.Year(), now.Month(), now.Day(), 6, 0, 0, 0, time.UTC).AddDate(0, 0, d)
		for e := range s.extensions {
			for range s.perDay {
				start := day.Add(time.Duration(rng.Int64N(10*3600)) * time.Second)
				if start.After(now.Add(5 * time.Minute)) {
					continue
				}
				i++
				fn(i, fmt.Sprint(100+e), start, rng.IntN(2) == 0)
			}
		}
	}
}

type cost struct {
	requests int64
	windows  int
	calls    int
	took     time.Duration
}

func measure(t *testing.T, c pbx.Client, clock *crmtest.Clock, from, to time.Time) cost {
	t.Helper()
	start, before := clock.Now(), c.Requests()
	var k cost
	err := c.Read(context.Background(), from, to, func(_ context.Context, _ pbx.Window, got []domain.PBXCall) error {
		k.windows++
		k.calls += len(got)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	k.requests, k.took = c.Requests()-before, clock.Now().Sub(start)
	return k
}

// TestSyncCost measures, against the fakes, what a first sync (92 days)
// and an incremental one five minutes later, or once the first ends (from the cursor less the
// overlap) cost in requests and time (the client's own pacing, in
// virtual time) for three sizes of account (L only with
// REGLAMENT_PBX_COST_L=1); docs/telephony.md quotes it.
// It fails if a first sync's windows could not each end within a job's
// two minutes.
func TestSyncCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measures accounts of thousands of calls")
	}
	for _, s := range sizes {
		if s.name == "L" && os.Getenv("REGLAMENT_PBX_COST_L") == "" {
			t.Logf("set REGLAMENT_PBX_COST_L=1 to measure size L (about 30 s)")
			continue
		}
		for _, kind := range []string{domain.PBXMango, domain.PBXZadarma} {
			clock := crmtest.NewClock(now)
			var c pbx.Client
			switch kind {
			case domain.PBXMango:
				f := mangotest.NewServer(clock.Now)
				defer f.Close()
				calls(s, func(i int, ext string, start time.Time, out bool) {
					l := mangotest.Leg{Start: start.Unix(), Answer: start.Unix() + 5, Finish: start.Unix() + 95, EntryID: fmt.Sprint(i)}
					if out {
						l.FromExtension, l.ToNumber = ext, "79160000000"
					} else {
						l.FromNumber, l.ToExtension = "79160000000", ext
					}
					f.Legs = append(f.Legs, l)
				})
				c = mango.NewClient(mango.Config{BaseURL: f.URL + "/vpbx", Key: f.Key, Salt: f.Salt, Now: clock.Now, Sleep: clock.Sleep,
					Backoff: crm.Backoff{Rand: crmtest.Rand()}})
			case domain.PBXZadarma:
				f := zadarmatest.NewServer(clock.Now)
				defer f.Close()
				calls(s, func(i int, ext string, start time.Time, out bool) {
					c := zadarmatest.Call{CallID: fmt.Sprint(i), PBXCallID: fmt.Sprint(i), SIP: ext, Start: start, Disposition: "answered", Seconds: 90,
						Type: "in", CLID: "79160000000", Destination: ext}
					if out {
						c.Type, c.CLID, c.Destination = "out", ext, "79160000000"
					}
					f.Calls = append(f.Calls, c)
				})
				c = zadarma.NewClient(zadarma.Config{BaseURL: f.URL, Key: f.Key, Secret: f.Secret, Now: clock.Now, Sleep: clock.Sleep,
					Backoff: crm.Backoff{Rand: crmtest.Rand()}})
			}
			first := measure(t, c, clock, now.Add(-pbx.DefaultBackfill), now)
			cursor := now
			if d := now.Add(5 * time.Minute).Sub(clock.Now()); d > 0 {
				clock.Advance(d)
			}
			next := measure(t, c, clock, cursor.Add(-pbx.DefaultOverlap), clock.Now())
			t.Logf("%s %s (%d extensions × %d calls a day): first sync %d requests, %d windows, %d calls, %s; incremental %d requests, %d calls, %s",
				kind, s.name, s.extensions, s.perDay, first.requests, first.windows, first.calls, first.took.Round(time.Second),
				next.requests, next.calls, next.took.Round(time.Second))
			if per := first.took / time.Duration(first.windows); per > 2*time.Minute {
				t.Errorf("%s %s: a window takes %s on average, more than a job's 2 minutes", kind, s.name, per)
			}
		}
	}
}
