package bitrix24

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// DefaultPipelineName names the default funnel (id 0) when the portal does
// not: crm.category.list may leave it out and crm.dealcategory.default.get
// may fail.
const DefaultPipelineName = "Общая"

// catalogueTTL is how long Fetch reuses the catalogue the client holds: a
// sync's length. Pipelines always reads it afresh, and a deal or move naming
// a stage the catalogue lacks reads it again at once.
const catalogueTTL = 10 * time.Minute

// catalogue is the portal's deal funnels and stages at a moment.
type catalogue struct {
	pipelines []domain.Pipeline
	pipeline  map[string]string // funnel id → name
	stage     map[string]string // stage id → name; ids are unique across funnels (C<n>: prefix)
	at        time.Time
}

func (k *catalogue) has(stageID string) bool {
	_, ok := k.stage[stageID]
	return stageID == "" || ok
}

// category is an entry of crm.category.list (camelCase keys).
type category struct {
	ID   crm.ID  `json:"id"`
	Name string  `json:"name"`
	Sort crm.Int `json:"sort"`
}

func (c category) id() int64 { return parseID(c.ID) }

// status is an entry of crm.status.list: a stage when ENTITY_ID is
// DEAL_STAGE (funnel 0) or DEAL_STAGE_<id>.
type status struct {
	ID       crm.ID  `json:"ID"`
	StatusID string  `json:"STATUS_ID"`
	Name     string  `json:"NAME"`
	Sort     crm.Int `json:"SORT"`
}

func (s status) id() int64 { return parseID(s.ID) }

// Pipelines returns the portal's deal funnels with their stages, ids as
// Bitrix24 has them (funnel "0" is the default one; stage "NEW", "C3:NEW"),
// names as they are today, in the portal's sort order. The client keeps
// them for the Fetch calls of the sync that follows (deal and move names).
func (c *Client) Pipelines(ctx context.Context) ([]domain.Pipeline, error) {
	k, err := c.loadCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	return clonePipelines(k.pipelines), nil
}

// catalogue returns the catalogue the client holds, read again when it is
// older than catalogueTTL, or when stale is set and it lacks one of stages.
func (c *Client) catalogue(ctx context.Context, stages []string) (*catalogue, error) {
	c.memo.Lock()
	k := c.cat
	c.memo.Unlock()
	if k != nil && c.api.Now().Sub(k.at) < catalogueTTL && !slices.ContainsFunc(stages, func(s string) bool { return !k.has(s) }) {
		return k, nil
	}
	return c.loadCatalogue(ctx)
}

// loadCatalogue reads the catalogue: one batch with crm.category.list, the
// default funnel's name and its stages, then one batch with the stages of
// the other funnels.
func (c *Client) loadCatalogue(ctx context.Context) (*catalogue, error) {
	at := c.api.Now()
	// One batch asks for the funnels and the default funnel's name, which
	// crm.category.list may leave out.
	r, err := c.call(ctx, "batch", url.Values{"halt": {"0"},
		"cmd[c]": {"crm.category.list?" + url.Values{"entityTypeId": {"2"}}.Encode()},
		"cmd[d]": {"crm.dealcategory.default.get"}})
	if err != nil {
		var e *crm.Error
		if errors.As(err, &e) {
			e.Method = "batch crm.category.list"
		}
		return nil, fmt.Errorf("bitrix24: deal funnels: %w", err)
	}
	results, failures, err := batchResults(r.Result)
	if err != nil {
		return nil, fmt.Errorf("bitrix24: deal funnels: %w", &crm.Error{CRM: Source, Method: "crm.category.list", Status: 200, Message: "decode: " + err.Error()})
	}
	raw, ok := results["c"]
	if !ok {
		f := failures["c"]
		return nil, fmt.Errorf("bitrix24: deal funnels: %w", &crm.Error{CRM: Source, Method: "batch crm.category.list", Status: 200,
			Message: cmpOr(strings.TrimSpace(f.Error+" "+f.Description), "batch command returned nothing")})
	}
	cats, err := decodeItems[category](raw)
	if err != nil {
		return nil, fmt.Errorf("bitrix24: deal funnels: %w", &crm.Error{CRM: Source, Method: "crm.category.list", Status: 200, Message: "decode: " + err.Error()})
	}
	if next := batchNext(r.Result)["c"]; next > 0 {
		// More than 50 funnels: the rest page by page.
		more, err := multi[category](c, ctx, "crm.category.list", []query{{params: url.Values{"entityTypeId": {"2"}}, follow: byStart, start: next}})
		if err != nil {
			return nil, fmt.Errorf("bitrix24: deal funnels: %w", err)
		}
		cats = append(cats, more[0]...)
	}
	var d struct {
		Name string `json:"NAME"`
	}
	if raw, ok := results["d"]; ok {
		json.Unmarshal(raw, &d) // a portal without the method: the default name
	}
	defaultName := d.Name
	var funnels []category
	for _, cat := range cats {
		if pipelineID(cat.ID) == "0" {
			defaultName = cmpOr(cat.Name, defaultName)
			continue
		}
		funnels = append(funnels, cat)
	}
	slices.SortStableFunc(funnels, func(a, b category) int { return int(a.Sort - b.Sort) })
	qs := []query{{params: url.Values{"filter[ENTITY_ID]": {"DEAL_STAGE"}, "order[SORT]": {"ASC"}}, follow: byStart}}
	for _, f := range funnels {
		qs = append(qs, query{params: url.Values{"filter[ENTITY_ID]": {"DEAL_STAGE_" + string(f.ID)}, "order[SORT]": {"ASC"}}, follow: byStart})
	}
	stages, err := multi[status](c, ctx, "crm.status.list", qs)
	if err != nil {
		return nil, fmt.Errorf("bitrix24: deal stages: %w", err)
	}
	k := &catalogue{pipeline: map[string]string{}, stage: map[string]string{}, at: at}
	add := func(id, name string, sts []status) {
		p := domain.Pipeline{ID: id, Name: strings.TrimSpace(name)}
		slices.SortStableFunc(sts, func(a, b status) int { return int(a.Sort - b.Sort) })
		for _, s := range sts {
			p.Stages = append(p.Stages, domain.Stage{ID: s.StatusID, Name: strings.TrimSpace(s.Name)})
			k.stage[s.StatusID] = p.Stages[len(p.Stages)-1].Name
		}
		k.pipeline[id] = p.Name
		k.pipelines = append(k.pipelines, p)
	}
	add("0", cmpOr(defaultName, DefaultPipelineName), stages[0])
	for i, f := range funnels {
		add(string(f.ID), f.Name, stages[i+1])
	}
	c.memo.Lock()
	c.cat = k
	c.memo.Unlock()
	return k, nil
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) == "" {
		return b
	}
	return a
}

func clonePipelines(ps []domain.Pipeline) []domain.Pipeline {
	out := slices.Clone(ps)
	for i := range out {
		out[i].Stages = slices.Clone(out[i].Stages)
	}
	return out
}
