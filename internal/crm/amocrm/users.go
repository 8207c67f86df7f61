package amocrm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"reglament/internal/crm"
)

// userWire is a user of GET /api/v4/users.
type userWire struct {
	ID     crm.ID `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Rights struct {
		IsActive *bool `json:"is_active"`
	} `json:"rights"`
}

// maxUserPages bounds the pages Users reads: 250 users a page.
const maxUserPages = 40

// Users returns the account's users (GET /api/v4/users, 250 a page), in
// the order amoCRM lists them. A user without rights.is_active is active.
func (c *Client) Users(ctx context.Context) ([]crm.User, error) {
	const path = "/api/v4/users"
	var users []crm.User
	for n := 1; n <= maxUserPages; n++ {
		body, err := c.get(crm.WithoutProgress(ctx), path, url.Values{"limit": {"250"}, "page": {strconv.Itoa(n)}})
		if err != nil {
			return nil, fmt.Errorf("amocrm: read users: %w", err)
		}
		if len(body) == 0 {
			break
		}
		var p page[userWire]
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("amocrm: read users: %w",
				&crm.Error{CRM: Source, Method: "GET " + path, Status: 200, Message: "decode: " + err.Error()})
		}
		for _, u := range p.Embedded["users"] {
			active := u.Rights.IsActive == nil || *u.Rights.IsActive
			users = append(users, crm.User{ID: string(u.ID), Name: u.Name, Email: u.Email, Active: active})
		}
		if p.Links.Next == nil {
			break
		}
	}
	return users, nil
}
