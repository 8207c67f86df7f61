package store_test

import (
	"context"
	"testing"
	"time"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// LockCRM holds across processes on PostgreSQL: a second store on the same
// database (another process) waits, says so once, and gets the lock when
// the first gives it up; another workspace's lock is free meanwhile. On
// SQLite, a single process's database, it is granted at once.
func TestLockCRMAcrossStores(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := storetest.MustOpen(t, dsn), storetest.MustOpen(t, dsn)
		waited := 0
		waiting := func() { waited++ }
		unlock, err := a.LockCRM(ctx, "acme", waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waited != 0 {
			t.Errorf("a free lock said it waited %d times", waited)
		}
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		second, err := b.LockCRM(short, "acme", waiting)
		if a.Dialect() == store.SQLite {
			if err != nil {
				t.Fatalf("SQLite: %v", err)
			}
			second()
			unlock()
			return
		}
		if err == nil {
			second()
			t.Fatal("a second lock of acme's CRM was granted while the first was held")
		}
		if waited != 1 {
			t.Errorf("the second store said it waited %d times, want 1", waited)
		}
		other, err := b.LockCRM(ctx, "globex", nil)
		if err != nil {
			t.Fatalf("another workspace's CRM: %v", err)
		}
		other()
		got := make(chan error, 1)
		go func() {
			u, err := b.LockCRM(ctx, "acme", nil)
			if err == nil {
				u()
			}
			got <- err
		}()
		select {
		case err := <-got:
			t.Fatalf("the lock was granted (err %v) while still held", err)
		case <-time.After(100 * time.Millisecond):
		}
		unlock()
		select {
		case err := <-got:
			if err != nil {
				t.Fatalf("lock after unlock: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the lock was not granted after unlock")
		}
	})
}
