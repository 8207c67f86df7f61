package demo

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// The demo seen on Wednesday 18 November 2026 at 14:37:42 in Moscow: the
// history starts on 19 September, 4 November is a holiday, the call norm was
// raised from Monday 2 November, and Dmitry was on vacation 9–13 November.
var testToday = domain.MustDate("2026-11-18")

func moscow(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		tb.Fatalf("load Europe/Moscow: %v", err)
	}
	return loc
}

func testNow(tb testing.TB) time.Time {
	return time.Date(2026, time.November, 18, 14, 37, 42, 0, moscow(tb))
}

// locationByName compares time zones by name; cmp cannot look inside them.
var locationByName = cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })

func TestWorkspace(t *testing.T) {
	ws := Workspace(testToday)
	if ws.ID != "demo" || ws.Name != "ООО «Ромашка»" || ws.Timezone != "Europe/Moscow" || ws.Location.String() != "Europe/Moscow" {
		t.Errorf("workspace = %q %q %q %v; want demo, ООО «Ромашка», Europe/Moscow", ws.ID, ws.Name, ws.Timezone, ws.Location)
	}
	if ws.Deadline != (domain.Clock{Hour: 18}) || ws.Grace != 10*time.Minute || ws.MinCallSeconds != 10 {
		t.Errorf("deadline %v grace %v min call %d; want 18:00, 10m, 10", ws.Deadline, ws.Grace, ws.MinCallSeconds)
	}
	if ws.Currency != "RUB" || !ws.PointValue.Equal(decimal.NewFromInt(200)) ||
		!ws.BonusCap.Valid || !ws.BonusCap.Decimal.Equal(decimal.NewFromInt(25000)) || ws.FineCap.Valid {
		t.Errorf("money = %s %s caps %v %v; want RUB 200, a bonus cap of 25000 and no fine cap", ws.Currency, ws.PointValue, ws.BonusCap, ws.FineCap)
	}
	if ws.Pay.Mode != domain.PayBonus || !ws.Pay.BaseMonth.Equal(decimal.NewFromInt(15000)) || !ws.Pay.BaseWeek.Equal(decimal.NewFromInt(3500)) {
		t.Errorf("pay = %+v; want a bonus of 15000 a month and 3500 a week", ws.Pay)
	}
	if diff := cmp.Diff([]domain.Date{domain.MustDate("2026-11-04")}, ws.Holidays); diff != "" {
		t.Errorf("holidays (-want +got):\n%s", diff)
	}

	if len(ws.Managers) != 8 {
		t.Fatalf("got %d managers, want 8", len(ws.Managers))
	}
	teams := make(map[string]int)
	crm := make(map[string]string)
	for _, m := range ws.Managers {
		if !domain.ValidWorkspaceID(m.ID) || m.Name == "" || len(m.CRMIDs) == 0 || len(m.CRMIDs) > 2 {
			t.Errorf("manager %+v: want a valid id, a name and one or two CRM ids", m)
		}
		teams[m.Team]++
		for _, c := range m.CRMIDs {
			if other, ok := crm[c]; ok {
				t.Errorf("CRM id %s belongs to %s and %s", c, other, m.ID)
			}
			crm[c] = m.ID
		}
	}
	if diff := cmp.Diff(map[string]int{"north": 4, "south": 4}, teams); diff != "" {
		t.Errorf("teams (-want +got):\n%s", diff)
	}
	dmitry, _ := ws.Manager(Vacationer)
	wantVacation := []domain.Absence{{From: domain.MustDate("2026-11-09"), To: domain.MustDate("2026-11-13"), Reason: "vacation"}}
	if diff := cmp.Diff(wantVacation, dmitry.Absences); diff != "" {
		t.Errorf("vacation (-want +got):\n%s", diff)
	}

	if len(ws.Regulation) != 2 {
		t.Fatalf("got %d regulation versions, want 2", len(ws.Regulation))
	}
	v1, v2 := ws.Regulation[0], ws.Regulation[1]
	if v1.Effective != domain.MustDate("2026-09-19") || v2.Effective != domain.MustDate("2026-11-02") {
		t.Errorf("versions effective %s and %s, want 2026-09-19 and 2026-11-02", v1.Effective, v2.Effective)
	}
	seen := make(map[domain.Indicator]bool)
	for _, r := range v1.Rules {
		seen[r.Indicator] = true
		if !slices.Contains(domain.Ops, r.Op) {
			t.Errorf("rule %s: unknown op %q", r.Indicator, r.Op)
		}
	}
	for _, ind := range domain.Indicators {
		if !seen[ind] {
			t.Errorf("no rule for %s", ind)
		}
	}
	var raised []string
	for i := range v1.Rules {
		if !cmp.Equal(v1.Rules[i], v2.Rules[i]) {
			raised = append(raised, fmt.Sprintf("%s %s→%s %s", v1.Rules[i].Indicator, v1.Rules[i].Target, v2.Rules[i].Indicator, v2.Rules[i].Target))
		}
	}
	for _, r := range v2.Rules[len(v1.Rules):] {
		raised = append(raised, fmt.Sprintf("+%s %s", r.Indicator, r.Target))
	}
	want := []string{"calls_held 20→calls_held 25", "deals_without_tasks 0→sales_without_tasks 0", "+proposals_sent 1", "+idle_sales 0",
		"+calls_unlogged 0"}
	if diff := cmp.Diff(want, raised); diff != "" {
		t.Errorf("changed rules (-want +got):\n%s", diff)
	}
	// The second version is the company's own regulation: two pipelines,
	// its own indicators, each of which the sheets show.
	if own := v2.Own(); len(own) != 7 {
		t.Errorf("own indicators = %+v; want 7 (4 of section 10, 3 of section 12)", own)
	}
}

