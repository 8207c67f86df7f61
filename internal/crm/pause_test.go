package crm_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
)

func TestPause(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name             string
		remaining, reset string
		want             time.Duration
	}{
		{"window left", "3", "40", 0},
		{"no headers", "", "", 0},
		{"spent, reset in seconds", "0", "40", 40 * time.Second},
		{"spent, reset as a Unix time", "0", "1796634060", time.Minute}, // t0 + 60 s
		{"spent, no reset", "0", "", time.Second},
		{"spent, a reset too far", "0", "86400", 2 * time.Minute},
	} {
		clock := crmtest.NewClock(t0)
		p := &crm.Pause{Now: clock.Now, Sleep: clock.Sleep}
		h := http.Header{}
		if tc.remaining != "" {
			h.Set("X-RateLimit-Remaining", tc.remaining)
		}
		if tc.reset != "" {
			h.Set("X-RateLimit-Reset", tc.reset)
		}
		p.Note(h)
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := clock.Now().Sub(t0); got != tc.want {
			t.Errorf("%s: waited %s, want %s", tc.name, got, tc.want)
		}
		if err := p.Wait(context.Background()); err != nil || clock.Now().Sub(t0) != tc.want {
			t.Errorf("%s: a second wait waited again", tc.name)
		}
	}
}
