package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// The acme fixture (testdata/acme) is a three-manager company whose week of
// 2026-11-16 was worked out by hand; every expected number below comes from
// reading the CSV files against DESIGN.md, not from running the code.

var msk = mustLocation("Europe/Moscow")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// setupAcme applies the fixture workspace and imports its records.
func setupAcme(t *testing.T, s *store.Store, c *clock) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	eng := engine.New(s, c.Now)
	data, err := os.ReadFile("testdata/acme/workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace("workspace.yaml", data)
	if err != nil {
		t.Fatalf("parse workspace: %v", err)
	}
	if _, err := eng.Apply(ctx, ws, "test"); err != nil {
		t.Fatalf("apply: %v", err)
	}
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		path := filepath.Join("testdata/acme", kind+".csv")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Import(ctx, "acme", kind, path, f, "test"); err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
		f.Close()
	}
	return eng
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t
}

type wantLine struct {
	values map[domain.Indicator]string
	points int
	absent bool
}

func lineValues(l *domain.SheetLine) map[domain.Indicator]string {
	got := make(map[domain.Indicator]string)
	for _, ind := range domain.Indicators {
		if v := l.Values.Format(ind); v != "0" && v != "0.00" {
			got[ind] = v
		}
	}
	return got
}

func checkSheet(t *testing.T, sheet *domain.DaySheet, want map[string]wantLine) {
	t.Helper()
	if len(sheet.Lines) != len(want) {
		t.Fatalf("sheet %s has %d lines, want %d", sheet.Date, len(sheet.Lines), len(want))
	}
	for _, l := range sheet.Lines {
		w, ok := want[l.Manager]
		if !ok {
			t.Errorf("unexpected manager %q", l.Manager)
			continue
		}
		if diff := cmp.Diff(w.values, lineValues(&l)); diff != "" {
			t.Errorf("%s %s values (-want +got):\n%s", sheet.Date, l.Manager, diff)
		}
		if l.Points != w.points || l.Absent != w.absent {
			t.Errorf("%s %s: got points %d absent %v; want %d %v", sheet.Date, l.Manager, l.Points, l.Absent, w.points, w.absent)
		}
	}
}

func TestFinalizeAcmeMonday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{at("2026-11-20 12:00")}
		eng := setupAcme(t, s, c)
		monday := domain.MustDate("2026-11-16")

		r, err := eng.Finalize(ctx, "acme", monday, "test")
		if err != nil {
			t.Fatal(err)
		}
		if !r.Created || r.Sheet.Status != domain.SheetFinal || r.Sheet.Version != 1 {
			t.Fatalf("got created=%v status=%s version=%d; want a new final version 1", r.Created, r.Sheet.Status, r.Sheet.Version)
		}
		if r.Sheet.RegulationVersion != domain.MustDate("2026-11-16") {
			t.Errorf("regulation version %s, want 2026-11-16", r.Sheet.RegulationVersion)
		}
		if diff := cmp.Diff([]string{"999"}, r.Sheet.UnknownUsers); diff != "" {
			t.Errorf("unknown users (-want +got):\n%s", diff)
		}
		checkSheet(t, r.Sheet, map[string]wantLine{
			// c2 (weekend, no creator); a1 a2 a3(Saturday) a4(entered at cutoff+grace exactly);
			// a5 entered 1 s late, a6 too short; d1 won; d2 open with task t1;
			// t2 completed 5 minutes after the cutoff is still overdue at it.
			// Rules of 2026-11-16: calls ≥4 +1, overdue ≤0 −2, no-task ≤0 +1, won ≥100000 +2.
			"anna": {values: map[domain.Indicator]string{
				domain.CompaniesAdded: "1", domain.MeetingsHeld: "1", domain.CallsHeld: "4", domain.DealsWon: "1",
				domain.DealsInProgress: "1", domain.WonAmount: "150000.50", domain.OverdueTasks: "1",
			}, points: 2},
			// c1 by creator 102; b1 held, b2 missed, b4 deleted before the cutoff; b3 happened
			// Thursday, entered Monday: a late entry; d3 lost; d4 reopened, no task; d5 closed
			// after the cutoff so still open, with overdue t3; t4 due exactly at the cutoff.
			"boris": {values: map[domain.Indicator]string{
				domain.CompaniesAdded: "1", domain.CallsHeld: "1", domain.DealsLost: "1", domain.DealsInProgress: "2",
				domain.OverdueTasks: "1", domain.DealsWithoutTasks: "1", domain.LateEntries: "1",
			}, points: -6},
			// c3 deleted before the cutoff; d6 deleted after it still counts, d7 before does not.
			"vera": {values: map[domain.Indicator]string{
				domain.CallsHeld: "1", domain.DealsInProgress: "1", domain.DealsWithoutTasks: "1",
			}, points: -3},
		})

		again, err := eng.Finalize(ctx, "acme", monday, "test")
		if err != nil {
			t.Fatal(err)
		}
		if again.Created || again.Sheet.Version != 1 {
			t.Errorf("second finalize: got created=%v version=%d; want the existing version 1", again.Created, again.Sheet.Version)
		}

		// The call entered one second after Monday's cutoff+grace is Tuesday's late entry.
		tuesday, err := eng.Finalize(ctx, "acme", domain.MustDate("2026-11-17"), "test")
		if err != nil {
			t.Fatal(err)
		}
		anna, _ := tuesday.Sheet.Line("anna")
		if got := anna.Values.Count(domain.LateEntries); got != 1 {
			t.Errorf("tuesday anna late_entries = %d, want 1", got)
		}
	})
}

func TestFinalizeRefusesBeforeDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{at("2026-11-16 18:09")}
		eng := setupAcme(t, s, c)
		_, err := eng.Finalize(context.Background(), "acme", domain.MustDate("2026-11-16"), "test")
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), "not over yet") {
			t.Fatalf("at 18:09 got %v; want an invalid 'not over yet' error", err)
		}
		c.t = at("2026-11-16 18:10").Add(time.Second)
		if _, err := eng.Finalize(context.Background(), "acme", domain.MustDate("2026-11-16"), "test"); err != nil {
			t.Fatalf("at 18:10:01 got %v; want the day finalized", err)
		}
	})
}

func TestWeekStatementAdjustmentsAndBacktest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{at("2026-11-20 12:00")}
		eng := setupAcme(t, s, c)
		results, err := eng.FinalizeDue(ctx, "acme", "test")
		if err != nil {
			t.Fatal(err)
		}
		// Working days 2..19 November without the 4th (holiday): 13 days.
		if len(results) != 13 {
			t.Fatalf("FinalizeDue finalized %d days, want 13", len(results))
		}
		if more, err := eng.FinalizeDue(ctx, "acme", "test"); err != nil || len(more) != 0 {
			t.Fatalf("second FinalizeDue: %d days, %v; want none", len(more), err)
		}
		adj := &domain.Adjustment{Workspace: "acme", Manager: "boris", Date: domain.MustDate("2026-11-17"), Points: 5,
			Reason: "звонки с личного телефона", Author: "head"}
		if err := eng.Adjust(ctx, adj); err != nil {
			t.Fatal(err)
		}
		sheet, err := eng.Table(ctx, "acme", domain.MustDate("2026-11-17"))
		if err != nil {
			t.Fatal(err)
		}
		boris, _ := sheet.Line("boris")
		if boris.Points != -6 || boris.Adjustments != 5 || boris.Total != -1 {
			t.Errorf("boris on 17th: got %d%+d=%d; want -6+5=-1", boris.Points, boris.Adjustments, boris.Total)
		}

		week, _ := domain.ParsePeriod("2026-W47")
		st, err := eng.Statement(ctx, "acme", week)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Manager                                         string
			Working, Scored, Absent, Pending, Pts, Adj, Tot int
			Money                                           string
			Capped                                          bool
		}
		var got []row
		for _, l := range st.Lines {
			got = append(got, row{l.Manager, l.WorkingDays, l.DaysScored, l.DaysAbsent, l.DaysPending, l.Points, l.Adjustments, l.Total, l.Money.String(), l.Capped})
		}
		// Day points 16/17/18/19: anna 2, 0, −3, −3; boris −6 each; vera −3, 0, 0, absent.
		want := []row{
			{"anna", 5, 4, 0, 1, -4, 0, -4, "-400.00", false},
			{"boris", 5, 4, 0, 1, -24, 5, -19, "-1000.00", true},
			{"vera", 5, 3, 2, 0, -3, 0, -3, "-300.00", false},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("statement W47 (-want +got):\n%s", diff)
		}

		data, err := os.ReadFile("testdata/acme/regulation-strict.yaml")
		if err != nil {
			t.Fatal(err)
		}
		reg, err := config.ParseRegulation("regulation-strict.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		bt, err := eng.Backtest(ctx, "acme", reg, week)
		if err != nil {
			t.Fatal(err)
		}
		type btRow struct {
			Manager        string
			Days, Old, New int
		}
		var gotBT []btRow
		for _, b := range bt {
			gotBT = append(gotBT, btRow{b.Manager, b.Days, b.OldPoints, b.NewPoints})
		}
		wantBT := []btRow{{"anna", 4, -4, -16}, {"boris", 4, -24, -19}, {"vera", 3, -3, -3}}
		if diff := cmp.Diff(wantBT, gotBT); diff != "" {
			t.Errorf("backtest W47 (-want +got):\n%s", diff)
		}
		// The backtest changed nothing.
		after, err := eng.Statement(ctx, "acme", week)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(st, after); diff != "" {
			t.Errorf("statement changed after backtest (-before +after):\n%s", diff)
		}
	})
}

func TestRecomputeKeepsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{at("2026-11-20 12:00")}
		eng := setupAcme(t, s, c)
		monday := domain.MustDate("2026-11-16")
		if _, err := eng.Finalize(ctx, "acme", monday, "test"); err != nil {
			t.Fatal(err)
		}
		// The CRM later reports one more held call of Vera's on Monday.
		f := strings.NewReader("external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
			"v2,call,104,2026-11-16 11:00,2026-11-16 11:00,100,held,,\n")
		if _, err := eng.Import(ctx, "acme", "activities", "late.csv", f, "test"); err != nil {
			t.Fatal(err)
		}
		final, err := eng.Table(ctx, "acme", monday)
		if err != nil {
			t.Fatal(err)
		}
		if vera, _ := final.Line("vera"); vera.Values.Count(domain.CallsHeld) != 1 {
			t.Errorf("final sheet changed without a recomputation: vera calls %d, want 1", vera.Values.Count(domain.CallsHeld))
		}
		if _, err := eng.Recompute(ctx, "acme", monday, "", ""); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("recompute without author and reason: got %v, want invalid", err)
		}
		v2, err := eng.Recompute(ctx, "acme", monday, "head", "CRM sync was late")
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 {
			t.Errorf("recomputed version %d, want 2", v2.Version)
		}
		versions, err := s.FindSheetVersions(ctx, "acme", monday)
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) != 2 {
			t.Fatalf("got %d versions, want 2", len(versions))
		}
		old, _ := versions[0].Line("vera")
		cur, _ := versions[1].Line("vera")
		if old.Values.Count(domain.CallsHeld) != 1 || cur.Values.Count(domain.CallsHeld) != 2 {
			t.Errorf("vera calls by version: %d, %d; want 1, 2", old.Values.Count(domain.CallsHeld), cur.Values.Count(domain.CallsHeld))
		}
		if versions[1].RequestedBy != "head" || versions[1].Reason != "CRM sync was late" {
			t.Errorf("version 2 says %q/%q; want head/CRM sync was late", versions[1].RequestedBy, versions[1].Reason)
		}
	})
}