// TestWorkspaceCalendar checks, for every day of two years, that the demo
// has a holiday on a weekday inside its history, that today is not one, and
// that the vacation is a working week in the recent past.
func TestWorkspaceCalendar(t *testing.T) {
	for today := domain.MustDate("2026-01-01"); today.Before(domain.MustDate("2028-01-01")); today = today.AddDays(1) {
		ws := Workspace(today)
		start := today.AddDays(-HistoryDays)
		n := 0
		for _, h := range ws.Holidays {
			if h.After(start) && h.Before(today) && isWeekday(h) && !ws.IsWorkingDay(h) {
				n++
			}
		}
		if n == 0 || slices.Contains(ws.Holidays, today) {
			t.Errorf("today %s: holidays %v; want one on a weekday in (%s, %s)", today, ws.Holidays, start, today)
		}
		dmitry, _ := ws.Manager(Vacationer)
		v := dmitry.Absences[0]
		if len(ws.WorkingDays(v.From, v.To)) != 5 || !v.To.Before(today.AddDays(-2)) || !v.From.After(start) {
			t.Errorf("today %s: vacation %s–%s; want five working days ending at least three days ago", today, v.From, v.To)
		}
		if got := Workspace(today); !cmp.Equal(ws, got, locationByName) {
			t.Fatalf("today %s: Workspace is not deterministic", today)
		}
	}
}

func TestDeterministic(t *testing.T) {
	if diff := cmp.Diff(Workspace(testToday), Workspace(testToday), locationByName); diff != "" {
		t.Errorf("Workspace differs between calls (-first +second):\n%s", diff)
	}
	ws := Workspace(testToday)
	now := testNow(t)
	first := Records(ws, now)
	// Within the same minute the history is the same.
	second := Records(Workspace(testToday), now.Truncate(time.Minute).Add(59*time.Second))
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("Records differs between calls (-first +second):\n%s", diff)
	}
	if first.Len() == 0 {
		t.Fatal("Records returned nothing")
	}
}

// snapshot is the demo seen at one moment.
type snapshot struct {
	now   time.Time
	batch *domain.RecordBatch
}

// snapshots returns demo histories for a few moments: a weekday afternoon,
// a morning before work, a weekend, and January with its long holidays.
func snapshots(t *testing.T) []snapshot {
	t.Helper()
	loc := moscow(t)
	var out []snapshot
	for _, now := range []time.Time{
		testNow(t),
		time.Date(2026, time.November, 18, 8, 15, 0, 0, loc),
		time.Date(2026, time.November, 21, 12, 0, 0, 0, loc),
		time.Date(2027, time.January, 13, 18, 4, 30, 0, loc),
	} {
		out = append(out, snapshot{now, Records(Workspace(domain.DateOf(now)), now)})
	}
	return out
}

