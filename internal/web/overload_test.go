package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// When every PostgreSQL connection is taken and the queue is full, or a
// request waited too long, the answer is 503 with Retry-After, a page or
// the API's JSON, never 500; once a connection is free, requests succeed
// again (issue 14: 250 concurrent requests got 163 × 500).
func TestOverloadIs503WithRetryAfter(t *testing.T) {
	ctx := context.Background()
	s, err := store.OpenPool(ctx, storetest.NewPostgresDatabase(t), store.Pool{MaxConns: 2, MaxWaiting: 3, MaxWait: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv, err := New(Config{Engine: engine.New(s, time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv)
	defer h.Close()
	var held []*sql.Conn
	for range 2 {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	const burst = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range burst {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", h.URL+"/healthz", nil)
			if i%2 == 1 {
				req, _ = http.NewRequest("GET", h.URL+"/api/v1/workspaces", nil)
				req.Header.Set("Authorization", "Bearer not-a-token")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
				t.Errorf("%s: 503 without Retry-After", req.URL.Path)
			}
			if i%2 == 1 {
				var e struct{ Error struct{ Code string } }
				if json.Unmarshal(body, &e) != nil || e.Error.Code != "unavailable" {
					t.Errorf("API: %d %s; want the JSON error code unavailable", resp.StatusCode, body)
				}
			}
		})
	}
	wg.Wait()
	if statuses[http.StatusServiceUnavailable] != burst {
		t.Errorf("with every connection held: statuses %v; want %d × 503", statuses, burst)
	}
	for _, c := range held {
		c.Close()
	}
	resp, err := http.Get(h.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with connections free again: %d, want 200", resp.StatusCode)
	}
}
