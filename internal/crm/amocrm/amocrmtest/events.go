package amocrmtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// MaxEventsPage is the largest limit the events feed accepts.
const MaxEventsPage = 100

func pipelineOf(l *Lead) int64 {
	if l.PipelineID == 0 {
		return DefaultPipelineID
	}
	return l.PipelineID
}

// MoveLead moves a lead to status of pipeline at the Unix time at, made by
// user by (0: a robot), as amoCRM does: the lead's status, pipeline and
// modification time change, and a lead_status_changed event is logged.
// The caller holds Mu. It returns the event.
func (s *Server) MoveLead(leadID, pipeline, status, by, at int64) *Event {
	l := s.Leads[leadID]
	e := &Event{Type: "lead_status_changed", EntityID: leadID, CreatedBy: by, CreatedAt: at,
		FromPipeline: pipelineOf(l), FromStatus: l.StatusID, ToPipeline: pipeline, ToStatus: status}
	s.AddEvent(e)
	l.PipelineID, l.StatusID = pipeline, status
	l.UpdatedAt = max(l.UpdatedAt, at)
	if status == 142 || status == 143 {
		l.ClosedAt = at
	}
	return e
}

// AddEvent logs an event, giving it an id if it has none. The caller holds
// Mu.
func (s *Server) AddEvent(e *Event) {
	if e.ID == "" {
		s.eventSerial++
		e.ID = fmt.Sprintf("01fake%020d", s.eventSerial)
	}
	s.Events = append(s.Events, e)
}

// pipelines serves GET /api/v4/leads/pipelines: every pipeline, statuses
// embedded, in one answer (an account has at most 50 pipelines).
func (s *Server) pipelines() (int, []byte) {
	ps := make([]*Pipeline, 0, len(s.Pipelines))
	for _, p := range s.Pipelines {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Pipeline) int { return cmp.Or(cmp.Compare(a.Sort, b.Sort), cmp.Compare(a.ID, b.ID)) })
	items := []map[string]any{}
	for _, p := range ps {
		statuses := []map[string]any{}
		for _, st := range p.Statuses {
			statuses = append(statuses, map[string]any{
				"id": st.ID, "name": st.Name, "sort": st.Sort, "is_editable": st.ID != 142 && st.ID != 143 && st.Type == 0,
				"pipeline_id": p.ID, "color": "#fffeb2", "type": st.Type, "account_id": 31247590,
				"_links": map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/leads/pipelines/%d/statuses/%d", s.URL, p.ID, st.ID)}},
			})
		}
		items = append(items, map[string]any{
			"id": p.ID, "name": p.Name, "sort": p.Sort, "is_main": p.IsMain, "is_unsorted_on": true, "is_archive": p.IsArchive,
			"account_id": 31247590,
			"_links":     map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/leads/pipelines/%d", s.URL, p.ID)}},
			"_embedded":  map[string]any{"statuses": statuses},
		})
	}
	body, _ := json.Marshal(map[string]any{
		"_total_items": len(items),
		"_links":       map[string]any{"self": map[string]any{"href": s.URL + "/api/v4/leads/pipelines"}},
		"_embedded":    map[string]any{"pipelines": items},
	})
	return http.StatusOK, body
}

// events serves GET /api/v4/events, newest first, with filter[type] (a
// comma-separated string or an array), filter[created_at][from|to] and
// page/limit paging (limit at most MaxEventsPage).
func (s *Server) events(r *http.Request) (int, []byte) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 50
	}
	if limit > MaxEventsPage {
		return http.StatusBadRequest, []byte(`{"title":"Bad Request","status":400,"detail":"limit"}`)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	var types []string
	for _, v := range append(q["filter[type]"], q["filter[type][]"]...) {
		types = append(types, strings.Split(v, ",")...)
	}
	bound := func(key string, def int64) int64 {
		if v := q.Get(key); v != "" {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
		return def
	}
	from, to := bound("filter[created_at][from]", 0), bound("filter[created_at][to]", 1<<62)
	var match []*Event
	for _, e := range s.Events {
		if e.CreatedAt >= from && e.CreatedAt <= to && (len(types) == 0 || slices.Contains(types, e.Type)) {
			match = append(match, e)
		}
	}
	slices.SortFunc(match, func(a, b *Event) int {
		return cmp.Or(cmp.Compare(b.CreatedAt, a.CreatedAt), strings.Compare(b.ID, a.ID))
	})
	lo := min((page-1)*limit, len(match))
	hi := min(lo+limit, len(match))
	if lo == hi {
		return http.StatusNoContent, nil
	}
	items := make([]map[string]any, 0, hi-lo)
	for _, e := range match[lo:hi] {
		before, after := []any{}, []any{}
		if e.Type == "lead_status_changed" {
			before = []any{map[string]any{"lead_status": map[string]any{"id": e.FromStatus, "pipeline_id": e.FromPipeline}}}
			after = []any{map[string]any{"lead_status": map[string]any{"id": e.ToStatus, "pipeline_id": e.ToPipeline}}}
		}
		items = append(items, map[string]any{
			"id": e.ID, "type": e.Type, "entity_id": e.EntityID, "entity_type": "lead", "created_by": e.CreatedBy,
			"created_at": e.CreatedAt, "value_after": after, "value_before": before, "account_id": 31247590,
			"_links": map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/events/%s", s.URL, e.ID)}},
			"_embedded": map[string]any{"entity": map[string]any{"id": e.EntityID,
				"_links": map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/leads/%d", s.URL, e.EntityID)}}}},
		})
	}
	links := map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s%s?%s", s.URL, r.URL.Path, r.URL.RawQuery)}}
	if hi < len(match) {
		nq := r.URL.Query()
		nq.Set("page", strconv.Itoa(page+1))
		links["next"] = map[string]any{"href": fmt.Sprintf("%s%s?%s", s.URL, r.URL.Path, nq.Encode())}
	}
	body, _ := json.Marshal(map[string]any{"_page": page, "_links": links, "_embedded": map[string]any{"events": items}})
	if s.AfterPage != nil {
		s.AfterPage(r.URL.Path, q, page)
	}
	return http.StatusOK, body
}
