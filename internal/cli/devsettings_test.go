package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestDevSettingsRefusedUnlessEnabled(t *testing.T) {
	clock := filepath.Join(t.TempDir(), "clock")
	os.WriteFile(clock, []byte("2026-11-16T16:59:00+03:00\n"), 0o600)
	for _, name := range []string{envClockFile, envPlanEvery, envPollInterval, envJobTimeout, envRescueAfter, envSyncTimeout} {
		value := "1s"
		if name == envClockFile {
			value = clock
		}
		m := &Main{Getenv: envOf(map[string]string{name: value})}
		_, err := m.devSettings()
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), envDevSettings+"=1") {
			t.Errorf("%s without %s: err = %v, want a refusal naming both", name, envDevSettings, err)
		}
	}

	// serve itself refuses to start, before listening or opening jobs.
	var stdout, stderr bytes.Buffer
	m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: envOf(map[string]string{envClockFile: clock, "LANG": "C"})}
	code := m.Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "r.db")})
	if code != exitInvalid || !strings.Contains(stderr.String(), envClockFile) {
		t.Errorf("serve with a clock file but no %s: exit %d, stderr %q; want exit %d naming %s", envDevSettings, code, stderr.String(), exitInvalid, envClockFile)
	}
}

func TestDevSettingsRead(t *testing.T) {
	dir := t.TempDir()
	clock := filepath.Join(dir, "clock")
	os.WriteFile(clock, []byte("2026-11-16T16:59:00+03:00\n"), 0o600)
	m := &Main{Getenv: envOf(map[string]string{envDevSettings: "1", envClockFile: clock, envPlanEvery: "2s", envRescueAfter: "8s"})}
	d, err := m.devSettings()
	if err != nil {
		t.Fatal(err)
	}
	if d.planEvery != 2*time.Second || d.rescueAfter != 8*time.Second || d.jobTimeout != 0 {
		t.Errorf("durations: plan every %s, rescue after %s, job timeout %s; want 2s, 8s, 0 (River's default)", d.planEvery, d.rescueAfter, d.jobTimeout)
	}
	want := time.Date(2026, 11, 16, 13, 59, 0, 0, time.UTC)
	if got := d.clock.Now(); !got.Equal(want) {
		t.Errorf("clock = %s, want %s", got, want)
	}
	// Rewriting the file moves the clock; an unreadable file keeps the last time.
	os.WriteFile(clock, []byte("2026-11-16T18:10:00+03:00"), 0o600)
	want = want.Add(71 * time.Minute)
	if got := d.clock.Now(); !got.Equal(want) {
		t.Errorf("clock after rewrite = %s, want %s", got, want)
	}
	os.Remove(clock)
	if got := d.clock.Now(); !got.Equal(want) {
		t.Errorf("clock with the file gone = %s, want the last one %s", got, want)
	}

	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{envClockFile: filepath.Join(dir, "missing")}, "cannot read"},
		{map[string]string{envClockFile: writeDevFile(t, dir, "bad", "16:59")}, "does not hold an RFC 3339 time"},
		{map[string]string{envPlanEvery: "soon"}, envPlanEvery + ": want a positive duration"},
		{map[string]string{envJobTimeout: "-1s"}, envJobTimeout + ": want a positive duration"},
	} {
		tc.vars[envDevSettings] = "1"
		_, err := (&Main{Getenv: envOf(tc.vars)}).devSettings()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.vars, err, tc.want)
		}
	}
}

func writeDevFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
