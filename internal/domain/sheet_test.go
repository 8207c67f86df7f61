package domain

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// threeCallsAnna gives anna three held calls and one overdue task on D, and
// boris one call.
func threeCallsAnna() DayData {
	h := cutD.Add(-time.Hour)
	return DayData{
		Activities: []Activity{heldCall("c1", "101", h, h), heldCall("c2", "101", h, h), heldCall("c3", "102", h, h), heldCall("c4", "201", h, h)},
		Tasks:      []Task{task("k1", "101", "", h, cutD.Add(early), time.Time{})},
	}
}

func TestBuildSheetAbsence(t *testing.T) {
	ws := newTestWorkspace(t)
	ws.Managers[0].Absences = []Absence{{From: MustDate("2026-11-17"), To: MustDate("2026-11-18"), Reason: "vacation"}}
	ws.Regulation = Regulation{{Effective: MustDate("2026-11-01"), Rules: []Rule{
		{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(1), Pass: DefaultPass, Fail: DefaultFail},
	}}}
	data := threeCallsAnna()
	for _, tt := range []struct {
		day        string
		absent     bool
		rules      int
		points     int
		wantStatus string
	}{
		{"2026-11-16", false, 1, -2, SheetDraft}, // no calls on Monday: fail
		{"2026-11-17", true, 0, 0, SheetDraft},
		{"2026-11-18", true, 0, 0, SheetDraft},
		{"2026-11-19", false, 1, -2, SheetDraft},
	} {
		sheet := BuildSheet(ws, MustDate(tt.day), &data)
		l, ok := sheet.Line("anna")
		if !ok {
			t.Fatalf("%s: no line for anna", tt.day)
		}
		if l.Absent != tt.absent || len(l.Rules) != tt.rules || l.Points != tt.points || l.Total != tt.points {
			t.Errorf("%s anna: absent=%v rules=%d points=%d total=%d; want absent=%v rules=%d points=%d total=%d",
				tt.day, l.Absent, len(l.Rules), l.Points, l.Total, tt.absent, tt.rules, tt.points, tt.points)
		}
		if sheet.Status != tt.wantStatus {
			t.Errorf("%s status = %q; want %q", tt.day, sheet.Status, tt.wantStatus)
		}
	}
	// Boris, present, passes on the 17th.
	sheet := BuildSheet(ws, MustDate("2026-11-17"), &data)
	if l, _ := sheet.Line("boris"); l.Absent || l.Points != 1 || len(l.Rules) != 1 {
		t.Errorf("boris: absent=%v points=%d rules=%d; want false, 1, 1", l.Absent, l.Points, len(l.Rules))
	}
	// Managers appear in workspace order.
	var order []string
	for _, l := range sheet.Lines {
		order = append(order, l.Manager)
	}
	if diff := cmp.Diff([]string{"anna", "boris", "vera"}, order); diff != "" {
		t.Errorf("line order mismatch (-want +got):\n%s", diff)
	}
	if sheet.Workspace != "acme" || sheet.Date != MustDate(dayD) || !sheet.Cutoff.Equal(cutD) {
		t.Errorf("sheet header = %s %s %s; want acme %s %s", sheet.Workspace, sheet.Date, sheet.Cutoff.UTC(), dayD, cutD)
	}
}

