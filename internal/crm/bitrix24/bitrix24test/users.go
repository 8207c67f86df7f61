package bitrix24test

import (
	"net/url"
	"slices"
	"strconv"
)

// User is a user of the portal, served by user.get.
type User struct {
	ID             int64
	Name, LastName string
	Email          string
	Inactive       bool
}

// users serves user.get: 50 a page from start, ordered by id.
func (s *Server) users(q url.Values) (result any, next, total int, code string) {
	var ids []int64
	for id := range s.Users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	start, _ := strconv.Atoi(q.Get("start"))
	start = max(start, 0)
	list := []map[string]any{}
	for i := start; i < len(ids) && i < start+50; i++ {
		u := s.Users[ids[i]]
		list = append(list, map[string]any{"ID": strconv.FormatInt(u.ID, 10), "ACTIVE": !u.Inactive,
			"NAME": u.Name, "LAST_NAME": u.LastName, "EMAIL": u.Email})
	}
	if start+50 < len(ids) {
		next = start + 50
	}
	return list, next, len(ids), ""
}
