package domain

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		want Period
	}{
		{"2026-11", Period{PeriodMonth, "2026-11", MustDate("2026-11-01"), MustDate("2026-11-30")}},
		{"2026-12", Period{PeriodMonth, "2026-12", MustDate("2026-12-01"), MustDate("2026-12-31")}},
		{"2026-02", Period{PeriodMonth, "2026-02", MustDate("2026-02-01"), MustDate("2026-02-28")}},
		{"2024-02", Period{PeriodMonth, "2024-02", MustDate("2024-02-01"), MustDate("2024-02-29")}},
		{"2026-W47", Period{PeriodWeek, "2026-W47", MustDate("2026-11-16"), MustDate("2026-11-22")}},
		// 4 January 2026 is a Sunday, so week 1 starts in the previous year.
		{"2026-W01", Period{PeriodWeek, "2026-W01", MustDate("2025-12-29"), MustDate("2026-01-04")}},
		// 2026 starts on a Thursday, so it has 53 ISO weeks.
		{"2026-W53", Period{PeriodWeek, "2026-W53", MustDate("2026-12-28"), MustDate("2027-01-03")}},
		// 2020 is a leap year starting on a Wednesday: 53 weeks.
		{"2020-W53", Period{PeriodWeek, "2020-W53", MustDate("2020-12-28"), MustDate("2021-01-03")}},
		// 2021 starts on a Friday: its week 1 starts on 4 January.
		{"2021-W01", Period{PeriodWeek, "2021-W01", MustDate("2021-01-04"), MustDate("2021-01-10")}},
		{"2025-W52", Period{PeriodWeek, "2025-W52", MustDate("2025-12-22"), MustDate("2025-12-28")}},
	}
	for _, tt := range tests {
		got, err := ParsePeriod(tt.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q) error: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParsePeriod(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}

	for _, bad := range []string{
		"2025-W53", // 2025 starts on a Wednesday and is not a leap year: 52 weeks
		"2027-W53", // 2027 starts on a Friday: 52 weeks
		"2026-W54",
		"2026-W00",
		"2026-00",
		"2026-13",
		"2026-W1",
		"2026-w47",
		"2026W47",
		"2026-1",
		"26-11",
		"2026/11",
		"2026-11-01",
		" 2026-11",
		"",
		"november",
	} {
		if got, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) = %+v, nil; want an error", bad, got)
		} else if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParsePeriod(%q) error = %q (code %s); want an invalid error naming the input", bad, err, ErrorCode(err))
		}
	}
}

func TestMonthOfWeekOf(t *testing.T) {
	tests := []struct {
		day, month, week string
	}{
		{"2026-11-17", "2026-11", "2026-W47"},
		{"2026-11-16", "2026-11", "2026-W47"},
		{"2026-11-22", "2026-11", "2026-W47"},
		{"2026-11-23", "2026-11", "2026-W48"},
		{"2025-12-29", "2025-12", "2026-W01"},
		{"2026-01-04", "2026-01", "2026-W01"},
		{"2027-01-01", "2027-01", "2026-W53"},
		{"2021-01-03", "2021-01", "2020-W53"},
		{"2024-02-29", "2024-02", "2024-W09"},
	}
	for _, tt := range tests {
		d := MustDate(tt.day)
		m := MonthOf(d)
		if m.Label != tt.month || m.Kind != PeriodMonth || d.Before(m.From) || d.After(m.To) {
			t.Errorf("MonthOf(%s) = %+v; want %s containing the day", tt.day, m, tt.month)
		}
		w := WeekOf(d)
		if w.Label != tt.week || w.Kind != PeriodWeek || d.Before(w.From) || d.After(w.To) || w.From.Weekday() != 1 {
			t.Errorf("WeekOf(%s) = %+v; want %s, Monday to Sunday, containing the day", tt.day, w, tt.week)
		}
	}
}

// sheetOf builds a final day sheet with a line per manager in points (the
// rules' points) and an absent line with no points per manager in absent.
func sheetOf(day string, points map[string]int, absent ...string) DaySheet {
	s := DaySheet{Workspace: "acme", Date: MustDate(day), Status: SheetFinal}
	for _, m := range []string{"anna", "boris", "vera"} {
		if p, ok := points[m]; ok {
			s.Lines = append(s.Lines, SheetLine{Manager: m, Points: p, Total: p})
		} else if slices.Contains(absent, m) {
			s.Lines = append(s.Lines, SheetLine{Manager: m, Absent: true})
		}
	}
	return s
}

