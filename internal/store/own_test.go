package store_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// ownBatch returns records of the company's own regulation: deals in
// pipelines and stages, calls with a direction, and moves, one of them
// between pipelines.
func ownBatch() *domain.RecordBatch {
	meta := func(id string) domain.RecordMeta {
		return domain.RecordMeta{Source: "amocrm", ExternalID: id, UpdatedAt: t2}
	}
	return &domain.RecordBatch{
		Deals: []domain.Deal{
			{RecordMeta: meta("d1"), Title: "Big", Responsible: "u1", Amount: dec("100"), Status: domain.DealOpen, CreatedAt: t1,
				PipelineID: "10", Pipeline: "Sales", StageID: "11", Stage: "Offer sent"},
			{RecordMeta: meta("d2"), Title: "Repeat", Responsible: "u3", Amount: dec("5"), Status: domain.DealWon, CreatedAt: t1,
				ClosedAt: t2, PipelineID: "20", Pipeline: "Repeat", StageID: "142", Stage: "Won"},
		},
		Activities: []domain.Activity{
			{RecordMeta: meta("a1"), Kind: domain.ActivityCall, Responsible: "u1", HappenedAt: t1, EnteredAt: t1,
				DurationSeconds: 61, Outcome: domain.OutcomeHeld, DealID: "d1", Direction: domain.DirectionOut},
		},
		Moves: []domain.DealMove{
			{RecordMeta: meta("m1"), DealID: "d1", Responsible: "u1", MovedAt: t1.Add(time.Minute),
				PipelineID: "10", Pipeline: "Sales", StageID: "11", Stage: "Offer sent", FromStageID: "12", FromStage: "New"},
			{RecordMeta: meta("m2"), DealID: "d2", Responsible: "u3", MovedAt: t1.Add(2 * time.Minute),
				PipelineID: "20", Pipeline: "Repeat", StageID: "142", Stage: "Won",
				FromPipelineID: "10", FromPipeline: "Sales", FromStageID: "11", FromStage: "Offer sent"},
		},
	}
}

// The new columns and deal moves are upserted like every record: once,
// then unchanged, a change written again; LoadDay returns them; the audit
// counts the moves; a bad move fails the whole batch.
func TestUpsertOwnRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		batch := ownBatch()
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 5}) {
			t.Errorf("first upsert = %+v, want 5 written", res)
		}
		if res := mustUpsert(t, s, ownBatch(), time.Time{}); res != (store.UpsertResult{Unchanged: 5}) {
			t.Errorf("same batch again = %+v, want 5 unchanged", res)
		}
		data := mustLoadDay(t, s, "acme", wideWindow)
		if diff := cmp.Diff(batch.Deals, data.Deals, cmpOpts); diff != "" {
			t.Errorf("deals (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(batch.Activities, data.Activities, cmpOpts); diff != "" {
			t.Errorf("activities (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(batch.Moves, data.Moves, cmpOpts); diff != "" {
			t.Errorf("moves (-want +got):\n%s", diff)
		}

		// Each new column is compared: a change of any is written.
		changed := ownBatch()
		changed.Deals[0].StageID, changed.Deals[0].Stage = "13", "Invoice"
		changed.Deals[1].PipelineID = "21"
		changed.Activities[0].Direction = domain.DirectionIn
		changed.Moves[0].FromStage = "Fresh"
		changed.Moves[1].DeletedAt = t2
		if res := mustUpsert(t, s, changed, time.Time{}); res != (store.UpsertResult{Written: 5}) {
			t.Errorf("every record changed = %+v, want 5 written", res)
		}
		data = mustLoadDay(t, s, "acme", wideWindow)
		if diff := cmp.Diff(changed.Moves, data.Moves, cmpOpts); diff != "" {
			t.Errorf("changed moves (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(changed.Deals, data.Deals, cmpOpts); diff != "" {
			t.Errorf("changed deals (-want +got):\n%s", diff)
		}
		entries, err := s.FindAudit(ctx, "acme", 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := "companies 0, deals 2, tasks 0, activities 1, deal moves 2: 5 written, 0 unchanged"; len(entries) != 1 || entries[0].Detail != want {
			t.Errorf("latest audit = %+v, want %q", entries, want)
		}

		// A move without its deal fails the batch: nothing of it is stored.
		bad := ownBatch()
		bad.Deals[0].Title = "Never"
		bad.Moves = append(bad.Moves, domain.DealMove{RecordMeta: domain.RecordMeta{Source: "amocrm", ExternalID: "m3"}, MovedAt: t1})
		_, err = s.UpsertRecords(ctx, "acme", bad, now, "importer", now)
		wantCode(t, err, domain.EINVALID)
		if data := mustLoadDay(t, s, "acme", wideWindow); data.Deals[0].Title != "Big" || len(data.Moves) != 2 {
			t.Errorf("a failed batch left deal %q and %d moves", data.Deals[0].Title, len(data.Moves))
		}
	})
}

// Deal moves come by sync and re-fetch too, and a deletion of a deal move
// marks it deleted.
func TestSyncAndRefetchDealMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		res, err := s.StoreSyncBatch(ctx, "acme", store.SyncBatch{Source: "amocrm", Kind: domain.KindDealMove,
			Records: &domain.RecordBatch{Moves: ownBatch().Moves}, Cursor: t2}, "sync", now)
		if err != nil || res != (store.UpsertResult{Written: 2}) {
			t.Fatalf("StoreSyncBatch = %+v, %v; want 2 written", res, err)
		}
		entries, err := s.FindAudit(ctx, "acme", 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := "amocrm deal_move: companies 0, deals 0, tasks 0, activities 0, deal moves 2: 2 written, 0 unchanged"; entries[0].Detail != want {
			t.Errorf("sync audit %q, want %q", entries[0].Detail, want)
		}
		moved := ownBatch().Moves[:1]
		moved[0].Responsible = "u2"
		deleted := now.Add(-time.Hour)
		got, err := s.StoreRefetch(ctx, "acme", store.Refetch{Source: "amocrm", Records: &domain.RecordBatch{Moves: moved},
			Deletions: []store.Deletion{{Kind: domain.KindDealMove, ExternalID: "m2", At: deleted}}}, "webhook", now)
		if err != nil {
			t.Fatal(err)
		}
		if got != (store.RefetchResult{Written: 1, Deleted: 1}) {
			t.Errorf("StoreRefetch = %+v, want 1 written, 1 deleted", got)
		}
		data := mustLoadDay(t, s, "acme", wideWindow)
		if len(data.Moves) != 2 || data.Moves[0].Responsible != "u2" || !data.Moves[1].DeletedAt.Equal(deleted) {
			t.Errorf("moves after the re-fetch: %+v", data.Moves)
		}
	})
}

