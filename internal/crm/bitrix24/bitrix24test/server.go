// Package bitrix24test is a fake Bitrix24 REST portal for tests: it holds a
// truth set of companies, deals, activities and tasks and serves them in the
// documented wire format (string numbers, ISO 8601 times with the portal's
// offset, fixed 50-row pages, start=-1 and ">ID" paging, batch with
// $result[…] references, tasks.task.list's camelCase), enforces the leaky
// bucket (burst 50, drains 2/s: 503 QUERY_LIMIT_EXCEEDED) and counts every
// violation, and injects faults on demand.
package bitrix24test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// Zone is the portal's time zone: times are served with its offset.
var Zone = time.FixedZone("MSK", 3*3600)

// Company is a company; Phones are its PHONE multi-field's values.
type Company struct {
	ID, AssignedBy, CreatedBy int64
	Title                     string
	Created, Modified         time.Time
	Phones                    []string
}

// Contact is a contact person: Name and LastName, its company (0: none),
// and its PHONE multi-field's values.
type Contact struct {
	ID, AssignedBy, CompanyID int64
	Name, LastName            string
	Created, Modified         time.Time
	Phones                    []string
}

// Deal is a deal; Semantic is P, S or F. StageID empty is NEW, WON or LOSE
// by Semantic (C<n>: before them in funnel n). CLOSEDATE is served as the
// date of CloseDate (midnight in Zone: Bitrix24 types it date); MOVED_TIME
// is Moved, or CloseDate for a closed deal when Moved is zero.
type Deal struct {
	ID, AssignedBy, CreatedBy, CategoryID int64
	Title, Semantic, Opportunity, StageID string
	Created, Modified, CloseDate, Moved   time.Time
}

// Stage returns the deal's STAGE_ID.
func (d *Deal) Stage() string {
	if d.StageID != "" {
		return d.StageID
	}
	id := map[string]string{"P": "NEW", "S": "WON", "F": "LOSE"}[d.Semantic]
	if d.CategoryID != 0 {
		id = fmt.Sprintf("C%d:%s", d.CategoryID, id)
	}
	return id
}

// Category is a deal funnel with its stages; 0 is the default one.
type Category struct {
	ID     int64
	Name   string
	Sort   int64
	Stages []Stage
}

// Stage is a deal stage: ID as STATUS_ID ("NEW", "C1:NEW"); Semantics ""
// (in progress), S or F.
type Stage struct {
	ID, Name, Semantics string
	Sort                int64
}

// History is a stage history row: TypeID 1 creation, 2 a move to an
// intermediate stage, 3 to a final one.
type History struct {
	ID, TypeID, OwnerID, CategoryID int64
	StageID, Semantic               string
	Created                         time.Time
}

// Activity is a CRM activity: TypeID 1 meeting, 2 call, 4 e-mail…;
// Direction 1 incoming, 2 outgoing (0 served as "0": none).
type Activity struct {
	ID, TypeID, OwnerTypeID, OwnerID, Responsible, Direction int64
	Start, End, Created, Updated                             time.Time
	Completed                                                bool
	// Phone is the other party's number: the activity's COMMUNICATIONS
	// (TYPE PHONE), served only when selected by name.
	Phone string
}

// Task is a task; Status 5 is completed, Closed zero while open.
type Task struct {
	ID, Responsible, Status            int64
	Title                              string
	Created, Changed, Deadline, Closed time.Time
	Links                              []string // ufCrmTask: "D_123", "CO_5"
}

// Fault is a failure the server answers one REST request with.
type Fault = crmtest.Fault

// The faults the server can inject, Bitrix24's own and the shared ones.
const (
	FaultLimit     Fault = crmtest.WireFault + iota // 503 QUERY_LIMIT_EXCEEDED
	FaultOperating                                  // 429 OPERATION_TIME_LIMIT
	Fault500                                        // 500 with an HTML page

	FaultTimeout   = crmtest.FaultTimeout   // no answer until the client gives up
	FaultTruncated = crmtest.FaultTruncated // a 200 whose JSON is cut in half
	FaultExpired   = crmtest.FaultExpired   // the access token expires: 401 expired_token until refreshed
)

