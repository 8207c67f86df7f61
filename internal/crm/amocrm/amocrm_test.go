package amocrm_test

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
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
)

var t0 = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

// The fixture's two pipelines; both have the system statuses 142 and 143,
// under different names.
const (
	pSales   = 7155526
	pService = 7155999
)

// stagesOf lists the statuses a lead of the fixture can be in, by pipeline.
var stagesOf = map[int64][]int64{pSales: {7000, 7001, 142, 143}, pService: {8000, 8001, 142, 143}}

// fixture is a fake amoCRM with a client pointed at it, in virtual time.
type fixture struct {
	clock  *crmtest.Clock
	server *amocrmtest.Server
	client *amocrm.Client
	tokens []crm.Token
	rng    *rand.Rand
	nextID int64
}

// newFixture starts a fake and a client in virtual time. The HTTP timeout is
// real time: injected timeouts cost that much, so it is short, but long
// enough for a loaded machine to build a large page.
func newFixture(t *testing.T) *fixture { return newFixtureTimeout(t, 500*time.Millisecond) }

func newFixtureTimeout(t *testing.T, timeout time.Duration) *fixture {
	t.Helper()
	f := &fixture{clock: crmtest.NewClock(t0), rng: rand.New(rand.NewPCG(1, 2)), nextID: 1000}
	f.server = amocrmtest.NewServer(f.clock.Now)
	t.Cleanup(f.server.Close)
	f.server.Pipelines[pSales] = &amocrmtest.Pipeline{ID: pSales, Name: "Продажи", Sort: 1, IsMain: true, Statuses: []amocrmtest.Status{
		{ID: 7099, Name: "Неразобранное", Sort: 10, Type: 1}, {ID: 7000, Name: "Новая", Sort: 20}, {ID: 7001, Name: "КП отправлено", Sort: 30},
		{ID: 142, Name: "Успешно реализовано", Sort: 10000}, {ID: 143, Name: "Закрыто и не реализовано", Sort: 11000}}}
	f.server.Pipelines[pService] = &amocrmtest.Pipeline{ID: pService, Name: "Сервис", Sort: 2, Statuses: []amocrmtest.Status{
		{ID: 8000, Name: "Заявка", Sort: 20}, {ID: 8001, Name: "В работе", Sort: 30},
		{ID: 142, Name: "Выполнено", Sort: 10000}, {ID: 143, Name: "Отказ", Sort: 11000}}}
	f.client = amocrm.NewClient(amocrm.Config{
		BaseURL: f.server.URL,
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
	})
	return f
}

func (f *fixture) id() int64 { f.nextID++; return f.nextID }

// past returns a Unix time within the last 30 days.
func (f *fixture) past() int64 {
	return f.clock.Now().Add(-time.Duration(f.rng.Int64N(int64(30 * 24 * time.Hour)))).Unix()
}

// seed fills the truth: companies, leads, tasks and notes, calls and other
// notes, on leads, contacts and companies. Many records share an updated_at
// second, as bulk edits do in a real account.
func (f *fixture) seed(companies, leads, tasks, notes int) {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	now := f.clock.Now().Unix()
	for range companies {
		c := &amocrmtest.Company{ID: f.id(), Name: "Company", ResponsibleUserID: 1 + f.rng.Int64N(5), CreatedBy: f.rng.Int64N(5), CreatedAt: f.past()}
		c.UpdatedAt = min(now, c.CreatedAt+f.rng.Int64N(3)*3600)
		c.Phones = f.phones()
		s.Companies[c.ID] = c
		// A contact a company, some of them at that company.
		p := &amocrmtest.Contact{ID: f.id(), Name: "Иван Петров", ResponsibleUserID: 1 + f.rng.Int64N(5), CreatedAt: f.past(), Phones: f.phones()}
		p.UpdatedAt = min(now, p.CreatedAt+f.rng.Int64N(3)*3600)
		if f.rng.IntN(2) == 0 {
			p.CompanyID = c.ID
		}
		s.Contacts[p.ID] = p
	}
	var leadIDs []int64
	for range leads {
		leadIDs = append(leadIDs, f.addLead())
	}
	for range tasks {
		t := &amocrmtest.Task{ID: f.id(), ResponsibleUserID: 1 + f.rng.Int64N(5), TaskTypeID: 1 + f.rng.Int64N(3), Text: "call back", CreatedAt: f.past()}
		t.CompleteTill = t.CreatedAt + 86400
		t.UpdatedAt = t.CreatedAt
		if f.rng.IntN(3) > 0 {
			t.EntityType, t.EntityID = "leads", leadIDs[f.rng.IntN(len(leadIDs))]
		} else {
			t.EntityType, t.EntityID = "contacts", 77
		}
		if f.rng.IntN(2) == 0 {
			t.IsCompleted = true
			t.UpdatedAt = min(now, t.CreatedAt+f.rng.Int64N(5)*3600)
		}
		s.Tasks[t.ID] = t
	}
	for range notes {
		f.addNote(leadIDs)
	}
}

