// Package hubspottest is a fake HubSpot CRM v3 for tests: it holds a truth
// set of objects (companies, deals, tasks, calls, meetings; archived ones
// too), their deal associations, the deal pipelines and the owners, and
// serves them in the documented wire format: every property value a
// string, ISO 8601 times, search with filterGroups, sorts and an offset
// `after` that stops at 10,000 results (400 past it), archived listings
// and the owners (live or archived, with names) paged by an opaque cursor,
// v4 association batch reads. It enforces the burst limit (100 in any 10
// seconds) and the search endpoints' own (4 a second) with HubSpot's 429
// body, counts every violation and injects faults on demand.
package hubspottest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// Object is a CRM object as HubSpot keeps it: its properties are strings;
// Deal is the deal a task, call or meeting is associated with (0: none);
// History holds, oldest first, the values a property had (a deal's
// dealstage and pipeline: MoveDeal writes them).
type Object struct {
	ID         int64
	Properties map[string]string
	Archived   bool
	ArchivedAt time.Time
	Deal       int64
	History    map[string][]Change
}

// Change is an entry of a property's history: the value set at At by the
// user UserID (0: an automation).
type Change struct {
	Value  string
	At     time.Time
	UserID int64
}

// Owner is an owner: the id records name, its user's id, which histories
// name, and the person (Email "" is served as owner<id>@example.com).
// An archived owner (a deactivated user) is listed only with
// archived=true.
type Owner struct {
	ID, UserID          int64
	FirstName, LastName string
	Email               string
	Archived            bool
}

// Modified returns the object's hs_lastmodifieddate, or a contact's
// lastmodifieddate.
func (o *Object) Modified() time.Time {
	if v, ok := o.Properties["hs_lastmodifieddate"]; ok {
		return ParseTime(v)
	}
	return ParseTime(o.Properties["lastmodifieddate"])
}

// ModifiedProperty is the modification-time property of obj, the one its
// searches filter and sort on: contacts name it lastmodifieddate (HubSpot's
// search guide), the other objects hs_lastmodifieddate.
func ModifiedProperty(obj string) string {
	if obj == "contacts" {
		return "lastmodifieddate"
	}
	return "hs_lastmodifieddate"
}

// Pipeline is a deal pipeline.
type Pipeline struct {
	ID, Label    string
	DisplayOrder int
	Stages       []Stage
}

// Stage is a pipeline stage; Probability is "1.0" for won, "0.0" for lost.
type Stage struct {
	ID, Label    string
	DisplayOrder int
	Closed       bool
	Probability  string
}

// Fault is a failure the server answers one request with.
type Fault = crmtest.Fault

// The faults the server can inject, HubSpot's own and the shared ones.
const (
	Fault429   Fault = crmtest.WireFault + iota // 429 TEN_SECONDLY_ROLLING
	FaultDaily                                  // 429 DAILY: the day's requests are spent
	Fault502                                    // 502 with an HTML page

	FaultTimeout   = crmtest.FaultTimeout   // no answer until the client gives up
	FaultTruncated = crmtest.FaultTruncated // a 200 whose JSON body is cut in half
	FaultExpired   = crmtest.FaultExpired   // the access token expires: 401 until refreshed
)

// The limits the fake enforces, and how deep a search may page.
const (
	BurstLimit    = 100 // requests in any 10 seconds
	SearchLimit   = 4   // search requests in any second
	SearchCeiling = 10000
)

// TokenLifetime is how long an OAuth access token lasts (HubSpot answers
// expires_in 1800).
const TokenLifetime = 30 * time.Minute

// Server is the fake. Lock Mu to change the truth while it serves.
type Server struct {
	crmtest.Fake

	Objects   map[string]map[int64]*Object // by object type ("deals") and id
	Pipelines []*Pipeline
	Owners    []Owner

	// AfterPage, if set, runs (under Mu) after a search page is served:
	// tests change records between pages with it.
	AfterPage func(object string, after int)

	burst, search crmtest.Window
}