// Bucket is the portal's leaky bucket.
const (
	Burst = 50
	Drain = 2.0
)

// Server is the fake. Lock Mu to change the truth while it serves.
type Server struct {
	crmtest.Fake

	Companies  map[int64]*Company
	Contacts   map[int64]*Contact
	Deals      map[int64]*Deal
	Activities map[int64]*Activity
	Tasks      map[int64]*Task
	// Categories are the deal funnels, the default one (0) first;
	// ListsDefault makes crm.category.list list it too.
	Categories   []*Category
	ListsDefault bool
	History      map[int64]*History
	Users        map[int64]*User // user.get (setup's People step)

	// WebhookPath is the secret path of the inbound webhook (/rest/1/secret/);
	// the Fake's AccessToken etc. serve OAuth calls at /rest/.
	WebhookPath string

	// AfterPage, if set, runs (under Mu) after a list page is produced,
	// within a batch too: tests change records between pages with it.
	AfterPage func(method string, page int)

	// PerMethod counts REST calls by method (batch commands are not
	// calls).
	PerMethod map[string]int

	level float64
	last  time.Time
	pages int
}

// NewServer starts a fake with an empty truth, reading time from now.
func NewServer(now func() time.Time) *Server {
	s := &Server{
		Fake: crmtest.Fake{Now: now, AccessToken: "access-0", RefreshToken: "refresh-0",
			ClientID: "app.client", ClientSecret: "app-secret"},
		Companies:  map[int64]*Company{},
		Contacts:   map[int64]*Contact{},
		Deals:      map[int64]*Deal{},
		Activities: map[int64]*Activity{},
		Tasks:      map[int64]*Task{},
		History:    map[int64]*History{},
		Categories: []*Category{{ID: 0, Name: "Общая", Sort: 100, Stages: []Stage{
			{ID: "NEW", Name: "Новая", Sort: 10}, {ID: "PREPARATION", Name: "Подготовка документов", Sort: 20},
			{ID: "WON", Name: "Сделка успешна", Semantics: "S", Sort: 60}, {ID: "LOSE", Name: "Сделка провалена", Semantics: "F", Sort: 70},
		}}},
		WebhookPath: "/rest/1/s3cr3tw3bh00k/",
		PerMethod:   map[string]int{},
	}
	s.Start(http.HandlerFunc(s.serve))
	return s
}

// StageOf returns the funnel and semantics of a stage id; ok is false for
// an unknown stage. Hold Mu.
func (s *Server) StageOf(stageID string) (category int64, semantics string, ok bool) {
	for _, c := range s.Categories {
		for _, st := range c.Stages {
			if st.ID == stageID {
				return c.ID, st.Semantics, true
			}
		}
	}
	return 0, "", false
}

// Create logs deal id's creation in its current stage at at. Hold Mu.
func (s *Server) Create(id int64, at time.Time) *History {
	d := s.Deals[id]
	return s.log(1, id, d.CategoryID, d.Stage(), d.Semantic, at)
}

// Move moves deal id to stageID at at, as Bitrix24 does: a history row
// (TYPE_ID 3 into a final stage, else 2), the deal's funnel, stage,
// semantics, MOVED_TIME and DATE_MODIFY, and CLOSEDATE when it closes.
// Hold Mu.
func (s *Server) Move(id int64, stageID string, at time.Time) *History {
	cat, sem, ok := s.StageOf(stageID)
	if !ok {
		panic("bitrix24test: unknown stage " + stageID)
	}
	semantic, typeID := "P", int64(2)
	if sem != "" {
		semantic, typeID = sem, 3
	}
	d := s.Deals[id]
	d.CategoryID, d.StageID, d.Semantic, d.Moved, d.Modified = cat, stageID, semantic, at, at
	if semantic != "P" {
		d.CloseDate = at
	}
	return s.log(typeID, id, cat, stageID, semantic, at)
}

