package domain

import (
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Every case below scores working days around Tuesday 2026-11-17 of the test
// workspace: P = Monday 16th, D = Tuesday 17th, N = Wednesday 18th, cutoffs
// at 15:00 UTC, grace 10 minutes, min_call_seconds 10.
var (
	cutP = mskCutoff(16)
	cutD = mskCutoff(17)
	cutN = mskCutoff(18)
)

const (
	sec   = time.Second
	grace = 10 * time.Minute
	dayP  = "2026-11-16"
	dayD  = "2026-11-17"
	dayN  = "2026-11-18"
	early = -30 * 24 * time.Hour // "long before": records created a month earlier
)

func call(id, user string, happened, entered time.Time, seconds int, outcome string) Activity {
	return Activity{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Kind: ActivityCall, Responsible: user,
		HappenedAt: happened, EnteredAt: entered, DurationSeconds: seconds, Outcome: outcome}
}

func heldCall(id, user string, happened, entered time.Time) Activity {
	return call(id, user, happened, entered, 60, OutcomeHeld)
}

func meeting(id, user string, happened, entered time.Time, outcome string) Activity {
	return Activity{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Kind: ActivityMeeting, Responsible: user,
		HappenedAt: happened, EnteredAt: entered, Outcome: outcome}
}

func deleted[T any](rec T, at time.Time, set func(*T, time.Time)) T {
	set(&rec, at)
	return rec
}

func delActivity(a Activity, at time.Time) Activity {
	return deleted(a, at, func(r *Activity, t time.Time) { r.DeletedAt = t })
}

func company(id, createdBy, responsible string, created time.Time) Company {
	return Company{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Name: "company " + id,
		CreatedBy: createdBy, Responsible: responsible, CreatedAt: created}
}

func deal(tb testing.TB, id, user, status, amount string, created, closed time.Time) Deal {
	tb.Helper()
	return Deal{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Title: "deal " + id, Responsible: user,
		Amount: mustDec(tb, amount), Status: status, CreatedAt: created, ClosedAt: closed}
}

func task(id, user, dealID string, deadline, created, completed time.Time) Task {
	return Task{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Title: "task " + id, Responsible: user,
		DealID: dealID, Deadline: deadline, CreatedAt: created, CompletedAt: completed}
}

// ev is the part of an Evidence a case asserts on.
type ev struct {
	ID      string
	Counted bool
	Reason  string
}

type indicatorCase struct {
	name       string
	setup      func(*Workspace) // optional change to the test workspace
	data       DayData
	day        string
	manager    string
	ind        Indicator
	want       int64  // value of a counted indicator
	wantAmount string // value of won_amount
	evidence   []ev   // what Explain lists, in any order
}

func runIndicatorCases(t *testing.T, cases []indicatorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestWorkspace(t)
			if tc.setup != nil {
				tc.setup(ws)
			}
			d := MustDate(tc.day)
			sheet := BuildSheet(ws, d, &tc.data)
			line, ok := sheet.Line(tc.manager)
			if !ok {
				t.Fatalf("sheet has no line for %q", tc.manager)
			}
			if tc.ind == WonAmount {
				want := mustDec(t, tc.wantAmount)
				if !line.Values.WonAmount.Equal(want) {
					t.Errorf("%s %s %s = %s; want %s", tc.day, tc.manager, tc.ind, line.Values.WonAmount, want)
				}
			} else if got := line.Values.Count(tc.ind); got != tc.want {
				t.Errorf("%s %s %s = %d; want %d", tc.day, tc.manager, tc.ind, got, tc.want)
			}

			var got []ev
			for _, e := range Explain(ws, ws.Window(d), &tc.data, tc.manager, tc.ind) {
				if e.Indicator != tc.ind || e.Manager != tc.manager {
					t.Errorf("Explain returned evidence of %s/%s; want %s/%s", e.Manager, e.Indicator, tc.manager, tc.ind)
				}
				got = append(got, ev{e.ExternalID, e.Counted, e.Reason})
			}
			sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
			want := append([]ev(nil), tc.evidence...)
			sort.Slice(want, func(i, j int) bool { return want[i].ID < want[j].ID })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Explain(%s, %s, %s) mismatch (-want +got):\n%s", tc.day, tc.manager, tc.ind, diff)
			}
		})
	}
}