func TestBuildSheetRegulationVersions(t *testing.T) {
	ws := newTestWorkspace(t)
	// Deliberately out of order: the version in force is the latest effective
	// on or before the day, wherever it sits in the slice.
	ws.Regulation = Regulation{
		{Effective: MustDate("2026-11-17"), Rules: []Rule{
			{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(4), Pass: 1, Fail: -2},
			{Indicator: OverdueTasks, Op: AtMost, Target: decimal.NewFromInt(0), Pass: 1, Fail: -2},
		}},
		{Effective: MustDate("2026-11-10"), Rules: []Rule{
			{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(3), Pass: 1, Fail: -2},
		}},
	}
	data := threeCallsAnna()
	// Every day below sees the same records, so anna has three calls on the
	// 17th only; the calls are "held" in D's window, so they appear on D.
	for _, tt := range []struct {
		day     string
		version string
		rules   []RuleOutcome
		points  int
	}{
		{"2026-11-09", "", []RuleOutcome{}, 0},
		{"2026-11-16", "2026-11-10", []RuleOutcome{{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(3), Passed: false, Points: -2}}, -2},
		{"2026-11-17", "2026-11-17", []RuleOutcome{
			{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(4), Passed: false, Points: -2},
			{Indicator: OverdueTasks, Op: AtMost, Target: decimal.NewFromInt(0), Passed: false, Points: -2},
		}, -4},
	} {
		sheet := BuildSheet(ws, MustDate(tt.day), &data)
		if got := sheet.RegulationVersion.String(); got != tt.version {
			t.Errorf("%s regulation_version = %q; want %q", tt.day, got, tt.version)
		}
		l, _ := sheet.Line("anna")
		if diff := cmp.Diff(tt.rules, l.Rules); diff != "" {
			t.Errorf("%s anna rules mismatch (-want +got):\n%s", tt.day, diff)
		}
		if l.Points != tt.points || l.Total != tt.points {
			t.Errorf("%s anna points=%d total=%d; want %d", tt.day, l.Points, l.Total, tt.points)
		}
	}
	// Relaxing the version of the 17th does not rescore the 16th.
	ws.Regulation[0].Rules[0].Target = decimal.NewFromInt(0)
	s16 := BuildSheet(ws, MustDate("2026-11-16"), &data)
	if l, _ := s16.Line("anna"); l.Points != -2 {
		t.Errorf("2026-11-16 anna points = %d; want -2", l.Points)
	}
}

func TestRegulationAt(t *testing.T) {
	reg := Regulation{
		{Effective: MustDate("2026-12-01")},
		{Effective: MustDate("2026-11-01")},
		{Effective: MustDate("2026-11-15")},
	}
	for _, tt := range []struct {
		day, want string
	}{
		{"2026-10-31", ""},
		{"2026-11-01", "2026-11-01"},
		{"2026-11-14", "2026-11-01"},
		{"2026-11-15", "2026-11-15"},
		{"2026-11-30", "2026-11-15"},
		{"2026-12-01", "2026-12-01"},
		{"2027-06-01", "2026-12-01"},
	} {
		v, ok := reg.At(MustDate(tt.day))
		got := ""
		if ok {
			got = v.Effective.String()
		}
		if got != tt.want {
			t.Errorf("At(%s) = %q; want %q", tt.day, got, tt.want)
		}
	}
	reg.Sort()
	var order []string
	for _, v := range reg {
		order = append(order, v.Effective.String())
	}
	if diff := cmp.Diff([]string{"2026-11-01", "2026-11-15", "2026-12-01"}, order); diff != "" {
		t.Errorf("Sort mismatch (-want +got):\n%s", diff)
	}
}

