// Package mangotest is a fake Mango Office VPBX API for tests: it holds a
// truth of call legs and employees and serves them in the documented wire
// format: signed form POSTs (vpbx_api_key, sign = hex(sha256(key + json +
// salt)), json), the call history in two steps (stats/request answers a
// key; stats/result answers 204 while the report is "being made", then
// semicolon text, one leg a line, in the order of the fields asked for),
// and config/users/request. It enforces a pace of requests with 429,
// refuses a wrong key or signature with 401, counts every violation and
// injects faults on demand.
package mangotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/pbx/mango"
)

// Leg is a line of the call history as Mango Office keeps it: times are
// Unix seconds (0: none; Answer 0 is a leg never answered), an employee's
// side has an extension, an outside side only a number.
type Leg struct {
	Start, Finish, Answer     int64
	FromExtension, FromNumber string
	ToExtension, ToNumber     string
	DisconnectReason          string
	EntryID                   string
}

// User is an employee with an extension.
type User struct{ Name, Extension string }

// Fault is a failure the server answers one request with.
type Fault = crmtest.Fault

// The faults the server can inject, its own and the shared ones.
const (
	Fault429      Fault = crmtest.WireFault + iota // 429 Too Many Requests
	Fault502                                       // 502 with a proxy's HTML page
	Fault500                                       // 500 with a JSON error
	FaultNotReady                                  // one more 204 from stats/result

	FaultTimeout   = crmtest.FaultTimeout   // no answer until the client gives up
	FaultTruncated = crmtest.FaultTruncated // a 200 whose body stops half way (its Content-Length promised more)
)

// PerMinute is the pace the fake enforces: mango.PerMinute requests in any
// minute.
const PerMinute = mango.PerMinute

// Server is the fake. Lock Mu to change the truth while it serves.
type Server struct {
	crmtest.Fake

	Key, Salt string
	Legs      []Leg
	Users     []User
	// NotReady is how many polls of stats/result each report answers 204
	// before it is ready.
	NotReady int
	// Refused counts requests refused for their key or signature.
	Refused int

	reports map[string]*report
	serial  int
	window  crmtest.Window
}

// report is a report ordered by stats/request: its text, made at the
// request, and the polls it still answers 204.
type report struct {
	text     []byte
	notReady int
}

// NewServer starts a fake with no calls, reading time from now.
func NewServer(now func() time.Time) *Server {
	s := &Server{Fake: crmtest.Fake{Now: now}, Key: "vpbx-key", Salt: "vpbx-salt", NotReady: 1,
		reports: map[string]*report{}, window: crmtest.Window{Max: PerMinute, Per: time.Minute}}
	s.Start(http.HandlerFunc(s.serve))
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	s.Requests++
	if !s.window.Allow(s.Now()) {
		s.Violations++
		s.Mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "too many requests"})
		return
	}
	method, _ := strings.CutPrefix(r.URL.Path, "/vpbx")
	if r.Method != http.MethodPost || !slices.Contains([]string{mango.MethodStatsRequest, mango.MethodStatsResult, mango.MethodUsers}, method) {
		s.Mu.Unlock()
		http.NotFound(w, r)
		return
	}
	s.PerPath[method]++
	fault := s.NextFault(method)
	switch fault {
	case FaultTimeout:
		s.Mu.Unlock()
		s.Hang(r)
		return
	case Fault429:
		s.Mu.Unlock()
		w.Header().Set("Retry-After", "3")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "too many requests"})
		return
	case Fault502:
		s.Mu.Unlock()
		crmtest.BadGateway(w)
		return
	case Fault500:
		s.Mu.Unlock()
		writeJSON(w, http.StatusInternalServerError, map[string]any{"message": "internal error"})
		return
	}
	payload, ok := s.signed(r)
	if !ok {
		s.Refused++
		s.Mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "wrong vpbx_api_key or sign"})
		return
	}
	var status int
	var body []byte
	switch method {
	case mango.MethodStatsRequest:
		status, body = s.statsRequest(payload)
	case mango.MethodStatsResult:
		status, body = s.statsResult(payload, fault)
	case mango.MethodUsers:
		status, body = s.users()
	}
	s.Mu.Unlock()
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	if fault == FaultTruncated {
		// A transfer cut short: the length promised, half the body sent.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body[:len(body)/2])
		return
	}
	w.WriteHeader(status)
	w.Write(body)
}

