package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const fixtures = "../engine/testdata/acme/"

// run runs one command line against db at the given moment and returns its
// exit code, stdout and stderr.
func run(t *testing.T, db string, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string {
			if k == "LANG" {
				return "ru_RU.UTF-8"
			}
			return ""
		},
		Now: func() time.Time { return now },
	}
	code := m.Run(context.Background(), append(args, "--db", db))
	return code, stdout.String(), stderr.String()
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func TestCommandsGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "acme.db")
	msk, _ := time.LoadLocation("Europe/Moscow")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, msk)

	steps := []struct {
		name string
		args []string
		code int
	}{
		{"apply.txt", []string{"apply", "-f", fixtures + "workspace.yaml", "--by", "head"}, 0},
		{"apply-again.txt", []string{"apply", "-f", fixtures + "workspace.yaml", "--by", "head"}, 0},
		{"import-companies.txt", []string{"import", "--workspace", "acme", "--type", "companies", fixtures + "companies.csv"}, 0},
		{"import-deals.txt", []string{"import", fixtures + "deals.csv", "--workspace", "acme", "--type", "deals"}, 0},
		{"import-tasks.txt", []string{"import", "--workspace", "acme", "--type", "tasks", fixtures + "tasks.csv"}, 0},
		{"import-activities.txt", []string{"import", "--workspace", "acme", "--type", "activities", fixtures + "activities.csv"}, 0},
		{"import-again.txt", []string{"import", "--workspace", "acme", "--type", "activities", fixtures + "activities.csv"}, 0},
		{"import-bad.txt", []string{"import", "--workspace", "acme", "--type", "deals", fixtures + "deals-bad.csv"}, 2},
		{"snapshot-too-early.txt", []string{"snapshot", "--workspace", "acme", "--date", "2026-11-20"}, 2},
		{"snapshot.txt", []string{"snapshot", "--workspace", "acme", "--date", "2026-11-16"}, 0},
		{"snapshot-again.txt", []string{"snapshot", "--workspace", "acme", "--date", "2026-11-16"}, 0},
		{"snapshot-all-due.txt", []string{"snapshot", "--workspace", "acme", "--all-due"}, 0},
		{"adjust.txt", []string{"adjust", "--workspace", "acme", "--manager", "boris", "--date", "2026-11-17", "--points", "5", "--reason", "звонки с личного телефона", "--by", "head"}, 0},
		{"adjust-no-reason.txt", []string{"adjust", "--workspace", "acme", "--manager", "boris", "--date", "2026-11-17", "--points", "5", "--by", "head"}, 2},
		{"table-ru.txt", []string{"table", "--workspace", "acme", "--date", "2026-11-16"}, 0},
		{"table-en.txt", []string{"table", "--workspace", "acme", "--date", "2026-11-16", "--lang", "en"}, 0},
		{"table.json", []string{"table", "--workspace", "acme", "--date", "2026-11-16", "--format", "json"}, 0},
		{"table.csv", []string{"table", "--workspace", "acme", "--date", "2026-11-17", "--format", "csv"}, 0},
		{"table-today.txt", []string{"table", "--workspace", "acme"}, 0},
		{"statement-ru.txt", []string{"statement", "--workspace", "acme", "--period", "2026-W47"}, 0},
		{"statement-en.txt", []string{"statement", "--workspace", "acme", "--period", "2026-W47", "--lang", "en"}, 0},
		{"statement.json", []string{"statement", "--workspace", "acme", "--period", "2026-11", "--format", "json"}, 0},
		{"statement.csv", []string{"statement", "--workspace", "acme", "--period", "2026-W47", "--format", "csv"}, 0},
		{"backtest.txt", []string{"backtest", "--workspace", "acme", "-f", fixtures + "regulation-strict.yaml", "--period", "2026-W47"}, 0},
		{"why-ru.txt", []string{"why", "--workspace", "acme", "--manager", "anna", "--date", "2026-11-16", "--indicator", "calls_held"}, 0},
		{"why-en.txt", []string{"why", "--workspace", "acme", "--manager", "boris", "--date", "2026-11-16", "--indicator", "deals_without_tasks", "--lang", "en"}, 0},
		{"why.json", []string{"why", "--workspace", "acme", "--manager", "anna", "--date", "2026-11-16", "--indicator", "calls_held", "--format", "json"}, 0},
		{"why-unknown-indicator.txt", []string{"why", "--workspace", "acme", "--manager", "anna", "--date", "2026-11-16", "--indicator", "calls"}, 2},
		{"recompute.txt", []string{"recompute", "--workspace", "acme", "--date", "2026-11-16", "--by", "head", "--reason", "проверка"}, 0},
		{"recompute-week.txt", []string{"recompute", "--workspace", "acme", "--period", "2026-W47", "--by", "head", "--reason", "проверка"}, 0},
		{"recompute-date-and-period.txt", []string{"recompute", "--workspace", "acme", "--date", "2026-11-16", "--period", "2026-W47", "--by", "head", "--reason", "x"}, 2},
		{"unknown-workspace.txt", []string{"table", "--workspace", "nope"}, 2},
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
		golden(t, s.name, strings.ReplaceAll(out, fixtures, ""))
	}
}

func TestApplyRejectsBadYAMLWithLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("workspace: acme\ntimezone: Europe/Moskow\nmanagers:\n  - id: anna\n  - id: anna\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, filepath.Join(dir, "x.db"), time.Now(), "apply", "-f", bad)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stdout %q", code, stdout)
	}
	for _, want := range []string{"bad.yaml:2", "timezone", "bad.yaml:5", "anna"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not name %q", stderr, want)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, stderr := run(t, filepath.Join(t.TempDir(), "x.db"), time.Now(), "frobnicate")
	if code != 2 || !strings.Contains(stderr, "frobnicate") {
		t.Errorf("got exit %d, stderr %q; want 2 and the command named", code, stderr)
	}
}

func TestDemoCreatesThenReuses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	now := time.Date(2026, 11, 18, 11, 37, 0, 0, time.UTC)
	code, stdout, stderr := run(t, db, now, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	for _, want := range []string{"Контрольная таблица за 2026-11-18", "черновик", "Ведомость за 2026-11", "Демо-компания готова"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	// A second run, later the same day, reuses the database: no past day is
	// finalized again, and the numbers of final days do not move.
	code, stdout2, stderr := run(t, db, now.Add(2*time.Hour), "demo")
	if code != 0 {
		t.Fatalf("second demo exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout2, "зафиксировано дней: 0") {
		t.Errorf("second demo finalized days again:\n%s", stdout2)
	}
	_, before, _ := run(t, db, now, "table", "--workspace", "demo", "--date", "2026-11-17", "--format", "csv")
	_, after, _ := run(t, db, now.Add(4*time.Hour), "table", "--workspace", "demo", "--date", "2026-11-17", "--format", "csv")
	if before != after || !strings.Contains(before, ",final,") {
		t.Errorf("final day changed between runs:\n%s\n%s", before, after)
	}
}
