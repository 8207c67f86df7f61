package crmsync_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crm/hubspot"
	"reglament/internal/crm/hubspot/hubspottest"
	"reglament/internal/crm/pipedrive/pipedrivetest"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// The week of the Bitrix24 scenario (seedBitrixWeek), in terms any CRM
// has, so that HubSpot and Pipedrive are held to the same sheets
// (wantBitrixWeek): anna is CRM user 101, boris 102, user 999 maps to no
// manager. Every time is UTC.
type (
	weekCompany struct {
		id, owner int64
		created   time.Time
	}
	weekDeal struct {
		id, owner       int64
		status, amount  string // open, won, lost
		created, closed time.Time
	}
	weekTask struct {
		id, owner, deal         int64 // deal 0: linked to no deal (a company's task)
		created, due, completed time.Time
	}
	weekCall struct {
		id, owner, deal int64
		start, entered  time.Time
		seconds         int
		held            bool
	}
	weekMeeting struct {
		id, owner, deal     int64
		start, end, entered time.Time
		held                bool
	}
)

var (
	weekCompanies = []weekCompany{{1, 101, at(16, 8, 0, 0)}, {2, 102, at(19, 14, 0, 0)}, {3, 999, at(18, 9, 0, 0)}, {4, 101, at(20, 16, 0, 0)}}
	weekDeals     = []weekDeal{
		{11, 101, "open", "100000", at(12, 10, 0, 0), time.Time{}},
		{12, 101, "won", "250000.50", at(16, 7, 0, 0), at(17, 12, 0, 0)},
		{13, 102, "lost", "5000", at(16, 9, 0, 0), at(18, 16, 0, 0)},
		{14, 102, "open", "70000", at(18, 11, 0, 0), time.Time{}},
		{15, 101, "won", "1500.75", at(17, 10, 0, 0), at(20, 10, 0, 0)},
	}
	weekTasks = []weekTask{
		{21, 101, 11, at(12, 11, 0, 0), at(18, 12, 0, 0), time.Time{}},
		{22, 102, 13, at(16, 9, 30, 0), at(17, 10, 0, 0), at(18, 10, 0, 0)},
		{23, 101, 12, at(16, 7, 30, 0), at(17, 17, 0, 0), at(17, 11, 0, 0)},
		{24, 102, 0, at(19, 8, 0, 0), at(19, 12, 0, 0), time.Time{}},
	}
	weekCalls = []weekCall{
		{31, 101, 11, at(16, 9, 0, 0), at(16, 9, 2, 0), 120, true},
		{32, 101, 11, at(16, 10, 0, 0), at(16, 10, 0, 5), 5, true},
		{33, 102, 0, at(17, 9, 30, 0), at(17, 9, 35, 0), 300, true},
		{34, 102, 14, at(18, 12, 0, 0), at(18, 12, 1, 0), 60, false},
		{35, 101, 15, at(19, 14, 55, 0), at(19, 15, 5, 0), 600, true},
		{36, 102, 14, at(20, 9, 0, 0), at(20, 15, 20, 0), 60, true},
	}
	weekMeetings = []weekMeeting{
		{41, 101, 12, at(16, 13, 0, 0), at(16, 14, 0, 0), at(16, 14, 30, 0), true},
		{42, 102, 14, at(19, 8, 0, 0), at(19, 9, 0, 0), at(20, 10, 0, 0), true},
		{43, 101, 11, at(20, 11, 0, 0), at(20, 12, 0, 0), at(19, 12, 0, 0), false},
	}
)

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (d weekDeal) updated() time.Time { return later(d.created, d.closed) }

func (k weekTask) updated() time.Time { return later(k.created, k.completed) }

