package amocrmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// User is a user of the account, served by GET /api/v4/users.
type User struct {
	ID          int64
	Name, Email string
	Inactive    bool
}

// users serves GET /api/v4/users: by id, limit (at most 250) a page, 204
// past the last page.
func (s *Server) users(r *http.Request) (int, []byte) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 50
	}
	if limit > 250 {
		return http.StatusBadRequest, []byte(`{"title":"Bad Request","status":400,"detail":"limit"}`)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	var ids []int64
	for id := range s.Users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	from := (page - 1) * limit
	if from >= len(ids) {
		return http.StatusNoContent, nil
	}
	to := min(from+limit, len(ids))
	var list []map[string]any
	for _, id := range ids[from:to] {
		u := s.Users[id]
		list = append(list, map[string]any{"id": u.ID, "name": u.Name, "email": u.Email, "lang": "ru",
			"rights": map[string]any{"is_active": !u.Inactive, "is_admin": false}})
	}
	links := map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/users?page=%d&limit=%d", s.URL, page, limit)}}
	if to < len(ids) {
		links["next"] = map[string]any{"href": fmt.Sprintf("%s/api/v4/users?page=%d&limit=%d", s.URL, page+1, limit)}
	}
	body, _ := json.Marshal(map[string]any{"_total_items": len(ids), "_page": page, "_links": links,
		"_embedded": map[string]any{"users": list}})
	return http.StatusOK, body
}
