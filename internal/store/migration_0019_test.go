package store_test

import (
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store/storetest"
)

// Migration 0019 fills the live touch bounds of the deals a database
// already holds. Its backfill must give every deal the bounds the upserts
// keep for records sent afresh (activities deleted, re-sent on another
// deal, two tasks completed, a task without a deal): the test stores such
// records, keeps the bounds the upserts wrote, clears them, runs the
// migration's UPDATE as the file has it, and compares.
func TestMigration0019BackfillsLiveTouches(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.MustOpen(t, dsn)
		defer s.Close()
		mustApply(t, s, newWorkspace())
		at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
		h := func(n int) time.Time { return at.Add(time.Duration(n) * time.Hour) }
		deal := func(id string) domain.Deal {
			return domain.Deal{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: id}, Title: id, Responsible: "u1",
				Status: domain.DealOpen, CreatedAt: at.AddDate(0, -1, 0)}
		}
		call := func(id, dealID string, happened, entered time.Time) domain.Activity {
			return domain.Activity{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: id}, Kind: domain.ActivityCall,
				Responsible: "u1", HappenedAt: happened, EnteredAt: entered, Outcome: domain.OutcomeHeld, DealID: dealID}
		}
		task := func(id, dealID string, done time.Time) domain.Task {
			return domain.Task{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: id}, Responsible: "u1", DealID: dealID,
				CreatedAt: at.AddDate(0, 0, -7), CompletedAt: done}
		}
		gone := call("c3", "d1", h(5), h(5))
		gone.DeletedAt = h(6)
		mustUpsert(t, s, &domain.RecordBatch{
			Deals: []domain.Deal{deal("d1"), deal("d2"), deal("d3"), deal("d4"), deal("d5")},
			Activities: []domain.Activity{call("c1", "d1", h(1), h(2)), call("c2", "d1", h(3), h(30)), gone,
				call("c4", "d2", h(4), h(4)), call("c5", "", h(4), h(4))},
			Tasks: []domain.Task{task("t1", "d3", h(7)), task("t2", "d3", h(9)), task("t3", "d3", h(8)), task("t4", "d1", h(2)),
				task("t5", "d4", time.Time{})},
		}, h(40))
		// c4 leaves d2 for d5: d2's bounds go, d5's come.
		mustUpsert(t, s, &domain.RecordBatch{Activities: []domain.Activity{call("c4", "d5", h(4), h(4))}}, h(41))

		driver, source := "sqlite", strings.TrimPrefix(dsn, "sqlite://")
		dialect := "sqlite"
		if strings.HasPrefix(dsn, "postgres") {
			driver, source, dialect = "pgx", dsn, "postgres"
		}
		db, err := sql.Open(driver, source)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		type bounds [4]sql.NullInt64
		read := func() map[string]bounds {
			out := map[string]bounds{}
			rows, err := db.QueryContext(ctx, `SELECT external_id, acted_live, acted_live_seen, done_live, done_live_prev
				FROM deals WHERE workspace = 'acme' ORDER BY external_id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				var b bounds
				if err := rows.Scan(&id, &b[0], &b[1], &b[2], &b[3]); err != nil {
					t.Fatal(err)
				}
				out[id] = b
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return out
		}
		want := read()
		if !want["d1"][0].Valid || !want["d3"][3].Valid || want["d2"][0].Valid || !want["d5"][0].Valid {
			t.Fatalf("the upserts kept %v; want d1 acted on, d3 with two completions, d2 left by c4 for d5", want)
		}

		migration, err := os.ReadFile("migrations/" + dialect + "/0019_deal_live_touches.sql")
		if err != nil {
			t.Fatal(err)
		}
		text := string(migration)
		i := strings.Index(text, "UPDATE deals SET")
		j := strings.Index(text[i:], ";")
		if i < 0 || j < 0 {
			t.Fatal("migration 0019 has no UPDATE deals SET … ; to backfill with")
		}
		if _, err := db.ExecContext(ctx, `UPDATE deals SET acted_live = NULL, acted_live_seen = NULL, done_live = NULL, done_live_prev = NULL`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, text[i:i+j]); err != nil {
			t.Fatalf("the backfill: %v", err)
		}
		if diff := cmp.Diff(want, read()); diff != "" {
			t.Errorf("the backfill's bounds differ from those the upserts keep (-upserts +backfill):\n%s", diff)
		}
	})
}
