package hubspot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// CatalogueMaxAge is how long the client reuses the deal pipelines it read:
// the fetches of one sync share one read (crm.Cache).
const CatalogueMaxAge = time.Minute

// pipelineWire is a deal pipeline of GET /crm/v3/pipelines/deals. A
// stage's metadata values are strings ("1.0", "true").
type pipelineWire struct {
	ID           string      `json:"id"`
	Label        string      `json:"label"`
	DisplayOrder crm.Int     `json:"displayOrder"`
	Stages       []stageWire `json:"stages"`
}

type stageWire struct {
	ID           string  `json:"id"`
	Label        string  `json:"label"`
	DisplayOrder crm.Int `json:"displayOrder"`
	Metadata     struct {
		IsClosed    string `json:"isClosed"`
		Probability string `json:"probability"`
	} `json:"metadata"`
}

// stage reads a stage's metadata: closed when isClosed says so, or, where
// it is absent, when the probability is 1 or 0.
func (s stageWire) stage() stage {
	p, err := strconv.ParseFloat(s.Metadata.Probability, 64)
	closed := s.Metadata.IsClosed == "true" || s.Metadata.IsClosed == "" && err == nil && (p == 0 || p == 1)
	return stage{name: s.Label, closed: closed, probability: p}
}

// stage is what a deal needs of its stage.
type stage struct {
	name        string
	closed      bool
	probability float64
}

// catalogue is the deal pipelines and their stages as read at one moment,
// with what each stage says of a deal in it.
type catalogue struct {
	*crm.Catalogue
	stages map[[2]string]stage
}

func (c *catalogue) pipelineName(id string) string {
	p, _ := c.Names(id, "")
	return p
}

func (c *catalogue) stage(pipeline, id string) (stage, bool) {
	s, ok := c.stages[[2]string{pipeline, id}]
	return s, ok
}

// Pipelines returns the account's deal pipelines with their stages, in
// HubSpot's display order, archived ones included (their deals still need
// names). It reads the catalogue anew (one request) and keeps it for the
// fetches that follow within CatalogueMaxAge.
func (c *Client) Pipelines(ctx context.Context) ([]domain.Pipeline, error) {
	cat, err := c.cat.Read(c.api.Now(), func() (*catalogue, error) { return c.readCatalogue(ctx) })
	if err != nil {
		return nil, err
	}
	return cat.Pipelines(), nil
}

func (c *Client) catalogue(ctx context.Context) (*catalogue, error) {
	return c.cat.Get(c.api.Now(), func() (*catalogue, error) { return c.readCatalogue(ctx) })
}

func (c *Client) readCatalogue(ctx context.Context) (*catalogue, error) {
	const path = "/crm/v3/pipelines/deals"
	body, err := c.get(crm.WithoutProgress(ctx), path, nil)
	if err != nil {
		return nil, fmt.Errorf("hubspot: read pipelines: %w", err)
	}
	var p struct {
		Results []pipelineWire `json:"results"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("hubspot: read pipelines: %w", decodeError("GET "+path, err))
	}
	slices.SortStableFunc(p.Results, func(a, b pipelineWire) int { return cmp.Compare(a.DisplayOrder, b.DisplayOrder) })
	stages := map[[2]string]stage{}
	var pipelines []domain.Pipeline
	for _, pw := range p.Results {
		pl := domain.Pipeline{ID: pw.ID, Name: pw.Label}
		slices.SortStableFunc(pw.Stages, func(a, b stageWire) int { return cmp.Compare(a.DisplayOrder, b.DisplayOrder) })
		for _, s := range pw.Stages {
			pl.Stages = append(pl.Stages, domain.Stage{ID: s.ID, Name: s.Label})
			stages[[2]string{pl.ID, s.ID}] = s.stage()
		}
		pipelines = append(pipelines, pl)
	}
	return &catalogue{Catalogue: crm.NewCatalogue(pipelines), stages: stages}, nil
}