func TestScore(t *testing.T) {
	var values Values
	values.SetCount(CallsHeld, 30)
	values.SetCount(OverdueTasks, 2)
	values.SetCount(DealsWithoutTasks, 0)
	values.WonAmount = decimal.RequireFromString("150000.50")
	anna := &Manager{ID: "anna", Team: "north"}
	boris := &Manager{ID: "boris", Team: "south"}
	vera := &Manager{ID: "vera"}
	n := decimal.NewFromInt
	tests := []struct {
		name    string
		rule    Rule
		manager *Manager
		want    []RuleOutcome
		total   int
	}{
		{"at_least met, default points", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(30), Pass: DefaultPass, Fail: DefaultFail}, anna,
			[]RuleOutcome{{CallsHeld, AtLeast, n(30), true, 1}}, 1},
		{"at_least missed, default points", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(31), Pass: DefaultPass, Fail: DefaultFail}, anna,
			[]RuleOutcome{{CallsHeld, AtLeast, n(31), false, -2}}, -2},
		{"at_most met at the target", Rule{Indicator: OverdueTasks, Op: AtMost, Target: n(2), Pass: 1, Fail: -2}, anna,
			[]RuleOutcome{{OverdueTasks, AtMost, n(2), true, 1}}, 1},
		{"at_most missed", Rule{Indicator: OverdueTasks, Op: AtMost, Target: n(0), Pass: 1, Fail: -2}, anna,
			[]RuleOutcome{{OverdueTasks, AtMost, n(0), false, -2}}, -2},
		{"equals met", Rule{Indicator: DealsWithoutTasks, Op: Equals, Target: n(0), Pass: 1, Fail: -2}, anna,
			[]RuleOutcome{{DealsWithoutTasks, Equals, n(0), true, 1}}, 1},
		{"equals missed above", Rule{Indicator: CallsHeld, Op: Equals, Target: n(29), Pass: 1, Fail: -2}, anna,
			[]RuleOutcome{{CallsHeld, Equals, n(29), false, -2}}, -2},
		{"custom points", Rule{Indicator: WonAmount, Op: AtLeast, Target: decimal.RequireFromString("150000.50"), Pass: 2, Fail: 0}, anna,
			[]RuleOutcome{{WonAmount, AtLeast, decimal.RequireFromString("150000.50"), true, 2}}, 2},
		{"custom points, missed by a cent", Rule{Indicator: WonAmount, Op: AtLeast, Target: decimal.RequireFromString("150000.51"), Pass: 2, Fail: -5}, anna,
			[]RuleOutcome{{WonAmount, AtLeast, decimal.RequireFromString("150000.51"), false, -5}}, -5},
		{"per-manager target", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(10), Targets: map[string]decimal.Decimal{"anna": n(40)}, Pass: 1, Fail: -2}, anna,
			[]RuleOutcome{{CallsHeld, AtLeast, n(40), false, -2}}, -2},
		{"per-manager target of someone else", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(10), Targets: map[string]decimal.Decimal{"anna": n(40)}, Pass: 1, Fail: -2}, boris,
			[]RuleOutcome{{CallsHeld, AtLeast, n(10), true, 1}}, 1},
		{"team filter applies", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Teams: []string{"north"}, Pass: 1, Fail: -2}, anna,
			[]RuleOutcome{{CallsHeld, AtLeast, n(1), true, 1}}, 1},
		{"team filter excludes", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Teams: []string{"north"}, Pass: 1, Fail: -2}, boris, nil, 0},
		{"team filter excludes a manager with no team", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Teams: []string{"north"}, Pass: 1, Fail: -2}, vera, nil, 0},
		{"manager filter applies", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Managers: []string{"vera"}, Pass: 1, Fail: -2}, vera,
			[]RuleOutcome{{CallsHeld, AtLeast, n(1), true, 1}}, 1},
		{"manager filter excludes", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Managers: []string{"vera"}, Pass: 1, Fail: -2}, anna, nil, 0},
		{"team or manager", Rule{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Teams: []string{"south"}, Managers: []string{"vera"}, Pass: 1, Fail: -2}, boris,
			[]RuleOutcome{{CallsHeld, AtLeast, n(1), true, 1}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := RegulationVersion{Effective: MustDate("2026-11-01"), Rules: []Rule{tt.rule}}
			got, total := v.Score(tt.manager, &values)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			if total != tt.total {
				t.Errorf("total = %d; want %d", total, tt.total)
			}
		})
	}

	// Several rules add up: +1 (calls) -2 (overdue) +2 (won) = +1.
	v := RegulationVersion{Rules: []Rule{
		{Indicator: CallsHeld, Op: AtLeast, Target: n(30), Pass: 1, Fail: -2},
		{Indicator: OverdueTasks, Op: AtMost, Target: n(0), Pass: 1, Fail: -2},
		{Indicator: WonAmount, Op: AtLeast, Target: n(100000), Pass: 2, Fail: 0, Managers: []string{"anna"}},
		{Indicator: CallsHeld, Op: AtLeast, Target: n(1), Teams: []string{"south"}, Pass: 5, Fail: -5},
	}}
	if _, total := v.Score(anna, &values); total != 1 {
		t.Errorf("anna total over four rules = %d; want 1", total)
	}
}

