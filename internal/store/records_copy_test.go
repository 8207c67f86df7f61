package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestUpsertRecordsLargeBatch holds a batch large enough for PostgreSQL's
// COPY path to the counts and contents of the chunked upserts: new,
// unchanged and changed records, a key sent twice, and a failure after the
// records reached the database.
func TestUpsertRecordsLargeBatch(t *testing.T) {
	const n = 2500
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		batch := &domain.RecordBatch{Companies: manyCompanies(n)}
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: n}) {
			t.Errorf("first upsert = %+v, want %d written", res, n)
		}
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Unchanged: n}) {
			t.Errorf("same batch again = %+v, want %d unchanged", res, n)
		}
		batch.Companies[7].Name = "Changed"
		batch.Companies[2207].DeletedAt = t1.Add(time.Hour)
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 2, Unchanged: n - 2}) {
			t.Errorf("two changed = %+v, want 2 written, %d unchanged", res, n-2)
		}
		// A key sent twice: the later record wins and is written once more.
		twice := batch.Companies[5]
		twice.Name = "Twice"
		batch.Companies = append(batch.Companies, twice)
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 1, Unchanged: n}) {
			t.Errorf("a key twice = %+v, want 1 written, %d unchanged", res, n)
		}
		want := batch.Companies[:n]
		want[5] = twice
		data := mustLoadDay(t, s, "acme", wideWindow)
		if diff := cmp.Diff(want, data.Companies, cmpOpts); diff != "" {
			t.Errorf("companies (-want +got):\n%s", diff)
		}

		// All or nothing: the companies reach the database before the bad deal fails.
		bad := newBatch()
		bad.Companies = manyCompanies(n)
		for i := range bad.Companies {
			bad.Companies[i].Name = "Never"
		}
		bad.Deals[1].ExternalID = ""
		_, err := s.UpsertRecords(ctx, "acme", bad, now, "importer", now)
		wantCode(t, err, domain.EINVALID)
		data = mustLoadDay(t, s, "acme", wideWindow)
		if diff := cmp.Diff(want, data.Companies, cmpOpts); diff != "" {
			t.Errorf("companies after a failed batch (-want +got):\n%s", diff)
		}

		// The same into a workspace without records, where PostgreSQL
		// copies straight into the tables: nothing stays of the failed
		// batch, and the batch fixed is stored whole.
		other := newWorkspace()
		other.ID = "other"
		mustApply(t, s, other)
		_, err = s.UpsertRecords(ctx, "other", bad, now, "importer", now)
		wantCode(t, err, domain.EINVALID)
		if data := mustLoadDay(t, s, "other", wideWindow); len(data.Companies) != 0 || len(data.Deals) != 0 {
			t.Errorf("after a failed first batch: %d companies, %d deals stored, want none", len(data.Companies), len(data.Deals))
		}
		bad.Deals[1].ExternalID = "fixed"
		res, err := s.UpsertRecords(ctx, "other", bad, now, "importer", now)
		if err != nil {
			t.Fatalf("fixed batch: %v", err)
		}
		if res != (store.UpsertResult{Written: bad.Len()}) {
			t.Errorf("fixed batch = %+v, want %d written", res, bad.Len())
		}
		if data := mustLoadDay(t, s, "other", wideWindow); len(data.Companies) != n {
			t.Errorf("fixed batch: %d companies stored, want %d", len(data.Companies), n)
		}
	})
}

// TestRecordsNeedTheirWorkspace: the record tables keep no foreign key to
// workspaces on PostgreSQL (migration 0011), so every write of records
// checks the workspace itself. Records for an unknown workspace, in a small
// batch, a batch large enough for COPY, or a sync batch, are refused and
// nothing is stored.
func TestRecordsNeedTheirWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		for _, batch := range []*domain.RecordBatch{newBatch(), {Companies: manyCompanies(2500)}} {
			_, err := s.UpsertRecords(ctx, "nope", batch, now, "importer", now)
			wantCode(t, err, domain.ENOTFOUND)
		}
		_, err := s.StoreSyncBatch(ctx, "nope", store.SyncBatch{Source: "amocrm", Kind: "company",
			Records: &domain.RecordBatch{Companies: manyCompanies(3)}, Cursor: now}, "sync", now)
		wantCode(t, err, domain.ENOTFOUND)
		for _, table := range []string{"companies", "deals", "tasks", "activities"} {
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE workspace = 'nope'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d %s stored for an unknown workspace", n, table)
			}
		}
	})
}
