package bitrix24_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/crm"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
)

var t0 = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

const appToken = "app-token-1234567890"

type fixture struct {
	clock  *crmtest.Clock
	server *bitrix24test.Server
	client *bitrix24.Client
	tokens []crm.Token
	rng    *rand.Rand
	nextID int64
	// gone holds the expected records of deleted deals, marked deleted.
	gone map[string]domain.Deal
}

// newFixture starts a fake and a client in virtual time. The HTTP timeout is
// real time: injected timeouts cost that much, so it is short, but long
// enough for a loaded machine to build a large page.
func newFixture(t *testing.T) *fixture { return newFixtureTimeout(t, 500*time.Millisecond) }

func newFixtureTimeout(t *testing.T, timeout time.Duration) *fixture {
	t.Helper()
	f := &fixture{clock: crmtest.NewClock(t0), rng: rand.New(rand.NewPCG(3, 4)), gone: map[string]domain.Deal{}}
	f.server = bitrix24test.NewServer(f.clock.Now)
	t.Cleanup(f.server.Close)
	f.client = bitrix24.NewClient(bitrix24.Config{
		BaseURL: f.server.URL + "/rest/",
		ClientConfig: crm.ClientConfig{
			Token:        f.server.AccessToken,
			RefreshToken: f.server.RefreshToken,
			ClientID:     f.server.ClientID,
			ClientSecret: f.server.ClientSecret,
			OnRefresh: func(_ context.Context, tok crm.Token) error {
				f.tokens = append(f.tokens, tok)
				return nil
			},
			HTTPClient: &http.Client{Timeout: timeout},
			Now:        f.clock.Now,
			Sleep:      f.clock.Sleep,
			Backoff:    crm.Backoff{Rand: crmtest.Rand()},
		},

		TokenURL: f.server.URL + "/oauth/token/",
	})
	return f
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (f *fixture) id() int64 { f.nextID++; return f.nextID }

func (f *fixture) past() time.Time {
	return f.clock.Now().Add(-time.Duration(f.rng.Int64N(30*24*3600)) * time.Second)
}

// phones returns none, one or two numbers written as people write them.
func (f *fixture) phones() []string {
	var out []string
	for range f.rng.IntN(3) {
		out = append(out, fmt.Sprintf([]string{"+7 (9%02d) 123-45-67", "8 9%02d 765 43 21", "9%02d1112233"}[f.rng.IntN(3)], f.rng.IntN(100)))
	}
	return out
}

func (f *fixture) seed(companies, deals, activities, tasks int) {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for range companies {
		c := &bitrix24test.Company{ID: f.id(), Title: "Company", AssignedBy: 1 + f.rng.Int64N(5), CreatedBy: f.rng.Int64N(5), Created: f.past()}
		c.Modified = c.Created.Add(time.Duration(f.rng.IntN(3)) * time.Hour)
		c.Phones = f.phones()
		s.Companies[c.ID] = c
		// A contact a company, some of them at that company.
		p := &bitrix24test.Contact{ID: f.id(), Name: "Иван", LastName: []string{"Петров", ""}[f.rng.IntN(2)],
			AssignedBy: 1 + f.rng.Int64N(5), Created: f.past(), Phones: f.phones()}
		p.Modified = p.Created.Add(time.Duration(f.rng.IntN(3)) * time.Hour)
		if f.rng.IntN(2) == 0 {
			p.CompanyID = c.ID
		}
		s.Contacts[p.ID] = p
	}
	var dealIDs []int64
	for range deals {
		dealIDs = append(dealIDs, f.addDeal(f.past()))
	}
	for range activities {
		f.addActivity(f.past(), dealIDs)
	}
	for range tasks {
		k := &bitrix24test.Task{ID: f.id(), Title: "Follow up", Responsible: 1 + f.rng.Int64N(5), Status: 2, Created: f.past()}
		k.Changed, k.Deadline = k.Created, k.Created.Add(24*time.Hour)
		if f.rng.IntN(2) == 0 {
			k.Links = []string{"CO_5", "D_" + strconv.FormatInt(dealIDs[f.rng.IntN(len(dealIDs))], 10)}
		}
		if f.rng.IntN(2) == 0 {
			k.Status, k.Closed = 5, k.Created.Add(time.Duration(f.rng.IntN(5))*time.Hour)
			k.Changed = k.Closed
		}
		s.Tasks[k.ID] = k
	}
}

func (f *fixture) addDeal(created time.Time) int64 {
	d := &bitrix24test.Deal{ID: f.id(), Title: "Deal", AssignedBy: 1 + f.rng.Int64N(5), CreatedBy: 1, Created: created,
		Semantic: []string{"P", "S", "F"}[f.rng.IntN(3)], Opportunity: []string{"0.00", "15000.00", "19999.99"}[f.rng.IntN(3)]}
	d.Modified = earlier(f.clock.Now().Truncate(time.Second), created.Add(time.Duration(f.rng.IntN(4))*time.Hour))
	if d.Semantic != "P" || f.rng.IntN(3) == 0 {
		d.CloseDate = d.Modified // an open deal may carry a planned closing date
	}
	f.server.Deals[d.ID] = d
	return d.ID
}

func (f *fixture) addActivity(created time.Time, dealIDs []int64) {
	a := &bitrix24test.Activity{ID: f.id(), TypeID: []int64{1, 2, 2, 4}[f.rng.IntN(4)], Responsible: 1 + f.rng.Int64N(5),
		Created: created, Completed: f.rng.IntN(3) > 0, OwnerTypeID: 3, OwnerID: 15, Direction: f.rng.Int64N(3)}
	a.Start = created.Add(-time.Duration(f.rng.IntN(600)) * time.Second)
	a.End = a.Start.Add(time.Duration(f.rng.IntN(900)) * time.Second)
	a.Updated = created
	if a.TypeID == 1 {
		a.Start = created.Add(24 * time.Hour)
		a.End = a.Start.Add(time.Hour)
		a.Updated = created.Add(25 * time.Hour)
	}
	a.Updated = earlier(a.Updated, f.clock.Now().Truncate(time.Second))
	if f.rng.IntN(2) == 0 {
		a.OwnerTypeID, a.OwnerID = 2, dealIDs[f.rng.IntN(len(dealIDs))]
	}
	// Two in three activities name the client's phone (in COMMUNICATIONS);
	// only a call's is read. Derived from the id, so that the random
	// sequence of the other fields does not change.
	if a.ID%3 != 0 {
		a.Phone = fmt.Sprintf("+7 (912) %03d-%02d-%02d", a.ID%1000, a.ID%100, a.ID%97)
	}
	f.server.Activities[a.ID] = a
}

// want maps the truth to records, independently of the client's mapping.
func (f *fixture) want() *crmtest.Store {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	w := crmtest.NewStore()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	meta := func(n int64, upd time.Time) domain.RecordMeta {
		return domain.RecordMeta{Source: "bitrix24", ExternalID: id(n), UpdatedAt: upd.UTC()}
	}
	for _, c := range s.Companies {
		w.Companies[id(c.ID)] = domain.Company{RecordMeta: meta(c.ID, c.Modified), Name: c.Title,
			Responsible: id(c.AssignedBy), CreatedBy: id(c.CreatedBy), CreatedAt: c.Created.UTC(), Phones: c.Phones}
	}
	for _, c := range s.Contacts {
		p := domain.Person{RecordMeta: meta(c.ID, c.Modified), Name: strings.TrimSpace(c.Name + " " + c.LastName),
			Responsible: id(c.AssignedBy), Phones: c.Phones, CreatedAt: c.Created.UTC()}
		if c.CompanyID != 0 {
			p.CompanyID = id(c.CompanyID)
		}
		w.Persons[p.ExternalID] = p
	}
	for _, d := range s.Deals {
		r := domain.Deal{RecordMeta: meta(d.ID, d.Modified), Title: d.Title, Responsible: id(d.AssignedBy),
			Amount: decimal.RequireFromString(d.Opportunity), Status: domain.DealOpen, CreatedAt: d.Created.UTC(),
			PipelineID: id(d.CategoryID), StageID: d.Stage()}
		for _, c := range s.Categories {
			for _, st := range c.Stages {
				if c.ID == d.CategoryID && st.ID == d.Stage() {
					r.Pipeline, r.Stage = c.Name, st.Name
				}
			}
		}
		// Closed when the deal entered its final stage (the fake's
		// MOVED_TIME: Moved, else CloseDate); CLOSEDATE is only a date.
		closed := d.Moved
		if closed.IsZero() {
			closed = d.CloseDate
		}
		switch d.Semantic {
		case "S":
			r.Status, r.ClosedAt = domain.DealWon, closed.UTC()
		case "F":
			r.Status, r.ClosedAt = domain.DealLost, closed.UTC()
		}
		w.Deals[r.ExternalID] = r
	}
	for k, d := range f.gone {
		w.Deals[k] = d
	}
	for _, a := range s.Activities {
		r := domain.Activity{RecordMeta: meta(a.ID, a.Updated), Responsible: id(a.Responsible), HappenedAt: a.Start.UTC(),
			Outcome: domain.OutcomeMissed}
		if a.Completed {
			r.Outcome = domain.OutcomeHeld
		}
		if a.OwnerTypeID == 2 {
			r.DealID = id(a.OwnerID)
		}
		switch {
		case a.TypeID == 2:
			r.Kind, r.EnteredAt, r.DurationSeconds = domain.ActivityCall, a.Created.UTC(), int(a.End.Sub(a.Start).Seconds())
			r.Phone = a.Phone
			r.Direction = map[int64]string{1: domain.DirectionIn, 2: domain.DirectionOut}[a.Direction]
		case a.TypeID == 1 && a.Completed:
			r.Kind, r.EnteredAt = domain.ActivityMeeting, a.Updated.UTC()
		default:
			continue
		}
		w.Activities[r.ExternalID] = r
	}
	for _, k := range s.Tasks {
		r := domain.Task{RecordMeta: meta(k.ID, k.Changed), Title: k.Title, Responsible: id(k.Responsible),
			Deadline: k.Deadline.UTC(), CreatedAt: k.Created.UTC()}
		if !k.Closed.IsZero() {
			r.CompletedAt = k.Closed.UTC()
		}
		for _, l := range k.Links {
			if d, ok := strings.CutPrefix(l, "D_"); ok {
				r.DealID = d
			}
		}
		w.Tasks[r.ExternalID] = r
	}
	return w
}

// keep is how the store merges Bitrix24's records: a meeting's entry is
// approximated by a modification time.
var keep = crmtest.Keep{Activity: crm.KeepFirstEntry}

func (f *fixture) sync(t *testing.T, st *crmtest.Store, cursors map[crm.Kind]crm.Cursor) {
	t.Helper()
	crmtest.Sync(t, f.client, st, cursors, keep)
}

func TestFetchFullThenIncrementalWithFaults(t *testing.T) {
	f := newFixture(t)
	f.seed(300, 700, 600, 400)

	// While the deal scan is under way, a deal it has passed and one it has
	// not reached change.
	changed := 0
	f.server.AfterPage = func(method string, page int) {
		if method != "crm.deal.list" || changed > 0 {
			return
		}
		changed++
		lo, hi := int64(1<<62), int64(0)
		for id := range f.server.Deals {
			lo, hi = min(lo, id), max(hi, id)
		}
		for _, id := range []int64{lo, hi} {
			d := f.server.Deals[id]
			d.Semantic, d.CloseDate, d.Modified, d.Opportunity = "S", f.clock.Now().Truncate(time.Second), f.clock.Now().Truncate(time.Second), "500.50"
		}
	}
	// Every list request is a batch: five faults in a row, one short of
	// the fixture's tries.
	f.server.Inject(bitrix24test.FaultLimit, bitrix24test.FaultTruncated, bitrix24test.FaultOperating)
	f.server.InjectFor("batch", bitrix24test.FaultTimeout, bitrix24test.Fault500)

	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	if changed == 0 {
		t.Fatal("the change between pages did not happen")
	}
	full := f.client.Requests()
	f.server.AfterPage = nil
	// The deal the scan had passed when it changed is read again by the
	// look at what changed during the scan: one sync is enough.
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("after the full fetch, records differ from the truth (-want +got):\n%s", diff)
	}

	// An hour later: edits, deletions (announced by events), new records.
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	now := f.clock.Now().Truncate(time.Second)
	var dealIDs []int64
	var deletes []string
	i := 0
	for id, d := range f.server.Deals {
		dealIDs = append(dealIDs, id)
		switch i++; {
		case i <= 40:
			d.Semantic, d.CloseDate, d.Modified = "F", now, now
		case i <= 50:
			d.Semantic, d.Modified = "P", now // reopened, CLOSEDATE stale
		case i <= 60:
			delete(f.server.Deals, id)
			deletes = append(deletes, fmt.Sprintf("event=ONCRMDEALDELETE&data%%5BFIELDS%%5D%%5BID%%5D=%d&ts=%d&auth%%5Bapplication_token%%5D=%s&auth%%5Bdomain%%5D=acme.bitrix24.ru", id, now.Unix(), appToken))
		}
	}
	for range 30 {
		f.addDeal(now)
	}
	for range 40 {
		f.addActivity(now, dealIDs)
	}
	i = 0
	for _, a := range f.server.Activities {
		if a.TypeID == 1 && !a.Completed {
			a.Completed, a.Updated = true, now // meetings marked held
			if i++; i > 20 {
				break
			}
		}
	}
	for _, k := range f.server.Tasks {
		if k.Closed.IsZero() {
			k.Status, k.Closed, k.Changed = 5, now, now
			break
		}
	}
	f.server.Mu.Unlock()
	for _, body := range deletes {
		ch, err := bitrix24.ParseEvent([]byte(body), appToken)
		if err != nil || ch.Kind != crm.KindDeal || !ch.Deleted || !ch.At.Equal(now) {
			t.Fatalf("ParseEvent(delete) = %+v, %v", ch, err)
		}
		d := got.Deals[ch.ID]
		d.DeletedAt = ch.At
		got.Deals[ch.ID], f.gone[ch.ID] = d, d
	}
	f.server.Inject(bitrix24test.Fault500, bitrix24test.FaultTimeout, bitrix24test.FaultExpired, bitrix24test.FaultLimit)
	f.server.InjectFor("batch", bitrix24test.FaultTruncated, bitrix24test.FaultOperating) // every list request is a batch

	f.sync(t, got, cursors)
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("after the incremental fetch, records differ from the truth (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
	if len(f.tokens) != 1 || f.tokens[0].AccessToken != f.server.AccessToken {
		t.Errorf("refreshed tokens handed to OnRefresh: %d, want 1 matching the server's", len(f.tokens))
	}
	t.Logf("%d records: full fetch %d requests, incremental %d requests; per method %v", got.Len(), full, f.client.Requests()-full, f.server.PerMethod)
}

func TestRequestCount(t *testing.T) {
	f := newFixtureTimeout(t, 10*time.Second)
	f.seed(2500, 2500, 2500, 2500)
	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	full := f.client.Requests()
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("records differ from the truth (-want +got):\n%s", diff)
	}
	f.clock.Advance(10 * time.Minute)
	f.sync(t, got, cursors)
	incr := f.client.Requests() - full
	t.Logf("10k source records (%d normalized): full fetch %d requests (%d list pages); empty incremental %d requests",
		got.Len(), full, 10000/50, incr)
	// Per kind: batches of 4, 8, 16 and 32 pages (the 51st page, empty,
	// ends the list), then one look at what changed during the scan; the
	// deals add the catalogue (2) and the closing rows of the won and lost
	// deals of the scan and of the look (1 each); the empty stage history
	// is 1. The 2,500 contacts cost 5 as the companies do.
	if full != 30 {
		t.Errorf("full fetch took %d requests, want 30", full)
	}
	// One per kind; the deals in the overlap have closed ones (1) and the
	// catalogue, 10 minutes old, is read again (2).
	if incr != 9 {
		t.Errorf("empty incremental fetch took %d requests, want 9", incr)
	}
}

