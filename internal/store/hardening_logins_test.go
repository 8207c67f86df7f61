package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"reglament/internal/auth"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Parallel wrong passwords against two instances over one database are
// counted before any is checked, so no more than the limit are checked:
// before the attempt was counted ahead of the check, 40 parallel guesses
// were all checked against a limit of 5 (issue 14).
func TestLoginAttemptsRace(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		const limit, parallel = 5, 40
		a, b := storetest.MustOpen(t, dsn), storetest.MustOpen(t, dsn)
		hash, err := auth.HashPassword("the right password")
		if err != nil {
			t.Fatal(err)
		}
		key := "anna@acme.example|203.0.113.7"
		var checked atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, parallel)
		for i := range parallel {
			th := auth.NewThrottle(limit, 10*time.Minute, nil, []*store.Store{a, b}[i%2])
			wg.Go(func() {
				ok, _, err := th.Allowed(ctx, key)
				if err != nil || !ok {
					errs <- err
					return
				}
				checked.Add(1)
				auth.CheckPassword(hash, "a wrong guess") // the ~30 ms the race lived in
				errs <- th.Fail(ctx, key)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := checked.Load(); got != limit {
			t.Errorf("%d parallel wrong passwords on two instances: %d checked, want %d (the limit)", parallel, got, limit)
		}
		// The right password is refused too until the window passes, and a
		// success on another key clears only that key.
		th := auth.NewThrottle(limit, 10*time.Minute, nil, a)
		if ok, wait, err := th.Allowed(ctx, key); err != nil || ok || wait <= 0 || wait > 10*time.Minute {
			t.Errorf("after the burst: allowed %v, wait %v, err %v; want refused for up to 10m", ok, wait, err)
		}
		if ok, _, err := th.Allowed(ctx, "boris@acme.example|203.0.113.7"); err != nil || !ok {
			t.Errorf("another key: allowed %v, err %v; want allowed", ok, err)
		}
		if err := th.Reset(ctx, "boris@acme.example|203.0.113.7"); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, a, `SELECT COUNT(*) FROM login_failures`); n != limit {
			t.Errorf("%d attempts kept, want the %d of the burst", n, limit)
		}
	})
}

// AddLoginAttempt counts up to max, refuses without counting after that,
// returns the first attempt of the window, and forgets what no window
// looks at any more.
func TestAddLoginAttempt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		attempt := func(key string, at time.Time) (bool, time.Time) {
			t.Helper()
			ok, first, err := s.AddLoginAttempt(context.Background(), key, at, at.Add(-10*time.Minute), at.Add(-time.Hour), 2)
			if err != nil {
				t.Fatal(err)
			}
			return ok, first
		}
		if ok, first := attempt("k", t0); !ok || !first.Equal(t0) {
			t.Errorf("first attempt: %v from %s, want counted from %s", ok, first, t0)
		}
		if ok, first := attempt("k", t0.Add(time.Minute)); !ok || !first.Equal(t0) {
			t.Errorf("second attempt: %v from %s, want counted from %s", ok, first, t0)
		}
		if ok, first := attempt("k", t0.Add(2*time.Minute)); ok || !first.Equal(t0) {
			t.Errorf("third attempt: %v from %s, want refused, the window from %s", ok, first, t0)
		}
		if n, _, _ := s.LoginFailures(ctx, "k", t0.Add(-time.Hour)); n != 2 {
			t.Errorf("%d attempts counted, want 2 (a refused one is not)", n)
		}
		if ok, first := attempt("k", t0.Add(10*time.Minute)); !ok || !first.Equal(t0.Add(time.Minute)) {
			t.Errorf("once the first left the window: %v from %s, want counted from %s", ok, first, t0.Add(time.Minute))
		}
		// An attempt two hours on forgets every older one, of any key.
		attempt("other", t0.Add(2*time.Hour))
		if n := countRows(t, s, `SELECT COUNT(*) FROM login_failures`); n != 1 {
			t.Errorf("%d attempts kept, want only the latest", n)
		}
	})
}
