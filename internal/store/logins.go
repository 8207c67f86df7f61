package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LoginFailures counts the failed logins of key after since, and returns
// the first of them (zero when none). It implements auth.FailureLog.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (n int, first time.Time, err error) {
	var at sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at > $2`,
		key, since.UnixMicro()).Scan(&n, &at)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: login failures: %w", err)
	}
	return n, fromMicros(at), nil
}

// AddLoginFailure records a failed login of key at at, and forgets every
// failure at or before forget (which no window looks at any more), so that
// a flood of distinct keys cannot grow the table without bound.
func (s *Store) AddLoginFailure(ctx context.Context, key string, at, forget time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at <= $1`, forget.UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, at.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets the failures of key, after a successful login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}
