// Package zadarmatest is a fake Zadarma API for tests: it holds a truth of
// PBX calls and internal numbers and serves them in the documented wire
// format: GET requests signed in the Authorization header as the official
// client signs them, the PBX statistics (version 2) filtered by call type
// and paged by skip and limit (at most 1000), refusing a period of more
// than a month, the internal numbers and the account's time zone. Every
// answer carries X-RateLimit-Limit, -Remaining and -Reset; it enforces 100
// requests a minute in all and 3 a minute of statistics with 429, and a
// window it said was spent; it counts every violation and injects faults
// on demand.
package zadarmatest

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// Call is a row of the PBX statistics as Zadarma keeps it. Type is the
// call type it is listed under (in or out).
type Call struct {
	CallID, PBXCallID string
	Type              string
	SIP               string // the internal number
	CLID, Destination string
	Start             time.Time
	Disposition       string // answered, busy, cancel, no answer, failed…
	Seconds           int
}

// Fault is a failure the server answers one request with.
type Fault = crmtest.Fault

// The faults the server can inject, its own and the shared ones.
const (
	Fault429   Fault = crmtest.WireFault + iota // 429 with the window spent for 20 s
	Fault502                                    // 502 with a proxy's HTML page
	Fault500                                    // 500 with Zadarma's JSON error
	FaultSpent                                  // a 200 saying the window is spent for 40 s: a request before then is a violation

	FaultTimeout   = crmtest.FaultTimeout   // no answer until the client gives up
	FaultTruncated = crmtest.FaultTruncated // a 200 whose JSON body is cut in half
)

// The limits the fake enforces.
const (
	PerMinute      = 100
	StatsPerMinute = 3
	MaxLimit       = 1000
)

// StatisticsPath is the PBX statistics' path.
const StatisticsPath = "/v1/statistics/pbx/"

// Server is the fake. Lock Mu to change the truth while it serves.
type Server struct {
	crmtest.Fake

	Key, Secret string
	Location    *time.Location // the account's time zone
	Calls       []Call
	Numbers     []string // the PBX's internal numbers
	// Refused counts requests refused for their signature; WideWindows
	// statistics requests of more than a month.
	Refused, WideWindows int

	all, stats crmtest.Window
	spent      time.Time // no request before: the fake said its window is spent
}

// NewServer starts a fake with no calls, reading time from now, in the
// time zone UTC+3.
func NewServer(now func() time.Time) *Server {
	s := &Server{Fake: crmtest.Fake{Now: now}, Key: "zd-key", Secret: "zd-secret",
		Location: time.FixedZone("UTC+3", 3*3600),
		all:      crmtest.Window{Max: PerMinute, Per: time.Minute},
		stats:    crmtest.Window{Max: StatsPerMinute, Per: time.Minute}}
	s.Start(http.HandlerFunc(s.serve))
	return s
}

// Time formats t as the API writes times, in the account's zone.
func (s *Server) Time(t time.Time) string { return t.In(s.Location).Format("2006-01-02 15:04:05") }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	s.Requests++
	now := s.Now()
	path := r.URL.Path
	window := &s.all
	if path == StatisticsPath {
		window = &s.stats
	}
	okAll := s.all.Allow(now)
	okStats := path != StatisticsPath || s.stats.Allow(now)
	if !okAll || !okStats || now.Before(s.spent) {
		s.Violations++
		s.limitHeaders(w, window, now)
		s.Mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "Too many requests"})
		return
	}
	switch path {
	case StatisticsPath, "/v1/pbx/internal/", "/v1/info/timezone/":
	default:
		s.Mu.Unlock()
		http.NotFound(w, r)
		return
	}
	s.PerPath[path]++
	fault := s.NextFault(path)
	s.limitHeaders(w, window, now)
	switch fault {
	case FaultTimeout:
		s.Mu.Unlock()
		s.Hang(r)
		return
	case Fault429:
		s.spent = now.Add(20 * time.Second)
		s.Mu.Unlock()
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", "20")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "Too many requests"})
		return
	case Fault502:
		s.Mu.Unlock()
		crmtest.BadGateway(w)
		return
	case Fault500:
		s.Mu.Unlock()
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "message": "Internal error"})
		return
	case FaultSpent:
		s.spent = now.Add(40 * time.Second)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", "40")
	}
	if !s.signed(r) {
		s.Refused++
		s.Mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "Not authorized"})
		return
	}
	q := r.URL.Query()
	var status int
	var body map[string]any
	switch path {
	case StatisticsPath:
		status, body = s.statistics(q)
	case "/v1/pbx/internal/":
		nums := make([]int, 0, len(s.Numbers))
		for _, n := range s.Numbers {
			v, _ := strconv.Atoi(n)
			nums = append(nums, v)
		}
		status, body = http.StatusOK, map[string]any{"status": "success", "pbx_id": 12345, "numbers": nums}
	case "/v1/info/timezone/":
		status, body = http.StatusOK, map[string]any{"status": "success", "unixtime": now.Unix(),
			"datetime": s.Time(now), "timezone": s.Location.String()}
	}
	s.Mu.Unlock()
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(crmtest.Truncate(b, fault))
}

