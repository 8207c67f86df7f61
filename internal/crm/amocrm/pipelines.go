package amocrm

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// CatalogueMaxAge is how long the client reuses the pipeline catalogue it
// read to name the stages of deals and moves: the Fetch calls of one sync
// share one read, and the next sync (at least a minute later) reads it
// again, so a renamed stage shows in the records fetched after it.
const CatalogueMaxAge = time.Minute

// pipelineWire is a pipeline of GET /api/v4/leads/pipelines, with its
// statuses embedded.
type pipelineWire struct {
	ID        crm.ID   `json:"id"`
	Name      string   `json:"name"`
	Sort      crm.Int  `json:"sort"`
	IsArchive crm.Bool `json:"is_archive"`
	Embedded  struct {
		Statuses []statusWire `json:"statuses"`
	} `json:"_embedded"`
}

// statusWire is a status (stage) of a pipeline. Its id is unique only with
// the pipeline's: 142 (won) and 143 (lost) are in every pipeline.
type statusWire struct {
	ID         crm.ID  `json:"id"`
	Name       string  `json:"name"`
	Sort       crm.Int `json:"sort"`
	PipelineID crm.ID  `json:"pipeline_id"`
	Type       crm.Int `json:"type"` // 0 regular, 1 incoming leads ("unsorted")
}

// Pipelines returns the account's lead pipelines with their stages, ordered
// as amoCRM sorts them, archived pipelines included (their deals still need
// names). It always reads the catalogue anew (one request) and keeps it for
// the Fetch calls that follow within CatalogueMaxAge.
func (c *Client) Pipelines(ctx context.Context) ([]domain.Pipeline, error) {
	cat, err := c.cat.Read(c.api.Now(), func() (*crm.Catalogue, error) { return c.readCatalogue(ctx) })
	if err != nil {
		return nil, err
	}
	return cat.Pipelines(), nil
}

// catalogue returns the catalogue read within CatalogueMaxAge, or reads it.
func (c *Client) catalogue(ctx context.Context) (*crm.Catalogue, error) {
	return c.cat.Get(c.api.Now(), func() (*crm.Catalogue, error) { return c.readCatalogue(ctx) })
}

// readCatalogue reads GET /api/v4/leads/pipelines (statuses come embedded;
// an account has at most 50 pipelines, so the list is one page). Its
// request does not count records for progress reports: pipelines are not
// records.
func (c *Client) readCatalogue(ctx context.Context) (*crm.Catalogue, error) {
	const path = "/api/v4/leads/pipelines"
	body, err := c.get(crm.WithoutProgress(ctx), path, nil)
	if err != nil {
		return nil, fmt.Errorf("amocrm: read pipelines: %w", err)
	}
	var p page[pipelineWire]
	if len(body) > 0 {
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("amocrm: read pipelines: %w",
				&crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "decode: " + err.Error()})
		}
	}
	wire := p.Embedded["pipelines"]
	slices.SortStableFunc(wire, func(a, b pipelineWire) int { return cmp.Compare(a.Sort, b.Sort) })
	var pipelines []domain.Pipeline
	for _, pw := range wire {
		pl := domain.Pipeline{ID: string(pw.ID), Name: pw.Name}
		statuses := pw.Embedded.Statuses
		slices.SortStableFunc(statuses, func(a, b statusWire) int { return cmp.Compare(a.Sort, b.Sort) })
		for _, s := range statuses {
			pl.Stages = append(pl.Stages, domain.Stage{ID: string(s.ID), Name: s.Name})
		}
		pipelines = append(pipelines, pl)
	}
	return crm.NewCatalogue(pipelines), nil
}
