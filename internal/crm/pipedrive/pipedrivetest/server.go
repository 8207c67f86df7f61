// Package pipedrivetest is a fake Pipedrive for tests: it holds a truth
// set of users, pipelines and stages, activity types, organizations, deals
// (with their changelogs) and activities, and serves them in the
// documented wire format: the API v2 lists (limit up to 500, an opaque
// cursor in additional_data.next_cursor, updated_since in RFC 3339,
// sort_by update_time, ids, status=deleted for deals deleted in the last
// 30 days, is_deleted on organizations and activities), the v1 catalogue
// lists and a deal's changelog, with x-ratelimit-* headers on every
// answer. It enforces the burst limit (20 requests in any 2 seconds) with
// Pipedrive's 429 body, answers an HTML 403 for a minute after repeated
// 429s, counts every violation and injects faults on demand. OAuth grants
// come to /oauth/token with the client's credentials in Basic auth.
package pipedrivetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"reglament/internal/crm/crmtest"
)

// The truth, in Pipedrive's terms.
type (
	// User is a user of the company: Name "" is served as "User <id>",
	// Email "" as user<id>@example.com; an Inactive user is deactivated
	// (active_flag false).
	User struct {
		ID          int64
		Name, Email string
		Inactive    bool
	}
	Pipeline struct {
		ID      int64
		Name    string
		OrderNr int
	}
	Stage struct {
		ID, PipelineID int64
		Name           string
		OrderNr        int
	}
	// ActivityType is an account's activity type: Key its key_string,
	// Name what the company calls it, Icon its icon_key.
	ActivityType struct{ Key, Name, Icon string }
	Org          struct {
		ID, OwnerID      int64
		Name             string
		AddTime, Updated time.Time
		Deleted          bool
	}
	// Person is a contact person: OrgID its organization (0: none), Phones
	// its phone numbers (the first one primary).
	Person struct {
		ID, OwnerID, OrgID int64
		Name               string
		Phones             []string
		AddTime, Updated   time.Time
		Deleted            bool
	}
	Deal struct {
		ID, OwnerID, StageID, PipelineID int64
		Title                            string
		Value                            float64
		Status                           string // open, won, lost
		AddTime, Updated                 time.Time
		WonTime, LostTime                time.Time
		Deleted, Archived                bool
		// Changes is the changelog, oldest first.
		Changes []Change
	}
	// Change is a stage change in a deal's changelog.
	Change struct {
		From, To int64
		At       time.Time
		UserID   int64
	}
	Activity struct {
		ID, OwnerID, DealID int64
		Subject, Type       string
		Done                bool
		DueDate, DueTime    string // "2006-01-02", "15:04" or ""
		Duration            string // "HH:MM" or ""
		MarkedAsDone        time.Time
		AddTime, Updated    time.Time
		Deleted             bool
	}
)

// Fault is a failure the server answers one request with.
type Fault = crmtest.Fault

// The faults the server can inject, Pipedrive's own and the shared ones.
const (
	Fault429 Fault = crmtest.WireFault + iota // 429 with Pipedrive's body
	Fault403                                  // the HTML 403 of a client blocked after repeated 429s
	Fault502                                  // 502 with an HTML page

	FaultTimeout   = crmtest.FaultTimeout
	FaultTruncated = crmtest.FaultTruncated
	FaultExpired   = crmtest.FaultExpired
)

// The limit the fake enforces, and what repeated 429s cost.
const (
	BurstLimit = 20 // requests in any 2 seconds
	// BlockAfter 429s within BlockWindow block the client for BlockFor.
	BlockAfter  = 3
	BlockWindow = 10 * time.Second
	BlockFor    = time.Minute
)

// TokenLifetime is how long an OAuth access token lasts (expires_in 3600).
const TokenLifetime = time.Hour

// Server is the fake. Lock Mu to change the truth while it serves.
type Server struct {
	crmtest.Fake

	Users         []User
	Pipelines     []Pipeline
	Stages        []Stage
	ActivityTypes []ActivityType
	Orgs          map[int64]*Org
	Persons       map[int64]*Person
	Deals         map[int64]*Deal
	Activities    map[int64]*Activity

	// AfterPage, if set, runs (under Mu) after a page of a v2 list is
	// served: tests change records between pages with it.
	AfterPage func(path string)

	burst    crmtest.Window
	refusals []time.Time
	blocked  time.Time
}