// A batch of moves large enough for PostgreSQL's COPY is stored as the
// chunked path stores it: straight into an empty table, then through the
// staging table.
func TestUpsertManyMoves(t *testing.T) {
	const n = 1500
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		moves := make([]domain.DealMove, n)
		for i := range moves {
			moves[i] = domain.DealMove{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: strconv.Itoa(100000 + i)},
				DealID: "d" + strconv.Itoa(i%50), Responsible: "u1", MovedAt: t1.Add(time.Duration(i) * time.Second),
				Pipeline: "Sales", PipelineID: "Sales", Stage: "S" + strconv.Itoa(i%5), StageID: "S" + strconv.Itoa(i%5)}
		}
		batch := &domain.RecordBatch{Moves: moves}
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: n}) {
			t.Errorf("first upsert = %+v, want %d written", res, n)
		}
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Unchanged: n}) {
			t.Errorf("same batch again = %+v, want %d unchanged", res, n)
		}
		moves[7].FromStage = "Changed"
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 1, Unchanged: n - 1}) {
			t.Errorf("one changed = %+v, want 1 written", res)
		}
		if got := countRows(t, s, `SELECT COUNT(*) FROM deal_moves WHERE workspace = 'acme' AND from_stage = 'Changed'`); got != 1 {
			t.Errorf("%d moves changed, want 1", got)
		}
	})
}