// TestRecomputePeriod: every final day of the week gets version 2, equal
// to its live draft, in one go; a day not final yet is left alone; and
// the versions are stored all or nothing.
func TestRecomputePeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{at("2026-11-20 12:00")}
		eng := setupAcme(t, s, c)
		final := []domain.Date{domain.MustDate("2026-11-16"), domain.MustDate("2026-11-17"), domain.MustDate("2026-11-18")}
		for _, d := range final {
			if _, err := eng.Finalize(ctx, "acme", d, "test"); err != nil {
				t.Fatal(err)
			}
		}
		// The CRM later reports one more held call of Vera's on Monday and
		// one on Tuesday.
		f := strings.NewReader("external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at\n" +
			"v2,call,104,2026-11-16 11:00,2026-11-16 11:00,100,held,,\n" +
			"v3,call,104,2026-11-17 11:00,2026-11-17 11:00,100,held,,\n")
		if _, err := eng.Import(ctx, "acme", "activities", "late.csv", f, "test"); err != nil {
			t.Fatal(err)
		}
		week, err := domain.ParsePeriod("2026-W47")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.RecomputePeriod(ctx, "acme", week, "head", ""); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("recompute without a reason: got %v, want invalid", err)
		}
		ws, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}

		// All or nothing: a batch naming a day that is not final stores
		// no version of the others either.
		monday, err := eng.Draft(ctx, ws, final[0])
		if err != nil {
			t.Fatal(err)
		}
		thursday, err := eng.Draft(ctx, ws, domain.MustDate("2026-11-19"))
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range []*domain.DaySheet{monday, thursday} {
			sh.Status, sh.RequestedBy, sh.Reason = domain.SheetFinal, "head", "test"
		}
		if err := s.AddSheetVersions(ctx, []*domain.DaySheet{monday, thursday}); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("versions of a final and a not final day: got %v, want not found", err)
		}
		if v, err := s.LatestSheetVersion(ctx, "acme", final[0]); err != nil || v != 1 {
			t.Fatalf("Monday after the failed batch: version %d (%v), want 1", v, err)
		}

		got, err := eng.RecomputePeriod(ctx, "acme", week, "head", "CRM sync was late")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(final) {
			t.Fatalf("recomputed %d days, want the %d final ones", len(got), len(final))
		}
		wantCalls := []int64{2, 1, 0} // vera's held calls: Monday 1+1, Tuesday 0+1, Wednesday none
		for i, d := range final {
			if got[i].Date != d || got[i].Version != 2 {
				t.Errorf("sheet %d: %s version %d, want %s version 2", i, got[i].Date, got[i].Version, d)
			}
			versions, err := s.FindSheetVersions(ctx, "acme", d)
			if err != nil {
				t.Fatal(err)
			}
			if len(versions) != 2 || versions[1].RequestedBy != "head" || versions[1].Reason != "CRM sync was late" {
				t.Fatalf("%s: %d versions, the last by %q for %q; want 2, by head", d, len(versions), versions[len(versions)-1].RequestedBy, versions[len(versions)-1].Reason)
			}
			draft, err := eng.Draft(ctx, ws, d)
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := versions[1].Line("vera")
			live, _ := draft.Line("vera")
			if stored.Values.Count(domain.CallsHeld) != live.Values.Count(domain.CallsHeld) || stored.Points != live.Points {
				t.Errorf("%s: stored vera %d calls, %d points; the draft says %d, %d", d,
					stored.Values.Count(domain.CallsHeld), stored.Points, live.Values.Count(domain.CallsHeld), live.Points)
			}
			if n := stored.Values.Count(domain.CallsHeld); n != wantCalls[i] {
				t.Errorf("%s: vera %d held calls in version 2, want %d", d, n, wantCalls[i])
			}
		}
		if _, err := s.LatestSheetVersion(ctx, "acme", domain.MustDate("2026-11-19")); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("Thursday, not final, got a version: %v", err)
		}
	})
}

func TestWhyListsTheRecordsBehindANumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{at("2026-11-20 12:00")}
		eng := setupAcme(t, s, c)
		x, err := eng.Why(context.Background(), "acme", "anna", domain.MustDate("2026-11-16"), domain.CallsHeld)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range x.Evidence {
			got = append(got, e.ExternalID+":"+e.Reason)
		}
		want := []string{"a3:counted", "a1:counted", "a2:counted", "a4:counted", "a5:entered_late", "a6:too_short"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("why calls_held (-want +got):\n%s", diff)
		}
		if x.Value != "4" || x.Recomputed != "4" {
			t.Errorf("value %q recomputed %q; want 4 and 4", x.Value, x.Recomputed)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{at("2026-11-20 12:00")}
		eng := setupAcme(t, s, c)
		f, err := os.Open("testdata/acme/deals-bad.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = eng.Import(ctx, "acme", "deals", "deals-bad.csv", f, "test")
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), "deals-bad.csv:3") {
			t.Fatalf("got %v; want an invalid error naming deals-bad.csv:3", err)
		}
		sheet, err := eng.Table(ctx, "acme", domain.MustDate("2026-11-16"))
		if err != nil {
			t.Fatal(err)
		}
		anna, _ := sheet.Line("anna")
		if got := anna.Values.Count(domain.DealsInProgress); got != 1 {
			t.Errorf("anna deals in progress = %d after a rejected file, want 1 (row d8 must not be imported)", got)
		}
	})
}
