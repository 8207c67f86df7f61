package pipedrive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// ChangelogPageSize is the limit asked of a deal's changelog.
const ChangelogPageSize = 500

// change is an entry of GET /v1/deals/{id}/changelog: a field's value
// changed from old_value to new_value at time by actor_user_id.
type change struct {
	FieldKey    string  `json:"field_key"`
	OldValue    crm.ID  `json:"old_value"`
	NewValue    crm.ID  `json:"new_value"`
	ActorUserID crm.Int `json:"actor_user_id"`
	Time        string  `json:"time"`
}

// fetchMoves reads the deal moves made at or after from: the changelog of
// every live deal (archived or not) modified since whose stage changed since (its
// stage_change_time; a deal without one has never moved, and a deal whose
// answer lacks the field is read anyway). A move is a stage_id change; its
// pipelines are its stages'. Its id is the deal's and the change's Unix
// time. It is credited to the user who made it when that user is active,
// else to the deal's owner.
func (c *Client) fetchMoves(ctx context.Context, from time.Time) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	deals, err := c.changedDeals(ctx, from)
	if err != nil {
		return b, err
	}
	deals = slices.DeleteFunc(deals, func(d deal) bool {
		if d.deleted() {
			return true
		}
		if !d.StageChangeTime.Set {
			return false
		}
		moved := parseTime(d.StageChangeTime.Value)
		return moved.IsZero() || moved.Before(from)
	})
	if len(deals) == 0 {
		return b, nil
	}
	cat, err := c.catalogue(ctx)
	if err != nil {
		return b, err
	}
	for _, d := range deals {
		changes, err := c.changelog(crm.WithoutProgress(ctx), int64(d.ID))
		if err != nil {
			return b, err
		}
		b.Moves = append(b.Moves, moves(d, changes, cat, from)...)
	}
	return b, nil
}

// FetchDealMoves returns every stage move of the given deals, as a
// webhook that says a deal changed stage asks: the deals (archived ones
// too), 100 a request, then each live one's changelog. Deals Pipedrive no
// longer lists bring none; an id that cannot be one is EINVALID.
func (c *Client) FetchDealMoves(ctx context.Context, dealIDs []string) (domain.RecordBatch, error) {
	var b domain.RecordBatch
	for _, id := range dealIDs {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return b, domain.Errorf(domain.EINVALID, "pipedrive: invalid deal id %q", id)
		}
	}
	if len(dealIDs) == 0 {
		return b, nil
	}
	wrap := func(err error) error { return fmt.Errorf("pipedrive: fetch the moves of deals by id: %w", err) }
	cat, err := c.catalogue(ctx)
	if err != nil {
		return b, wrap(err)
	}
	for chunk := range slices.Chunk(dealIDs, IDsPerRequest) {
		q := url.Values{"ids": {strings.Join(chunk, ",")}, "limit": {strconv.Itoa(IDsPerRequest)}}
		body, err := c.get(ctx, PathDeals, q)
		if err != nil {
			return domain.RecordBatch{}, wrap(err)
		}
		deals, err := c.archivedToo(ctx, chunk, body)
		if err != nil {
			return domain.RecordBatch{}, wrap(err)
		}
		for _, d := range deals {
			if d.deleted() {
				continue
			}
			changes, err := c.changelog(crm.WithoutProgress(ctx), int64(d.ID))
			if err != nil {
				return domain.RecordBatch{}, wrap(err)
			}
			b.Moves = append(b.Moves, moves(d, changes, cat, time.Time{})...)
		}
	}
	return b, nil
}

// changelog reads a deal's changelog, every page.
func (c *Client) changelog(ctx context.Context, id int64) ([]change, error) {
	path := "/v1/deals/" + strconv.FormatInt(id, 10) + "/changelog"
	q := url.Values{"limit": {strconv.Itoa(ChangelogPageSize)}}
	var out []change
	seen := map[string]bool{}
	for range maxPages {
		body, err := c.get(ctx, path, q)
		if err != nil {
			return nil, err
		}
		var p page[change]
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, decodeError("GET "+path, err)
		}
		out = append(out, p.Data...)
		if p.AdditionalData.NextCursor == nil || *p.AdditionalData.NextCursor == "" {
			return out, nil
		}
		next := *p.AdditionalData.NextCursor
		if seen[next] {
			return nil, &crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "the paging cursor repeats"}
		}
		seen[next] = true
		q.Set("cursor", next)
	}
	return nil, fmt.Errorf("GET %s: more than %d pages", path, maxPages)
}

// moves maps a deal's stage changes made at or after from to moves.
func moves(d deal, changes []change, cat *catalogue, from time.Time) []domain.DealMove {
	var out []domain.DealMove
	deal := idString(d.ID)
	for _, ch := range changes {
		at := parseTime(ch.Time)
		if ch.FieldKey != "stage_id" || at.IsZero() || at.Before(from) || ch.OldValue == ch.NewValue {
			continue
		}
		m := domain.DealMove{
			RecordMeta: domain.RecordMeta{Source: Source, ExternalID: deal + ":" + strconv.FormatInt(at.Unix(), 10), UpdatedAt: at},
			DealID:     deal, MovedAt: at, Responsible: idString(d.OwnerID),
			StageID: string(ch.NewValue), FromStageID: string(ch.OldValue),
		}
		m.PipelineID, m.FromPipelineID = cat.stagePipeline[m.StageID], cat.stagePipeline[m.FromStageID]
		if m.PipelineID == "" && m.StageID == idString(d.StageID) {
			m.PipelineID = idString(d.PipelineID)
		}
		if cat.users[int64(ch.ActorUserID)] {
			m.Responsible = idString(ch.ActorUserID)
		}
		m.Pipeline, m.Stage = cat.Names(m.PipelineID, m.StageID)
		m.FromPipeline, m.FromStage = cat.Names(m.FromPipelineID, m.FromStageID)
		out = append(out, m)
	}
	return out
}
