package crmsync_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var ctx = context.Background()

// utc returns a Unix second of November 2026, UTC. Moscow is UTC+3, so
// the 18:00 deadline is 15:00 UTC and each day's window is
// (previous working day 15:00, day 15:00] UTC, with 10 minutes of grace.
func utc(day, hour, minute int) int64 {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC).Unix()
}

const workspaceYAML = `workspace: acme
timezone: Europe/Moscow
deadline: "18:00"
grace: 10m
min_call_seconds: 10
managers:
  - {id: anna, crm_ids: ["101"]}
  - {id: boris, crm_ids: ["102"]}
regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 1}
crm:
  kind: amocrm
  token_file: amocrm.token
  base_url: `

// Lead statuses: 142 won, 143 lost, anything else open.
const (
	open = 20001
	won  = 142
	lost = 143
)

// seedWeek fills the fake with a small company's week, Monday 16 to Friday
// 20 November 2026: anna (CRM user 101), boris (102) and a user 999 that
// maps to no manager.
func seedWeek(f *amocrmtest.Server) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	company := func(id, by int64, created int64) {
		f.Companies[id] = &amocrmtest.Company{ID: id, ResponsibleUserID: by, CreatedBy: by, Name: "company",
			CreatedAt: created, UpdatedAt: created}
	}
	company(1, 101, utc(16, 8, 0))  // anna, Monday
	company(2, 102, utc(18, 10, 0)) // boris, Wednesday
	company(3, 999, utc(17, 9, 0))  // nobody's, Tuesday

	lead := func(id, user, status int64, price string, created, closed int64) {
		updated := max(created, closed)
		f.Leads[id] = &amocrmtest.Lead{ID: id, ResponsibleUserID: user, CreatedBy: user, StatusID: status,
			Name: "lead", Price: price, CreatedAt: created, UpdatedAt: updated, ClosedAt: closed}
	}
	lead(11, 101, open, "100000", utc(12, 10, 0), 0)               // anna's, open all week
	lead(12, 101, won, "250000.50", utc(16, 7, 0), utc(18, 12, 0)) // anna's, won on Wednesday
	lead(13, 102, lost, "5000", utc(17, 8, 0), utc(19, 9, 0))      // boris's, lost on Thursday
	lead(14, 102, open, "70000", utc(18, 11, 0), 0)                // boris's, open from Wednesday

	task := func(id, user, lead, typ int64, created, till, completed int64) {
		t := &amocrmtest.Task{ID: id, ResponsibleUserID: user, EntityID: lead, EntityType: "leads", TaskTypeID: typ,
			Text: "task", CompleteTill: till, CreatedAt: created, UpdatedAt: created}
		if completed != 0 {
			t.IsCompleted, t.UpdatedAt = true, completed
		}
		f.Tasks[id] = t
	}
	task(21, 101, 11, 1, utc(12, 11, 0), utc(20, 12, 0), 0)              // anna: due Friday noon, overdue at Friday's cutoff
	task(22, 102, 13, 1, utc(17, 8, 30), utc(18, 9, 0), utc(19, 10, 0))  // boris: due Wednesday, done Thursday
	task(23, 101, 12, 2, utc(16, 6, 0), utc(17, 11, 0), utc(17, 13, 0))  // anna: meeting Tuesday 11:00, marked held 13:00
	task(24, 102, 14, 2, utc(18, 11, 30), utc(19, 8, 0), utc(20, 10, 0)) // boris: meeting Thursday, marked held Friday

	call := func(id, user, lead int64, created, duration, status int64) {
		f.Notes["leads:"+itoa(id)] = &amocrmtest.Note{ID: id, EntityID: lead, ResponsibleUserID: user, CreatedBy: user,
			Entity: "leads", NoteType: "call_out", CreatedAt: created, UpdatedAt: created, Duration: duration, CallStatus: status}
	}
	call(31, 101, 11, utc(16, 9, 0), 120, 4)  // anna, Monday, held
	call(32, 101, 11, utc(16, 10, 0), 5, 4)   // anna, Monday, shorter than the 10 s minimum
	call(33, 101, 12, utc(17, 9, 0), 60, 4)   // anna, Tuesday, held
	call(34, 102, 13, utc(17, 9, 30), 300, 4) // boris, Tuesday, held
	call(35, 102, 14, utc(18, 12, 0), 0, 6)   // boris, Wednesday, not answered
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// day is one manager's hand-computed numbers of one day.
type day struct {
	companies, meetings, calls, won, lost, inProgress, overdue, withoutTasks, late int64
	wonAmount                                                                      string
	points                                                                         int
}

