package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var ctx = context.Background()

// cmpOpts compares domain values: locations by name, indicator values by
// their JSON (they hold unexported counters).
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b domain.Values) bool {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return string(x) == string(y)
	}),
}

var (
	moscow = mustLocation("Europe/Moscow")
	// now is when the tests apply and import.
	now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func date(s string) domain.Date { return domain.MustDate(s) }

// newWorkspace returns a fully populated workspace "acme".
func newWorkspace() *domain.Workspace {
	return &domain.Workspace{
		ID: "acme", Name: "Acme", Timezone: "Europe/Moscow", Location: moscow,
		Deadline: domain.Clock{Hour: 18}, Grace: 10 * time.Minute,
		WorkingWeekdays:  [7]bool{false, true, true, true, true, true, false},
		Holidays:         []domain.Date{date("2026-11-04")},
		ExtraWorkingDays: []domain.Date{date("2026-11-01")},
		MinCallSeconds:   5, Currency: "RUB", PointValue: dec("200.50"),
		BonusCap: decimal.NewNullDecimal(dec("5000")),
		Managers: []domain.Manager{
			{ID: "anna", Name: "Anna", Team: "north", CRMIDs: []string{"u1", "u2"},
				Absences: []domain.Absence{{From: date("2026-11-10"), To: date("2026-11-12"), Reason: "vacation"}}},
			{ID: "boris", Name: "Boris", CRMIDs: []string{"u3"}},
		},
		Regulation: domain.Regulation{{Effective: date("2026-11-01"), Rules: []domain.Rule{
			{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("30"), Pass: 1, Fail: -2,
				Targets: map[string]decimal.Decimal{"anna": dec("20")}},
			{Indicator: domain.OverdueTasks, Op: domain.AtMost, Target: dec("0"), Pass: 1, Fail: -2, Teams: []string{"north"}},
		}}},
	}
}

func mustApply(t *testing.T, s *store.Store, ws *domain.Workspace) store.ApplyResult {
	t.Helper()
	res, err := s.ApplyWorkspace(ctx, ws, "head", now)
	if err != nil {
		t.Fatalf("ApplyWorkspace: %v", err)
	}
	return res
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func countRows(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func auditActions(t *testing.T, s *store.Store, workspace string) []string {
	t.Helper()
	entries, err := s.FindAudit(ctx, workspace, 0)
	if err != nil {
		t.Fatalf("FindAudit: %v", err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	return actions
}

func TestOpenMigratesAndReopens(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if want := strings.SplitN(t.Name(), "/", 2)[1]; s.Dialect() != want {
			t.Errorf("Dialect() = %q, want %q", s.Dialect(), want)
		}
		if got := countRows(t, s, `SELECT COUNT(*) FROM schema_version WHERE version = 1`); got != 1 {
			t.Errorf("schema_version rows for version 1 = %d, want 1", got)
		}
		migrated := countRows(t, s, `SELECT COUNT(*) FROM schema_version`)
		mustApply(t, s, newWorkspace())
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		s = storetest.MustOpen(t, dsn)
		if got := countRows(t, s, `SELECT COUNT(*) FROM schema_version`); got != migrated {
			t.Errorf("after reopening, schema_version rows = %d, want %d", got, migrated)
		}
		if _, err := s.FindWorkspace(ctx, "acme"); err != nil {
			t.Errorf("after reopening, FindWorkspace: %v", err)
		}
	})
}

func TestOpenSQLitePragmas(t *testing.T) {
	s := storetest.MustOpen(t, "sqlite://"+t.TempDir()+"/pragmas.db")
	// A write keeps temporary storage in memory for its transaction only
	// (writeConn): the connection goes back to the pool with files.
	mustApply(t, s, newWorkspace())
	mustUpsert(t, s, &domain.RecordBatch{Companies: []domain.Company{{
		RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c1"}, Name: "Acme", CreatedAt: time.Now()}}}, time.Time{})
	// Hold two connections at once so that both come from the pool.
	for i := range 2 {
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		var fk, busy int
		if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || busy < 5000 {
			t.Errorf("connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d, want wal, 1, >= 5000", i, mode, fk, busy)
		}
		var cache int
		if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
			t.Fatal(err)
		}
		if cache != -65536 {
			t.Errorf("connection %d: cache_size=%d, want -65536 (64 MiB)", i, cache)
		}
		var temp int
		if err := conn.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
			t.Fatal(err)
		}
		if temp != 1 {
			t.Errorf("connection %d: temp_store=%d, want 1 (file)", i, temp)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		latest := countRows(t, s, `SELECT MAX(version) FROM schema_version`)
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (42, 0)`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s, err = store.Open(ctx, dsn)
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded on a database with schema version 42")
		}
		if msg := err.Error(); !strings.Contains(msg, "42") || !strings.Contains(msg, fmt.Sprintf("version %d ", latest)) {
			t.Errorf("error %q should name schema versions 42 and %d", msg, latest)
		}
	})
}

func TestApplyWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		res := mustApply(t, s, ws)
		want := store.ApplyResult{Created: true, Changes: []string{
			"workspace acme created", "manager anna added", "manager boris added", "regulation 2026-11-01 added"}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("first apply (-want +got):\n%s", diff)
		}
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatalf("FindWorkspace: %v", err)
		}
		if diff := cmp.Diff(newWorkspace(), got, cmpOpts); diff != "" {
			t.Errorf("stored workspace (-want +got):\n%s", diff)
		}

		// The same workspace again writes nothing, not even audit.
		res, err = s.ApplyWorkspace(ctx, newWorkspace(), "head", now.Add(time.Hour))
		if err != nil {
			t.Fatalf("second apply: %v", err)
		}
		if res.Created || len(res.Changes) != 0 {
			t.Errorf("second apply = %+v, want no changes", res)
		}
		if got := countRows(t, s, `SELECT COUNT(*) FROM workspaces WHERE updated_at = $1`, now.UnixMicro()); got != 1 {
			t.Errorf("second apply touched updated_at")
		}
		if got := auditActions(t, s, "acme"); !slices.Equal(got, []string{"apply"}) {
			t.Errorf("audit after two applies = %q, want one apply", got)
		}

		// Settings, a manager and the regulation change.
		ws = newWorkspace()
		ws.Deadline = domain.Clock{Hour: 19, Minute: 30}
		ws.Grace = 5 * time.Minute
		ws.FineCap = decimal.NewNullDecimal(dec("1000"))
		ws.Managers[1].Absences = []domain.Absence{{From: date("2026-11-16"), To: date("2026-11-16"), Reason: "sick"}}
		ws.Regulation[0].Rules[0].Target = dec("25")
		ws.Regulation = append(ws.Regulation, domain.RegulationVersion{Effective: date("2026-12-01")})
		res = mustApply(t, s, ws)
		want = store.ApplyResult{Changes: []string{"settings changed: deadline, grace, fine cap", "manager boris changed",
			"regulation 2026-11-01 changed", "regulation 2026-12-01 added"}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("changing apply (-want +got):\n%s", diff)
		}
		got, err = s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatalf("FindWorkspace: %v", err)
		}
		if diff := cmp.Diff(ws, got, cmpOpts); diff != "" {
			t.Errorf("changed workspace (-want +got):\n%s", diff)
		}
		entries, err := s.FindAudit(ctx, "acme", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "apply" || entries[0].Actor != "head" || entries[0].Detail != strings.Join(want.Changes, "; ") {
			t.Errorf("latest audit = %+v, want the apply with its changes", entries)
		}

		other := newWorkspace()
		other.ID, other.Managers, other.Regulation = "beta", nil, nil
		mustApply(t, s, other)
		list, err := s.ListWorkspaces(ctx)
		if err != nil {
			t.Fatalf("ListWorkspaces: %v", err)
		}
		if diff := cmp.Diff([]*domain.Workspace{ws, other}, list, cmpOpts); diff != "" {
			t.Errorf("ListWorkspaces (-want +got):\n%s", diff)
		}
	})
}

func TestFindWorkspaceNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws, err := s.FindWorkspace(ctx, "nope")
		if ws != nil {
			t.Errorf("FindWorkspace returned %v for a missing workspace", ws)
		}
		wantCode(t, err, domain.ENOTFOUND)
		if msg := domain.ErrorMessage(err); msg != `workspace "nope" not found` {
			t.Errorf("message = %q", msg)
		}
	})
}

func TestApplyManagers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.Managers = append(ws.Managers, domain.Manager{ID: "vera", Name: "Vera", CRMIDs: []string{"u4"}})
		mustApply(t, s, ws)

		// Boris leaves; his CRM id goes to Vera, and u2 moves from Anna to Vera
		// in the same apply; Vera now comes first.
		ws = newWorkspace()
		ws.Managers = []domain.Manager{
			{ID: "vera", Name: "Vera", CRMIDs: []string{"u4", "u3", "u2"}},
			{ID: "anna", Name: "Anna", Team: "north", CRMIDs: []string{"u1"}, Absences: ws.Managers[0].Absences},
		}
		res := mustApply(t, s, ws)
		want := []string{"manager vera changed", "manager anna changed", "managers reordered", "manager boris removed"}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ws.Managers, got.Managers, cmpOpts); diff != "" {
			t.Errorf("managers (-want +got):\n%s", diff)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM manager_crm_ids WHERE manager = 'boris'`); n != 0 {
			t.Errorf("removed manager keeps %d crm ids", n)
		}

		// Only the order changes.
		slices.Reverse(ws.Managers)
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"managers reordered"}) {
			t.Errorf("changes = %q, want managers reordered", res.Changes)
		}
		// A manager added in front shifts the others without reordering them.
		ws.Managers = slices.Insert(ws.Managers, 0, domain.Manager{ID: "gleb", Name: "Gleb"})
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"manager gleb added"}) {
			t.Errorf("changes = %q, want manager gleb added", res.Changes)
		}
		if res := mustApply(t, s, ws); len(res.Changes) != 0 {
			t.Errorf("reapply changes = %q, want none", res.Changes)
		}
		got, err = s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ws.Managers, got.Managers, cmpOpts); diff != "" {
			t.Errorf("managers (-want +got):\n%s", diff)
		}
	})
}

func TestApplyCRMConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.Managers[1].CRMIDs = []string{"u3", "u2"}
		_, err := s.ApplyWorkspace(ctx, ws, "head", now)
		wantCode(t, err, domain.ECONFLICT)
		if !strings.Contains(domain.ErrorMessage(err), `"u2"`) {
			t.Errorf("message %q should name crm id u2", domain.ErrorMessage(err))
		}
		_, err = s.FindWorkspace(ctx, "acme")
		wantCode(t, err, domain.ENOTFOUND)

		// The database enforces it as well.
		mustApply(t, s, newWorkspace())
		_, err = s.DB().ExecContext(ctx, `INSERT INTO manager_crm_ids (workspace, crm_id, manager, position) VALUES ('acme', 'u1', 'boris', 9)`)
		if err == nil {
			t.Error("a second manager for crm id u1 was accepted by the database")
		}
	})
}

func TestApplyRegulationConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		mustCreateSheet(t, s, newSheet("2026-11-20"))

		changed := newWorkspace()
		changed.Name = "Acme renamed"
		changed.Regulation[0].Rules[0].Pass = 2
		_, err := s.ApplyWorkspace(ctx, changed, "head", now)
		wantCode(t, err, domain.ECONFLICT)
		const msg = "regulation version 2026-11-01 is used by final sheets up to 2026-11-20; add a version with a later effective date"
		if got := domain.ErrorMessage(err); got != msg {
			t.Errorf("message = %q, want %q", got, msg)
		}
		removed := newWorkspace()
		removed.Regulation = nil
		_, err = s.ApplyWorkspace(ctx, removed, "head", now)
		wantCode(t, err, domain.ECONFLICT)
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(newWorkspace(), got, cmpOpts); diff != "" {
			t.Errorf("refused applies changed the workspace (-want +got):\n%s", diff)
		}

		// Versions after the last final sheet can be added, changed, removed.
		ws := newWorkspace()
		ws.Regulation = append(ws.Regulation, domain.RegulationVersion{Effective: date("2026-11-21"), Rules: ws.Regulation[0].Rules})
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"regulation 2026-11-21 added"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		ws.Regulation[1].Rules = nil
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"regulation 2026-11-21 changed"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		ws.Regulation = ws.Regulation[:1]
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"regulation 2026-11-21 removed"}) {
			t.Errorf("changes = %q", res.Changes)
		}
	})
}

