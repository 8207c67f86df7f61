package pipedrive

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

// CatalogueMaxAge is how long the client reuses the catalogue it read: the
// fetches of one sync share one read (crm.Cache).
const CatalogueMaxAge = time.Minute

// catalogue is what the client reads of an account besides its records, at
// one moment: pipelines and stages (a stage id is unique in the account,
// so a stage names its pipeline), activity types as calls, meetings or
// tasks, and the users.
type catalogue struct {
	*crm.Catalogue
	stagePipeline map[string]string // stage id → pipeline id
	kinds         map[string]string // activity type key → domain.ActivityCall, ActivityMeeting, or "" (a task)
	users         map[int64]bool    // active users
}

// kind is what an activity of type key is: a call, a meeting, or "" for
// a task. An unknown type (added since) is a task unless it is "call" or
// "meeting".
func (c *catalogue) kind(key string) string {
	if k, ok := c.kinds[key]; ok {
		return k
	}
	switch key {
	case "call":
		return domain.ActivityCall
	case "meeting":
		return domain.ActivityMeeting
	}
	return ""
}

// Pipelines returns the account's pipelines with their stages, in
// Pipedrive's order. It reads the catalogue anew and keeps it for the
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

// v1 is the envelope of the v1 answers read here (one page: these lists
// are short and Pipedrive returns them whole).
type v1[T any] struct {
	Data []T `json:"data"`
}

func (c *Client) readV1(ctx context.Context, path string, out any) error {
	body, err := c.get(crm.WithoutProgress(ctx), path, nil)
	if err != nil {
		return fmt.Errorf("pipedrive: read %s: %w", path, err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("pipedrive: read %s: %w", path, decodeError("GET "+path, err))
	}
	return nil
}

// activityType is an entry of GET /v1/activityTypes. Companies rename
// types (name) and add their own (key_string custom_…); key_string of the
// built-in ones stays, and a custom type keeps the icon it was given.
type activityType struct {
	KeyString  string   `json:"key_string"`
	IconKey    string   `json:"icon_key"`
	ActiveFlag crm.Bool `json:"active_flag"`
}

func (c *Client) readCatalogue(ctx context.Context) (*catalogue, error) {
	var pipelines v1[struct {
		ID      crm.Int `json:"id"`
		Name    string  `json:"name"`
		OrderNr crm.Int `json:"order_nr"`
	}]
	var stages v1[struct {
		ID         crm.Int `json:"id"`
		Name       string  `json:"name"`
		PipelineID crm.Int `json:"pipeline_id"`
		OrderNr    crm.Int `json:"order_nr"`
	}]
	var types v1[activityType]
	var users v1[struct {
		ID         crm.Int  `json:"id"`
		ActiveFlag crm.Bool `json:"active_flag"`
	}]
	for _, r := range []struct {
		path string
		out  any
	}{{"/v1/pipelines", &pipelines}, {"/v1/stages", &stages}, {"/v1/activityTypes", &types}, {"/v1/users", &users}} {
		if err := c.readV1(ctx, r.path, r.out); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(pipelines.Data, func(a, b struct {
		ID      crm.Int `json:"id"`
		Name    string  `json:"name"`
		OrderNr crm.Int `json:"order_nr"`
	}) int {
		return cmp.Or(cmp.Compare(a.OrderNr, b.OrderNr), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(stages.Data, func(a, b struct {
		ID         crm.Int `json:"id"`
		Name       string  `json:"name"`
		PipelineID crm.Int `json:"pipeline_id"`
		OrderNr    crm.Int `json:"order_nr"`
	}) int {
		return cmp.Or(cmp.Compare(a.OrderNr, b.OrderNr), cmp.Compare(a.ID, b.ID))
	})
	cat := &catalogue{stagePipeline: map[string]string{}, kinds: map[string]string{}, users: map[int64]bool{}}
	var out []domain.Pipeline
	index := map[string]int{}
	for _, p := range pipelines.Data {
		index[idString(p.ID)] = len(out)
		out = append(out, domain.Pipeline{ID: idString(p.ID), Name: p.Name})
	}
	for _, s := range stages.Data {
		pid := idString(s.PipelineID)
		cat.stagePipeline[idString(s.ID)] = pid
		if i, ok := index[pid]; ok {
			out[i].Stages = append(out[i].Stages, domain.Stage{ID: idString(s.ID), Name: s.Name})
		}
	}
	cat.Catalogue = crm.NewCatalogue(out)
	for _, t := range types.Data {
		switch {
		case t.KeyString == "call" || t.IconKey == "call" || slices.Contains(c.cfg.CallTypes, t.KeyString):
			cat.kinds[t.KeyString] = domain.ActivityCall
		case t.KeyString == "meeting" || t.IconKey == "meeting" || slices.Contains(c.cfg.MeetingTypes, t.KeyString):
			cat.kinds[t.KeyString] = domain.ActivityMeeting
		default:
			cat.kinds[t.KeyString] = ""
		}
	}
	for _, u := range users.Data {
		if u.ActiveFlag {
			cat.users[int64(u.ID)] = true
		}
	}
	return cat, nil
}
