package domain

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// telephonyWorkspace is the test workspace with anna on extension 501 and
// boris on 502, and a regulation using the three telephone bases: two own
// indicators and three rules on the bases directly.
func telephonyWorkspace(tb testing.TB) *Workspace {
	tb.Helper()
	ws := newTestWorkspace(tb)
	ws.Managers[0].PBXIDs = []string{"501"}
	ws.Managers[1].PBXIDs = []string{"502"}
	ws.Managers[2].PBXIDs = []string{"503"}
	ws.IgnorePhones = []string{"+7 800 555 35 35"}
	ten := 10
	ws.Regulation = Regulation{{
		Effective: MustDate("2026-11-01"),
		Indicators: []IndicatorDef{
			{ID: "out_pbx", Base: PBXCalls, Where: Filter{Direction: DirectionOut}},
			{ID: "unlogged10", Base: CallsUnlogged, Where: Filter{MatchMinutes: &ten}},
		},
		Rules: []Rule{
			{Indicator: PBXCalls, Op: AtLeast, Target: decimal.NewFromInt(1), Pass: 1, Fail: -2},
			{Indicator: CallsUnlogged, Op: AtMost, Target: decimal.Zero, Pass: 1, Fail: -2},
			{Indicator: UnknownNumbers, Op: AtMost, Target: decimal.Zero, Pass: 1, Fail: -2},
		},
	}}
	return ws
}

// at is 16 November 2026 (a Monday, window from 13 November 15:00 UTC to
// 16 November 15:00 UTC) at h:m UTC.
func at(h, m int) time.Time { return utc(2026, time.November, 16, h, m, 0) }

func pbx(id, user string, start time.Time, talk int, dir, phone string) PBXCall {
	return PBXCall{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, PBXUser: user, StartedAt: start,
		TalkSeconds: talk, Direction: dir, Phone: phone}
}

func crmCallRec(id, user string, happened, entered time.Time, phone string) Activity {
	return Activity{RecordMeta: RecordMeta{Source: "csv", ExternalID: id}, Kind: ActivityCall, Responsible: user,
		HappenedAt: happened, EnteredAt: entered, DurationSeconds: 60, Outcome: OutcomeHeld, Phone: phone}
}

// telephonyScenario plants the pairs of issue 16 for anna (see the test).
func telephonyScenario() *DayData {
	return &DayData{Telephony: &TelephonyData{
		PBXCalls: []PBXCall{
			pbx("p1", "501", at(8, 0), 120, DirectionOut, "+7 912 000-00-01"),   // matched by a1
			pbx("p2", "501", at(9, 0), 60, DirectionIn, "+7 912 000-00-02"),     // nothing near
			pbx("p3", "501", at(10, 0), 90, DirectionOut, "+7 912 000-00-03"),   // a3 is 6 minutes off
			pbx("p4", "501", at(11, 0), 40, DirectionOut, "+7 912 000-00-04"),   // two calls to one number,
			pbx("p5", "501", at(11, 3), 50, DirectionOut, "+7 912 000-00-04"),   // one CRM call a4
			pbx("p6", "501", at(12, 0), 300, DirectionOut, "502"),               // internal: boris's extension
			pbx("p7", "501", at(13, 0), 45, DirectionOut, "+7 912 000-00-07"),   // logged; its contact entered late
			pbx("p8", "501", at(14, 0), 30, DirectionOut, "+7 912 000-00-08"),   // a8 entered after the deadline
			pbx("p9", "501", at(14, 30), 5, DirectionOut, "+7 912 000-00-09"),   // too short
			pbx("p10", "501", at(14, 40), 100, DirectionOut, "8 800 555-35-35"), // an ignored number
			pbx("p11", "502", at(10, 0), 20, DirectionOut, "+7 912 000-00-11"),  // boris: no CRM call at all
			pbx("p15", "503", at(10, 0), 20, DirectionOut, "+7 912 000-00-15"),  // vera: no CRM call at all
			pbx("p12", "999", at(10, 0), 200, DirectionOut, "+7 912 000-00-12"), // no manager's extension
			pbx("p13", "501", at(15, 5), 200, DirectionOut, "+7 912 000-00-13"), // after the cutoff
			pbx("p14", "501", at(7, 0), 200, DirectionOut, "+7 912 000-00-14"),  // deleted
		},
		CRMCalls: []Activity{
			crmCallRec("a1", "101", at(8, 2), at(8, 10), "89120000001"),
			crmCallRec("a3", "101", at(10, 6), at(10, 10), "9120000003"),
			crmCallRec("a4", "102", at(11, 1), at(11, 5), "+79120000004"),
			crmCallRec("a7", "101", at(13, 0), at(13, 5), ""),
			crmCallRec("a8", "101", at(14, 0), at(16, 0), "+79120000008"),
			crmCallRec("b1", "201", at(10, 0), at(10, 1), "+79120000099"), // boris's, another number
		},
		Persons: []Person{
			{RecordMeta: RecordMeta{Source: "csv", ExternalID: "c1"}, Name: "Иван", Phones: []string{"8 912 000 00 01"},
				CreatedAt: utc(2026, time.November, 1, 9, 0, 0)},
			{RecordMeta: RecordMeta{Source: "csv", ExternalID: "c7"}, Name: "Пётр", Phones: []string{"+79120000007"},
				CreatedAt: at(15, 30)},
			{RecordMeta: RecordMeta{Source: "csv", ExternalID: "c8", DeletedAt: utc(2026, time.November, 10, 9, 0, 0)},
				Name: "Удалён", Phones: []string{"+79120000008"}, CreatedAt: utc(2026, time.November, 1, 9, 0, 0)},
		},
		Companies: []Company{
			{RecordMeta: RecordMeta{Source: "csv", ExternalID: "k2"}, Name: "ООО Два", Phones: []string{"(912) 000-00-02"},
				CreatedAt: utc(2026, time.November, 1, 9, 0, 0)},
		},
	}}
}