// Reads name a deal's pipeline and stage as the catalogue does: a stage
// renamed in the CRM keeps its deals and moves under its new name; stages
// of the same id in two pipelines (amoCRM's 142) are told apart; a deal
// the catalogue does not know keeps its stored names.
func TestPipelineCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		mustUpsert(t, s, ownBatch(), time.Time{})
		csv := &domain.RecordBatch{Deals: []domain.Deal{{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "d1"},
			Responsible: "u1", Status: domain.DealOpen, CreatedAt: t1, PipelineID: "Service", Pipeline: "Service",
			StageID: "Open", Stage: "Open"}}}
		mustUpsert(t, s, csv, time.Time{})

		catalogue := []domain.Pipeline{
			{ID: "10", Name: "Продажи", Stages: []domain.Stage{{ID: "12", Name: "Новая"}, {ID: "11", Name: "КП отправлено"}, {ID: "142", Name: "Успешно"}}},
			{ID: "20", Name: "Повторные", Stages: []domain.Stage{{ID: "142", Name: "Оплачено"}}},
		}
		if err := s.ReplacePipelines(ctx, "acme", "amocrm", catalogue); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplacePipelines(ctx, "acme", "amocrm", catalogue); err != nil {
			t.Fatalf("the same catalogue again: %v", err)
		}
		got, err := s.Pipelines(ctx, "acme", "amocrm")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(catalogue, got); diff != "" {
			t.Errorf("Pipelines (-want +got):\n%s", diff)
		}

		type place struct{ Pipeline, Stage, FromPipeline, FromStage string }
		places := func() map[string]place {
			data := mustLoadDay(t, s, "acme", wideWindow)
			out := make(map[string]place)
			for _, d := range data.Deals {
				out[d.Source+"/"+d.ExternalID] = place{Pipeline: d.Pipeline, Stage: d.Stage}
			}
			for _, m := range data.Moves {
				out[m.ExternalID] = place{m.Pipeline, m.Stage, m.FromPipeline, m.FromStage}
			}
			return out
		}
		want := map[string]place{
			"amocrm/d1": {Pipeline: "Продажи", Stage: "КП отправлено"},
			"amocrm/d2": {Pipeline: "Повторные", Stage: "Оплачено"},
			"csv/d1":    {Pipeline: "Service", Stage: "Open"},
			"m1":        {"Продажи", "КП отправлено", "", "Новая"},
			"m2":        {"Повторные", "Оплачено", "Продажи", "КП отправлено"},
		}
		if diff := cmp.Diff(want, places()); diff != "" {
			t.Errorf("places (-want +got):\n%s", diff)
		}

		// The CRM renames a stage: the same records are read under the new
		// name. A stage the catalogue no longer lists keeps its stored name.
		catalogue[0].Stages[1].Name = "Предложение"
		catalogue[1].Stages = nil
		if err := s.ReplacePipelines(ctx, "acme", "amocrm", catalogue); err != nil {
			t.Fatal(err)
		}
		want["amocrm/d1"] = place{Pipeline: "Продажи", Stage: "Предложение"}
		want["amocrm/d2"] = place{Pipeline: "Повторные", Stage: "Won"}
		want["m1"] = place{"Продажи", "Предложение", "", "Новая"}
		want["m2"] = place{"Повторные", "Won", "Продажи", "Предложение"}
		if diff := cmp.Diff(want, places()); diff != "" {
			t.Errorf("places after a rename (-want +got):\n%s", diff)
		}

		pipelines, stages, err := s.KnownPlaces(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Service", "Повторные", "Продажи"}; !slices.Equal(pipelines, want) {
			t.Errorf("known pipelines %q, want %q", pipelines, want)
		}
		if want := []string{"Open", "Won", "Новая", "Предложение", "Успешно"}; !slices.Equal(stages, want) {
			t.Errorf("known stages %q, want %q", stages, want)
		}

		for _, bad := range [][]domain.Pipeline{
			{{ID: "", Name: "x"}},
			{{ID: "1"}, {ID: "1"}},
			{{ID: "1", Stages: []domain.Stage{{ID: "142"}, {ID: "142"}}}},
			{{ID: "1", Stages: []domain.Stage{{Name: "no id"}}}},
		} {
			wantCode(t, s.ReplacePipelines(ctx, "acme", "amocrm", bad), domain.EINVALID)
		}
		wantCode(t, s.ReplacePipelines(ctx, "nope", "amocrm", catalogue), domain.ENOTFOUND)
		// Another source's catalogue is its own.
		if err := s.ReplacePipelines(ctx, "acme", "bitrix24", nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Pipelines(ctx, "acme", "amocrm"); len(got) != 2 {
			t.Errorf("replacing bitrix24's catalogue left amocrm's %d pipelines, want 2", len(got))
		}
	})
}

