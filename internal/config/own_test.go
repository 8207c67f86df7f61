package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/i18n"
)

// designExample is DESIGN.md section 10's example regulation.
const designExample = `regulation:
  - effective: 2026-12-01
    indicators:
      - {id: proposals_sent, name: "КП отправлено", from: deal_moves, where: {pipeline: [Продажи], to_stage: ["КП отправлено"]}}
      - {id: sales_without_tasks, name: "Сделки продаж без задач", from: deals_without_tasks, where: {pipeline: [Продажи]}}
      - {id: idle_sales, name: "Сделки без движения 7 дней", from: deals_idle, idle_days: 7, where: {pipeline: [Продажи]}}
      - {id: long_calls, name: "Исходящие от 60 с", from: calls_held, where: {direction: out, min_seconds: 60}}
    rules:
      - {indicator: proposals_sent, at_least: 2}
      - {indicator: sales_without_tasks, at_most: 0}
`

func TestParseOwnIndicators(t *testing.T) {
	got, err := ParseRegulation("reg.yaml", []byte(designExample))
	if err != nil {
		t.Fatalf("ParseRegulation: %v", err)
	}
	sixty := 60
	want := domain.Regulation{{
		Effective: domain.MustDate("2026-12-01"),
		Indicators: []domain.IndicatorDef{
			{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves,
				Where: domain.Filter{Pipeline: []string{"Продажи"}, ToStage: []string{"КП отправлено"}}},
			{ID: "sales_without_tasks", Name: "Сделки продаж без задач", Base: domain.DealsWithoutTasks,
				Where: domain.Filter{Pipeline: []string{"Продажи"}}},
			{ID: "idle_sales", Name: "Сделки без движения 7 дней", Base: domain.DealsIdle, IdleDays: 7,
				Where: domain.Filter{Pipeline: []string{"Продажи"}}},
			{ID: "long_calls", Name: "Исходящие от 60 с", Base: domain.CallsHeld,
				Where: domain.Filter{Direction: domain.DirectionOut, MinSeconds: &sixty}},
		},
		Rules: []domain.Rule{
			{Indicator: "proposals_sent", Op: domain.AtLeast, Target: dec("2"), Pass: 1, Fail: -2},
			{Indicator: "sales_without_tasks", Op: domain.AtMost, Target: dec("0"), Pass: 1, Fail: -2},
		},
	}}
	if diff := cmp.Diff(want, got, cmpOptions); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}

	// What FormatRegulation writes reads back the same.
	again, err := ParseRegulation("again.yaml", FormatRegulation(got))
	if err != nil {
		t.Fatalf("ParseRegulation(FormatRegulation): %v\n%s", err, FormatRegulation(got))
	}
	if diff := cmp.Diff(got, again, cmpOptions); diff != "" {
		t.Errorf("round trip mismatch (-first +again):\n%s", diff)
	}
	if !got[0].Equal(&again[0]) {
		t.Errorf("Equal = false after a round trip")
	}
}

