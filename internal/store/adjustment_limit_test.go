package store_test

import (
	"strings"
	"testing"

	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// A manager's adjustments of a day add up to at most ±limit; the refusal
// is invalid input said in Russian too (issue 13, item 3).
func TestAdjustmentsOfADayStayWithinTheLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		adjust := func(manager, day string, points int) error {
			return s.CreateAdjustmentWithin(ctx, &domain.Adjustment{Workspace: "acme", Manager: manager, Date: date(day),
				Points: points, Reason: "r", Author: "head", CreatedAt: now}, 20)
		}
		for _, tt := range []struct {
			manager, day string
			points       int
			ok           bool
		}{
			{"anna", "2026-11-16", 15, true},
			{"anna", "2026-11-16", 6, false},   // 21
			{"anna", "2026-11-16", -35, true},  // -20
			{"anna", "2026-11-16", -1, false},  // -21
			{"anna", "2026-11-17", 20, true},   // another day
			{"boris", "2026-11-16", -20, true}, // another manager
		} {
			err := adjust(tt.manager, tt.day, tt.points)
			if tt.ok && err != nil {
				t.Errorf("%s %s %+d: %v; want it stored", tt.manager, tt.day, tt.points, err)
			}
			if !tt.ok {
				wantCode(t, err, domain.EINVALID)
				if ru := i18n.ErrorText(err, i18n.RU); !strings.Contains(ru, "±20") {
					t.Errorf("%s %s %+d in Russian: %q", tt.manager, tt.day, tt.points, ru)
				}
			}
		}
		adjs, err := s.FindAdjustments(ctx, "acme", date("2026-11-16"), date("2026-11-17"))
		if err != nil || len(adjs) != 4 {
			t.Errorf("stored %d adjustments (%v); want 4", len(adjs), err)
		}
	})
}