// NewServer starts a fake with an empty truth and one pipeline, "default",
// reading time from now.
func NewServer(now func() time.Time) *Server {
	s := &Server{
		Fake: crmtest.Fake{Now: now, AccessToken: "access-0", RefreshToken: "refresh-0",
			ClientID: "hs-client", ClientSecret: "hs-secret"},
		Objects: map[string]map[int64]*Object{},
		Pipelines: []*Pipeline{{ID: "default", Label: "Sales Pipeline", Stages: []Stage{
			{ID: "appointmentscheduled", Label: "Appointment Scheduled", DisplayOrder: 0, Probability: "0.2"},
			{ID: "contractsent", Label: "Contract Sent", DisplayOrder: 1, Probability: "0.9"},
			{ID: "closedwon", Label: "Closed Won", DisplayOrder: 2, Closed: true, Probability: "1.0"},
			{ID: "closedlost", Label: "Closed Lost", DisplayOrder: 3, Closed: true, Probability: "0.0"},
		}}},
		burst:  crmtest.Window{Max: BurstLimit, Per: 10 * time.Second},
		search: crmtest.Window{Max: SearchLimit, Per: time.Second},
	}
	for _, obj := range []string{"companies", "contacts", "deals", "tasks", "calls", "meetings"} {
		s.Objects[obj] = map[int64]*Object{}
	}
	s.Start(http.HandlerFunc(s.serve))
	return s
}

// Time formats a time as HubSpot serves datetime properties.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ParseTime reads what Time wrote ("" is the zero time).
func ParseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func problem(w http.ResponseWriter, status int, category, message string) {
	writeJSON(w, status, map[string]any{"status": "error", "message": message, "correlationId": "fake", "category": category})
}

func rateLimited(w http.ResponseWriter, policy string) {
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "You have reached your " + strings.ToLower(policy) + " limit.",
		"errorType": "RATE_LIMIT", "correlationId": "fake", "policyName": policy})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	now := s.Now()
	s.Requests++
	isSearch := strings.HasSuffix(r.URL.Path, "/search")
	if !s.burst.Allow(now) {
		s.Violations++
		s.Mu.Unlock()
		rateLimited(w, "TEN_SECONDLY_ROLLING")
		return
	}
	if isSearch && !s.search.Allow(now) {
		s.Violations++
		s.Mu.Unlock()
		rateLimited(w, "SECONDLY")
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
		rateLimited(w, "TEN_SECONDLY_ROLLING")
		return
	case FaultDaily:
		s.Mu.Unlock()
		rateLimited(w, "DAILY")
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
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	w.Write(crmtest.Truncate(body, fault))
}

func marshal(status int, v any) (int, []byte) {
	b, _ := json.Marshal(v)
	return status, b
}

func refused(status int, category, message string) (int, []byte) {
	return marshal(status, map[string]any{"status": "error", "message": message, "correlationId": "fake", "category": category})
}

// route serves an API call. Hold Mu.
func (s *Server) route(r *http.Request) (int, []byte) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/crm/v3/pipelines/deals":
		return s.pipelines()
	case r.Method == http.MethodGet && r.URL.Path == "/crm/v3/owners":
		return s.owners(r.URL.Query())
	case r.Method == http.MethodPost && len(parts) == 6 && parts[1] == "v3" && parts[2] == "objects" && parts[4] == "batch" && parts[5] == "read":
		return s.batchRead(parts[3], r.Body)
	case r.Method == http.MethodPost && len(parts) == 5 && parts[1] == "v3" && parts[2] == "objects" && parts[4] == "search":
		return s.searchObjects(parts[3], r.Body)
	case r.Method == http.MethodGet && len(parts) == 4 && parts[1] == "v3" && parts[2] == "objects":
		return s.list(parts[3], r.URL.Query())
	case r.Method == http.MethodPost && len(parts) == 7 && parts[1] == "v4" && parts[2] == "associations" && parts[4] == "deals" && parts[6] == "read":
		return s.associations(parts[3], r.Body)
	}
	return refused(http.StatusNotFound, "OBJECT_NOT_FOUND", "not found")
}