func TestApplyAdjustments(t *testing.T) {
	d := MustDate(dayD)
	sheet := DaySheet{Date: d, Lines: []SheetLine{
		{Manager: "anna", Points: 1, Total: 1},
		{Manager: "boris", Points: -2, Total: -2},
		{Manager: "vera", Points: 0, Total: 0},
	}}
	adjs := []Adjustment{
		{Manager: "anna", Date: d, Points: 3},
		{Manager: "anna", Date: d, Points: -1},
		{Manager: "boris", Date: MustDate(dayN), Points: 7}, // the next day
		{Manager: "boris", Date: MustDate(dayP), Points: 9}, // the day before
		{Manager: "ghost", Date: d, Points: 4},              // no line
		{Manager: "vera", Date: d, Points: -5},
	}
	want := []SheetLine{
		{Manager: "anna", Points: 1, Adjustments: 2, Total: 3},
		{Manager: "boris", Points: -2, Adjustments: 0, Total: -2},
		{Manager: "vera", Points: 0, Adjustments: -5, Total: -5},
	}
	opt := cmp.AllowUnexported(Values{})
	sheet.ApplyAdjustments(adjs)
	if diff := cmp.Diff(want, sheet.Lines, opt); diff != "" {
		t.Errorf("after ApplyAdjustments (-want +got):\n%s", diff)
	}
	// Applying again replaces rather than adds.
	sheet.ApplyAdjustments(adjs)
	if diff := cmp.Diff(want, sheet.Lines, opt); diff != "" {
		t.Errorf("after a second ApplyAdjustments (-want +got):\n%s", diff)
	}
	sheet.ApplyAdjustments(nil)
	want = []SheetLine{{Manager: "anna", Points: 1, Total: 1}, {Manager: "boris", Points: -2, Total: -2}, {Manager: "vera"}}
	if diff := cmp.Diff(want, sheet.Lines, opt); diff != "" {
		t.Errorf("after ApplyAdjustments(nil) (-want +got):\n%s", diff)
	}
}

func TestAdjustmentValidate(t *testing.T) {
	ws := newTestWorkspace(t)
	valid := Adjustment{Workspace: "acme", Manager: "anna", Date: MustDate(dayD), Points: -3, Reason: "call list lost", Author: "head"}
	tests := []struct {
		name    string
		change  func(*Adjustment)
		wantErr string // substring of the message; empty for no error
	}{
		{"valid", func(*Adjustment) {}, ""},
		{"positive points", func(a *Adjustment) { a.Points = 5 }, ""},
		{"unknown manager", func(a *Adjustment) { a.Manager = "ghost" }, `unknown manager "ghost"`},
		{"no date", func(a *Adjustment) { a.Date = Date{} }, "date is required"},
		{"zero points", func(a *Adjustment) { a.Points = 0 }, "points must not be zero"},
		{"no reason", func(a *Adjustment) { a.Reason = "" }, "reason is required"},
		{"no author", func(a *Adjustment) { a.Author = "" }, "author is required"},
		{"reason at the limit", func(a *Adjustment) { a.Reason = strings.Repeat("я", MaxTextRunes) }, ""},
		{"reason too long", func(a *Adjustment) { a.Reason = strings.Repeat("я", MaxTextRunes+1) }, "a reason of at most 1000 characters, got 1001"},
	}
	for _, tt := range tests {
		a := valid
		tt.change(&a)
		err := a.Validate(ws)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: Validate() = %v; want nil", tt.name, err)
		case tt.wantErr != "" && err == nil:
			t.Errorf("%s: Validate() = nil; want an error containing %q", tt.name, tt.wantErr)
		case tt.wantErr != "":
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: Validate() = %q; want it to contain %q", tt.name, err, tt.wantErr)
			}
			if got := ErrorCode(err); got != EINVALID {
				t.Errorf("%s: ErrorCode = %q; want %q", tt.name, got, EINVALID)
			}
		}
	}
}

