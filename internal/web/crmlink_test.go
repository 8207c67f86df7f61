package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestCRMLinksOnPages connects acme to amoCRM, stores one amoCRM deal of
// anna's without a task, and expects Today's checklist and the why page to
// link it to amoCRM while the CSV records stay unlinked.
func TestCRMLinksOnPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		ctx := t.Context()
		ws, err := env.eng.Workspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		ws.CRM = &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.amocrm.ru", TokenFile: "amo.token", SyncEvery: domain.DefaultSyncEvery}
		if _, err := env.eng.Apply(ctx, ws, "test"); err != nil {
			t.Fatal(err)
		}
		now := env.clock.Now()
		created := now.Add(-2 * time.Hour)
		batch := &domain.RecordBatch{Deals: []domain.Deal{{
			RecordMeta: domain.RecordMeta{Source: domain.CRMAmoCRM, ExternalID: "4711", UpdatedAt: created},
			Title:      "Сделка из amoCRM", Responsible: "101", Amount: decimal.NewFromInt(1000), Status: domain.DealOpen, CreatedAt: created,
		}}}
		if _, err := s.UpsertRecords(ctx, "acme", batch, now, "test", now); err != nil {
			t.Fatal(err)
		}
		link := `<a href="https://acme.amocrm.ru/leads/detail/4711" class="crm" title="Открыть в CRM" rel="noopener noreferrer" target="_blank">`
		anna := env.login("anna@acme.example")
		resp, body := anna.get("/w/acme/today")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, link+"Сделка из amoCRM</a>") {
			t.Errorf("Today: status %d; the checklist lacks the amoCRM link %s\n%s", resp.StatusCode, link, body)
		}
		head := env.login("head@acme.example")
		resp, body = head.get("/w/acme/why/anna/2026-11-20/deals_without_tasks")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, link+"#4711</a>") {
			t.Errorf("why: status %d; lacks the amoCRM link\n%s", resp.StatusCode, body)
		}
		// CSV records of the fixture have no page in any CRM.
		if n := strings.Count(body, `class="crm"`); n != 1 {
			t.Errorf("why shows %d CRM links, want 1 (the CSV records get none)", n)
		}
		// The other workspace has no CRM connection: no links at all.
		other := env.login("head@other.example")
		if _, body := other.get("/w/other/why/anna/2026-11-16/calls_held"); strings.Contains(body, `class="crm"`) {
			t.Errorf("a workspace without a CRM shows CRM links")
		}
	})
}