// wire is an object as the API serves it: the properties asked for (and
// hs_object_id), every value a string or null.
func wire(o *Object, props []string) map[string]any {
	p := map[string]any{"hs_object_id": strconv.FormatInt(o.ID, 10)}
	for _, name := range props {
		if v, ok := o.Properties[name]; ok {
			p[name] = v
		} else {
			p[name] = nil
		}
	}
	created := o.Properties["createdate"]
	if created == "" {
		created = o.Properties["hs_createdate"]
	}
	out := map[string]any{"id": strconv.FormatInt(o.ID, 10), "properties": p, "createdAt": created,
		"updatedAt": Time(o.Modified()), "archived": o.Archived}
	if o.Archived {
		out["archivedAt"] = Time(o.ArchivedAt)
	}
	return out
}

func (s *Server) searchObjects(obj string, body io.Reader) (int, []byte) {
	objects, ok := s.Objects[obj]
	if !ok {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "unknown object "+obj)
	}
	var q struct {
		FilterGroups []struct {
			Filters []struct{ PropertyName, Operator, Value string }
		}
		Sorts      []struct{ PropertyName, Direction string }
		Properties []string
		Limit      int
		After      string
	}
	if err := json.NewDecoder(body).Decode(&q); err != nil {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "bad body")
	}
	if q.Limit <= 0 {
		q.Limit = 10
	}
	after, _ := strconv.Atoi(q.After)
	if q.Limit > 200 || after+q.Limit > SearchCeiling {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "limit or paging past 10,000 results")
	}
	var from int64 = -1
	modified := ModifiedProperty(obj)
	for _, g := range q.FilterGroups {
		for _, f := range g.Filters {
			if f.PropertyName != modified || f.Operator != "GTE" {
				return refused(http.StatusBadRequest, "VALIDATION_ERROR", "the fake filters "+obj+" on "+modified+" GTE only")
			}
			from, _ = strconv.ParseInt(f.Value, 10, 64)
		}
	}
	byModified := len(q.Sorts) == 1 && q.Sorts[0].PropertyName == modified && q.Sorts[0].Direction == "ASCENDING"
	// Each object's modification time is parsed once, not in every
	// comparison: a search over 10,000 objects stays quick on a busy
	// machine.
	type hit struct {
		o   *Object
		mod int64
	}
	var hits []hit
	for _, o := range objects {
		if m := o.Modified().UnixMilli(); !o.Archived && m >= from {
			hits = append(hits, hit{o, m})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if byModified && a.mod != b.mod {
			return cmp.Compare(a.mod, b.mod)
		}
		return cmp.Compare(a.o.ID, b.o.ID)
	})
	lo, hi := min(after, len(hits)), min(after+q.Limit, len(hits))
	results := []map[string]any{}
	for _, h := range hits[lo:hi] {
		results = append(results, wire(h.o, q.Properties))
	}
	out := map[string]any{"total": len(hits), "results": results}
	if hi < len(hits) {
		out["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(hi)}}
	}
	if s.AfterPage != nil {
		s.AfterPage(obj, after)
	}
	return marshal(http.StatusOK, out)
}

