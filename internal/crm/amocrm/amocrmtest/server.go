// Package amocrmtest is a fake amoCRM API v4 for tests: it holds a truth set
// of companies, leads, tasks, notes, lead pipelines with their statuses and
// lead status change events, and serves them in the documented wire format
// (HAL envelopes, Unix seconds, 204 for an empty list), enforces
// the 7 requests/s limit the way amoCRM does (429, then an HTML 403 block
// page) and counts every violation, and injects faults on demand.
package amocrmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// Lead is a lead (deal) as amoCRM keeps it. Price is a decimal string,
// served as a JSON number. A zero PipelineID is served as
// DefaultPipelineID.
type Lead struct {
	ID, ResponsibleUserID, CreatedBy, StatusID int64
	PipelineID                                 int64
	Name, Price                                string
	CreatedAt, UpdatedAt, ClosedAt             int64
	IsDeleted                                  bool
}

// DefaultPipelineID is the pipeline of a Lead that names none.
const DefaultPipelineID = 7155526

// Pipeline is a lead pipeline with its statuses, served by
// GET /api/v4/leads/pipelines in Sort order.
type Pipeline struct {
	ID, Sort          int64
	Name              string
	IsMain, IsArchive bool
	Statuses          []Status
}

// Status is a status (stage) of a pipeline. Every pipeline has 142 (won)
// and 143 (lost); Type 1 is the incoming leads ("unsorted") stage.
type Status struct {
	ID, Sort, Type int64
	Name           string
}

// Event is an entry of the events feed. The fake serves lead_status_changed
// events (value_before/value_after hold the lead's status and pipeline) and
// any other Type with empty values, newest first.
type Event struct {
	ID                       string
	Type                     string
	EntityID, CreatedBy      int64 // CreatedBy 0: a robot
	CreatedAt                int64
	FromPipeline, FromStatus int64
	ToPipeline, ToStatus     int64
}

// Company is a company; Phones are the values of its PHONE field.
type Company struct {
	ID, ResponsibleUserID, CreatedBy int64
	Name                             string
	CreatedAt, UpdatedAt             int64
	Phones                           []string
}

// Contact is a contact person: Phones are the values of its PHONE field,
// CompanyID its company (0: none).
type Contact struct {
	ID, ResponsibleUserID, CompanyID int64
	Name                             string
	CreatedAt, UpdatedAt             int64
	Phones                           []string
}

// Task is a task; TaskTypeID 2 is a meeting.
type Task struct {
	ID, ResponsibleUserID, EntityID, TaskTypeID int64
	EntityType, Text                            string
	IsCompleted                                 bool
	CompleteTill, CreatedAt, UpdatedAt          int64
}

// Note is a note on a lead, contact or company (Entity).
type Note struct {
	ID, EntityID, ResponsibleUserID, CreatedBy int64
	Entity, NoteType                           string
	CreatedAt, UpdatedAt                       int64
	Duration, CallStatus                       int64
	Phone                                      string // params.phone of a call; "" sends the fake's default number
}

// Fault is a failure the server answers one API request with.
type Fault = crmtest.Fault

// The faults the server can inject, amoCRM's own and the shared ones.
const (
	Fault429  Fault = crmtest.WireFault + iota // 429 with Retry-After: 1
	Fault503                                   // 503
	Fault500                                   // 500 with a problem+json body
	FaultHTML                                  // an HTML 403 block page

	FaultTimeout   = crmtest.FaultTimeout   // no answer until the client gives up
	FaultTruncated = crmtest.FaultTruncated // a 200 whose JSON body is cut in half
	FaultExpired   = crmtest.FaultExpired   // the access token expires: 401 until refreshed
)

// Limit is amoCRM's requests per second.
const Limit = 7

// TokenLifetime is how long an amoCRM OAuth access token lasts.
const TokenLifetime = 24 * time.Hour

