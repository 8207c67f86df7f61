package pipedrive_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/domain"
)

var t0 = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

type fixture struct {
	clock  *crmtest.Clock
	server *pipedrivetest.Server
	client *pipedrive.Client
	tokens []crm.Token
	rng    *rand.Rand
	nextID int64
}

// newFixture starts a fake and an OAuth client in virtual time; the HTTP
// timeout is real time, so short.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{clock: crmtest.NewClock(t0), rng: rand.New(rand.NewPCG(7, 8)), nextID: 1000}
	f.server = pipedrivetest.NewServer(f.clock.Now)
	t.Cleanup(f.server.Close)
	f.client = pipedrive.NewClient(pipedrive.Config{
		BaseURL: f.server.URL, TokenURL: f.server.URL + "/oauth/token",
		ClientConfig: crm.ClientConfig{
			Token:        f.server.AccessToken,
			RefreshToken: f.server.RefreshToken,
			ClientID:     f.server.ClientID,
			ClientSecret: f.server.ClientSecret,
			OnRefresh: func(_ context.Context, tok crm.Token) error {
				f.tokens = append(f.tokens, tok)
				return nil
			},
			HTTPClient: &http.Client{Timeout: 500 * time.Millisecond},
			Now:        f.clock.Now,
			Sleep:      f.clock.Sleep,
			Backoff:    crm.Backoff{Rand: crmtest.Rand()},
		},
	})
	return f
}

func (f *fixture) id() int64 { f.nextID++; return f.nextID }

// past returns a whole second within the last 30 days.
func (f *fixture) past() time.Time {
	return f.clock.Now().Add(-time.Duration(f.rng.Int64N(30*24*3600)) * time.Second).Truncate(time.Second)
}

func pick[T any](f *fixture, xs ...T) T { return xs[f.rng.IntN(len(xs))] }

// later returns a time up to three hours after t, never after now.
func (f *fixture) later(t time.Time) time.Time {
	u := t.Add(time.Duration(f.rng.IntN(4)) * time.Hour)
	if now := f.clock.Now().Truncate(time.Second); u.After(now) {
		u = now
	}
	return u
}

// seed fills the truth. Hold no lock.
func (f *fixture) seed(orgs, deals, activities int) {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for range orgs {
		at := f.past()
		o := &pipedrivetest.Org{ID: f.id(), OwnerID: 1 + f.rng.Int64N(5), Name: "Org", AddTime: at, Updated: f.later(at)}
		s.Orgs[o.ID] = o
		// A person an organization, some of them at it, with none, one or
		// two phones; one in ten deleted.
		at = f.past()
		p := &pipedrivetest.Person{ID: f.id(), OwnerID: 1 + f.rng.Int64N(5), Name: "Anna Smith", AddTime: at, Updated: f.later(at),
			Deleted: f.rng.IntN(10) == 0}
		for range f.rng.IntN(3) {
			p.Phones = append(p.Phones, fmt.Sprintf("+49 30 %07d", f.rng.IntN(1e7)))
		}
		if f.rng.IntN(2) == 0 {
			p.OrgID = o.ID
		}
		s.Persons[p.ID] = p
	}
	var dealIDs []int64
	for range deals {
		dealIDs = append(dealIDs, f.addDeal(f.past()).ID)
	}
	for range activities {
		f.addActivity(f.past(), dealIDs)
	}
}

// addDeal adds a deal in a random stage and status. Hold Mu.
func (f *fixture) addDeal(at time.Time) *pipedrivetest.Deal {
	stage := 1 + f.rng.Int64N(6)
	d := &pipedrivetest.Deal{ID: f.id(), OwnerID: 1 + f.rng.Int64N(5), StageID: stage, PipelineID: map[bool]int64{true: 1, false: 2}[stage <= 4],
		Title: "Deal", Value: pick(f, 0, 1500, 19999.99), Status: pick(f, "open", "open", "won", "lost"), AddTime: at, Updated: f.later(at)}
	switch d.Status {
	case "won":
		d.WonTime = d.Updated
	case "lost":
		d.LostTime = d.Updated
	}
	f.server.Deals[d.ID] = d
	return d
}

