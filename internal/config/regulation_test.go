package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/domain"
)

func TestParseRegulation(t *testing.T) {
	want := domain.Regulation{{Effective: domain.MustDate("2026-11-01"), Rules: []domain.Rule{
		{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("30"), Pass: 1, Fail: -2, Managers: []string{"zoe"}},
	}}}
	tests := []struct {
		name string
		src  string
	}{
		// Without the workspace's managers, the references cannot be
		// checked here: zoe is accepted.
		{"regulation only", "regulation:\n  - effective: 2026-11-01\n    rules: [{indicator: calls_held, at_least: 30, managers: [zoe]}]\n"},
		{"full workspace", "workspace: acme\ntimezone: UTC\nmanagers: [{id: zoe}]\n" +
			"regulation:\n  - effective: 2026-11-01\n    rules: [{indicator: calls_held, at_least: 30, managers: [zoe]}]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRegulation("reg.yaml", []byte(tt.src))
			if err != nil {
				t.Fatalf("ParseRegulation: %v", err)
			}
			if diff := cmp.Diff(want, got, cmpOptions); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRegulationErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"no regulation", "rules: []\n", []string{
			`1: unknown field "rules" (known: regulation)`,
			"1: regulation: required field is missing",
		}},
		{"empty regulation", "regulation:\n", []string{"1: regulation: required field is missing"}},
		{"workspace without regulation", "workspace: acme\ntimezone: UTC\nmanagers: [{id: anna}]\n",
			[]string{"1: regulation: required field is missing"}},
		// A full workspace file is checked as a whole.
		{"workspace with errors", "workspace: acme\ntimezone: UTC\nmanagers: [{id: anna}]\n" +
			"regulation:\n  - effective: 2026-11-01\n    rules: [{indicator: calls_held, at_least: 30, managers: [zoe]}]\n",
			[]string{`6: regulation[0].rules[0].managers[0]: unknown manager "zoe"`}},
		{"bad rule", "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_most: 1, equals: 2}\n",
			[]string{"4: regulation[0].rules[0].equals: a rule has one comparison: at_most is already given at line 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := ParseRegulation("reg.yaml", []byte(tt.src))
			if reg != nil {
				t.Errorf("got regulation %v with an error, want nil", reg)
			}
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

// TestFormatRegulationExample checks the exact text written for the
// documented example: the format a person reviews in git.
func TestFormatRegulationExample(t *testing.T) {
	ws := mustParseWorkspace(t, base+`regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 30}
      - {indicator: overdue_tasks, at_most: 0}
      - {indicator: won_amount, at_least: 100000, pass: 2, fail: 0, managers: [anna]}
`)
	want := `regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 30}
      - {indicator: overdue_tasks, at_most: 0}
      - {indicator: won_amount, at_least: 100000, pass: 2, fail: 0, managers: [anna]}
`
	if diff := cmp.Diff(want, string(FormatRegulation(ws.Regulation))); diff != "" {
		t.Errorf("FormatRegulation mismatch (-want +got):\n%s", diff)
	}
}

func TestFormatRegulationRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		reg  domain.Regulation
	}{
		{"empty", domain.Regulation{}},
		{"version without rules", domain.Regulation{{Effective: domain.MustDate("2026-11-01"), Rules: []domain.Rule{}}}},
		{"everything", domain.Regulation{
			{Effective: domain.MustDate("2027-01-01"), Rules: []domain.Rule{
				{Indicator: domain.DealsWithoutTasks, Op: domain.Equals, Target: dec("0"), Pass: 0, Fail: -5},
			}},
			{Effective: domain.MustDate("2026-11-01"), Rules: []domain.Rule{
				{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: dec("30"), Pass: 1, Fail: -2,
					Teams:    []string{"north", "true", "101", "south east", "a: b", "[x]", "#1", "Ёлки, палки", "'q'", "null"},
					Managers: []string{"anna", "42", "no", "y"},
					Targets:  map[string]decimal.Decimal{"anna": dec("25"), "42": dec("0"), "no": dec("1")}},
				{Indicator: domain.WonAmount, Op: domain.AtLeast, Target: dec("150000.55"), Pass: 3, Fail: 0,
					Targets: map[string]decimal.Decimal{"anna": dec("0.01")}},
				{Indicator: domain.LateEntries, Op: domain.AtMost, Target: dec("0"), Pass: -1, Fail: 2},
			}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := FormatRegulation(tt.reg)
			got, err := ParseRegulation("out.yaml", out)
			if err != nil {
				t.Fatalf("ParseRegulation of\n%s\nfailed: %v", out, err)
			}
			want := tt.reg
			want.Sort()
			if diff := cmp.Diff(want, got, cmpOptions); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s\nformatted:\n%s", diff, out)
			}
			if !strings.HasPrefix(string(out), "regulation:") {
				t.Errorf("formatted regulation does not start with `regulation:`:\n%s", out)
			}
		})
	}
}