func TestRecordsNothingAfterNow(t *testing.T) {
	for _, s := range snapshots(t) {
		name, b := s.now.Format(time.DateTime), s.batch
		now := s.now.Truncate(time.Minute)
		check := func(kind, id, field string, at time.Time) {
			if at.After(now) {
				t.Errorf("now %s: %s %s: %s %s is after now", name, kind, id, field, at.In(now.Location()))
			}
			if !at.IsZero() && at.Location() != time.UTC {
				t.Errorf("now %s: %s %s: %s is not in UTC", name, kind, id, field)
			}
		}
		for _, c := range b.Companies {
			check("company", c.ExternalID, "created", c.CreatedAt)
			check("company", c.ExternalID, "deleted", c.DeletedAt)
			check("company", c.ExternalID, "updated", c.UpdatedAt)
		}
		for _, d := range b.Deals {
			check("deal", d.ExternalID, "created", d.CreatedAt)
			check("deal", d.ExternalID, "closed", d.ClosedAt)
			check("deal", d.ExternalID, "deleted", d.DeletedAt)
			check("deal", d.ExternalID, "updated", d.UpdatedAt)
		}
		for _, k := range b.Tasks {
			check("task", k.ExternalID, "created", k.CreatedAt)
			check("task", k.ExternalID, "completed", k.CompletedAt)
			check("task", k.ExternalID, "deleted", k.DeletedAt)
			check("task", k.ExternalID, "updated", k.UpdatedAt)
		}
		for _, a := range b.Activities {
			check("activity", a.ExternalID, "happened", a.HappenedAt)
			check("activity", a.ExternalID, "entered", a.EnteredAt)
			check("activity", a.ExternalID, "deleted", a.DeletedAt)
			check("activity", a.ExternalID, "updated", a.UpdatedAt)
			if a.EnteredAt.Before(a.HappenedAt) {
				t.Errorf("now %s: activity %s entered %s before it happened %s", name, a.ExternalID, a.EnteredAt, a.HappenedAt)
			}
		}
	}
}

func TestRecordsAreConsistent(t *testing.T) {
	for _, s := range snapshots(t) {
		name, b := s.now.Format(time.DateTime), s.batch
		managers := Workspace(domain.DateOf(s.now)).ManagerIndex()
		ids := make(map[string]bool)
		unique := func(kind, id string) {
			if id == "" || ids[kind+id] {
				t.Errorf("now %s: %s id %q is empty or repeated", name, kind, id)
			}
			ids[kind+id] = true
		}
		known := func(kind, id, user string) {
			if _, ok := managers[user]; !ok {
				t.Errorf("now %s: %s %s: CRM user %q maps to no manager", name, kind, id, user)
			}
		}
		source := func(kind, id, src string) {
			if src != Source {
				t.Errorf("now %s: %s %s has source %q, want %q", name, kind, id, src, Source)
			}
		}
		deals := make(map[string]bool)
		for _, c := range b.Companies {
			source("company", c.ExternalID, c.Source)
			unique("company", c.ExternalID)
			known("company", c.ExternalID, c.Responsible)
			known("company", c.ExternalID, c.CreatedBy)
		}
		for _, d := range b.Deals {
			source("deal", d.ExternalID, d.Source)
			unique("deal", d.ExternalID)
			known("deal", d.ExternalID, d.Responsible)
			deals[d.ExternalID] = true
			if !d.Amount.IsPositive() || d.Amount.Exponent() < -2 {
				t.Errorf("now %s: deal %s amount %s; want positive with at most two decimals", name, d.ExternalID, d.Amount)
			}
			if d.Closed() && d.ClosedAt.IsZero() {
				t.Errorf("now %s: deal %s is %s with no closing time", name, d.ExternalID, d.Status)
			}
		}
		for _, k := range b.Tasks {
			source("task", k.ExternalID, k.Source)
			unique("task", k.ExternalID)
			known("task", k.ExternalID, k.Responsible)
			if k.DealID != "" && !deals[k.DealID] {
				t.Errorf("now %s: task %s links to unknown deal %s", name, k.ExternalID, k.DealID)
			}
			if k.Deadline.Before(k.CreatedAt) {
				t.Errorf("now %s: task %s is due %s before it was created %s", name, k.ExternalID, k.Deadline, k.CreatedAt)
			}
		}
		for _, a := range b.Activities {
			source("activity", a.ExternalID, a.Source)
			unique("activity", a.ExternalID)
			known("activity", a.ExternalID, a.Responsible)
			if a.DealID != "" && !deals[a.DealID] {
				t.Errorf("now %s: activity %s links to unknown deal %s", name, a.ExternalID, a.DealID)
			}
		}
	}
}