// addActivity adds an activity of a random type, done or not. Hold Mu.
func (f *fixture) addActivity(at time.Time, dealIDs []int64) *pipedrivetest.Activity {
	a := &pipedrivetest.Activity{ID: f.id(), OwnerID: 1 + f.rng.Int64N(5), Subject: "Activity",
		Type: pick(f, "call", "meeting", "task", "deadline", "email", "custom_type_1"), AddTime: at, Updated: f.later(at),
		DueDate: at.Format(time.DateOnly), DueTime: pick(f, "", at.Format("15:04")), Duration: pick(f, "", "00:30", "01:15:30")}
	if f.rng.IntN(2) == 0 {
		a.Done, a.MarkedAsDone = true, a.Updated
	}
	if len(dealIDs) > 0 && f.rng.IntN(3) > 0 {
		a.DealID = dealIDs[f.rng.IntN(len(dealIDs))]
	}
	f.server.Activities[a.ID] = a
	return a
}

// want maps the truth to records, independently of the client's mapping.
func (f *fixture) want() *crmtest.Store {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	w := crmtest.NewStore()
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	meta := func(n int64, updated time.Time, deleted bool) domain.RecordMeta {
		m := domain.RecordMeta{Source: "pipedrive", ExternalID: id(n), UpdatedAt: updated.UTC()}
		if deleted {
			m.DeletedAt = m.UpdatedAt
		}
		return m
	}
	stages, pipelines := map[int64]pipedrivetest.Stage{}, map[int64]string{}
	for _, st := range s.Stages {
		stages[st.ID] = st
	}
	for _, p := range s.Pipelines {
		pipelines[p.ID] = p.Name
	}
	for _, o := range s.Orgs {
		w.Companies[id(o.ID)] = domain.Company{RecordMeta: meta(o.ID, o.Updated, o.Deleted), Name: o.Name, Responsible: id(o.OwnerID),
			CreatedAt: o.AddTime.UTC()}
	}
	for _, p := range s.Persons {
		r := domain.Person{RecordMeta: meta(p.ID, p.Updated, p.Deleted), Name: p.Name, Responsible: id(p.OwnerID),
			Phones: p.Phones, CreatedAt: p.AddTime.UTC()}
		if p.OrgID != 0 {
			r.CompanyID = id(p.OrgID)
		}
		w.Persons[r.ExternalID] = r
	}
	for _, d := range s.Deals {
		r := domain.Deal{RecordMeta: meta(d.ID, d.Updated, d.Deleted), Title: d.Title, Responsible: id(d.OwnerID),
			Amount: decimal.NewFromFloat(d.Value), Status: d.Status, CreatedAt: d.AddTime.UTC(), PipelineID: id(d.PipelineID),
			Pipeline: pipelines[d.PipelineID], StageID: id(d.StageID), Stage: stages[d.StageID].Name}
		r.ClosedAt = map[string]time.Time{"won": d.WonTime, "lost": d.LostTime}[d.Status]
		w.Deals[r.ExternalID] = r
		// A deal's moves stay when it is deleted: they were made.
		for _, ch := range d.Changes {
			m := domain.DealMove{RecordMeta: domain.RecordMeta{Source: "pipedrive", ExternalID: id(d.ID) + ":" + strconv.FormatInt(ch.At.Unix(), 10),
				UpdatedAt: ch.At.UTC()}, DealID: id(d.ID), MovedAt: ch.At.UTC(), Responsible: id(d.OwnerID),
				PipelineID: id(stages[ch.To].PipelineID), Pipeline: pipelines[stages[ch.To].PipelineID], StageID: id(ch.To), Stage: stages[ch.To].Name,
				FromPipelineID: id(stages[ch.From].PipelineID), FromPipeline: pipelines[stages[ch.From].PipelineID], FromStageID: id(ch.From),
				FromStage: stages[ch.From].Name}
			if ch.UserID >= 1 && ch.UserID <= 5 {
				m.Responsible = id(ch.UserID)
			}
			w.Moves[m.ExternalID] = m
		}
	}
	for _, a := range s.Activities {
		day, _ := time.Parse(time.DateOnly, a.DueDate)
		due := day.Add(24*time.Hour - time.Second)
		if a.DueTime != "" {
			hm, _ := time.Parse("15:04", a.DueTime)
			due = day.Add(time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute)
		}
		switch a.Type {
		case "call", "meeting", "custom_type_1":
			if !a.Done {
				continue
			}
			kind := map[string]string{"call": domain.ActivityCall, "custom_type_1": domain.ActivityCall, "meeting": domain.ActivityMeeting}[a.Type]
			r := domain.Activity{RecordMeta: meta(a.ID, a.Updated, a.Deleted), Kind: kind, Responsible: id(a.OwnerID), DealID: id(a.DealID),
				Outcome: domain.OutcomeHeld, HappenedAt: due, EnteredAt: a.MarkedAsDone.UTC()}
			if a.DueTime == "" {
				r.HappenedAt = a.MarkedAsDone.UTC()
			}
			r.DurationSeconds = map[string]int{"": 0, "00:30": 1800, "01:15:30": 4530}[a.Duration]
			w.Activities[r.ExternalID] = r
		default:
			k := domain.Task{RecordMeta: meta(a.ID, a.Updated, a.Deleted), Title: a.Subject, Responsible: id(a.OwnerID), DealID: id(a.DealID),
				Deadline: due, CreatedAt: a.AddTime.UTC()}
			if a.Done {
				k.CompletedAt = a.MarkedAsDone.UTC()
			}
			w.Tasks[k.ExternalID] = k
		}
	}
	return w
}