// list serves the archived listing (archived=true), by id, paged by an
// opaque cursor.
func (s *Server) list(obj string, q url.Values) (int, []byte) {
	objects, ok := s.Objects[obj]
	if !ok || q.Get("archived") != "true" {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "the fake lists archived objects only")
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	if limit > 100 {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "limit")
	}
	var last int64
	if a := q.Get("after"); a != "" {
		b, err := base64.RawURLEncoding.DecodeString(a)
		if last, err = strconv.ParseInt(string(b), 10, 64); err != nil {
			return refused(http.StatusBadRequest, "VALIDATION_ERROR", "after")
		}
	}
	var ids []int64
	for id, o := range objects {
		if o.Archived && id > last {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	props := strings.Split(q.Get("properties"), ",")
	results := []map[string]any{}
	for _, id := range ids[:min(limit, len(ids))] {
		results = append(results, wire(objects[id], props))
	}
	out := map[string]any{"results": results}
	if len(ids) > limit {
		cursor := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ids[limit-1], 10)))
		out["paging"] = map[string]any{"next": map[string]any{"after": cursor, "link": "?after=" + cursor}}
	}
	return marshal(http.StatusOK, out)
}

func (s *Server) pipelines() (int, []byte) {
	results := []map[string]any{}
	for i, p := range s.Pipelines {
		stages := []map[string]any{}
		for _, st := range p.Stages {
			stages = append(stages, map[string]any{"id": st.ID, "label": st.Label, "displayOrder": st.DisplayOrder, "archived": false,
				"metadata": map[string]any{"isClosed": strconv.FormatBool(st.Closed), "probability": st.Probability}})
		}
		results = append(results, map[string]any{"id": p.ID, "label": p.Label, "displayOrder": i, "archived": false, "stages": stages})
	}
	return marshal(http.StatusOK, map[string]any{"results": results})
}

// associations serves a v4 batch read of obj → deals. An input with no
// deal is reported in errors, and the answer is then 207.
func (s *Server) associations(obj string, body io.Reader) (int, []byte) {
	objects, ok := s.Objects[obj]
	var in struct {
		Inputs []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	b, _ := io.ReadAll(body)
	if !ok || json.NewDecoder(bytes.NewReader(b)).Decode(&in) != nil || len(in.Inputs) > 1000 {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "bad batch")
	}
	results, errs := []map[string]any{}, []map[string]any{}
	for _, input := range in.Inputs {
		id, _ := strconv.ParseInt(input.ID, 10, 64)
		o := objects[id]
		if o == nil || o.Deal == 0 {
			errs = append(errs, map[string]any{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "No deals are associated with " + input.ID})
			continue
		}
		results = append(results, map[string]any{"from": map[string]any{"id": input.ID}, "to": []map[string]any{{
			"toObjectId": o.Deal, "associationTypes": []map[string]any{{"category": "HUBSPOT_DEFINED", "typeId": 216, "label": nil}}}}})
	}
	out := map[string]any{"status": "COMPLETE", "results": results, "startedAt": Time(s.Now()), "completedAt": Time(s.Now())}
	status := http.StatusOK
	if len(errs) > 0 {
		out["errors"], out["numErrors"] = errs, len(errs)
		status = http.StatusMultiStatus
	}
	return marshal(status, out)
}

// MoveDeal moves deal id to stage at at, made by the user userID (0: an
// automation), as HubSpot does: dealstage, hs_lastmodifieddate (and
// closedate into a closed stage) change, and the history records it,
// starting with the deal's creation in its first stage. Hold Mu.
func (s *Server) MoveDeal(id int64, stage string, at time.Time, userID int64) {
	o := s.Objects["deals"][id]
	if o.History == nil {
		created := ParseTime(o.Properties["createdate"])
		o.History = map[string][]Change{"dealstage": {{Value: o.Properties["dealstage"], At: created}},
			"pipeline": {{Value: o.Properties["pipeline"], At: created}}}
	}
	o.History["dealstage"] = append(o.History["dealstage"], Change{Value: stage, At: at, UserID: userID})
	o.Properties["dealstage"], o.Properties["hs_lastmodifieddate"] = stage, Time(at)
	for _, st := range s.Pipelines[0].Stages {
		if st.ID == stage && st.Closed {
			o.Properties["closedate"] = Time(at)
		}
	}
}

