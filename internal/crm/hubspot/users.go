package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"reglament/internal/crm"
)

// ownerWire is an owner of GET /crm/v3/owners: id is what records name in
// hubspot_owner_id, userId what property histories name.
type ownerWire struct {
	ID        string  `json:"id"`
	Email     string  `json:"email"`
	FirstName string  `json:"firstName"`
	LastName  string  `json:"lastName"`
	UserID    crm.Int `json:"userId"`
	Archived  bool    `json:"archived"`
}

// ownerPage is a page of GET /crm/v3/owners.
type ownerPage struct {
	Results []ownerWire `json:"results"`
	Paging  struct {
		Next struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

// eachOwner reads the owners (GET /crm/v3/owners, 500 a page, paged by
// the after cursor) and calls fn with each: the archived ones only when
// archived is set, as HubSpot lists them apart.
func (c *Client) eachOwner(ctx context.Context, archived bool, fn func(ownerWire)) error {
	const path = "/crm/v3/owners"
	q := url.Values{"limit": {"500"}}
	if archived {
		q.Set("archived", "true")
	}
	seen := map[string]bool{}
	for range maxPages {
		body, err := c.get(crm.WithoutProgress(ctx), path, q)
		if err != nil {
			return err
		}
		var p ownerPage
		if err := json.Unmarshal(body, &p); err != nil {
			return decodeError("GET "+path, err)
		}
		for _, o := range p.Results {
			fn(o)
		}
		next := p.Paging.Next.After
		if next == "" {
			return nil
		}
		if seen[next] {
			return &crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "the paging cursor repeats"}
		}
		seen[next] = true
		q.Set("after", next)
	}
	return fmt.Errorf("GET %s: more than %d pages", path, maxPages)
}

// Users returns the account's owners as its users, the active ones in
// HubSpot's order, then the archived ones (inactive). A user's id is the
// owner id, which records name as responsible (hubspot_owner_id), not the
// user id; the name is the owner's first and last name, "" without them.
func (c *Client) Users(ctx context.Context) ([]crm.User, error) {
	var users []crm.User
	listed := map[string]bool{}
	for _, archived := range []bool{false, true} {
		err := c.eachOwner(ctx, archived, func(o ownerWire) {
			if o.ID == "" || listed[o.ID] {
				return
			}
			listed[o.ID] = true
			users = append(users, crm.User{ID: o.ID, Name: strings.TrimSpace(o.FirstName + " " + o.LastName), Email: o.Email,
				Active: !archived && !o.Archived})
		})
		if err != nil {
			which := "owners"
			if archived {
				which = "archived owners"
			}
			return nil, fmt.Errorf("hubspot: read %s: %w", which, err)
		}
	}
	return users, nil
}
