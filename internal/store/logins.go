package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LoginFailures counts the failed logins of key after since, and returns
// the first of them (zero when none).
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

// loginLockClass is the first key of the advisory locks that make the
// attempts of one login key count one after another (AddLoginAttempt);
// the workspace locks use another (lockWorkspace).
const loginLockClass = 1819243380

// AddLoginAttempt counts a login attempt of key at at unless max attempts
// after since are counted already, and forgets every attempt at or before
// forget (see AddLoginFailure). It returns whether it counted the attempt
// and the first counted attempt after since. It implements
// auth.FailureLog.
//
// Reading the count and counting the attempt are one step for every
// instance: on PostgreSQL the attempts of a key take a transaction-scoped
// advisory lock on it first (two READ COMMITTED transactions would both
// count n and both insert), and on SQLite every read-write transaction
// already runs alone (BEGIN IMMEDIATE).
func (s *Store) AddLoginAttempt(ctx context.Context, key string, at, since, forget time.Time, max int) (ok bool, first time.Time, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		ok, first = false, time.Time{}
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1::integer, hashtext($2))`, loginLockClass, key); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at <= $1`, forget.UnixMicro()); err != nil {
			return err
		}
		var n int
		var min sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at > $2`,
			key, since.UnixMicro()).Scan(&n, &min)
		if err != nil {
			return err
		}
		first = fromMicros(min)
		if n >= max {
			return nil
		}
		if n == 0 {
			first = at.UTC()
		}
		ok = true
		_, err = tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, at.UnixMicro())
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("store: add login attempt: %w", err)
	}
	return ok, first, nil
}

// ClearLoginFailures forgets the failures of key, after a successful login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}