func acts(a ...Activity) DayData { return DayData{Activities: a} }

func TestCallsAndMeetingsAtTheEdges(t *testing.T) {
	counted := func(id string) []ev { return []ev{{id, true, ReasonCounted}} }
	late := heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(grace+sec))
	noGrace := func(ws *Workspace) { ws.Grace = 0 }
	runIndicatorCases(t, []indicatorCase{
		{name: "call at the cutoff counts", data: acts(heldCall("c1", "101", cutD, cutD)),
			day: dayD, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "call at cutoff+1s is not in this window", data: acts(heldCall("c1", "101", cutD.Add(sec), cutD.Add(sec))),
			day: dayD, manager: "anna", ind: CallsHeld, want: 0},
		{name: "call at cutoff+1s belongs to the next window", data: acts(heldCall("c1", "101", cutD.Add(sec), cutD.Add(sec))),
			day: dayN, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "call at the previous cutoff is not in this window", data: acts(heldCall("c1", "101", cutP, cutP)),
			day: dayD, manager: "anna", ind: CallsHeld, want: 0},
		{name: "call at the previous cutoff belongs to the previous day", data: acts(heldCall("c1", "101", cutP, cutP)),
			day: dayP, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "call at previous cutoff+1s counts", data: acts(heldCall("c1", "101", cutP.Add(sec), cutP.Add(sec))),
			day: dayD, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "entered at cutoff+grace counts", data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(grace))),
			day: dayD, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "entered at cutoff+grace+1s is entered late", data: acts(late),
			day: dayD, manager: "anna", ind: CallsHeld, want: 0, evidence: []ev{{"c1", false, ReasonEnteredLate}}},
		{name: "entered late is no late entry on its own day", data: acts(late),
			day: dayD, manager: "anna", ind: LateEntries, want: 0},
		{name: "entered late becomes a late entry on the next working day", data: acts(late),
			day: dayN, manager: "anna", ind: LateEntries, want: 1, evidence: []ev{{"c1", true, ReasonLateEntry}}},
		{name: "entered late is not a call of the next working day", data: acts(late),
			day: dayN, manager: "anna", ind: CallsHeld, want: 0},
		{name: "grace 0: entered at the cutoff counts", setup: noGrace,
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD)),
			day:  dayD, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "grace 0: entered at cutoff+1s is late", setup: noGrace,
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(sec))),
			day:  dayD, manager: "anna", ind: CallsHeld, want: 0, evidence: []ev{{"c1", false, ReasonEnteredLate}}},
		{name: "grace 0: entered at cutoff+1s is a late entry next day", setup: noGrace,
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(sec))),
			day:  dayN, manager: "anna", ind: LateEntries, want: 1, evidence: []ev{{"c1", true, ReasonLateEntry}}},
		{name: "calls below min_call_seconds do not count, equal does",
			data: acts(call("c9", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour), 9, OutcomeHeld),
				call("c10", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour), 10, OutcomeHeld)),
			day: dayD, manager: "anna", ind: CallsHeld, want: 1,
			evidence: []ev{{"c10", true, ReasonCounted}, {"c9", false, ReasonTooShort}}},
		{name: "missed and canceled calls do not count",
			data: acts(call("c1", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour), 60, OutcomeMissed),
				call("c2", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour), 60, OutcomeCanceled)),
			day: dayD, manager: "anna", ind: CallsHeld, want: 0,
			evidence: []ev{{"c1", false, ReasonNotHeld}, {"c2", false, ReasonNotHeld}}},
		{name: "a meeting is not a call",
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)),
				meeting("m1", "101", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour), OutcomeHeld)),
			day: dayD, manager: "anna", ind: CallsHeld, want: 1, evidence: counted("c1")},
		{name: "a call is not a meeting; a meeting has no minimum duration",
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)),
				meeting("m1", "101", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour), OutcomeHeld)),
			day: dayD, manager: "anna", ind: MeetingsHeld, want: 1, evidence: counted("m1")},
		{name: "missed and canceled meetings do not count",
			data: acts(meeting("m1", "101", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour), OutcomeMissed),
				meeting("m2", "101", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour), OutcomeCanceled),
				meeting("m3", "101", cutD, cutD, OutcomeHeld)),
			day: dayD, manager: "anna", ind: MeetingsHeld, want: 1,
			evidence: []ev{{"m1", false, ReasonNotHeld}, {"m2", false, ReasonNotHeld}, {"m3", true, ReasonCounted}}},
		{name: "deleted by the cutoff does not count, deleted after does",
			data: acts(
				delActivity(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)), cutD.Add(-sec)),
				delActivity(heldCall("c2", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)), cutD),
				delActivity(heldCall("c3", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)), cutD.Add(sec))),
			day: dayD, manager: "anna", ind: CallsHeld, want: 1,
			evidence: []ev{{"c1", false, ReasonDeleted}, {"c2", false, ReasonDeleted}, {"c3", true, ReasonCounted}}},
		{name: "a manager with two CRM ids",
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)),
				heldCall("c2", "102", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour)),
				heldCall("c3", "201", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour))),
			day: dayD, manager: "anna", ind: CallsHeld, want: 2, evidence: []ev{{"c1", true, ReasonCounted}, {"c2", true, ReasonCounted}}},
		{name: "the other manager's call is his",
			data: acts(heldCall("c1", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)),
				heldCall("c2", "102", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour)),
				heldCall("c3", "201", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour))),
			day: dayD, manager: "boris", ind: CallsHeld, want: 1, evidence: counted("c3")},
	})
}