// phones returns none, one or two numbers written as people write them.
func (f *fixture) phones() []string {
	var out []string
	for range f.rng.IntN(3) {
		out = append(out, []string{"+7 (9%02d) 123-45-67", "8 9%02d 765 43 21", "9%02d1112233"}[f.rng.IntN(3)])
		out[len(out)-1] = fmt.Sprintf(out[len(out)-1], f.rng.IntN(100))
	}
	return out
}

func (f *fixture) addLead() int64 {
	pipeline := []int64{pSales, pService}[f.rng.IntN(2)]
	l := &amocrmtest.Lead{ID: f.id(), Name: "Deal", ResponsibleUserID: 1 + f.rng.Int64N(5), CreatedBy: 1, CreatedAt: f.past(),
		Price: []string{"0", "15000", "19999.99", "1250000"}[f.rng.IntN(4)], PipelineID: pipeline, StatusID: stagesOf[pipeline][f.rng.IntN(4)]}
	l.UpdatedAt = min(f.clock.Now().Unix(), l.CreatedAt+f.rng.Int64N(4)*3600)
	if l.StatusID == 142 || l.StatusID == 143 {
		l.ClosedAt = l.UpdatedAt
	} else if f.rng.IntN(4) == 0 {
		l.ClosedAt = l.CreatedAt // a reopened deal keeps a stale closing time
	}
	f.server.Leads[l.ID] = l
	return l.ID
}

func (f *fixture) addNote(leadIDs []int64) {
	n := &amocrmtest.Note{ID: f.id(), ResponsibleUserID: 1 + f.rng.Int64N(5), CreatedBy: 1, CreatedAt: f.past(),
		Entity:   []string{"leads", "contacts", "companies"}[f.rng.IntN(3)],
		NoteType: []string{"call_in", "call_out", "common"}[f.rng.IntN(3)],
		Duration: f.rng.Int64N(600), CallStatus: 1 + f.rng.Int64N(8), Phone: fmt.Sprintf("+7999%07d", f.rng.IntN(1e7))}
	n.UpdatedAt = n.CreatedAt
	n.EntityID = 5
	if n.Entity == "leads" {
		n.EntityID = leadIDs[f.rng.IntN(len(leadIDs))]
	}
	f.server.Notes[n.Entity+":"+strconv.FormatInt(n.ID, 10)] = n
}

// seedMoves moves n random leads, most within their pipeline, some into
// the other one; one move in five is a robot's (created_by 0).
func (f *fixture) seedMoves(n int) {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	var ids []int64
	for id := range s.Leads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for range n {
		f.moveLead(ids[f.rng.IntN(len(ids))], max(s.Leads[ids[0]].CreatedAt, f.past()))
	}
}

// moveLead moves a lead to another stage at at; the caller holds the lock.
func (f *fixture) moveLead(id, at int64) *amocrmtest.Event {
	l := f.server.Leads[id]
	pipeline := l.PipelineID
	if f.rng.IntN(4) == 0 {
		pipeline = map[int64]int64{pSales: pService, pService: pSales}[pipeline]
	}
	status := l.StatusID
	for status == l.StatusID && pipeline == l.PipelineID {
		status = stagesOf[pipeline][f.rng.IntN(4)]
	}
	by := int64(0)
	if f.rng.IntN(5) > 0 {
		by = 1 + f.rng.Int64N(5)
	}
	return f.server.MoveLead(id, pipeline, status, by, at)
}