// owners serves GET /crm/v3/owners: the live owners, or with archived=true
// the archived ones only, limit a page (100 by default, at most 500) after
// an opaque cursor in paging.next.after.
func (s *Server) owners(q url.Values) (int, []byte) {
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return refused(http.StatusBadRequest, "VALIDATION_ERROR", "limit")
		}
		limit = n
	}
	archived := q.Get("archived") == "true"
	var list []Owner
	for _, o := range s.Owners {
		if o.Archived == archived {
			list = append(list, o)
		}
	}
	from := 0
	if a := q.Get("after"); a != "" {
		b, err := base64.RawURLEncoding.DecodeString(a)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "owners:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "owners:") || n < 0 || n > len(list) {
			return refused(http.StatusBadRequest, "VALIDATION_ERROR", "after")
		}
		from = n
	}
	to := min(from+limit, len(list))
	results := []map[string]any{}
	for _, o := range list[from:to] {
		email := o.Email
		if email == "" {
			email = fmt.Sprintf("owner%d@example.com", o.ID)
		}
		results = append(results, map[string]any{"id": strconv.FormatInt(o.ID, 10), "userId": o.UserID,
			"userIdIncludingInactive": o.UserID, "type": "PERSON", "email": email, "firstName": o.FirstName,
			"lastName": o.LastName, "archived": o.Archived, "teams": []any{},
			"createdAt": "2019-12-25T13:01:35.228Z", "updatedAt": "2023-08-22T13:40:26.790Z"})
	}
	out := map[string]any{"results": results}
	if to < len(list) {
		cursor := base64.RawURLEncoding.EncodeToString([]byte("owners:" + strconv.Itoa(to)))
		out["paging"] = map[string]any{"next": map[string]any{"after": cursor, "link": "?after=" + cursor}}
	}
	return marshal(http.StatusOK, out)
}

// batchRead serves POST /crm/v3/objects/{obj}/batch/read: the live
// objects asked for (others left out), with the histories asked for,
// newest first as HubSpot lists them. At most 100 inputs, 50 with
// histories (UNCONFIRMED).
func (s *Server) batchRead(obj string, body io.Reader) (int, []byte) {
	var in struct {
		Inputs []struct {
			ID string `json:"id"`
		} `json:"inputs"`
		Properties            []string `json:"properties"`
		PropertiesWithHistory []string `json:"propertiesWithHistory"`
	}
	if json.NewDecoder(body).Decode(&in) != nil || len(in.Inputs) > 50 && len(in.PropertiesWithHistory) > 0 || len(in.Inputs) > 100 {
		return refused(http.StatusBadRequest, "VALIDATION_ERROR", "bad batch")
	}
	results := []map[string]any{}
	for _, input := range in.Inputs {
		id, _ := strconv.ParseInt(input.ID, 10, 64)
		o := s.Objects[obj][id]
		if o == nil || o.Archived {
			continue
		}
		r := wire(o, in.Properties)
		history := map[string]any{}
		for _, name := range in.PropertiesWithHistory {
			entries := []map[string]any{}
			h := o.History[name]
			if h == nil && o.Properties[name] != "" {
				h = []Change{{Value: o.Properties[name], At: ParseTime(o.Properties["createdate"])}}
			}
			for i := len(h) - 1; i >= 0; i-- {
				e := map[string]any{"value": h[i].Value, "timestamp": Time(h[i].At), "sourceType": "CRM_UI", "sourceId": "userId:" + strconv.FormatInt(h[i].UserID, 10)}
				if h[i].UserID == 0 {
					e["sourceType"], e["sourceId"] = "AUTOMATION_PLATFORM", "enrollmentId:1"
				} else {
					e["updatedByUserId"] = h[i].UserID
				}
				entries = append(entries, e)
			}
			history[name] = entries
		}
		r["propertiesWithHistory"] = history
		results = append(results, r)
	}
	return marshal(http.StatusOK, map[string]any{"status": "COMPLETE", "results": results, "startedAt": Time(s.Now()), "completedAt": Time(s.Now())})
}