// issueValues is the "indicators" object of the issue's JSON example.
const issueValues = `{"companies_added":0,"meetings_held":1,"calls_held":31,"deals_won":1,"deals_lost":0,"deals_in_progress":12,"won_amount":"150000.50","overdue_tasks":0,"deals_without_tasks":0,"late_entries":0}`

// issueSheet is the issue's JSON day sheet example, verbatim.
const issueSheet = `{"workspace":"acme","date":"2026-11-16","status":"final","regulation_version":"2026-11-01",
 "managers":[{"manager":"anna","absent":false,
   "indicators":{"companies_added":0,"meetings_held":1,"calls_held":31,"deals_won":1,"deals_lost":0,
                 "deals_in_progress":12,"won_amount":"150000.50","overdue_tasks":0,
                 "deals_without_tasks":0,"late_entries":0},
   "rules":[{"indicator":"calls_held","op":"at_least","target":"30","passed":true,"points":1}],
   "points":1,"adjustments":0,"total":1}]}`

func TestValuesJSON(t *testing.T) {
	var v Values
	v.SetCount(MeetingsHeld, 1)
	v.SetCount(CallsHeld, 31)
	v.SetCount(DealsWon, 1)
	v.SetCount(DealsInProgress, 12)
	v.WonAmount = decimal.RequireFromString("150000.5")
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if string(got) != issueValues {
		t.Errorf("Marshal = %s;\nwant    %s", got, issueValues)
	}

	var back Values
	if err := json.Unmarshal([]byte(issueValues), &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if diff := cmp.Diff(v, back, cmp.AllowUnexported(Values{})); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if got := back.Count(CallsHeld); got != 31 {
		t.Errorf("calls_held after Unmarshal = %d; want 31", got)
	}
	if !back.WonAmount.Equal(decimal.RequireFromString("150000.50")) {
		t.Errorf("won_amount after Unmarshal = %s; want 150000.50", back.WonAmount)
	}

	// Every indicator survives a round trip with a distinct value.
	var all Values
	for i, ind := range Indicators {
		all.SetCount(ind, int64(i+1))
	}
	all.WonAmount = decimal.RequireFromString("0.30")
	b, _ := json.Marshal(all)
	var all2 Values
	if err := json.Unmarshal(b, &all2); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	for i, ind := range Indicators {
		if ind == WonAmount {
			continue
		}
		if got := all2.Count(ind); got != int64(i+1) {
			t.Errorf("%s after round trip = %d; want %d", ind, got, i+1)
		}
	}
	if !all2.WonAmount.Equal(decimal.RequireFromString("0.3")) {
		t.Errorf("won_amount after round trip = %s; want 0.30", all2.WonAmount)
	}

	for _, bad := range []string{
		`{"Calls-Made":1}`,
		`{"calls_held":1,"x":1} trailing`,
		`{"calls_held":"1"}`,
		`{"calls_held":1.5}`,
		`{"won_amount":"lots"}`,
		`[]`,
	} {
		var x Values
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("Unmarshal(%s) = nil error; want an error", bad)
		}
	}
}

// jsonKeys returns the keys of a JSON object in document order.
func jsonKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("read key: %v", err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("read value of %v: %v", tok, err)
		}
	}
	return keys
}