// A version's own indicators and the workspace's pay are stored and read
// back; a change of either is reported, and a change of indicators is a
// change of the version, refused once final sheets use it.
func TestApplyIndicatorsAndPay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		found, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if found.Pay.ModeName() != domain.PayPoints || !found.Pay.BaseMonth.IsZero() || !found.Pay.BaseWeek.IsZero() {
			t.Errorf("a workspace without pay reads %+v, want points mode", found.Pay)
		}

		minimum := 60
		ws.Regulation = append(ws.Regulation, domain.RegulationVersion{Effective: date("2026-12-01"),
			Indicators: []domain.IndicatorDef{
				{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves,
					Where: domain.Filter{Pipeline: []string{"Продажи"}, ToStage: []string{"КП отправлено"}}},
				{ID: "idle_sales", Base: domain.DealsIdle, IdleDays: 7, Where: domain.Filter{Pipeline: []string{"Продажи"}}},
				{ID: "long_calls", Base: domain.CallsHeld, Where: domain.Filter{Direction: domain.DirectionOut, MinSeconds: &minimum}},
			},
			Rules: []domain.Rule{{Indicator: "proposals_sent", Op: domain.AtLeast, Target: dec("2"), Pass: 1, Fail: -2}},
		})
		ws.Pay = domain.Pay{Mode: domain.PayBonus, BaseMonth: dec("15000"), BaseWeek: dec("3500.50")}
		res := mustApply(t, s, ws)
		if want := []string{"settings changed: pay mode, pay base month, pay base week", "regulation 2026-12-01 added"}; !slices.Equal(res.Changes, want) {
			t.Errorf("changes = %q, want %q", res.Changes, want)
		}
		found, err = s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ws.Regulation, found.Regulation, cmpOpts); diff != "" {
			t.Errorf("regulation (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(ws.Pay, found.Pay); diff != "" {
			t.Errorf("pay (-want +got):\n%s", diff)
		}
		if res := mustApply(t, s, ws); len(res.Changes) != 0 {
			t.Errorf("the same workspace again: changes %q", res.Changes)
		}

		ws.Regulation[1].Indicators[1].IdleDays = 5
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"regulation 2026-12-01 changed"}) {
			t.Errorf("an indicator changed: changes %q", res.Changes)
		}
		ws.Pay.BaseWeek = dec("3500.5")
		if res := mustApply(t, s, ws); len(res.Changes) != 0 {
			t.Errorf("the same base written otherwise: changes %q", res.Changes)
		}
		ws.Pay = domain.Pay{}
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"settings changed: pay mode, pay base month, pay base week"}) {
			t.Errorf("back to points: changes %q", res.Changes)
		}
		ws.Pay.Mode = "fines"
		_, err = s.ApplyWorkspace(ctx, ws, "head", now)
		wantCode(t, err, domain.EINVALID)
		ws.Pay.Mode = ""

		// A final sheet on the version's first day: its indicators cannot
		// change any more.
		mustCreateSheet(t, s, newSheet("2026-12-01"))
		ws.Regulation[1].Indicators[0].Name = "Proposals"
		_, err = s.ApplyWorkspace(ctx, ws, "head", now)
		var inUse *store.RegulationInUseError
		if !errors.As(err, &inUse) || inUse.Version != date("2026-12-01") {
			t.Errorf("changing an indicator of a version in use: %v, want RegulationInUseError", err)
		}
	})
}

// ownWorkspace returns the test workspace with a regulation version that
// defines an own indicator of every base, with and without filters.
func ownWorkspace() *domain.Workspace {
	ws := newWorkspace()
	four, sixty := 4, 6
	sales := []string{"Sales"}
	ws.Regulation = domain.Regulation{{Effective: date("2026-11-01"),
		Indicators: []domain.IndicatorDef{
			{ID: "sales_moves", Base: domain.DealMoves, Where: domain.Filter{Pipeline: sales, ToStage: []string{"Offer", "Invoice"}}},
			{ID: "moves_from_new", Base: domain.DealMoves, Where: domain.Filter{FromStage: []string{"New"}}},
			{ID: "sales_in_offer", Base: domain.DealsInProgress, Where: domain.Filter{Pipeline: sales, Stage: []string{"Offer"}}},
			{ID: "sales_no_tasks", Base: domain.DealsWithoutTasks, Where: domain.Filter{Pipeline: sales}},
			{ID: "idle_sales", Base: domain.DealsIdle, IdleDays: 1, Where: domain.Filter{Pipeline: sales}},
			{ID: "idle_any", Base: domain.DealsIdle, IdleDays: 2},
			{ID: "sales_created", Base: domain.DealsCreated, Where: domain.Filter{Pipeline: sales}},
			{ID: "sales_done", Base: domain.TasksCompleted, Where: domain.Filter{Pipeline: sales}},
			{ID: "out_calls", Base: domain.CallsHeld, Where: domain.Filter{Direction: domain.DirectionOut, MinSeconds: &four, MaxSeconds: &sixty}},
			{ID: "sales_calls", Base: domain.CallsHeld, Where: domain.Filter{Pipeline: sales}},
			{ID: "service_meetings", Base: domain.MeetingsHeld, Where: domain.Filter{Pipeline: []string{"Service"}}},
			{ID: "sales_won", Base: domain.WonAmount, Where: domain.Filter{Pipeline: sales}},
			{ID: "sales_late", Base: domain.LateEntries, Where: domain.Filter{Pipeline: sales}},
			{ID: "sales_overdue", Base: domain.OverdueTasks, Where: domain.Filter{Pipeline: sales}},
		},
		Rules: []domain.Rule{
			{Indicator: "sales_moves", Op: domain.AtLeast, Target: dec("1"), Pass: 1, Fail: -2},
			{Indicator: domain.TasksCompleted, Op: domain.AtLeast, Target: dec("1"), Pass: 1, Fail: -2},
			{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("3"), Pass: 1, Fail: -2},
		},
	}}
	return ws
}

