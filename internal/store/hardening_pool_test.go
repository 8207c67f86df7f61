package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// mustOpenPool opens a PostgreSQL store on a fresh database with pool p.
func mustOpenPool(t *testing.T, p store.Pool) (*store.Store, string) {
	t.Helper()
	dsn := storetest.NewPostgresDatabase(t)
	s, err := store.OpenPool(context.Background(), dsn, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn
}

// connections counts the server's connections to the database of dsn, as
// PostgreSQL sees them, through the admin connection.
func connections(t *testing.T, admin *sql.DB, dsn string) int {
	t.Helper()
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	var n int
	if err := admin.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A burst of far more operations than the pool holds never opens more
// connections than the cap, as PostgreSQL counts them; those that find
// the queue full are refused at once with OverloadedError, and the rest
// wait their turn and succeed. Before the cap, 250 concurrent requests
// opened connections until PostgreSQL refused them (issue 14).
func TestPoolCapsConnections(t *testing.T) {
	const maxConns, maxWaiting, burst = 4, 8, 60
	s, dsn := mustOpenPool(t, store.Pool{MaxConns: maxConns, MaxWaiting: maxWaiting, MaxWait: 5 * time.Second})
	admin, err := sql.Open("pgx", os.Getenv(storetest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	stop := make(chan struct{})
	var peak atomic.Int64
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for {
			if n := int64(connections(t, admin, dsn)); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, burst)
	for range burst {
		wg.Go(func() {
			_, err := s.DB().ExecContext(ctx, `SELECT pg_sleep(0.05)`)
			var o *store.OverloadedError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &o):
				refused.Add(1)
				if o.RetryAfter <= 0 {
					errs <- errors.New("an OverloadedError without RetryAfter")
				}
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(stop)
	sampler.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("want success or OverloadedError, got %v", err)
	}
	t.Logf("%d concurrent 50 ms queries, pool %d + %d waiting: %d done, %d refused, at most %d connections open", burst, maxConns, maxWaiting, ok.Load(), refused.Load(), peak.Load())
	if peak.Load() > maxConns {
		t.Errorf("%d connections open at the peak, want at most %d", peak.Load(), maxConns)
	}
	if ok.Load() < maxConns+maxWaiting || refused.Load() == 0 {
		t.Errorf("%d done and %d refused; want at least the pool and its queue (%d) done and the rest refused", ok.Load(), refused.Load(), maxConns+maxWaiting)
	}
	if st := s.PoolStats(); st.MaxConns != maxConns || st.Refused != refused.Load() || st.Waiting != 0 {
		t.Errorf("PoolStats %+v; want MaxConns %d, Refused %d, nobody waiting", st, maxConns, refused.Load())
	}
}

// An operation that waits longer than MaxWait, or past its context's
// deadline, is refused as overloaded; one whose context is cancelled is
// not (the client went away); once a connection is free, it goes on.
func TestPoolWaitTooLong(t *testing.T) {
	s, _ := mustOpenPool(t, store.Pool{MaxConns: 2, MaxWaiting: 5, MaxWait: 300 * time.Millisecond})
	ctx := context.Background()
	var held []*sql.Conn
	for range 2 {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	var o *store.OverloadedError
	start := time.Now()
	err := s.DB().PingContext(ctx)
	if !errors.As(err, &o) || time.Since(start) < 300*time.Millisecond {
		t.Errorf("with every connection held: %v after %s; want OverloadedError after MaxWait (300ms)", err, time.Since(start))
	}
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	err = s.DB().PingContext(dctx)
	cancel()
	if !errors.As(err, &o) {
		t.Errorf("past the request's deadline: %v; want OverloadedError", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := s.DB().PingContext(cctx); errors.As(err, &o) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while waiting: %v; want context.Canceled, not overloaded", err)
	}
	time.AfterFunc(100*time.Millisecond, func() { held[0].Close() })
	if err := s.DB().PingContext(ctx); err != nil {
		t.Errorf("a connection freed while waiting: %v; want it taken", err)
	}
	held[1].Close()
}

// The default pool is DefaultMaxConns, or the DSN's pool_max_conns.
func TestPoolDefaults(t *testing.T) {
	s, dsn := mustOpenPool(t, store.Pool{})
	if got := s.PoolStats().MaxConns; got != store.DefaultMaxConns {
		t.Errorf("default pool: %d connections, want %d", got, store.DefaultMaxConns)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	s7, err := store.Open(context.Background(), dsn+sep+"pool_max_conns=7")
	if err != nil {
		t.Fatal(err)
	}
	defer s7.Close()
	if got := s7.PoolStats().MaxConns; got != 7 {
		t.Errorf("pool_max_conns=7: %d connections, want 7", got)
	}
}
