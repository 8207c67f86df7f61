package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestApplyWorkspaceCRM(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := newWorkspace()
		ws.CRM = &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.amocrm.ru",
			TokenFile: "/etc/reglament/amocrm.token", SyncEvery: 5 * time.Minute}
		mustApply(t, s, ws)
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ws.CRM, got.CRM); diff != "" {
			t.Errorf("stored crm (-want +got):\n%s", diff)
		}
		if res := mustApply(t, s, ws); len(res.Changes) != 0 {
			t.Errorf("applying the same crm again changed %q, want nothing", res.Changes)
		}

		// A cursor survives a new interval, not a new account.
		mustSync(t, s, store.SyncBatch{Source: "amocrm", Kind: domain.KindDeal, Cursor: t2})
		ws.CRM.SyncEvery = 10 * time.Minute
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"crm connection changed: sync interval"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		if n := len(mustCursors(t, s)); n != 1 {
			t.Errorf("%d cursors after an interval change, want 1", n)
		}
		ws.CRM.BaseURL = "https://other.amocrm.ru"
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"crm connection changed: base url"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		if n := len(mustCursors(t, s)); n != 0 {
			t.Errorf("%d cursors after an account change, want 0", n)
		}
		ws.CRM = nil
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"crm connection removed"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		if got, _ := s.FindWorkspace(ctx, "acme"); got.CRM != nil {
			t.Errorf("crm after removal = %+v, want nil", got.CRM)
		}
	})
}

func mustSync(t *testing.T, s *store.Store, b store.SyncBatch) store.UpsertResult {
	t.Helper()
	res, err := s.StoreSyncBatch(ctx, "acme", b, "sync", now)
	if err != nil {
		t.Fatalf("StoreSyncBatch: %v", err)
	}
	return res
}

func mustCursors(t *testing.T, s *store.Store) map[string]time.Time {
	t.Helper()
	c, err := s.SyncCursors(ctx, "acme", "amocrm")
	if err != nil {
		t.Fatalf("SyncCursors: %v", err)
	}
	return c
}

func TestStoreSyncBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		meta := func(id string, updated time.Time) domain.RecordMeta {
			return domain.RecordMeta{Source: "amocrm", ExternalID: id, UpdatedAt: updated}
		}
		completed := t2
		first := &domain.RecordBatch{
			Tasks: []domain.Task{{RecordMeta: meta("k1", completed), Responsible: "u1", CreatedAt: t1, CompletedAt: completed}},
			Activities: []domain.Activity{{RecordMeta: meta("task:k1", completed), Kind: domain.ActivityMeeting, Responsible: "u1",
				HappenedAt: t1, EnteredAt: completed, Outcome: domain.OutcomeHeld}},
		}
		keep := store.SyncBatch{Source: "amocrm", Kind: domain.KindTask, Records: first, Cursor: t2,
			KeepTask: crm.KeepFirstCompletion, KeepActivity: crm.KeepFirstEntry}
		if res := mustSync(t, s, keep); res.Written != 2 {
			t.Errorf("first batch wrote %d, want 2", res.Written)
		}
		if got, want := mustCursors(t, s)[domain.KindTask], t2; !got.Equal(want) {
			t.Errorf("cursor = %s, want %s", got, want)
		}

		// A later edit of the completed task: amoCRM's connector reports
		// the edit time as the completion time; the first one is kept.
		edited := completed.Add(5 * time.Hour)
		second := &domain.RecordBatch{
			Tasks: []domain.Task{{RecordMeta: meta("k1", edited), Responsible: "u1", CreatedAt: t1, CompletedAt: edited}},
			Activities: []domain.Activity{{RecordMeta: meta("task:k1", edited), Kind: domain.ActivityMeeting, Responsible: "u1",
				HappenedAt: t1, EnteredAt: edited, Outcome: domain.OutcomeHeld}},
		}
		keep.Records, keep.Cursor = second, edited
		mustSync(t, s, keep)
		if n := countRows(t, s, `SELECT COUNT(*) FROM tasks WHERE completed_at = $1`, completed.UnixMicro()); n != 1 {
			t.Errorf("tasks still completed at the first time: %d, want 1", n)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM activities WHERE entered_at = $1`, completed.UnixMicro()); n != 1 {
			t.Errorf("meetings still entered at the first time: %d, want 1", n)
		}
		if second.Tasks[0].CompletedAt != edited {
			t.Error("StoreSyncBatch changed the caller's batch")
		}

		// A batch that fails to store leaves the cursor where it was.
		bad := &domain.RecordBatch{Deals: []domain.Deal{{RecordMeta: meta("d1", t2)}}} // no creation time
		_, err := s.StoreSyncBatch(ctx, "acme", store.SyncBatch{Source: "amocrm", Kind: domain.KindDeal, Records: bad, Cursor: t2}, "sync", now)
		wantCode(t, err, domain.EINVALID)
		if _, ok := mustCursors(t, s)[domain.KindDeal]; ok {
			t.Error("the deal cursor advanced although its batch was not stored")
		}
		if got := auditActions(t, s, "acme"); !slices.Contains(got, "sync") {
			t.Errorf("audit actions %q lack sync", got)
		}
	})
}
