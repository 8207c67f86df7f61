package domain

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// randomData returns a record set whose times cluster around the cutoffs of
// 12–19 November 2026, at the offsets where the definitions have edges.
func randomData(r *rand.Rand) DayData {
	anchors := []time.Time{mskCutoff(12), mskCutoff(13), mskCutoff(14), mskCutoff(16), mskCutoff(17), mskCutoff(18), mskCutoff(19)}
	offsets := []time.Duration{-26 * time.Hour, -2 * time.Hour, -sec, 0, sec, 5 * time.Minute, 10 * time.Minute,
		10*time.Minute + sec, 60 * time.Minute, 3 * time.Hour}
	instant := func() time.Time {
		return anchors[r.IntN(len(anchors))].Add(offsets[r.IntN(len(offsets))])
	}
	maybe := func() time.Time { // an instant or none
		if r.IntN(3) == 0 {
			return time.Time{}
		}
		return instant()
	}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	users := []string{"101", "102", "201", "301", "999", ""}
	sources := []string{"csv", "amocrm"}

	var data DayData
	for i := range r.IntN(8) {
		c := company(fmt.Sprintf("co%d", i), pick(users...), pick(users...), instant())
		c.DeletedAt = maybe()
		data.Companies = append(data.Companies, c)
	}
	var dealIDs []string
	for i := range r.IntN(10) {
		created := instant()
		status := pick(DealOpen, DealWon, DealLost)
		closed := maybe()
		if status != DealOpen && !closed.IsZero() && closed.Before(created) {
			// A deal is closed after it is created; an open deal may keep any
			// stale closing time.
			created, closed = closed, created
		}
		d := Deal{RecordMeta: RecordMeta{Source: sources[i%2], ExternalID: fmt.Sprintf("d%d", i/2), DeletedAt: maybe()},
			Responsible: pick(users...), Amount: decimal.RequireFromString(pick("0.10", "0.20", "1.05", "100", "99999.99")),
			Status: status, CreatedAt: created, ClosedAt: closed}
		data.Deals = append(data.Deals, d)
		dealIDs = append(dealIDs, d.ExternalID)
	}
	for i := range r.IntN(10) {
		dealID := ""
		if len(dealIDs) > 0 && r.IntN(4) > 0 {
			dealID = dealIDs[r.IntN(len(dealIDs))]
		}
		k := task(fmt.Sprintf("k%d", i), pick(users...), dealID, maybe(), instant(), maybe())
		k.Source = pick(sources...)
		k.DeletedAt = maybe()
		data.Tasks = append(data.Tasks, k)
	}
	lags := []time.Duration{0, sec, 9 * time.Minute, 10 * time.Minute, 10*time.Minute + sec, 11 * time.Minute,
		2 * time.Hour, 24 * time.Hour, 25 * time.Hour, 72 * time.Hour}
	for i := range r.IntN(16) {
		happened := instant()
		a := call(fmt.Sprintf("a%d", i), pick(users...), happened, happened.Add(lags[r.IntN(len(lags))]),
			[]int{0, 1, 9, 10, 60}[r.IntN(5)], pick(OutcomeHeld, OutcomeHeld, OutcomeMissed, OutcomeCanceled))
		if r.IntN(3) == 0 {
			a.Kind = ActivityMeeting
		}
		a.DeletedAt = maybe()
		data.Activities = append(data.Activities, a)
	}
	return data
}

// oracle computes the day's values straight from DESIGN.md section 4, with
// no code of the package under test: window (from, to], grace, min_call.
type oracle struct {
	from, to time.Time
	grace    time.Duration
	minCall  int
}

var crmOwner = map[string]string{"101": "anna", "102": "anna", "201": "boris", "301": "vera"}

func (o oracle) in(t time.Time) bool { return t.After(o.from) && !t.After(o.to) }

func (o oracle) deleted(at time.Time) bool { return !at.IsZero() && !at.After(o.to) }

func (o oracle) taskOpen(k Task) bool {
	return !k.CreatedAt.After(o.to) && !o.deleted(k.DeletedAt) && (k.CompletedAt.IsZero() || k.CompletedAt.After(o.to))
}

func (o oracle) dealOpen(d Deal) bool {
	closed := d.Status == DealWon || d.Status == DealLost
	return !d.CreatedAt.After(o.to) && !o.deleted(d.DeletedAt) && (!closed || d.ClosedAt.After(o.to))
}