// lateEntryData holds activities of anna that happened in P's window or
// earlier and were entered at different moments around the late-entry range
// of D, (cutoff(P)+grace, cutoff(D)+grace].
func lateEntryData() DayData {
	inP := cutP.Add(-time.Hour)
	return acts(
		heldCall("a", "101", inP, cutP.Add(grace)),     // in time for P
		heldCall("b", "101", inP, cutP.Add(grace+sec)), // late: first second of D's range
		heldCall("c", "101", inP, cutD.Add(grace)),     // late: last second of D's range
		heldCall("d", "101", inP, cutD.Add(grace+sec)), // late: belongs to N's range
		call("e", "101", utc(2026, time.November, 13, 9, 0, 0), // Friday, a missed call
			utc(2026, time.November, 17, 12, 0, 0), 0, OutcomeMissed), // entered Tuesday
		meeting("f", "101", cutP.Add(-2*time.Hour), cutP.Add(time.Hour), OutcomeHeld),
		delActivity(heldCall("g", "101", inP, cutP.Add(time.Hour)), cutD.Add(-sec)),
		heldCall("h", "101", cutP, cutP.Add(grace+sec)),      // happened exactly at P's cutoff
		heldCall("i", "101", cutP.Add(sec), cutD.Add(grace)), // happened in D's own window: not late
	)
}

func TestLateEntries(t *testing.T) {
	runIndicatorCases(t, []indicatorCase{
		{name: "range of D at both ends", data: lateEntryData(), day: dayD, manager: "anna", ind: LateEntries, want: 5,
			evidence: []ev{
				{"b", true, ReasonLateEntry}, {"c", true, ReasonLateEntry}, {"e", true, ReasonLateEntry},
				{"f", true, ReasonLateEntry}, {"g", false, ReasonDeleted}, {"h", true, ReasonLateEntry},
			}},
		{name: "range of N", data: lateEntryData(), day: dayN, manager: "anna", ind: LateEntries, want: 1,
			evidence: []ev{{"d", true, ReasonLateEntry}}},
		{name: "calls of P: entered in time vs late", data: lateEntryData(), day: dayP, manager: "anna", ind: CallsHeld, want: 1,
			evidence: []ev{
				{"a", true, ReasonCounted}, {"b", false, ReasonEnteredLate}, {"c", false, ReasonEnteredLate},
				{"d", false, ReasonEnteredLate}, {"g", false, ReasonEnteredLate}, {"h", false, ReasonEnteredLate},
			}},
		{name: "grace 0: range is (cutoff(P), cutoff(D)]", setup: func(ws *Workspace) { ws.Grace = 0 },
			data: acts(heldCall("x", "101", cutP.Add(-time.Hour), cutP), heldCall("y", "101", cutP.Add(-time.Hour), cutP.Add(sec)),
				heldCall("z", "101", cutP.Add(-time.Hour), cutD.Add(sec))),
			day: dayD, manager: "anna", ind: LateEntries, want: 1, evidence: []ev{{"y", true, ReasonLateEntry}}},
	})
}

