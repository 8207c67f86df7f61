package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics are a few counters and a latency histogram in the Prometheus text
// format, written by hand: the exposition format is simple and a client
// library would be the largest dependency of the program.
type metrics struct {
	mu        sync.Mutex
	requests  map[[3]string]uint64 // method, route, status
	buckets   []float64
	durations map[string]*histogram // by route
	logins    map[string]uint64     // outcome
}

type histogram struct {
	counts []uint64 // per bucket, cumulative on output
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{
		requests:  make(map[[3]string]uint64),
		buckets:   []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		durations: make(map[string]*histogram),
		logins:    make(map[string]uint64),
	}
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[3]string{method, route, strconv.Itoa(status)}]++
	h := m.durations[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(m.buckets))}
		m.durations[route] = h
	}
	sec := d.Seconds()
	for i, b := range m.buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.count++
}

func (m *metrics) login(outcome string) {
	m.mu.Lock()
	m.logins[outcome]++
	m.mu.Unlock()
}

func label(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if want := s.cfg.MetricsToken; want != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
			// Plain text for a scraper, not the login redirect of pages.
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics: a valid bearer token is required", http.StatusUnauthorized)
			return nil
		}
	}
	m := s.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP reglament_http_requests_total HTTP requests by method, route and status.\n")
	b.WriteString("# TYPE reglament_http_requests_total counter\n")
	keys := make([][3]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return strings.Join(keys[i][:], " ") < strings.Join(keys[j][:], " ") })
	for _, k := range keys {
		fmt.Fprintf(&b, "reglament_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %d\n", label(k[0]), label(k[1]), k[2], m.requests[k])
	}
	b.WriteString("# HELP reglament_http_request_duration_seconds Time to serve a request, by route.\n")
	b.WriteString("# TYPE reglament_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.durations))
	for r := range m.durations {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, route := range routes {
		h := m.durations[route]
		var cum uint64
		for i, bound := range m.buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "reglament_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", label(route), bound, cum)
		}
		fmt.Fprintf(&b, "reglament_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", label(route), h.count)
		fmt.Fprintf(&b, "reglament_http_request_duration_seconds_sum{route=\"%s\"} %g\n", label(route), h.sum)
		fmt.Fprintf(&b, "reglament_http_request_duration_seconds_count{route=\"%s\"} %d\n", label(route), h.count)
	}
	b.WriteString("# HELP reglament_logins_total Login attempts by outcome.\n")
	b.WriteString("# TYPE reglament_logins_total counter\n")
	for _, o := range []string{"ok", "failed", "throttled"} {
		fmt.Fprintf(&b, "reglament_logins_total{outcome=\"%s\"} %d\n", o, m.logins[o])
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, err := w.Write([]byte(b.String()))
	return err
}