func id(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// weekWorkspaceYAML is the week's workspace connected to kind through a
// token file; the base URL follows.
func weekWorkspaceYAML(kind string) string {
	return strings.Replace(workspaceYAML, "kind: amocrm\n  token_file: amocrm.token\n", "kind: "+kind+"\n  token_file: crm.token\n", 1)
}

// syncWeekAndCheckSheets applies the workspace, syncs it in full, checks
// what each kind fetched and wrote, the unknown users and every day's
// sheet against wantBitrixWeek, and returns the engine and the syncer.
func syncWeekAndCheckSheets(t *testing.T, st *store.Store, clock *crmtest.Clock, kind, baseURL, token string, wantKinds map[crm.Kind]int) (*engine.Engine, *crmsync.Syncer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crm.token"), []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace(filepath.Join(dir, "acme.yaml"), []byte(weekWorkspaceYAML(kind)+baseURL+"\n"))
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
	for date, want := range wantBitrixWeek {
		fin, err := eng.Finalize(ctx, "acme", domain.MustDate(date), "test")
		if err != nil {
			t.Fatalf("finalize %s: %v", date, err)
		}
		gotDay := map[string]day{}
		for i := range fin.Sheet.Lines {
			gotDay[fin.Sheet.Lines[i].Manager] = got(&fin.Sheet.Lines[i])
		}
		if diff := cmp.Diff(want, gotDay, cmp.AllowUnexported(day{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", date, diff)
		}
	}
	return eng, syncer
}

// weekTruth maps the week to store lines as docs/crm-hubspot.md and
// docs/crm-pipedrive.md say; activity ids, a task's and meeting's times
// and which calls are records differ between the two and are passed in.
func weekTruth(activityID func(kind string, n int64) string, callRecord func(weekCall) (string, bool),
	meetingEntered func(weekMeeting) time.Time, taskUpdated func(weekTask) time.Time) records {
	r := records{}
	for _, c := range weekCompanies {
		r.add("companies", id(c.id), "", id(c.owner), "", micros(c.created), micros(c.created), "")
	}
	for _, d := range weekDeals {
		r.add("deals", id(d.id), "deal "+id(d.id), id(d.owner), amount(d.amount), d.status, micros(d.created), micros(d.closed),
			micros(d.updated()), "")
	}
	for _, k := range weekTasks {
		r.add("tasks", id(k.id), "task "+id(k.id), id(k.owner), id(k.deal), micros(k.due), micros(k.created), micros(k.completed),
			micros(taskUpdated(k)), "")
	}
	for _, c := range weekCalls {
		if outcome, ok := callRecord(c); ok {
			r.add("activities", activityID("call", c.id), "call", id(c.owner), micros(c.start), micros(c.entered), itoa(int64(c.seconds)),
				outcome, id(c.deal), micros(c.entered), "")
		}
	}
	for _, m := range weekMeetings {
		if m.held {
			r.add("activities", activityID("meeting", m.id), "meeting", id(m.owner), micros(m.start), micros(meetingEntered(m)),
				itoa(int64(m.end.Sub(m.start)/time.Second)), "held", id(m.deal), micros(m.entered), "")
		}
	}
	return r.sorted()
}

// seedHubSpotWeek puts the week in a fake HubSpot: owners 101, 102 and
// 999; every property a string; won and lost by the default pipeline's
// closed stages; a call's status COMPLETED when held, NO_ANSWER when not;
// a meeting's outcome COMPLETED, set when it was entered (its
// modification), SCHEDULED while planned.
func seedHubSpotWeek(f *hubspottest.Server) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	ts := hubspottest.Time
	for _, c := range weekCompanies {
		f.Objects[hubspot.ObjectCompanies][c.id] = &hubspottest.Object{ID: c.id, Properties: map[string]string{"name": "",
			"hubspot_owner_id": id(c.owner), "createdate": ts(c.created), "hs_lastmodifieddate": ts(c.created)}}
	}
	for _, d := range weekDeals {
		stage := map[string]string{"open": "appointmentscheduled", "won": "closedwon", "lost": "closedlost"}[d.status]
		p := map[string]string{"dealname": "deal " + id(d.id), "amount": d.amount, "pipeline": "default", "dealstage": stage,
			"hubspot_owner_id": id(d.owner), "createdate": ts(d.created), "hs_lastmodifieddate": ts(d.updated())}
		if !d.closed.IsZero() {
			p["closedate"] = ts(d.closed)
		}
		f.Objects[hubspot.ObjectDeals][d.id] = &hubspottest.Object{ID: d.id, Properties: p}
	}
	for _, k := range weekTasks {
		p := map[string]string{"hs_task_subject": "task " + id(k.id), "hs_task_status": "NOT_STARTED", "hs_timestamp": ts(k.due),
			"hubspot_owner_id": id(k.owner), "hs_createdate": ts(k.created), "hs_lastmodifieddate": ts(k.updated())}
		if !k.completed.IsZero() {
			p["hs_task_status"], p["hs_task_completion_date"] = "COMPLETED", ts(k.completed)
		}
		f.Objects[hubspot.ObjectTasks][k.id] = &hubspottest.Object{ID: k.id, Properties: p, Deal: k.deal}
	}
	for _, c := range weekCalls {
		status := map[bool]string{true: "COMPLETED", false: "NO_ANSWER"}[c.held]
		f.Objects[hubspot.ObjectCalls][c.id] = &hubspottest.Object{ID: c.id, Deal: c.deal, Properties: map[string]string{
			"hs_timestamp": ts(c.start), "hs_call_duration": itoa(int64(c.seconds) * 1000), "hs_call_status": status,
			"hubspot_owner_id": id(c.owner), "hs_createdate": ts(c.entered), "hs_lastmodifieddate": ts(c.entered)}}
	}
	for _, m := range weekMeetings {
		outcome := map[bool]string{true: "COMPLETED", false: "SCHEDULED"}[m.held]
		f.Objects[hubspot.ObjectMeetings][m.id] = &hubspottest.Object{ID: m.id, Deal: m.deal, Properties: map[string]string{
			"hs_timestamp": ts(m.start), "hs_meeting_start_time": ts(m.start), "hs_meeting_end_time": ts(m.end),
			"hs_meeting_outcome": outcome, "hubspot_owner_id": id(m.owner), "hs_createdate": ts(m.start.Add(-24 * time.Hour)),
			"hs_lastmodifieddate": ts(m.entered)}}
	}
	f.Owners = []hubspottest.Owner{{ID: 101, UserID: 9101}, {ID: 102, UserID: 9102}, {ID: 999, UserID: 9999}}
}

func TestHubSpotSyncWeekThenFinalize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at(21, 10, 0, 0)) // Saturday
		fake := hubspottest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedHubSpotWeek(fake)
		// 6 calls (one not answered: missed) and the 2 held meetings.
		_, syncer := syncWeekAndCheckSheets(t, st, clock, domain.CRMHubSpot, fake.URL, fake.AccessToken,
			map[crm.Kind]int{crm.KindCompany: 4, crm.KindDeal: 5, crm.KindTask: 4, crm.KindActivity: 8})
		truth := func() records {
			return weekTruth(func(kind string, n int64) string { return kind + ":" + id(n) },
				func(c weekCall) (string, bool) { return map[bool]string{true: "held", false: "missed"}[c.held], true },
				func(m weekMeeting) time.Time { return m.entered }, weekTask.updated)
		}
		requireStoreEqualsTruth(t, st, "acme", "hubspot", truth())
		requireCursors(t, st, "acme", "hubspot", at(21, 10, 0, 0), at(21, 10, 0, 1))

		// Saturday: deal 14 is won and deal 11 archived; an incremental
		// sync brings both and nothing else.
		clock.Advance(3 * time.Hour)
		fake.Mu.Lock()
		d14 := fake.Objects[hubspot.ObjectDeals][14]
		d14.Properties["dealstage"], d14.Properties["closedate"], d14.Properties["hs_lastmodifieddate"] =
			"closedwon", hubspottest.Time(at(21, 11, 30, 0)), hubspottest.Time(at(21, 11, 30, 0))
		d11 := fake.Objects[hubspot.ObjectDeals][11]
		d11.Archived, d11.ArchivedAt = true, at(21, 12, 0, 0)
		fake.Mu.Unlock()
		res, err := syncer.Sync(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		for _, k := range res.Kinds {
			if want := map[crm.Kind]int{crm.KindDeal: 2, crm.KindDealMove: 0}[k.Kind]; k.Fetched != want {
				t.Errorf("incremental sync of %s fetched %d, want %d", k.Kind, k.Fetched, want)
			}
		}
		want := truth()
		for i, line := range want["deals"] {
			switch {
			case strings.HasPrefix(line, "14|"):
				want["deals"][i] = strings.Join([]string{"14", "deal 14", "102", "70000", "won", micros(at(18, 11, 0, 0)),
					micros(at(21, 11, 30, 0)), micros(at(21, 11, 30, 0)), ""}, "|")
			case strings.HasPrefix(line, "11|"):
				want["deals"][i] = strings.TrimSuffix(line, "|") + "|" + micros(at(21, 12, 0, 0))
			}
		}
		requireStoreEqualsTruth(t, st, "acme", "hubspot", want)
		fake.CheckClean(t)
	})
}

