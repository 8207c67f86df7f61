package store_test

import (
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// A deal keeps bounds below its latest touch (migration 0019): its latest
// activity and its two latest completed tasks that nothing took back. When the CRM sends
// that activity or task again on another deal, on none, or deleted before
// the cutoff, the deal it left is idle at the cutoff, and the day sheet,
// which puts deals in idle levels by those bounds, must say so, as
// explanations (LoadDay) do.
func TestIdleAfterItsTouchLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.Regulation[0].Indicators = []domain.IndicatorDef{{ID: "idle_week", Base: domain.DealsIdle, IdleDays: 7}}
		mustApply(t, s, ws)
		day := date("2026-11-18")
		win := ws.Window(day)
		long := win.To.Add(-30 * 24 * time.Hour)
		recent := win.To.Add(-24 * time.Hour)
		deal := func(id string) domain.Deal {
			return domain.Deal{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: id}, Title: id, Responsible: "u3",
				Status: domain.DealOpen, CreatedAt: long}
		}
		call := domain.Activity{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: "call"}, Kind: domain.ActivityCall,
			Responsible: "u3", HappenedAt: recent, EnteredAt: recent, Outcome: domain.OutcomeHeld, DealID: "called"}
		task := domain.Task{RecordMeta: domain.RecordMeta{Source: "crm", ExternalID: "task"}, Responsible: "u3",
			DealID: "tasked", CreatedAt: long, CompletedAt: recent}
		// A task of the same deal completed after the cutoff, as a day
		// finalized in the evening sees: it touches nothing at the cutoff.
		late := task
		late.ExternalID, late.CompletedAt = "late", win.To.Add(time.Hour)
		mustUpsert(t, s, &domain.RecordBatch{
			Deals:      []domain.Deal{deal("called"), deal("tasked"), deal("other"), deal("idle")},
			Activities: []domain.Activity{call}, Tasks: []domain.Task{task, late},
		}, time.Time{})
		idle := func(when string, want int64) {
			t.Helper()
			full := mustLoadDay(t, s, ws.ID, win)
			wantValues, _ := domain.ComputeValues(ws, win, full)
			if got := wantValues["boris"].Count("idle_week"); got != want {
				t.Fatalf("%s: explanations count %d idle deals; want %d", when, got, want)
			}
			lean, err := s.LoadDaySheet(ctx, ws, win, store.DayRead{Conns: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(lean.DealGroups) == 0 {
				t.Fatalf("%s: the sheet read no deal groups", when)
			}
			gotValues, _ := domain.ComputeValues(ws, win, lean)
			if got := gotValues["boris"].Count("idle_week"); got != want {
				t.Errorf("%s: the day sheet counts %d idle deals; want %d", when, got, want)
			}
		}
		idle("touched by a call and a task", 2)

		call.DealID, task.DealID = "other", ""
		mustUpsert(t, s, &domain.RecordBatch{Activities: []domain.Activity{call}, Tasks: []domain.Task{task}}, time.Time{})
		idle("the call on another deal, the task on none", 3)

		call.DealID, task.DealID = "called", "tasked"
		mustUpsert(t, s, &domain.RecordBatch{Activities: []domain.Activity{call}, Tasks: []domain.Task{task}}, time.Time{})
		idle("both back", 2)

		call.DeletedAt, task.DeletedAt = recent.Add(time.Hour), win.To
		mustUpsert(t, s, &domain.RecordBatch{Activities: []domain.Activity{call}, Tasks: []domain.Task{task}}, time.Time{})
		idle("both deleted by the cutoff", 4)

		call.DeletedAt, task.DeletedAt = win.To.Add(time.Microsecond), win.To.Add(time.Hour)
		mustUpsert(t, s, &domain.RecordBatch{Activities: []domain.Activity{call}, Tasks: []domain.Task{task}}, time.Time{})
		idle("both deleted after the cutoff", 2)
	})
}