// want maps the truth to records, independently of the client's mapping.
func (f *fixture) want() *crmtest.Store {
	s := f.server
	s.Mu.Lock()
	defer s.Mu.Unlock()
	w := crmtest.NewStore()
	ts := func(s int64) time.Time {
		if s == 0 {
			return time.Time{}
		}
		return time.Unix(s, 0).UTC()
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	meta := func(ext string, upd int64) domain.RecordMeta {
		return domain.RecordMeta{Source: "amocrm", ExternalID: ext, UpdatedAt: ts(upd)}
	}
	// names looks a pipeline and a status up in the fake's catalogue.
	names := func(pipeline, status int64) (string, string) {
		p := s.Pipelines[pipeline]
		if p == nil {
			return "", ""
		}
		for _, st := range p.Statuses {
			if st.ID == status {
				return p.Name, st.Name
			}
		}
		return p.Name, ""
	}
	for _, c := range s.Companies {
		w.Companies[id(c.ID)] = domain.Company{RecordMeta: meta(id(c.ID), c.UpdatedAt), Name: c.Name,
			Responsible: id(c.ResponsibleUserID), CreatedBy: id(c.CreatedBy), CreatedAt: ts(c.CreatedAt), Phones: c.Phones}
	}
	for _, c := range s.Contacts {
		p := domain.Person{RecordMeta: meta(id(c.ID), c.UpdatedAt), Name: c.Name, Responsible: id(c.ResponsibleUserID),
			Phones: c.Phones, CreatedAt: ts(c.CreatedAt)}
		if c.CompanyID != 0 {
			p.CompanyID = id(c.CompanyID)
		}
		w.Persons[p.ExternalID] = p
	}
	for _, l := range s.Leads {
		d := domain.Deal{RecordMeta: meta(id(l.ID), l.UpdatedAt), Title: l.Name, Responsible: id(l.ResponsibleUserID),
			Amount: decimal.RequireFromString(l.Price), Status: domain.DealOpen, CreatedAt: ts(l.CreatedAt),
			PipelineID: id(l.PipelineID), StageID: id(l.StatusID)}
		d.Pipeline, d.Stage = names(l.PipelineID, l.StatusID)
		switch l.StatusID {
		case 142:
			d.Status, d.ClosedAt = domain.DealWon, ts(l.ClosedAt)
		case 143:
			d.Status, d.ClosedAt = domain.DealLost, ts(l.ClosedAt)
		}
		if l.IsDeleted {
			d.DeletedAt = ts(l.UpdatedAt)
		}
		w.Deals[d.ExternalID] = d
	}
	for _, t := range s.Tasks {
		k := domain.Task{RecordMeta: meta(id(t.ID), t.UpdatedAt), Title: t.Text, Responsible: id(t.ResponsibleUserID),
			Deadline: ts(t.CompleteTill), CreatedAt: ts(t.CreatedAt)}
		if t.EntityType == "leads" {
			k.DealID = id(t.EntityID)
		}
		if t.IsCompleted {
			k.CompletedAt = ts(t.UpdatedAt)
			if t.TaskTypeID == 2 {
				w.Activities["task:"+k.ExternalID] = domain.Activity{RecordMeta: meta("task:"+k.ExternalID, t.UpdatedAt),
					Kind: domain.ActivityMeeting, Responsible: k.Responsible, HappenedAt: k.Deadline, EnteredAt: ts(t.UpdatedAt),
					Outcome: domain.OutcomeHeld, DealID: k.DealID}
			}
		}
		w.Tasks[k.ExternalID] = k
	}
	for _, n := range s.Notes {
		if n.NoteType == "common" {
			continue
		}
		a := domain.Activity{RecordMeta: meta("note:"+n.Entity+":"+id(n.ID), n.UpdatedAt), Kind: domain.ActivityCall,
			Responsible: id(n.ResponsibleUserID), HappenedAt: ts(n.CreatedAt), EnteredAt: ts(n.CreatedAt),
			DurationSeconds: int(n.Duration), Outcome: domain.OutcomeMissed, Phone: n.Phone}
		if n.CallStatus == 4 {
			a.Outcome = domain.OutcomeHeld
		}
		if n.Entity == "leads" {
			a.DealID = id(n.EntityID)
		}
		a.Direction = map[string]string{"call_in": domain.DirectionIn, "call_out": domain.DirectionOut}[n.NoteType]
		w.Activities[a.ExternalID] = a
	}
	for _, e := range s.Events {
		if e.Type != "lead_status_changed" {
			continue
		}
		m := domain.DealMove{RecordMeta: meta(e.ID, e.CreatedAt), DealID: id(e.EntityID), Responsible: id(e.CreatedBy),
			MovedAt: ts(e.CreatedAt), PipelineID: id(e.ToPipeline), StageID: id(e.ToStatus),
			FromPipelineID: id(e.FromPipeline), FromStageID: id(e.FromStatus)}
		if e.CreatedBy == 0 {
			m.Responsible = ""
			if l := s.Leads[e.EntityID]; l != nil {
				m.Responsible = id(l.ResponsibleUserID)
			}
		}
		m.Pipeline, m.Stage = names(e.ToPipeline, e.ToStatus)
		m.FromPipeline, m.FromStage = names(e.FromPipeline, e.FromStatus)
		w.Moves[m.ExternalID] = m
	}
	return w
}

// keep is how the store merges amoCRM's records: amoCRM keeps no task
// completion time.
var keep = crmtest.Keep{Task: crm.KeepFirstCompletion, Activity: crm.KeepFirstEntry}

// sync fetches every kind from its cursor, as the sync command will.
func (f *fixture) sync(t *testing.T, st *crmtest.Store, cursors map[crm.Kind]crm.Cursor) {
	t.Helper()
	crmtest.Sync(t, f.client, st, cursors, keep)
}

func TestFetchFullThenIncrementalWithFaults(t *testing.T) {
	f := newFixture(t)
	f.seed(300, 700, 400, 600)

	// A lead of the first page changes while the scan is on the second: it
	// moves to the end of the order, and with plain page numbers the lead
	// that slides onto the first page would be missed.
	changed := false
	f.server.AfterPage = func(path string, q map[string][]string, page int) {
		if changed || path != "/api/v4/leads" || len(q["with"]) > 0 {
			return
		}
		changed = true
		var first *amocrmtest.Lead
		for _, l := range f.server.Leads {
			if !l.IsDeleted && (first == nil || l.UpdatedAt < first.UpdatedAt || l.UpdatedAt == first.UpdatedAt && l.ID < first.ID) {
				first = l
			}
		}
		first.StatusID, first.ClosedAt, first.UpdatedAt = 142, f.clock.Now().Unix(), f.clock.Now().Unix()
	}
	f.seedMoves(300)
	f.server.Inject(amocrmtest.Fault429, amocrmtest.FaultTruncated)
	f.server.InjectFor("/api/v4/leads", amocrmtest.FaultTruncated, amocrmtest.Fault500, amocrmtest.FaultTimeout)
	f.server.InjectFor("/api/v4/leads/pipelines", amocrmtest.Fault503)
	f.server.InjectFor("/api/v4/events", amocrmtest.FaultTruncated, amocrmtest.Fault429)

	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	if !changed {
		t.Fatal("the change between pages did not happen")
	}
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("after the full fetch, records differ from the truth (-want +got):\n%s", diff)
	}
	full := f.client.Requests()

	// An hour later: edits, deletions, new records, completed tasks.
	f.clock.Advance(time.Hour)
	f.server.Mu.Lock()
	now := f.clock.Now().Unix()
	var leadIDs []int64
	i := 0
	for _, l := range f.server.Leads {
		leadIDs = append(leadIDs, l.ID)
		switch i++; {
		case i <= 40:
			l.StatusID, l.ClosedAt, l.UpdatedAt, l.Price = 142, now, now, "777.77"
		case i <= 55:
			l.IsDeleted, l.UpdatedAt = true, now
		case i <= 60:
			l.StatusID, l.UpdatedAt = 7000, now // reopened: closed_at stays stale
		}
	}
	for range 30 {
		l := f.server.Leads[f.addLead()]
		l.CreatedAt, l.UpdatedAt = now, now
		if l.ClosedAt != 0 {
			l.ClosedAt = now
		}
	}
	i = 0
	for _, k := range f.server.Tasks {
		if !k.IsCompleted {
			if i++; i > 25 {
				break
			}
			k.IsCompleted, k.UpdatedAt = true, now-int64(i)
		}
	}
	for range 40 {
		f.addNote(leadIDs)
	}
	slices.Sort(leadIDs)
	for _, id := range leadIDs[:30] {
		f.moveLead(id, now-f.rng.Int64N(600)) // robots' among them
	}
	for _, n := range f.server.Notes {
		switch {
		case n.ID > 3000:
			n.CreatedAt, n.UpdatedAt = now, now // the 40 new ones
		case i < 60:
			n.ResponsibleUserID, n.UpdatedAt = 9, now // a bulk reassignment
		}
		i++
	}
	f.server.Mu.Unlock()
	f.seedCompaniesNow(10)
	f.server.AfterPage = nil
	f.server.Inject(amocrmtest.Fault503, amocrmtest.Fault500, amocrmtest.FaultTimeout, amocrmtest.FaultHTML, amocrmtest.FaultExpired)
	f.server.InjectFor("/api/v4/contacts/notes", amocrmtest.FaultHTML, amocrmtest.FaultTruncated)
	f.server.InjectFor("/api/v4/events", amocrmtest.Fault500, amocrmtest.FaultTimeout)

	f.sync(t, got, cursors)
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("after the incremental fetch, records differ from the truth (-want +got):\n%s", diff)
	}
	f.server.CheckClean(t)
	if len(f.tokens) != 1 || f.tokens[0].AccessToken != f.server.AccessToken {
		t.Errorf("refreshed tokens handed to OnRefresh: %d, want 1 matching the server's", len(f.tokens))
	}
	t.Logf("%d records: full fetch %d requests, incremental %d requests", got.Len(), full, f.client.Requests()-full)
}

