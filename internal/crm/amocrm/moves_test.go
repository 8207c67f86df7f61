package amocrm_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
)

// addLeadAt adds a lead in a pipeline and status, created and last changed
// an hour before the clock.
func (f *fixture) addLeadAt(id, responsible, pipeline, status int64) {
	f.server.Mu.Lock()
	defer f.server.Mu.Unlock()
	at := f.clock.Now().Add(-time.Hour).Unix()
	f.server.Leads[id] = &amocrmtest.Lead{ID: id, Name: "Deal", Price: "100", ResponsibleUserID: responsible, CreatedBy: responsible,
		PipelineID: pipeline, StatusID: status, CreatedAt: at, UpdatedAt: at}
}

func sortedMoves(ms []domain.DealMove) []domain.DealMove {
	return slices.SortedFunc(slices.Values(ms), func(a, b domain.DealMove) int { return strings.Compare(a.ExternalID, b.ExternalID) })
}

func TestPipelinesCatalogue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	want := []domain.Pipeline{
		{ID: "7155526", Name: "Продажи", Stages: []domain.Stage{{ID: "7099", Name: "Неразобранное"}, {ID: "7000", Name: "Новая"},
			{ID: "7001", Name: "КП отправлено"}, {ID: "142", Name: "Успешно реализовано"}, {ID: "143", Name: "Закрыто и не реализовано"}}},
		{ID: "7155999", Name: "Сервис", Stages: []domain.Stage{{ID: "8000", Name: "Заявка"}, {ID: "8001", Name: "В работе"},
			{ID: "142", Name: "Выполнено"}, {ID: "143", Name: "Отказ"}}},
	}
	f.server.InjectFor("/api/v4/leads/pipelines", amocrmtest.Fault429)
	got, err := f.client.Pipelines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Pipelines (-want +got):\n%s", diff)
	}

	// 142 is in both pipelines under different names: a stage is named by
	// its pipeline and its id together.
	f.addLeadAt(1, 11, pSales, 142)
	f.addLeadAt(2, 12, pService, 142)
	f.addLeadAt(3, 13, pSales, 7001)
	f.addLeadAt(4, 14, 999, 5) // a pipeline deleted since: ids kept, no names
	b, _, err := f.client.Fetch(ctx, crm.KindDeal, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	type where struct{ PipelineID, Pipeline, StageID, Stage string }
	at := func(deals []domain.Deal) map[string]where {
		m := map[string]where{}
		for _, d := range deals {
			m[d.ExternalID] = where{d.PipelineID, d.Pipeline, d.StageID, d.Stage}
		}
		return m
	}
	wantAt := map[string]where{
		"1": {"7155526", "Продажи", "142", "Успешно реализовано"},
		"2": {"7155999", "Сервис", "142", "Выполнено"},
		"3": {"7155526", "Продажи", "7001", "КП отправлено"},
		"4": {"999", "", "5", ""},
	}
	if diff := cmp.Diff(wantAt, at(b.Deals)); diff != "" {
		t.Errorf("deals' pipelines and stages (-want +got):\n%s", diff)
	}
	if n := f.server.PerPath["/api/v4/leads/pipelines"]; n != 2 {
		t.Errorf("the catalogue was requested %d times (one 429 and its retry), want 2: Fetch reuses what Pipelines read", n)
	}

	// A stage renamed: the catalogue read within the minute still names it
	// as it was; once CatalogueMaxAge has passed, the next fetch reads it
	// again, and Pipelines always does.
	f.server.Mu.Lock()
	f.server.Pipelines[pSales].Statuses[2].Name = "Счёт выставлен"
	f.server.Mu.Unlock()
	b, err = f.client.FetchByIDs(ctx, crm.KindDeal, []string{"3"})
	if err != nil || len(b.Deals) != 1 || b.Deals[0].Stage != "КП отправлено" {
		t.Fatalf("FetchByIDs within the minute = %+v, %v; want the cached name КП отправлено", b.Deals, err)
	}
	f.clock.Advance(amocrm.CatalogueMaxAge)
	b, err = f.client.FetchByIDs(ctx, crm.KindDeal, []string{"3"})
	if err != nil || len(b.Deals) != 1 || b.Deals[0].Stage != "Счёт выставлен" || b.Deals[0].StageID != "7001" {
		t.Fatalf("FetchByIDs after a minute = %+v, %v; want stage 7001 named Счёт выставлен", b.Deals, err)
	}
	got, err = f.client.Pipelines(ctx)
	if err != nil || got[0].Stages[2] != (domain.Stage{ID: "7001", Name: "Счёт выставлен"}) {
		t.Fatalf("Pipelines after the rename = %+v, %v", got, err)
	}
	if n := f.server.PerPath["/api/v4/leads/pipelines"]; n != 4 {
		t.Errorf("the catalogue was requested %d times, want 4", n)
	}

	// A catalogue that cannot be read fails the fetch of deals, which
	// keeps its cursor.
	f.clock.Advance(amocrm.CatalogueMaxAge)
	f.server.InjectFor("/api/v4/leads/pipelines", slices.Repeat([]amocrmtest.Fault{amocrmtest.Fault503}, 6)...)
	b, cur, err := f.client.Fetch(ctx, crm.KindDeal, crm.Cursor{})
	var e *crm.Error
	if !errors.As(err, &e) || e.Status != 503 || !strings.Contains(err.Error(), "/api/v4/leads/pipelines") || !cur.IsZero() || b.Len() != 0 {
		t.Errorf("Fetch with the catalogue failing: %d records, cursor %v, err %v; want none, a 503 naming the path and the cursor kept",
			b.Len(), cur.Since, err)
	}
}