func TestPacesUnderTheBucket(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 10, 0, 0)
	start := f.clock.Now()
	const calls = 200
	for i := range calls {
		if _, err := f.client.FetchByIDs(context.Background(), crm.KindDeal, []string{strconv.Itoa(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	if f.server.Violations != 0 {
		t.Errorf("the fake saw %d leaky-bucket violations, want 0", f.server.Violations)
	}
	// The client's bucket lets 40 through at once, then 2 a second.
	if elapsed, want := f.clock.Now().Sub(start), time.Duration(calls-40)*time.Second/2; elapsed < want-time.Second {
		t.Errorf("%d calls took %s of virtual time, want about %s", calls, elapsed, want)
	}
}

func TestWebhookURLAndErrorsKeepSecrets(t *testing.T) {
	f := newFixture(t)
	f.seed(60, 0, 0, 0)
	c := bitrix24.NewClient(bitrix24.Config{BaseURL: f.server.URL + f.server.WebhookPath, ClientConfig: crm.ClientConfig{
		Now:     f.clock.Now,
		Sleep:   f.clock.Sleep,
		Backoff: crm.Backoff{Tries: 2, Rand: crmtest.Rand()},
	},
	})
	b, _, err := c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	if err != nil || len(b.Companies) != 60 {
		t.Fatalf("Fetch through the inbound webhook: %d companies, %v; want 60", len(b.Companies), err)
	}
	f.server.Inject(bitrix24test.Fault500, bitrix24test.Fault500)
	_, _, err = c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != 500 || e.Method != "batch crm.company.list" {
		t.Fatalf("Fetch after 2 × 500: err = %v, want a *crm.Error naming the batch of crm.company.list and 500", err)
	}
	f.server.Close()
	_, _, err = c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "bitrix24") {
		t.Errorf("Fetch from a closed server: err = %v, want a bitrix24 error without the webhook secret", err)
	}
}

func TestFetchByIDsTasksAndActivities(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 5, 30, 10)
	want := f.want()
	var taskIDs, actIDs []string
	for id := range want.Tasks {
		taskIDs = append(taskIDs, id)
	}
	for id := range want.Activities {
		actIDs = append(actIDs, id)
	}
	b, err := f.client.FetchByIDs(context.Background(), crm.KindTask, taskIDs)
	if err != nil || len(b.Tasks) != len(taskIDs) {
		t.Fatalf("FetchByIDs(tasks): %d tasks, %v; want %d", len(b.Tasks), err, len(taskIDs))
	}
	for _, k := range b.Tasks {
		if diff := cmp.Diff(want.Tasks[k.ExternalID], k); diff != "" {
			t.Errorf("task %s (-want +got):\n%s", k.ExternalID, diff)
		}
	}
	b, err = f.client.FetchByIDs(context.Background(), crm.KindActivity, actIDs)
	if err != nil || len(b.Activities) != len(actIDs) {
		t.Fatalf("FetchByIDs(activities): %d, %v; want %d", len(b.Activities), err, len(actIDs))
	}
	if _, err := f.client.FetchByIDs(context.Background(), crm.KindDeal, []string{"D_1"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("FetchByIDs(D_1): err = %v, want invalid", err)
	}
}

func TestParseEvent(t *testing.T) {
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	tests := []struct {
		name, body string
		want       crm.Change
		code       string
	}{
		{"deal update", form("event", "ONCRMDEALUPDATE", "data[FIELDS][ID]", "37", "ts", "1725000000", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindDeal, ID: "37", At: time.Unix(1725000000, 0).UTC()}, ""},
		{"company add", form("event", "onCrmCompanyAdd", "data[FIELDS][ID]", "5", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindCompany, ID: "5"}, ""},
		{"contact update", form("event", "ONCRMCONTACTUPDATE", "data[FIELDS][ID]", "12", "ts", "1725000060", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindPerson, ID: "12", At: time.Unix(1725000060, 0).UTC()}, ""},
		{"contact delete", form("event", "onCrmContactDelete", "data[FIELDS][ID]", "13", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindPerson, ID: "13", Deleted: true}, ""},
		{"activity delete", form("event", "ONCRMACTIVITYDELETE", "data[FIELDS][ID]", "20", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindActivity, ID: "20", Deleted: true}, ""},
		{"task update", form("event", "ONTASKUPDATE", "data[FIELDS_AFTER][ID]", "8017", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindTask, ID: "8017"}, ""},
		{"task delete", form("event", "ONTASKDELETE", "data[FIELDS_BEFORE][ID]", "8017", "auth[application_token]", appToken),
			crm.Change{Kind: crm.KindTask, ID: "8017", Deleted: true}, ""},
		{"forged token", form("event", "ONCRMDEALUPDATE", "data[FIELDS][ID]", "37", "auth[application_token]", "app-token-123456789X"), crm.Change{}, domain.EFORBIDDEN},
		{"no token", form("event", "ONCRMDEALUPDATE", "data[FIELDS][ID]", "37"), crm.Change{}, domain.EFORBIDDEN},
		{"not a form", "event=%zz", crm.Change{}, domain.EINVALID},
		{"unknown event", form("event", "ONCRMLEADUPDATE", "data[FIELDS][ID]", "37", "auth[application_token]", appToken), crm.Change{}, domain.EINVALID},
		{"bad id", form("event", "ONCRMDEALUPDATE", "data[FIELDS][ID]", "x", "auth[application_token]", appToken), crm.Change{}, domain.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bitrix24.ParseEvent([]byte(tt.body), appToken)
			if code := domain.ErrorCode(err); code != tt.code {
				t.Fatalf("ParseEvent: err = %v, want code %q", err, tt.code)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseEvent (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := bitrix24.ParseEvent([]byte(tests[0].body), ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("ParseEvent with no configured token: err = %v, want forbidden", err)
	}
}

// TestFakeEnforcesTheBucket shows the fake can catch a client that is too fast.
func TestFakeEnforcesTheBucket(t *testing.T) {
	f := newFixture(t)
	status := func() int {
		resp, err := http.PostForm(f.server.URL+f.server.WebhookPath+"crm.deal.list.json", url.Values{"start": {"-1"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range bitrix24test.Burst {
		if s := status(); s != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200", i+1, s)
		}
	}
	if s := status(); s != http.StatusServiceUnavailable || f.server.Violations != 1 {
		t.Errorf("request 51 at once: status %d, %d violations; want 503 and 1", s, f.server.Violations)
	}
	f.clock.Advance(time.Second)
	if s := status(); s != http.StatusOK {
		t.Errorf("a second later: status %d, want 200", s)
	}
}