func (f *fixture) sync(t testing.TB, st *crmtest.Store, cursors map[crm.Kind]crm.Cursor) {
	t.Helper()
	crmtest.Sync(t, f.client, st, cursors, crmtest.Keep{})
}

// moveDeals moves n random live deals to another stage at times at gives,
// by a user (1–5), a user no longer active (99) or an automation (0).
// Hold Mu.
func (f *fixture) moveDeals(n int, at func() time.Time) {
	s := f.server
	var ids []int64
	for id, d := range s.Deals {
		if !d.Deleted {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for range n {
		d := s.Deals[ids[f.rng.IntN(len(ids))]]
		stage := d.StageID
		for stage == d.StageID {
			stage = 1 + f.rng.Int64N(6)
		}
		when := at()
		if !when.After(d.Updated) {
			when = d.Updated.Add(time.Second) // a changelog is in time order
		}
		s.MoveDeal(d.ID, stage, when, pick(f, int64(0), 99, 1+f.rng.Int64N(5)))
	}
}

func TestFetchFullThenIncrementalWithFaults(t *testing.T) {
	f := newFixture(t)
	f.seed(300, 700, 900)
	f.server.Mu.Lock()
	f.moveDeals(40, f.past)
	f.server.Mu.Unlock()

	// A deal of the first page changes while the scan is on a later one:
	// it moves to the end of the order, where the keyset scan reads it.
	changed := false
	f.server.AfterPage = func(path string) {
		if changed || path != pipedrive.PathDeals {
			return
		}
		changed = true
		var first *pipedrivetest.Deal
		for _, d := range f.server.Deals {
			if !d.Deleted && (first == nil || d.Updated.Before(first.Updated) || d.Updated.Equal(first.Updated) && d.ID < first.ID) {
				first = d
			}
		}
		first.Status, first.WonTime, first.LostTime, first.Updated = "won", f.clock.Now().Truncate(time.Second), time.Time{}, f.clock.Now().Truncate(time.Second)
	}
	f.server.Inject(pipedrivetest.Fault429, pipedrivetest.FaultTruncated)
	f.server.InjectFor(pipedrive.PathDeals, pipedrivetest.FaultTruncated, pipedrivetest.Fault502, pipedrivetest.FaultTimeout)
	f.server.InjectFor("/v1/stages", pipedrivetest.Fault429)
	f.server.InjectFor(pipedrive.PathActivities, pipedrivetest.Fault403)

	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	if !changed {
		t.Fatal("the change between pages did not happen")
	}
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("after the full fetch, records differ from the truth (-want +got):\n%s", diff)
	}
	full := f.client.Requests()
	f.server.AfterPage = nil

	// An hour later: edits, deletions, new records, moves, activities done.
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	now := f.clock.Now().Truncate(time.Second)
	var dealIDs []int64
	i := 0
	for _, d := range f.server.Deals {
		dealIDs = append(dealIDs, d.ID)
		switch i++; {
		case i <= 40:
			d.Status, d.LostTime, d.WonTime, d.Value, d.Updated = "lost", now, time.Time{}, 777.77, now
		case i <= 55:
			d.Deleted, d.Updated = true, now
		case i <= 60:
			d.Status, d.WonTime, d.LostTime, d.Updated = "open", time.Time{}, time.Time{}, now // reopened
		case i <= 65:
			d.Archived, d.Value, d.Updated = true, 5, now // archived, and still a deal
		}
	}
	for range 30 {
		f.addDeal(now)
	}
	f.moveDeals(10, func() time.Time { return now.Add(-time.Duration(f.rng.IntN(1800)) * time.Second) })
	i = 0
	for _, a := range f.server.Activities {
		switch i++; {
		case i <= 5:
			a.Deleted, a.Updated = true, now
		case !a.Done && i < 80:
			a.Done, a.MarkedAsDone, a.Updated = true, now, now
		}
	}
	for range 20 {
		f.addActivity(now, dealIDs)
	}
	i = 0
	for _, o := range f.server.Orgs {
		if i++; i <= 10 {
			o.Deleted, o.Updated = true, now
		} else if i <= 30 {
			o.OwnerID, o.Updated = 4, now // a bulk reassignment
		}
	}
	// The company renames the call type: the records do not change.
	f.server.ActivityTypes[0].Name = "Созвон"
	f.server.Mu.Unlock()
	f.server.Inject(pipedrivetest.Fault502, pipedrivetest.FaultTimeout, pipedrivetest.FaultExpired, pipedrivetest.Fault429)
	f.server.InjectFor(pipedrive.PathOrganizations, pipedrivetest.FaultTruncated, pipedrivetest.Fault502)

	f.sync(t, got, cursors)
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("after the incremental fetch, records differ from the truth (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
	if len(f.tokens) != 1 || f.tokens[0].AccessToken != f.server.AccessToken {
		t.Errorf("refreshed tokens handed to OnRefresh: %d, want 1 matching the server's", len(f.tokens))
	}
	t.Logf("%d records: full fetch %d requests, incremental %d requests; per path %v", got.Len(), full, f.client.Requests()-full, f.server.PerPath)
}

// TestRequestsOfALargeAccount counts the requests of a full and an empty
// incremental sync of 5,000 deals and 5,000 activities: 500 a page, the
// catalogue once per sync, no changelog for deals that never moved.
func TestRequestsOfALargeAccount(t *testing.T) {
	f := newFixture(t)
	f.seed(1000, 5000, 5000)
	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	full := f.client.Requests()
	// companies 2 pages; deals 10 + 1 archived + 1 deleted; tasks and activities 10
	// each; moves 10 (the deals again); the 4 catalogue lists; the keyset
	// restarts re-read a page's last second at most once a page.
	// Persons (as many as organizations) 2 pages more.
	if full > 72 {
		t.Errorf("full sync took %d requests (per path %v), want at most 72", full, f.server.PerPath)
	}
	f.clock.Advance(10 * time.Minute)
	f.sync(t, got, cursors)
	if n := f.client.Requests() - full; n > 13 {
		t.Errorf("an empty incremental sync took %d requests, want at most 13 (organizations, persons, deals and archived deals, the deleted deals, activities twice, the moves' deals and archived deals, the catalogue's 4)", n)
	}
	f.server.CheckClean(t)
	t.Logf("full %d requests, empty incremental %d", full, f.client.Requests()-full)
}

// TestRateLimitHeadersAndBlock: a client told the window is spent waits for
// x-ratelimit-reset; repeated 429s and the HTML 403 that follows them are
// waited out, not retried at once.
func TestRateLimitHeadersAndBlock(t *testing.T) {
	f := newFixture(t)
	f.seed(10, 0, 0)
	f.server.Inject(pipedrivetest.Fault429, pipedrivetest.Fault429, pipedrivetest.Fault403)
	start := f.clock.Now()
	b, _, err := f.client.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	if err != nil || len(b.Companies) != 10 {
		t.Fatalf("Fetch = %d companies, %v; want 10", len(b.Companies), err)
	}
	if waited := f.clock.Now().Sub(start); waited < pipedrive.BlockWait {
		t.Errorf("waited %s through two 429s and a 403 block, want at least %s", waited, pipedrive.BlockWait)
	}
	f.server.CheckClean(t)
}

func TestGiveUpErrorNamesNoSecret(t *testing.T) {
	f := newFixture(t)
	f.seed(5, 0, 0)
	f.server.InjectFor(pipedrive.PathOrganizations, slices.Repeat([]pipedrivetest.Fault{pipedrivetest.Fault502}, 6)...)
	_, cur, err := f.client.Fetch(context.Background(), crm.KindCompany, crm.Cursor{Since: t0})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != http.StatusBadGateway {
		t.Fatalf("Fetch after six 502s: err = %v, want a 502 *crm.Error", err)
	}
	for _, want := range []string{"pipedrive", "GET /api/v2/organizations", "502"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), f.server.AccessToken) || strings.Contains(err.Error(), f.server.URL) {
		t.Errorf("error %q shows the token or the URL", err)
	}
	if !cur.Since.Equal(t0) {
		t.Errorf("cursor after a failed fetch = %v, want it unchanged at %v", cur.Since, t0)
	}
}

func TestAPITokenAuth(t *testing.T) {
	f := newFixture(t)
	f.seed(3, 0, 0)
	c := pipedrive.NewClient(pipedrive.Config{BaseURL: f.server.URL, APIToken: f.server.AccessToken,
		ClientConfig: crm.ClientConfig{
			HTTPClient: &http.Client{Timeout: time.Second},
			Now:        f.clock.Now,
			Sleep:      f.clock.Sleep,
		},
	})
	b, _, err := c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	if err != nil || len(b.Companies) != 3 {
		t.Fatalf("Fetch with the API token = %d companies, %v; want 3", len(b.Companies), err)
	}
	bad := pipedrive.NewClient(pipedrive.Config{BaseURL: f.server.URL, APIToken: "wrong",
		ClientConfig: crm.ClientConfig{
			HTTPClient: &http.Client{Timeout: time.Second},
			Now:        f.clock.Now,
			Sleep:      f.clock.Sleep,
		},
	})
	_, _, err = bad.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized || bad.Requests() != 1 {
		t.Errorf("Fetch with a wrong API token: err = %v after %d requests, want one 401 (no refresh)", err, bad.Requests())
	}
}

func TestExchangeAndRefreshByExpiry(t *testing.T) {
	const redirectURI = "https://reglament.example/oauth"
	clock := crmtest.NewClock(t0)
	server := pipedrivetest.NewServer(clock.Now)
	t.Cleanup(server.Close)
	front := pipedrivetest.NewOAuthFront(server, "auth-code-1", redirectURI)
	t.Cleanup(front.Close)
	server.Mu.Lock()
	for id := int64(1); id <= 3; id++ {
		server.Orgs[id] = &pipedrivetest.Org{ID: id, Name: "O", AddTime: t0.Add(-time.Hour), Updated: t0.Add(-time.Hour)}
	}
	server.Mu.Unlock()
	crmtest.TestOAuthLife(t, crmtest.OAuthLife{Clock: clock, Fake: &server.Fake, Front: front, Code: "auth-code-1",
		Companies: 3, Fetch: 1,
		NewClient: func(token crm.Token, onRefresh crm.TokenFunc, onPage func(context.Context, int)) crmtest.OAuthClient {
			return pipedrive.NewClient(pipedrive.Config{BaseURL: front.URL, TokenURL: front.TokenURL(),
				ClientConfig: crm.ClientConfig{
					Token:        token.AccessToken,
					RefreshToken: token.RefreshToken,
					Expiry:       token.Expiry,
					ClientID:     server.ClientID,
					ClientSecret: server.ClientSecret,
					OnRefresh:    onRefresh,
					OnPage:       onPage,
					HTTPClient:   &http.Client{Timeout: 5 * time.Second},
					Now:          clock.Now,
					Sleep:        clock.Sleep,
					Backoff:      crm.Backoff{Rand: crmtest.Rand()},
				},

				RedirectURI: redirectURI,
			})
		}})
}

// TestFakeEnforcesTheLimit shows the fake catches a client too fast: the
// 21st request in 2 seconds is a 429, and after three 429s the HTML 403.
func TestFakeEnforcesTheLimit(t *testing.T) {
	f := newFixture(t)
	call := func() (int, string) {
		req, _ := http.NewRequest(http.MethodGet, f.server.URL+"/v1/users", nil)
		req.Header.Set("x-api-token", f.server.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("x-ratelimit-remaining")
	}
	for i := range 20 {
		if s, rem := call(); s != http.StatusOK || rem != strconv.Itoa(19-i) {
			t.Fatalf("request %d: status %s, x-ratelimit-remaining %s; want 200 and %d", i+1, strconv.Itoa(s), rem, 19-i)
		}
	}
	for i := range 3 {
		if s, _ := call(); s != http.StatusTooManyRequests {
			t.Fatalf("request %d in 2 seconds: status %d, want 429", 21+i, s)
		}
	}
	f.clock.Advance(5 * time.Second)
	if s, _ := call(); s != http.StatusForbidden {
		t.Errorf("after three 429s: status %d, want the 403 block", s)
	}
	f.clock.Advance(pipedrivetest.BlockFor)
	if s, _ := call(); s != http.StatusOK {
		t.Errorf("after the block: status %d, want 200", s)
	}
}

func TestDealMovesIncremental(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 60, 0)
	f.server.Mu.Lock()
	f.moveDeals(40, f.past)
	f.server.Mu.Unlock()
	f.server.InjectFor("/v1/users", pipedrivetest.Fault429)
	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	want := f.want()
	if len(want.Moves) < 30 {
		t.Fatalf("the fixture made %d moves, want at least 30", len(want.Moves))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after the full fetch (-want +got):\n%s", diff)
	}
	// An hour later, 10 more moves: only the deals that moved since the
	// cursor have their changelog read.
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	f.moveDeals(10, func() time.Time {
		return f.clock.Now().Add(-time.Duration(f.rng.IntN(1800)) * time.Second).Truncate(time.Second)
	})
	moved := 0
	for _, d := range f.server.Deals {
		if n := len(d.Changes); n > 0 && d.Changes[n-1].At.After(f.clock.Now().Add(-time.Hour)) {
			moved++
		}
	}
	before := f.server.PerPath
	changelogs := 0
	for p, n := range before {
		if strings.HasSuffix(p, "/changelog") {
			changelogs += n
		}
	}
	f.server.Mu.Unlock()
	f.server.Inject(pipedrivetest.FaultExpired)
	b, _, err := f.client.Fetch(context.Background(), crm.KindDealMove, cursors[crm.KindDealMove])
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Moves) < 10 || len(b.Moves) > 20 {
		t.Errorf("the incremental fetch returned %d moves, want the 10 new ones (and the overlap's)", len(b.Moves))
	}
	after := 0
	f.server.Mu.Lock()
	for p, n := range f.server.PerPath {
		if strings.HasSuffix(p, "/changelog") {
			after += n
		}
	}
	f.server.Mu.Unlock()
	if n := after - changelogs; n != moved {
		t.Errorf("read %d changelogs, want the %d of the deals moved since the cursor", n, moved)
	}
	got.Upsert(t, b, crmtest.Keep{})
	if diff := cmp.Diff(f.want().Moves, got.Moves); diff != "" {
		t.Fatalf("after the incremental fetch (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
}

func TestFetchByIDs(t *testing.T) {
	f := newFixture(t)
	f.seed(3, 5, 6)
	f.server.Mu.Lock()
	var live, gone, archived, org string
	for id, d := range f.server.Deals {
		switch {
		case live == "":
			live = strconv.FormatInt(id, 10)
		case gone == "":
			d.Deleted, gone = true, strconv.FormatInt(id, 10)
		case archived == "":
			d.Archived, archived = true, strconv.FormatInt(id, 10)
		}
	}
	for id := range f.server.Orgs {
		org = strconv.FormatInt(id, 10)
	}
	var acts []string
	for id := range f.server.Activities {
		acts = append(acts, strconv.FormatInt(id, 10))
	}
	f.server.Mu.Unlock()
	want := f.want()
	ctx := context.Background()
	b, err := f.client.FetchByIDs(ctx, crm.KindDeal, []string{live, gone, archived, "999999"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Deal{want.Deals[live], want.Deals[archived]}, b.Deals); diff != "" {
		t.Errorf("FetchByIDs(deals) (-want +got):\n%s", diff)
	}
	b, err = f.client.FetchByIDs(ctx, crm.KindCompany, []string{org})
	if err != nil || len(b.Companies) != 1 || !cmp.Equal(b.Companies[0], want.Companies[org]) {
		t.Errorf("FetchByIDs(companies) = %v, %v; want the company", b.Companies, err)
	}
	var persons []string
	for id := range want.Persons {
		persons = append(persons, id)
	}
	b, err = f.client.FetchByIDs(ctx, crm.KindPerson, append(persons, "999999"))
	if err != nil || len(b.Persons) != len(persons) || len(persons) == 0 {
		t.Fatalf("FetchByIDs(persons) = %d, %v; want the %d persons", len(b.Persons), err, len(persons))
	}
	for _, p := range b.Persons {
		if diff := cmp.Diff(want.Persons[p.ExternalID], p); diff != "" {
			t.Errorf("FetchByIDs(persons): person %s (-want +got):\n%s", p.ExternalID, diff)
		}
	}
	tasks, err := f.client.FetchByIDs(ctx, crm.KindTask, acts)
	if err != nil {
		t.Fatal(err)
	}
	calls, err := f.client.FetchByIDs(ctx, crm.KindActivity, acts)
	if err != nil || len(tasks.Tasks) != len(want.Tasks) || len(calls.Activities) != len(want.Activities) {
		t.Errorf("FetchByIDs(activities) = %d tasks, %d activities, %v; want %d and %d", len(tasks.Tasks), len(calls.Activities), err,
			len(want.Tasks), len(want.Activities))
	}
	for kind, ids := range map[crm.Kind][]string{crm.KindDealMove: {"1"}, crm.KindDeal: {"x"}} {
		if _, err := f.client.FetchByIDs(ctx, kind, ids); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("FetchByIDs(%s, %v): err = %v, want invalid", kind, ids, err)
		}
	}
}

// TestBlockOutlastingRetries: an HTML 403 block that outlasts every try is
// an error coded CodeBlocked (the command line says it as a rate limit),
// after waiting at least BlockWait between tries.
func TestBlockOutlastingRetries(t *testing.T) {
	f := newFixture(t)
	f.seed(1, 0, 0)
	f.server.InjectFor(pipedrive.PathOrganizations, slices.Repeat([]pipedrivetest.Fault{pipedrivetest.Fault403}, 6)...)
	start := f.clock.Now()
	_, _, err := f.client.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != http.StatusForbidden || e.Code != pipedrive.CodeBlocked {
		t.Fatalf("Fetch through six blocks: err = %v, want a 403 coded %s", err, pipedrive.CodeBlocked)
	}
	if waited := f.clock.Now().Sub(start); waited < 5*pipedrive.BlockWait {
		t.Errorf("waited %s over six tries, want at least %s", waited, 5*pipedrive.BlockWait)
	}
}

// TestFetchDealMoves: a webhook's re-fetch reads the moves of the deals it
// names from their changelogs, every one of them and no other deal's.
func TestFetchDealMoves(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 30, 0)
	f.server.Mu.Lock()
	f.moveDeals(40, f.past)
	f.server.Mu.Unlock()
	want := f.want()
	byDeal := map[string][]domain.DealMove{}
	for _, m := range want.Moves {
		byDeal[m.DealID] = append(byDeal[m.DealID], m)
	}
	var ids []string
	var wantMoves []domain.DealMove
	for deal, ms := range byDeal {
		if len(ids) < 3 {
			ids = append(ids, deal)
			wantMoves = append(wantMoves, ms...)
		}
	}
	if len(ids) < 3 {
		t.Fatalf("the fixture moved %d deals, want at least 3", len(byDeal))
	}
	f.server.Mu.Lock()
	before := f.server.Requests
	f.server.Mu.Unlock()
	b, err := f.client.FetchDealMoves(context.Background(), append(ids, "999999"))
	if err != nil {
		t.Fatal(err)
	}
	byID := func(a, b domain.DealMove) int { return strings.Compare(a.ExternalID, b.ExternalID) }
	slices.SortFunc(wantMoves, byID)
	slices.SortFunc(b.Moves, byID)
	if diff := cmp.Diff(wantMoves, b.Moves); diff != "" {
		t.Errorf("FetchDealMoves (-want +got):\n%s", diff)
	}
	f.server.Mu.Lock()
	spent := f.server.Requests - before
	f.server.Mu.Unlock()
	// The catalogue (4, unless fresh), the deals (1) and the archived
	// deals for the unknown id (1), a changelog per deal (3).
	if spent > 9 {
		t.Errorf("FetchDealMoves of 3 deals spent %d requests, want at most 9", spent)
	}
	if _, err := f.client.FetchDealMoves(context.Background(), []string{"x"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("FetchDealMoves(x): err = %v, want invalid", err)
	}
}