func TestRecordsGrowWithNow(t *testing.T) {
	ws := Workspace(testToday)
	early := Records(ws, testNow(t))
	late := Records(ws, testNow(t).AddDate(0, 0, 5))
	type fact struct {
		Responsible, Outcome string
		Happened, Entered    time.Time
	}
	index := func(b *domain.RecordBatch) map[string]fact {
		m := make(map[string]fact)
		for _, a := range b.Activities {
			m[a.ExternalID] = fact{a.Responsible, a.Outcome, a.HappenedAt, a.EnteredAt}
		}
		for _, c := range b.Companies {
			m[c.ExternalID] = fact{c.CreatedBy, c.Name, c.CreatedAt, c.CreatedAt}
		}
		for _, d := range b.Deals {
			m[d.ExternalID] = fact{d.Responsible, d.Title + " " + d.Amount.String(), d.CreatedAt, d.CreatedAt}
		}
		for _, k := range b.Tasks {
			m[k.ExternalID] = fact{k.Responsible, k.DealID, k.Deadline, k.CreatedAt}
		}
		return m
	}
	before, after := index(early), index(late)
	if len(after) <= len(before) {
		t.Errorf("later history has %d records, earlier %d; want more", len(after), len(before))
	}
	for id, f := range before {
		if g, ok := after[id]; !ok || !g.Happened.Equal(f.Happened) || !g.Entered.Equal(f.Entered) || g.Responsible != f.Responsible || g.Outcome != f.Outcome {
			t.Errorf("record %s: earlier %+v, later %+v (present %v)", id, f, g, ok)
		}
	}
}

func TestRecordsVariety(t *testing.T) {
	b := Records(Workspace(testToday), testNow(t))
	loc := moscow(t)
	ws := Workspace(testToday)
	count := make(map[string]int)
	for _, d := range b.Deals {
		count["deal "+d.Status]++
		if d.Status == domain.DealOpen && !d.ClosedAt.IsZero() {
			count["deal reopened"]++
		}
		if !d.DeletedAt.IsZero() {
			count["deal deleted"]++
		}
	}
	for _, k := range b.Tasks {
		if k.CompletedAt.IsZero() {
			count["task open"]++
		} else {
			count["task completed"]++
		}
		if k.DealID == "" {
			count["task without deal"]++
		}
	}
	for _, c := range b.Companies {
		if !c.DeletedAt.IsZero() {
			count["company deleted"]++
		}
	}
	for _, a := range b.Activities {
		count[a.Kind+" "+a.Outcome]++
		if !a.DeletedAt.IsZero() {
			count["activity deleted"]++
		}
		if a.Kind == domain.ActivityCall && a.Outcome == domain.OutcomeHeld && a.DurationSeconds < ws.MinCallSeconds {
			count["call too short"]++
		}
		day := domain.DateOf(a.HappenedAt.In(loc))
		if !ws.IsWorkingDay(day) {
			count["activity on a day off"]++
		}
		if day == testToday {
			count["activity today"]++
		}
	}
	t.Logf("%d companies, %d deals, %d tasks, %d activities: %v", len(b.Companies), len(b.Deals), len(b.Tasks), len(b.Activities), count)
	for _, k := range []string{
		"deal open", "deal won", "deal lost", "deal reopened", "deal deleted", "task open", "task completed",
		"task without deal", "company deleted", "call held", "call missed", "meeting held", "meeting canceled",
		"activity deleted", "call too short", "activity on a day off", "activity today",
	} {
		if count[k] == 0 {
			t.Errorf("no %s in the demo history", k)
		}
	}
	// Holidays are days off for everybody.
	for _, a := range b.Activities {
		if d := domain.DateOf(a.HappenedAt.In(loc)); slices.Contains(ws.Holidays, d) {
			t.Errorf("activity %s happened on the holiday %s", a.ExternalID, d)
		}
	}
}