func TestCompaniesAdded(t *testing.T) {
	data := DayData{Companies: []Company{
		company("co1", "101", "201", cutD),                 // creator anna
		company("co2", "", "102", cutP.Add(sec)),           // no creator: responsible anna
		company("co3", "101", "101", cutP),                 // previous window
		company("co4", "101", "101", cutD.Add(sec)),        // next window
		company("co5", "201", "101", cutD.Add(-time.Hour)), // creator boris
		deleted(company("co6", "101", "", cutD.Add(-2*time.Hour)), cutD.Add(-time.Hour), func(c *Company, t time.Time) { c.DeletedAt = t }),
		deleted(company("co7", "101", "", cutD.Add(-2*time.Hour)), cutD.Add(sec), func(c *Company, t time.Time) { c.DeletedAt = t }),
	}}
	runIndicatorCases(t, []indicatorCase{
		{name: "anna", data: data, day: dayD, manager: "anna", ind: CompaniesAdded, want: 3,
			evidence: []ev{{"co1", true, ReasonCounted}, {"co2", true, ReasonCounted}, {"co6", false, ReasonDeleted}, {"co7", true, ReasonCounted}}},
		{name: "boris by creator, not by responsibility", data: data, day: dayD, manager: "boris", ind: CompaniesAdded, want: 1,
			evidence: []ev{{"co5", true, ReasonCounted}}},
	})
}