func (s *Server) log(typeID, owner, cat int64, stage, semantic string, at time.Time) *History {
	h := &History{ID: int64(len(s.History) + 1), TypeID: typeID, OwnerID: owner, CategoryID: cat, StageID: stage,
		Semantic: semantic, Created: at}
	for s.History[h.ID] != nil {
		h.ID++
	}
	s.History[h.ID] = h
	return h
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) timing(now time.Time) map[string]any {
	return map[string]any{"start": float64(now.UnixMilli()) / 1000, "finish": float64(now.UnixMilli())/1000 + 0.05,
		"duration": 0.05, "processing": 0.04, "date_start": now.In(Zone).Format(time.RFC3339),
		"operating": 0, "operating_reset_at": now.Add(10 * time.Minute).Unix()}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	now := s.Now()
	s.Requests++
	if r.URL.Path == oauth.TokenPath {
		s.ServeRefresh(w, r, oauth)
		s.Mu.Unlock()
		return
	}
	// The leaky bucket: one drop a request, draining Drain a second.
	if !s.last.IsZero() {
		s.level = max(0, s.level-now.Sub(s.last).Seconds()*Drain)
	}
	s.last = now
	if s.level+1 > Burst {
		s.Violations++
		s.Mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
		return
	}
	s.level++
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.Mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "INVALID_REQUEST", "error_description": "bad form"})
		return
	}
	var method string
	switch {
	case strings.HasPrefix(r.URL.Path, s.WebhookPath):
		method = strings.TrimPrefix(r.URL.Path, s.WebhookPath)
	case strings.HasPrefix(r.URL.Path, "/rest/"):
		method = strings.TrimPrefix(r.URL.Path, "/rest/")
		if strings.Count(method, "/") > 0 {
			s.Mu.Unlock()
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "INVALID_CREDENTIALS", "error_description": "Invalid request credentials"})
			return
		}
	default:
		s.Mu.Unlock()
		http.NotFound(w, r)
		return
	}
	method = strings.TrimSuffix(method, ".json")
	s.PerMethod[method]++
	fault := s.NextFault(method)
	if !strings.HasPrefix(r.URL.Path, s.WebhookPath) && form.Get("auth") != s.AccessToken {
		s.Mu.Unlock()
		code := "expired_token"
		if form.Get("auth") == "" {
			code = "NO_AUTH_FOUND"
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": code, "error_description": "The access token provided has expired."})
		return
	}
	switch fault {
	case FaultLimit:
		s.Mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
		return
	case FaultOperating:
		s.Mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked due to operation time limit."})
		return
	case Fault500:
		s.Mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "<html><body><h1>500 Internal Server Error</h1></body></html>")
		return
	case FaultTimeout:
		s.Mu.Unlock()
		s.Hang(r)
		return
	}
	var out map[string]any
	if method == "batch" {
		out = s.batch(body)
	} else {
		res, next, total, errCode := s.run(method, form)
		if errCode != "" {
			s.Mu.Unlock()
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": errCode, "error_description": "fake: " + errCode})
			return
		}
		out = map[string]any{"result": res}
		if next > 0 {
			out["next"] = next
		}
		if total >= 0 {
			out["total"] = total
		}
	}
	out["time"] = s.timing(now)
	s.Mu.Unlock()
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(crmtest.Truncate(b, fault))
}

var reference = regexp.MustCompile(`\$result\[([^\]]+)\]((?:\[[^\]]*\])*)`)
var pathPart = regexp.MustCompile(`\[([^\]]*)\]`)