func TestParseOwnIndicatorErrors(t *testing.T) {
	head := "regulation:\n  - effective: 2026-12-01\n    indicators:\n" // lines 1–3
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown base", head + "      - {id: a, from: calls}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].from: unknown base "calls" (known: companies_added, meetings_held, calls_held, deals_won, deals_lost, deals_in_progress, won_amount, overdue_tasks, deals_without_tasks, late_entries, deals_created, deal_moves, tasks_completed, deals_idle, pbx_calls, calls_unlogged, unknown_numbers)`}},
		{"filter that cannot apply", head + "      - {id: a, from: companies_added, where: {pipeline: [Продажи]}}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].where.pipeline: filter pipeline does not apply to companies_added (it applies to: meetings_held, calls_held, deals_won, deals_lost, deals_in_progress, won_amount, overdue_tasks, deals_without_tasks, late_entries, deals_created, deal_moves, tasks_completed, deals_idle)`}},
		{"stage on a flow base", head + "      - {id: a, from: deals_won, where: {stage: [x]}}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].where.stage: filter stage does not apply to deals_won (it applies to: deals_in_progress, deals_without_tasks, deals_idle)`}},
		{"clash with a built-in", head + "      - {id: calls_held, from: calls_held}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].id: "calls_held" is the name of a built-in indicator: choose another id`}},
		{"clash with a new base", head + "      - {id: deals_idle, from: deals_idle}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].id: "deals_idle" is the name of a built-in indicator: choose another id`}},
		{"duplicate id", head + "      - {id: a, from: calls_held}\n      - {id: a, from: meetings_held}\n    rules: []\n",
			[]string{`5: regulation[0].indicators[1].id: indicator "a" is defined twice (first at line 4)`}},
		{"bad id", head + "      - {id: Calls-Out, from: calls_held}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].id: invalid indicator id "Calls-Out": use lower-case letters, digits and '_', starting with a letter`}},
		{"bad direction", head + "      - {id: a, from: calls_held, where: {direction: outgoing}}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].where.direction: invalid direction "outgoing": want in or out`}},
		{"max below min", head + "      - {id: a, from: calls_held, where: {min_seconds: 60, max_seconds: 30}}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].where.max_seconds: max_seconds (30) is less than min_seconds (60)`}},
		{"idle days elsewhere", head + "      - {id: a, from: deals_in_progress, idle_days: 3}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].idle_days: idle_days applies only to deals_idle, not to deals_in_progress`}},
		{"unknown filter", head + "      - {id: a, from: calls_held, where: {pipe: [x]}}\n    rules: []\n",
			[]string{`4: regulation[0].indicators[0].where: unknown field "pipe" (known: pipeline, stage, from_stage, to_stage, direction, min_seconds, max_seconds, match_minutes)`}},
		{"rule on an undefined id", head + "      - {id: a, from: calls_held}\n    rules: [{indicator: b, at_least: 1}]\n",
			[]string{`5: regulation[0].rules[0].indicator: unknown indicator "b" (known: companies_added, meetings_held, calls_held, deals_won, deals_lost, deals_in_progress, won_amount, overdue_tasks, deals_without_tasks, late_entries, deals_created, deal_moves, tasks_completed, deals_idle, pbx_calls, calls_unlogged, unknown_numbers; this version's own: a)`}},
		{"fractional target of a count", head + "      - {id: a, from: calls_held}\n    rules: [{indicator: a, at_least: 1.5}]\n",
			[]string{`5: regulation[0].rules[0].at_least: a counts records: the target must be a whole number, got 1.5`}},
		{"points out of bounds", "regulation:\n  - effective: 2026-12-01\n    rules: [{indicator: calls_held, at_least: 1, pass: 1500000000}]\n",
			[]string{`3: regulation[0].rules[0].pass: points must be between -1000 and 1000, got 1500000000`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRegulation("reg.yaml", []byte(tt.src))
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = "reg.yaml:" + w
			}
			if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOwnIndicatorAmountTarget(t *testing.T) {
	src := "regulation:\n  - effective: 2026-12-01\n    indicators: [{id: sales_won, from: won_amount, where: {pipeline: [Продажи]}}]\n" +
		"    rules: [{indicator: sales_won, at_least: 1500.50}, {indicator: deals_idle, at_most: 0}]\n"
	reg, err := ParseRegulation("reg.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseRegulation: %v", err)
	}
	if got := reg[0].Rules[0].Target.String(); got != "1500.5" {
		t.Errorf("target = %s; want 1500.5", got)
	}
	// A rule naming a base of section 10 directly makes it an indicator
	// of the version with no filter.
	own := reg[0].Own()
	if len(own) != 2 || own[1].ID != domain.DealsIdle || own[1].Base != domain.DealsIdle {
		t.Errorf("Own() = %+v; want sales_won then deals_idle", own)
	}
}

func TestParsePay(t *testing.T) {
	ws := mustParseWorkspace(t, base+"point_value: 200\ncaps: {bonus: 30000}\npay: {mode: bonus, base: {month: 15000, week: 3500}}\n")
	if ws.Pay.Mode != domain.PayBonus || !ws.Pay.BaseMonth.Equal(dec("15000")) || !ws.Pay.BaseWeek.Equal(dec("3500")) {
		t.Errorf("Pay = %+v; want bonus with bases 15000 and 3500", ws.Pay)
	}
	again := mustParseWorkspace(t, string(FormatWorkspace(ws)))
	if diff := cmp.Diff(ws.Pay, again.Pay, cmpOptions); diff != "" {
		t.Errorf("round trip mismatch (-first +again):\n%s", diff)
	}
	points := mustParseWorkspace(t, base+"pay: {mode: points}\n")
	if points.Pay != (domain.Pay{}) {
		t.Errorf("points mode = %+v; want the zero Pay", points.Pay)
	}

	tests := []struct {
		name, src string
		want      []string
	}{
		{"unknown mode", base + "pay: {mode: fines}\n", []string{`5: pay.mode: unknown pay mode "fines" (known: points, bonus)`}},
		{"bonus without base", base + "pay: {mode: bonus}\n", []string{`5: pay: pay mode bonus needs a base: {month: …, week: …}`}},
		{"base in points mode", base + "pay: {mode: points, base: {month: 1}}\n", []string{`5: pay.base: a base bonus applies only to pay mode bonus`}},
		{"huge point value", base + "point_value: 1e400\n", []string{`5: point_value: an amount of at most 1000000000000 with at most 4 decimals, got 1e400`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWorkspace("workspace.yaml", []byte(tt.src))
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = "workspace.yaml:" + w
			}
			if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}

	// The same problem in Russian.
	_, err := ParseWorkspace("workspace.yaml", []byte(base+"pay: {mode: bonus}\n"))
	if got, want := i18n.ErrorText(err, i18n.RU), "workspace.yaml:5: pay: режиму bonus нужна базовая премия: {month: …, week: …}"; got != want {
		t.Errorf("Russian = %q; want %q", got, want)
	}
}
