package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

// cmpOptions compare the types of a workspace that cmp cannot see into.
var cmpOptions = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() }),
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func mustParseWorkspace(tb testing.TB, src string) *domain.Workspace {
	tb.Helper()
	ws, err := ParseWorkspace("workspace.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("ParseWorkspace: %v", err)
	}
	return ws
}

func weekdaySet(days ...time.Weekday) [7]bool {
	var w [7]bool
	for _, d := range days {
		w[d] = true
	}
	return w
}

// TestParseWorkspaceExample reads the example of the format's documentation.
func TestParseWorkspaceExample(t *testing.T) {
	data, err := os.ReadFile("testdata/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseWorkspace("acme.yaml", data)
	if err != nil {
		t.Fatalf("ParseWorkspace: %v", err)
	}
	want := &domain.Workspace{
		ID:              "acme",
		Name:            "ООО Ромашка",
		Timezone:        "Europe/Moscow",
		Location:        mustLoad(t, "Europe/Moscow"),
		Deadline:        domain.Clock{Hour: 18},
		Grace:           10 * time.Minute,
		WorkingWeekdays: weekdaySet(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday),
		Holidays:        []domain.Date{domain.MustDate("2026-12-31")},
		MinCallSeconds:  10,
		Currency:        "RUB",
		PointValue:      dec("100"),
		BonusCap:        decimal.NewNullDecimal(dec("20000")),
		FineCap:         decimal.NewNullDecimal(dec("10000")),
		Managers: []domain.Manager{{
			ID: "anna", Name: "Анна Петрова", Team: "north", CRMIDs: []string{"101"},
			Absences: []domain.Absence{{From: domain.MustDate("2026-11-19"), To: domain.MustDate("2026-11-20"), Reason: "vacation"}},
		}},
		Regulation: domain.Regulation{{
			Effective: domain.MustDate("2026-11-01"),
			Rules: []domain.Rule{
				{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("30"), Pass: 1, Fail: -2},
				{Indicator: domain.OverdueTasks, Op: domain.AtMost, Target: dec("0"), Pass: 1, Fail: -2},
				{Indicator: domain.WonAmount, Op: domain.AtLeast, Target: dec("100000"), Pass: 2, Fail: 0, Managers: []string{"anna"}},
			},
		}},
	}
	if diff := cmp.Diff(want, got, cmpOptions); diff != "" {
		t.Errorf("ParseWorkspace mismatch (-want +got):\n%s", diff)
	}
}

func TestParseWorkspaceDefaults(t *testing.T) {
	got := mustParseWorkspace(t, "workspace: acme\ntimezone: UTC\nmanagers:\n  - id: anna\n")
	want := &domain.Workspace{
		ID:              "acme",
		Name:            "acme",
		Timezone:        "UTC",
		Location:        time.UTC,
		Deadline:        domain.Clock{Hour: 18},
		Grace:           10 * time.Minute,
		WorkingWeekdays: weekdaySet(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday),
		MinCallSeconds:  1,
		Currency:        "RUB",
		Managers:        []domain.Manager{{ID: "anna", Name: "anna"}},
		Regulation:      domain.Regulation{},
	}
	if diff := cmp.Diff(want, got, cmpOptions); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
}

func TestParseWorkspaceValues(t *testing.T) {
	got := mustParseWorkspace(t, `
workspace: shop-2
name: ""
timezone: Europe/Berlin
deadline: "9:05"
grace: 0s
working_days: [Sat, sun, mon]
holidays: [2026-12-31, 2026-01-01]
extra_working_days: [2026-11-14]
min_call_seconds: 0
currency: EUR
point_value: "12.50"
caps: {fine: 0}
managers:
  - id: anna
    crm_ids: [101, "u-7", 0x10]
    absences:
      - {from: 2026-11-19, to: 2026-11-19}
  - id: "42"
    name:
`)
	want := &domain.Workspace{
		ID:               "shop-2",
		Name:             "shop-2",
		Timezone:         "Europe/Berlin",
		Location:         mustLoad(t, "Europe/Berlin"),
		Deadline:         domain.Clock{Hour: 9, Minute: 5},
		WorkingWeekdays:  weekdaySet(time.Saturday, time.Sunday, time.Monday),
		Holidays:         []domain.Date{domain.MustDate("2026-01-01"), domain.MustDate("2026-12-31")},
		ExtraWorkingDays: []domain.Date{domain.MustDate("2026-11-14")},
		Currency:         "EUR",
		PointValue:       dec("12.5"),
		FineCap:          decimal.NewNullDecimal(dec("0")),
		Managers: []domain.Manager{
			{ID: "anna", Name: "anna", CRMIDs: []string{"101", "u-7", "0x10"},
				Absences: []domain.Absence{{From: domain.MustDate("2026-11-19"), To: domain.MustDate("2026-11-19")}}},
			{ID: "42", Name: "42"},
		},
		Regulation: domain.Regulation{},
	}
	if diff := cmp.Diff(want, got, cmpOptions); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestParseRuleStyles checks that block and flow style mean the same, and
// that versions come out sorted by effective day.
func TestParseRuleStyles(t *testing.T) {
	const managers = "workspace: acme\ntimezone: UTC\nmanagers:\n  - {id: anna, team: north}\n  - {id: boris}\n"
	flow := mustParseWorkspace(t, managers+`
regulation:
  - effective: 2026-12-01
    rules: [{indicator: deals_won, equals: 1}]
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 30, pass: 2, fail: -3, teams: [north], managers: [boris], targets: {anna: 25, boris: "35"}}
      - {indicator: won_amount, at_least: 1000.50}
`)
	block := mustParseWorkspace(t, managers+`
regulation:
  - effective: 2026-11-01
    rules:
      - indicator: calls_held
        at_least: 30
        pass: +2
        fail: -3
        teams:
          - north
        managers:
          - boris
        targets:
          anna: 25
          boris: 35
      - indicator: won_amount
        at_least: "1000.5"
  - effective: 2026-12-01
    rules:
      - indicator: deals_won
        equals: 1
`)
	want := domain.Regulation{
		{Effective: domain.MustDate("2026-11-01"), Rules: []domain.Rule{
			{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("30"), Pass: 2, Fail: -3,
				Teams: []string{"north"}, Managers: []string{"boris"},
				Targets: map[string]decimal.Decimal{"anna": dec("25"), "boris": dec("35")}},
			{Indicator: domain.WonAmount, Op: domain.AtLeast, Target: dec("1000.5"), Pass: 1, Fail: -2},
		}},
		{Effective: domain.MustDate("2026-12-01"), Rules: []domain.Rule{
			{Indicator: domain.DealsWon, Op: domain.Equals, Target: dec("1"), Pass: 1, Fail: -2},
		}},
	}
	if diff := cmp.Diff(want, flow.Regulation, cmpOptions); diff != "" {
		t.Errorf("flow style mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, block.Regulation, cmpOptions); diff != "" {
		t.Errorf("block style mismatch (-want +got):\n%s", diff)
	}
}

// TestParseWorkspaceAliases checks that YAML anchors and aliases work, as a
// long regulation may reuse a list of rules.
func TestParseWorkspaceAliases(t *testing.T) {
	ws := mustParseWorkspace(t, `
workspace: acme
timezone: UTC
managers: [{id: anna}]
regulation:
  - effective: 2026-11-01
    rules: &base
      - {indicator: calls_held, at_least: 30}
  - effective: 2026-12-01
    rules: *base
`)
	if len(ws.Regulation) != 2 || len(ws.Regulation[1].Rules) != 1 || ws.Regulation[1].Rules[0].Indicator != domain.CallsHeld {
		t.Errorf("got regulation %+v, want the aliased rules in both versions", ws.Regulation)
	}
}

// base is a valid start of a workspace file (lines 1–4); error cases append
// to it from line 5.
const base = "workspace: acme\ntimezone: UTC\nmanagers:\n  - {id: anna, crm_ids: [\"101\"], team: north}\n"

func TestParseWorkspaceErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // the error's lines, after "workspace.yaml:"
	}{
		{"empty file", "", []string{"1: empty document"}},
		{"only a comment", "# nothing\n", []string{"1: empty document"}},
		{"syntax error", base + "regulation: [\n", []string{"5: invalid YAML: did not find expected node content"}},
		{"two documents", base + "---\nworkspace: b\n", []string{"5: only one YAML document is allowed"}},
		{"not a mapping", "- workspace: acme\n", []string{"1: want a mapping of fields at the top level, got a list"}},
		{"required fields", "name: Acme\n", []string{
			"1: workspace: required field is missing",
			"1: timezone: required field is missing",
			"1: managers: required field is missing",
		}},
		{"empty required field", "workspace:\ntimezone: UTC\nmanagers: [{id: anna}]\n", []string{"1: workspace: required field is missing"}},
		{"unknown field", base + "timezon: UTC\n", []string{`5: unknown field "timezon" (known: workspace, name, timezone, deadline, grace, working_days, holidays, extra_working_days, min_call_seconds, currency, point_value, caps, pay, pay_versions, adjustment_limit, managers, regulation, crm, notifications, phone_country, ignore_phones, pbx)`}},
		{"field twice", base + "timezone: Europe/Moscow\n", []string{"5: timezone: field given twice (first at line 2)"}},
		{"invalid workspace id", "workspace: Acme Inc\ntimezone: UTC\nmanagers: [{id: anna}]\n",
			[]string{`1: workspace: invalid workspace id "Acme Inc": use lower-case letters, digits and dashes`}},
		{"unknown time zone", "workspace: acme\n\ntimezone: Europe/Moskow\nmanagers: [{id: anna}]\n",
			[]string{`3: timezone: unknown time zone "Europe/Moskow"`}},
		{"machine time zone", "workspace: acme\ntimezone: Local\nmanagers: [{id: anna}]\n",
			[]string{`2: timezone: time zone must be an IANA name such as Europe/Moscow, not "Local"`}},
		{"time zone is a list", "workspace: acme\ntimezone: [UTC]\nmanagers: [{id: anna}]\n",
			[]string{"2: timezone: want a single value, got a list"}},
		{"deadline out of range", base + "deadline: \"24:00\"\n", []string{`5: deadline: invalid time of day "24:00": want HH:MM, e.g. "18:00"`}},
		{"deadline not a time", base + "deadline: 6pm\n", []string{`5: deadline: invalid time of day "6pm": want HH:MM, e.g. "18:00"`}},
		{"grace too long", base + "grace: 61m\n", []string{"5: grace: must be between 0 and 60m, got 61m"}},
		{"grace negative", base + "grace: -1m\n", []string{"5: grace: must be between 0 and 60m, got -1m"}},
		{"grace without unit", base + "grace: 10\n", []string{`5: grace: invalid duration "10": want e.g. 10m`}},
		{"no working days", base + "working_days: []\n", []string{"5: working_days: must name at least one working day"}},
		{"working days", base + "working_days: [mon, tue, mon, funday]\n", []string{
			"5: working_days[2]: weekday mon listed twice",
			`5: working_days[3]: unknown weekday "funday" (known: mon, tue, wed, thu, fri, sat, sun)`,
		}},
		{"working days not a list", base + "working_days: mon-fri\n", []string{`5: working_days: want a list, got "mon-fri"`}},
		{"holidays", base + "holidays:\n  - 2026-12-31\n  - 2026-12-32\n  - 2026-12-31\n  - 31.12.2026\n", []string{
			`7: holidays[1]: invalid date "2026-12-32": want YYYY-MM-DD`,
			"8: holidays[2]: date 2026-12-31 listed twice (first at line 6)",
			`9: holidays[3]: invalid date "31.12.2026": want YYYY-MM-DD`,
		}},
		{"holiday and working day", base + "holidays: [2026-12-31]\nextra_working_days: [2026-12-26, 2026-12-31]\n",
			[]string{"6: extra_working_days[1]: date 2026-12-31 is also a holiday (line 5)"}},
		{"negative min_call_seconds", base + "min_call_seconds: -1\n", []string{"5: min_call_seconds: must not be negative, got -1"}},
		{"fractional min_call_seconds", base + "min_call_seconds: 1.5\n", []string{`5: min_call_seconds: invalid whole number "1.5"`}},
		{"currency", base + "currency: rub\n", []string{`5: currency: invalid currency "rub": want a three-letter upper-case code such as RUB`}},
		{"negative point value", base + "point_value: -100\n", []string{"5: point_value: must not be negative, got -100"}},
		{"point value with a comma", base + "point_value: \"12,5\"\n", []string{`5: point_value: invalid decimal "12,5"`}},
		{"point value is a boolean", base + "point_value: true\n", []string{`5: point_value: invalid decimal "true"`}},
		{"caps", base + "caps:\n  bonus: -1\n  fine: x\n  total: 5\n", []string{
			"6: caps.bonus: must not be negative, got -1",
			`7: caps.fine: invalid decimal "x"`,
			`8: caps: unknown field "total" (known: bonus, fine)`,
		}},
		{"no managers", "workspace: acme\ntimezone: UTC\nmanagers: []\n", []string{"3: managers: must list at least one manager"}},
		{"duplicate manager", base + "  - id: boris\n  - id: anna\n", []string{`6: managers[2].id: duplicate manager "anna" (first at line 4)`}},
		{"invalid manager id", base + "  - id: Boris\n", []string{`5: managers[1].id: invalid manager id "Boris": use lower-case letters, digits and dashes`}},
		{"manager without id", base + "  - name: Boris\n", []string{"5: managers[1].id: required field is missing"}},
		{"manager is not a mapping", base + "  - boris\n", []string{`5: managers[1]: want a mapping, got "boris"`}},
		{"unknown manager field", base + "  - id: boris\n    email: b@example.com\n",
			[]string{`6: managers[1]: unknown field "email" (known: id, name, crm_ids, team, absences, contact, pbx_ids)`}},
		{"crm id of two managers", base + "  - id: boris\n    crm_ids: [102, 101]\n",
			[]string{`6: managers[1].crm_ids[1]: crm id "101" is used by two managers: "anna" (line 4) and "boris"`}},
		{"crm id twice", base + "  - id: boris\n    crm_ids: [102, \"102\", \"\"]\n", []string{
			`6: managers[1].crm_ids[1]: crm id "102" listed twice (first at line 6)`,
			"6: managers[1].crm_ids[2]: must not be empty",
		}},
		{"absences", base + "  - id: boris\n    absences:\n      - {from: 2026-11-20, to: 2026-11-19}\n      - {from: 2026-11-20}\n      - {from: 2026-11-20, to: 2026-11-21, why: flu}\n", []string{
			"7: managers[1].absences[0].to: absence ends (2026-11-19) before it starts (2026-11-20)",
			"8: managers[1].absences[1].to: required field is missing",
			`9: managers[1].absences[2]: unknown field "why" (known: from, to, reason)`,
		}},
		{"regulation not a list", base + "regulation: {effective: 2026-11-01}\n", []string{"5: regulation: want a list, got a mapping"}},
		{"unknown indicator", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 30}\n      - {indicator: calls, at_least: 30}\n",
			[]string{`9: regulation[0].rules[1].indicator: unknown indicator "calls" (known: companies_added, meetings_held, calls_held, deals_won, deals_lost, deals_in_progress, won_amount, overdue_tasks, deals_without_tasks, late_entries, deals_created, deal_moves, tasks_completed, deals_idle, pbx_calls, calls_unlogged, unknown_numbers)`}},
		{"missing indicator", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {at_least: 30}\n",
			[]string{"8: regulation[0].rules[0].indicator: required field is missing"}},
		{"missing comparison", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, pass: 1}\n",
			[]string{"8: regulation[0].rules[0]: missing comparison: give one of at_least, at_most, equals"}},
		{"two comparisons", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - indicator: calls_held\n        at_least: 30\n        at_most: 40\n",
			[]string{"10: regulation[0].rules[0].at_most: a rule has one comparison: at_least is already given at line 9"}},
		{"negative target", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: overdue_tasks, at_most: -1}\n",
			[]string{"8: regulation[0].rules[0].at_most: must not be negative, got -1"}},
		{"fractional count target", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 2.5}\n",
			[]string{"8: regulation[0].rules[0].at_least: calls_held counts records: the target must be a whole number, got 2.5"}},
		{"points", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 1, pass: one, fail: -2.5}\n", []string{
			`8: regulation[0].rules[0].pass: invalid whole number "one"`,
			`8: regulation[0].rules[0].fail: invalid whole number "-2.5"`,
		}},
		{"unknown rule field", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 1, points: 3}\n",
			[]string{`8: regulation[0].rules[0]: unknown field "points" (known: indicator, at_least, at_most, equals, pass, fail, teams, managers, targets)`}},
		{"unknown team", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 1, teams: [north, south]}\n",
			[]string{`8: regulation[0].rules[0].teams[1]: unknown team "south" (known: north)`}},
		{"unknown manager", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 1, managers: [anna, zoe]}\n",
			[]string{`8: regulation[0].rules[0].managers[1]: unknown manager "zoe"`}},
		{"targets", base + "  - {id: boris}\nregulation:\n  - effective: 2026-11-01\n    rules:\n      - indicator: calls_held\n        at_least: 30\n        teams: [north]\n        targets:\n          zoe: 10\n          boris: 10\n          anna: x\n", []string{
			`13: regulation[0].rules[0].targets.zoe: unknown manager "zoe"`,
			`14: regulation[0].rules[0].targets.boris: the rule does not apply to manager "boris" (see its teams and managers)`,
			`15: regulation[0].rules[0].targets.anna: invalid decimal "x"`,
		}},
		{"duplicate effective date", base + "regulation:\n  - effective: 2026-11-01\n    rules: []\n  - effective: 2026-11-01\n    rules: []\n",
			[]string{"8: regulation[1].effective: duplicate effective date 2026-11-01 (first at line 6)"}},
		{"version fields", base + "regulation:\n  - rules: []\n  - effective: 2026-11-01\n  - {effective: 2026-12-01, rules: [], note: x}\n", []string{
			"6: regulation[0].effective: required field is missing",
			"7: regulation[1].rules: required field is missing",
			`8: regulation[2]: unknown field "note" (known: effective, indicators, rules)`,
		}},
		{"key twice in a flow rule", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 1, indicator: deals_won}\n",
			[]string{"8: regulation[0].rules[0].indicator: field given twice (first at line 8)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := ParseWorkspace("workspace.yaml", []byte(tt.src))
			if ws != nil {
				t.Errorf("got a workspace with an error, want nil")
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = "workspace.yaml:" + w
			}
			if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseWorkspaceReportsAll checks that problems all over a file come
// back together, in line order.
func TestParseWorkspaceReportsAll(t *testing.T) {
	src := `regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls, at_least: 1}
workspace: acme
timezone: Mars/Olympus
grace: 2h
managers:
  - id: anna
  - id: anna
`
	want := []string{
		`workspace.yaml:4: regulation[0].rules[0].indicator: unknown indicator "calls" (known: companies_added, meetings_held, calls_held, deals_won, deals_lost, deals_in_progress, won_amount, overdue_tasks, deals_without_tasks, late_entries, deals_created, deal_moves, tasks_completed, deals_idle, pbx_calls, calls_unlogged, unknown_numbers)`,
		`workspace.yaml:6: timezone: unknown time zone "Mars/Olympus"`,
		"workspace.yaml:7: grace: must be between 0 and 60m, got 2h",
		`workspace.yaml:10: managers[1].id: duplicate manager "anna" (first at line 9)`,
	}
	_, err := ParseWorkspace("workspace.yaml", []byte(src))
	if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func TestParseWorkspaceManyProblems(t *testing.T) {
	_, err := ParseWorkspace("workspace.yaml", []byte(base+strings.Repeat("x: 1\n", 60)))
	lines := errorLines(t, err)
	if len(lines) != maxProblems+1 {
		t.Fatalf("got %d lines, want %d", len(lines), maxProblems+1)
	}
	if want := "workspace.yaml: and 10 more problems"; lines[maxProblems] != want {
		t.Errorf("last line = %q, want %q", lines[maxProblems], want)
	}
}

// errorLines checks that err is an invalid-input *domain.Error and returns
// its message's lines.
func errorLines(tb testing.TB, err error) []string {
	tb.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		tb.Fatalf("got error %v (%T), want a *domain.Error", err, err)
	}
	if de.Code != domain.EINVALID {
		tb.Errorf("got code %q, want %q", de.Code, domain.EINVALID)
	}
	return strings.Split(de.Message, "\n")
}

func FuzzParseWorkspace(f *testing.F) {
	if data, err := os.ReadFile("testdata/acme.yaml"); err == nil {
		f.Add(string(data))
	}
	f.Add(base)
	f.Add(base + "regulation:\n  - effective: 2026-11-01\n    rules: &r\n      - {indicator: calls_held, at_least: 1, targets: {anna: 2}}\n  - effective: 2026-11-02\n    rules: *r\n")
	f.Add("a: [\n")
	f.Fuzz(func(t *testing.T, src string) {
		ws, err := ParseWorkspace("f.yaml", []byte(src))
		if (ws == nil) == (err == nil) {
			t.Fatalf("got workspace %v and error %v, want exactly one", ws, err)
		}
		if err != nil {
			if code := domain.ErrorCode(err); code != domain.EINVALID {
				t.Fatalf("got code %q for %v, want %q", code, err, domain.EINVALID)
			}
			return
		}
		// Whatever regulation a valid file holds must survive a round trip.
		out := FormatRegulation(ws.Regulation)
		reg, err := ParseRegulation("out.yaml", out)
		if err != nil {
			t.Fatalf("ParseRegulation(FormatRegulation) of\n%s\nfailed: %v", out, err)
		}
		if diff := cmp.Diff(ws.Regulation, reg, cmpOptions); diff != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s\nformatted:\n%s", diff, out)
		}
	})
}