// batch runs the commands in the order of the body, resolving $result[…]
// references against the results so far; a command whose reference does not
// resolve fails into result_error.
func (s *Server) batch(body []byte) map[string]any {
	results, errs, totals, nexts := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	raw := map[string]any{}
	for _, pair := range strings.Split(string(body), "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		name, ok := strings.CutPrefix(k, "cmd[")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "]")
		unresolved := false
		cmd := reference.ReplaceAllStringFunc(v, func(ref string) string {
			m := reference.FindStringSubmatch(ref)
			var cur any = raw[m[1]]
			for _, p := range pathPart.FindAllStringSubmatch(m[2], -1) {
				switch c := cur.(type) {
				case map[string]any:
					cur = c[p[1]]
				case []any:
					i, err := strconv.Atoi(p[1])
					if err != nil || i >= len(c) {
						cur = nil
					} else {
						cur = c[i]
					}
				default:
					cur = nil
				}
			}
			if cur == nil {
				unresolved = true
				return ""
			}
			return fmt.Sprint(cur)
		})
		if unresolved {
			errs[name] = map[string]any{"error": "", "error_description": "reference not resolved"}
			continue
		}
		method, query, _ := strings.Cut(cmd, "?")
		form, err := url.ParseQuery(query)
		if err != nil {
			errs[name] = map[string]any{"error": "INVALID_REQUEST", "error_description": "bad query"}
			continue
		}
		res, next, total, code := s.run(method, form)
		if code != "" {
			errs[name] = map[string]any{"error": code, "error_description": "fake: " + code}
			continue
		}
		// Round-trip through JSON so that references see what a client would.
		b, _ := json.Marshal(res)
		var generic any
		json.Unmarshal(b, &generic)
		raw[name], results[name] = generic, res
		if total >= 0 {
			totals[name] = total
		}
		if next > 0 {
			nexts[name] = next
		}
	}
	phpMap := func(m map[string]any) any {
		if len(m) == 0 {
			return []any{} // PHP encodes an empty array as []
		}
		return m
	}
	return map[string]any{"result": map[string]any{"result": phpMap(results), "result_error": phpMap(errs),
		"result_total": phpMap(totals), "result_next": phpMap(nexts), "result_time": []any{}}}
}

// row is one listed record: src is its truth (*Company, *Deal, *Activity,
// *Task), turned into its wire form only if it is on the page served.
type row struct {
	id  int64
	src any
}

func str(n int64) string { return strconv.FormatInt(n, 10) }

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format(time.RFC3339)
}

// isoDate serves a date field: midnight of t's day in the portal's zone.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone).Format(time.RFC3339)
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// modFields is the modification-time field of each list method's filter.
var modFields = map[string]string{"crm.company.list": "DATE_MODIFY", "crm.contact.list": "DATE_MODIFY", "crm.deal.list": "DATE_MODIFY",
	"crm.activity.list": "LAST_UPDATED", "tasks.task.list": "CHANGED_DATE"}