func (f *fixture) seedCompaniesNow(n int) {
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	now := f.clock.Now().Unix()
	for range n {
		c := &amocrmtest.Company{ID: f.id(), Name: "New", ResponsibleUserID: 2, CreatedAt: now, UpdatedAt: now}
		f.server.Companies[c.ID] = c
	}
}

func TestRequestCountAndPace(t *testing.T) {
	if testing.Short() {
		t.Skip("10k records")
	}
	f := newFixtureTimeout(t, 10*time.Second)
	f.seed(2500, 2500, 2500, 2500)
	f.seedMoves(2500)
	start := f.clock.Now()
	got, cursors := crmtest.NewStore(), map[crm.Kind]crm.Cursor{}
	f.sync(t, got, cursors)
	full := f.client.Requests()
	if f.server.Violations != 0 {
		t.Errorf("the fake saw %d rate-limit violations, want 0", f.server.Violations)
	}
	if diff := cmp.Diff(f.want(), got); diff != "" {
		t.Fatalf("records differ from the truth (-want +got):\n%s", diff)
	}
	elapsed := f.clock.Now().Sub(start)
	f.clock.Advance(10 * time.Minute)
	f.sync(t, got, cursors)
	incr := f.client.Requests() - full
	t.Logf("10k source records (%d normalized): full fetch %d requests in %s of virtual time; per path %v; empty incremental %d requests",
		got.Len(), full, elapsed, f.server.PerPath, incr)
	// Minimum: ceil(n/250) pages per scan (n/100 for events), the
	// catalogue, the leads of robot moves at 50 a request.
	if full > 120 {
		t.Errorf("full fetch took %d requests, want at most 120", full)
	}
	// One page per scan (the records of the overlap before the cursor fit
	// in one), and the catalogue for the deals among them.
	if incr != 10 {
		t.Errorf("empty incremental fetch took %d requests, want 10 (one page per scan, contacts included, and the catalogue)", incr)
	}
}