func TestDaySheetJSONShape(t *testing.T) {
	ws := newTestWorkspace(t)
	ws.Managers[1].Absences = []Absence{{From: MustDate(dayD), To: MustDate(dayD)}}
	ws.Regulation = Regulation{{Effective: MustDate("2026-11-01"), Rules: []Rule{
		{Indicator: CallsHeld, Op: AtLeast, Target: decimal.NewFromInt(3), Pass: 1, Fail: -2},
	}}}
	data := threeCallsAnna()
	sheet := BuildSheet(ws, MustDate(dayD), &data)
	raw, err := json.Marshal(sheet)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}

	// Top level: every key of the issue's example is present.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range jsonKeys(t, []byte(issueSheet)) {
		if _, ok := top[k]; !ok {
			t.Errorf("day sheet JSON has no key %q: %s", k, raw)
		}
	}
	for k, want := range map[string]string{
		"workspace": `"acme"`, "date": `"2026-11-17"`, "status": `"draft"`, "regulation_version": `"2026-11-01"`,
	} {
		if got := string(top[k]); got != want {
			t.Errorf("%s = %s; want %s", k, got, want)
		}
	}

	// A line has exactly the example's keys, in its order.
	var lines []json.RawMessage
	if err := json.Unmarshal(top["managers"], &lines); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("managers has %d lines; want 3", len(lines))
	}
	var exampleTop struct{ Managers []json.RawMessage }
	if err := json.Unmarshal([]byte(issueSheet), &exampleTop); err != nil {
		t.Fatal(err)
	}
	wantLineKeys := jsonKeys(t, exampleTop.Managers[0])
	var exampleLine struct {
		Indicators json.RawMessage
		Rules      []json.RawMessage
	}
	if err := json.Unmarshal(exampleTop.Managers[0], &exampleLine); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if diff := cmp.Diff(wantLineKeys, jsonKeys(t, l)); diff != "" {
			t.Errorf("line keys mismatch (-want +got):\n%s", diff)
		}
		var line struct {
			Indicators json.RawMessage
			Rules      []json.RawMessage
		}
		if err := json.Unmarshal(l, &line); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(jsonKeys(t, exampleLine.Indicators), jsonKeys(t, line.Indicators)); diff != "" {
			t.Errorf("indicator keys mismatch (-want +got):\n%s", diff)
		}
		for _, r := range line.Rules {
			if diff := cmp.Diff(jsonKeys(t, exampleLine.Rules[0]), jsonKeys(t, r)); diff != "" {
				t.Errorf("rule keys mismatch (-want +got):\n%s", diff)
			}
		}
	}
	const wantAnna = `{"manager":"anna","absent":false,` +
		`"indicators":{"companies_added":0,"meetings_held":0,"calls_held":3,"deals_won":0,"deals_lost":0,"deals_in_progress":0,"won_amount":"0.00","overdue_tasks":1,"deals_without_tasks":0,"late_entries":0},` +
		`"rules":[{"indicator":"calls_held","op":"at_least","target":"3","passed":true,"points":1}],` +
		`"points":1,"adjustments":0,"total":1}`
	if got := string(lines[0]); got != wantAnna {
		t.Errorf("anna's line =\n%s\nwant\n%s", got, wantAnna)
	}
	var boris struct {
		Absent bool
		Rules  []json.RawMessage
		Points int
	}
	if err := json.Unmarshal(lines[1], &boris); err != nil {
		t.Fatal(err)
	}
	if !boris.Absent || len(boris.Rules) != 0 || boris.Points != 0 {
		t.Errorf("absent boris = %s; want absent, no rules, 0 points", lines[1])
	}

	// The example itself reads into a DaySheet, and the sheet reads back.
	var ex DaySheet
	if err := json.Unmarshal([]byte(issueSheet), &ex); err != nil {
		t.Fatalf("Unmarshal(issue example): %v", err)
	}
	if l, ok := ex.Line("anna"); !ok || l.Values.Count(CallsHeld) != 31 || !l.Values.WonAmount.Equal(decimal.RequireFromString("150000.50")) ||
		ex.Status != SheetFinal || ex.RegulationVersion != MustDate("2026-11-01") || len(l.Rules) != 1 || !l.Rules[0].Target.Equal(decimal.NewFromInt(30)) {
		t.Errorf("issue example read as %+v", ex)
	}
	var back DaySheet
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("Unmarshal(own output): %v", err)
	}
	if diff := cmp.Diff(sheet, back, cmp.AllowUnexported(Values{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("day sheet round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestParseIndicator(t *testing.T) {
	for _, ind := range Indicators {
		if got, ok := ParseIndicator(string(ind)); !ok || got != ind {
			t.Errorf("ParseIndicator(%q) = %q, %v; want %q, true", ind, got, ok, ind)
		}
	}
	// Any valid id may name an own indicator (the workspace's regulation
	// says whether one is defined); what no id can be is refused.
	if got, ok := ParseIndicator("calls"); !ok || got != "calls" {
		t.Errorf("ParseIndicator(calls) = %q, %v; want calls, true", got, ok)
	}
	for _, bad := range []string{"Calls", "calls-held", "", "9calls"} {
		if got, ok := ParseIndicator(bad); ok {
			t.Errorf("ParseIndicator(%q) = %q, true; want false", bad, got)
		}
	}
	want := []string{"companies_added", "meetings_held", "calls_held", "deals_won", "deals_lost",
		"deals_in_progress", "won_amount", "overdue_tasks", "deals_without_tasks", "late_entries"}
	var got []string
	for _, ind := range Indicators {
		got = append(got, string(ind))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Indicators = %v; want %v", got, want)
	}
}

// Sheets store rules through AppendRulesJSON; what it writes must be what
// json.Marshal writes, byte for byte, for every indicator, comparison and
// target, and for strings json.Marshal escapes.
func TestAppendRulesJSONIsJSONMarshal(t *testing.T) {
	var cases [][]RuleOutcome
	cases = append(cases, nil, []RuleOutcome{})
	targets := []string{"0", "1", "60", "-2", "1500.50", "0.001", "12345678901234567890"}
	var all []RuleOutcome
	for i, ind := range Indicators {
		for j, op := range Ops {
			all = append(all, RuleOutcome{Indicator: ind, Op: op, Target: decimal.RequireFromString(targets[(i+j)%len(targets)]),
				Passed: (i+j)%2 == 0, Points: j - i})
		}
	}
	cases = append(cases, all, all[:1],
		[]RuleOutcome{{Indicator: `odd "<&>" \ name`, Op: "звонки\n", Target: decimal.New(-15, -1)}})
	for _, rules := range cases {
		want, err := json.Marshal(rules)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendRulesJSON(nil, rules); string(got) != string(want) {
			t.Errorf("AppendRulesJSON:\n got %s\nwant %s", got, want)
		}
	}
}

// Values.MarshalJSON writes a zero won amount without decimal arithmetic;
// it must be what StringFixed(2) gives.
func TestValuesJSONZeroAmount(t *testing.T) {
	var v Values
	b, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `"won_amount":"` + decimal.Zero.StringFixed(2) + `"`
	if !strings.Contains(string(b), want) {
		t.Errorf("MarshalJSON of zero values: %s; want it to hold %s", b, want)
	}
}

// Score compares counts with whole targets as integers (Rule.holds); it
// must decide as Holds does on decimals, for every comparison, around the
// target, for fractional, negative and huge targets too.
func TestRuleHoldsAsDecimals(t *testing.T) {
	targets := []string{"0", "3", "-2", "2.5", "3.0", "30", "123456789012345678901"}
	for _, op := range Ops {
		for _, ts := range targets {
			target := decimal.RequireFromString(ts)
			r := Rule{Indicator: CallsHeld, Op: op, Target: target}
			for _, c := range []int64{-3, -2, 0, 2, 3, 4, 29, 30, 31} {
				var v Values
				v.SetCount(CallsHeld, c)
				if got, want := r.holds(&v, target), r.Holds(v.Get(CallsHeld), target); got != want {
					t.Errorf("%s %s, count %d: holds %v, Holds %v", op, ts, c, got, want)
				}
			}
		}
	}
}
