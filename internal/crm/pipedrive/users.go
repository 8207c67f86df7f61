package pipedrive

import (
	"context"

	"reglament/internal/crm"
)

// userWire is a user of GET /v1/users.
type userWire struct {
	ID         crm.Int  `json:"id"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	ActiveFlag crm.Bool `json:"active_flag"`
}

// Users returns the company's users (GET /v1/users, all of them in one
// answer), deactivated ones too, in Pipedrive's order: the id is what
// records name as owner_id.
func (c *Client) Users(ctx context.Context) ([]crm.User, error) {
	var list v1[userWire]
	if err := c.readV1(ctx, "/v1/users", &list); err != nil {
		return nil, err
	}
	var users []crm.User
	for _, u := range list.Data {
		if u.ID == 0 {
			continue
		}
		users = append(users, crm.User{ID: idString(u.ID), Name: u.Name, Email: u.Email, Active: bool(u.ActiveFlag)})
	}
	return users, nil
}