// NewServer starts a fake with users 1–5, one pipeline "Sales" (stages
// 1–4) and one "Service" (stages 5–6), the built-in activity types (call,
// meeting, task, deadline, email) and "Звонок клиенту" (custom, the call
// icon), reading time from now.
func NewServer(now func() time.Time) *Server {
	s := &Server{
		Fake: crmtest.Fake{Now: now, AccessToken: "access-0", RefreshToken: "refresh-0",
			ClientID: "pd-client", ClientSecret: "pd-secret"},
		Users:     []User{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}, {ID: 5}},
		Pipelines: []Pipeline{{ID: 1, Name: "Sales", OrderNr: 1}, {ID: 2, Name: "Service", OrderNr: 2}},
		Stages: []Stage{{1, 1, "Qualified", 1}, {2, 1, "Proposal Made", 2}, {3, 1, "Negotiations Started", 3},
			{4, 1, "Contract Sent", 4}, {5, 2, "New", 1}, {6, 2, "In Work", 2}},
		ActivityTypes: []ActivityType{{"call", "Звонок", "call"}, {"meeting", "Встреча", "meeting"}, {"task", "Task", "task"},
			{"deadline", "Deadline", "deadline"}, {"email", "Email", "email"}, {"custom_type_1", "Звонок клиенту", "call"}},
		Orgs: map[int64]*Org{}, Persons: map[int64]*Person{}, Deals: map[int64]*Deal{}, Activities: map[int64]*Activity{},
		burst: crmtest.Window{Max: BurstLimit, Per: 2 * time.Second},
	}
	s.Start(http.HandlerFunc(s.serve))
	return s
}

// Time formats a time as API v2 does; V1Time as API v1 and the changelog.
func Time(t time.Time) string   { return t.UTC().Format(time.RFC3339) }
func V1Time(t time.Time) string { return t.UTC().Format(time.DateTime) }

// oauth is Pipedrive's OAuth on the wire.
var oauth = crmtest.OAuthWire{
	TokenPath: "/oauth/token",
	Lifetime:  TokenLifetime,
	Grant: func(r *http.Request) url.Values {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		grant, _ := url.ParseQuery(string(body))
		if id, secret, ok := r.BasicAuth(); ok {
			grant.Set("client_id", id)
			grant.Set("client_secret", secret)
		}
		return grant
	},
	Token: func(r *http.Request) (string, bool) {
		if !strings.HasPrefix(r.URL.Path, "/v1/") && !strings.HasPrefix(r.URL.Path, "/api/v2/") {
			return "", false
		}
		if t := r.Header.Get("x-api-token"); t != "" {
			return t, true
		}
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return token, true
	},
	Issued: func(w http.ResponseWriter, access, refresh string) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer", "refresh_token": refresh,
			"scope": "deals:read,activities:read", "expires_in": int64(TokenLifetime / time.Second), "api_domain": "https://fake.pipedrive.com"})
	},
	Refused: func(w http.ResponseWriter, _ url.Values) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "message": "Invalid grant", "error": "invalid_grant"})
	},
	Expired: func(w http.ResponseWriter) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "error": "unauthorized access", "errorCode": 401})
	},
}

// OAuthFront stands in front of a fake and adds the authorization_code
// grant and access tokens that expire. Point clients at its URL.
type OAuthFront = crmtest.OAuthFront

// NewOAuthFront starts a front for fake accepting code once, with
// redirectURI.
// Its token answers name the front itself as the api_domain, the company's
// own API address where Pipedrive sends an OAuth token's requests.
func NewOAuthFront(fake *Server, code, redirectURI string) *OAuthFront {
	var domain atomic.Pointer[string]
	wire := oauth
	wire.Issued = func(w http.ResponseWriter, access, refresh string) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer", "refresh_token": refresh,
			"scope": "deals:read,activities:read", "expires_in": int64(TokenLifetime / time.Second), "api_domain": *domain.Load()})
	}
	front := crmtest.NewOAuthFront(&fake.Fake, fake.Server.Config.Handler, wire, code, url.Values{"redirect_uri": {redirectURI}})
	domain.Store(&front.URL)
	return front
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) limitHeaders(w http.ResponseWriter, now time.Time) {
	w.Header().Set("x-ratelimit-limit", strconv.Itoa(BurstLimit))
	w.Header().Set("x-ratelimit-remaining", strconv.Itoa(max(0, BurstLimit-s.burst.Count(now))))
	w.Header().Set("x-ratelimit-reset", "2")
}