// run executes one list method; total is -1 when not counted (start=-1).
// Filters are applied before a row's wire form is built, and a page selects
// its rows by id without sorting the rest, so that a fake holding 100,000
// records serves a page in milliseconds.
func (s *Server) run(method string, q url.Values) (result any, next, total int, code string) {
	switch method {
	case "crm.category.list", "crm.status.list", "crm.dealcategory.default.get":
		return s.catalogue(method, q)
	case "crm.stagehistory.list":
		return s.history(q)
	case "user.get":
		return s.users(q)
	}
	modField, ok := modFields[method]
	if !ok {
		return nil, 0, 0, "ERROR_METHOD_NOT_FOUND"
	}
	upper := func(k string) string {
		if method == "tasks.task.list" {
			return strings.ToUpper(k)
		}
		return k
	}
	after := int64(-1)
	if v := q.Get("filter[>" + upper("ID") + "]"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, 0, 0, "INVALID_FILTER"
		}
		after = n
	}
	var from time.Time
	if v := q.Get("filter[>=" + modField + "]"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, 0, 0, "INVALID_FILTER"
		}
		from = t
	}
	var ids []string
	for _, k := range []string{"filter[@ID][]", "filter[ID][]"} {
		if v := q[k]; len(v) > 0 {
			ids = v
		}
	}
	types := q["filter[@TYPE_ID][]"]
	keep := func(id int64, modified time.Time, typeID int64) bool {
		return id > after && !modified.Before(from) && (ids == nil || slices.Contains(ids, str(id))) &&
			(types == nil || slices.Contains(types, str(typeID)))
	}
	start, _ := strconv.Atoi(q.Get("start"))
	// Rows are selected by id: the first start+50 are kept in order, the
	// rest only counted.
	need := max(start, 0) + 50
	var rows []row
	count := 0
	add := func(r row) {
		count++
		if len(rows) == need && r.id >= rows[need-1].id {
			return
		}
		i, _ := slices.BinarySearchFunc(rows, r.id, func(x row, id int64) int { return cmpInt(x.id, id) })
		rows = slices.Insert(rows, i, r)
		if len(rows) > need {
			rows = rows[:need]
		}
	}
	var wire func(src any) map[string]any
	switch method {
	case "crm.company.list":
		for _, c := range s.Companies {
			if keep(c.ID, c.Modified, 0) {
				add(row{c.ID, c})
			}
		}
		wire = func(src any) map[string]any {
			c := src.(*Company)
			m := map[string]any{"ID": str(c.ID), "TITLE": c.Title,
				"ASSIGNED_BY_ID": str(c.AssignedBy), "CREATED_BY_ID": str(c.CreatedBy), "DATE_CREATE": isoTime(c.Created),
				"DATE_MODIFY": isoTime(c.Modified), "COMPANY_TYPE": "CUSTOMER"}
			phoneField(m, q, c.ID, c.Phones)
			return m
		}
	case "crm.contact.list":
		for _, c := range s.Contacts {
			if keep(c.ID, c.Modified, 0) {
				add(row{c.ID, c})
			}
		}
		wire = func(src any) map[string]any {
			c := src.(*Contact)
			var company any
			if c.CompanyID != 0 {
				company = str(c.CompanyID)
			}
			m := map[string]any{"ID": str(c.ID), "NAME": c.Name, "SECOND_NAME": nil, "LAST_NAME": c.LastName,
				"ASSIGNED_BY_ID": str(c.AssignedBy), "COMPANY_ID": company, "DATE_CREATE": isoTime(c.Created),
				"DATE_MODIFY": isoTime(c.Modified), "TYPE_ID": "CLIENT", "HAS_PHONE": yn(len(c.Phones) > 0)}
			phoneField(m, q, c.ID, c.Phones)
			return m
		}
	case "crm.deal.list":
		for _, d := range s.Deals {
			if keep(d.ID, d.Modified, 0) {
				add(row{d.ID, d})
			}
		}
		wire = func(src any) map[string]any {
			d := src.(*Deal)
			moved := d.Moved
			if moved.IsZero() && d.Semantic != "P" {
				moved = d.CloseDate
			}
			return map[string]any{"ID": str(d.ID), "TITLE": d.Title,
				"CATEGORY_ID": str(d.CategoryID), "STAGE_ID": d.Stage(),
				"STAGE_SEMANTIC_ID": d.Semantic, "OPPORTUNITY": d.Opportunity, "CURRENCY_ID": "RUB",
				"CLOSED": yn(d.Semantic != "P"), "CLOSEDATE": isoDate(d.CloseDate), "MOVED_TIME": isoTime(moved),
				"ASSIGNED_BY_ID": str(d.AssignedBy),
				"CREATED_BY_ID":  str(d.CreatedBy), "DATE_CREATE": isoTime(d.Created), "DATE_MODIFY": isoTime(d.Modified)}
		}
	case "crm.activity.list":
		for _, a := range s.Activities {
			if keep(a.ID, a.Updated, a.TypeID) {
				add(row{a.ID, a})
			}
		}
		wire = func(src any) map[string]any {
			a := src.(*Activity)
			m := map[string]any{"ID": str(a.ID), "TYPE_ID": str(a.TypeID),
				"OWNER_TYPE_ID": str(a.OwnerTypeID), "OWNER_ID": str(a.OwnerID), "PROVIDER_ID": "VOXIMPLANT_CALL",
				"START_TIME": isoTime(a.Start), "END_TIME": isoTime(a.End), "DEADLINE": isoTime(a.Start),
				"COMPLETED": yn(a.Completed), "RESPONSIBLE_ID": str(a.Responsible), "DIRECTION": str(a.Direction),
				"CREATED": isoTime(a.Created), "LAST_UPDATED": isoTime(a.Updated)}
			// COMMUNICATIONS only when selected by name ("*" does not
			// include it): a list of {ID, TYPE, VALUE, ENTITY_ID,
			// ENTITY_TYPE_ID}, the client's phone for a call.
			if slices.Contains(q["select[]"], "COMMUNICATIONS") {
				comms := []map[string]any{}
				if a.Phone != "" {
					comms = append(comms, map[string]any{"ID": str(a.ID * 10), "TYPE": "PHONE", "VALUE": a.Phone,
						"ENTITY_ID": str(a.OwnerID), "ENTITY_TYPE_ID": str(a.OwnerTypeID)})
				}
				m["COMMUNICATIONS"] = comms
			}
			return m
		}
	case "tasks.task.list":
		for _, t := range s.Tasks {
			if keep(t.ID, t.Changed, 0) {
				add(row{t.ID, t})
			}
		}
		wire = func(src any) map[string]any {
			t := src.(*Task)
			var closed any
			if !t.Closed.IsZero() {
				closed = isoTime(t.Closed)
			}
			var links any = false
			if len(t.Links) > 0 {
				links = t.Links
			}
			return map[string]any{"id": str(t.ID), "title": t.Title,
				"responsibleId": str(t.Responsible), "createdDate": isoTime(t.Created), "changedDate": isoTime(t.Changed),
				"deadline": isoTime(t.Deadline), "closedDate": closed, "status": str(t.Status), "ufCrmTask": links}
		}
	}
	total = count
	if start < 0 {
		start, total = 0, -1
	}
	lo := min(start, len(rows))
	hi := min(lo+50, len(rows))
	items := make([]map[string]any, 0, hi-lo)
	for _, r := range rows[lo:hi] {
		items = append(items, wire(r.src))
	}
	if total >= 0 && hi < count {
		next = hi
	}
	s.pages++
	if s.AfterPage != nil {
		s.AfterPage(method, s.pages)
	}
	if method == "tasks.task.list" {
		return map[string]any{"tasks": items}, next, total, ""
	}
	return items, next, total, ""
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// catalogue serves the funnels (crm.category.list: {"categories": […]},
// camelCase, numeric ids; the default funnel only if ListsDefault), the
// default funnel's name (crm.dealcategory.default.get) and the stages of
// one funnel (crm.status.list with filter[ENTITY_ID] DEAL_STAGE or
// DEAL_STAGE_<id>), counted, from start.
func (s *Server) catalogue(method string, q url.Values) (result any, next, total int, code string) {
	start, _ := strconv.Atoi(q.Get("start"))
	page := func(items []map[string]any) ([]map[string]any, int, int) {
		lo := min(max(start, 0), len(items))
		hi := min(lo+50, len(items))
		nx := 0
		if hi < len(items) {
			nx = hi
		}
		return items[lo:hi], nx, len(items)
	}
	switch method {
	case "crm.dealcategory.default.get":
		return map[string]any{"ID": 0, "NAME": s.Categories[0].Name}, 0, -1, ""
	case "crm.category.list":
		if q.Get("entityTypeId") != "2" {
			return nil, 0, 0, "INVALID_ARG_VALUE"
		}
		var items []map[string]any
		for _, c := range s.Categories {
			if c.ID == 0 && !s.ListsDefault {
				continue
			}
			items = append(items, map[string]any{"id": c.ID, "name": c.Name, "sort": c.Sort, "entityTypeId": 2,
				"isDefault": yn(c.ID == 0)})
		}
		items, next, total = page(items)
		return map[string]any{"categories": items}, next, total, ""
	}
	entity := q.Get("filter[ENTITY_ID]")
	items := []map[string]any{}
	for _, c := range s.Categories {
		want := "DEAL_STAGE"
		if c.ID != 0 {
			want += "_" + str(c.ID)
		}
		if entity != want {
			continue
		}
		for i, st := range c.Stages {
			items = append(items, map[string]any{"ID": str(c.ID*100 + int64(i) + 1), "ENTITY_ID": want, "STATUS_ID": st.ID,
				"NAME": st.Name, "NAME_INIT": st.Name, "SORT": str(st.Sort), "SYSTEM": "N", "CATEGORY_ID": str(c.ID),
				"SEMANTICS": st.Semantics, "EXTRA": map[string]any{"SEMANTICS": map[string]string{"": "process", "S": "success", "F": "failure"}[st.Semantics]}})
		}
	}
	items, next, total = page(items)
	return items, next, total, ""
}