// Records for the upsert tests.

var (
	t1 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	t2 = time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
)

func newBatch() *domain.RecordBatch {
	meta := func(id string) domain.RecordMeta {
		return domain.RecordMeta{Source: "csv", ExternalID: id, UpdatedAt: t2}
	}
	deleted := meta("c2")
	deleted.DeletedAt = t2.Add(time.Hour)
	return &domain.RecordBatch{
		Companies: []domain.Company{
			{RecordMeta: meta("c1"), Name: "Horns & Hooves", Responsible: "u1", CreatedBy: "u2", CreatedAt: t1},
			{RecordMeta: deleted, Name: "Gone", Responsible: "u3", CreatedAt: t1},
		},
		Deals: []domain.Deal{
			{RecordMeta: meta("d1"), Title: "Big", Responsible: "u1", Amount: dec("1234567.89"), Status: domain.DealOpen, CreatedAt: t1},
			{RecordMeta: meta("d2"), Title: "Won", Responsible: "u3", Amount: dec("10"), Status: domain.DealWon, CreatedAt: t1, ClosedAt: t2},
		},
		Tasks: []domain.Task{
			{RecordMeta: meta("k1"), Title: "Call back", Responsible: "u1", DealID: "d1", Deadline: t2, CreatedAt: t1},
			{RecordMeta: meta("k2"), Title: "Done", Responsible: "u3", CreatedAt: t1, CompletedAt: t2.Add(3 * time.Hour)},
		},
		Activities: []domain.Activity{
			{RecordMeta: meta("a1"), Kind: domain.ActivityCall, Responsible: "u1", HappenedAt: t1, EnteredAt: t2,
				DurationSeconds: 95, Outcome: domain.OutcomeHeld, DealID: "d1"},
			{RecordMeta: meta("a2"), Kind: domain.ActivityMeeting, Responsible: "u3", HappenedAt: t1, EnteredAt: t1,
				Outcome: domain.OutcomeMissed},
		},
	}
}

// wideWindow covers every record of newBatch.
var wideWindow = domain.Window{Day: date("2026-11-03"), From: t1.Add(-time.Hour), To: t2.Add(2 * time.Hour)}

func mustUpsert(t *testing.T, s *store.Store, batch *domain.RecordBatch, watermark time.Time) store.UpsertResult {
	t.Helper()
	res, err := s.UpsertRecords(ctx, "acme", batch, watermark, "importer", now)
	if err != nil {
		t.Fatalf("UpsertRecords: %v", err)
	}
	return res
}

func mustLoadDay(t *testing.T, s *store.Store, workspace string, win domain.Window) *domain.DayData {
	t.Helper()
	data, err := s.LoadDay(ctx, workspace, win)
	if err != nil {
		t.Fatalf("LoadDay: %v", err)
	}
	return data
}

func TestUpsertRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		batch := newBatch()
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 8}) {
			t.Errorf("first upsert = %+v, want 8 written", res)
		}
		data := mustLoadDay(t, s, "acme", wideWindow)
		want := &domain.DayData{Companies: batch.Companies, Deals: batch.Deals, Tasks: batch.Tasks, Activities: batch.Activities,
			Touches: []domain.DealTouch{{Source: "csv", DealID: "d1", At: t1}}} // call a1
		if diff := cmp.Diff(want, data, cmpOpts); diff != "" {
			t.Errorf("stored records (-want +got):\n%s", diff)
		}

		if res := mustUpsert(t, s, newBatch(), time.Time{}); res != (store.UpsertResult{Unchanged: 8}) {
			t.Errorf("same batch again = %+v, want 8 unchanged", res)
		}

		batch = newBatch()
		batch.Deals[0].Amount = dec("1234567.90")
		batch.Activities[1].DeletedAt = t2
		batch.Tasks[0].Deadline = time.Time{}
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 3, Unchanged: 5}) {
			t.Errorf("three changed = %+v, want 3 written, 5 unchanged", res)
		}
		data = mustLoadDay(t, s, "acme", wideWindow)
		if diff := cmp.Diff(batch.Deals, data.Deals, cmpOpts); diff != "" {
			t.Errorf("deals (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(batch.Tasks, data.Tasks, cmpOpts); diff != "" {
			t.Errorf("tasks (-want +got):\n%s", diff)
		}

		// A record sent twice in one batch is upserted in order.
		dup := &domain.RecordBatch{Companies: []domain.Company{batch.Companies[0], batch.Companies[0], batch.Companies[0]}}
		dup.Companies[1].Name = "Renamed"
		if res := mustUpsert(t, s, dup, time.Time{}); res != (store.UpsertResult{Written: 2, Unchanged: 1}) {
			t.Errorf("duplicates = %+v, want 2 written, 1 unchanged", res)
		}

		entries, err := s.FindAudit(ctx, "acme", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "import" || entries[0].Actor != "importer" ||
			entries[0].Detail != "companies 3, deals 0, tasks 0, activities 0, deal moves 0: 2 written, 1 unchanged" {
			t.Errorf("latest audit = %+v, want the import", entries)
		}

		_, err = s.UpsertRecords(ctx, "nope", newBatch(), now, "importer", now)
		wantCode(t, err, domain.ENOTFOUND)
	})
}

// manyCompanies returns n companies created at t1, c00000 upwards.
func manyCompanies(n int) []domain.Company {
	cs := make([]domain.Company, n)
	for i := range cs {
		cs[i] = domain.Company{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: fmt.Sprintf("c%05d", i)},
			Name: "Company", Responsible: "u1", CreatedAt: t1}
	}
	return cs
}

func TestUpsertRecordsManyChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		batch := &domain.RecordBatch{Companies: manyCompanies(250)}
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 250}) {
			t.Errorf("first upsert = %+v, want 250 written", res)
		}
		batch.Companies[7].Name = "Changed"
		batch.Companies[207].Name = "Changed"
		if res := mustUpsert(t, s, batch, time.Time{}); res != (store.UpsertResult{Written: 2, Unchanged: 248}) {
			t.Errorf("second upsert = %+v, want 2 written, 248 unchanged", res)
		}
		data := mustLoadDay(t, s, "acme", wideWindow)
		if diff := cmp.Diff(batch.Companies, data.Companies, cmpOpts); diff != "" {
			t.Errorf("companies (-want +got):\n%s", diff)
		}
	})
}

func TestUpsertRecordsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		// All 250 companies reach the database before the bad deal fails.
		batch := newBatch()
		batch.Companies = manyCompanies(250)
		batch.Deals[1].ExternalID = ""
		_, err := s.UpsertRecords(ctx, "acme", batch, now, "importer", now)
		wantCode(t, err, domain.EINVALID)
		data := mustLoadDay(t, s, "acme", wideWindow)
		if n := len(data.Companies) + len(data.Deals) + len(data.Tasks) + len(data.Activities); n != 0 {
			t.Errorf("a failed batch left %d records", n)
		}
		if w, err := s.Watermark(ctx, "acme"); err != nil || !w.IsZero() {
			t.Errorf("a failed batch set the watermark to %v (%v)", w, err)
		}
		if got := auditActions(t, s, "acme"); slices.Contains(got, "import") {
			t.Errorf("a failed batch was audited: %q", got)
		}
	})
}

func TestWatermarkOnlyRises(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		w, err := s.Watermark(ctx, "acme")
		if err != nil || !w.IsZero() {
			t.Fatalf("initial Watermark = %v, %v; want zero", w, err)
		}
		empty := &domain.RecordBatch{}
		for _, step := range []struct{ set, want time.Time }{
			{t2, t2},
			{t1, t2},
			{time.Time{}, t2},
			{t2.Add(time.Microsecond), t2.Add(time.Microsecond)},
		} {
			mustUpsert(t, s, empty, step.set)
			if w, err := s.Watermark(ctx, "acme"); err != nil || !w.Equal(step.want) {
				t.Errorf("after raising to %v: Watermark = %v, %v; want %v", step.set, w, err, step.want)
			}
		}
		_, err = s.Watermark(ctx, "nope")
		wantCode(t, err, domain.ENOTFOUND)
	})
}

func ids[T any](records []T, id func(*T) string) []string {
	var out []string
	for i := range records {
		out = append(out, id(&records[i]))
	}
	return out
}

func TestLoadDayBoundaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		other := newWorkspace()
		other.ID = "beta"
		mustApply(t, s, other)

		win := ws.Window(date("2026-11-03")) // (Nov 2 18:00, Nov 3 18:00] Moscow
		from, to, grace := win.From, win.To, win.Grace
		const us = time.Microsecond
		before := from.Add(-24 * time.Hour)
		meta := func(id string) domain.RecordMeta { return domain.RecordMeta{Source: "csv", ExternalID: id} }
		gone := func(id string, at time.Time) domain.RecordMeta {
			m := meta(id)
			m.DeletedAt = at
			return m
		}
		company := func(id string, created time.Time) domain.Company {
			return domain.Company{RecordMeta: meta(id), Responsible: "u1", CreatedAt: created}
		}
		activity := func(id string, happened, entered time.Time) domain.Activity {
			return domain.Activity{RecordMeta: meta(id), Kind: domain.ActivityCall, Responsible: "u1",
				HappenedAt: happened, EnteredAt: entered, Outcome: domain.OutcomeHeld}
		}
		deal := func(m domain.RecordMeta, status string, created, closed time.Time) domain.Deal {
			return domain.Deal{RecordMeta: m, Responsible: "u1", Status: status, CreatedAt: created, ClosedAt: closed}
		}
		task := func(m domain.RecordMeta, created, completed time.Time) domain.Task {
			return domain.Task{RecordMeta: m, Responsible: "u1", CreatedAt: created, CompletedAt: completed}
		}
		batch := &domain.RecordBatch{
			Companies: []domain.Company{
				company("c-at-from", from), company("c-after-from", from.Add(us)),
				company("c-at-to", to), company("c-after-to", to.Add(us)),
			},
			Activities: []domain.Activity{
				activity("a-at-from", from, from),
				activity("a-after-from", from.Add(us), to.Add(time.Hour)),
				activity("a-at-to", to, to),
				activity("a-after-to", to.Add(us), to.Add(us)),
				activity("a-late-at-grace", before, from.Add(grace)),
				activity("a-late-after-grace", before, from.Add(grace+us)),
				activity("a-late-at-to-grace", from, to.Add(grace)),
				activity("a-late-after-to-grace", before, to.Add(grace+us)),
			},
			Deals: []domain.Deal{
				deal(meta("d-open-at-to"), domain.DealOpen, to, time.Time{}),
				deal(meta("d-open-after-to"), domain.DealOpen, to.Add(us), time.Time{}),
				deal(gone("d-deleted-at-from", from), domain.DealOpen, before, time.Time{}),
				deal(gone("d-deleted-after-from", from.Add(us)), domain.DealOpen, before, time.Time{}),
				deal(meta("d-won-at-from"), domain.DealWon, before, from),
				deal(meta("d-won-after-from"), domain.DealWon, before, from.Add(us)),
				deal(meta("d-lost-tomorrow"), domain.DealLost, before, to.Add(24*time.Hour)),
				deal(meta("d-reopened"), domain.DealOpen, before, from.Add(us)),
				deal(meta("d-reopened-long-ago"), domain.DealOpen, before.Add(-time.Hour), before),
			},
			Tasks: []domain.Task{
				task(meta("k-open-at-to"), to, time.Time{}),
				task(meta("k-open-after-to"), to.Add(us), time.Time{}),
				task(meta("k-completed-at-to"), before, to),
				task(meta("k-completed-after-to"), before, to.Add(us)),
				task(gone("k-deleted-at-to", to), before, time.Time{}),
				task(gone("k-deleted-after-to", to.Add(us)), before, time.Time{}),
			},
		}
		mustUpsert(t, s, batch, now)
		if _, err := s.UpsertRecords(ctx, "beta", batch, now, "importer", now); err != nil {
			t.Fatal(err)
		}

		data := mustLoadDay(t, s, "acme", win)
		got := map[string][]string{
			"companies":  ids(data.Companies, func(c *domain.Company) string { return c.ExternalID }),
			"activities": ids(data.Activities, func(a *domain.Activity) string { return a.ExternalID }),
			"deals":      ids(data.Deals, func(d *domain.Deal) string { return d.ExternalID }),
			"tasks":      ids(data.Tasks, func(k *domain.Task) string { return k.ExternalID }),
		}
		want := map[string][]string{
			"companies":  {"c-after-from", "c-at-to"},
			"activities": {"a-after-from", "a-at-to", "a-late-after-grace", "a-late-at-to-grace"},
			"deals": {"d-deleted-after-from", "d-lost-tomorrow", "d-open-at-to", "d-reopened", "d-reopened-long-ago",
				"d-won-after-from"},
			"tasks": {"k-completed-after-to", "k-completed-at-to", "k-deleted-after-to", "k-open-at-to"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LoadDay records (-want +got):\n%s", diff)
		}

		_, err := s.LoadDay(ctx, "nope", win)
		wantCode(t, err, domain.ENOTFOUND)
	})
}