func TestGiveUpNamesCRMMethodAndStatus(t *testing.T) {
	f := newFixture(t)
	f.seed(5, 0, 0, 0)
	f.server.Inject(slices.Repeat([]amocrmtest.Fault{amocrmtest.Fault503}, 6)...)
	_, cur, err := f.client.Fetch(context.Background(), crm.KindCompany, crm.Cursor{Since: t0})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != 503 || e.Tries != 6 {
		t.Fatalf("Fetch after 6 × 503: err = %v, want a *crm.Error with status 503 after 6 tries", err)
	}
	msg := err.Error()
	for _, want := range []string{"amocrm", "GET /api/v4/companies", "503"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, f.server.AccessToken) {
		t.Errorf("error %q contains the token", msg)
	}
	if !cur.Since.Equal(t0) {
		t.Errorf("cursor after a failed fetch = %v, want it unchanged at %v", cur.Since, t0)
	}
}

func TestRefreshFailsWithoutRefreshToken(t *testing.T) {
	f := newFixture(t)
	f.seed(5, 0, 0, 0)
	c := amocrm.NewClient(amocrm.Config{BaseURL: f.server.URL, ClientConfig: crm.ClientConfig{Token: "wrong", Now: f.clock.Now, Sleep: f.clock.Sleep}})
	_, _, err := c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != 401 {
		t.Fatalf("Fetch with a bad long-lived token: err = %v, want status 401", err)
	}
}