func TestDealMovesIncremental(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addLeadAt(1, 11, pSales, 7000)
	f.addLeadAt(2, 12, pSales, 7000)
	f.addLeadAt(3, 13, pService, 8000)
	now := f.clock.Now().Unix()
	s := f.server
	s.Mu.Lock()
	s.MoveLead(1, pSales, 7001, 21, now-3*3600)
	s.MoveLead(1, pService, 8000, 21, now-2*3600) // into another pipeline
	s.MoveLead(2, pSales, 142, 0, now-3600)       // a robot closes it
	s.AddEvent(&amocrmtest.Event{Type: "lead_added", EntityID: 3, CreatedBy: 13, CreatedAt: now - 3600})
	s.Mu.Unlock()

	var queries []map[string][]string
	s.AfterPage = func(path string, q map[string][]string, _ int) {
		if path == "/api/v4/events" {
			queries = append(queries, q)
		}
	}
	f.server.InjectFor("/api/v4/events", amocrmtest.Fault429, amocrmtest.FaultTruncated, amocrmtest.FaultHTML)
	b, cur, err := f.client.Fetch(ctx, crm.KindDealMove, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	meta := func(id string, at int64) domain.RecordMeta {
		return domain.RecordMeta{Source: "amocrm", ExternalID: id, UpdatedAt: time.Unix(at, 0).UTC()}
	}
	ts := func(at int64) time.Time { return time.Unix(at, 0).UTC() }
	want := []domain.DealMove{
		{RecordMeta: meta("01fake00000000000000000001", now-3*3600), DealID: "1", Responsible: "21", MovedAt: ts(now - 3*3600),
			PipelineID: "7155526", Pipeline: "Продажи", StageID: "7001", Stage: "КП отправлено",
			FromPipelineID: "7155526", FromPipeline: "Продажи", FromStageID: "7000", FromStage: "Новая"},
		{RecordMeta: meta("01fake00000000000000000002", now-2*3600), DealID: "1", Responsible: "21", MovedAt: ts(now - 2*3600),
			PipelineID: "7155999", Pipeline: "Сервис", StageID: "8000", Stage: "Заявка",
			FromPipelineID: "7155526", FromPipeline: "Продажи", FromStageID: "7001", FromStage: "КП отправлено"},
		{RecordMeta: meta("01fake00000000000000000003", now-3600), DealID: "2", Responsible: "12", MovedAt: ts(now - 3600),
			PipelineID: "7155526", Pipeline: "Продажи", StageID: "142", Stage: "Успешно реализовано",
			FromPipelineID: "7155526", FromPipeline: "Продажи", FromStageID: "7000", FromStage: "Новая"},
	}
	if diff := cmp.Diff(want, sortedMoves(b.Moves)); diff != "" {
		t.Fatalf("full fetch of moves (-want +got):\n%s", diff)
	}
	if !cur.Since.Equal(t0) {
		t.Errorf("cursor = %v, want the fetch's start %v", cur.Since, t0)
	}
	if len(queries) == 0 || queries[0]["filter[type]"][0] != "lead_status_changed" || queries[0]["limit"][0] != "100" ||
		queries[0]["filter[created_at][from]"] != nil {
		t.Errorf("first events query = %v; want type lead_status_changed, limit 100, no created_at filter", queries)
	}

	// An hour later: a move logged with a time just before the cursor
	// (lag), a move to won in the other pipeline, and a robot's move of a
	// lead deleted since, whose responsible only the deleted lead tells.
	f.clock.Advance(time.Hour)
	s.Mu.Lock()
	late := s.MoveLead(3, pService, 8001, 22, t0.Unix()-30)
	won := s.MoveLead(1, pService, 142, 21, f.clock.Now().Unix()-1800)
	robot := s.MoveLead(3, pService, 143, 0, f.clock.Now().Unix()-60)
	s.Leads[3].IsDeleted = true
	s.Mu.Unlock()
	queries = nil
	before, started := f.client.Requests(), f.clock.Now()
	b, cur2, err := f.client.Fetch(ctx, crm.KindDealMove, cur)
	if err != nil {
		t.Fatal(err)
	}
	want = []domain.DealMove{
		{RecordMeta: meta(late.ID, late.CreatedAt), DealID: "3", Responsible: "22", MovedAt: ts(late.CreatedAt),
			PipelineID: "7155999", Pipeline: "Сервис", StageID: "8001", Stage: "В работе",
			FromPipelineID: "7155999", FromPipeline: "Сервис", FromStageID: "8000", FromStage: "Заявка"},
		{RecordMeta: meta(won.ID, won.CreatedAt), DealID: "1", Responsible: "21", MovedAt: ts(won.CreatedAt),
			PipelineID: "7155999", Pipeline: "Сервис", StageID: "142", Stage: "Выполнено",
			FromPipelineID: "7155999", FromPipeline: "Сервис", FromStageID: "8000", FromStage: "Заявка"},
		{RecordMeta: meta(robot.ID, robot.CreatedAt), DealID: "3", Responsible: "13", MovedAt: ts(robot.CreatedAt),
			PipelineID: "7155999", Pipeline: "Сервис", StageID: "143", Stage: "Отказ",
			FromPipelineID: "7155999", FromPipeline: "Сервис", FromStageID: "8001", FromStage: "В работе"},
	}
	if diff := cmp.Diff(want, sortedMoves(b.Moves)); diff != "" {
		t.Fatalf("incremental fetch of moves (-want +got):\n%s", diff)
	}
	if from := t0.Add(-2 * time.Minute).Unix(); len(queries) != 1 || queries[0]["filter[created_at][from]"][0] != itoa(from) {
		t.Errorf("incremental events queries = %v; want one with filter[created_at][from]=%d (cursor less the overlap)", queries, from)
	}
	// One events page, the robot's lead among live leads, then among
	// deleted ones, and the catalogue (older than a minute by now).
	if n := f.client.Requests() - before; n != 4 {
		t.Errorf("incremental fetch of moves took %d requests, want 4", n)
	}
	if !cur2.Since.Equal(started) {
		t.Errorf("cursor after the incremental fetch = %v, want its start %v", cur2.Since, started)
	}

	if _, err := f.client.FetchByIDs(ctx, crm.KindDealMove, []string{late.ID}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("FetchByIDs(deal moves): err = %v, want invalid (moves are fetched incrementally)", err)
	}
}

// TestDealMovesPaging reads the events feed page by page while a new move
// is logged between pages: nothing is skipped or returned twice, and the
// new move comes with the next fetch.
func TestDealMovesPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := amocrm.NewClient(amocrm.Config{BaseURL: f.server.URL, ClientConfig: crm.ClientConfig{
		Token: f.server.AccessToken,
		Now:   f.clock.Now,
		Sleep: f.clock.Sleep,
	},

		PageSize: 10})
	for id := int64(1); id <= 5; id++ {
		f.addLeadAt(id, 10+id, pSales, 7000)
	}
	f.server.Mu.Lock()
	var ids []int64
	for id := range f.server.Leads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i := range 35 {
		f.moveLead(ids[i%len(ids)], f.clock.Now().Unix()-int64(3600-i*60))
	}
	f.server.Mu.Unlock()
	added := false
	f.server.AfterPage = func(path string, _ map[string][]string, page int) {
		if path == "/api/v4/events" && page == 1 && !added {
			added = true
			f.moveLead(3, f.clock.Now().Unix())
		}
	}
	got := crmtest.NewStore()
	b, cur, err := c.Fetch(ctx, crm.KindDealMove, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	got.Upsert(t, b, keep)
	if len(b.Moves) != 35 {
		t.Errorf("first fetch: %d moves, want the 35 logged before it", len(b.Moves))
	}
	f.clock.Advance(time.Minute)
	b, _, err = c.Fetch(ctx, crm.KindDealMove, cur)
	if err != nil {
		t.Fatal(err)
	}
	got.Upsert(t, b, keep)
	if diff := cmp.Diff(f.want().Moves, got.Moves); diff != "" {
		t.Errorf("moves after two fetches differ from the truth (-want +got):\n%s", diff)
	}
	if f.server.PerPath["/api/v4/events"] < 5 {
		t.Errorf("events were read in %d requests; want pages of 10", f.server.PerPath["/api/v4/events"])
	}
}

func TestCallDirection(t *testing.T) {
	f := newFixture(t)
	f.server.Mu.Lock()
	at := f.clock.Now().Add(-time.Hour).Unix()
	for i, typ := range []string{"call_in", "call_out", "common"} {
		id := int64(i + 1)
		f.server.Notes["contacts:"+itoa(id)] = &amocrmtest.Note{ID: id, EntityID: 5, Entity: "contacts", NoteType: typ,
			ResponsibleUserID: 3, CreatedAt: at, UpdatedAt: at, Duration: 30, CallStatus: 4}
	}
	f.server.Mu.Unlock()
	b, _, err := f.client.Fetch(context.Background(), crm.KindActivity, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range b.Activities {
		got[a.ExternalID] = a.Direction
	}
	want := map[string]string{"note:contacts:1": domain.DirectionIn, "note:contacts:2": domain.DirectionOut}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("call directions (-want +got):\n%s", diff)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