// seedPipedriveWeek puts the week in a fake Pipedrive: users 101, 102 and
// 999; tasks, calls and meetings are activities of the types task, call
// and meeting, due at their start; a call or meeting is done when held,
// marked done when it was entered; a call not held is not done.
func seedPipedriveWeek(f *pipedrivetest.Server) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Users = []pipedrivetest.User{{ID: 101}, {ID: 102}, {ID: 999}}
	for _, c := range weekCompanies {
		f.Orgs[c.id] = &pipedrivetest.Org{ID: c.id, OwnerID: c.owner, AddTime: c.created, Updated: c.created}
	}
	for _, d := range weekDeals {
		v, _ := strconv.ParseFloat(d.amount, 64)
		pd := &pipedrivetest.Deal{ID: d.id, OwnerID: d.owner, StageID: 1, PipelineID: 1, Title: "deal " + id(d.id), Value: v,
			Status: d.status, AddTime: d.created, Updated: d.updated()}
		switch d.status {
		case "won":
			pd.WonTime = d.closed
		case "lost":
			pd.LostTime = d.closed
		}
		f.Deals[d.id] = pd
	}
	due := func(a *pipedrivetest.Activity, t time.Time) {
		a.DueDate, a.DueTime = t.Format(time.DateOnly), t.Format("15:04")
	}
	for _, k := range weekTasks {
		a := &pipedrivetest.Activity{ID: k.id, OwnerID: k.owner, DealID: k.deal, Subject: "task " + id(k.id), Type: "task",
			AddTime: k.created, Updated: k.updated()}
		due(a, k.due)
		if !k.completed.IsZero() {
			a.Done, a.MarkedAsDone = true, k.completed
		}
		f.Activities[a.ID] = a
	}
	for _, c := range weekCalls {
		a := &pipedrivetest.Activity{ID: c.id, OwnerID: c.owner, DealID: c.deal, Subject: "call", Type: "call", AddTime: c.start,
			Updated: c.entered, Duration: time.Time{}.Add(time.Duration(c.seconds) * time.Second).Format("15:04:05")}
		due(a, c.start)
		if c.held {
			a.Done, a.MarkedAsDone = true, c.entered
		}
		f.Activities[a.ID] = a
	}
	for _, m := range weekMeetings {
		a := &pipedrivetest.Activity{ID: m.id, OwnerID: m.owner, DealID: m.deal, Subject: "meeting", Type: "meeting",
			AddTime: m.start.Add(-24 * time.Hour), Updated: m.entered, Duration: time.Time{}.Add(m.end.Sub(m.start)).Format("15:04")}
		due(a, m.start)
		if m.held {
			a.Done, a.MarkedAsDone = true, m.entered
		}
		f.Activities[a.ID] = a
	}
}