func TestDeals(t *testing.T) {
	long := cutD.Add(early)
	del := func(d Deal, at time.Time) Deal { d.DeletedAt = at; return d }
	data := DayData{Deals: []Deal{
		deal(t, "d01", "101", DealWon, "0.10", long, cutD),                                       // won at the cutoff
		deal(t, "d02", "101", DealWon, "0.20", long, cutP.Add(sec)),                              // won at previous cutoff+1s
		deal(t, "d03", "101", DealWon, "100.00", long, cutP),                                     // won in P's window
		deal(t, "d04", "101", DealWon, "1000", long, cutD.Add(sec)),                              // won after the cutoff: in progress at it
		deal(t, "d05", "101", DealLost, "50", long, cutD.Add(-time.Hour)),                        // lost
		deal(t, "d06", "101", DealOpen, "7.77", long, cutD.Add(-time.Hour)),                      // reopened, stale closed_at
		del(deal(t, "d07", "101", DealWon, "0.05", long, cutD.Add(-2*time.Hour)), cutD.Add(sec)), // deleted after
		del(deal(t, "d08", "101", DealWon, "9.99", long, cutD.Add(-2*time.Hour)), cutD.Add(-time.Hour)),
		deal(t, "d09", "101", DealOpen, "1", cutD, time.Time{}),                      // created at the cutoff
		deal(t, "d10", "101", DealOpen, "1", cutD.Add(sec), time.Time{}),             // created after it
		del(deal(t, "d11", "101", DealOpen, "1", long, time.Time{}), cutD.Add(sec)),  // deleted after
		del(deal(t, "d12", "101", DealOpen, "1", long, time.Time{}), cutD.Add(-sec)), // deleted before
		deal(t, "d13", "101", DealLost, "1", long, cutP.Add(-time.Hour)),             // lost in P's window
		deal(t, "d14", "201", DealWon, "5", long, cutD.Add(-time.Hour)),              // boris's
	}}
	inProgress := []ev{
		{"d04", true, ReasonOpenAtCutoff}, {"d06", true, ReasonOpenAtCutoff},
		{"d09", true, ReasonOpenAtCutoff}, {"d11", true, ReasonOpenAtCutoff},
	}
	runIndicatorCases(t, []indicatorCase{
		{name: "won", data: data, day: dayD, manager: "anna", ind: DealsWon, want: 3,
			evidence: []ev{{"d01", true, ReasonCounted}, {"d02", true, ReasonCounted}, {"d07", true, ReasonCounted}, {"d08", false, ReasonDeleted}}},
		{name: "won amount", data: data, day: dayD, manager: "anna", ind: WonAmount, wantAmount: "0.35",
			evidence: []ev{{"d01", true, ReasonCounted}, {"d02", true, ReasonCounted}, {"d07", true, ReasonCounted}, {"d08", false, ReasonDeleted}}},
		{name: "lost", data: data, day: dayD, manager: "anna", ind: DealsLost, want: 1,
			evidence: []ev{{"d05", true, ReasonCounted}}},
		{name: "lost in the previous window", data: data, day: dayP, manager: "anna", ind: DealsLost, want: 1,
			evidence: []ev{{"d13", true, ReasonCounted}}},
		{name: "won in the previous window", data: data, day: dayP, manager: "anna", ind: DealsWon, want: 1,
			evidence: []ev{{"d03", true, ReasonCounted}}},
		{name: "in progress", data: data, day: dayD, manager: "anna", ind: DealsInProgress, want: 4, evidence: inProgress},
		{name: "without tasks (no tasks at all)", data: data, day: dayD, manager: "anna", ind: DealsWithoutTasks, want: 4,
			evidence: []ev{{"d04", true, ReasonNoOpenTask}, {"d06", true, ReasonNoOpenTask}, {"d09", true, ReasonNoOpenTask}, {"d11", true, ReasonNoOpenTask}}},
		{name: "boris won", data: data, day: dayD, manager: "boris", ind: WonAmount, wantAmount: "5",
			evidence: []ev{{"d14", true, ReasonCounted}}},
		{name: "0.10 + 0.20 is exactly 0.30",
			data: DayData{Deals: []Deal{deal(t, "x", "101", DealWon, "0.10", long, cutD), deal(t, "y", "101", DealWon, "0.20", long, cutD)}},
			day:  dayD, manager: "anna", ind: WonAmount, wantAmount: "0.30",
			evidence: []ev{{"x", true, ReasonCounted}, {"y", true, ReasonCounted}}},
	})

	// The sum is exact, not merely close: its string form has no float noise.
	ws := newTestWorkspace(t)
	two := DayData{Deals: []Deal{deal(t, "x", "101", DealWon, "0.10", long, cutD), deal(t, "y", "101", DealWon, "0.20", long, cutD)}}
	sheet := BuildSheet(ws, MustDate(dayD), &two)
	line, _ := sheet.Line("anna")
	if got := line.Values.Format(WonAmount); got != "0.30" {
		t.Errorf("Format(won_amount) = %q; want %q", got, "0.30")
	}
	if got := line.Values.WonAmount.String(); got != "0.3" {
		t.Errorf("won_amount = %s; want exactly 0.3", got)
	}
}

func TestOverdueTasks(t *testing.T) {
	long := cutD.Add(early)
	none := time.Time{}
	before := cutD.Add(-time.Hour)
	del := func(k Task, at time.Time) Task { k.DeletedAt = at; return k }
	data := DayData{Tasks: []Task{
		task("t01", "101", "", before, long, none),                                // open, overdue
		task("t02", "101", "", before, long, cutD.Add(sec)),                       // completed just after the cutoff
		task("t03", "101", "", before, long, cutD),                                // completed at the cutoff
		task("t04", "101", "", before, long, before),                              // completed before
		task("t05", "101", "", cutD, long, none),                                  // deadline at the cutoff
		task("t06", "101", "", cutD.Add(time.Hour), long, none),                   // deadline later
		task("t07", "101", "", none, long, none),                                  // no deadline
		task("t08", "101", "", before, cutD.Add(sec), none),                       // created after the cutoff
		del(task("t09", "101", "", before, long, none), cutD.Add(-sec)),           // deleted before
		del(task("t10", "101", "", before, long, none), cutD.Add(sec)),            // deleted after
		task("t11", "101", "", utc(2026, time.November, 10, 6, 0, 0), long, none), // a week overdue
		task("t12", "201", "", before, long, none),                                // boris's
	}}
	runIndicatorCases(t, []indicatorCase{
		{name: "anna", data: data, day: dayD, manager: "anna", ind: OverdueTasks, want: 4,
			evidence: []ev{
				{"t01", true, ReasonOverdue}, {"t02", true, ReasonOverdue}, {"t05", false, ReasonNotDue},
				{"t06", false, ReasonNotDue}, {"t07", false, ReasonNotDue}, {"t10", true, ReasonOverdue},
				{"t11", true, ReasonOverdue},
			}},
		// t02 was completed at cutoff(D)+1s, so at cutoff(N) it is no longer open.
		{name: "anna next day", data: data, day: dayN, manager: "anna", ind: OverdueTasks, want: 5,
			evidence: []ev{
				{"t01", true, ReasonOverdue}, {"t05", true, ReasonOverdue}, {"t06", true, ReasonOverdue},
				{"t07", false, ReasonNotDue}, {"t08", true, ReasonOverdue}, {"t11", true, ReasonOverdue},
			}},
		{name: "boris", data: data, day: dayD, manager: "boris", ind: OverdueTasks, want: 1,
			evidence: []ev{{"t12", true, ReasonOverdue}}},
	})
}

