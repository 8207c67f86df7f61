package crmsync_test

import (
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// at returns a moment of November 2026, UTC (the fake serves it with the
// portal's +03:00 offset).
func at(day, hour, minute, second int) time.Time {
	return time.Date(2026, 11, day, hour, minute, second, 0, time.UTC)
}

// bitrixWorkspaceYAML is the amoCRM week's workspace reached through a
// Bitrix24 inbound webhook (no token file); the webhook URL follows.
var bitrixWorkspaceYAML = strings.Replace(workspaceYAML, "kind: amocrm\n  token_file: amocrm.token\n", "kind: bitrix24\n", 1)

// seedBitrixWeek fills the fake portal with a small company's week, Monday
// 16 to Friday 20 November 2026: anna (user 101), boris (102) and user 999,
// who maps to no manager. Each day's window is (previous day 15:00, day
// 15:00] UTC, with 10 minutes of grace.
func seedBitrixWeek(f *bitrix24test.Server) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	company := func(id, by int64, created time.Time) {
		f.Companies[id] = &bitrix24test.Company{ID: id, AssignedBy: by, CreatedBy: by, Title: "company " + itoa(id),
			Created: created, Modified: created}
	}
	company(1, 101, at(16, 8, 0, 0))  // anna, Monday
	company(2, 102, at(19, 14, 0, 0)) // boris, Thursday
	company(3, 999, at(18, 9, 0, 0))  // nobody's, Wednesday
	company(4, 101, at(20, 16, 0, 0)) // anna, Friday after the deadline: Monday 23's

	deal := func(id, user int64, semantic, opportunity string, created, closed time.Time) {
		f.Deals[id] = &bitrix24test.Deal{ID: id, AssignedBy: user, CreatedBy: user, Title: "deal " + itoa(id),
			Semantic: semantic, Opportunity: opportunity, Created: created, CloseDate: closed, Modified: created}
		if closed.After(created) {
			f.Deals[id].Modified = closed
		}
	}
	deal(11, 101, "P", "100000", at(12, 10, 0, 0), time.Time{})        // anna's, open all week
	deal(12, 101, "S", "250000.50", at(16, 7, 0, 0), at(17, 12, 0, 0)) // anna's, won Tuesday 12:00
	deal(13, 102, "F", "5000", at(16, 9, 0, 0), at(18, 16, 0, 0))      // boris's, lost Wednesday 16:00: Thursday's
	deal(14, 102, "P", "70000", at(18, 11, 0, 0), time.Time{})         // boris's, open from Wednesday
	deal(15, 101, "S", "1500.75", at(17, 10, 0, 0), at(20, 10, 0, 0))  // anna's, won Friday 10:00

	task := func(id, user int64, links []string, created, deadline, closed time.Time) {
		k := &bitrix24test.Task{ID: id, Responsible: user, Status: 2, Title: "task " + itoa(id), Links: links,
			Created: created, Changed: created, Deadline: deadline}
		if !closed.IsZero() {
			k.Status, k.Closed, k.Changed = 5, closed, closed
		}
		f.Tasks[id] = k
	}
	task(21, 101, []string{"D_11"}, at(12, 11, 0, 0), at(18, 12, 0, 0), time.Time{})             // anna: due Wednesday noon, open
	task(22, 102, []string{"C_7", "D_13"}, at(16, 9, 30, 0), at(17, 10, 0, 0), at(18, 10, 0, 0)) // boris: due Tuesday, closed Wednesday
	task(23, 101, []string{"D_12"}, at(16, 7, 30, 0), at(17, 17, 0, 0), at(17, 11, 0, 0))        // anna: closed Tuesday before its deadline
	task(24, 102, []string{"CO_2"}, at(19, 8, 0, 0), at(19, 12, 0, 0), time.Time{})              // boris: a company's task, due Thursday noon, open

	activity := func(id, typ, user, ownerType, owner int64, start, end, created, updated time.Time, completed bool) {
		f.Activities[id] = &bitrix24test.Activity{ID: id, TypeID: typ, OwnerTypeID: ownerType, OwnerID: owner,
			Responsible: user, Start: start, End: end, Created: created, Updated: updated, Completed: completed}
	}
	const meeting, call, email = 1, 2, 4
	const onDeal, onContact = 2, 3
	// Calls: happened at the start, entered when created, lasting end − start.
	activity(31, call, 101, onDeal, 11, at(16, 9, 0, 0), at(16, 9, 2, 0), at(16, 9, 2, 0), at(16, 9, 2, 0), true)        // anna, Monday, 120 s
	activity(32, call, 101, onDeal, 11, at(16, 10, 0, 0), at(16, 10, 0, 5), at(16, 10, 0, 5), at(16, 10, 0, 5), true)    // anna, Monday, 5 s: too short
	activity(33, call, 102, onContact, 77, at(17, 9, 30, 0), at(17, 9, 35, 0), at(17, 9, 35, 0), at(17, 9, 35, 0), true) // boris, Tuesday, 300 s
	activity(34, call, 102, onDeal, 14, at(18, 12, 0, 0), at(18, 12, 1, 0), at(18, 12, 1, 0), at(18, 12, 1, 0), false)   // boris, Wednesday, not held
	activity(35, call, 101, onDeal, 15, at(19, 14, 55, 0), at(19, 15, 5, 0), at(19, 15, 5, 0), at(19, 15, 5, 0), true)   // anna, Thursday 14:55, entered 15:05 within the grace
	activity(36, call, 102, onDeal, 14, at(20, 9, 0, 0), at(20, 9, 1, 0), at(20, 15, 20, 0), at(20, 15, 20, 0), true)    // boris, Friday, entered 15:20: after the grace
	// Meetings count when completed, entered when last updated.
	activity(41, meeting, 101, onDeal, 12, at(16, 13, 0, 0), at(16, 14, 0, 0), at(16, 12, 0, 0), at(16, 14, 30, 0), true) // anna, Monday, entered 14:30
	activity(42, meeting, 102, onDeal, 14, at(19, 8, 0, 0), at(19, 9, 0, 0), at(18, 12, 0, 0), at(20, 10, 0, 0), true)    // boris, Thursday, entered Friday 10:00
	activity(43, meeting, 101, onDeal, 11, at(20, 11, 0, 0), at(20, 12, 0, 0), at(19, 12, 0, 0), at(19, 12, 0, 0), false) // anna, Friday, still planned: no record
	activity(44, email, 101, onDeal, 11, at(17, 9, 0, 0), at(17, 9, 0, 0), at(17, 9, 0, 0), at(17, 9, 0, 0), true)        // an e-mail: no record
}

