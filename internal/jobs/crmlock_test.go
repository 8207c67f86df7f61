package jobs

import (
	"context"
	"testing"
	"time"

	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestLockCRMOneAtATime holds a workspace's CRM lock in one runner and
// shows that another runner on the same database (a second instance on
// PostgreSQL; the same process's jobs on SQLite) waits for it.
func TestLockCRMOneAtATime(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		runner := func() *Runner {
			s := storetest.MustOpen(t, dsn)
			r, err := New(ctx, s, Config{Engine: engine.New(s, nil), Notifier: LogNotifier{}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		r1 := runner()
		r2 := r1
		if r1.store.Dialect() == store.Postgres {
			r2 = runner()
		}
		unlock, err := r1.lockCRM(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if u, err := r2.lockCRM(short, "acme"); err == nil {
			u()
			t.Fatal("a second lock of acme's CRM was granted while the first was held")
		}
		other, err := r2.lockCRM(ctx, "globex")
		if err != nil {
			t.Fatalf("another workspace's CRM: %v", err)
		}
		other()
		unlock()
		again, err := r2.lockCRM(ctx, "acme")
		if err != nil {
			t.Fatalf("lock after unlock: %v", err)
		}
		again()
	})
}
