package bitrix24_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"reglament/internal/crm"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/domain"
)

// sales is a second funnel, id 3, as Bitrix24 prefixes its stage ids.
var sales = &bitrix24test.Category{ID: 3, Name: "Продажи", Sort: 200, Stages: []bitrix24test.Stage{
	{ID: "C3:NEW", Name: "Новая", Sort: 10}, {ID: "C3:KP", Name: "КП отправлено", Sort: 20},
	{ID: "C3:WON", Name: "Оплачено", Semantics: "S", Sort: 30}, {ID: "C3:LOSE", Name: "Отказ", Semantics: "F", Sort: 40},
}}

// local is a time in the portal's zone on 1 November 2026, the day before the fixture's clock.
func local(h, m int) time.Time { return time.Date(2026, 11, 1, h, m, 0, 0, bitrix24test.Zone) }

func TestPipelines(t *testing.T) {
	for _, listed := range []bool{false, true} {
		f := newFixture(t)
		f.server.Mu.Lock()
		f.server.Categories = append(f.server.Categories, sales)
		f.server.ListsDefault = listed
		f.server.Mu.Unlock()
		got, err := f.client.Pipelines(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.Pipeline{
			{ID: "0", Name: "Общая", Stages: []domain.Stage{{ID: "NEW", Name: "Новая"}, {ID: "PREPARATION", Name: "Подготовка документов"},
				{ID: "WON", Name: "Сделка успешна"}, {ID: "LOSE", Name: "Сделка провалена"}}},
			{ID: "3", Name: "Продажи", Stages: []domain.Stage{{ID: "C3:NEW", Name: "Новая"}, {ID: "C3:KP", Name: "КП отправлено"},
				{ID: "C3:WON", Name: "Оплачено"}, {ID: "C3:LOSE", Name: "Отказ"}}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Pipelines (default funnel listed: %v) (-want +got):\n%s", listed, diff)
		}
		if n := f.client.Requests(); n != 2 {
			t.Errorf("the catalogue took %d requests, want 2", n)
		}
	}
}

func TestDealsCarryFunnelAndStageAndARenameShows(t *testing.T) {
	f := newFixture(t)
	s := f.server
	s.Mu.Lock()
	s.Categories = append(s.Categories, sales)
	s.Deals[1] = &bitrix24test.Deal{ID: 1, AssignedBy: 7, Title: "A", Semantic: "P", Opportunity: "10", Created: local(9, 0), Modified: local(9, 0)}
	s.Deals[2] = &bitrix24test.Deal{ID: 2, AssignedBy: 8, Title: "B", Semantic: "P", Opportunity: "20", CategoryID: 3, StageID: "C3:KP",
		Created: local(9, 0), Modified: local(10, 0)}
	s.Mu.Unlock()
	ctx := context.Background()
	b, _, err := f.client.Fetch(ctx, crm.KindDeal, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	type place struct{ PipelineID, Pipeline, StageID, Stage string }
	places := func(ds []domain.Deal) map[string]place {
		out := map[string]place{}
		for _, d := range ds {
			out[d.ExternalID] = place{d.PipelineID, d.Pipeline, d.StageID, d.Stage}
		}
		return out
	}
	want := map[string]place{"1": {"0", "Общая", "NEW", "Новая"}, "2": {"3", "Продажи", "C3:KP", "КП отправлено"}}
	if diff := cmp.Diff(want, places(b.Deals)); diff != "" {
		t.Errorf("deals' funnels and stages (-want +got):\n%s", diff)
	}

	// The stage is renamed; the next sync reads the catalogue first.
	s.Mu.Lock()
	sales.Stages[1].Name = "КП у клиента"
	s.Mu.Unlock()
	defer func() { sales.Stages[1].Name = "КП отправлено" }()
	ps, err := f.client.Pipelines(ctx)
	if err != nil || ps[1].Stages[1] != (domain.Stage{ID: "C3:KP", Name: "КП у клиента"}) {
		t.Fatalf("Pipelines after the rename: %v, %v", ps, err)
	}
	b, err = f.client.FetchByIDs(ctx, crm.KindDeal, []string{"2"})
	if err != nil {
		t.Fatal(err)
	}
	if got := places(b.Deals)["2"]; got != (place{"3", "Продажи", "C3:KP", "КП у клиента"}) {
		t.Errorf("deal 2 after the rename: %+v, want the stage's new name under the same id", got)
	}

	// A stage added after the catalogue was read is looked up at once.
	s.Mu.Lock()
	sales.Stages = append(sales.Stages, bitrix24test.Stage{ID: "C3:INVOICE", Name: "Счёт выставлен", Sort: 25})
	s.Move(2, "C3:INVOICE", local(11, 0))
	s.Mu.Unlock()
	defer func() { sales.Stages = sales.Stages[:4] }()
	b, err = f.client.FetchByIDs(ctx, crm.KindDeal, []string{"2"})
	if err != nil {
		t.Fatal(err)
	}
	if got := places(b.Deals)["2"]; got.Stage != "Счёт выставлен" {
		t.Errorf("deal 2 in a new stage: %+v, want its name", got)
	}
}

// TestClosedWhenItEnteredItsFinalStage: CLOSEDATE is a date, so a deal lost
// at 18:05 must not land before an 18:00 deadline.
func TestClosedWhenItEnteredItsFinalStage(t *testing.T) {
	f := newFixture(t)
	s := f.server
	s.Mu.Lock()
	for id := int64(1); id <= 3; id++ {
		s.Deals[id] = &bitrix24test.Deal{ID: id, AssignedBy: 7, Title: "D", Semantic: "P", Opportunity: "10", Created: local(9, 0), Modified: local(9, 0)}
		s.Create(id, local(9, 0))
	}
	s.Move(1, "PREPARATION", local(12, 0))
	s.Move(1, "LOSE", local(18, 5)) // lost at 18:05 local
	// Won, reopened, won again: the last entry counts. MOVED_TIME lags
	// (an edit of the stage's semantics, say): the history wins.
	s.Move(2, "WON", local(10, 0))
	s.Move(2, "NEW", local(11, 0))
	s.Move(2, "WON", local(18, 1))
	s.Deals[2].Moved = local(19, 30)
	// No history row (older than the history): MOVED_TIME.
	s.Deals[3].Semantic, s.Deals[3].StageID, s.Deals[3].Moved, s.Deals[3].CloseDate = "S", "WON", local(18, 2), local(18, 2)
	s.Mu.Unlock()

	b, _, err := f.client.Fetch(context.Background(), crm.KindDeal, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{"1": local(18, 5).UTC(), "2": local(18, 1).UTC(), "3": local(18, 2).UTC()}
	got := map[string]time.Time{}
	for _, d := range b.Deals {
		got[d.ExternalID] = d.ClosedAt
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("closing times (-want +got):\n%s", diff)
	}
	cutoff := local(18, 0)
	if !got["1"].After(cutoff) {
		t.Errorf("a deal lost at 18:05 closed at %v, before the 18:00 cutoff", got["1"])
	}
}

func TestMovesIncremental(t *testing.T) {
	f := newFixture(t)
	s := f.server
	ctx := context.Background()
	s.Mu.Lock()
	s.Categories = append(s.Categories, sales)
	for id := int64(1); id <= 60; id++ {
		s.Deals[id] = &bitrix24test.Deal{ID: id, AssignedBy: 100 + id%3, Title: "D", Semantic: "P", Opportunity: "1", CategoryID: 3,
			StageID: "C3:NEW", Created: local(8, 0), Modified: local(8, 0)}
		s.Create(id, local(8, 0))
		s.Move(id, "C3:KP", local(9, 0).Add(time.Duration(id)*time.Second))
	}
	s.Move(1, "C3:LOSE", local(10, 0))
	s.Move(2, "NEW", local(10, 1)) // to the default funnel
	s.Mu.Unlock()

	b, cursor, err := f.client.Fetch(ctx, crm.KindDealMove, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Moves) != 62 {
		t.Fatalf("full fetch: %d moves, want 62 (the 60 creations are not moves)", len(b.Moves))
	}
	byID := map[string]domain.DealMove{}
	for _, m := range b.Moves {
		byID[m.ExternalID] = m
	}
	ignore := cmpopts.IgnoreFields(domain.DealMove{}, "RecordMeta")
	first := byID["2"] // row 1 is deal 1's creation, row 2 its move to C3:KP
	if diff := cmp.Diff(domain.DealMove{DealID: "1", Responsible: "101", MovedAt: local(9, 0).Add(time.Second).UTC(),
		PipelineID: "3", Pipeline: "Продажи", StageID: "C3:KP", Stage: "КП отправлено", FromStageID: "C3:NEW", FromStage: "Новая"},
		first, ignore); diff != "" {
		t.Errorf("deal 1's first move (-want +got):\n%s", diff)
	}

	// Later: deal 1 reopened, deal 3 moves on, deal 2 moves within the
	// default funnel; deal 4 moves and is deleted.
	f.clock.Advance(time.Hour)
	now := f.clock.Now().Truncate(time.Second)
	s.Mu.Lock()
	s.Move(1, "C3:NEW", now)
	s.Move(3, "C3:WON", now.Add(time.Second))
	s.Move(2, "PREPARATION", now.Add(2*time.Second))
	s.Move(4, "C3:LOSE", now.Add(3*time.Second))
	delete(s.Deals, 4)
	s.Mu.Unlock()
	f.server.InjectFor("batch", bitrix24test.FaultLimit, bitrix24test.FaultTruncated)
	f.clock.Advance(time.Minute)
	before := f.client.Requests()
	b, next, err := f.client.Fetch(ctx, crm.KindDealMove, cursor)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.DealMove{
		{DealID: "1", Responsible: "101", MovedAt: now.UTC(), PipelineID: "3", Pipeline: "Продажи", StageID: "C3:NEW", Stage: "Новая",
			FromStageID: "C3:LOSE", FromStage: "Отказ"},
		{DealID: "3", Responsible: "100", MovedAt: now.Add(time.Second).UTC(), PipelineID: "3", Pipeline: "Продажи", StageID: "C3:WON",
			Stage: "Оплачено", FromStageID: "C3:KP", FromStage: "КП отправлено"},
		{DealID: "2", Responsible: "102", MovedAt: now.Add(2 * time.Second).UTC(), PipelineID: "0", Pipeline: "Общая", StageID: "PREPARATION",
			Stage: "Подготовка документов", FromStageID: "NEW", FromStage: "Новая"},
	}
	if diff := cmp.Diff(want, b.Moves, ignore); diff != "" {
		t.Errorf("incremental moves (-want +got):\n%s", diff)
	}
	for _, m := range b.Moves {
		if m.Source != "bitrix24" || m.ExternalID == "" || !m.UpdatedAt.Equal(m.MovedAt) {
			t.Errorf("move %+v: want source bitrix24, the history row's id and UpdatedAt = MovedAt", m.RecordMeta)
		}
	}
	if !next.Since.After(cursor.Since) {
		t.Errorf("cursor did not advance: %v → %v", cursor.Since, next.Since)
	}
	// The rows (1), the previous rows of the 4 deals (1), their
	// responsible users, known from no deal fetch (1), the catalogue, an
	// hour old (2), and 2 faults.
	if n := f.client.Requests() - before; n != 7 {
		t.Errorf("incremental moves took %d requests, want 7", n)
	}

	// The move into the default funnel (deal 2, first fetch) names where it came from.
	for _, m := range byID {
		if m.DealID == "2" && m.StageID == "NEW" && (m.FromPipelineID != "3" || m.FromPipeline != "Продажи" || m.FromStageID != "C3:KP") {
			t.Errorf("deal 2's move to the default funnel: %+v, want from Продажи / C3:KP", m)
		}
	}
}

func TestMovesFailNamingTheList(t *testing.T) {
	f := newFixture(t)
	f.server.Mu.Lock()
	f.server.Deals[1] = &bitrix24test.Deal{ID: 1, AssignedBy: 7, Semantic: "P", Opportunity: "1", Created: local(8, 0), Modified: local(8, 0)}
	f.server.Move(1, "PREPARATION", local(9, 0))
	f.server.Mu.Unlock()
	for range 6 {
		f.server.InjectFor("batch", bitrix24test.Fault500)
	}
	since := crm.Cursor{Since: local(7, 0)}
	b, cursor, err := f.client.Fetch(context.Background(), crm.KindDealMove, since)
	var e *crm.Error
	if !errors.As(err, &e) || e.Method != "batch crm.stagehistory.list" || e.Status != 500 {
		t.Fatalf("Fetch(moves) through 500s: %v, want a *crm.Error naming the batch of crm.stagehistory.list", err)
	}
	if b.Len() != 0 || cursor != since {
		t.Errorf("on error: %d records and cursor %v, want none and the cursor given", b.Len(), cursor)
	}
}