// wantWeek is the week's sheets, worked out from seedWeek by hand:
//
// anna. Companies: 1 on Monday. Meetings: Tuesday's (held 11:00, entered
// 13:00, before the deadline). Calls: Monday 1 (the 5 s call is too short),
// Tuesday 1. Lead 12 won on Wednesday for 250000.50. In progress: leads 11
// and 12 on Monday and Tuesday, lead 11 alone from Wednesday. Task 21
// (due Friday 12:00 UTC) is overdue at Friday's cutoff (15:00 UTC). Lead 12
// has the open meeting task 23 on Monday but none on Tuesday (it was done
// at 13:00): one deal without tasks on Tuesday; lead 11 always has task 21.
//
// boris. Company 2 on Wednesday. Call on Tuesday; Wednesday's was not
// answered. Lead 13 lost on Thursday 09:00. In progress: lead 13 on Tuesday
// and Wednesday, lead 14 from Wednesday. Overdue: task 22 at Wednesday's
// cutoff (done Thursday), meeting task 24 at Thursday's (done Friday).
// Lead 14 has task 24 open until Friday 10:00, so it is without tasks on
// Friday only. The meeting of Thursday 08:00 was entered Friday 10:00, after
// Thursday's cutoff + grace: it does not count on Thursday and is a late
// entry on Friday.
//
// Points: one rule, calls_held at least 1: +1 met, −2 missed.
var wantWeek = map[string]map[string]day{
	"2026-11-16": {
		"anna":  {companies: 1, calls: 1, inProgress: 2, points: 1},
		"boris": {points: -2},
	},
	"2026-11-17": {
		"anna":  {meetings: 1, calls: 1, inProgress: 2, withoutTasks: 1, points: 1},
		"boris": {calls: 1, inProgress: 1, points: 1},
	},
	"2026-11-18": {
		"anna":  {won: 1, wonAmount: "250000.5", inProgress: 1, points: -2},
		"boris": {companies: 1, inProgress: 2, overdue: 1, points: -2},
	},
	"2026-11-19": {
		"anna":  {inProgress: 1, points: -2},
		"boris": {lost: 1, inProgress: 1, overdue: 1, points: -2},
	},
	"2026-11-20": {
		"anna":  {inProgress: 1, overdue: 1, points: -2},
		"boris": {inProgress: 1, withoutTasks: 1, late: 1, points: -2},
	},
}

func got(line *domain.SheetLine) day {
	v := &line.Values
	d := day{
		companies: v.Count(domain.CompaniesAdded), meetings: v.Count(domain.MeetingsHeld), calls: v.Count(domain.CallsHeld),
		won: v.Count(domain.DealsWon), lost: v.Count(domain.DealsLost), inProgress: v.Count(domain.DealsInProgress),
		overdue: v.Count(domain.OverdueTasks), withoutTasks: v.Count(domain.DealsWithoutTasks), late: v.Count(domain.LateEntries),
		points: line.Points,
	}
	if !v.WonAmount.IsZero() {
		d.wonAmount = v.WonAmount.String()
	}
	return d
}