func (o oracle) values(data DayData) (map[string]map[Indicator]int64, map[string]decimal.Decimal) {
	counts := map[string]map[Indicator]int64{"anna": {}, "boris": {}, "vera": {}}
	won := map[string]decimal.Decimal{}
	add := func(user string, ind Indicator) {
		if m, ok := crmOwner[user]; ok {
			counts[m][ind]++
		}
	}
	for _, c := range data.Companies {
		owner := c.CreatedBy
		if owner == "" {
			owner = c.Responsible
		}
		if o.in(c.CreatedAt) && !o.deleted(c.DeletedAt) {
			add(owner, CompaniesAdded)
		}
	}
	for _, a := range data.Activities {
		if o.deleted(a.DeletedAt) {
			continue
		}
		if o.in(a.HappenedAt) {
			if a.EnteredAt.After(o.to.Add(o.grace)) || a.Outcome != OutcomeHeld {
				continue
			}
			if a.Kind == ActivityMeeting {
				add(a.Responsible, MeetingsHeld)
			} else if a.DurationSeconds >= o.minCall {
				add(a.Responsible, CallsHeld)
			}
			continue
		}
		if !a.HappenedAt.After(o.from) && a.EnteredAt.After(o.from.Add(o.grace)) && !a.EnteredAt.After(o.to.Add(o.grace)) {
			add(a.Responsible, LateEntries)
		}
	}
	for _, k := range data.Tasks {
		if o.taskOpen(k) && !k.Deadline.IsZero() && k.Deadline.Before(o.to) {
			add(k.Responsible, OverdueTasks)
		}
	}
	for _, d := range data.Deals {
		if (d.Status == DealWon || d.Status == DealLost) && o.in(d.ClosedAt) && !d.CreatedAt.After(o.to) && !o.deleted(d.DeletedAt) {
			if d.Status == DealWon {
				add(d.Responsible, DealsWon)
				if m, ok := crmOwner[d.Responsible]; ok {
					won[m] = won[m].Add(d.Amount)
				}
			} else {
				add(d.Responsible, DealsLost)
			}
		}
		if !o.dealOpen(d) {
			continue
		}
		add(d.Responsible, DealsInProgress)
		hasTask := false
		for _, k := range data.Tasks {
			if k.Source == d.Source && k.DealID == d.ExternalID && o.taskOpen(k) {
				hasTask = true
			}
		}
		if !hasTask {
			add(d.Responsible, DealsWithoutTasks)
		}
	}
	return counts, won
}

// TestIndicatorsProperty checks, on random record sets, that (1) every value
// of ComputeValues equals what an independent reading of DESIGN.md gives,
// and (2) the counted evidence Explain returns adds up to the same value.
func TestIndicatorsProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	days := []struct {
		day      string
		from, to time.Time
	}{
		{"2026-11-13", mskCutoff(12), mskCutoff(13)},
		{"2026-11-16", mskCutoff(13), mskCutoff(16)},
		{"2026-11-17", mskCutoff(16), mskCutoff(17)},
		{"2026-11-18", mskCutoff(17), mskCutoff(18)},
		{"2026-11-19", mskCutoff(18), mskCutoff(19)},
	}
	graces := []time.Duration{10 * time.Minute, 0, 60 * time.Minute}
	seen := make(map[Indicator]int64) // every indicator must be exercised
	const sets = 400
	for i := range sets {
		data := randomData(r)
		ws := newTestWorkspace(t)
		ws.Grace = graces[i%len(graces)]
		for _, dd := range days {
			d := MustDate(dd.day)
			win := ws.Window(d)
			values, unknown := ComputeValues(ws, win, &data)
			for _, u := range unknown {
				if u != "999" {
					t.Fatalf("set %d %s: unknown CRM user %q; want only 999", i, dd.day, u)
				}
			}
			wantCounts, wantWon := oracle{dd.from, dd.to, ws.Grace, ws.MinCallSeconds}.values(data)
			for _, m := range []string{"anna", "boris", "vera"} {
				v := values[m]
				for _, ind := range Indicators {
					var explained decimal.Decimal
					for _, e := range Explain(ws, win, &data, m, ind) {
						if !e.Counted {
							continue
						}
						if ind == WonAmount {
							explained = explained.Add(e.Amount)
						} else {
							explained = explained.Add(decimal.NewFromInt(1))
						}
					}
					if !explained.Equal(v.Get(ind)) {
						t.Errorf("set %d %s %s %s: Explain counts %s; ComputeValues says %s", i, dd.day, m, ind, explained, v.Get(ind))
					}
					if ind == WonAmount {
						if !v.WonAmount.Equal(wantWon[m]) {
							t.Errorf("set %d %s %s won_amount = %s; want %s (grace %s)\nrecords: %+v", i, dd.day, m, v.WonAmount, wantWon[m], ws.Grace, data.Deals)
						}
						if !v.WonAmount.IsZero() {
							seen[ind]++
						}
						continue
					}
					if got, want := v.Count(ind), wantCounts[m][ind]; got != want {
						t.Errorf("set %d %s %s %s = %d; want %d (grace %s)\nrecords: %+v", i, dd.day, m, ind, got, want, ws.Grace, data)
					}
					seen[ind] += v.Count(ind)
				}
			}
			if t.Failed() {
				return
			}
		}
	}
	for _, ind := range Indicators {
		if seen[ind] == 0 {
			t.Errorf("no random set gave a non-zero %s; the generator does not exercise it", ind)
		}
	}
}