func TestBuildStatement(t *testing.T) {
	ws := newTestWorkspace(t)
	ws.PointValue = mustDec(t, "123.45")
	ws.Managers = ws.Managers[:2] // vera is no longer in the workspace
	ws.Managers[0].Absences = []Absence{{From: MustDate("2026-11-19"), To: MustDate("2026-11-20"), Reason: "vacation"}}
	p, err := ParsePeriod("2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	sheets := []DaySheet{
		sheetOf("2026-11-13", map[string]int{"anna": 50, "boris": 50}), // before the period
		sheetOf("2026-11-16", map[string]int{"anna": 1, "boris": 1, "vera": -2}),
		sheetOf("2026-11-17", map[string]int{"anna": -2, "boris": 1}),
		sheetOf("2026-11-18", map[string]int{"anna": 3, "boris": 1}),
		sheetOf("2026-11-19", map[string]int{"boris": 1}, "anna"),
		// 2026-11-20 is not final yet.
		sheetOf("2026-11-23", map[string]int{"anna": 50, "boris": 50}), // after the period
	}
	adjs := []Adjustment{
		{Manager: "anna", Date: MustDate("2026-11-18"), Points: 2},
		{Manager: "anna", Date: MustDate("2026-11-13"), Points: 100},  // before the period
		{Manager: "boris", Date: MustDate("2026-11-23"), Points: 100}, // after the period
		{Manager: "boris", Date: MustDate("2026-11-22"), Points: -1},  // Sunday, last day of the period
		{Manager: "vera", Date: MustDate("2026-11-17"), Points: -1},
	}

	t.Run("no caps", func(t *testing.T) {
		got := BuildStatement(ws, p, sheets, adjs)
		want := Statement{Workspace: "acme", Period: "2026-W47", From: MustDate("2026-11-16"), To: MustDate("2026-11-22"),
			Currency: "RUB", PointValue: mustDec(t, "123.45"), PayMode: PayPoints, Lines: []StatementLine{
				// 1 - 2 + 3 = 2 points, +2 adjusted = 4; 4 × 123.45 = 493.80.
				{Manager: "anna", Name: "Анна Петрова", WorkingDays: 5, DaysScored: 3, DaysAbsent: 2, DaysPending: 0,
					Points: 2, Adjustments: 2, Total: 4, Money: NewMoney(mustDec(t, "493.80"))},
				// 4 points - 1 = 3; 3 × 123.45 = 370.35.
				{Manager: "boris", Name: "Борис Иванов", WorkingDays: 5, DaysScored: 4, DaysAbsent: 0, DaysPending: 1,
					Points: 4, Adjustments: -1, Total: 3, Money: NewMoney(mustDec(t, "370.35"))},
				// -2 - 1 = -3; -3 × 123.45 = -370.35.
				{Manager: "vera", Name: "vera", WorkingDays: 0, DaysScored: 1,
					Points: -2, Adjustments: -1, Total: -3, Money: NewMoney(mustDec(t, "-370.35"))},
			}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("statement mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("caps", func(t *testing.T) {
		ws := *ws
		ws.BonusCap = decimal.NewNullDecimal(mustDec(t, "400"))
		ws.FineCap = decimal.NewNullDecimal(mustDec(t, "300"))
		got := BuildStatement(&ws, p, sheets, adjs)
		want := map[string]struct {
			money  string
			capped bool
		}{
			"anna":  {"400.00", true},  // 493.80 capped at 400
			"boris": {"370.35", false}, // under the cap
			"vera":  {"-300.00", true}, // -370.35 capped at -300
		}
		if len(got.Lines) != len(want) {
			t.Fatalf("statement has %d lines; want %d", len(got.Lines), len(want))
		}
		for _, l := range got.Lines {
			w := want[l.Manager]
			if l.Money.String() != w.money || l.Capped != w.capped {
				t.Errorf("%s money = %s capped=%v; want %s capped=%v", l.Manager, l.Money, l.Capped, w.money, w.capped)
			}
		}
	})

	t.Run("month", func(t *testing.T) {
		m, _ := ParsePeriod("2026-11")
		got := BuildStatement(ws, m, nil, nil)
		// November 2026: 21 weekdays, minus the holiday on the 4th, plus the
		// moved Saturday the 7th = 21 working days; anna is away on two.
		want := map[string][3]int{"anna": {21, 2, 19}, "boris": {21, 0, 21}}
		for _, l := range got.Lines {
			w := want[l.Manager]
			if l.WorkingDays != w[0] || l.DaysAbsent != w[1] || l.DaysPending != w[2] || l.DaysScored != 0 {
				t.Errorf("%s working=%d absent=%d pending=%d scored=%d; want %d %d %d 0",
					l.Manager, l.WorkingDays, l.DaysAbsent, l.DaysPending, l.DaysScored, w[0], w[1], w[2])
			}
			if !l.Money.IsZero() || l.Money.String() != "0.00" {
				t.Errorf("%s money = %s; want 0.00", l.Manager, l.Money)
			}
		}
		if len(got.Lines) != 2 {
			t.Errorf("statement has %d lines; want 2", len(got.Lines))
		}
	})

	t.Run("JSON", func(t *testing.T) {
		got := BuildStatement(ws, p, sheets, adjs)
		raw, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Currency   string `json:"currency"`
			PointValue string `json:"point_value"`
			Period     string `json:"period"`
			Managers   []map[string]json.RawMessage
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("Unmarshal(%s): %v", raw, err)
		}
		if doc.Currency != "RUB" || doc.PointValue != "123.45" || doc.Period != "2026-W47" {
			t.Errorf("statement header = %+v; want RUB, 123.45, 2026-W47", doc)
		}
		for _, k := range []string{"manager", "working_days", "days_scored", "days_absent", "points", "adjustments", "total", "money"} {
			if _, ok := doc.Managers[0][k]; !ok {
				t.Errorf("statement line has no key %q: %s", k, raw)
			}
		}
		if got := string(doc.Managers[0]["money"]); got != `"493.80"` {
			t.Errorf("anna money JSON = %s; want \"493.80\"", got)
		}
		if got := string(doc.Managers[2]["money"]); got != `"-370.35"` {
			t.Errorf("vera money JSON = %s; want \"-370.35\"", got)
		}
	})
}

func TestWorkspaceMoney(t *testing.T) {
	tests := []struct {
		name       string
		pointValue string
		bonus      string // empty: no cap
		fine       string
		points     int
		want       string
		capped     bool
	}{
		{"exact tenths", "0.10", "", "", 3, "0.30", false},
		{"fine", "200", "", "", -7, "-1400.00", false},
		{"zero", "200", "100", "100", 0, "0.00", false},
		{"bonus at the cap is not capped", "200", "1000", "", 5, "1000.00", false},
		{"bonus over the cap", "200", "1000", "", 6, "1000.00", true},
		{"bonus cap leaves fines alone", "200", "1000", "", -6, "-1200.00", false},
		{"fine at the cap is not capped", "200", "", "1000", -5, "-1000.00", false},
		{"fine over the cap", "200", "", "1000", -6, "-1000.00", true},
		{"fine cap leaves bonuses alone", "200", "", "1000", 6, "1200.00", false},
		{"fractional point value rounds to cents", "0.333", "", "", 3, "1.00", false},
	}
	for _, tt := range tests {
		ws := &Workspace{PointValue: mustDec(t, tt.pointValue)}
		if tt.bonus != "" {
			ws.BonusCap = decimal.NewNullDecimal(mustDec(t, tt.bonus))
		}
		if tt.fine != "" {
			ws.FineCap = decimal.NewNullDecimal(mustDec(t, tt.fine))
		}
		got, capped := ws.Money(PeriodMonth, tt.points)
		if got.String() != tt.want || capped != tt.capped {
			t.Errorf("%s: Money(%d) = %s, %v; want %s, %v", tt.name, tt.points, got, capped, tt.want, tt.capped)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"1200", `"1200.00"`},
		{"0.5", `"0.50"`},
		{"-3.1", `"-3.10"`},
		{"0", `"0.00"`},
		{"2.005", `"2.01"`},
	} {
		b, err := json.Marshal(NewMoney(mustDec(t, tt.in)))
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(Money %s) = %s, %v; want %s", tt.in, b, err, tt.want)
		}
		var back Money
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("Unmarshal(%s): %v", b, err)
		} else if got, _ := json.Marshal(back); string(got) != tt.want {
			t.Errorf("round trip of %s = %s", tt.want, got)
		}
	}
}

