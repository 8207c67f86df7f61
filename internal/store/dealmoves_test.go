package store_test

import (
	"database/sql"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Each deal keeps its latest move, where it went and whether a move of it
// was deleted (migration 0017), whatever order deals and moves arrive in
// and however later batches change them: the latest is the greatest
// (moved_at, external id), as domain orders a deal's moves.
func TestDealKeepsItsLatestMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		r := rand.New(rand.NewPCG(17, 1))
		base := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
		var deals []domain.Deal
		for i := range 40 {
			deals = append(deals, domain.Deal{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: "d" + strconv.Itoa(i)},
				Responsible: "u1", Status: domain.DealOpen, CreatedAt: base, PipelineID: "1", Pipeline: "Sales", StageID: "1", Stage: "New"})
		}
		moves := make(map[string]domain.DealMove)
		for round := range 4 {
			var batch domain.RecordBatch
			// Deals arrive over the rounds, some after their moves.
			for i := round * 10; i < (round+1)*10; i++ {
				batch.Deals = append(batch.Deals, deals[i])
			}
			for k := range 30 {
				deal := deals[r.IntN(len(deals))]
				m := domain.DealMove{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: "m" + strconv.Itoa(r.IntN(60))},
					DealID: deal.ExternalID, Responsible: "u1",
					// Few distinct instants, so that ties fall to the id.
					MovedAt:    base.Add(time.Duration(r.IntN(4)) * time.Hour),
					PipelineID: strconv.Itoa(1 + r.IntN(2)), Pipeline: "P", StageID: strconv.Itoa(round*100 + k), Stage: "S" + strconv.Itoa(k)}
				if r.IntN(8) == 0 {
					m.DeletedAt = base.Add(10 * time.Hour)
				}
				batch.Moves = append(batch.Moves, m)
			}
			for _, m := range batch.Moves {
				moves[m.ExternalID] = m // a later version of a move replaces it
			}
			// One batch holds one version of each move.
			batch.Moves = batch.Moves[:0]
			for _, m := range moves {
				batch.Moves = append(batch.Moves, m)
			}
			mustUpsert(t, s, &batch, time.Time{})

			want := make(map[string]domain.DealMove)
			deleted := make(map[string]bool)
			for _, m := range moves {
				w, ok := want[m.DealID]
				if !ok || m.MovedAt.After(w.MovedAt) || m.MovedAt.Equal(w.MovedAt) && m.ExternalID > w.ExternalID {
					want[m.DealID] = m
				}
				deleted[m.DealID] = deleted[m.DealID] || !m.DeletedAt.IsZero()
			}
			rows, err := s.DB().QueryContext(ctx, `SELECT external_id, moved_at, moved_pipeline_id, moved_stage_id, moved_stage, moves_deleted
				FROM deals WHERE workspace = 'acme'`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var id, pipeline, stageID, stage string
				var moved sql.NullInt64
				var del int
				if err := rows.Scan(&id, &moved, &pipeline, &stageID, &stage, &del); err != nil {
					t.Fatal(err)
				}
				n++
				w, ok := want[id]
				switch {
				case !ok && moved.Valid:
					t.Errorf("round %d: deal %s has no move, but its latest is at %d", round, id, moved.Int64)
				case ok && (!moved.Valid || moved.Int64 != w.MovedAt.UnixMicro() || pipeline != w.PipelineID || stageID != w.StageID || stage != w.Stage):
					t.Errorf("round %d: deal %s: latest move (%v, %s, %s %s), want %s (%d, %s, %s %s)",
						round, id, moved, pipeline, stageID, stage, w.ExternalID, w.MovedAt.UnixMicro(), w.PipelineID, w.StageID, w.Stage)
				case (del == 1) != deleted[id]:
					t.Errorf("round %d: deal %s: moves_deleted %d, want %v", round, id, del, deleted[id])
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if n != (round+1)*10 {
				t.Fatalf("round %d: %d deals stored", round, n)
			}
		}
	})
}

// A day sheet takes a deal's place at the cutoff from its moves when its
// latest move was deleted, or made after the cutoff: not from where the
// latest move went.
func TestSheetPlaceBesideTheLatestMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.Regulation = domain.Regulation{{Effective: date("2026-11-01"),
			Indicators: []domain.IndicatorDef{
				{ID: "in_offer", Base: domain.DealsInProgress, Where: domain.Filter{Pipeline: []string{"Sales"}, Stage: []string{"Offer"}}},
			},
			Rules: []domain.Rule{{Indicator: "in_offer", Op: domain.AtLeast, Target: dec("1"), Pass: 1, Fail: -2}},
		}}
		mustApply(t, s, ws)
		day := date("2026-11-18")
		win := ws.Window(day)
		deal := func(id string) domain.Deal {
			return domain.Deal{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: id}, Responsible: "u1",
				Status: domain.DealOpen, CreatedAt: win.From.Add(-72 * time.Hour), Pipeline: "Sales", Stage: "Invoice"}
		}
		move := func(id, dealID, stage string, at time.Time) domain.DealMove {
			return domain.DealMove{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: id}, DealID: dealID, Responsible: "u1",
				MovedAt: at, Pipeline: "Sales", Stage: stage, FromStage: "New"}
		}
		deleted := move("m2", "deleted", "Invoice", win.From.Add(-24*time.Hour))
		deleted.DeletedAt = win.From.Add(-23 * time.Hour)
		batch := &domain.RecordBatch{
			Deals: []domain.Deal{deal("deleted"), deal("later"), deal("plain")},
			Moves: []domain.DealMove{
				// In Offer at the cutoff: its move to Invoice was deleted.
				move("m1", "deleted", "Offer", win.From.Add(-48*time.Hour)), deleted,
				// In Offer at the cutoff: it went to Invoice after it.
				move("m3", "later", "Offer", win.From.Add(-48*time.Hour)), move("m4", "later", "Invoice", win.To.Add(time.Hour)),
				// In Invoice, as its latest move says.
				move("m5", "plain", "Offer", win.From.Add(-48*time.Hour)), move("m6", "plain", "Invoice", win.From.Add(-24*time.Hour)),
			},
		}
		mustUpsert(t, s, batch, time.Time{})
		data, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: 1})
		if err != nil {
			t.Fatal(err)
		}
		values, _ := domain.ComputeValues(ws, win, data)
		var m string
		for _, man := range ws.Managers {
			if slices.Contains(man.CRMIDs, "u1") {
				m = man.ID
			}
		}
		if got := values[m].Count("in_offer"); got != 2 {
			t.Errorf("deals in Offer at the cutoff: %d, want 2 (deleted and later)", got)
		}
	})
}