// history serves crm.stagehistory.list for deals ({"items": […]}): filters
// by ID (exact, array, >, <), OWNER_ID (exact or array), STAGE_SEMANTIC_ID
// (array) and >=CREATED_TIME; order[ID] ASC or DESC; start=-1 or an offset.
func (s *Server) history(q url.Values) (result any, next, total int, code string) {
	if q.Get("entityTypeId") != "2" {
		return nil, 0, 0, "INVALID_ARG_VALUE"
	}
	num := func(k string) (int64, bool, bool) {
		v := q.Get(k)
		if v == "" {
			return 0, false, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, true, err == nil
	}
	after, hasAfter, ok1 := num("filter[>ID]")
	before, hasBefore, ok2 := num("filter[<ID]")
	if !ok1 || !ok2 {
		return nil, 0, 0, "INVALID_FILTER"
	}
	var from time.Time
	if v := q.Get("filter[>=CREATED_TIME]"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, 0, 0, "INVALID_FILTER"
		}
		from = t
	}
	owners := append(q["filter[OWNER_ID][]"], q["filter[OWNER_ID]"]...)
	ids := q["filter[ID][]"]
	semantics := q["filter[STAGE_SEMANTIC_ID][]"]
	var rows []*History
	for _, h := range s.History {
		if (hasAfter && h.ID <= after) || (hasBefore && h.ID >= before) || h.Created.Before(from) ||
			(len(owners) > 0 && !slices.Contains(owners, str(h.OwnerID))) || (len(ids) > 0 && !slices.Contains(ids, str(h.ID))) ||
			(len(semantics) > 0 && !slices.Contains(semantics, h.Semantic)) {
			continue
		}
		rows = append(rows, h)
	}
	desc := strings.EqualFold(q.Get("order[ID]"), "DESC")
	slices.SortFunc(rows, func(a, b *History) int {
		if desc {
			return cmpInt(b.ID, a.ID)
		}
		return cmpInt(a.ID, b.ID)
	})
	start, _ := strconv.Atoi(q.Get("start"))
	total = len(rows)
	if start < 0 {
		start, total = 0, -1
	}
	lo := min(start, len(rows))
	hi := min(lo+50, len(rows))
	if total >= 0 && hi < len(rows) {
		next = hi
	}
	items := []map[string]any{}
	for _, h := range rows[lo:hi] {
		items = append(items, map[string]any{"ID": str(h.ID), "TYPE_ID": str(h.TypeID), "OWNER_ID": str(h.OwnerID),
			"CREATED_TIME": isoTime(h.Created), "CATEGORY_ID": str(h.CategoryID), "STAGE_SEMANTIC_ID": h.Semantic,
			"STAGE_ID": h.StageID})
	}
	s.pages++
	if s.AfterPage != nil {
		s.AfterPage("crm.stagehistory.list", s.pages)
	}
	return map[string]any{"items": items}, next, total, ""
}

// phoneField adds the PHONE multi-field to m when the call selects it by
// name: Bitrix24 returns multi-fields only so ("*" does not include them).
// Each value is {ID, VALUE_TYPE, VALUE, TYPE_ID}.
func phoneField(m map[string]any, q url.Values, id int64, phones []string) {
	if !slices.Contains(q["select[]"], "PHONE") || len(phones) == 0 {
		return
	}
	values := make([]map[string]any, len(phones))
	for i, p := range phones {
		values[i] = map[string]any{"ID": str(id*10 + int64(i)), "VALUE_TYPE": []string{"WORK", "MOBILE"}[i%2], "VALUE": p, "TYPE_ID": "PHONE"}
	}
	m["PHONE"] = values
}