// TestLoadDayPlans checks that every LoadDay query can run on indexes
// alone: no full scan of a record table.
func TestLoadDayPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		explain := "EXPLAIN QUERY PLAN "
		if s.Dialect() == store.Postgres {
			// Empty tables make a sequential scan the cheapest plan; forbid it
			// to see whether an index plan exists at all.
			if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
				t.Fatal(err)
			}
			explain = "EXPLAIN "
		}
		for name, q := range store.LoadDayQueries {
			if q.Dialect != "" && q.Dialect != s.Dialect() {
				continue
			}
			args := []any{"acme"}
			for i := 1; i < q.Params; i++ {
				args = append(args, int64(i))
			}
			rows, err := conn.QueryContext(ctx, explain+q.SQL, args...)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cols, _ := rows.Columns()
			var plan []string
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
			}
			rows.Close()
			for _, line := range plan {
				// A SQLite SEARCH must range over a time column, not only the
				// workspace; PostgreSQL's choice on empty tables says less, so
				// there it is enough that no sequential scan is needed.
				// A SQLite SCAN or SEARCH of a subquery's result (SCAN t,
				// SEARCH o USING AUTOMATIC COVERING INDEX) reads no table.
				fields := strings.Fields(line)
				// The day records read tables under the aliases a, k and m
				// too (a subquery's a is read with no index); a search by
				// deal ranges over one deal's records.
				table := len(fields) > 1 && (slices.Contains([]string{"companies", "deals", "tasks", "activities", "deal_moves"}, fields[1]) ||
					slices.Contains([]string{"a", "k", "m"}, fields[1]) && strings.Contains(line, " USING "))
				byDeal := strings.Contains(line, "deal_id=?")
				// A SCAN of a subquery on the inner side of a join is a
				// nested loop over it: quadratic.
				nested := len(fields) > 0 && fields[0] == "SCAN" && strings.HasSuffix(line, "LEFT-JOIN")
				full := strings.Contains(line, "Seq Scan") || nested || table && fields[0] == "SCAN" ||
					table && fields[0] == "SEARCH" && !strings.Contains(line, "_at>") && !strings.Contains(line, "_at<") && !byDeal
				if full {
					t.Errorf("%s: scan beyond the day in plan:\n%s", name, strings.Join(plan, "\n"))
					break
				}
			}
		}
	})
}

// newSheet returns a final sheet of acme for day.
func newSheet(day string) *domain.DaySheet {
	var v domain.Values
	v.SetCount(domain.CallsHeld, 31)
	v.SetCount(domain.OverdueTasks, 2)
	v.WonAmount = dec("1500.50")
	d := date(day)
	cutoff := d.In(moscow, 18, 0).UTC()
	return &domain.DaySheet{
		Workspace: "acme", Date: d, Status: domain.SheetFinal, RegulationVersion: date("2026-11-01"),
		Cutoff: cutoff, Watermark: cutoff.Add(5 * time.Minute), ComputedAt: cutoff.Add(10 * time.Minute),
		RequestedBy: "scheduler", UnknownUsers: []string{"u9"},
		Lines: []domain.SheetLine{
			{Manager: "boris", Values: v, Points: -1, Total: -1, Rules: []domain.RuleOutcome{
				{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("30"), Passed: true, Points: 1},
				{Indicator: domain.OverdueTasks, Op: domain.AtMost, Target: dec("0"), Points: -2},
			}},
			{Manager: "anna", Absent: true},
		},
	}
}

func mustCreateSheet(t *testing.T, s *store.Store, sheet *domain.DaySheet) {
	t.Helper()
	created, _, err := s.CreateFinalSheet(ctx, sheet)
	if err != nil || !created {
		t.Fatalf("CreateFinalSheet = %v, %v; want created", created, err)
	}
}

func TestCreateFinalSheet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		sheet := newSheet("2026-11-03")
		sheet.Status, sheet.Version = domain.SheetDraft, 0
		mustCreateSheet(t, s, sheet)
		if sheet.Status != domain.SheetFinal || sheet.Version != 1 {
			t.Errorf("created sheet status %q version %d, want final 1", sheet.Status, sheet.Version)
		}
		want := newSheet("2026-11-03")
		want.Version = 1
		got, err := s.FindSheet(ctx, "acme", date("2026-11-03"))
		if err != nil {
			t.Fatalf("FindSheet: %v", err)
		}
		if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
			t.Errorf("stored sheet (-want +got):\n%s", diff)
		}

		again := newSheet("2026-11-03")
		again.Lines = nil
		created, existing, err := s.CreateFinalSheet(ctx, again)
		if err != nil || created {
			t.Fatalf("second CreateFinalSheet = %v, %v; want not created", created, err)
		}
		if diff := cmp.Diff(want, existing, cmpOpts); diff != "" {
			t.Errorf("existing sheet (-want +got):\n%s", diff)
		}
		if got := auditActions(t, s, "acme"); !slices.Equal(got, []string{"finalize", "apply"}) {
			t.Errorf("audit = %q, want one finalize after the apply", got)
		}

		// A sheet with no regulation, watermark or lines.
		bare := &domain.DaySheet{Workspace: "acme", Date: date("2026-11-02"), Cutoff: want.Cutoff.Add(-24 * time.Hour)}
		mustCreateSheet(t, s, bare)
		got, err = s.FindSheet(ctx, "acme", bare.Date)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(bare, got, cmpOpts); diff != "" {
			t.Errorf("bare sheet (-want +got):\n%s", diff)
		}

		_, err = s.FindSheet(ctx, "acme", date("2026-11-05"))
		wantCode(t, err, domain.ENOTFOUND)
		orphan := newSheet("2026-11-03")
		orphan.Workspace = "nope"
		_, _, err = s.CreateFinalSheet(ctx, orphan)
		wantCode(t, err, domain.ENOTFOUND)
	})
}