func TestTelephonyScenario(t *testing.T) {
	ws := telephonyWorkspace(t)
	data := telephonyScenario()
	for i := range data.Telephony.PBXCalls {
		if data.Telephony.PBXCalls[i].ExternalID == "p14" {
			data.Telephony.PBXCalls[i].DeletedAt = at(9, 0)
		}
	}
	values, unknown := ComputeValues(ws, ws.Window(MustDate("2026-11-16")), data)
	if len(unknown) != 0 {
		t.Errorf("unknown users %q; want none (PBX users are not CRM users)", unknown)
	}
	for _, c := range []struct {
		manager string
		ind     Indicator
		want    int64
	}{
		{"anna", PBXCalls, 8},       // p1 p2 p3 p4 p5 p7 p8 p10
		{"anna", "out_pbx", 7},      // less p2, incoming
		{"anna", CallsUnlogged, 5},  // p2 p3 p5 p8 p10
		{"anna", "unlogged10", 4},   // p3 matches a3 within 10 minutes
		{"anna", UnknownNumbers, 4}, // …03, …04 (once), …07 (contact late), …08 (contact deleted)
		{"boris", PBXCalls, 1},
		{"boris", CallsUnlogged, 1},
		{"boris", UnknownNumbers, 0}, // 20 s in all, less than 30
		{"vera", PBXCalls, 1},
	} {
		if got := values[c.manager].Count(c.ind); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.manager, c.ind, got, c.want)
		}
	}

	type line struct {
		ID, Reason, Match, MatchReason string
		Counted                        bool
	}
	explain := func(manager string, ind Indicator) map[string]line {
		out := make(map[string]line)
		for _, e := range Explain(ws, ws.Window(MustDate("2026-11-16")), data, manager, ind) {
			l := line{ID: e.ExternalID, Reason: e.Reason, Counted: e.Counted}
			if e.Match != nil {
				l.Match, l.MatchReason = e.Match.ExternalID, e.Match.Reason
			}
			out[e.ExternalID] = l
		}
		return out
	}
	want := map[string]line{
		"p1":  {"p1", ReasonLogged, "a1", "", false},
		"p2":  {"p2", ReasonUnlogged, "a1", MatchTooFar, true},
		"p3":  {"p3", ReasonUnlogged, "a3", MatchTooFar, true},
		"p4":  {"p4", ReasonLogged, "a4", "", false},
		"p5":  {"p5", ReasonUnlogged, "a4", MatchTaken, true},
		"p6":  {"p6", ReasonInternal, "", "", false},
		"p7":  {"p7", ReasonLogged, "a7", "", false},
		"p8":  {"p8", ReasonUnlogged, "a8", MatchEnteredLate, true},
		"p9":  {"p9", ReasonTooShort, "", "", false},
		"p10": {"p10", ReasonUnlogged, "a8", MatchTooFar, true},
		"p14": {"p14", ReasonDeleted, "", "", false},
	}
	if diff := cmp.Diff(want, explain("anna", CallsUnlogged)); diff != "" {
		t.Errorf("anna's calls_unlogged evidence (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]line{"p11": {"p11", ReasonUnlogged, "b1", MatchOtherPhone, true}}, explain("boris", CallsUnlogged)); diff != "" {
		t.Errorf("boris's calls_unlogged evidence (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]line{"p15": {"p15", ReasonUnlogged, "", MatchNone, true}}, explain("vera", CallsUnlogged)); diff != "" {
		t.Errorf("vera's calls_unlogged evidence (-want +got):\n%s", diff)
	}
	wantNumbers := map[string]line{
		"79120000001": {"79120000001", ReasonKnownNumber, "c1", "", false},
		"79120000002": {"79120000002", ReasonKnownNumber, "k2", "", false},
		"79120000003": {"79120000003", ReasonUnknownNumber, "", "", true},
		"79120000004": {"79120000004", ReasonUnknownNumber, "", "", true},
		"79120000007": {"79120000007", ReasonUnknownNumber, "c7", MatchEnteredLate, true},
		"79120000008": {"79120000008", ReasonUnknownNumber, "c8", MatchDeleted, true},
		"79120000009": {"79120000009", ReasonTooShort, "", "", false},
		"78005553535": {"78005553535", ReasonIgnoredPhone, "", "", false},
	}
	if diff := cmp.Diff(wantNumbers, explain("anna", UnknownNumbers)); diff != "" {
		t.Errorf("anna's unknown_numbers evidence (-want +got):\n%s", diff)
	}
	for _, e := range Explain(ws, ws.Window(MustDate("2026-11-16")), data, "anna", UnknownNumbers) {
		if e.ExternalID == "79120000004" && e.Seconds != 90 {
			t.Errorf("…04 talked %d s in all, want 90 (40 + 50)", e.Seconds)
		}
	}
}

// Without a regulation that uses them, the telephone bases emit nothing,
// and PBX calls change no built-in.
func TestTelephonyOnlyWhenUsed(t *testing.T) {
	ws := telephonyWorkspace(t)
	ws.Regulation[0].Indicators, ws.Regulation[0].Rules = nil, nil
	n := 0
	Evaluate(ws, ws.Window(MustDate("2026-11-16")), telephonyScenario(), func(Evidence) { n++ })
	if n != 0 {
		t.Errorf("Evaluate emitted %d lines, want none", n)
	}
}

// A CRM call matches at most one PBX call, earliest first, and a PBX call
// takes the nearest CRM call it can.
func TestCallsUnloggedEarliestFirst(t *testing.T) {
	ws := telephonyWorkspace(t)
	data := &DayData{Telephony: &TelephonyData{
		PBXCalls: []PBXCall{
			pbx("late", "501", at(10, 4), 60, DirectionOut, ""),
			pbx("early", "501", at(10, 0), 60, DirectionOut, ""),
		},
		CRMCalls: []Activity{
			crmCallRec("x", "101", at(10, 3), at(10, 5), ""),
			crmCallRec("y", "101", at(9, 56), at(10, 5), ""),
		},
	}}
	got := make(map[string]string)
	for _, e := range Explain(ws, ws.Window(MustDate("2026-11-16")), data, "anna", CallsUnlogged) {
		got[e.ExternalID] = e.Reason + " " + e.Match.ExternalID
	}
	// early (10:00) goes first and takes the nearest, x (3 min; y is 4);
	// late (10:04) then has only y, 8 minutes off.
	want := map[string]string{"early": ReasonLogged + " x", "late": ReasonUnlogged + " x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("matches (-want +got):\n%s", diff)
	}
}

func TestFilterAppliesTelephony(t *testing.T) {
	for _, c := range []struct {
		key  string
		base Indicator
		want bool
	}{
		{"direction", PBXCalls, true}, {"min_seconds", UnknownNumbers, true}, {"max_seconds", CallsUnlogged, true},
		{"match_minutes", CallsUnlogged, true}, {"match_minutes", PBXCalls, false}, {"match_minutes", CallsHeld, false},
		{"pipeline", PBXCalls, false}, {"pipeline", UnknownNumbers, false}, {"stage", CallsUnlogged, false},
	} {
		if got := FilterApplies(c.key, c.base); got != c.want {
			t.Errorf("FilterApplies(%s, %s) = %v, want %v", c.key, c.base, got, c.want)
		}
	}
}

// The report of a day gives the evidence Evaluate gives the sheet, under
// the filter of the version's own indicator on the base.
func TestTelephonyDay(t *testing.T) {
	ws := telephonyWorkspace(t)
	win := ws.Window(MustDate("2026-11-16"))
	version, _ := ws.Regulation.At(win.Day)
	defs := TelephonyDefs(version)
	if defs[1].Where.MatchMinutes != nil {
		t.Errorf("calls_unlogged's definition %+v, want the base a rule names, with no filter", defs[1])
	}
	// Without that rule, the version's own indicator on the base.
	noRule := *version
	noRule.Rules = noRule.Rules[:1]
	if d := TelephonyDefs(&noRule)[1]; d.Where.MatchMinutes == nil || *d.Where.MatchMinutes != 10 {
		t.Errorf("calls_unlogged's definition %+v, want unlogged10's filter", d)
	}
	calls, numbers := TelephonyDay(ws, win, telephonyScenario(), "anna", defs)
	unlogged, unknown := 0, 0
	for _, e := range calls {
		if e.Counted {
			unlogged++
		}
	}
	for _, e := range numbers {
		if e.Counted {
			unknown++
		}
	}
	// p1…p10 and p14 (here not deleted): p2 p3 p5 p8 p10 p14 are not in
	// the CRM; unknown …03 …04 …07 …08 …14.
	if len(calls) != 11 || unlogged != 6 || unknown != 5 {
		t.Errorf("anna: %d PBX calls, %d not in the CRM, %d unknown numbers; want 11, 6, 5", len(calls), unlogged, unknown)
	}
}
