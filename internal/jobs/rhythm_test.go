package jobs_test

import (
	"context"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestPlannerFollowsTheWorkspaceRhythm applies a workspace whose YAML sets
// its own rhythm and checks that the planner, reading it back from the
// store, plans by it rather than by the default one.
func TestPlannerFollowsTheWorkspaceRhythm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: at("2026-11-16 16:59")}
		rec := &recorder{}
		eng := setup(t, s, c)
		ws, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		ws.Notifications.Reminders = []time.Duration{30 * time.Minute}
		ws.Notifications.StatementsAt = &domain.Clock{Hour: 10, Minute: 30}
		if _, err := eng.Apply(ctx, ws, "test"); err != nil {
			t.Fatal(err)
		}
		r := start(t, s, eng, rec)

		for _, step := range []struct {
			now  string
			want int
		}{
			{"2026-11-16 17:00", 0}, // the default 60-minute reminder is not the workspace's
			{"2026-11-16 17:30", 1}, // its 30-minute one
			{"2026-11-16 17:45", 0}, // the default 15-minute one neither
			{"2026-11-16 18:10", 1}, // finalization as always
			{"2026-11-23 09:00", 0}, // Monday: not the default 09:00
			{"2026-11-23 10:30", 1}, // but 10:30: last week's statement
		} {
			c.Set(at(step.now))
			if n := plan(t, r); n != step.want {
				t.Errorf("%s: planned %d jobs, want %d", step.now, n, step.want)
			}
		}
	})
}