// withPlaces adds to batch what own indicators look at: deals in pipelines
// and stages, activities and tasks on deals, call directions, and moves of
// the deals (some between pipelines, some deleted, some of deals never
// stored) at instants around the windows.
func withPlaces(r *rand.Rand, ws *domain.Workspace, days []domain.Date, b *domain.RecordBatch) {
	type stage struct{ pipeline, stage string }
	places := []stage{{"Sales", "New"}, {"Sales", "Offer"}, {"Sales", "Invoice"}, {"Service", "New"}, {"Service", "Open"}, {"Repeat", "Offer"}}
	place := func() stage { return places[r.IntN(len(places))] }
	var marks []time.Time
	for _, d := range days {
		win := ws.Window(d)
		marks = append(marks, win.From, win.To, win.To.Add(-26*time.Hour), win.To.Add(-50*time.Hour))
	}
	instant := func() time.Time {
		offsets := []time.Duration{-3 * time.Hour, -time.Microsecond, 0, time.Microsecond, 2 * time.Hour}
		return marks[r.IntN(len(marks))].Add(offsets[r.IntN(len(offsets))])
	}
	deals := make([]string, 0, len(b.Deals)+5)
	sources := make(map[string]string)
	for i := range b.Deals {
		d := &b.Deals[i]
		p := place()
		d.PipelineID, d.Pipeline, d.StageID, d.Stage = p.pipeline, p.pipeline, p.pipeline+"/"+p.stage, p.stage
		deals = append(deals, d.ExternalID)
		sources[d.ExternalID] = d.Source
	}
	for i := range 5 {
		deals = append(deals, "ghost"+strconv.Itoa(i)) // named and moved, never stored
		sources["ghost"+strconv.Itoa(i)] = "crm"
	}
	dealOf := func() (string, string) {
		if r.IntN(4) == 0 {
			return "", ""
		}
		id := deals[r.IntN(len(deals))]
		source := sources[id]
		if r.IntN(8) == 0 {
			source = "other"
		}
		return source, id
	}
	for i := range b.Activities {
		a := &b.Activities[i]
		if src, id := dealOf(); id != "" && src == a.Source {
			a.DealID = id
		}
		a.Direction = []string{"", domain.DirectionIn, domain.DirectionOut}[r.IntN(3)]
		a.DurationSeconds = r.IntN(70)
	}
	for i := range b.Tasks {
		k := &b.Tasks[i]
		if src, id := dealOf(); id != "" && src == k.Source {
			k.DealID = id
		} else if r.IntN(2) == 0 {
			k.DealID = ""
		}
	}
	for i, id := range deals {
		for j := range r.IntN(5) {
			from, to := place(), place()
			m := domain.DealMove{RecordMeta: domain.RecordMeta{Source: sources[id], ExternalID: "m" + strconv.Itoa(i) + "-" + strconv.Itoa(j)},
				DealID: id, Responsible: pick(r, "u1", "u2", "u3", "ghost"), MovedAt: instant(),
				PipelineID: to.pipeline, Pipeline: to.pipeline, StageID: to.pipeline + "/" + to.stage, Stage: to.stage,
				FromStageID: from.pipeline + "/" + from.stage, FromStage: from.stage}
			if from.pipeline != to.pipeline {
				m.FromPipelineID, m.FromPipeline = from.pipeline, from.pipeline
			} else {
				m.FromStageID = to.pipeline + "/" + from.stage
			}
			if r.IntN(6) == 0 {
				m.DeletedAt = instant()
			}
			b.Moves = append(b.Moves, m)
		}
	}
}