func TestCreateFinalSheetExactlyOnce(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		// Two stores stand for two processes.
		stores := []*store.Store{storetest.MustOpen(t, dsn), storetest.MustOpen(t, dsn)}
		mustApply(t, stores[0], newWorkspace())
		days := []string{"2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06"}
		var wg sync.WaitGroup
		created := make([][]bool, len(stores))
		errs := make([]error, len(stores))
		for i, s := range stores {
			created[i] = make([]bool, len(days))
			wg.Go(func() {
				for j, day := range days {
					sheet := newSheet(day)
					sheet.RequestedBy = fmt.Sprintf("instance %d", i)
					c, existing, err := s.CreateFinalSheet(ctx, sheet)
					if err == nil && !c && existing == nil {
						err = fmt.Errorf("%s: not created and no existing sheet", day)
					}
					if err != nil {
						errs[i] = err
						return
					}
					created[i][j] = c
				}
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("instance %d: %v", i, err)
			}
		}
		for j, day := range days {
			if created[0][j] == created[1][j] {
				t.Errorf("%s: created by instance 0 %v, by instance 1 %v; want exactly one", day, created[0][j], created[1][j])
			}
		}
		if n := countRows(t, stores[0], `SELECT COUNT(*) FROM day_sheets`); n != len(days) {
			t.Errorf("%d sheets stored, want %d", n, len(days))
		}
		if n := countRows(t, stores[0], `SELECT COUNT(*) FROM audit WHERE action = 'finalize'`); n != len(days) {
			t.Errorf("%d finalize audit entries, want %d", n, len(days))
		}
	})
}

func TestSheetsAreImmutable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		mustCreateSheet(t, s, newSheet("2026-11-03"))
		for _, q := range []string{
			`UPDATE day_sheets SET reason = 'edited'`,
			`DELETE FROM day_sheets`,
			`UPDATE sheet_lines SET points = 100`,
			`DELETE FROM sheet_lines`,
		} {
			_, err := s.DB().ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "final sheets are immutable") {
				t.Errorf("%s: error %v, want final sheets are immutable", q, err)
			}
		}
		// A line needs its sheet: a foreign key on SQLite, one check per
		// statement on PostgreSQL (migration 0012), whichever way it comes.
		for _, q := range []string{
			`INSERT INTO sheet_lines (workspace, day, version, position, manager, absent, indicators, rules, points)
			VALUES ('acme', '2026-11-03', 2, 0, 'ivanov', false, '{}', '[]', 0)`,
			`INSERT INTO sheet_lines (workspace, day, version, position, manager, absent, indicators, rules, points)
			SELECT workspace, day, version + (CASE WHEN position = 1 THEN 1 ELSE 0 END), position + 100, manager, absent, indicators, rules, points
			FROM sheet_lines`,
		} {
			if _, err := s.DB().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") &&
				!strings.Contains(err.Error(), "a sheet line needs its sheet") {
				t.Errorf("%s: error %v, want a refusal of a line without its sheet", q, err)
			}
		}
		got, err := s.FindSheet(ctx, "acme", date("2026-11-03"))
		if err != nil {
			t.Fatal(err)
		}
		want := newSheet("2026-11-03")
		want.Version = 1
		if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
			t.Errorf("sheet after refused edits (-want +got):\n%s", diff)
		}
	})
}

func TestSheetVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		day := date("2026-11-03")

		recompute := newSheet("2026-11-03")
		recompute.RequestedBy, recompute.Reason = "head", "CRM outage fixed"
		recompute.Lines[0].Points, recompute.Lines[0].Total = 3, 3
		err := s.AddSheetVersion(ctx, recompute)
		wantCode(t, err, domain.ENOTFOUND)

		v1 := newSheet("2026-11-03")
		mustCreateSheet(t, s, v1)
		for _, missing := range []func(*domain.DaySheet){
			func(s *domain.DaySheet) { s.RequestedBy = "" },
			func(s *domain.DaySheet) { s.Reason = "" },
		} {
			bad := newSheet("2026-11-03")
			bad.RequestedBy, bad.Reason = "head", "why"
			missing(bad)
			wantCode(t, s.AddSheetVersion(ctx, bad), domain.EINVALID)
		}
		if err := s.AddSheetVersion(ctx, recompute); err != nil {
			t.Fatalf("AddSheetVersion: %v", err)
		}
		if recompute.Version != 2 {
			t.Errorf("new version = %d, want 2", recompute.Version)
		}
		got, err := s.FindSheet(ctx, "acme", day)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(recompute, got, cmpOpts); diff != "" {
			t.Errorf("latest sheet (-want +got):\n%s", diff)
		}
		versions, err := s.FindSheetVersions(ctx, "acme", day)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]domain.DaySheet{*v1, *recompute}, versions, cmpOpts); diff != "" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
		if versions, err := s.FindSheetVersions(ctx, "acme", date("2026-11-04")); err != nil || len(versions) != 0 {
			t.Errorf("versions of a day that is not final = %v, %v; want none", versions, err)
		}

		// A second recompute and two more days.
		third := newSheet("2026-11-03")
		third.RequestedBy, third.Reason = "head", "again"
		if err := s.AddSheetVersion(ctx, third); err != nil || third.Version != 3 {
			t.Fatalf("third version: %v, version %d", err, third.Version)
		}
		nov2, nov5 := newSheet("2026-11-02"), newSheet("2026-11-05")
		mustCreateSheet(t, s, nov5)
		mustCreateSheet(t, s, nov2)
		sheets, err := s.FindSheets(ctx, "acme", date("2026-11-02"), date("2026-11-04"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]domain.DaySheet{*nov2, *third}, sheets, cmpOpts); diff != "" {
			t.Errorf("FindSheets (-want +got):\n%s", diff)
		}
		if got := auditActions(t, s, "acme")[:2]; !slices.Equal(got, []string{"finalize", "finalize"}) {
			t.Errorf("latest audit = %q", got)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'recompute' AND actor = 'head'`); n != 2 {
			t.Errorf("%d recompute audit entries, want 2", n)
		}
	})
}

func TestAdjustments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		valid := func() *domain.Adjustment {
			return &domain.Adjustment{Workspace: "acme", Manager: "anna", Date: date("2026-11-05"), Points: 2,
				Reason: "client praised her", Author: "head", CreatedAt: now}
		}
		for name, mutate := range map[string]func(*domain.Adjustment){
			"zero points": func(a *domain.Adjustment) { a.Points = 0 },
			"no reason":   func(a *domain.Adjustment) { a.Reason = "" },
			"no author":   func(a *domain.Adjustment) { a.Author = "" },
			"no date":     func(a *domain.Adjustment) { a.Date = domain.Date{} },
		} {
			a := valid()
			mutate(a)
			if err := s.CreateAdjustment(ctx, a); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("%s: error %v, want invalid", name, err)
			}
		}
		orphan := valid()
		orphan.Workspace = "nope"
		wantCode(t, s.CreateAdjustment(ctx, orphan), domain.ENOTFOUND)

		a1, a2, a3 := valid(), valid(), valid()
		a2.Date, a2.Points, a2.Manager = date("2026-11-03"), -3, "boris"
		a3.Date = date("2026-11-30")
		for _, a := range []*domain.Adjustment{a1, a2, a3} {
			if err := s.CreateAdjustment(ctx, a); err != nil {
				t.Fatalf("CreateAdjustment: %v", err)
			}
		}
		if a1.ID == 0 || a2.ID <= a1.ID || a3.ID <= a2.ID {
			t.Errorf("ids %d, %d, %d; want increasing from 1", a1.ID, a2.ID, a3.ID)
		}
		a4 := valid()
		a4.CreatedAt = time.Time{}
		if err := s.CreateAdjustment(ctx, a4); err != nil || a4.CreatedAt.IsZero() {
			t.Fatalf("CreateAdjustment without a time: %v, created at %v", err, a4.CreatedAt)
		}
		got, err := s.FindAdjustments(ctx, "acme", date("2026-11-01"), date("2026-11-29"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]domain.Adjustment{*a2, *a1, *a4}, got); diff != "" {
			t.Errorf("FindAdjustments (-want +got):\n%s", diff)
		}
		if got := auditActions(t, s, "acme"); len(got) != 5 || got[0] != "adjust" {
			t.Errorf("audit = %q, want four adjusts after the apply", got)
		}
	})
}

func TestAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i, e := range []store.AuditEntry{
			{Workspace: "acme", Actor: "head", Action: "login", Detail: "1", At: now},
			{Workspace: "acme", Actor: "head", Action: "export", Detail: "2", At: now.Add(time.Minute)},
			{Workspace: "beta", Actor: "anna", Action: "login", Detail: "3", At: now.Add(time.Hour)},
			{Workspace: "acme", Actor: "head", Action: "logout", Detail: "4", At: now.Add(2 * time.Minute)},
		} {
			if err := s.AppendAudit(ctx, e); err != nil {
				t.Fatalf("AppendAudit %d: %v", i, err)
			}
		}
		wantCode(t, s.AppendAudit(ctx, store.AuditEntry{Workspace: "acme"}), domain.EINVALID)

		got, err := s.FindAudit(ctx, "acme", 2)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i].ID == 0 {
				t.Errorf("entry %d has no id", i)
			}
			got[i].ID = 0
		}
		want := []store.AuditEntry{
			{Workspace: "acme", Actor: "head", Action: "logout", Detail: "4", At: now.Add(2 * time.Minute)},
			{Workspace: "acme", Actor: "head", Action: "export", Detail: "2", At: now.Add(time.Minute)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindAudit (-want +got):\n%s", diff)
		}
		if all, err := s.FindAudit(ctx, "acme", 0); err != nil || len(all) != 3 {
			t.Errorf("FindAudit without a limit = %d entries, %v; want 3", len(all), err)
		}
	})
}

// TestUpsertThroughput reports records per second for a large CSV-like
// import; it is skipped in -short mode.
func TestUpsertThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("throughput test skipped in -short mode")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		const n = 100_000
		batch := &domain.RecordBatch{Activities: make([]domain.Activity, n)}
		for i := range batch.Activities {
			at := t1.Add(time.Duration(i) * time.Second)
			batch.Activities[i] = domain.Activity{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: fmt.Sprintf("a%07d", i)},
				Kind: domain.ActivityCall, Responsible: "u1", HappenedAt: at, EnteredAt: at, DurationSeconds: 60,
				Outcome: domain.OutcomeHeld}
		}
		start := time.Now()
		res := mustUpsert(t, s, batch, time.Time{})
		elapsed := time.Since(start)
		if res.Written != n {
			t.Errorf("written %d, want %d", res.Written, n)
		}
		t.Logf("%s: %d activities in %v: %.0f records/s", s.Dialect(), n, elapsed, n/elapsed.Seconds())
		start = time.Now()
		res = mustUpsert(t, s, batch, time.Time{})
		t.Logf("%s: unchanged re-import in %v (%+v)", s.Dialect(), time.Since(start), res)
	})
}