func TestFetchByIDs(t *testing.T) {
	f := newFixture(t)
	f.seed(3, 20, 10, 30)
	f.server.Mu.Lock()
	var live, deleted, meeting string
	var call []string
	for _, l := range f.server.Leads {
		if live == "" {
			live = strconv.FormatInt(l.ID, 10)
		} else if deleted == "" {
			l.IsDeleted = true
			deleted = strconv.FormatInt(l.ID, 10)
		}
	}
	for _, k := range f.server.Tasks {
		if meeting == "" {
			k.IsCompleted, k.TaskTypeID = true, 2
			meeting = "task:" + strconv.FormatInt(k.ID, 10)
		}
	}
	for _, n := range f.server.Notes {
		if n.NoteType != "common" && len(call) < 3 {
			call = append(call, fmt.Sprintf("note:%s:%d", n.Entity, n.ID))
		}
	}
	f.server.Mu.Unlock()
	want := f.want()

	b, err := f.client.FetchByIDs(context.Background(), crm.KindDeal, []string{live, deleted, "999999999"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Deal{want.Deals[live], want.Deals[deleted]}, b.Deals); diff != "" {
		t.Errorf("FetchByIDs(deals) (-want +got):\n%s", diff)
	}
	ids := append([]string{meeting}, call...)
	b, err = f.client.FetchByIDs(context.Background(), crm.KindActivity, ids)
	if err != nil {
		t.Fatal(err)
	}
	var wantActs []domain.Activity
	for _, id := range ids {
		wantActs = append(wantActs, want.Activities[id])
	}
	sortActs := func(a, b domain.Activity) int { return strings.Compare(a.ExternalID, b.ExternalID) }
	slices.SortFunc(wantActs, sortActs)
	slices.SortFunc(b.Activities, sortActs)
	if diff := cmp.Diff(wantActs, b.Activities); diff != "" {
		t.Errorf("FetchByIDs(activities) (-want +got):\n%s", diff)
	}
	if _, err := f.client.FetchByIDs(context.Background(), crm.KindActivity, []string{"bogus"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("FetchByIDs(bogus activity id): err = %v, want invalid", err)
	}
}

func TestParseWebhook(t *testing.T) {
	tests := []struct {
		name, body string
		want       []crm.Change
		wantErr    bool
	}{
		{
			name: "status change and add",
			body: "leads%5Bstatus%5D%5B0%5D%5Bid%5D=25813923&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=142&leads%5Bstatus%5D%5B0%5D%5Bold_status_id%5D=7000" +
				"&leads%5Badd%5D%5B0%5D%5Bid%5D=5&leads%5Badd%5D%5B1%5D%5Bid%5D=25813923&account%5Bid%5D=31247590&account%5Bsubdomain%5D=acme",
			want: []crm.Change{{Kind: crm.KindDeal, ID: "5"}, {Kind: crm.KindDeal, ID: "25813923"}},
		},
		{
			name: "delete with time, task, company, contact, note",
			body: "leads[delete][0][id]=7&leads[delete][0][last_modified]=1692888780&tasks[update][0][id]=9&companies[add][0][id]=11" +
				"&contacts[add][0][id]=12&contacts[add][0][type]=contact&contacts[note][0][note][id]=13&contacts[note][0][note][note_type]=10",
			want: []crm.Change{
				{Kind: crm.KindActivity, ID: "note:contacts:13"},
				{Kind: crm.KindCompany, ID: "11"},
				{Kind: crm.KindPerson, ID: "12"},
				{Kind: crm.KindDeal, ID: "7", Deleted: true, At: time.Unix(1692888780, 0).UTC()},
				{Kind: crm.KindTask, ID: "9"},
			},
		},
		{
			// amoCRM reports companies under contacts[…] too, typed
			// company; a contact without [type] is a contact.
			name: "contacts: typed company, untyped contact, deletion with time",
			body: "contacts[update][0][id]=52379505&contacts[update][0][type]=company&contacts[update][1][id]=1112" +
				"&contacts[delete][0][id]=14&contacts[delete][0][type]=contact&contacts[delete][0][last_modified]=1692888790",
			want: []crm.Change{
				{Kind: crm.KindCompany, ID: "52379505"},
				{Kind: crm.KindPerson, ID: "14", Deleted: true, At: time.Unix(1692888790, 0).UTC()},
				{Kind: crm.KindPerson, ID: "1112"},
			},
		},
		{
			name: "a note on a task is a comment, not a call: the task is re-fetched alone",
			body: "tasks[note][0][note][id]=21&tasks[note][0][note][element_id]=9&tasks[update][0][id]=9",
			want: []crm.Change{{Kind: crm.KindTask, ID: "9"}},
		},
		{name: "not form-encoded", body: "leads[status][0][id]=%zz", wantErr: true},
		{name: "id not a number", body: "leads[status][0][id]=abc", wantErr: true},
		{name: "no record", body: "account[id]=1", wantErr: true},
		{name: "empty", body: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := amocrm.ParseWebhook([]byte(tt.body))
			if tt.wantErr {
				if domain.ErrorCode(err) != domain.EINVALID {
					t.Fatalf("ParseWebhook: err = %v, want an invalid error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseWebhook (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenIsRedacted(t *testing.T) {
	tok := crm.Token{AccessToken: "sekret-access", RefreshToken: "sekret-refresh"}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok), tok.LogValue().String()} {
		if strings.Contains(s, "sekret") {
			t.Errorf("token formatted as %q shows a secret", s)
		}
	}
}

func TestNeverAboveTheLimitEvenIfAskedTo(t *testing.T) {
	f := newFixture(t)
	f.seed(1500, 0, 0, 0)
	c := amocrm.NewClient(amocrm.Config{BaseURL: f.server.URL, ClientConfig: crm.ClientConfig{
		Token: f.server.AccessToken,
		Now:   f.clock.Now,
		Sleep: f.clock.Sleep,
	},

		RequestsPerSecond: 100, PageSize: 10})
	b, _, err := c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{})
	if err != nil || len(b.Companies) != 1500 {
		t.Fatalf("Fetch: %d companies, %v; want 1500", len(b.Companies), err)
	}
	if f.server.Violations != 0 {
		t.Errorf("%d requests: the fake saw %d rate-limit violations, want 0", c.Requests(), f.server.Violations)
	}
}

// TestFakeEnforcesTheLimit shows the fake can catch a client that is too fast.
func TestFakeEnforcesTheLimit(t *testing.T) {
	f := newFixture(t)
	get := func() *http.Response {
		req, _ := http.NewRequest(http.MethodGet, f.server.URL+"/api/v4/companies", nil)
		req.Header.Set("Authorization", "Bearer "+f.server.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 7 {
		if resp := get(); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("request %d: status %d, want 204", i+1, resp.StatusCode)
		}
	}
	if resp := get(); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("8th request in a second: status %d, want 429", resp.StatusCode)
	}
	get()
	get()
	if resp := get(); resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("after repeated violations: status %d %s, want an HTML 403", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if f.server.Violations != 3 {
		t.Errorf("violations = %d, want 3", f.server.Violations)
	}
}

// TestInterruptedFetchKeepsTheCursor is the process stopping mid-sync: the
// fetch fails, returns nothing and the old cursor, and the next fetch from
// that cursor brings everything.
func TestInterruptedFetchKeepsTheCursor(t *testing.T) {
	f := newFixture(t)
	f.seed(0, 600, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	f.server.AfterPage = func(string, map[string][]string, int) { cancel() }
	b, cur, err := f.client.Fetch(ctx, crm.KindDeal, crm.Cursor{})
	if !errors.Is(err, context.Canceled) || b.Len() != 0 || !cur.IsZero() {
		t.Fatalf("interrupted Fetch = %d records, cursor %v, err %v; want none, the zero cursor, context.Canceled", b.Len(), cur, err)
	}
	f.server.AfterPage = nil
	b, _, err = f.client.Fetch(context.Background(), crm.KindDeal, cur)
	if err != nil || len(b.Deals) != 600 {
		t.Fatalf("Fetch again: %d deals, %v; want 600", len(b.Deals), err)
	}
}
