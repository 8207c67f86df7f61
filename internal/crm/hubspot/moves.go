package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// HistoryBatch is how many deals one read of their stage history asks for
// (UNCONFIRMED: batch reads with propertiesWithHistory are reported to
// take at most 50).
const HistoryBatch = 50

// change is an entry of a property's history.
type change struct {
	Value           string  `json:"value"`
	Timestamp       string  `json:"timestamp"`
	SourceType      string  `json:"sourceType"`
	UpdatedByUserID crm.Int `json:"updatedByUserId"`
}

// fetchMoves reads the deal moves made at or after from: the stage history
// (dealstage, with pipeline) of every deal modified since, since a move
// modifies its deal. The first entry of a history is the deal's creation,
// no move. A move's id is the deal's and the entry's time in
// milliseconds. It is credited to the owner of the user who made it, else
// (an automation, a user owning nothing) to the deal's owner.
func (c *Client) fetchMoves(ctx context.Context, from time.Time) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	var ids []string
	seen := map[string]bool{}
	err := c.search(ctx, ObjectDeals, from, func(d object) {
		if !seen[d.ID] {
			seen[d.ID] = true
			ids = append(ids, d.ID)
		}
	})
	if err != nil || len(ids) == 0 {
		return b, err
	}
	return c.historyMoves(ctx, ids, from)
}

// FetchDealMoves returns every stage move of the given deals, as a webhook
// that says a deal changed stage asks: their histories, 50 deals a
// request. Deals HubSpot no longer lists (archived) bring none; an id that
// cannot be one is EINVALID.
func (c *Client) FetchDealMoves(ctx context.Context, dealIDs []string) (domain.RecordBatch, error) {
	for _, id := range dealIDs {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return domain.RecordBatch{}, domain.Errorf(domain.EINVALID, "hubspot: invalid deal id %q", id)
		}
	}
	if len(dealIDs) == 0 {
		return domain.RecordBatch{}, nil
	}
	b, err := c.historyMoves(ctx, dealIDs, time.Time{})
	if err != nil {
		return domain.RecordBatch{}, fmt.Errorf("hubspot: fetch the moves of deals by id: %w", err)
	}
	return b, nil
}

// historyMoves reads the stage histories of the deals ids and returns
// their moves made at or after from.
func (c *Client) historyMoves(ctx context.Context, ids []string, from time.Time) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	owners, err := c.ownersByUser(ctx)
	if err != nil {
		return b, err
	}
	cat, err := c.catalogue(ctx)
	if err != nil {
		return b, err
	}
	const path = "/crm/v3/objects/deals/batch/read"
	for chunk := range slices.Chunk(ids, HistoryBatch) {
		in := make([]map[string]string, len(chunk))
		for i, id := range chunk {
			in[i] = map[string]string{"id": id}
		}
		body, err := c.post(crm.WithoutProgress(ctx), path, map[string]any{"inputs": in, "properties": []string{"hubspot_owner_id"},
			"propertiesWithHistory": []string{"dealstage", "pipeline"}})
		if err != nil {
			return b, err
		}
		var r struct {
			Results []struct {
				object
				History map[string][]change `json:"propertiesWithHistory"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return b, decodeError("POST "+path, err)
		}
		for _, d := range r.Results {
			b.Moves = append(b.Moves, moves(d.ID, d.prop("hubspot_owner_id"), d.History, owners, cat, from)...)
		}
	}
	return b, nil
}

// moves maps a deal's stage history to the moves made at or after from.
func moves(deal, owner string, history map[string][]change, owners map[int64]string, cat *catalogue, from time.Time) []domain.DealMove {
	stages, pipelines := sorted(history["dealstage"]), sorted(history["pipeline"])
	pipelineAt := func(t time.Time) string {
		p := ""
		for _, e := range pipelines {
			if at := parseTime(e.Timestamp); at.After(t) {
				break
			}
			p = e.Value
		}
		return p
	}
	var out []domain.DealMove
	for i := 1; i < len(stages); i++ {
		at, prev := parseTime(stages[i].Timestamp), parseTime(stages[i-1].Timestamp)
		if at.IsZero() || at.Before(from) || stages[i].Value == stages[i-1].Value {
			continue
		}
		m := domain.DealMove{
			RecordMeta: domain.RecordMeta{Source: Source, ExternalID: deal + ":" + strconv.FormatInt(at.UnixMilli(), 10), UpdatedAt: at},
			DealID:     deal, MovedAt: at, Responsible: owner,
			PipelineID: pipelineAt(at), StageID: stages[i].Value, FromPipelineID: pipelineAt(prev), FromStageID: stages[i-1].Value,
		}
		if o, ok := owners[int64(stages[i].UpdatedByUserID)]; ok {
			m.Responsible = o
		}
		m.Pipeline, m.FromPipeline = cat.pipelineName(m.PipelineID), cat.pipelineName(m.FromPipelineID)
		st, _ := cat.stage(m.PipelineID, m.StageID)
		from, _ := cat.stage(m.FromPipelineID, m.FromStageID)
		m.Stage, m.FromStage = st.name, from.name
		out = append(out, m)
	}
	return out
}

// sorted returns a property's history oldest first (HubSpot lists it
// newest first).
func sorted(h []change) []change {
	h = slices.Clone(h)
	slices.SortStableFunc(h, func(a, b change) int { return parseTime(a.Timestamp).Compare(parseTime(b.Timestamp)) })
	return h
}

// ownersByUser reads the active owners (GET /crm/v3/owners, 500 a page)
// and maps each one's user id to its owner id: histories name users,
// records name owners.
func (c *Client) ownersByUser(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	err := c.eachOwner(ctx, false, func(o ownerWire) {
		if o.UserID != 0 {
			out[int64(o.UserID)] = o.ID
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