func (s *Server) tooMany(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "2")
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"success": false, "error": "Request over limit", "errorCode": 429})
}

func html403(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprint(w, "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>")
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	now := s.Now()
	s.Requests++
	if now.Before(s.blocked) {
		s.Violations++
		s.Mu.Unlock()
		html403(w)
		return
	}
	if !s.burst.Allow(now) {
		s.Violations++
		s.refusals = append(s.refusals, now)
		s.refusals = slices.DeleteFunc(s.refusals, func(t time.Time) bool { return now.Sub(t) > BlockWindow })
		if len(s.refusals) >= BlockAfter {
			s.blocked = now.Add(BlockFor)
		}
		s.limitHeaders(w, now)
		s.Mu.Unlock()
		s.tooMany(w)
		return
	}
	s.limitHeaders(w, now)
	fault, answer := s.Admit(r, oauth)
	if answer != nil {
		s.Mu.Unlock()
		answer(w, r)
		return
	}
	switch fault {
	case Fault429:
		s.Mu.Unlock()
		s.tooMany(w)
		return
	case Fault403:
		s.Mu.Unlock()
		html403(w)
		return
	case Fault502:
		s.Mu.Unlock()
		crmtest.BadGateway(w)
		return
	case FaultTimeout:
		s.Mu.Unlock()
		s.Hang(r)
		return
	}
	status, body := s.route(r)
	s.Mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(crmtest.Truncate(body, fault))
}

func marshal(status int, v any) (int, []byte) {
	b, _ := json.Marshal(v)
	return status, b
}

func refused(status int, msg string) (int, []byte) {
	return marshal(status, map[string]any{"success": false, "error": msg, "errorCode": status})
}

func ok(data any, additional map[string]any) (int, []byte) {
	out := map[string]any{"success": true, "data": data}
	if additional != nil {
		out["additional_data"] = additional
	}
	return marshal(http.StatusOK, out)
}

