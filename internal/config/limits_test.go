package config

import (
	"strings"
	"testing"

	"reglament/internal/i18n"
)

// Issue 14 item 6: names, reasons and other values are bounded to what a
// person writes, a rule's target and the money amounts to 10^12 with 4
// decimals, and a file to MaxFileBytes; each refusal names the file, the
// line and the field, in English and Russian.
func TestLimits(t *testing.T) {
	const base = "workspace: acme\ntimezone: Europe/Moscow\n"
	long := func(n int) string { return strings.Repeat("я", n) }
	for _, tc := range []struct {
		name, yaml string
		want       []string // in the English text
		ru         string
	}{
		{"workspace name", base + "name: " + long(201) + "\n",
			[]string{"workspace.yaml:3", "name", "a name of at most 200 characters, got 201"}, "название не длиннее 200 символов"},
		{"manager name", base + "managers:\n  - {id: anna, name: " + long(300) + "}\n",
			[]string{"workspace.yaml:4", "managers[0].name", "at most 200 characters, got 300"}, "название не длиннее 200"},
		{"absence reason", base + "managers:\n  - id: anna\n    absences: [{from: 2026-11-02, to: 2026-11-03, reason: " + long(1001) + "}]\n",
			[]string{"workspace.yaml:5", "reason", "a text of at most 1000 characters, got 1001"}, "текст не длиннее 1000"},
		{"point value", base + "point_value: 1e400\n",
			[]string{"workspace.yaml:3", "point_value", "at most 1000000000000"}, "не больше 1000000000000"},
		{"rule target", base + "regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: won_amount, at_least: 1e400}\n",
			[]string{"workspace.yaml:6", "at_least", "a number of at most 1000000000000 with at most 4 decimals, got 1e400"}, "число не больше"},
		{"any value", base + "crm:\n  kind: amocrm\n  token_file: " + strings.Repeat("x", 3000) + "\n  base_url: https://acme.amocrm.ru\n",
			[]string{"workspace.yaml:5", "token_file", "a value of at most 2048 characters, got 3000"}, "значение не длиннее 2048"},
		{"file size", base + "name: " + strings.Repeat("x", MaxFileBytes) + "\n",
			[]string{"workspace.yaml:1", "more than the 2097152 a workspace file may have"}, "не больше 2097152"},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(tc.yaml))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tc.name, err.Error(), w)
			}
		}
		if ru := i18n.ErrorText(err, i18n.RU); !strings.Contains(ru, tc.ru) {
			t.Errorf("%s: Russian %q does not say %q", tc.name, ru, tc.ru)
		}
		if n := strings.Count(err.Error(), tc.want[0]+":"); n != 1 {
			t.Errorf("%s: %d problems at %s, want one:\n%s", tc.name, n, tc.want[0], err)
		}
	}
	// At the bounds, accepted.
	ok := base + "name: " + long(200) + "\nmanagers:\n  - id: anna\n    name: " + long(200) +
		"\n    absences: [{from: 2026-11-02, to: 2026-11-03, reason: " + long(1000) + "}]\n" +
		"regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: won_amount, at_least: 1000000000000}\n"
	if _, err := ParseWorkspace("workspace.yaml", []byte(ok)); err != nil {
		t.Errorf("values at the bounds refused: %v", err)
	}
	// The regulation alone (the regulation page and the API) too.
	if _, err := ParseRegulation("regulation", []byte("regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 1e400}\n")); err == nil ||
		!strings.Contains(err.Error(), "regulation:4") {
		t.Errorf("regulation with a huge target: %v", err)
	}
}
