package amocrm

import (
	"context"
	"fmt"
	"net/url"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// EventLeadStatusChanged is the event type of a lead changing status
// (stage), within its pipeline or into another one.
const EventLeadStatusChanged = "lead_status_changed"

// eventsPageSize is the most events amoCRM lists in one page (its Russian
// API v4 reference says 100; Kommo's says 250: the smaller is safe on both).
const eventsPageSize = 100

// event is one entry of GET /api/v4/events. Its id is a string (a ULID),
// not a number.
type event struct {
	ID          crm.ID       `json:"id"`
	Type        string       `json:"type"`
	EntityID    crm.ID       `json:"entity_id"`
	EntityType  string       `json:"entity_type"`
	CreatedBy   crm.ID       `json:"created_by"`
	CreatedAt   crm.Int      `json:"created_at"`
	ValueAfter  []eventValue `json:"value_after"`
	ValueBefore []eventValue `json:"value_before"`
}

// eventValue is one element of value_before / value_after; a status change
// carries {"lead_status": {"id": …, "pipeline_id": …}}.
type eventValue struct {
	LeadStatus *struct {
		ID         crm.ID `json:"id"`
		PipelineID crm.ID `json:"pipeline_id"`
	} `json:"lead_status"`
}

// leadStatus returns the pipeline and status ids of the first lead_status
// among values, or empty ids.
func leadStatus(values []eventValue) (pipeline, status string) {
	for _, v := range values {
		if v.LeadStatus != nil {
			return optionalID(v.LeadStatus.PipelineID), optionalID(v.LeadStatus.ID)
		}
	}
	return "", ""
}

// isMove reports whether the event is a lead's status change that says
// where the lead went.
func (e event) isMove() bool {
	if e.Type != EventLeadStatusChanged || e.ID == "" || (e.EntityType != "" && e.EntityType != "lead") {
		return false
	}
	_, to := leadStatus(e.ValueAfter)
	return to != ""
}

// fetchMoves reads the lead_status_changed events created at or after from
// (all of them when from is 0) and maps them to deal moves.
//
// The events feed is a log: an event is written once and never edited, so
// a scan by page number cannot skip one however new events arrive during
// it (whichever end they are added at, they only push others to later
// pages, read twice and deduped by id). The feed takes no order parameter.
func (c *Client) fetchMoves(ctx context.Context, from int64) (domain.RecordBatch, error) {
	const path = "/api/v4/events"
	q := url.Values{}
	q.Set("filter[type]", EventLeadStatusChanged)
	q.Set("limit", itoa(int64(min(c.pageSize, eventsPageSize))))
	if from > 0 {
		q.Set("filter[created_at][from]", itoa(from))
	}
	var events []event
	seen := map[crm.ID]bool{}
	for n := 1; ; n++ {
		if n > maxPages {
			return domain.RecordBatch{}, fmt.Errorf("GET %s: more than %d pages", path, maxPages)
		}
		q.Set("page", itoa(int64(n)))
		items, next, err := getPage[event](c, ctx, path, "events", q)
		if err != nil {
			return domain.RecordBatch{}, err
		}
		for _, e := range items {
			// The type filter is documented; checking again costs nothing
			// if a server ignores it.
			if e.isMove() && !seen[e.ID] {
				seen[e.ID] = true
				events = append(events, e)
			}
		}
		if !next || len(items) == 0 {
			break
		}
	}
	if len(events) == 0 {
		return domain.RecordBatch{}, nil
	}
	// A move made by a robot (Digital Pipeline, a Salesbot, an automatic
	// close) has created_by 0: it is credited to the lead's responsible
	// user, which only the lead says.
	var robotLeads []string
	robot := map[crm.ID]bool{}
	for _, e := range events {
		if optionalID(e.CreatedBy) == "" && !robot[e.EntityID] {
			robot[e.EntityID] = true
			robotLeads = append(robotLeads, string(e.EntityID))
		}
	}
	responsible, err := c.leadResponsibles(ctx, robotLeads)
	if err != nil {
		return domain.RecordBatch{}, err
	}
	cat, err := c.catalogue(ctx)
	if err != nil {
		return domain.RecordBatch{}, err
	}
	var b domain.RecordBatch
	for _, e := range events {
		m := e.record(cat)
		if m.Responsible == "" {
			m.Responsible = responsible[m.DealID]
		}
		b.Moves = append(b.Moves, m)
	}
	return b, nil
}

// record maps a status change event, naming pipelines and stages from cat.
// Responsible is the user who made the move, "" for a robot's.
func (e event) record(cat *crm.Catalogue) domain.DealMove {
	at := unix(e.CreatedAt)
	m := domain.DealMove{
		RecordMeta:  domain.RecordMeta{Source: Source, ExternalID: string(e.ID), UpdatedAt: at},
		DealID:      string(e.EntityID),
		Responsible: optionalID(e.CreatedBy),
		MovedAt:     at,
	}
	m.PipelineID, m.StageID = leadStatus(e.ValueAfter)
	m.Pipeline, m.Stage = cat.Names(m.PipelineID, m.StageID)
	m.FromPipelineID, m.FromStageID = leadStatus(e.ValueBefore)
	m.FromPipeline, m.FromStage = cat.Names(m.FromPipelineID, m.FromStageID)
	return m
}

// leadResponsibles returns the responsible user of each lead in ids, live
// or deleted; a lead amoCRM no longer has is absent. The leads read are not
// records of the kind being fetched, so they do not count for progress.
func (c *Client) leadResponsibles(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ctx = crm.WithoutProgress(ctx)
	live, err := list[lead](c, ctx, "/api/v4/leads", "leads", nil, 0, ids, nil)
	if err != nil {
		return nil, err
	}
	for _, l := range live {
		out[l.key()] = string(l.ResponsibleUserID)
	}
	var missing []string
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	deleted, err := list[lead](c, ctx, "/api/v4/leads", "leads", url.Values{"with": {"only_deleted"}}, 0, missing, nil)
	if err != nil {
		return nil, err
	}
	for _, l := range deleted {
		out[l.key()] = string(l.ResponsibleUserID)
	}
	return out, nil
}