// With own indicators the day sheet reads records, not tallies, and reads
// them leaner (LoadDaySheet) than explanations do (LoadDay), on one
// connection or several: on random data around every edge, with moves
// between pipelines, both must give the same values, own indicators
// included, and the same unknown users. A regulation version that
// defines none keeps the tallies.
func TestLoadDaySheetOwnMatchesLoadDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := ownWorkspace()
		mustApply(t, s, ws)
		days := ws.WorkingDays(date("2026-11-12"), date("2026-11-18"))
		r := rand.New(rand.NewPCG(3, 14))
		batch := randomDay(r, ws, days, 1500)
		withPlaces(r, ws, days, batch)
		// In three batches, so that what a deal keeps of its moves,
		// activities and tasks (migration 0017) is kept whichever comes
		// first: half the activities, tasks and moves before the deals,
		// half after.
		half := func(n int) int { return n / 2 }
		mustUpsert(t, s, &domain.RecordBatch{Activities: batch.Activities[:half(len(batch.Activities))],
			Tasks: batch.Tasks[:half(len(batch.Tasks))], Moves: batch.Moves[:half(len(batch.Moves))]}, time.Time{})
		mustUpsert(t, s, &domain.RecordBatch{Companies: batch.Companies, Deals: batch.Deals}, time.Time{})
		mustUpsert(t, s, &domain.RecordBatch{Activities: batch.Activities[half(len(batch.Activities)):],
			Tasks: batch.Tasks[half(len(batch.Tasks)):], Moves: batch.Moves[half(len(batch.Moves)):]}, time.Time{})
		// Then a fifth of the activities and tasks again, each on another
		// deal, on none, deleted or no longer deleted: what a deal keeps
		// of its activities and tasks (migration 0019) must follow them
		// out of the deal they left.
		mustUpsert(t, s, resent(r, ws, days, batch), time.Time{})
		for _, c := range []struct {
			name string
			ws   *domain.Workspace
			// placed: the version has own indicators of activities and
			// tasks by pipeline, counted per place of their deals.
			placed bool
		}{{"by place", ws, true}, {"tallies", talliedWorkspace(), false}, {"groups without places", unplacedWorkspace(), false}} {
			t.Run(c.name, func(t *testing.T) {
				ws := c.ws
				// The sum of each own indicator over every day and manager: a
				// test whose indicators never count proves nothing.
				totals := make(map[domain.Indicator]int64)
				for _, d := range days {
					win := ws.Window(d)
					full := mustLoadDay(t, s, ws.ID, win)
					if len(full.Moves) == 0 || len(full.Touches) == 0 || len(full.LinkedDeals) == 0 {
						t.Fatalf("%s: LoadDay gave %d moves, %d touches, %d linked deals; want some of each",
							d, len(full.Moves), len(full.Touches), len(full.LinkedDeals))
					}
					wantValues, wantUnknown := domain.ComputeValues(ws, win, full)
					for _, v := range wantValues {
						for _, ind := range v.Own() {
							totals[ind] += v.Count(ind) + v.Get(ind).IntPart()
						}
					}
					for _, conns := range []int{1, 3} {
						lean, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: conns, HoldWriters: true})
						if err != nil {
							t.Fatalf("LoadDaySheet on %d connections: %v", conns, err)
						}
						tallied := len(lean.ActivityTallies) > 0 && len(lean.OwnTallies) > 0 && len(lean.Activities) == 0 &&
							len(lean.Tasks) == 0 && len(lean.Deals) > 0
						tallied = tallied && len(lean.DealGroups) > 0 && c.placed == (len(lean.PlaceTallies) > 0)
						if !tallied {
							t.Fatalf("%s: LoadDaySheet gave %d activity, %d task, %d deal, %d own, %d place tallies, %d deal groups, %d activities, %d tasks, %d deals; want %s",
								d, len(lean.ActivityTallies), len(lean.TaskTallies), len(lean.DealTallies), len(lean.OwnTallies),
								len(lean.PlaceTallies), len(lean.DealGroups), len(lean.Activities), len(lean.Tasks), len(lean.Deals), c.name)
						}
						gotValues, gotUnknown := domain.ComputeValues(ws, win, lean)
						if diff := cmp.Diff(jsonOf(t, wantValues), jsonOf(t, gotValues)); diff != "" {
							t.Errorf("%s, %d connections: values (-LoadDay +LoadDaySheet):\n%s", d, conns, diff)
						}
						if diff := cmp.Diff(wantUnknown, gotUnknown); diff != "" {
							t.Errorf("%s, %d connections: unknown users (-LoadDay +LoadDaySheet):\n%s", d, conns, diff)
						}
					}
				}
				for _, def := range ws.Regulation[0].Own() {
					if totals[def.ID] == 0 {
						t.Errorf("own indicator %s counted nothing on any day: the test proves nothing of it", def.ID)
					}
				}
			})
		}

		// Before the version with own indicators, the sheet keeps its tallies.
		early := ownWorkspace()
		early.Regulation[0].Effective = days[len(days)-1].AddDays(1)
		lean, err := s.LoadDaySheet(ctx, early, early.Window(days[0]), store.DayRead{Conns: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(lean.ActivityTallies) == 0 || len(lean.DealTallies) == 0 || len(lean.Activities) != 0 || len(lean.Moves) != 0 {
			t.Errorf("no own indicator in force: %d activity and %d deal tallies, %d activities, %d moves; want tallies only",
				len(lean.ActivityTallies), len(lean.DealTallies), len(lean.Activities), len(lean.Moves))
		}
	})
}