func TestBacktest(t *testing.T) {
	ws := newTestWorkspace(t)
	ws.PointValue = mustDec(t, "100")
	vals := func(calls int64, overdue int64) Values {
		var v Values
		v.SetCount(CallsHeld, calls)
		v.SetCount(OverdueTasks, overdue)
		return v
	}
	// Stored final sheets scored under the old regulation (calls ≥ 30).
	sheets := []DaySheet{
		{Date: MustDate("2026-11-16"), Status: SheetFinal, Lines: []SheetLine{
			{Manager: "anna", Values: vals(31, 0), Points: 1, Total: 1},
			{Manager: "boris", Values: vals(20, 2), Points: -2, Total: -2},
			{Manager: "gone", Values: vals(25, 0), Points: -2, Total: -2},
		}},
		{Date: MustDate("2026-11-17"), Status: SheetFinal, Lines: []SheetLine{
			{Manager: "anna", Values: vals(29, 1), Points: -2, Total: -2},
			// Absent: values that would score are ignored.
			{Manager: "boris", Absent: true, Values: vals(50, 0)},
			{Manager: "gone", Values: vals(30, 0), Points: 1, Total: 1},
		}},
		{Date: MustDate("2026-11-18"), Status: SheetFinal, Lines: []SheetLine{
			{Manager: "anna", Values: vals(40, 0), Points: 1, Total: 1},
			{Manager: "boris", Values: vals(25, 0), Points: -2, Total: -2},
		}},
	}
	n := decimal.NewFromInt
	// The new regulation: from the 17th, calls ≥ 25 (+2/-1) and no overdue
	// tasks (+1/-3), the latter for team north only. Nothing on the 16th.
	reg := Regulation{{Effective: MustDate("2026-11-17"), Rules: []Rule{
		{Indicator: CallsHeld, Op: AtLeast, Target: n(25), Pass: 2, Fail: -1},
		{Indicator: OverdueTasks, Op: AtMost, Target: n(0), Pass: 1, Fail: -3, Teams: []string{"north"}},
	}}}

	before, _ := json.Marshal(sheets)
	regBefore, _ := json.Marshal(reg)
	got := Backtest(ws, reg, PeriodMonth, sheets)

	want := []BacktestLine{
		// anna: old 1-2+1 = 0. New: 16th no version 0; 17th 29 calls +2, 1 overdue -3 = -1; 18th +2 +1 = 3. Total 2.
		{Manager: "anna", Days: 3, OldPoints: 0, NewPoints: 2, Diff: 2, OldMoney: NewMoney(n(0)), NewMoney: NewMoney(n(200))},
		// boris (south): old -2 + -2 = -4 over two present days. New: 16th 0; 18th 25 calls +2. Total 2.
		{Manager: "boris", Days: 2, OldPoints: -4, NewPoints: 2, Diff: 6, OldMoney: NewMoney(n(-400)), NewMoney: NewMoney(n(200))},
		// gone, no longer in the workspace, no team: old -2+1 = -1; new 16th 0, 17th +2.
		{Manager: "gone", Days: 2, OldPoints: -1, NewPoints: 2, Diff: 3, OldMoney: NewMoney(n(-100)), NewMoney: NewMoney(n(200))},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Backtest mismatch (-want +got):\n%s", diff)
	}
	after, _ := json.Marshal(sheets)
	if string(before) != string(after) {
		t.Errorf("Backtest modified the sheets:\nbefore %s\nafter  %s", before, after)
	}
	if regAfter, _ := json.Marshal(reg); string(regBefore) != string(regAfter) {
		t.Errorf("Backtest modified the regulation:\nbefore %s\nafter  %s", regBefore, regAfter)
	}
}
