package store_test

import (
	"testing"
	"time"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Failed logins are counted per key within a window, cleared per key, and
// forgotten once no window looks at them, whatever their key: a flood of
// distinct keys cannot grow the table without bound.
func TestLoginFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		count := func(key string, since time.Time) (int, time.Time) {
			t.Helper()
			n, first, err := s.LoginFailures(ctx, key, since)
			if err != nil {
				t.Fatal(err)
			}
			return n, first
		}
		for i, key := range []string{"a", "a", "b"} {
			if err := s.AddLoginFailure(ctx, key, t0.Add(time.Duration(i)*time.Minute), t0.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if n, first := count("a", t0.Add(-time.Second)); n != 2 || !first.Equal(t0) {
			t.Errorf("a: %d failures from %s, want 2 from %s", n, first, t0)
		}
		if n, _ := count("a", t0); n != 1 {
			t.Errorf("a after its first failure: %d, want 1", n)
		}
		if n, first := count("c", t0.Add(-time.Hour)); n != 0 || !first.IsZero() {
			t.Errorf("c: %d failures from %s, want none", n, first)
		}
		if err := s.ClearLoginFailures(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if n, _ := count("a", t0.Add(-time.Hour)); n != 0 {
			t.Errorf("a after clearing: %d failures, want 0", n)
		}
		// A failure of c forgets everything at or before t0+2m: b's too.
		if err := s.AddLoginFailure(ctx, "c", t0.Add(time.Hour), t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM login_failures`); n != 1 {
			t.Errorf("%d failures kept, want only c's", n)
		}
	})
}
