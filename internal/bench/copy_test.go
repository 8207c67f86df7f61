package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// copyBatch writes a batch of new records to PostgreSQL with COPY, several
// times faster than the upserts of store.UpsertRecords: at L a year is 31M
// records, and generating the data set is not what is measured. The rows
// are exactly those UpsertRecords would store. Deals and their moves, a
// fiftieth of the records, go through UpsertRecords, which keeps each
// deal's latest move with it.
func copyBatch(ctx context.Context, s *store.Store, workspace string, b *domain.RecordBatch) error {
	if _, err := s.UpsertRecords(ctx, workspace, &domain.RecordBatch{Deals: b.Deals, Moves: b.Moves}, time.Time{}, "bench", Now()); err != nil {
		return err
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		copyRows := func(table string, columns []string, n int, row func(i int) []any) error {
			if n == 0 {
				return nil
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
				return row(i), nil
			}))
			if err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			return nil
		}
		err = copyRows("companies", []string{"workspace", "source", "external_id", "name", "responsible", "created_by",
			"created_at", "updated_at", "deleted_at"}, len(b.Companies), func(i int) []any {
			c := &b.Companies[i]
			return []any{workspace, c.Source, c.ExternalID, c.Name, c.Responsible, c.CreatedBy,
				c.CreatedAt.UnixMicro(), micros(c.UpdatedAt), micros(c.DeletedAt)}
		})
		if err != nil {
			return err
		}
		err = copyRows("tasks", []string{"workspace", "source", "external_id", "title", "responsible", "deal_id", "deadline",
			"created_at", "completed_at", "updated_at", "deleted_at"}, len(b.Tasks), func(i int) []any {
			k := &b.Tasks[i]
			return []any{workspace, k.Source, k.ExternalID, k.Title, k.Responsible, k.DealID, micros(k.Deadline),
				k.CreatedAt.UnixMicro(), micros(k.CompletedAt), micros(k.UpdatedAt), micros(k.DeletedAt)}
		})
		if err != nil {
			return err
		}
		err = copyRows("activities", []string{"workspace", "source", "external_id", "kind", "responsible", "happened_at",
			"entered_at", "duration_seconds", "outcome", "deal_id", "updated_at", "deleted_at", "direction"}, len(b.Activities), func(i int) []any {
			a := &b.Activities[i]
			return []any{workspace, a.Source, a.ExternalID, a.Kind, a.Responsible, a.HappenedAt.UnixMicro(),
				a.EnteredAt.UnixMicro(), int32(a.DurationSeconds), a.Outcome, a.DealID, micros(a.UpdatedAt), micros(a.DeletedAt),
				a.Direction}
		})
		if err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// micros is the store's encoding of a time: Unix microseconds, NULL for
// the zero time.
func micros(t interface {
	IsZero() bool
	UnixMicro() int64
}) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// The COPY path must store exactly what UpsertRecords stores, or the
// PostgreSQL figures would be measured on other data.
func TestCopyBatchMatchesUpsert(t *testing.T) {
	ctx := context.Background()
	ws := Workspace(3)
	days := Days(ws, 12)
	var loaded []*domain.DayData
	var sheets []string
	for _, viaCopy := range []bool{false, true} {
		s := storetest.MustOpen(t, storetest.NewPostgresDatabase(t))
		write := func(b *domain.RecordBatch) error {
			_, err := s.UpsertRecords(ctx, ws.ID, b, time.Time{}, "bench", Now())
			return err
		}
		if viaCopy {
			write = func(b *domain.RecordBatch) error { return copyBatch(ctx, s, ws.ID, b) }
		}
		if err := PopulateWith(ctx, s, ws, days, write, nil); err != nil {
			t.Fatal(err)
		}
		data, err := s.LoadDay(ctx, ws.ID, ws.Window(LastDay))
		if err != nil {
			t.Fatal(err)
		}
		own := *ws
		own.Regulation = ownRegulation(ws)
		sheet, err := s.LoadDaySheet(ctx, &own, own.Window(LastDay), store.DayRead{Conns: 1})
		if err != nil {
			t.Fatal(err)
		}
		// A sheet's records come in no particular order: compare what it
		// gives.
		values, unknown := domain.ComputeValues(&own, own.Window(LastDay), sheet)
		loaded = append(loaded, data)
		js, err := json.Marshal(map[string]any{"values": values, "unknown": unknown})
		if err != nil {
			t.Fatal(err)
		}
		sheets = append(sheets, string(js))
	}
	if diff := cmp.Diff(loaded[0], loaded[1]); diff != "" {
		t.Errorf("LoadDay after COPY (-upsert +copy):\n%s", diff)
	}
	if sheets[0] != sheets[1] {
		t.Errorf("a sheet with own indicators after COPY:\n%s\nafter upserts:\n%s", sheets[1], sheets[0])
	}
}
