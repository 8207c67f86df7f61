package engine_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// release13 holds a database written by the release before migration
// 0014 and what that release printed of it (testdata/release-13/README.md).
const release13 = "testdata/release-13/"

// TestReleaseDatabaseKeepsItsFigures opens a database the previous release
// wrote, on both stores: today's code migrates it and must show every
// figure that release showed — each final sheet (values, rules, points,
// version) and each statement (points, adjustments, money, caps).
func TestReleaseDatabaseKeepsItsFigures(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			dump, err := os.ReadFile(filepath.Join(release13, dialect+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			var dsn, driver, source string
			if dialect == store.SQLite {
				source = filepath.Join(t.TempDir(), "release13.db")
				dsn, driver = "sqlite://"+source, "sqlite"
			} else {
				dsn = storetest.NewPostgresDatabase(t)
				driver, source = "pgx", dsn
			}
			// The dump runs on a connection of its own: pg_dump's script
			// empties the search path for the rest of its session.
			raw, err := sql.Open(driver, source)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(string(dump)); err != nil {
				raw.Close()
				t.Fatalf("restore the release's %s dump: %v", dialect, err)
			}
			raw.Close()

			st := storetest.MustOpen(t, dsn)
			var version int
			if err := st.DB().QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&version); err != nil || version < 14 {
				t.Fatalf("schema version after opening = %d (%v); want it migrated past 13", version, err)
			}
			eng := engine.New(st, func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) })

			for _, day := range []string{"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"} {
				var want domain.DaySheet
				readJSON(t, release13+dialect+"/table-"+day+".json", &want)
				got, err := eng.Table(t.Context(), "acme", domain.MustDate(day))
				if err != nil {
					t.Fatalf("table %s: %v", day, err)
				}
				// Through JSON, as the release printed it.
				var back domain.DaySheet
				roundTrip(t, got, &back)
				if diff := cmp.Diff(want, back, cmp.AllowUnexported(domain.Values{}), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("sheet %s differs from the release's (-release +now):\n%s", day, diff)
				}
			}
			for _, period := range []string{"2026-11", "2026-W47", "2026-W48"} {
				var want domain.Statement
				readJSON(t, release13+dialect+"/statement-"+period+".json", &want)
				p, err := domain.ParsePeriod(period)
				if err != nil {
					t.Fatal(err)
				}
				got, err := eng.Statement(t.Context(), "acme", p)
				if err != nil {
					t.Fatalf("statement %s: %v", period, err)
				}
				var back domain.Statement
				roundTrip(t, got, &back)
				if back.PayMode != domain.PayPoints || back.Base != nil {
					t.Errorf("statement %s: pay %q base %v; want the points mode the release had", period, back.PayMode, back.Base)
				}
				if !back.PaySettings.IsZero() {
					t.Errorf("statement %s: pay settings of %s; want the version from the start migration 0015 made", period, back.PaySettings)
				}
				back.PayMode = "" // a field the release did not have
				if diff := cmp.Diff(want, back); diff != "" {
					t.Errorf("statement %s differs from the release's (-release +now):\n%s", period, diff)
				}
			}
		})
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func roundTrip(t *testing.T, v, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}
