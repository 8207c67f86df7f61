package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Migration 0016 lets webhook_changes.kind hold deal_move, and keeps the
// pending changes a database already holds (SQLite rebuilds the table:
// ids, kinds, deletions and times survive). The test puts a database's
// table back as it was before 0016, with changes in it, and opens it again.
func TestMigration0016KeepsPendingChanges(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.MustOpen(t, dsn)
		mustApply(t, s, newWorkspace())
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		before := []store.PendingChange{
			{Workspace: "acme", Kind: domain.KindDeal, ExternalID: "14", ReceivedAt: at},
			{Workspace: "acme", Kind: domain.KindTask, ExternalID: "24", Deleted: true, At: at.Add(-time.Minute), ReceivedAt: at},
			{Workspace: "acme", Kind: domain.KindActivity, ExternalID: "note:leads:7", ReceivedAt: at.Add(time.Second)},
		}
		if err := s.AppendPendingChanges(ctx, before); err != nil {
			t.Fatal(err)
		}
		stored, err := s.PendingChanges(ctx, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()

		// The table as migration 0007 made it, and 0016 not applied.
		driver, source := "sqlite", strings.TrimPrefix(dsn, "sqlite://")+"?_pragma=foreign_keys(1)"
		old := []string{
			`CREATE TABLE webhook_changes_old (
				id INTEGER PRIMARY KEY,
				workspace TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
				kind TEXT NOT NULL CHECK (kind IN ('company', 'deal', 'task', 'activity')),
				external_id TEXT NOT NULL,
				deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
				at INTEGER,
				received_at INTEGER NOT NULL) STRICT`,
			`INSERT INTO webhook_changes_old SELECT * FROM webhook_changes`,
			`DROP TABLE webhook_changes`,
			`ALTER TABLE webhook_changes_old RENAME TO webhook_changes`,
			`CREATE INDEX webhook_changes_workspace ON webhook_changes (workspace, id)`,
		}
		if strings.HasPrefix(dsn, "postgres") {
			driver, source = "pgx", dsn
			old = []string{
				`ALTER TABLE webhook_changes DROP CONSTRAINT webhook_changes_kind_check`,
				`ALTER TABLE webhook_changes ADD CONSTRAINT webhook_changes_kind_check CHECK (kind IN ('company', 'deal', 'task', 'activity'))`,
			}
		}
		db, err := sql.Open(driver, source)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(old, `DELETE FROM schema_version WHERE version = 16`) {
			if _, err := db.ExecContext(ctx, q); err != nil {
				db.Close()
				t.Fatalf("%s: %v", q, err)
			}
		}
		_, err = db.ExecContext(ctx, `INSERT INTO webhook_changes (workspace, kind, external_id, deleted, received_at) VALUES ('acme', 'deal_move', '14', false, 1)`)
		db.Close()
		if err == nil {
			t.Fatal("the table put back as before 0016 takes deal_move")
		}

		s2, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open after putting the table back: %v", err)
		}
		defer s2.Close()
		after, err := s2.PendingChanges(ctx, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stored, after); diff != "" {
			t.Errorf("pending changes after migration 0016 (-before +after):\n%s", diff)
		}
		move := store.PendingChange{Workspace: "acme", Kind: domain.KindDealMove, ExternalID: "14", ReceivedAt: at.Add(time.Minute)}
		if err := s2.AppendPendingChanges(ctx, []store.PendingChange{move}); err != nil {
			t.Fatalf("append a deal_move change after 0016: %v", err)
		}
		all, err := s2.PendingChanges(ctx, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 || all[3].Kind != domain.KindDealMove || all[3].ID <= stored[2].ID {
			t.Errorf("after appending a move: %+v; want it last, with a new id", all)
		}
		// Other kinds are still refused.
		if err := s2.AppendPendingChanges(ctx, []store.PendingChange{{Workspace: "acme", Kind: "bogus", ExternalID: "1", ReceivedAt: at}}); err == nil {
			t.Error("a change of kind bogus was stored")
		}
	})
}
