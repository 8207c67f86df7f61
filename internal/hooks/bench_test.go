package hooks_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"reglament/internal/engine"
	"reglament/internal/hooks"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
	"reglament/internal/web"
)

// benchClients is how many concurrent clients the load generator runs
// (REGLAMENT_BENCH_CLIENTS overrides it).
const benchClients = 64

// amoStatusBody is a realistic amoCRM webhook body: a lead moved to
// another status, with the fields amoCRM sends (legacy names), about 600
// bytes form-encoded.
func amoStatusBody(lead int64) string {
	v := url.Values{}
	p := "leads[status][0]"
	for k, val := range map[string]string{
		"[id]": strconv.FormatInt(lead, 10), "[name]": "Поставка оборудования", "[status_id]": "142",
		"[old_status_id]": "20001", "[price]": "250000", "[responsible_user_id]": "9983934", "[last_modified]": "1763888400",
		"[modified_user_id]": "9983930", "[created_user_id]": "9983930", "[date_create]": "1763800000",
		"[pipeline_id]": "7155526", "[account_id]": "31247590", "[created_at]": "1763800000", "[updated_at]": "1763888400",
	} {
		v.Set(p+k, val)
	}
	v.Set("account[subdomain]", "acme")
	v.Set("account[id]", "31247590")
	v.Set("account[_links][self]", "https://acme.amocrm.ru")
	return v.Encode()
}

// BenchmarkWebhookIntake is the load test: many concurrent CRM
// clients post amoCRM webhooks over loopback to the real web server (the
// request log, recovery and limits included) with the hooks handler
// mounted, each call answered only once stored. It reports the
// throughput (req/s) and the latency percentiles (p50-ms, p99-ms) seen by
// the clients, on SQLite and PostgreSQL. Run a fixed number of calls:
//
//	go test ./internal/hooks -run '^$' -bench WebhookIntake -benchtime 20000x
func BenchmarkWebhookIntake(b *testing.B) {
	clients := benchClients
	if v, err := strconv.Atoi(os.Getenv("REGLAMENT_BENCH_CLIENTS")); err == nil && v > 0 {
		clients = v
	}
	cfg := hooks.Config{}
	if v, err := time.ParseDuration(os.Getenv("REGLAMENT_BENCH_LINGER")); err == nil {
		cfg.Linger = v
	}
	if v, err := strconv.Atoi(os.Getenv("REGLAMENT_BENCH_MAX_BATCH")); err == nil && v > 0 {
		cfg.MaxBatch = v
	}
	storetest.Each(b, func(b *testing.B, st *store.Store) {
		f := newFixture(b, st, cfg)
		srv, err := web.New(web.Config{Engine: engine.New(st, f.clock.Now), Log: slog.New(slog.DiscardHandler), Hooks: f.h})
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		b.Cleanup(ts.Close)
		transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients,
			IdleConnTimeout: time.Minute}
		b.Cleanup(transport.CloseIdleConnections)
		client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
		target := ts.URL + "/hooks/acme/" + f.secrets["acme"]
		bodies := make([]string, 1000)
		for i := range bodies {
			bodies[i] = amoStatusBody(int64(10_000_000 + i))
		}

		latencies := make([][]time.Duration, clients)
		var next atomic.Int64
		var failed atomic.Int64
		var firstErr sync.Once
		var errText string
		b.ResetTimer()
		cpuBefore := processCPU(b)
		start := time.Now()
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= int64(b.N) {
						return
					}
					t0 := time.Now()
					resp, err := client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(bodies[i%int64(len(bodies))]))
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					latencies[c] = append(latencies[c], time.Since(t0))
					if err != nil {
						failed.Add(1)
						firstErr.Do(func() { errText = err.Error() })
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		cpu := processCPU(b) - cpuBefore
		b.StopTimer()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d calls failed, the first: %s", n, b.N, errText)
		}
		all := slices.Concat(latencies...)
		slices.Sort(all)
		pct := func(p float64) float64 {
			return float64(all[min(len(all)-1, int(float64(len(all))*p))]) / float64(time.Millisecond)
		}
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		// The CPU this process (load generator, server and database
		// driver; not the PostgreSQL server) spent per call: on a shared
		// machine, req/s says how much CPU the benchmark got, this what
		// a call costs.
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/call")
		// Group commit at work: how many calls one transaction stored.
		f.storedMu.Lock()
		commits := len(f.stored)
		f.storedMu.Unlock()
		b.ReportMetric(float64(b.N)/float64(max(commits, 1)), "calls/commit")
		b.ReportMetric(0, "ns/op") // the per-call figures are the percentiles
		// Every call answered 200 is stored: a lead's status change queues
		// the lead and its moves (deal_move), two changes a call.
		n, err := st.CountPendingChanges(context.Background(), "acme")
		if err != nil {
			b.Fatal(err)
		}
		if n != 2*b.N {
			b.Fatalf("%d pending changes stored for %d calls answered 200, want two a call", n, b.N)
		}
	})
}

// processCPU returns the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
