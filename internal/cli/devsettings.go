package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"reglament/internal/domain"
)

// Developer settings let end-to-end tests drive real `serve` processes: a
// clock read from a file and a faster job rhythm. They are not for users
// and are refused unless REGLAMENT_DEV_SETTINGS=1 says that whoever starts
// the process means it, so that a stray variable cannot move a production
// server's deadlines. docs/operations.md describes them.
const (
	envDevSettings  = "REGLAMENT_DEV_SETTINGS"
	envClockFile    = "REGLAMENT_CLOCK_FILE"    // a file holding an RFC 3339 time: the process's "now"
	envPlanEvery    = "REGLAMENT_PLAN_EVERY"    // the planner's interval (default 1m)
	envPollInterval = "REGLAMENT_POLL_INTERVAL" // how often idle workers look for jobs (default 1s)
	envJobTimeout   = "REGLAMENT_JOB_TIMEOUT"   // River's job timeout (default 1m)
	envRescueAfter  = "REGLAMENT_RESCUE_AFTER"  // a job running this long is retried elsewhere (default 1h)
	envSyncTimeout  = "REGLAMENT_SYNC_TIMEOUT"  // a CRM sync's limit (default 2m)
)

// devSettings are the developer settings in force; the zero value is
// production.
type devSettings struct {
	clock                   *fileClock
	planEvery, pollInterval time.Duration
	jobTimeout, rescueAfter time.Duration
	syncTimeout             time.Duration
}

// devSettings reads the developer settings from the environment. Any of
// them without REGLAMENT_DEV_SETTINGS=1 is refused with a message naming
// the variable.
func (m *Main) devSettings() (devSettings, error) {
	var d devSettings
	enabled := m.Getenv(envDevSettings) == "1"
	durations := []struct {
		name string
		to   *time.Duration
	}{
		{envPlanEvery, &d.planEvery}, {envPollInterval, &d.pollInterval}, {envJobTimeout, &d.jobTimeout},
		{envRescueAfter, &d.rescueAfter}, {envSyncTimeout, &d.syncTimeout},
	}
	for _, name := range []string{envClockFile, envPlanEvery, envPollInterval, envJobTimeout, envRescueAfter, envSyncTimeout} {
		if m.Getenv(name) != "" && !enabled {
			return d, domain.Errorf(domain.EINVALID, "%s is a developer setting for tests; refused unless %s=1", name, envDevSettings)
		}
	}
	for _, v := range durations {
		s := m.Getenv(v.name)
		if s == "" {
			continue
		}
		dur, err := time.ParseDuration(s)
		if err != nil || dur <= 0 {
			return d, domain.Errorf(domain.EINVALID, "%s: want a positive duration such as 2s or 1m, got %q", v.name, s)
		}
		*v.to = dur
	}
	if path := m.Getenv(envClockFile); path != "" {
		c := &fileClock{path: path, warn: m.Stderr}
		if err := c.read(); err != nil {
			return d, err
		}
		d.clock = c
	}
	return d, nil
}

// fileClock is a clock whose time is written in a file: every Now reads
// the file again, so a test moves the process's clock by rewriting it
// (atomically, by renaming a new file over it). The time stands still
// between writes.
type fileClock struct {
	path string
	warn io.Writer // where a failed read is reported, once

	mu   sync.Mutex
	last time.Time
	err  error // the last read's failure, reported once
}

func (c *fileClock) read() error {
	b, err := os.ReadFile(c.path)
	if err != nil {
		return domain.Errorf(domain.EINVALID, "%s: cannot read %s: %v", envClockFile, c.path, err)
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
	if err != nil {
		return domain.Errorf(domain.EINVALID, "%s: %s does not hold an RFC 3339 time such as 2026-11-16T16:59:00+03:00", envClockFile, c.path)
	}
	c.mu.Lock()
	c.last = t
	c.mu.Unlock()
	return nil
}

// Now returns the time in the file, or the last one read when the file
// cannot be read now.
func (c *fileClock) Now() time.Time {
	err := c.read()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil && c.err == nil && c.warn != nil {
		fmt.Fprintf(c.warn, "reglament: %v (keeping %s)\n", err, c.last.Format(time.RFC3339))
	}
	c.err = err
	return c.last
}