// history computes the day sheets of every past working day of the demo seen
// at now whose deadline has passed, from the whole batch (the domain picks
// what counts for each day).
func history(t *testing.T, now time.Time) (*domain.Workspace, *domain.RecordBatch, []domain.DaySheet) {
	t.Helper()
	today := domain.DateOf(now)
	ws := Workspace(today)
	b := Records(ws, now)
	data := &domain.DayData{Companies: b.Companies, Deals: b.Deals, Tasks: b.Tasks, Activities: b.Activities, Moves: b.Moves,
		Telephony: &domain.TelephonyData{PBXCalls: b.PBXCalls, CRMCalls: b.Activities, Persons: b.Persons, Companies: b.Companies}}
	var sheets []domain.DaySheet
	for _, d := range ws.WorkingDays(ws.Regulation[0].Effective, today) {
		if ws.Window(d).Deadline().After(now) {
			continue
		}
		sheets = append(sheets, domain.BuildSheet(ws, d, data))
	}
	return ws, b, sheets
}

// TestHabitsShowInSheets checks, through the domain's own day sheets, that
// every manager's habit shows: in November (with a holiday), in January
// (with the long New Year holidays) and on a Monday morning in summer.
func TestHabitsShowInSheets(t *testing.T) {
	loc := moscow(t)
	for _, now := range []time.Time{
		testNow(t),
		time.Date(2027, time.January, 13, 18, 20, 0, 0, loc),
		time.Date(2026, time.June, 29, 9, 30, 0, 0, loc),
	} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) { testHabits(t, now) })
	}
}

