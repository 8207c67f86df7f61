package bitrix24

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"reglament/internal/domain"
)

// historySelect is what is read of a stage history row.
var historySelect = []string{"ID", "TYPE_ID", "OWNER_ID", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID", "CREATED_TIME"}

// deals maps listed deals to records: the closing time of the won and lost
// ones from the stage history (the row of the entry into the stage they
// are in, 50 deals a command, 50 commands a request), funnel and stage
// names from the catalogue. It keeps each deal's responsible for the moves.
func (c *Client) deals(ctx context.Context, items []deal) ([]domain.Deal, error) {
	var closed []string
	var stages []string
	for _, d := range items {
		if d.Semantic == "S" || d.Semantic == "F" {
			closed = append(closed, string(d.ID))
		}
		stages = append(stages, d.StageID)
	}
	var qs []query
	for chunk := range slices.Chunk(closed, PageSize) {
		qs = append(qs, query{follow: byID, params: url.Values{
			"entityTypeId":                {"2"},
			"filter[OWNER_ID][]":          chunk,
			"filter[STAGE_SEMANTIC_ID][]": {"S", "F"},
			"select[]":                    historySelect,
		}})
	}
	rows, err := multi[stageRow](c, ctx, history.method, qs)
	if err != nil {
		return nil, fmt.Errorf("closing times: %w", err)
	}
	// The latest entry of each deal into each final stage.
	entered := map[[2]string]stageRow{}
	for _, rs := range rows {
		for _, r := range rs {
			key := [2]string{string(r.OwnerID), r.StageID}
			if prev, ok := entered[key]; !ok || r.id() > prev.id() {
				entered[key] = r
			}
		}
	}
	k, err := c.catalogue(ctx, stages)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Deal, 0, len(items))
	responsible := make(map[string]string, len(items))
	for _, d := range items {
		r := d.record(entered[[2]string{string(d.ID), d.StageID}].Created.Time)
		r.Pipeline, r.Stage = k.pipeline[r.PipelineID], k.stage[r.StageID]
		out = append(out, r)
		responsible[r.ExternalID] = r.Responsible
	}
	c.memo.Lock()
	c.responsible = responsible
	c.memo.Unlock()
	return out, nil
}

// moves maps stage history rows, in id order, to deal moves. A row is a
// move from the deal's previous row: in the batch, else (incremental, ids)
// read for it, one command a deal. A deal's creation row (TYPE_ID 1) is not
// a move: the deal entered its first stage by being created. A first row
// that is not a creation and has no earlier one is a move from an unknown
// stage. Responsible is the deal's responsible user (the history does not
// say who moved it): as the latest deal fetch read it, else read by id;
// the moves of a deal Bitrix24 no longer lists (deleted) are left out.
func (c *Client) moves(ctx context.Context, rows []stageRow, partial bool) ([]domain.DealMove, error) {
	slices.SortFunc(rows, func(a, b stageRow) int { return cmpInt64(a.id(), b.id()) })
	first := map[string]stageRow{}
	var owners []string
	for _, r := range rows {
		o := string(r.OwnerID)
		if _, ok := first[o]; !ok {
			first[o] = r
			owners = append(owners, o)
		}
	}
	prev := map[string]stageRow{}
	if partial {
		var qs []query
		var asked []string
		for _, o := range owners {
			if f := first[o]; f.TypeID != HistoryCreated {
				asked = append(asked, o)
				qs = append(qs, query{params: url.Values{
					"entityTypeId":     {"2"},
					"filter[OWNER_ID]": {o},
					"filter[<ID]":      {strconv.FormatInt(f.id(), 10)},
					"order[ID]":        {"DESC"},
					"select[]":         historySelect,
				}})
			}
		}
		before, err := multi[stageRow](c, ctx, history.method, qs)
		if err != nil {
			return nil, fmt.Errorf("previous stages: %w", err)
		}
		for i, rs := range before {
			// Descending: the first row is the one just before.
			for _, r := range rs {
				if string(r.OwnerID) == asked[i] && r.id() < first[asked[i]].id() {
					prev[asked[i]] = r
					break
				}
			}
		}
	}
	responsible, err := c.responsibleOf(ctx, owners)
	if err != nil {
		return nil, err
	}
	var stages []string
	for _, r := range rows {
		stages = append(stages, r.StageID)
	}
	for _, r := range prev {
		stages = append(stages, r.StageID)
	}
	k, err := c.catalogue(ctx, stages)
	if err != nil {
		return nil, err
	}
	var out []domain.DealMove
	for _, r := range rows {
		o := string(r.OwnerID)
		p, known := prev[o]
		prev[o] = r
		who, listed := responsible[o]
		if r.TypeID == HistoryCreated || !listed {
			continue
		}
		m := domain.DealMove{
			RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: string(r.ID), UpdatedAt: r.Created.Time},
			DealID:      o,
			Responsible: who,
			MovedAt:     r.Created.Time,
			PipelineID:  pipelineID(r.CategoryID),
			StageID:     r.StageID,
		}
		m.Pipeline, m.Stage = k.pipeline[m.PipelineID], k.stage[m.StageID]
		if known {
			m.FromStageID, m.FromStage = p.StageID, k.stage[p.StageID]
			if from := pipelineID(p.CategoryID); from != m.PipelineID {
				m.FromPipelineID, m.FromPipeline = from, k.pipeline[from]
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// responsibleOf returns the responsible user of each deal that Bitrix24
// lists: from the latest deal fetch, the others read by id (50 a command).
func (c *Client) responsibleOf(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	var missing []string
	c.memo.Lock()
	for _, id := range ids {
		if who, ok := c.responsible[id]; ok {
			out[id] = who
		} else {
			missing = append(missing, id)
		}
	}
	c.memo.Unlock()
	var qs []query
	for chunk := range slices.Chunk(missing, PageSize) {
		qs = append(qs, query{params: url.Values{"filter[@ID][]": chunk, "select[]": {"ID", "ASSIGNED_BY_ID"}}})
	}
	found, err := multi[deal](c, ctx, deals.method, qs)
	if err != nil {
		return nil, fmt.Errorf("responsible users: %w", err)
	}
	for _, ds := range found {
		for _, d := range ds {
			out[string(d.ID)] = string(d.AssignedBy)
		}
	}
	return out, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