// Server is the fake. Lock Mu to change the truth while it serves.
type Server struct {
	crmtest.Fake

	Companies map[int64]*Company
	Contacts  map[int64]*Contact
	Leads     map[int64]*Lead
	Tasks     map[int64]*Task
	Notes     map[string]*Note // by entity + ":" + id
	Pipelines map[int64]*Pipeline
	Events    []*Event
	Users     map[int64]*User // GET /api/v4/users (setup's People step)

	// AfterPage, if set, runs (under Mu) after a list page is served: tests
	// change records between pages with it.
	AfterPage func(path string, query map[string][]string, page int)

	window       crmtest.Window
	blockedUntil time.Time
	eventSerial  int
}

// NewServer starts a fake with an empty truth, reading time from now.
func NewServer(now func() time.Time) *Server {
	s := &Server{
		Fake: crmtest.Fake{Now: now, AccessToken: "access-0", RefreshToken: "refresh-0",
			ClientID: "client", ClientSecret: "secret"},
		Companies: map[int64]*Company{},
		Contacts:  map[int64]*Contact{},
		Leads:     map[int64]*Lead{},
		Tasks:     map[int64]*Task{},
		Notes:     map[string]*Note{},
		Pipelines: map[int64]*Pipeline{},
		window:    crmtest.Window{Max: Limit, Per: time.Second},
	}
	s.Start(http.HandlerFunc(s.serve))
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	now := s.Now()
	s.Requests++
	// Sliding one-second window: more than Limit requests in it is a
	// violation; three in a row of violations block the client for a minute.
	within := s.window.Allow(now)
	if now.Before(s.blockedUntil) {
		s.Mu.Unlock()
		blockPage(w)
		return
	}
	if !within {
		s.Violations++
		if s.Violations%3 == 0 {
			s.blockedUntil = now.Add(time.Minute)
		}
		s.Mu.Unlock()
		problem(w, http.StatusTooManyRequests, "Too Many Requests")
		return
	}
	fault, answer := s.Admit(r, oauth)
	if answer != nil {
		s.Mu.Unlock()
		answer(w, r)
		return
	}
	switch fault {
	case Fault429:
		s.Mu.Unlock()
		w.Header().Set("Retry-After", "1")
		problem(w, http.StatusTooManyRequests, "Too Many Requests")
		return
	case Fault503:
		s.Mu.Unlock()
		problem(w, http.StatusServiceUnavailable, "Service Unavailable")
		return
	case Fault500:
		s.Mu.Unlock()
		problem(w, http.StatusInternalServerError, "Internal Server Error")
		return
	case FaultHTML:
		s.Mu.Unlock()
		blockPage(w)
		return
	case FaultTimeout:
		s.Mu.Unlock()
		s.Hang(r)
		return
	}
	status, body := s.list(r)
	s.Mu.Unlock()
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/hal+json")
	w.WriteHeader(status)
	w.Write(crmtest.Truncate(body, fault))
}

