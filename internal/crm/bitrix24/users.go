package bitrix24

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"reglament/internal/crm"
)

// userWire is a user of user.get.
type userWire struct {
	ID       crm.ID `json:"ID"`
	Name     string `json:"NAME"`
	LastName string `json:"LAST_NAME"`
	Email    string `json:"EMAIL"`
	Active   any    `json:"ACTIVE"` // true, or "Y"/"N" on older portals
}

// maxUserPages bounds the pages Users reads: 50 users a page.
const maxUserPages = 200

// Users returns the portal's users (user.get, 50 a page by start, active
// and not), their name as "NAME LAST_NAME".
func (c *Client) Users(ctx context.Context) ([]crm.User, error) {
	var users []crm.User
	start := 0
	for range maxUserPages {
		resp, err := c.call(crm.WithoutProgress(ctx), "user.get", url.Values{"start": {strconv.Itoa(start)}, "ADMIN_MODE": {"true"}})
		if err != nil {
			return nil, fmt.Errorf("bitrix24: read users: %w", err)
		}
		var page []userWire
		if err := json.Unmarshal(resp.Result, &page); err != nil {
			return nil, fmt.Errorf("bitrix24: read users: %w",
				&crm.Error{CRM: Source, Method: "user.get", Status: http.StatusOK, Message: "decode: " + err.Error()})
		}
		for _, u := range page {
			active := true
			switch v := u.Active.(type) {
			case bool:
				active = v
			case string:
				active = v != "N" && v != "false"
			}
			users = append(users, crm.User{ID: string(u.ID), Name: strings.TrimSpace(u.Name + " " + u.LastName), Email: u.Email, Active: active})
		}
		if resp.Next <= 0 || len(page) == 0 {
			break
		}
		start = int(resp.Next)
	}
	return users, nil
}