// route serves an API call. Hold Mu.
func (s *Server) route(r *http.Request) (int, []byte) {
	if r.Method != http.MethodGet {
		return refused(http.StatusMethodNotAllowed, "method")
	}
	q := r.URL.Query()
	switch p := r.URL.Path; {
	case p == "/v1/users":
		var out []map[string]any
		for _, u := range s.Users {
			name, email := u.Name, u.Email
			if name == "" {
				name = fmt.Sprintf("User %d", u.ID)
			}
			if email == "" {
				email = fmt.Sprintf("user%d@example.com", u.ID)
			}
			out = append(out, map[string]any{"id": u.ID, "name": name, "email": email, "active_flag": !u.Inactive, "is_admin": 0, "has_pic": 0})
		}
		return ok(out, nil)
	case p == "/v1/pipelines":
		var out []map[string]any
		for _, pl := range s.Pipelines {
			out = append(out, map[string]any{"id": pl.ID, "name": pl.Name, "order_nr": pl.OrderNr, "active": true})
		}
		return ok(out, nil)
	case p == "/v1/stages":
		var out []map[string]any
		for _, st := range s.Stages {
			out = append(out, map[string]any{"id": st.ID, "name": st.Name, "pipeline_id": st.PipelineID, "order_nr": st.OrderNr,
				"active_flag": true})
		}
		return ok(out, nil)
	case p == "/v1/activityTypes":
		var out []map[string]any
		for i, t := range s.ActivityTypes {
			out = append(out, map[string]any{"id": i + 1, "name": t.Name, "key_string": t.Key, "icon_key": t.Icon,
				"active_flag": true, "is_custom_flag": strings.HasPrefix(t.Key, "custom")})
		}
		return ok(out, nil)
	case p == "/api/v2/organizations":
		return s.list(p, q, func(yield func(int64, time.Time, func() map[string]any)) {
			for _, o := range s.Orgs {
				yield(o.ID, o.Updated, func() map[string]any {
					return map[string]any{"id": o.ID, "name": o.Name, "owner_id": o.OwnerID, "add_time": Time(o.AddTime),
						"update_time": Time(o.Updated), "is_deleted": o.Deleted}
				})
			}
		})
	case p == "/api/v2/persons":
		return s.list(p, q, func(yield func(int64, time.Time, func() map[string]any)) {
			for _, ps := range s.Persons {
				yield(ps.ID, ps.Updated, func() map[string]any {
					phones := []map[string]any{}
					for i, ph := range ps.Phones {
						phones = append(phones, map[string]any{"value": ph, "primary": i == 0, "label": []string{"work", "mobile"}[i%2]})
					}
					var org any
					if ps.OrgID != 0 {
						org = ps.OrgID
					}
					return map[string]any{"id": ps.ID, "name": ps.Name, "owner_id": ps.OwnerID, "org_id": org, "phones": phones,
						"emails": []any{}, "add_time": Time(ps.AddTime), "update_time": Time(ps.Updated), "is_deleted": ps.Deleted,
						"visible_to": 3}
				})
			}
		})
	case p == "/api/v2/deals" || p == "/api/v2/deals/archived":
		wantDeleted, wantArchived := q.Get("status") == "deleted", p == "/api/v2/deals/archived"
		if st := q.Get("status"); st != "" && st != "deleted" {
			return refused(http.StatusBadRequest, "the fake filters status=deleted only")
		}
		return s.list(p, q, func(yield func(int64, time.Time, func() map[string]any)) {
			for _, d := range s.Deals {
				if d.Deleted != wantDeleted || d.Deleted && s.Now().Sub(d.Updated) > 30*24*time.Hour ||
					!d.Deleted && d.Archived != wantArchived {
					continue
				}
				yield(d.ID, d.Updated, func() map[string]any { return s.dealWire(d) })
			}
		})
	case p == "/api/v2/activities":
		return s.list(p, q, func(yield func(int64, time.Time, func() map[string]any)) {
			for _, a := range s.Activities {
				yield(a.ID, a.Updated, func() map[string]any { return activityWire(a) })
			}
		})
	case strings.HasPrefix(p, "/v1/deals/") && strings.HasSuffix(p, "/changelog"):
		id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(p, "/v1/deals/"), "/changelog"), 10, 64)
		return s.changelog(id, q)
	}
	return refused(http.StatusNotFound, "Unknown method .")
}

func (s *Server) dealWire(d *Deal) map[string]any {
	m := map[string]any{"id": d.ID, "title": d.Title, "owner_id": d.OwnerID, "value": d.Value, "currency": "EUR",
		"status": d.Status, "stage_id": d.StageID, "pipeline_id": d.PipelineID, "add_time": Time(d.AddTime),
		"update_time": Time(d.Updated), "won_time": nil, "lost_time": nil, "close_time": nil, "stage_change_time": nil,
		"is_deleted": d.Deleted, "is_archived": d.Archived}
	if !d.WonTime.IsZero() {
		m["won_time"], m["close_time"] = Time(d.WonTime), Time(d.WonTime)
	}
	if !d.LostTime.IsZero() {
		m["lost_time"], m["close_time"] = Time(d.LostTime), Time(d.LostTime)
	}
	if n := len(d.Changes); n > 0 {
		m["stage_change_time"] = Time(d.Changes[n-1].At)
	}
	return m
}

type row struct {
	id      int64
	updated time.Time
	wire    func() map[string]any
}

