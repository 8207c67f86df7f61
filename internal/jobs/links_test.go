package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestReminderLinksToTheCRM: with the workspace connected to amoCRM, a
// deal of anna's from amoCRM without a task is listed in her 17:00
// reminder with a link to its page; records from the CSV import are
// listed without one.
func TestReminderLinksToTheCRM(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: at("2026-11-16 17:00")}
		eng := setup(t, s, c)
		withContacts(t, eng, func(ws *domain.Workspace) {
			ws.CRM = &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.amocrm.ru",
				TokenFile: "/nonexistent/amocrm.token", SyncEvery: time.Hour}
		})
		deal := domain.Deal{RecordMeta: domain.RecordMeta{Source: domain.CRMAmoCRM, ExternalID: "4711"},
			Title: "Поставка стеллажей", Responsible: "101", Status: domain.DealOpen, CreatedAt: at("2026-11-16 10:00")}
		if _, err := s.UpsertRecords(ctx, "acme", &domain.RecordBatch{Deals: []domain.Deal{deal}}, c.Now(), "test", c.Now()); err != nil {
			t.Fatal(err)
		}
		n := &texts{}
		r := start(t, s, eng, n)
		plan(t, r)
		drain(t, r)
		var annas string
		for _, m := range n.list() {
			if strings.Contains(m.Text, "Анна Петрова") {
				annas = m.HTML
			}
		}
		if !strings.Contains(annas, `<a href="https://acme.amocrm.ru/leads/detail/4711">Поставка стеллажей</a>`) {
			t.Errorf("anna's reminder does not link the amoCRM deal:\n%s", annas)
		}
		if n := strings.Count(annas, "<a href="); n != 1 {
			t.Errorf("anna's reminder has %d links, want only the amoCRM deal's (CSV records get none):\n%s", n, annas)
		}
	})
}