func testHabits(t *testing.T, now time.Time) {
	ws, b, sheets := history(t, now)
	if len(sheets) < 30 {
		t.Fatalf("got %d past working days, want about 40", len(sheets))
	}
	type tally struct {
		days, absent, points                    int
		late, overdue, withoutTasks, callsShort int // days with the indicator off the norm
		calls                                   int64
		won                                     decimal.Decimal
		unknownUsers                            int
	}
	tallies := make(map[string]*tally)
	for _, m := range ws.Managers {
		tallies[m.ID] = &tally{}
	}
	for _, s := range sheets {
		if len(s.UnknownUsers) > 0 {
			t.Errorf("%s: unknown CRM users %v", s.Date, s.UnknownUsers)
		}
		version, _ := ws.Regulation.At(s.Date)
		if s.RegulationVersion != version.Effective {
			t.Errorf("%s: scored with regulation %s, want %s", s.Date, s.RegulationVersion, version.Effective)
		}
		for _, l := range s.Lines {
			tl := tallies[l.Manager]
			if l.Absent {
				tl.absent++
				continue
			}
			tl.days++
			tl.points += l.Points
			tl.calls += l.Values.Count(domain.CallsHeld)
			tl.won = tl.won.Add(l.Values.WonAmount)
			if l.Values.Count(domain.LateEntries) > 0 {
				tl.late++
			}
			if l.Values.Count(domain.OverdueTasks) > 0 {
				tl.overdue++
			}
			if l.Values.Count(domain.DealsWithoutTasks) > 0 {
				tl.withoutTasks++
			}
			for _, o := range l.Rules {
				if o.Indicator == domain.CallsHeld && !o.Passed {
					tl.callsShort++
				}
			}
		}
	}
	var report strings.Builder
	for _, m := range ws.Managers {
		tl := tallies[m.ID]
		fmt.Fprintf(&report, "\n%-7s days %2d absent %d points %4d calls/day %5.1f short %2d late %2d overdue %2d without tasks %2d won %s",
			m.ID, tl.days, tl.absent, tl.points, float64(tl.calls)/float64(max(tl.days, 1)), tl.callsShort,
			tl.late, tl.overdue, tl.withoutTasks, tl.won.StringFixed(2))
	}
	t.Logf("%d working days from %s to %s:%s", len(sheets), sheets[0].Date, sheets[len(sheets)-1].Date, report.String())

	// most reports whether n is at least 80% of the days (less the first one,
	// which has no history before it).
	most := func(n, days int) bool { return n*5 >= (days-1)*4 }

	anna := tallies[Disciplined]
	for id, tl := range tallies {
		if id != Disciplined && tl.points >= anna.points {
			t.Errorf("%s has %d points, the disciplined %s %d; want the disciplined one first", id, tl.points, Disciplined, anna.points)
		}
	}
	if anna.late+anna.overdue+anna.withoutTasks+anna.callsShort != 0 {
		t.Errorf("%s: %+v; want no late entries, overdue tasks, deals without tasks or short calls", Disciplined, anna)
	}
	if tl := tallies[LateEntrant]; !most(tl.late, tl.days) {
		t.Errorf("%s has late entries on %d of %d days, want most", LateEntrant, tl.late, tl.days)
	}
	if tl := tallies[HalfCaller]; !most(tl.callsShort, tl.days) || tl.calls*2 > anna.calls*3/2 {
		t.Errorf("%s is short of calls on %d of %d days with %d calls (anna %d); want most days and about half",
			HalfCaller, tl.callsShort, tl.days, tl.calls, anna.calls)
	}
	if tl := tallies[OverdueTasker]; !most(tl.overdue, tl.days) {
		t.Errorf("%s has overdue tasks on %d of %d days, want most", OverdueTasker, tl.overdue, tl.days)
	}
	if tl := tallies[TaskForgetter]; !most(tl.withoutTasks, tl.days) {
		t.Errorf("%s has deals without tasks on %d of %d days, want most", TaskForgetter, tl.withoutTasks, tl.days)
	}
	for id, tl := range tallies {
		if id != Closer && tl.won.GreaterThanOrEqual(tallies[Closer].won) {
			t.Errorf("%s won %s, the closer %s %s; want the closer first", id, tl.won, Closer, tallies[Closer].won)
		}
	}

	// The vacation: absent on exactly its working days, and no work in it.
	dmitry, _ := ws.Manager(Vacationer)
	vacation := dmitry.Absences[0]
	wantAbsent := len(ws.WorkingDays(vacation.From, vacation.To))
	if got := tallies[Vacationer].absent; got != wantAbsent || wantAbsent < 4 {
		t.Errorf("%s absent on %d days, want %d (the working days of %s–%s)", Vacationer, got, wantAbsent, vacation.From, vacation.To)
	}
	for id, tl := range tallies {
		if id != Vacationer && tl.absent != 0 {
			t.Errorf("%s absent on %d days, want 0", id, tl.absent)
		}
	}
	from := vacation.From.In(ws.Location, 0, 0)
	to := vacation.To.AddDays(1).In(ws.Location, 0, 0)
	for _, a := range b.Activities {
		if a.Responsible == dmitry.CRMIDs[0] && !a.HappenedAt.Before(from) && a.HappenedAt.Before(to) {
			t.Errorf("%s: activity %s at %s during the vacation", Vacationer, a.ExternalID, a.HappenedAt.In(ws.Location))
		}
	}
}

// TestTodayIsLive checks that today's draft already counts the morning's work
// and nothing from the afternoon.
func TestTodayIsLive(t *testing.T) {
	ws := Workspace(testToday)
	now := testNow(t)
	b := Records(ws, now)
	sheet := domain.BuildSheet(ws, testToday, &domain.DayData{Companies: b.Companies, Deals: b.Deals, Tasks: b.Tasks, Activities: b.Activities})
	anna, _ := sheet.Line(Disciplined)
	if n := anna.Values.Count(domain.CallsHeld); n < 5 || n > 30 {
		t.Errorf("%s has %d calls by %s, want part of a day's calls", Disciplined, n, now.Format("15:04"))
	}
	if n := anna.Values.Count(domain.DealsInProgress); n < 5 {
		t.Errorf("%s has %d deals in progress, want at least 5", Disciplined, n)
	}
	boris, _ := sheet.Line(LateEntrant)
	if n := boris.Values.Count(domain.CallsHeld); n != 0 {
		t.Errorf("%s has %d calls entered today by %s, want none (he enters them in the evening)", LateEntrant, n, now.Format("15:04"))
	}
}