func TestPipedriveSyncWeekThenFinalize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := crmtest.NewClock(at(21, 10, 0, 0)) // Saturday
		fake := pipedrivetest.NewServer(clock.Now)
		t.Cleanup(fake.Close)
		seedPipedriveWeek(fake)
		// 5 calls (the one not held is not done: no record) and the 2
		// held meetings.
		_, syncer := syncWeekAndCheckSheets(t, st, clock, domain.CRMPipedrive, fake.URL, fake.AccessToken,
			map[crm.Kind]int{crm.KindCompany: 4, crm.KindDeal: 5, crm.KindTask: 4, crm.KindActivity: 7})
		truth := func() records {
			return weekTruth(func(_ string, n int64) string { return id(n) },
				func(c weekCall) (string, bool) { return "held", c.held },
				func(m weekMeeting) time.Time { return m.entered }, weekTask.updated)
		}
		// A company's name is what the fake serves (empty).
		requireStoreEqualsTruth(t, st, "acme", "pipedrive", truth())
		// The client paces its requests on the fake's clock (16 in 2 s):
		// the later kinds start a second or so after the first.
		requireCursors(t, st, "acme", "pipedrive", at(21, 10, 0, 0), at(21, 10, 0, 2))

		// Saturday: deal 14 is won, deal 11 deleted, task 21 done, deal 15
		// moved to stage 2 by anna; an incremental sync brings them, the
		// deleted deal from the listing of deleted deals.
		clock.Advance(3 * time.Hour)
		fake.Mu.Lock()
		d14 := fake.Deals[14]
		d14.Status, d14.WonTime, d14.Updated = "won", at(21, 11, 30, 0), at(21, 11, 30, 0)
		fake.Deals[11].Deleted, fake.Deals[11].Updated = true, at(21, 12, 0, 0)
		a21 := fake.Activities[21]
		a21.Done, a21.MarkedAsDone, a21.Updated = true, at(21, 11, 0, 0), at(21, 11, 0, 0)
		fake.MoveDeal(15, 2, at(21, 12, 30, 0), 101)
		fake.Mu.Unlock()
		res, err := syncer.Sync(ctx, "acme", false, "sync")
		if err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		for _, k := range res.Kinds {
			if want := map[crm.Kind]int{crm.KindDeal: 3, crm.KindTask: 1, crm.KindDealMove: 1}[k.Kind]; k.Fetched != want {
				t.Errorf("incremental sync of %s fetched %d, want %d", k.Kind, k.Fetched, want)
			}
		}
		want := truth()
		for i, line := range want["deals"] {
			switch {
			case strings.HasPrefix(line, "14|"):
				want["deals"][i] = strings.Join([]string{"14", "deal 14", "102", "70000", "won", micros(at(18, 11, 0, 0)),
					micros(at(21, 11, 30, 0)), micros(at(21, 11, 30, 0)), ""}, "|")
			case strings.HasPrefix(line, "11|"):
				want["deals"][i] = strings.Join([]string{"11", "deal 11", "101", "100000", "open", micros(at(12, 10, 0, 0)), "",
					micros(at(21, 12, 0, 0)), micros(at(21, 12, 0, 0))}, "|")
			case strings.HasPrefix(line, "15|"):
				want["deals"][i] = strings.Join([]string{"15", "deal 15", "101", "1500.75", "won", micros(at(17, 10, 0, 0)),
					micros(at(20, 10, 0, 0)), micros(at(21, 12, 30, 0)), ""}, "|")
			}
		}
		for i, line := range want["tasks"] {
			if strings.HasPrefix(line, "21|") {
				want["tasks"][i] = strings.Join([]string{"21", "task 21", "101", "11", micros(at(18, 12, 0, 0)), micros(at(12, 11, 0, 0)),
					micros(at(21, 11, 0, 0)), micros(at(21, 11, 0, 0)), ""}, "|")
			}
		}
		requireStoreEqualsTruth(t, st, "acme", "pipedrive", want)
		moves, err := st.DB().QueryContext(ctx, `SELECT external_id, deal_id, responsible, pipeline, from_stage, stage FROM deal_moves WHERE workspace = 'acme' AND source = 'pipedrive'`)
		if err != nil {
			t.Fatal(err)
		}
		var gotMoves []string
		for moves.Next() {
			var a, b, c, d, e, f string
			if err := moves.Scan(&a, &b, &c, &d, &e, &f); err != nil {
				t.Fatal(err)
			}
			gotMoves = append(gotMoves, strings.Join([]string{a, b, c, d, e, f}, "|"))
		}
		moves.Close()
		wantMove := "15:" + itoa(at(21, 12, 30, 0).Unix()) + "|15|101|Sales|Qualified|Proposal Made"
		if !slices.Equal(gotMoves, []string{wantMove}) {
			t.Errorf("stored moves %q, want %q", gotMoves, wantMove)
		}
		fake.CheckClean(t)
	})
}
