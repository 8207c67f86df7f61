package crm

import (
	"slices"
	"sync"
	"time"

	"reglament/internal/domain"
)

// Catalogue is an account's deal pipelines and their stages as read at one
// moment, naming them by the CRM's ids. A stage id is unique only with its
// pipeline's (amoCRM's 142 and 143 are in every pipeline).
type Catalogue struct {
	pipelines []domain.Pipeline
	pipeline  map[string]string
	stage     map[[2]string]string
}

// NewCatalogue indexes pipelines, kept in the order given.
func NewCatalogue(pipelines []domain.Pipeline) *Catalogue {
	c := &Catalogue{pipelines: pipelines, pipeline: map[string]string{}, stage: map[[2]string]string{}}
	for _, p := range pipelines {
		c.pipeline[p.ID] = p.Name
		for _, s := range p.Stages {
			c.stage[[2]string{p.ID, s.ID}] = s.Name
		}
	}
	return c
}

// Names returns the names of a pipeline and of one of its stages; "" for an
// id the catalogue does not hold (deleted since). A nil catalogue holds
// none.
func (c *Catalogue) Names(pipelineID, stageID string) (pipeline, stage string) {
	if c == nil {
		return "", ""
	}
	return c.pipeline[pipelineID], c.stage[[2]string{pipelineID, stageID}]
}

// Pipelines returns a copy of the pipelines, the caller's to change.
func (c *Catalogue) Pipelines() []domain.Pipeline {
	out := slices.Clone(c.pipelines)
	for i := range out {
		out[i].Stages = slices.Clone(out[i].Stages)
	}
	return out
}

// Cache keeps a value read at one moment, such as a catalogue, for the
// calls within MaxAge of that moment to share: the fetches of one sync
// read the catalogue once, and the next sync reads it again, so a renamed
// stage shows in the records fetched after it. It is safe for concurrent
// use.
type Cache[T any] struct {
	MaxAge time.Duration

	mu sync.Mutex
	v  T
	at time.Time
}

// Get returns the value read less than MaxAge before now, or reads it.
func (c *Cache[T]) Get(now time.Time, read func() (T, error)) (T, error) {
	c.mu.Lock()
	v, at := c.v, c.at
	c.mu.Unlock()
	if !at.IsZero() && now.Sub(at) < c.MaxAge {
		return v, nil
	}
	return c.Read(now, read)
}

// Read reads the value anew and keeps it as read at now.
func (c *Cache[T]) Read(now time.Time, read func() (T, error)) (T, error) {
	v, err := read()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	c.v, c.at = v, now
	c.mu.Unlock()
	return v, nil
}
