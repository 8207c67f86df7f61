// Package storetest runs tests against every store dialect: SQLite always,
// PostgreSQL when REGLAMENT_TEST_POSTGRES names an admin DSN, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. Each test
// gets a fresh database of its own.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"reglament/internal/store"
)

// PostgresEnv is the environment variable holding the PostgreSQL admin DSN.
const PostgresEnv = "REGLAMENT_TEST_POSTGRES"

// TB is *testing.T or *testing.B: tests and benchmarks both run per store.
type TB[T any] interface {
	testing.TB
	Run(name string, f func(T)) bool
}

// Each runs fn as the subtests (or sub-benchmarks) "sqlite" and "postgres",
// each with a store opened on a fresh database that is removed when it ends.
func Each[T TB[T]](t T, fn func(t T, s *store.Store)) {
	t.Helper()
	EachDSN(t, func(t T, dsn string) {
		s := MustOpen(t, dsn)
		fn(t, s)
	})
}

// EachDSN is Each for tests that open the store themselves (for instance to
// reopen it): fn gets the DSN of a fresh, empty database.
func EachDSN[T TB[T]](t T, fn func(t T, dsn string)) {
	t.Helper()
	t.Run(store.SQLite, func(t T) {
		fn(t, "sqlite://"+filepath.Join(t.TempDir(), "reglament.db"))
	})
	t.Run(store.Postgres, func(t T) {
		fn(t, NewPostgresDatabase(t))
	})
}

// MustOpen opens a store on dsn and closes it when the test ends.
func MustOpen(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// NewPostgresDatabase creates a uniquely named PostgreSQL database through
// the admin DSN in REGLAMENT_TEST_POSTGRES, drops it when the test ends, and
// returns its DSN. Without the variable it skips the test.
func NewPostgresDatabase(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s to an admin DSN, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", PostgresEnv)
	}
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	suffix := make([]byte, 8)
	rand.Read(suffix)
	name := "reglament_test_" + hex.EncodeToString(suffix)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		tb.Fatalf("create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
