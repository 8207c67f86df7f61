package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestWebhookSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		_, err := s.FindWebhookSecret(ctx, "acme")
		wantCode(t, err, domain.ENOTFOUND)
		wantCode(t, s.PutWebhookSecret(ctx, "nope", "h1", "head", now), domain.ENOTFOUND)
		wantCode(t, s.PutWebhookSecret(ctx, "acme", "", "head", now), domain.EINVALID)

		if err := s.PutWebhookSecret(ctx, "acme", "h1", "head", now); err != nil {
			t.Fatal(err)
		}
		later := now.Add(time.Hour)
		if err := s.PutWebhookSecret(ctx, "acme", "h2", "head", later); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindWebhookSecret(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if want := (&store.WebhookSecret{Workspace: "acme", SecretHash: "h2", CreatedAt: later}); !cmp.Equal(want, got) {
			t.Errorf("after rotation FindWebhookSecret = %+v, want %+v", got, want)
		}
		if got := auditActions(t, s, "acme"); !slices.Contains(got, "webhook.secret") {
			t.Errorf("audit actions %q lack webhook.secret", got)
		}
	})
}

func TestPendingChangesAndRefetch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		other := newWorkspace()
		other.ID = "other"
		mustApply(t, s, other)

		// Deals d1 and d2 are stored by a sync; the webhooks then say d1
		// changed and d2 was deleted, and report a deal d3 never synced.
		meta := func(id string) domain.RecordMeta {
			return domain.RecordMeta{Source: "amocrm", ExternalID: id, UpdatedAt: t1}
		}
		mustSync(t, s, store.SyncBatch{Source: "amocrm", Kind: domain.KindDeal, Cursor: t2, Records: &domain.RecordBatch{Deals: []domain.Deal{
			{RecordMeta: meta("d1"), Title: "one", Responsible: "u1", Amount: dec("10"), Status: domain.DealOpen, CreatedAt: t1},
			{RecordMeta: meta("d2"), Title: "two", Responsible: "u1", Amount: dec("20"), Status: domain.DealOpen, CreatedAt: t1},
		}}})
		received := now.Add(time.Minute)
		deletedAt := now.Add(30 * time.Second)
		changes := []store.PendingChange{
			{Workspace: "acme", Kind: domain.KindDeal, ExternalID: "d1", ReceivedAt: received},
			{Workspace: "other", Kind: domain.KindDeal, ExternalID: "x1", ReceivedAt: received},
			{Workspace: "acme", Kind: domain.KindDeal, ExternalID: "d2", Deleted: true, At: deletedAt, ReceivedAt: received},
			{Workspace: "acme", Kind: domain.KindDeal, ExternalID: "d3", ReceivedAt: received},
		}
		if err := s.AppendPendingChanges(ctx, changes); err != nil {
			t.Fatal(err)
		}
		// A batch with one bad change stores none of it.
		bad := []store.PendingChange{
			{Workspace: "acme", Kind: domain.KindDeal, ExternalID: "d9", ReceivedAt: received},
			{Workspace: "nope", Kind: domain.KindDeal, ExternalID: "d9", ReceivedAt: received},
		}
		if err := s.AppendPendingChanges(ctx, bad); err == nil {
			t.Error("a batch naming an unknown workspace was stored")
		}
		wantCode(t, s.AppendPendingChanges(ctx, []store.PendingChange{{Workspace: "acme", Kind: "lead", ExternalID: "1", ReceivedAt: received}}), domain.EINVALID)

		pending, err := s.PendingChanges(ctx, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		type change struct {
			ID      string
			Deleted bool
			At      time.Time
		}
		var got []change
		for _, c := range pending {
			got = append(got, change{c.ExternalID, c.Deleted, c.At})
			if !c.ReceivedAt.Equal(received) || c.Kind != domain.KindDeal || c.Workspace != "acme" {
				t.Errorf("pending change %+v: want a deal of acme received at %s", c, received)
			}
		}
		want := []change{{"d1", false, time.Time{}}, {"d2", true, deletedAt}, {"d3", false, time.Time{}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pending changes of acme (-want +got):\n%s", diff)
		}
		if first, _ := s.PendingChanges(ctx, "acme", 2); len(first) != 2 || first[0].ID != pending[0].ID {
			t.Errorf("PendingChanges(limit 2) = %+v, want the 2 oldest", first)
		}

		ids := make([]int64, len(pending))
		for i, c := range pending {
			ids[i] = c.ID
		}
		refetched := &domain.RecordBatch{Deals: []domain.Deal{
			{RecordMeta: domain.RecordMeta{Source: "amocrm", ExternalID: "d1", UpdatedAt: t2}, Title: "one", Responsible: "u1",
				Amount: dec("15"), Status: domain.DealWon, CreatedAt: t1, ClosedAt: t2},
		}}
		r := store.Refetch{Source: "amocrm", Records: refetched, Processed: ids, Deletions: []store.Deletion{
			{Kind: domain.KindDeal, ExternalID: "d2", At: deletedAt},
			{Kind: domain.KindDeal, ExternalID: "d3", At: received}, // never stored: nothing to mark
		}}

		// A re-fetch that fails to store (here: an invalid record) leaves
		// everything as it was, the pending changes included.
		broken := r
		broken.Records = &domain.RecordBatch{Deals: []domain.Deal{{RecordMeta: domain.RecordMeta{Source: "amocrm", ExternalID: "d1"}}}}
		if _, err := s.StoreRefetch(ctx, "acme", broken, "webhook", now); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("StoreRefetch of an invalid record: %v, want EINVALID", err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM deals WHERE deleted_at IS NOT NULL`); n != 0 {
			t.Errorf("%d deals marked deleted by a failed re-fetch, want 0", n)
		}
		if n, _ := s.CountPendingChanges(ctx, "acme"); n != 3 {
			t.Errorf("%d pending changes after a failed re-fetch, want 3", n)
		}

		res, err := s.StoreRefetch(ctx, "acme", r, "webhook", now)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.RefetchResult{Written: 1, Deleted: 1}); res != want {
			t.Errorf("StoreRefetch = %+v, want %+v", res, want)
		}
		type deal struct {
			ID, Status, Amount string
			Deleted            int64
		}
		rows, err := s.DB().QueryContext(ctx, `SELECT external_id, status, amount, COALESCE(deleted_at, 0) FROM deals WHERE workspace = 'acme' ORDER BY external_id`)
		if err != nil {
			t.Fatal(err)
		}
		var deals []deal
		for rows.Next() {
			var d deal
			if err := rows.Scan(&d.ID, &d.Status, &d.Amount, &d.Deleted); err != nil {
				t.Fatal(err)
			}
			deals = append(deals, d)
		}
		rows.Close()
		wantDeals := []deal{{"d1", "won", "15", 0}, {"d2", "open", "20", deletedAt.UnixMicro()}}
		if diff := cmp.Diff(wantDeals, deals); diff != "" {
			t.Errorf("deals after the re-fetch (-want +got):\n%s", diff)
		}
		if n, _ := s.CountPendingChanges(ctx, "acme"); n != 0 {
			t.Errorf("%d pending changes of acme after the re-fetch, want 0", n)
		}
		if n, _ := s.CountPendingChanges(ctx, "other"); n != 1 {
			t.Errorf("%d pending changes of other after acme's re-fetch, want 1", n)
		}
		// The re-fetch moved no cursor and no watermark.
		if got := mustCursors(t, s)[domain.KindDeal]; !got.Equal(t2) {
			t.Errorf("deal cursor = %s after a re-fetch, want %s", got, t2)
		}
		if w, _ := s.Watermark(ctx, "acme"); !w.IsZero() {
			t.Errorf("watermark = %s after a re-fetch, want none", w)
		}
		// A deletion already recorded keeps its first time.
		r2 := store.Refetch{Source: "amocrm", Deletions: []store.Deletion{{Kind: domain.KindDeal, ExternalID: "d2", At: received}}}
		if res, err := s.StoreRefetch(ctx, "acme", r2, "webhook", now); err != nil || res.Deleted != 0 {
			t.Errorf("second deletion of d2 = %+v, %v; want nothing marked", res, err)
		}
		if got := auditActions(t, s, "acme"); !slices.Contains(got, "webhook") {
			t.Errorf("audit actions %q lack webhook", got)
		}
	})
}
