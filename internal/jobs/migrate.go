package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river/rivermigrate"

	"reglament/internal/store"
)

// migrationLock is the PostgreSQL advisory lock key that serializes River's
// migrations among instances starting together ("rivermig" in ASCII).
const migrationLock = 0x7269766572_6d6967

// migrateOnce migrates River's tables. On PostgreSQL, instances starting at
// the same moment would race to create the same types and tables and all
// but one would fail; an advisory lock makes them take turns, and the
// later ones find nothing left to do.
func migrateOnce(ctx context.Context, s *store.Store, migrator *rivermigrate.Migrator[*sql.Tx]) error {
	if s.Dialect() == store.Postgres {
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			return fmt.Errorf("jobs: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("jobs: migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}