// list serves a v2 list: ids, updated_since (at or after), sort_by
// update_time or id, limit up to 500, an opaque cursor (the offset).
func (s *Server) list(path string, q url.Values, all func(yield func(int64, time.Time, func() map[string]any))) (int, []byte) {
	limit := 100
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	if limit <= 0 || limit > 500 {
		return refused(http.StatusBadRequest, "limit must be 1 to 500")
	}
	var since time.Time
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return refused(http.StatusBadRequest, "updated_since must be RFC 3339")
		}
		since = t
	}
	var ids map[int64]bool
	if v := q.Get("ids"); v != "" {
		ids = map[int64]bool{}
		for _, f := range strings.Split(v, ",") {
			n, _ := strconv.ParseInt(f, 10, 64)
			ids[n] = true
		}
		if len(ids) > 100 {
			return refused(http.StatusBadRequest, "at most 100 ids")
		}
	}
	var rows []row
	all(func(id int64, updated time.Time, wire func() map[string]any) {
		if (ids == nil || ids[id]) && !updated.Before(since) {
			rows = append(rows, row{id, updated, wire})
		}
	})
	byUpdate := q.Get("sort_by") == "update_time"
	desc := q.Get("sort_direction") == "desc"
	slices.SortFunc(rows, func(a, b row) int {
		c := 0
		if byUpdate {
			c = a.updated.Compare(b.updated)
		}
		if c == 0 {
			c = int(a.id - b.id)
		}
		if desc {
			c = -c
		}
		return c
	})
	offset := 0
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err == nil {
			offset, err = strconv.Atoi(string(b))
		}
		if err != nil || offset < 0 {
			return refused(http.StatusBadRequest, "invalid cursor")
		}
	}
	lo, hi := min(offset, len(rows)), min(offset+limit, len(rows))
	data := []map[string]any{}
	for _, r := range rows[lo:hi] {
		data = append(data, r.wire())
	}
	var next any
	if hi < len(rows) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(hi)))
	}
	if s.AfterPage != nil {
		s.AfterPage(path)
	}
	return ok(data, map[string]any{"next_cursor": next})
}

// changelog serves GET /v1/deals/{id}/changelog: the deal's stage changes,
// newest first, with the other fields' changes (value) between them.
func (s *Server) changelog(id int64, q url.Values) (int, []byte) {
	d := s.Deals[id]
	if d == nil || d.Deleted {
		return refused(http.StatusNotFound, "Deal not found")
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var all []map[string]any
	for i := len(d.Changes) - 1; i >= 0; i-- {
		ch := d.Changes[i]
		all = append(all, map[string]any{"field_key": "stage_id", "old_value": strconv.FormatInt(ch.From, 10),
			"new_value": strconv.FormatInt(ch.To, 10), "actor_user_id": ch.UserID, "time": V1Time(ch.At),
			"change_source": "app", "change_source_user_agent": "fake", "is_bulk_update_flag": false},
			map[string]any{"field_key": "value", "old_value": "0", "new_value": "100", "actor_user_id": ch.UserID,
				"time": V1Time(ch.At), "change_source": "app", "is_bulk_update_flag": false})
	}
	offset := 0
	if c := q.Get("cursor"); c != "" {
		offset, _ = strconv.Atoi(c)
	}
	lo, hi := min(offset, len(all)), min(offset+limit, len(all))
	var next any
	if hi < len(all) {
		next = strconv.Itoa(hi)
	}
	return ok(append([]map[string]any{}, all[lo:hi]...), map[string]any{"next_cursor": next})
}

// MoveDeal moves deal id to stage at at, by user (0: an automation), as
// Pipedrive does: stage_id (and pipeline_id) change, update_time and
// stage_change_time move, the changelog records it. Hold Mu.
func (s *Server) MoveDeal(id, stage int64, at time.Time, user int64) {
	d := s.Deals[id]
	d.Changes = append(d.Changes, Change{From: d.StageID, To: stage, At: at, UserID: user})
	d.StageID, d.Updated = stage, at
	for _, st := range s.Stages {
		if st.ID == stage {
			d.PipelineID = st.PipelineID
		}
	}
}

// activityWire is an activity as API v2 serves it.
func activityWire(a *Activity) map[string]any {
	m := map[string]any{"id": a.ID, "subject": a.Subject, "type": a.Type, "owner_id": a.OwnerID, "done": a.Done,
		"due_date": nil, "due_time": nil, "duration": nil, "marked_as_done_time": nil, "add_time": Time(a.AddTime),
		"update_time": Time(a.Updated), "is_deleted": a.Deleted, "deal_id": nil}
	if a.DealID != 0 {
		m["deal_id"] = a.DealID
	}
	if a.DueDate != "" {
		m["due_date"] = a.DueDate
	}
	if a.DueTime != "" {
		m["due_time"] = a.DueTime
	}
	if a.Duration != "" {
		m["duration"] = a.Duration
	}
	if !a.MarkedAsDone.IsZero() {
		m["marked_as_done_time"] = Time(a.MarkedAsDone)
	}
	return m
}