// limitHeaders writes the X-RateLimit-* headers of window at now: the
// limit, the requests left, the seconds until the oldest leaves.
func (s *Server) limitHeaders(w http.ResponseWriter, window *crmtest.Window, now time.Time) {
	n := window.Count(now)
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(window.Max))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(0, window.Max-n)))
	w.Header().Set("X-RateLimit-Reset", strconv.Itoa(int(window.Per/time.Second)))
}

// signed checks Authorization: key:base64(hex(hmac_sha1(path + query +
// md5(query), secret))), the query being the parameters sorted by key and
// escaped as PHP's urlencode does.
func (s *Server) signed(r *http.Request) bool {
	key, sig, ok := strings.Cut(r.Header.Get("Authorization"), ":")
	if !ok || key != s.Key {
		return false
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, phpEscape(k)+"="+phpEscape(v))
		}
	}
	query := strings.Join(parts, "&")
	sum := md5.Sum([]byte(query))
	mac := hmac.New(sha1.New, []byte(s.Secret))
	mac.Write([]byte(r.URL.Path + query + hex.EncodeToString(sum[:])))
	want := base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac.Sum(nil))))
	return hmac.Equal([]byte(sig), []byte(want))
}

// phpEscape is PHP's urlencode: Go's query escaping but for the tilde.
func phpEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E")
}

func (s *Server) statistics(q url.Values) (int, map[string]any) {
	bad := func(msg string) (int, map[string]any) {
		return http.StatusBadRequest, map[string]any{"status": "error", "message": msg}
	}
	start, err1 := time.ParseInLocation("2006-01-02 15:04:05", q.Get("start"), s.Location)
	end, err2 := time.ParseInLocation("2006-01-02 15:04:05", q.Get("end"), s.Location)
	if err1 != nil || err2 != nil || end.Before(start) {
		return bad("Wrong start or end")
	}
	if end.After(start.AddDate(0, 1, 0)) || end.Sub(start) > 30*24*time.Hour {
		s.WideWindows++
		return bad("The period must not be longer than a month")
	}
	if q.Get("version") != "2" {
		return bad("this fake serves version 2 only")
	}
	skip, _ := strconv.Atoi(q.Get("skip"))
	limit := MaxLimit
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	if skip < 0 || limit < 1 || limit > MaxLimit {
		return bad(fmt.Sprintf("limit must be 1 to %d", MaxLimit))
	}
	var rows []map[string]any
	for _, c := range s.Calls {
		if c.Start.Before(start) || c.Start.After(end) || (q.Get("call_type") != "" && q.Get("call_type") != c.Type) {
			continue
		}
		rows = append(rows, map[string]any{"call_id": c.CallID, "sip": c.SIP, "callstart": s.Time(c.Start),
			"clid": c.CLID, "destination": c.Destination, "disposition": c.Disposition, "seconds": c.Seconds,
			"is_recorded": "false", "pbx_call_id": c.PBXCallID})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i]["callstart"].(string) < rows[j]["callstart"].(string) })
	page := []map[string]any{}
	if skip < len(rows) {
		page = rows[skip:min(len(rows), skip+limit)]
	}
	return http.StatusOK, map[string]any{"status": "success", "start": q.Get("start"), "end": q.Get("end"), "stats": page}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