func TestDealsWithoutTasks(t *testing.T) {
	long := cutD.Add(early)
	none := time.Time{}
	open := func(id string) Deal { return deal(t, id, "101", DealOpen, "1", long, none) }
	other := task("kE", "101", "dE", none, long, none)
	other.Source = "amocrm" // same external deal id, another CRM
	data := DayData{
		Deals: []Deal{
			open("dA"), open("dB"), open("dC"), open("dD"), open("dE"), open("dF"), open("dH"),
			deal(t, "dG", "101", DealWon, "1", long, cutD.Add(-time.Hour)), // closed: not in progress
		},
		Tasks: []Task{
			task("kB", "101", "dB", cutD.Add(-24*time.Hour), long, none),         // overdue but open
			task("kC", "101", "dC", none, long, cutD.Add(-time.Hour)),            // completed before the cutoff
			task("kD", "101", "dD", cutD.Add(24*time.Hour), long, cutD.Add(sec)), // completed after it
			other,
			task("kF", "201", "dF", none, long, none),          // someone else's task on anna's deal
			task("kH", "101", "dH", none, cutD.Add(sec), none), // created after the cutoff
			task("kG", "101", "dG", none, long, none),
		},
	}
	runIndicatorCases(t, []indicatorCase{
		{name: "without tasks", data: data, day: dayD, manager: "anna", ind: DealsWithoutTasks, want: 4,
			evidence: []ev{
				{"dA", true, ReasonNoOpenTask}, {"dB", false, ReasonHasOpenTask}, {"dC", true, ReasonNoOpenTask},
				{"dD", false, ReasonHasOpenTask}, {"dE", true, ReasonNoOpenTask}, {"dF", false, ReasonHasOpenTask},
				{"dH", true, ReasonNoOpenTask},
			}},
		{name: "in progress", data: data, day: dayD, manager: "anna", ind: DealsInProgress, want: 7,
			evidence: []ev{
				{"dA", true, ReasonOpenAtCutoff}, {"dB", true, ReasonOpenAtCutoff}, {"dC", true, ReasonOpenAtCutoff},
				{"dD", true, ReasonOpenAtCutoff}, {"dE", true, ReasonOpenAtCutoff}, {"dF", true, ReasonOpenAtCutoff},
				{"dH", true, ReasonOpenAtCutoff},
			}},
		{name: "overdue open task counts as overdue too", data: data, day: dayD, manager: "anna", ind: OverdueTasks, want: 1,
			evidence: []ev{{"kB", true, ReasonOverdue}, {"kD", false, ReasonNotDue}, {"kE", false, ReasonNotDue}, {"kG", false, ReasonNotDue}}},
	})
}

