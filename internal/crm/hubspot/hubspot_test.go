package hubspot_test

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
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/domain"
)

var t0 = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

// keep is how the store merges HubSpot's records: a task completed without
// hs_task_completion_date, and a meeting's outcome, are dated by the
// modification time they are first seen with.
var keep = crmtest.Keep{Task: crm.KeepFirstCompletion, Activity: crm.KeepFirstEntry}

type fixture struct {
	clock  *crmtest.Clock
	server *hubspottest.Server
	client *hubspot.Client
	tokens []crm.Token
	rng    *rand.Rand
	nextID int64
}

// newFixture starts a fake and a client in virtual time; the HTTP timeout
// is real time, so short.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{clock: crmtest.NewClock(t0), rng: rand.New(rand.NewPCG(5, 6)), nextID: 1000}
	f.server = hubspottest.NewServer(f.clock.Now)
	t.Cleanup(f.server.Close)
	f.client = hubspot.NewClient(hubspot.Config{
		BaseURL: f.server.URL, ClientConfig: crm.ClientConfig{
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

// past returns a time within the last 30 days, on a whole second: bulk
// edits give many records one modification time.
func (f *fixture) past() time.Time {
	return f.clock.Now().Add(-time.Duration(f.rng.Int64N(30*24*3600)) * time.Second).Truncate(time.Second)
}

func pick[T any](f *fixture, xs ...T) T { return xs[f.rng.IntN(len(xs))] }

// add puts an object of obj in the truth, created at created and last
// modified up to three hours later (never after now). Hold Mu.
func (f *fixture) add(obj string, created time.Time, props map[string]string) *hubspottest.Object {
	modified := created.Add(time.Duration(f.rng.IntN(4)) * time.Hour)
	if now := f.clock.Now().Truncate(time.Second); modified.After(now) {
		modified = now
	}
	props[hubspottest.ModifiedProperty(obj)] = hubspottest.Time(modified)
	if obj == hubspot.ObjectCompanies || obj == hubspot.ObjectDeals || obj == hubspot.ObjectContacts {
		props["createdate"] = hubspottest.Time(created)
	} else {
		props["hs_createdate"] = hubspottest.Time(created)
	}
	props["hubspot_owner_id"] = strconv.Itoa(100 + f.rng.IntN(5))
	o := &hubspottest.Object{ID: f.id(), Properties: props}
	f.server.Objects[obj][o.ID] = o
	return o
}

func (f *fixture) seed(companies, deals, tasks, calls, meetings int) {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for range companies {
		c := f.add(hubspot.ObjectCompanies, f.past(), map[string]string{"name": "Company"})
		if f.rng.IntN(2) == 0 {
			c.Properties["phone"] = fmt.Sprintf("+1 (555) %03d-%04d", f.rng.IntN(1000), f.rng.IntN(10000))
		}
		// A contact a company, some of them at that company, with a phone,
		// a mobile phone, both or none.
		p := f.add(hubspot.ObjectContacts, f.past(), map[string]string{"firstname": "Jane", "lastname": pick(f, "Doe", "")})
		for _, prop := range []string{"phone", "mobilephone"} {
			if f.rng.IntN(2) == 0 {
				p.Properties[prop] = fmt.Sprintf("+1555%07d", f.rng.IntN(1e7))
			}
		}
		if f.rng.IntN(2) == 0 {
			p.Properties["associatedcompanyid"] = strconv.FormatInt(c.ID, 10)
		}
	}
	var dealIDs []int64
	for range deals {
		dealIDs = append(dealIDs, f.addDeal(f.past()).ID)
	}
	for range tasks {
		f.addTask(f.past(), dealIDs)
	}
	for range calls {
		o := f.add(hubspot.ObjectCalls, f.past(), map[string]string{
			"hs_call_duration":    strconv.Itoa(f.rng.IntN(600_000)),
			"hs_call_status":      pick(f, "COMPLETED", "NO_ANSWER", "BUSY", "CANCELED"),
			"hs_call_direction":   pick(f, "INBOUND", "OUTBOUND", ""),
			"hs_call_to_number":   fmt.Sprintf("+1555%07d", f.rng.IntN(1e7)),
			"hs_call_from_number": fmt.Sprintf("+1666%07d", f.rng.IntN(1e7))})
		o.Properties["hs_timestamp"] = o.Properties["hs_createdate"]
		o.Deal = pick(f, 0, dealIDs[f.rng.IntN(len(dealIDs))])
	}
	for range meetings {
		start := f.past()
		o := f.add(hubspot.ObjectMeetings, start.Add(-24*time.Hour), map[string]string{
			"hs_timestamp": hubspottest.Time(start), "hs_meeting_start_time": hubspottest.Time(start),
			"hs_meeting_end_time": hubspottest.Time(start.Add(time.Duration(f.rng.IntN(90)) * time.Minute)),
			"hs_meeting_outcome":  pick(f, "COMPLETED", "NO_SHOW", "CANCELED", "SCHEDULED", "")})
		o.Deal = pick(f, 0, dealIDs[f.rng.IntN(len(dealIDs))])
	}
}

// addDeal adds a deal in a random stage. Hold Mu.
func (f *fixture) addDeal(created time.Time) *hubspottest.Object {
	stage := pick(f, "appointmentscheduled", "contractsent", "closedwon", "closedlost")
	o := f.add(hubspot.ObjectDeals, created, map[string]string{"dealname": "Deal", "pipeline": "default", "dealstage": stage,
		"amount": pick(f, "", "0", "15000", "19999.99")})
	if stage == "closedwon" || stage == "closedlost" {
		o.Properties["closedate"] = o.Properties["hs_lastmodifieddate"]
	}
	return o
}

// addTask adds a task, completed or not; a completed task has
// hs_task_completion_date. Hold Mu.
func (f *fixture) addTask(created time.Time, dealIDs []int64) *hubspottest.Object {
	o := f.add(hubspot.ObjectTasks, created, map[string]string{"hs_task_subject": "Call back", "hs_task_status": "NOT_STARTED",
		"hs_timestamp": hubspottest.Time(created.Add(24 * time.Hour))})
	if f.rng.IntN(2) == 0 {
		o.Properties["hs_task_status"] = "COMPLETED"
		o.Properties["hs_task_completion_date"] = o.Properties["hs_lastmodifieddate"]
	}
	if len(dealIDs) > 0 && f.rng.IntN(3) > 0 {
		o.Deal = dealIDs[f.rng.IntN(len(dealIDs))]
	}
	return o
}

// want maps the truth to records, independently of the client's mapping.
func (f *fixture) want() *crmtest.Store {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	w := crmtest.NewStore()
	ts := func(v string) time.Time { return hubspottest.ParseTime(v).UTC() }
	meta := func(ext string, o *hubspottest.Object) domain.RecordMeta {
		m := domain.RecordMeta{Source: "hubspot", ExternalID: ext, UpdatedAt: o.Modified().UTC()}
		if o.Archived {
			m.DeletedAt = o.ArchivedAt.UTC()
		}
		return m
	}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	for _, o := range s.Objects[hubspot.ObjectCompanies] {
		p := o.Properties
		w.Companies[id(o.ID)] = domain.Company{RecordMeta: meta(id(o.ID), o), Name: p["name"], Responsible: p["hubspot_owner_id"],
			CreatedAt: ts(p["createdate"])}
		if p["phone"] != "" {
			w.Companies[id(o.ID)] = func(c domain.Company) domain.Company { c.Phones = []string{p["phone"]}; return c }(w.Companies[id(o.ID)])
		}
	}
	for _, o := range s.Objects[hubspot.ObjectContacts] {
		p := o.Properties
		r := domain.Person{RecordMeta: meta(id(o.ID), o), Name: strings.TrimSpace(p["firstname"] + " " + p["lastname"]),
			Responsible: p["hubspot_owner_id"], CompanyID: p["associatedcompanyid"], CreatedAt: ts(p["createdate"])}
		for _, prop := range []string{"phone", "mobilephone"} {
			if p[prop] != "" {
				r.Phones = append(r.Phones, p[prop])
			}
		}
		w.Persons[r.ExternalID] = r
	}
	stages := map[string]hubspottest.Stage{}
	for _, st := range s.Pipelines[0].Stages {
		stages[st.ID] = st
	}
	for _, o := range s.Objects[hubspot.ObjectDeals] {
		p := o.Properties
		d := domain.Deal{RecordMeta: meta(id(o.ID), o), Title: p["dealname"], Responsible: p["hubspot_owner_id"],
			Status: domain.DealOpen, CreatedAt: ts(p["createdate"]), PipelineID: "default", Pipeline: "Sales Pipeline",
			StageID: p["dealstage"], Stage: stages[p["dealstage"]].Label}
		d.Amount, _ = decimal.NewFromString(p["amount"])
		switch p["dealstage"] {
		case "closedwon":
			d.Status, d.ClosedAt = domain.DealWon, ts(p["closedate"])
		case "closedlost":
			d.Status, d.ClosedAt = domain.DealLost, ts(p["closedate"])
		}
		w.Deals[d.ExternalID] = d
	}
	owners := map[int64]string{}
	for _, ow := range s.Owners {
		owners[ow.UserID] = id(ow.ID)
	}
	for _, o := range s.Objects[hubspot.ObjectDeals] {
		h := o.History["dealstage"]
		for i := 1; i < len(h) && !o.Archived; i++ {
			if h[i].Value == h[i-1].Value {
				continue
			}
			m := domain.DealMove{RecordMeta: domain.RecordMeta{Source: "hubspot", ExternalID: id(o.ID) + ":" + strconv.FormatInt(h[i].At.UnixMilli(), 10),
				UpdatedAt: h[i].At.UTC()}, DealID: id(o.ID), MovedAt: h[i].At.UTC(), Responsible: o.Properties["hubspot_owner_id"],
				PipelineID: "default", Pipeline: "Sales Pipeline", StageID: h[i].Value, Stage: stages[h[i].Value].Label,
				FromPipelineID: "default", FromPipeline: "Sales Pipeline", FromStageID: h[i-1].Value, FromStage: stages[h[i-1].Value].Label}
			if ow, ok := owners[h[i].UserID]; ok {
				m.Responsible = ow
			}
			w.Moves[m.ExternalID] = m
		}
	}
	for _, o := range s.Objects[hubspot.ObjectTasks] {
		p := o.Properties
		k := domain.Task{RecordMeta: meta(id(o.ID), o), Title: p["hs_task_subject"], Responsible: p["hubspot_owner_id"],
			Deadline: ts(p["hs_timestamp"]), CreatedAt: ts(p["hs_createdate"]), CompletedAt: ts(p["hs_task_completion_date"])}
		if !o.Archived {
			k.DealID = id(o.Deal)
		}
		w.Tasks[k.ExternalID] = k
	}
	for _, o := range s.Objects[hubspot.ObjectCalls] {
		p := o.Properties
		a := domain.Activity{RecordMeta: meta("call:"+id(o.ID), o), Kind: domain.ActivityCall, Responsible: p["hubspot_owner_id"],
			HappenedAt: ts(p["hs_timestamp"]), EnteredAt: ts(p["hs_createdate"]), Outcome: domain.OutcomeMissed, DealID: id(o.Deal)}
		ms, _ := strconv.Atoi(p["hs_call_duration"])
		a.DurationSeconds = ms / 1000
		switch p["hs_call_status"] {
		case "COMPLETED":
			a.Outcome = domain.OutcomeHeld
		case "CANCELED":
			a.Outcome = domain.OutcomeCanceled
		}
		a.Direction = map[string]string{"INBOUND": domain.DirectionIn, "OUTBOUND": domain.DirectionOut}[p["hs_call_direction"]]
		a.Phone = map[string]string{"INBOUND": p["hs_call_from_number"], "OUTBOUND": p["hs_call_to_number"]}[p["hs_call_direction"]]
		w.Activities[a.ExternalID] = a
	}
	for _, o := range s.Objects[hubspot.ObjectMeetings] {
		p := o.Properties
		outcome := map[string]string{"COMPLETED": domain.OutcomeHeld, "NO_SHOW": domain.OutcomeMissed, "CANCELED": domain.OutcomeCanceled}[p["hs_meeting_outcome"]]
		if outcome == "" {
			continue
		}
		start := ts(p["hs_meeting_start_time"])
		w.Activities["meeting:"+id(o.ID)] = domain.Activity{RecordMeta: meta("meeting:"+id(o.ID), o), Kind: domain.ActivityMeeting,
			Responsible: p["hubspot_owner_id"], HappenedAt: start, EnteredAt: o.Modified().UTC(), Outcome: outcome, DealID: id(o.Deal),
			DurationSeconds: int(ts(p["hs_meeting_end_time"]).Sub(start) / time.Second)}
	}
	return w
}

func (f *fixture) sync(t testing.TB, st *crmtest.Store, cursors map[crm.Kind]crm.Cursor) {
	t.Helper()
	crmtest.Sync(t, f.client, st, cursors, keep)
}

func TestFetchFullThenIncrementalWithFaults(t *testing.T) {
	f := newFixture(t)
	f.seed(300, 700, 500, 400, 200)

	// A deal of the first page changes while the scan is on the second:
	// it moves to the end of the order, where the keyset scan reads it.
	changed := false
	f.server.AfterPage = func(obj string, after int) {
		if changed || obj != hubspot.ObjectDeals {
			return
		}
		changed = true
		var first *hubspottest.Object
		for _, o := range f.server.Objects[obj] {
			if first == nil || o.Modified().Before(first.Modified()) || o.Modified().Equal(first.Modified()) && o.ID < first.ID {
				first = o
			}
		}
		now := hubspottest.Time(f.clock.Now())
		first.Properties["dealstage"], first.Properties["closedate"], first.Properties["hs_lastmodifieddate"] = "closedwon", now, now
	}
	f.server.Inject(hubspottest.Fault429, hubspottest.FaultTruncated)
	f.server.InjectFor("/crm/v3/objects/deals/search", hubspottest.FaultTruncated, hubspottest.Fault502, hubspottest.FaultTimeout)
	f.server.InjectFor("/crm/v3/pipelines/deals", hubspottest.Fault429)
	f.server.InjectFor("/crm/v4/associations/tasks/deals/batch/read", hubspottest.Fault502)

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

	// An hour later: edits, archived (deleted) objects, new records,
	// completed tasks, meetings held.
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	now := f.clock.Now().Truncate(time.Second)
	stamp := hubspottest.Time(now)
	var dealIDs []int64
	i := 0
	for _, o := range f.server.Objects[hubspot.ObjectDeals] {
		dealIDs = append(dealIDs, o.ID)
		switch i++; {
		case i <= 40:
			o.Properties["dealstage"], o.Properties["closedate"], o.Properties["amount"] = "closedlost", stamp, "777.77"
			o.Properties["hs_lastmodifieddate"] = stamp
		case i <= 55:
			o.Archived, o.ArchivedAt = true, now
		case i <= 60:
			o.Properties["dealstage"], o.Properties["hs_lastmodifieddate"] = "contractsent", stamp // reopened
			delete(o.Properties, "closedate")
		}
	}
	for range 30 {
		f.addDeal(now)
	}
	i = 0
	for _, o := range f.server.Objects[hubspot.ObjectTasks] {
		switch i++; {
		case i <= 5:
			o.Archived, o.ArchivedAt = true, now.Add(-time.Minute)
		case o.Properties["hs_task_status"] != "COMPLETED" && i < 60:
			o.Properties["hs_task_status"], o.Properties["hs_task_completion_date"] = "COMPLETED", stamp
			o.Properties["hs_lastmodifieddate"] = stamp
		}
	}
	for range 20 {
		f.addTask(now, dealIDs)
	}
	for _, o := range f.server.Objects[hubspot.ObjectMeetings] {
		if o.Properties["hs_meeting_outcome"] == "SCHEDULED" {
			o.Properties["hs_meeting_outcome"], o.Properties["hs_lastmodifieddate"] = "COMPLETED", stamp
		}
	}
	i = 0
	for _, o := range f.server.Objects[hubspot.ObjectCompanies] {
		if i++; i <= 10 {
			o.Archived, o.ArchivedAt = true, now
		} else if i <= 30 {
			o.Properties["hubspot_owner_id"], o.Properties["hs_lastmodifieddate"] = "109", stamp // a bulk reassignment
		}
	}
	f.server.Mu.Unlock()
	f.server.Inject(hubspottest.Fault502, hubspottest.FaultTimeout, hubspottest.FaultExpired, hubspottest.Fault429)
	f.server.InjectFor("/crm/v3/objects/meetings/search", hubspottest.FaultTruncated, hubspottest.Fault502)
	f.server.InjectFor("/crm/v3/objects/deals", hubspottest.FaultTruncated) // the archived listing

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

// TestSearchPastTheCeiling fetches more deals than one search query may
// return: the keyset scan never pages past 10,000, and the requests stay
// within both limits.
func TestSearchPastTheCeiling(t *testing.T) {
	if testing.Short() {
		t.Skip("10,500 deals")
	}
	f := newFixture(t)
	f.seed(0, 10500, 0, 0, 0)
	got := crmtest.NewStore()
	b, _, err := f.client.Fetch(context.Background(), crm.KindDeal, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	got.Upsert(t, b, keep)
	if diff := cmp.Diff(f.want().Deals, got.Deals); diff != "" {
		t.Fatalf("deals differ from the truth (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
	// 53 pages of 200, a few re-read where a restart's time is shared by
	// the page before, the catalogue, the archived listing.
	if n := f.client.Requests(); n > 60 {
		t.Errorf("full fetch of 10,500 deals took %d requests (per path %v), want at most 60", n, f.server.PerPath)
	}
}

func TestDailyLimitGivesUpAtOnce(t *testing.T) {
	f := newFixture(t)
	f.seed(5, 0, 0, 0, 0)
	f.server.Inject(hubspottest.FaultDaily)
	_, cur, err := f.client.Fetch(context.Background(), crm.KindCompany, crm.Cursor{Since: t0})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != 429 || e.Code != "DAILY" || f.client.Requests() != 1 {
		t.Fatalf("Fetch after a daily-limit 429: err = %v after %d requests, want a 429 DAILY *crm.Error after 1", err, f.client.Requests())
	}
	for _, want := range []string{"hubspot", "POST /crm/v3/objects/companies/search", "429"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), f.server.AccessToken) {
		t.Errorf("error %q contains the token", err)
	}
	if !cur.Since.Equal(t0) {
		t.Errorf("cursor after a failed fetch = %v, want it unchanged at %v", cur.Since, t0)
	}
}

func TestExchangeAndRefreshByExpiry(t *testing.T) {
	const redirectURI = "https://reglament.example/oauth"
	clock := crmtest.NewClock(t0)
	server := hubspottest.NewServer(clock.Now)
	t.Cleanup(server.Close)
	front := hubspottest.NewOAuthFront(server, "auth-code-1", redirectURI)
	t.Cleanup(front.Close)
	server.Mu.Lock()
	for id := int64(1); id <= 3; id++ {
		server.Objects[hubspot.ObjectCompanies][id] = &hubspottest.Object{ID: id, Properties: map[string]string{"name": "C",
			"createdate": hubspottest.Time(t0.Add(-time.Hour)), "hs_lastmodifieddate": hubspottest.Time(t0.Add(-time.Hour))}}
	}
	server.Mu.Unlock()
	crmtest.TestOAuthLife(t, crmtest.OAuthLife{Clock: clock, Fake: &server.Fake, Front: front, Code: "auth-code-1",
		Companies: 3, Fetch: 2, // one search page, one archived page
		NewClient: func(token crm.Token, onRefresh crm.TokenFunc, onPage func(context.Context, int)) crmtest.OAuthClient {
			return hubspot.NewClient(hubspot.Config{BaseURL: front.URL,
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

// TestFakeEnforcesTheLimits shows the fake catches a client too fast for
// either limit.
func TestFakeEnforcesTheLimits(t *testing.T) {
	f := newFixture(t)
	call := func(method, path string) int {
		req, _ := http.NewRequest(method, f.server.URL+path, strings.NewReader(`{"limit":1}`))
		req.Header.Set("Authorization", "Bearer "+f.server.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 4 {
		if s := call(http.MethodPost, "/crm/v3/objects/deals/search"); s != http.StatusOK {
			t.Fatalf("search %d: status %d, want 200", i+1, s)
		}
	}
	if s := call(http.MethodPost, "/crm/v3/objects/deals/search"); s != http.StatusTooManyRequests {
		t.Errorf("5th search in a second: status %d, want 429", s)
	}
	for i := 6; i <= 100; i++ {
		if s := call(http.MethodGet, "/crm/v3/pipelines/deals"); s != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200", i, s)
		}
	}
	if s := call(http.MethodGet, "/crm/v3/pipelines/deals"); s != http.StatusTooManyRequests || f.server.Violations != 2 {
		t.Errorf("101st request in 10 seconds: status %d, %d violations; want 429 and 2", s, f.server.Violations)
	}
}

// moveDeals moves n random deals to another stage at times at gives, by a
// random owner's user, a user who owns nothing (9999) or an automation.
// Hold Mu.
func (f *fixture) moveDeals(n int, at func() time.Time) {
	s := f.server
	var ids []int64
	for id, o := range s.Objects[hubspot.ObjectDeals] {
		if !o.Archived {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for range n {
		o := s.Objects[hubspot.ObjectDeals][ids[f.rng.IntN(len(ids))]]
		stage := o.Properties["dealstage"]
		for stage == o.Properties["dealstage"] {
			stage = pick(f, "appointmentscheduled", "contractsent", "closedwon", "closedlost")
		}
		when := at()
		if created := hubspottest.ParseTime(o.Properties["createdate"]); !when.After(created) {
			when = created.Add(time.Minute)
		}
		if last := o.Modified(); !when.After(last) {
			when = last.Add(time.Second) // a history is in time order
		}
		s.MoveDeal(o.ID, stage, when, pick(f, int64(0), 9999, 9100+f.rng.Int64N(5)))
	}
}

func TestDealMoves(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 60, 0, 0, 0)
	f.server.Mu.Lock()
	for i := range int64(5) {
		f.server.Owners = append(f.server.Owners, hubspottest.Owner{ID: 100 + i, UserID: 9100 + i})
	}
	f.moveDeals(40, func() time.Time { return f.past() })
	f.server.Mu.Unlock()
	f.server.InjectFor("/crm/v3/objects/deals/batch/read", hubspottest.Fault502, hubspottest.FaultTruncated)
	f.server.InjectFor("/crm/v3/owners", hubspottest.Fault429)

	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	want := f.want()
	if len(want.Moves) < 30 {
		t.Fatalf("the fixture made %d moves, want at least 30", len(want.Moves))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after the full fetch, records differ from the truth (-want +got):\n%s", diff)
	}

	// An hour later, more moves: the incremental fetch reads the histories
	// of the deals they modified, and keeps the moves made since.
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	f.moveDeals(10, func() time.Time {
		return f.clock.Now().Add(-time.Duration(f.rng.IntN(1800)) * time.Second).Truncate(time.Second)
	})
	f.server.Mu.Unlock()
	f.server.Inject(hubspottest.FaultExpired)
	before := len(got.Moves)
	b, _, err := f.client.Fetch(context.Background(), crm.KindDealMove, cursors[crm.KindDealMove])
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Moves) < 10 || len(b.Moves) > 20 {
		t.Errorf("the incremental fetch returned %d moves, want the 10 new ones (and the overlap's)", len(b.Moves))
	}
	got.Upsert(t, b, keep)
	if diff := cmp.Diff(f.want().Moves, got.Moves); diff != "" || len(got.Moves) < before+10 {
		t.Fatalf("after the incremental fetch, %d moves (%d before); differ from the truth (-want +got):\n%s", len(got.Moves), before, diff)
	}
	f.server.CheckClean(t)
}

func TestFetchByIDs(t *testing.T) {
	f := newFixture(t)
	f.seed(3, 5, 2, 0, 0)
	f.server.Mu.Lock()
	var live, archived, company string
	for id, o := range f.server.Objects[hubspot.ObjectDeals] {
		if live == "" {
			live = strconv.FormatInt(id, 10)
		} else if archived == "" {
			o.Archived, o.ArchivedAt, archived = true, t0, strconv.FormatInt(id, 10)
		}
	}
	for id := range f.server.Objects[hubspot.ObjectCompanies] {
		company = strconv.FormatInt(id, 10)
	}
	f.server.Mu.Unlock()
	want := f.want()
	ctx := context.Background()
	b, err := f.client.FetchByIDs(ctx, crm.KindDeal, []string{live, archived, "999999"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Deal{want.Deals[live]}, b.Deals); diff != "" {
		t.Errorf("FetchByIDs(deals) (-want +got):\n%s", diff)
	}
	b, err = f.client.FetchByIDs(ctx, crm.KindCompany, []string{company})
	if err != nil || len(b.Companies) != 1 || !cmp.Equal(b.Companies[0], want.Companies[company]) {
		t.Errorf("FetchByIDs(companies) = %v, %v; want the company", b.Companies, err)
	}
	var contacts []string
	for id := range want.Persons {
		contacts = append(contacts, id)
	}
	slices.Sort(contacts)
	b, err = f.client.FetchByIDs(ctx, crm.KindPerson, append(contacts, "999999"))
	if err != nil || len(b.Persons) != len(contacts) || len(contacts) == 0 {
		t.Fatalf("FetchByIDs(contacts) = %d, %v; want the %d contacts", len(b.Persons), err, len(contacts))
	}
	for _, p := range b.Persons {
		if diff := cmp.Diff(want.Persons[p.ExternalID], p); diff != "" {
			t.Errorf("FetchByIDs(contacts): contact %s (-want +got):\n%s", p.ExternalID, diff)
		}
	}
	for kind, ids := range map[crm.Kind][]string{crm.KindTask: {"1"}, crm.KindDeal: {"x"}} {
		if _, err := f.client.FetchByIDs(ctx, kind, ids); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("FetchByIDs(%s, %v): err = %v, want invalid", kind, ids, err)
		}
	}
}

// TestFetchDealMoves: a webhook's re-fetch reads the moves of the deals it
// names from their histories, every one of them and no other deal's.
func TestFetchDealMoves(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 30, 0, 0, 0)
	f.server.Mu.Lock()
	for i := range int64(5) {
		f.server.Owners = append(f.server.Owners, hubspottest.Owner{ID: 100 + i, UserID: 9100 + i})
	}
	f.moveDeals(40, func() time.Time { return f.past() })
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
	if _, err := f.client.FetchDealMoves(context.Background(), []string{"x"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("FetchDealMoves(x): err = %v, want invalid", err)
	}
}
