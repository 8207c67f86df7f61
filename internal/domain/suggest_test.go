package domain

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// suggestSheets makes one final sheet per column of calls: sheet i gives
// manager j calls[j][i] held calls and overdue[j][i] overdue tasks. A
// negative value marks the manager absent that day.
func suggestSheets(tb testing.TB, managers []string, calls, overdue [][]int64) []DaySheet {
	tb.Helper()
	days := len(calls[0])
	var sheets []DaySheet
	d := MustDate("2026-11-02")
	for i := 0; i < days; i++ {
		s := DaySheet{Workspace: "acme", Date: d, Status: SheetFinal}
		for j, m := range managers {
			l := SheetLine{Manager: m}
			if calls[j][i] < 0 {
				l.Absent = true
			} else {
				l.Values.SetCount(CallsHeld, calls[j][i])
				l.Values.SetCount(OverdueTasks, overdue[j][i])
				l.Values.SetAmount(WonAmount, decimal.NewFromInt(calls[j][i]*1000+500))
			}
			s.Lines = append(s.Lines, l)
		}
		sheets = append(sheets, s)
		d = d.AddDays(1)
	}
	return sheets
}

func dec(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }

func TestSuggestTargets(t *testing.T) {
	ws := newTestWorkspace(t)
	managers := []string{"anna", "boris"}
	// anna: 10 12 20 25, boris: 5 15 30 and absent the fourth day (its 99
	// would pass everything: an absent day must not count).
	calls := [][]int64{{10, 12, 20, 25}, {5, 15, 30, -1}}
	overdue := [][]int64{{0, 1, 0, 0}, {2, 0, 0, -1}}
	sheets := suggestSheets(t, managers, calls, overdue)
	sheets[3].Lines[1].Values.SetCount(CallsHeld, 99)

	n := func(v int64) decimal.Decimal { return decimal.NewFromInt(v) }
	tests := []struct {
		name string
		rule Rule
		want Suggestion
	}{
		{
			// 7 manager-days: 5 10 12 15 20 25 30. ⌈0.75·7⌉ = 6 must pass:
			// the 6th largest is 10, so 10 (6/7 pass); 11 would pass 5/7.
			name: "at_least: the largest target three days in four pass",
			rule: Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(20), Pass: 1, Fail: -2},
			want: Suggestion{Indicator: CallsHeld, Op: AtLeast, Current: dec("20"), Target: dec("10"),
				PassRate: Share{6, 7}, CurrentPassRate: Share{3, 7}},
		},
		{
			name: "at_least with a per-manager target: the current rate uses it",
			rule: Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(20), Targets: map[string]decimal.Decimal{"boris": n(5)}},
			want: Suggestion{Indicator: CallsHeld, Op: AtLeast, Current: dec("20"), Target: dec("10"),
				PassRate: Share{6, 7}, CurrentPassRate: Share{5, 7}},
		},
		{
			name: "a rule for one team counts only its managers",
			rule: Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(20), Teams: []string{"north"}},
			// anna: 10 12 20 25, ⌈3⌉ = 3 pass: the 3rd largest is 12.
			want: Suggestion{Indicator: CallsHeld, Op: AtLeast, Current: dec("20"), Target: dec("12"),
				PassRate: Share{3, 4}, CurrentPassRate: Share{2, 4}},
		},
		{
			name: "at_most on a presence state indicator is 0",
			rule: Rule{Indicator: OverdueTasks, Op: AtMost, Target: n(1)},
			want: Suggestion{Indicator: OverdueTasks, Op: AtMost, Current: dec("1"), Target: dec("0"),
				PassRate: Share{5, 7}, CurrentPassRate: Share{6, 7}},
		},
		{
			// amounts 5500 10500 12500 15500 20500 25500 30500: the 6th
			// largest is 10500.
			name: "an amount is suggested in whole units",
			rule: Rule{Indicator: WonAmount, Op: AtLeast, Target: n(100000)},
			want: Suggestion{Indicator: WonAmount, Op: AtLeast, Current: dec("100000"), Target: dec("10500"),
				PassRate: Share{6, 7}, CurrentPassRate: Share{0, 7}},
		},
		{
			// at_most on a flow indicator: the 6th smallest of the calls is 25.
			name: "at_most on a flow indicator: the smallest target three in four pass",
			rule: Rule{Indicator: CallsHeld, Op: AtMost, Target: n(0)},
			want: Suggestion{Indicator: CallsHeld, Op: AtMost, Current: dec("0"), Target: dec("25"),
				PassRate: Share{6, 7}, CurrentPassRate: Share{0, 7}},
		},
		{
			name: "equals keeps the current target",
			rule: Rule{Indicator: CallsHeld, Op: Equals, Target: n(12)},
			want: Suggestion{Indicator: CallsHeld, Op: Equals, Current: dec("12"), Target: dec("12"),
				PassRate: Share{1, 7}, CurrentPassRate: Share{1, 7}},
		},
		{
			name: "an own indicator the sheets lack has no days and no target",
			rule: Rule{Indicator: "proposals_sent", Op: AtLeast, Target: n(2)},
			want: Suggestion{Indicator: "proposals_sent", Op: AtLeast, Current: dec("2")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SuggestTargets(ws, nil, []Rule{tt.rule}, true, sheets)
			if diff := cmp.Diff([]Suggestion{tt.want}, got); diff != "" {
				t.Errorf("SuggestTargets mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSuggestTargetsOwnPresence: an own indicator built from deals_idle is a
// presence indicator, so its at_most rule is suggested 0.
func TestSuggestTargetsOwnPresence(t *testing.T) {
	ws := newTestWorkspace(t)
	version := &RegulationVersion{Indicators: []IndicatorDef{{ID: "idle_sales", Base: DealsIdle}}}
	s := DaySheet{Date: MustDate("2026-11-02"), Lines: []SheetLine{{Manager: "anna"}}}
	s.Lines[0].Values.SetCount("idle_sales", 4)
	got := SuggestTargets(ws, version, []Rule{{Indicator: "idle_sales", Op: AtMost, Target: decimal.NewFromInt(5)}}, true, []DaySheet{s})
	want := []Suggestion{{Indicator: "idle_sales", Op: AtMost, Current: dec("5"), Target: dec("0"),
		PassRate: Share{0, 1}, CurrentPassRate: Share{1, 1}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestSuggestRulesWithoutRegulation(t *testing.T) {
	ws := newTestWorkspace(t)
	rules, version, current := SuggestRules(ws, MustDate("2026-11-20"))
	if version != nil || current || len(rules) != len(Indicators) {
		t.Fatalf("SuggestRules = %d rules, version %v, current %v; want every built-in, none current", len(rules), version, current)
	}
	for _, r := range rules {
		if want := DefaultOp(r.Indicator); r.Op != want {
			t.Errorf("%s: op %s; want %s", r.Indicator, r.Op, want)
		}
	}
	sheets := suggestSheets(t, []string{"anna"}, [][]int64{{3, 4, 5, 6}}, [][]int64{{0, 0, 1, 0}})
	got := SuggestTargets(ws, nil, rules, false, sheets)
	b, err := json.Marshal(got[2]) // calls_held
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"indicator":"calls_held","op":"at_least","current":null,"target":"4","pass_rate":0.75,"current_pass_rate":null}`; string(b) != want {
		t.Errorf("JSON = %s; want %s", b, want)
	}
}

func TestSuggestPeriod(t *testing.T) {
	ws := newTestWorkspace(t)
	// Before Tuesday 10 November: Mon 9, Sat 7 (moved), Fri 6, Thu 5,
	// then Tue 3 (Wed 4 is a holiday).
	from, to, ok := SuggestPeriod(ws, MustDate("2026-11-10"), 5)
	if !ok || from != MustDate("2026-11-03") || to != MustDate("2026-11-09") {
		t.Errorf("SuggestPeriod = %s..%s, %v; want 2026-11-03..2026-11-09, true", from, to, ok)
	}
	if got := SpanLabel(from, to); got != "2026-11-03..2026-11-09" {
		t.Errorf("SpanLabel = %q", got)
	}
	empty := newTestWorkspace(t)
	empty.WorkingWeekdays = [7]bool{}
	empty.ExtraWorkingDays = nil
	if _, _, ok := SuggestPeriod(empty, MustDate("2026-11-10"), 5); ok {
		t.Error("SuggestPeriod of a calendar with no working day: ok; want not ok")
	}
}

func TestStarterRules(t *testing.T) {
	rules := StarterRules()
	if len(rules) != 9 {
		t.Fatalf("%d starter rules; want the article's nine", len(rules))
	}
	for _, r := range rules {
		if r.Pass != DefaultPass || r.Fail != DefaultFail {
			t.Errorf("%s: points %+d/%+d; want the article's +1/-2", r.Indicator, r.Pass, r.Fail)
		}
	}
}