// wantBitrixWeek is the week's sheets, worked out from seedBitrixWeek by
// hand. Rule: calls_held at least 1, +1 met, −2 missed.
//
// Monday (window to 16 15:00). anna: company 1; meeting 41 (entered 14:30);
// call 31 (call 32 lasts 5 s < 10 s); deals 11 and 12 open, each with an
// open task (21, 23): in progress 2, without tasks 0; no task due before
// the cutoff. boris: deal 13 open with task 22: in progress 1; no call.
//
// Tuesday (to 17 15:00). anna: deal 12 won at 12:00 for 250000.50; open
// deals 11 (task 21) and 15 (no task): in progress 2, without tasks 1; task
// 23 closed at 11:00; no call. boris: call 33; deal 13 open with task 22,
// which was due at 10:00 and is still open: overdue 1.
//
// Wednesday (to 18 15:00). anna: deals 11 and 15 open, 15 without a task;
// task 21 due at 12:00, open: overdue 1. boris: deal 13 (lost only at
// 16:00) and deal 14 (new) open, neither with an open task (22 closed at
// 10:00): in progress 2, without tasks 2; call 34 not held. Company 3 is
// user 999's: listed as unknown.
//
// Thursday (to 19 15:00). anna: call 35 (14:55, entered 15:05 within the
// grace); deals 11 and 15 open, 15 without a task; task 21 overdue. boris:
// company 2; deal 13 lost (16:00 on Wednesday is in Thursday's window);
// deal 14 open, its only task-like thing task 24 is linked to a company:
// without tasks 1; task 24 due 12:00, open: overdue 1; meeting 42 (08:00)
// was entered Friday 10:00, after the grace: not counted.
//
// Friday (to 20 15:00). anna: deal 15 won at 10:00 for 1500.75; deal 11
// open with task 21, overdue; meeting 43 is only planned; company 4 comes
// after the deadline. boris: deal 14 open without a task; task 24 overdue;
// meeting 42 is a late entry; call 36 happened Friday but was entered at
// 15:20, after the grace: not counted.
var wantBitrixWeek = map[string]map[string]day{
	"2026-11-16": {
		"anna":  {companies: 1, meetings: 1, calls: 1, inProgress: 2, points: 1},
		"boris": {inProgress: 1, points: -2},
	},
	"2026-11-17": {
		"anna":  {won: 1, wonAmount: "250000.5", inProgress: 2, withoutTasks: 1, points: -2},
		"boris": {calls: 1, inProgress: 1, overdue: 1, points: 1},
	},
	"2026-11-18": {
		"anna":  {inProgress: 2, overdue: 1, withoutTasks: 1, points: -2},
		"boris": {inProgress: 2, withoutTasks: 2, points: -2},
	},
	"2026-11-19": {
		"anna":  {calls: 1, inProgress: 2, overdue: 1, withoutTasks: 1, points: 1},
		"boris": {companies: 1, lost: 1, inProgress: 1, overdue: 1, withoutTasks: 1, points: -2},
	},
	"2026-11-20": {
		"anna":  {won: 1, wonAmount: "1500.75", inProgress: 1, overdue: 1, points: -2},
		"boris": {inProgress: 1, overdue: 1, withoutTasks: 1, late: 1, points: -2},
	},
}