// signed checks the form's key and signature and returns its json.
func (s *Server) signed(r *http.Request) (string, bool) {
	if err := r.ParseForm(); err != nil {
		return "", false
	}
	key, sign, payload := r.PostForm.Get("vpbx_api_key"), r.PostForm.Get("sign"), r.PostForm.Get("json")
	return payload, key == s.Key && sign == mango.Sign(s.Key, payload, s.Salt)
}

func (s *Server) statsRequest(payload string) (int, []byte) {
	var q struct {
		DateFrom crm.Int `json:"date_from"`
		DateTo   crm.Int `json:"date_to"`
		Fields   string  `json:"fields"`
	}
	if err := json.Unmarshal([]byte(payload), &q); err != nil || q.DateFrom <= 0 || q.DateTo < q.DateFrom {
		return jsonBody(http.StatusBadRequest, map[string]any{"result": 3100, "message": "bad date_from or date_to"})
	}
	fields := strings.Split(q.Fields, ",")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	var b strings.Builder
	for _, l := range s.Legs {
		if l.Start < int64(q.DateFrom) || l.Start > int64(q.DateTo) {
			continue
		}
		vals := make([]string, len(fields))
		for i, f := range fields {
			v, ok := l.field(f)
			if !ok {
				return jsonBody(http.StatusBadRequest, map[string]any{"result": 3100, "message": "unknown field " + f})
			}
			vals[i] = v
		}
		b.WriteString(strings.Join(vals, ";") + "\n")
	}
	s.serial++
	key := fmt.Sprintf("report-%d", s.serial)
	s.reports[key] = &report{text: []byte(b.String()), notReady: s.NotReady}
	return jsonBody(http.StatusOK, map[string]any{"key": key})
}

func (s *Server) statsResult(payload string, fault Fault) (int, []byte) {
	var q struct {
		Key string `json:"key"`
	}
	json.Unmarshal([]byte(payload), &q)
	rep, ok := s.reports[q.Key]
	if !ok {
		return jsonBody(http.StatusNotFound, map[string]any{"result": 3100, "message": "no such report"})
	}
	if fault == FaultNotReady || rep.notReady > 0 {
		if fault != FaultNotReady {
			rep.notReady--
		}
		return http.StatusNoContent, nil
	}
	return http.StatusOK, rep.text
}

func (s *Server) users() (int, []byte) {
	var us []map[string]any
	for _, u := range s.Users {
		us = append(us, map[string]any{"general": map[string]any{"name": u.Name, "email": ""},
			"telephony": map[string]any{"extension": u.Extension, "numbers": []any{}}})
	}
	return jsonBody(http.StatusOK, map[string]any{"users": us})
}

// field gives a leg's value of a report field.
func (l Leg) field(name string) (string, bool) {
	switch name {
	case "start":
		return strconv.FormatInt(l.Start, 10), true
	case "finish":
		return strconv.FormatInt(l.Finish, 10), true
	case "answer":
		return strconv.FormatInt(l.Answer, 10), true
	case "from_extension":
		return l.FromExtension, true
	case "from_number":
		return l.FromNumber, true
	case "to_extension":
		return l.ToExtension, true
	case "to_number":
		return l.ToNumber, true
	case "disconnect_reason":
		return l.DisconnectReason, true
	case "entry_id":
		return l.EntryID, true
	case "records", "line_number", "location", "create":
		return "", true
	}
	return "", false
}

func jsonBody(status int, v any) (int, []byte) {
	b, _ := json.Marshal(v)
	return status, b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	_, b := jsonBody(status, v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