func TestSyncWeekThenFinalize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)) // Saturday
		fake := amocrmtest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedWeek(fake)

		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "amocrm.token"), []byte(fake.AccessToken+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(workspaceYAML+fake.URL+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		eng := engine.New(st, clock.Now)
		if _, err := eng.Apply(ctx, ws, "head"); err != nil {
			t.Fatal(err)
		}
		syncer := &crmsync.Syncer{Store: st, Now: clock.Now, Sleep: clock.Sleep}

		res, err := syncer.Sync(ctx, "acme", true, "sync")
		if err != nil {
			t.Fatalf("full sync: %v", err)
		}
		// Tasks bring the meetings derived from them: 4 tasks + 2 meetings.
		wantKinds := map[crm.Kind][2]int{crm.KindCompany: {3, 3}, crm.KindDeal: {4, 4}, crm.KindTask: {6, 6}, crm.KindActivity: {5, 5}}
		for _, k := range res.Kinds {
			if w := wantKinds[k.Kind]; k.Fetched != w[0] || k.Written != w[1] {
				t.Errorf("full sync of %s: fetched %d, written %d; want %d, %d", k.Kind, k.Fetched, k.Written, w[0], w[1])
			}
		}
		if len(res.Kinds) != len(crm.Kinds) {
			t.Errorf("full sync reported %d kinds, want %d", len(res.Kinds), len(crm.Kinds))
		}
		if !slices.Equal(res.UnknownUsers, []string{"999"}) {
			t.Errorf("unknown users = %q, want [999]", res.UnknownUsers)
		}

		for date, want := range wantWeek {
			fin, err := eng.Finalize(ctx, "acme", domain.MustDate(date), "test")
			if err != nil {
				t.Fatalf("finalize %s: %v", date, err)
			}
			sheet := fin.Sheet
			if sheet.Stale {
				t.Errorf("%s: sheet is stale (watermark %s)", date, sheet.Watermark)
			}
			gotDay := map[string]day{}
			for i := range sheet.Lines {
				gotDay[sheet.Lines[i].Manager] = got(&sheet.Lines[i])
			}
			if diff := cmp.Diff(want, gotDay, cmp.AllowUnexported(day{})); diff != "" {
				t.Errorf("%s (-want +got):\n%s", date, diff)
			}
			wantUnknown := []string(nil)
			if date == "2026-11-17" {
				wantUnknown = []string{"999"}
			}
			if !slices.Equal(sheet.UnknownUsers, wantUnknown) {
				t.Errorf("%s: unknown users %q, want %q", date, sheet.UnknownUsers, wantUnknown)
			}
		}

		// Saturday: the CRM changes, then an incremental sync.
		clock.Advance(3 * time.Hour)
		fake.Mu.Lock()
		fake.Tasks[21].IsCompleted, fake.Tasks[21].UpdatedAt = true, utc(21, 11, 0)
		fake.Leads[14].StatusID, fake.Leads[14].Price, fake.Leads[14].ClosedAt, fake.Leads[14].UpdatedAt = won, "80000", utc(21, 11, 30), utc(21, 11, 30)
		fake.Leads[13].IsDeleted, fake.Leads[13].UpdatedAt = true, utc(21, 12, 0)
		fake.Tasks[23].Text, fake.Tasks[23].UpdatedAt = "meeting, with minutes", utc(21, 12, 0)
		fake.Companies[4] = &amocrmtest.Company{ID: 4, ResponsibleUserID: 101, CreatedBy: 101, Name: "new",
			CreatedAt: utc(21, 12, 30), UpdatedAt: utc(21, 12, 30)}
		fake.Mu.Unlock()

		res, err = syncer.Sync(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		fetched := 0
		for _, k := range res.Kinds {
			fetched += k.Fetched
		}
		// Company 4, leads 13 and 14, tasks 21 and 23 with 23's meeting.
		if fetched != 6 {
			t.Errorf("incremental sync fetched %d records, want 6 (only the changed ones)", fetched)
		}

		type row struct{ ID, A, B string }
		rows := func(query string) []row {
			t.Helper()
			r, err := st.DB().QueryContext(ctx, query)
			if err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			defer r.Close()
			var out []row
			for r.Next() {
				var x row
				var a, b any
				if err := r.Scan(&x.ID, &a, &b); err != nil {
					t.Fatal(err)
				}
				x.A, x.B = str(a), str(b)
				out = append(out, x)
			}
			return out
		}
		us := func(day, hour, minute int) string { return itoa(utc(day, hour, minute) * 1e6) }
		checks := []struct {
			query string
			want  []row
		}{
			{`SELECT external_id, created_by, created_at FROM companies ORDER BY external_id`, []row{
				{"1", "101", us(16, 8, 0)}, {"2", "102", us(18, 10, 0)}, {"3", "999", us(17, 9, 0)}, {"4", "101", us(21, 12, 30)}}},
			{`SELECT external_id, status || ' ' || amount, COALESCE(closed_at, 0) || ' ' || COALESCE(deleted_at, 0) FROM deals ORDER BY external_id`, []row{
				{"11", "open 100000", "0 0"},
				{"12", "won 250000.5", us(18, 12, 0) + " 0"},
				{"13", "lost 5000", us(19, 9, 0) + " " + us(21, 12, 0)},
				{"14", "won 80000", us(21, 11, 30) + " 0"}}},
			// Task 23 was edited after its completion: the completion
			// time first seen (Tuesday 13:00) stays.
			{`SELECT external_id, deal_id, COALESCE(completed_at, 0) FROM tasks ORDER BY external_id`, []row{
				{"21", "11", us(21, 11, 0)}, {"22", "13", us(19, 10, 0)}, {"23", "12", us(17, 13, 0)}, {"24", "14", us(20, 10, 0)}}},
			{`SELECT external_id, kind || ' ' || outcome, happened_at || ' ' || entered_at FROM activities ORDER BY external_id`, []row{
				{"note:leads:31", "call held", us(16, 9, 0) + " " + us(16, 9, 0)},
				{"note:leads:32", "call held", us(16, 10, 0) + " " + us(16, 10, 0)},
				{"note:leads:33", "call held", us(17, 9, 0) + " " + us(17, 9, 0)},
				{"note:leads:34", "call held", us(17, 9, 30) + " " + us(17, 9, 30)},
				{"note:leads:35", "call missed", us(18, 12, 0) + " " + us(18, 12, 0)},
				{"task:23", "meeting held", us(17, 11, 0) + " " + us(17, 13, 0)},
				{"task:24", "meeting held", us(19, 8, 0) + " " + us(20, 10, 0)}}},
		}
		for _, c := range checks {
			if diff := cmp.Diff(c.want, rows(c.query)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.query, diff)
			}
		}

		// Final sheets are a ledger: the new truth does not change them.
		again, err := eng.Finalize(ctx, "acme", domain.MustDate("2026-11-20"), "test")
		if err != nil || again.Created {
			t.Errorf("finalize Friday again: created %v, %v", again.Created, err)
		}
		fake.Mu.Lock()
		violations, requests := fake.Violations, fake.Requests
		fake.Mu.Unlock()
		if violations != 0 {
			t.Errorf("the fake saw %d rate-limit violations in %d requests, want 0", violations, requests)
		}
	})
}

// str renders a scanned value (drivers differ: int64, string, []byte).
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(v)
	case string:
		return v
	case int64:
		return itoa(v)
	}
	return "?"
}
