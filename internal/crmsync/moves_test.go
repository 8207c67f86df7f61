package crmsync_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/crm"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// movesClient is a CRM that holds one deal of anna's and three moves of
// it and of a deal the CRM no longer lists, and a catalogue whose sales
// pipeline lacks the stage an own indicator names.
type movesClient struct{ at time.Time }

func (c movesClient) Requests() int64 { return 0 }

func (c movesClient) Pipelines(context.Context) ([]domain.Pipeline, error) {
	return []domain.Pipeline{{ID: "1", Name: "Продажи", Stages: []domain.Stage{{ID: "10", Name: "Новая"}, {ID: "11", Name: "КП отправлено"}}}}, nil
}

func (c movesClient) Fetch(_ context.Context, kind crm.Kind, _ crm.Cursor) (domain.RecordBatch, crm.Cursor, error) {
	var b domain.RecordBatch
	meta := func(id string) domain.RecordMeta { return domain.RecordMeta{Source: domain.CRMAmoCRM, ExternalID: id} }
	switch kind {
	case crm.KindDeal:
		b.Deals = []domain.Deal{{RecordMeta: meta("d1"), Responsible: "101", Status: domain.DealOpen,
			CreatedAt: c.at.Add(-48 * time.Hour), PipelineID: "1", StageID: "11"}}
	case crm.KindDealMove:
		move := func(id, deal, user string) domain.DealMove {
			return domain.DealMove{RecordMeta: meta(id), DealID: deal, Responsible: user, MovedAt: c.at.Add(-time.Hour),
				PipelineID: "1", StageID: "11", FromStageID: "10"}
		}
		b.Moves = []domain.DealMove{move("e1", "d1", "101"), move("e2", "d1", "0"), move("e3", "gone", "777")}
	}
	return b, crm.Cursor{Since: c.at}, nil
}

// TestSyncCreditsMoves: a move made by a user who is no manager (a robot,
// user 0) is credited to the deal's responsible; one of a deal nobody
// knows keeps its mover; the catalogue names the stages; and the sync
// warns of a stage name the regulation gives that the CRM does not know.
func TestSyncCreditsMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		at := time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC) // Tuesday, 15:00 in Moscow
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte("token\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		src := workspaceYAML + "https://acme.amocrm.ru\n"
		src = src[:len(src)-len("crm:\n  kind: amocrm\n  token_file: amocrm.token\n  base_url: https://acme.amocrm.ru\n")] +
			`    indicators: [{id: proposals, from: deal_moves, where: {pipeline: [Продажи], to_stage: ["КП отправлено", "Счёт"]}}]
crm:
  kind: amocrm
  token_file: amocrm.token
  base_url: https://acme.amocrm.ru
`
		ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.New(st, func() time.Time { return at }).Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: func() time.Time { return at }}
		res, err := syncer.SyncWith(ctx, ws, movesClient{at: at}, true, "sync")
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		if len(res.UnknownPlaces) != 1 || res.UnknownPlaces[0].Name != "Счёт" || res.UnknownPlaces[0].Field != "to_stage" {
			t.Errorf("unknown places = %v; want the to_stage Счёт", res.UnknownPlaces)
		}
		data, err := st.LoadDay(ctx, ws.ID, ws.Window(domain.DateOf(at.In(ws.Location))))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range data.Moves {
			got[m.ExternalID] = m.Responsible + " " + m.Stage
		}
		want := map[string]string{"e1": "101 КП отправлено", "e2": "101 КП отправлено", "e3": "777 КП отправлено"}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("move %s = %q; want %q (all: %v)", id, got[id], w, got)
			}
		}
	})
}