func problem(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"title":%q,"type":"https://httpstatus.es/%d","status":%d,"detail":"fake"}`, title, status, status)
}

func blockPage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprint(w, "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}

// row is one listed record: src is its truth (*Lead, *Company, *Task,
// *Note), turned into its wire form only if it is on the page served.
type row struct {
	id, updated int64
	src         any
}

// selection keeps the first need rows of a listing in its order, and counts
// them all, without sorting the rest: a fake holding 100,000 records serves
// a page in milliseconds.
type selection struct {
	need  int
	less  func(a, b row) bool
	rows  []row
	total int
}

func (sel *selection) add(r row) {
	sel.total++
	if len(sel.rows) == sel.need && !sel.less(r, sel.rows[len(sel.rows)-1]) {
		return
	}
	i, _ := slices.BinarySearchFunc(sel.rows, r, func(x, r row) int {
		if sel.less(x, r) {
			return -1
		}
		return 1
	})
	sel.rows = slices.Insert(sel.rows, i, r)
	if len(sel.rows) > sel.need {
		sel.rows = sel.rows[:sel.need]
	}
}

// list serves a list call with its filters, order and paging.
func (s *Server) list(r *http.Request) (int, []byte) {
	q := r.URL.Query()
	path := r.URL.Path
	switch path {
	case "/api/v4/leads/pipelines":
		return s.pipelines()
	case "/api/v4/events":
		return s.events(r)
	case "/api/v4/users":
		return s.users(r)
	}
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
	ids := q["filter[id][]"]
	from := int64(0)
	if v := q.Get("filter[updated_at][from]"); v != "" {
		from, _ = strconv.ParseInt(v, 10, 64)
	}
	keep := func(id, updated int64) bool {
		return updated >= from && (len(ids) == 0 || slices.Contains(ids, strconv.FormatInt(id, 10)))
	}
	byUpdated := q.Get("order[updated_at]") == "asc"
	sel := &selection{need: page * limit, less: func(a, b row) bool {
		if byUpdated && a.updated != b.updated {
			return a.updated < b.updated
		}
		return a.id < b.id
	}}
	var wire func(src any) map[string]any
	switch path {
	case "/api/v4/leads":
		deleted := q.Get("with") == "only_deleted"
		for _, l := range s.Leads {
			if l.IsDeleted == deleted && keep(l.ID, l.UpdatedAt) {
				sel.add(row{l.ID, l.UpdatedAt, l})
			}
		}
		wire = func(src any) map[string]any {
			l := src.(*Lead)
			var closed any
			if l.ClosedAt != 0 {
				closed = l.ClosedAt
			}
			return map[string]any{
				"id": l.ID, "name": l.Name, "price": json.Number(l.Price), "responsible_user_id": l.ResponsibleUserID,
				"group_id": 0, "status_id": l.StatusID, "pipeline_id": pipelineOf(l), "loss_reason_id": nil,
				"created_by": l.CreatedBy, "updated_by": l.CreatedBy, "created_at": l.CreatedAt, "updated_at": l.UpdatedAt,
				"closed_at": closed, "closest_task_at": nil, "is_deleted": l.IsDeleted, "custom_fields_values": nil,
				"account_id": 31247590, "_links": map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/leads/%d", s.URL, l.ID)}},
				"_embedded": map[string]any{"tags": []any{}, "companies": []any{}},
			}
		}
	case "/api/v4/companies":
		for _, c := range s.Companies {
			if keep(c.ID, c.UpdatedAt) {
				sel.add(row{c.ID, c.UpdatedAt, c})
			}
		}
		wire = func(src any) map[string]any {
			c := src.(*Company)
			return map[string]any{
				"id": c.ID, "name": c.Name, "responsible_user_id": c.ResponsibleUserID, "group_id": 0,
				"created_by": c.CreatedBy, "updated_by": c.CreatedBy, "created_at": c.CreatedAt, "updated_at": c.UpdatedAt,
				"closest_task_at": nil, "is_deleted": false, "custom_fields_values": phoneField(c.Phones), "account_id": 31247590,
			}
		}
	case "/api/v4/contacts":
		for _, c := range s.Contacts {
			if keep(c.ID, c.UpdatedAt) {
				sel.add(row{c.ID, c.UpdatedAt, c})
			}
		}
		wire = func(src any) map[string]any {
			c := src.(*Contact)
			companies := []any{}
			if c.CompanyID != 0 {
				companies = append(companies, map[string]any{"id": c.CompanyID,
					"_links": map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/companies/%d", s.URL, c.CompanyID)}}})
			}
			first, last, _ := strings.Cut(c.Name, " ")
			return map[string]any{
				"id": c.ID, "name": c.Name, "first_name": first, "last_name": last, "responsible_user_id": c.ResponsibleUserID,
				"group_id": 0, "created_by": c.ResponsibleUserID, "updated_by": c.ResponsibleUserID, "created_at": c.CreatedAt,
				"updated_at": c.UpdatedAt, "closest_task_at": nil, "is_deleted": false, "is_unsorted": false,
				"custom_fields_values": phoneField(c.Phones), "account_id": 31247590,
				"_links":    map[string]any{"self": map[string]any{"href": fmt.Sprintf("%s/api/v4/contacts/%d", s.URL, c.ID)}},
				"_embedded": map[string]any{"tags": []any{}, "companies": companies},
			}
		}
	case "/api/v4/tasks":
		for _, t := range s.Tasks {
			if keep(t.ID, t.UpdatedAt) {
				sel.add(row{t.ID, t.UpdatedAt, t})
			}
		}
		wire = func(src any) map[string]any {
			t := src.(*Task)
			return map[string]any{
				"id": t.ID, "created_by": t.ResponsibleUserID, "updated_by": t.ResponsibleUserID,
				"created_at": t.CreatedAt, "updated_at": t.UpdatedAt, "responsible_user_id": t.ResponsibleUserID,
				"group_id": 0, "entity_id": t.EntityID, "entity_type": t.EntityType, "is_completed": t.IsCompleted,
				"task_type_id": t.TaskTypeID, "text": t.Text, "duration": 0, "complete_till": t.CompleteTill,
				"result": map[string]any{}, "account_id": 31247590,
			}
		}
	case "/api/v4/leads/notes", "/api/v4/contacts/notes", "/api/v4/companies/notes":
		entity := strings.Split(path, "/")[3]
		types := q["filter[note_type][]"]
		for _, n := range s.Notes {
			if n.Entity == entity && (len(types) == 0 || slices.Contains(types, n.NoteType)) && keep(n.ID, n.UpdatedAt) {
				sel.add(row{n.ID, n.UpdatedAt, n})
			}
		}
		wire = func(src any) map[string]any {
			n := src.(*Note)
			params := map[string]any{"text": "note"}
			if n.NoteType == "call_in" || n.NoteType == "call_out" {
				phone := n.Phone
				if phone == "" {
					phone = "+79990000000"
				}
				params = map[string]any{"uniq": fmt.Sprintf("u%d", n.ID), "duration": n.Duration, "source": "onlinePBX",
					"phone": phone, "call_status": n.CallStatus, "call_result": ""}
			}
			return map[string]any{
				"id": n.ID, "entity_id": n.EntityID, "created_by": n.CreatedBy, "updated_by": n.CreatedBy,
				"created_at": n.CreatedAt, "updated_at": n.UpdatedAt, "responsible_user_id": n.ResponsibleUserID,
				"group_id": 0, "note_type": n.NoteType, "params": params, "account_id": 31247590,
			}
		}
	default:
		return http.StatusNotFound, []byte(`{"title":"Not Found","status":404}`)
	}
	rows := sel.rows
	lo := min((page-1)*limit, len(rows))
	hi := min(lo+limit, len(rows))
	if lo == hi {
		return http.StatusNoContent, nil
	}
	items := make([]map[string]any, 0, hi-lo)
	for _, r := range rows[lo:hi] {
		items = append(items, wire(r.src))
	}
	key := strings.TrimPrefix(path, "/api/v4/")
	if strings.HasSuffix(key, "/notes") {
		key = "notes"
	}
	self := fmt.Sprintf("%s%s?%s", s.URL, path, r.URL.RawQuery)
	links := map[string]any{"self": map[string]any{"href": self}}
	if hi < sel.total {
		nq := r.URL.Query()
		nq.Set("page", strconv.Itoa(page+1))
		links["next"] = map[string]any{"href": fmt.Sprintf("%s%s?%s", s.URL, path, nq.Encode())}
	}
	body, _ := json.Marshal(map[string]any{"_page": page, "_links": links, "_embedded": map[string]any{key: items}})
	if s.AfterPage != nil {
		s.AfterPage(path, q, page)
	}
	return http.StatusOK, body
}

// phoneField is custom_fields_values holding the system PHONE field, a
// multitext field whose values carry an enum (WORK, MOB…); null when there
// are no phones, as amoCRM sends an entity without custom field values.
func phoneField(phones []string) any {
	if len(phones) == 0 {
		return nil
	}
	values := make([]map[string]any, len(phones))
	for i, p := range phones {
		values[i] = map[string]any{"value": p, "enum_id": 1 + i%2, "enum_code": []string{"WORK", "MOB"}[i%2]}
	}
	return []map[string]any{{"field_id": 1, "field_name": "Телефон", "field_code": "PHONE", "field_type": "multitext", "values": values}}
}
