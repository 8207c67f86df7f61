package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSuggestGolden runs reglament suggest over the acme days the golden
// test of the other commands finalizes (16–19 November 2026).
func TestSuggestGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "acme.db")
	msk, _ := time.LoadLocation("Europe/Moscow")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, msk)
	for _, args := range [][]string{
		{"apply", "-f", fixtures + "workspace.yaml", "--by", "head"},
		{"import", "--workspace", "acme", "--type", "companies", fixtures + "companies.csv"},
		{"import", "--workspace", "acme", "--type", "deals", fixtures + "deals.csv"},
		{"import", "--workspace", "acme", "--type", "tasks", fixtures + "tasks.csv"},
		{"import", "--workspace", "acme", "--type", "activities", fixtures + "activities.csv"},
		{"snapshot", "--workspace", "acme", "--all-due"},
	} {
		if code, stdout, stderr := run(t, db, now, args...); code != 0 {
			t.Fatalf("reglament %s exited %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	steps := []struct {
		name string
		args []string
		code int
	}{
		{"suggest-ru.txt", []string{"suggest", "--workspace", "acme"}, 0},
		{"suggest-en.txt", []string{"suggest", "--workspace", "acme", "--lang", "en"}, 0},
		{"suggest.json", []string{"suggest", "--workspace", "acme", "--period", "2026-W47", "--format", "json"}, 0},
		{"suggest-span.txt", []string{"suggest", "--workspace", "acme", "--period", "2026-11-16..2026-11-17"}, 0},
		{"suggest-bad-period.txt", []string{"suggest", "--workspace", "acme", "--period", "2026-11-17..2026-11-16"}, 2},
		{"suggest-bad-format.txt", []string{"suggest", "--workspace", "acme", "--format", "csv"}, 2},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, db, now, s.args...)
		if code != s.code {
			t.Errorf("%s: reglament %s exited %d, want %d\nstdout: %s\nstderr: %s", s.name, strings.Join(s.args, " "), code, s.code, stdout, stderr)
		}
		out := stdout
		if stderr != "" {
			out += "--- stderr\n" + stderr
		}
		golden(t, s.name, out)
	}
}

// TestSuggestJSONShape holds the JSON to the shape issue 15 gives: a period
// and, per rule, exactly indicator, op, current, target, pass_rate and
// current_pass_rate.
func TestSuggestJSONShape(t *testing.T) {
	db := filepath.Join(t.TempDir(), "acme.db")
	msk, _ := time.LoadLocation("Europe/Moscow")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, msk)
	if code, _, stderr := run(t, db, now, "apply", "-f", fixtures+"workspace.yaml"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := run(t, db, now, "suggest", "--workspace", "acme", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Period      string                       `json:"period"`
		Suggestions []map[string]json.RawMessage `json:"suggestions"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if got.Period == "" || len(got.Suggestions) != 4 {
		t.Fatalf("period %q, %d suggestions; want a period and the 4 rules of the version in force", got.Period, len(got.Suggestions))
	}
	for _, s := range got.Suggestions {
		var keys []string
		for k := range s {
			keys = append(keys, k)
		}
		if len(s) != 6 {
			t.Errorf("suggestion keys %q; want indicator, op, current, target, pass_rate, current_pass_rate", keys)
		}
		for _, k := range []string{"indicator", "op", "current", "target", "pass_rate", "current_pass_rate"} {
			if _, ok := s[k]; !ok {
				t.Errorf("suggestion %s lacks %q", s["indicator"], k)
			}
		}
		// No final sheet yet: nothing to learn from, no rate.
		if string(s["pass_rate"]) != "null" {
			t.Errorf("%s: pass_rate %s with no final sheet; want null", s["indicator"], s["pass_rate"])
		}
	}
}