func TestBitrix24SyncWeekThenFinalize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at(21, 10, 0, 0)) // Saturday
		fake := bitrix24test.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedBitrixWeek(fake)

		ws, err := config.ParseWorkspace(filepath.Join(t.TempDir(), "acme.yaml"),
			[]byte(bitrixWorkspaceYAML+fake.URL+fake.WebhookPath+"\n"))
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
		// 4 companies, 5 deals, 4 tasks; activities: 6 calls and the 2 held
		// meetings (the planned meeting and the e-mail are not records).
		wantKinds := map[crm.Kind]int{crm.KindCompany: 4, crm.KindDeal: 5, crm.KindTask: 4, crm.KindActivity: 8}
		for _, k := range res.Kinds {
			if k.Fetched != wantKinds[k.Kind] || k.Written != wantKinds[k.Kind] {
				t.Errorf("full sync of %s: fetched %d, written %d; want %d", k.Kind, k.Fetched, k.Written, wantKinds[k.Kind])
			}
		}
		if len(res.Kinds) != len(crm.Kinds) {
			t.Errorf("full sync reported %d kinds, want %d", len(res.Kinds), len(crm.Kinds))
		}
		if !slices.Equal(res.UnknownUsers, []string{"999"}) {
			t.Errorf("unknown users = %q, want [999]", res.UnknownUsers)
		}
		// One list call a kind: every list fits in one 50-row page.
		// The catalogue (2: the funnels, then their stages), one list a
		// kind (contacts included), and the stage history of the closed
		// deals, for their closing moments.
		if res.Requests != 9 {
			t.Errorf("full sync spent %d requests, want 9", res.Requests)
		}
		requireStoreEqualsTruth(t, st, "acme", "bitrix24", bitrixTruth(fake, nil))
		requireCursors(t, st, "acme", "bitrix24", at(21, 10, 0, 0), at(21, 10, 0, 0))

		for date, want := range wantBitrixWeek {
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
			if date == "2026-11-18" {
				wantUnknown = []string{"999"}
			}
			if !slices.Equal(sheet.UnknownUsers, wantUnknown) {
				t.Errorf("%s: unknown users %q, want %q", date, sheet.UnknownUsers, wantUnknown)
			}
		}

		// Saturday: the CRM changes, then an incremental sync.
		clock.Advance(3 * time.Hour)
		fake.Mu.Lock()
		d14 := fake.Deals[14] // won
		d14.Semantic, d14.Opportunity, d14.CloseDate, d14.Modified = "S", "80000", at(21, 11, 30, 0), at(21, 11, 30, 0)
		k21 := fake.Tasks[21] // closed
		k21.Status, k21.Closed, k21.Changed = 5, at(21, 11, 0, 0), at(21, 11, 0, 0)
		m41 := fake.Activities[41] // minutes added to a held meeting: its entry time stays
		m41.Updated = at(21, 12, 0, 0)
		fake.Companies[5] = &bitrix24test.Company{ID: 5, AssignedBy: 102, CreatedBy: 102, Title: "new",
			Created: at(21, 12, 30, 0), Modified: at(21, 12, 30, 0)}
		fake.PerMethod = map[string]int{}
		fake.Mu.Unlock()

		res, err = syncer.Sync(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		fetched := map[crm.Kind]int{}
		for _, k := range res.Kinds {
			fetched[k.Kind] = k.Fetched
		}
		// Only the changed records: company 5, deal 14, task 21, meeting 41.
		if want := map[crm.Kind]int{crm.KindCompany: 1, crm.KindPerson: 0, crm.KindDeal: 1, crm.KindTask: 1, crm.KindActivity: 1, crm.KindDealMove: 0}; !cmp.Equal(fetched, want) {
			t.Errorf("incremental sync fetched %v, want %v", fetched, want)
		}
		requireStoreEqualsTruth(t, st, "acme", "bitrix24", bitrixTruth(fake, map[int64]time.Time{41: at(16, 14, 30, 0)}))
		requireCursors(t, st, "acme", "bitrix24", at(21, 13, 0, 0), at(21, 13, 0, 0))

		// Bitrix24 lists no deleted records: a deletion arrives as an event
		// (form-encoded, like every Bitrix24 event call), is kept pending
		// and applied by a re-fetch that no longer finds the record.
		clock.Advance(time.Hour)
		truth := bitrixTruth(fake, map[int64]time.Time{41: at(16, 14, 30, 0)})
		deletedAt := map[string]time.Time{"deals/11": at(21, 13, 40, 0), "activities/31": at(21, 13, 45, 0)}
		fake.Mu.Lock()
		delete(fake.Deals, 11)
		delete(fake.Activities, 31)
		fake.Mu.Unlock()
		for _, ev := range []struct {
			name, id string
			at       time.Time
		}{{"ONCRMDEALDELETE", "11", deletedAt["deals/11"]}, {"ONCRMACTIVITYDELETE", "31", deletedAt["activities/31"]}} {
			body := url.Values{"event": {ev.name}, "event_handler_id": {"7"}, "data[FIELDS][ID]": {ev.id},
				"ts": {itoa(ev.at.Unix())}, "auth[domain]": {"acme.bitrix24.ru"}, "auth[member_id]": {"m1"},
				"auth[application_token]": {"app-token"}}.Encode()
			ch, err := bitrix24.ParseEvent([]byte(body), "app-token")
			if err != nil {
				t.Fatalf("%s: %v", ev.name, err)
			}
			if err := st.AppendPendingChanges(ctx, []store.PendingChange{{Workspace: "acme", Kind: string(ch.Kind),
				ExternalID: ch.ID, Deleted: ch.Deleted, At: ch.At, ReceivedAt: clock.Now()}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := syncer.ApplyPending(ctx, "acme", "webhook"); err != nil {
			t.Fatalf("apply the deletions: %v", err)
		}
		// The truth is the portal's records and the two deleted ones, as
		// they were, deleted when the events say.
		want := bitrixTruth(fake, map[int64]time.Time{41: at(16, 14, 30, 0)})
		for key, when := range deletedAt {
			table, id, _ := strings.Cut(key, "/")
			for _, line := range truth[table] {
				if strings.HasPrefix(line, id+"|") {
					want.add(table, strings.TrimSuffix(line, "|"), micros(when))
				}
			}
		}
		requireStoreEqualsTruth(t, st, "acme", "bitrix24", want.sorted())

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