// talliedWorkspace is ownWorkspace with own indicators a day sheet counts
// by aggregates or from deal rows only: none of activities or tasks by
// pipeline.
func talliedWorkspace() *domain.Workspace {
	ws := ownWorkspace()
	ten, ninety := 10, 90
	v := &ws.Regulation[0]
	var kept []domain.IndicatorDef
	for _, d := range v.Indicators {
		switch d.Base {
		case domain.TasksCompleted, domain.LateEntries, domain.OverdueTasks, domain.MeetingsHeld:
			continue
		case domain.CallsHeld:
			if len(d.Where.Pipeline) > 0 {
				continue
			}
		}
		kept = append(kept, d)
	}
	v.Indicators = append(kept,
		domain.IndicatorDef{ID: "in_calls", Base: domain.CallsHeld, Where: domain.Filter{Direction: domain.DirectionIn, MinSeconds: &ten}},
		domain.IndicatorDef{ID: "short_calls", Base: domain.CallsHeld, Where: domain.Filter{MaxSeconds: &ninety}},
		domain.IndicatorDef{ID: "all_calls", Base: domain.CallsHeld},
		domain.IndicatorDef{ID: "meetings", Base: domain.MeetingsHeld},
		domain.IndicatorDef{ID: "done", Base: domain.TasksCompleted},
		domain.IndicatorDef{ID: "late", Base: domain.LateEntries},
		domain.IndicatorDef{ID: "overdue", Base: domain.OverdueTasks},
		domain.IndicatorDef{ID: "in_progress", Base: domain.DealsInProgress},
		domain.IndicatorDef{ID: "won_sales", Base: domain.DealsWon, Where: domain.Filter{Pipeline: []string{"Sales"}}},
	)
	return ws
}

// unplacedWorkspace is ownWorkspace with own indicators of deal states
// that no filter narrows by place: the deals in progress are grouped by
// their state alone.
func unplacedWorkspace() *domain.Workspace {
	ws := ownWorkspace()
	ws.Regulation[0].Indicators = []domain.IndicatorDef{
		{ID: "idle_one", Base: domain.DealsIdle, IdleDays: 1},
		{ID: "idle_any", Base: domain.DealsIdle, IdleDays: 2},
		{ID: "idle_three", Base: domain.DealsIdle, IdleDays: 3},
		{ID: "without_tasks", Base: domain.DealsWithoutTasks},
		{ID: "created", Base: domain.DealsCreated},
	}
	return ws
}

// resent returns a fifth of batch's activities and tasks changed as a CRM
// sends them again: on another deal of batch, on none, deleted at an
// instant around the windows of days, or no longer deleted.
func resent(r *rand.Rand, ws *domain.Workspace, days []domain.Date, batch *domain.RecordBatch) *domain.RecordBatch {
	var marks []time.Time
	for _, d := range days {
		win := ws.Window(d)
		marks = append(marks, win.From, win.To, win.To.Add(-26*time.Hour))
	}
	change := func(source string, deal *string, deleted *time.Time) {
		switch r.IntN(4) {
		case 0:
			if d := batch.Deals[r.IntN(len(batch.Deals))]; d.Source == source {
				*deal = d.ExternalID
			}
		case 1:
			*deal = ""
		case 2:
			*deleted = marks[r.IntN(len(marks))].Add(time.Duration(r.IntN(3)-1) * time.Microsecond)
		case 3:
			*deleted = time.Time{}
		}
	}
	out := &domain.RecordBatch{}
	for i := range batch.Activities {
		if r.IntN(5) == 0 {
			a := batch.Activities[i]
			change(a.Source, &a.DealID, &a.DeletedAt)
			out.Activities = append(out.Activities, a)
		}
	}
	for i := range batch.Tasks {
		if r.IntN(5) == 0 {
			k := batch.Tasks[i]
			change(k.Source, &k.DealID, &k.DeletedAt)
			out.Tasks = append(out.Tasks, k)
		}
	}
	return out
}