func TestUnknownUsers(t *testing.T) {
	ws := newTestWorkspace(t)
	long := cutD.Add(early)
	data := DayData{
		Companies:  []Company{company("co1", "999", "101", cutD.Add(-time.Hour))},
		Deals:      []Deal{deal(t, "d1", "888", DealOpen, "1", long, time.Time{})},
		Tasks:      []Task{task("k1", "999", "", cutD.Add(-time.Hour), long, time.Time{})},
		Activities: []Activity{heldCall("c1", "999", cutD.Add(-time.Hour), cutD.Add(-time.Hour)), heldCall("c2", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour))},
	}
	sheet := BuildSheet(ws, MustDate(dayD), &data)
	if diff := cmp.Diff([]string{"888", "999"}, sheet.UnknownUsers); diff != "" {
		t.Errorf("UnknownUsers mismatch (-want +got):\n%s", diff)
	}
	_, unknown := ComputeValues(ws, ws.Window(MustDate(dayD)), &data)
	if diff := cmp.Diff([]string{"888", "999"}, unknown); diff != "" {
		t.Errorf("ComputeValues unknown users mismatch (-want +got):\n%s", diff)
	}
	// Only anna's own call counts anywhere; the company created by 999 is not
	// given to anna although she is its responsible.
	want := map[string]map[Indicator]int64{"anna": {CallsHeld: 1}, "boris": {}, "vera": {}}
	for _, l := range sheet.Lines {
		for _, ind := range Indicators {
			if ind == WonAmount {
				if !l.Values.WonAmount.IsZero() {
					t.Errorf("%s won_amount = %s; want 0", l.Manager, l.Values.WonAmount)
				}
				continue
			}
			if got := l.Values.Count(ind); got != want[l.Manager][ind] {
				t.Errorf("%s %s = %d; want %d", l.Manager, ind, got, want[l.Manager][ind])
			}
		}
	}
	if got := len(sheet.Lines); got != 3 {
		t.Errorf("sheet has %d lines; want 3 (unknown users get none)", got)
	}

	known := DayData{Activities: []Activity{heldCall("c2", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour))}}
	if got := BuildSheet(ws, MustDate(dayD), &known).UnknownUsers; len(got) != 0 {
		t.Errorf("UnknownUsers = %v; want none", got)
	}
}

func TestExplainOrder(t *testing.T) {
	ws := newTestWorkspace(t)
	data := acts(
		call("z-short", "101", cutD.Add(-3*time.Hour), cutD.Add(-time.Hour), 1, OutcomeHeld),
		heldCall("late", "101", cutD.Add(-4*time.Hour), cutD.Add(time.Hour)),
		heldCall("b", "101", cutD.Add(-time.Hour), cutD.Add(-time.Hour)),
		heldCall("a2", "101", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour)),
		heldCall("a1", "102", cutD.Add(-2*time.Hour), cutD.Add(-time.Hour)),
	)
	var got []string
	for _, e := range Explain(ws, ws.Window(MustDate(dayD)), &data, "anna", CallsHeld) {
		got = append(got, e.ExternalID)
	}
	// Counted first, each group by the time it happened, then by id.
	want := []string{"a1", "a2", "b", "late", "z-short"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Explain order mismatch (-want +got):\n%s", diff)
	}
}

func TestExplainEvidenceFields(t *testing.T) {
	ws := newTestWorkspace(t)
	happened, entered := cutD.Add(-time.Hour), cutD.Add(-time.Minute)
	d := deal(t, "d1", "102", DealWon, "150000.50", cutD.Add(early), happened)
	d.Source = "amocrm"
	data := DayData{Deals: []Deal{d}}
	got := Explain(ws, ws.Window(MustDate(dayD)), &data, "anna", WonAmount)
	want := []Evidence{{Manager: "anna", CRMUser: "102", Indicator: WonAmount, Kind: KindDeal, Source: "amocrm",
		ExternalID: "d1", Title: "deal d1", Happened: happened, Entered: cutD.Add(early),
		Amount: mustDec(t, "150000.50"), Counted: true, Reason: ReasonCounted}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Explain won_amount mismatch (-want +got):\n%s", diff)
	}

	data = acts(heldCall("c1", "101", happened, entered))
	got = Explain(ws, ws.Window(MustDate(dayD)), &data, "anna", CallsHeld)
	want = []Evidence{{Manager: "anna", CRMUser: "101", Indicator: CallsHeld, Kind: KindActivity, Source: "csv",
		ExternalID: "c1", Title: ActivityCall, Happened: happened, Entered: entered, Counted: true, Reason: ReasonCounted,
		Seconds: 60}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Explain calls_held mismatch (-want +got):\n%s", diff)
	}
}
