package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Pay settings are versioned by effective date: once November's statement
// is issued (the month has ended and has final sheets), the point value of
// November can no longer change; a version from 1 December is stored,
// read back and audited (issue 13, item 1).
func TestPayVersionsNeverChangeAnIssuedStatement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		mustApply(t, s, ws)
		mustCreateSheet(t, s, newSheet("2026-11-16"))
		dec6 := time.Date(2026, 12, 6, 12, 0, 0, 0, moscow)

		// The old way: point value 200.50 → 250 for all time.
		changed := newWorkspace()
		changed.PointValue = dec("250")
		_, err := s.ApplyWorkspace(ctx, changed, "head", dec6)
		var inUse *store.PayInUseError
		if !errors.As(err, &inUse) || inUse.FirstOpen != date("2026-12-01") || !inUse.Effective.IsZero() {
			t.Fatalf("changing the point value from the start: %v; want PayInUseError opening 2026-12-01", err)
		}
		wantCode(t, err, domain.ECONFLICT)
		if ru := i18n.ErrorText(err, i18n.RU); !strings.Contains(ru, "2026-12-01") || !strings.Contains(ru, "ведомости") {
			t.Errorf("the refusal in Russian: %q", ru)
		}

		// A version inside November (issued) is refused too.
		first := newWorkspace().PayHistory()[0]
		late := first
		late.Effective, late.PointValue = date("2026-11-30"), dec("250")
		changed = newWorkspace()
		changed.SetPayHistory([]domain.PayVersion{first, late})
		_, err = s.ApplyWorkspace(ctx, changed, "head", dec6)
		if !errors.As(err, &inUse) || inUse.Effective != date("2026-11-30") {
			t.Fatalf("a version from 2026-11-30 on 6 December: %v; want PayInUseError", err)
		}

		// From 1 December it is stored, and November keeps 200.50.
		late.Effective = date("2026-12-01")
		changed.SetPayHistory([]domain.PayVersion{first, late})
		res, err := s.ApplyWorkspace(ctx, changed, "head", dec6)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"pay settings from 2026-12-01 added: point value 250 RUB, pay mode points, bonus cap 5000"}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(changed.PayHistory(), got.PayHistory(), cmpOpts); diff != "" {
			t.Errorf("pay history read back (-want +got):\n%s", diff)
		}
		if !got.PayAt(date("2026-11-30")).PointValue.Equal(dec("200.50")) || !got.PointValue.Equal(dec("250")) {
			t.Errorf("November's point value %s, the newest %s; want 200.50 and 250", got.PayAt(date("2026-11-30")).PointValue, got.PointValue)
		}
		entries, err := s.FindAudit(ctx, "acme", 1)
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Detail, "pay settings from 2026-12-01 added") {
			t.Errorf("audit = %+v (%v); want the new version", entries, err)
		}
		// Applying it again changes nothing.
		if res := mustApplyAt(t, s, changed, dec6); len(res.Changes) != 0 {
			t.Errorf("the same versions again: %q", res.Changes)
		}
		// December's version may still change on 6 December, and go.
		late.PointValue = dec("240")
		changed.SetPayHistory([]domain.PayVersion{first, late})
		if res := mustApplyAt(t, s, changed, dec6); !cmp.Equal(res.Changes, []string{"pay settings from 2026-12-01 changed: point value"}) {
			t.Errorf("changing December's version: %q", res.Changes)
		}
		changed.SetPayHistory([]domain.PayVersion{first})
		if res := mustApplyAt(t, s, changed, dec6); !cmp.Equal(res.Changes, []string{"pay settings from 2026-12-01 removed"}) {
			t.Errorf("removing December's version: %q", res.Changes)
		}
	})
}

// A workspace whose days were never frozen has issued no statement: its
// pay settings change freely, reported as settings.
func TestPayChangesFreelyWithoutFinalSheets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		ws := newWorkspace()
		ws.PointValue = dec("300")
		if res := mustApplyAt(t, s, ws, now.AddDate(0, 1, 0)); !cmp.Equal(res.Changes, []string{"settings changed: point value"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		ws.AdjustmentLimit = 15
		if res := mustApplyAt(t, s, ws, now.AddDate(0, 1, 0)); !cmp.Equal(res.Changes, []string{"settings changed: adjustment limit"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		if got, err := s.FindWorkspace(ctx, "acme"); err != nil || got.AdjustmentLimit != 15 || got.AdjustmentLimitOrDefault() != 15 {
			t.Errorf("adjustment limit read back: %v (%v); want 15", got, err)
		}
	})
}

func mustApplyAt(t *testing.T, s *store.Store, ws *domain.Workspace, at time.Time) store.ApplyResult {
	t.Helper()
	res, err := s.ApplyWorkspace(ctx, ws, "head", at)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}