// LoadDay returns what own indicators need of the history: every move of
// each deal it returns (in Deals or LinkedDeals) and every move of the
// window, once each; the deals its activities and tasks name that are not
// in Deals, as LinkedDeals; and for each deal in progress at the cutoff
// its latest touch, exactly domain.LastTouch over every record stored.
func TestLoadDayHistoryOfDeals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := ownWorkspace()
		mustApply(t, s, ws)
		days := ws.WorkingDays(date("2026-11-12"), date("2026-11-18"))
		r := rand.New(rand.NewPCG(5, 5))
		batch := randomDay(r, ws, days, 1200)
		withPlaces(r, ws, days, batch)
		// Touches on the edges of the cutoff: a completed task, a move, an
		// activity entered just after it.
		for _, d := range days {
			cutoff := ws.Window(d).To
			for i, e := range []time.Duration{-time.Microsecond, 0, time.Microsecond} {
				deal := batch.Deals[r.IntN(len(batch.Deals))]
				id := d.String() + strconv.Itoa(i)
				batch.Tasks = append(batch.Tasks, domain.Task{RecordMeta: domain.RecordMeta{Source: deal.Source, ExternalID: "edge" + id},
					Responsible: "u1", DealID: deal.ExternalID, CreatedAt: cutoff.Add(-time.Hour), CompletedAt: cutoff.Add(e)})
				batch.Moves = append(batch.Moves, domain.DealMove{RecordMeta: domain.RecordMeta{Source: deal.Source, ExternalID: "edge" + id},
					DealID: deal.ExternalID, Responsible: "u1", MovedAt: cutoff.Add(e), Pipeline: "Sales", Stage: "Offer"})
				batch.Activities = append(batch.Activities, domain.Activity{RecordMeta: domain.RecordMeta{Source: deal.Source, ExternalID: "edge" + id},
					Kind: domain.ActivityCall, Responsible: "u1", DealID: deal.ExternalID, HappenedAt: cutoff.Add(-time.Minute),
					EnteredAt: cutoff.Add(e), Outcome: domain.OutcomeMissed})
			}
		}
		mustUpsert(t, s, batch, time.Time{})
		key := func(source, id string) string { return source + "/" + id }
		stored := make(map[string]*domain.Deal)
		for i := range batch.Deals {
			stored[key(batch.Deals[i].Source, batch.Deals[i].ExternalID)] = &batch.Deals[i]
		}
		var checked [3]int
		for _, d := range days {
			win := ws.Window(d)
			data := mustLoadDay(t, s, ws.ID, win)

			in := make(map[string]bool)
			for _, deal := range data.Deals {
				in[key(deal.Source, deal.ExternalID)] = true
			}
			var wantLinked, gotLinked []string
			named := make(map[string]bool)
			for _, a := range data.Activities {
				named[key(a.Source, a.DealID)] = a.DealID != ""
			}
			for _, k := range data.Tasks {
				named[key(k.Source, k.DealID)] = named[key(k.Source, k.DealID)] || k.DealID != ""
			}
			for k, ok := range named {
				if ok && !in[k] && stored[k] != nil {
					wantLinked = append(wantLinked, k)
				}
			}
			for _, deal := range data.LinkedDeals {
				gotLinked = append(gotLinked, key(deal.Source, deal.ExternalID))
			}
			slices.Sort(wantLinked)
			slices.Sort(gotLinked)
			if diff := cmp.Diff(wantLinked, gotLinked); diff != "" {
				t.Errorf("%s: linked deals (-want +got):\n%s", d, diff)
			}
			checked[0] += len(gotLinked)

			returned := make(map[string]bool)
			for k := range in {
				returned[k] = true
			}
			for k, ok := range named {
				returned[k] = returned[k] || ok
			}
			var wantMoves, gotMoves []string
			for _, m := range batch.Moves {
				if returned[key(m.Source, m.DealID)] || win.Contains(m.MovedAt) {
					wantMoves = append(wantMoves, key(m.Source, m.ExternalID))
				}
			}
			for _, m := range data.Moves {
				gotMoves = append(gotMoves, key(m.Source, m.ExternalID))
			}
			slices.Sort(wantMoves)
			slices.Sort(gotMoves) // duplicates would show
			if diff := cmp.Diff(wantMoves, gotMoves); diff != "" {
				t.Errorf("%s: moves (-want +got):\n%s", d, diff)
			}
			checked[1] += len(gotMoves)

			want := make(map[string]time.Time)
			for i := range batch.Deals {
				deal := &batch.Deals[i]
				open := !deal.CreatedAt.After(win.To) && (deal.DeletedAt.IsZero() || deal.DeletedAt.After(win.To)) &&
					(!deal.Closed() || deal.ClosedAt.After(win.To))
				if !open {
					continue
				}
				if at := domain.LastTouch(deal, win.To, batch.Activities, batch.Tasks, batch.Moves); !at.IsZero() {
					want[key(deal.Source, deal.ExternalID)] = at.Truncate(time.Microsecond).UTC() // as stored
				}
			}
			got := make(map[string]time.Time)
			for _, tt := range data.Touches {
				got[key(tt.Source, tt.DealID)] = tt.At
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: touches (-domain.LastTouch +LoadDay):\n%s", d, diff)
			}
			checked[2] += len(got)
		}
		if checked[0] == 0 || checked[1] == 0 || checked[2] == 0 {
			t.Errorf("linked deals %d, moves %d, touches %d: want some of each", checked[0], checked[1], checked[2])
		}
	})
}
