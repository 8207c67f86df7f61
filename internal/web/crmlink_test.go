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

func TestCRMLink(t *testing.T) {
	amo := &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.amocrm.ru"}
	b24 := &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "https://acme.bitrix24.ru/rest/1/s3cr3t/"}
	ev := func(source, kind, id string) domain.Evidence {
		return domain.Evidence{Source: source, Kind: kind, ExternalID: id, CRMUser: "17"}
	}
	for _, tt := range []struct {
		name string
		conn *domain.CRMConnection
		e    domain.Evidence
		want string
	}{
		{"amo lead", amo, ev("amocrm", "deal", "4711"), "https://acme.amocrm.ru/leads/detail/4711"},
		{"amo company", amo, ev("amocrm", "company", "12"), "https://acme.amocrm.ru/companies/detail/12"},
		{"amo task: no per-task page", amo, ev("amocrm", "task", "99"), "https://acme.amocrm.ru/todo/list/"},
		{"amo meeting from a task", amo, ev("amocrm", "activity", "task:99"), "https://acme.amocrm.ru/todo/list/"},
		{"amo call note", amo, ev("amocrm", "activity", "note:leads:5"), ""},
		{"amo base URL with a path", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https://acme.kommo.com/some/path?x=1"},
			ev("amocrm", "deal", "1"), "https://acme.kommo.com/leads/detail/1"},
		{"amo non-numeric id", amo, ev("amocrm", "deal", "1/../../x"), ""},
		{"bitrix24 deal, webhook secret dropped", b24, ev("bitrix24", "deal", "8"), "https://acme.bitrix24.ru/crm/deal/details/8/"},
		{"bitrix24 company", b24, ev("bitrix24", "company", "3"), "https://acme.bitrix24.ru/crm/company/details/3/"},
		{"bitrix24 task under its responsible user", b24, ev("bitrix24", "task", "250"), "https://acme.bitrix24.ru/company/personal/user/17/tasks/task/view/250/"},
		{"bitrix24 task without a user", b24, domain.Evidence{Source: "bitrix24", Kind: "task", ExternalID: "250"}, ""},
		{"bitrix24 activity", b24, ev("bitrix24", "activity", "77"), ""},
		{"csv record", amo, ev("csv", "deal", "4711"), ""},
		{"demo record", b24, ev("demo", "deal", "8"), ""},
		{"record of another CRM", amo, ev("bitrix24", "deal", "8"), ""},
		{"no connection", nil, ev("amocrm", "deal", "4711"), ""},
		{"javascript base URL", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "javascript:alert(1)"}, ev("amocrm", "deal", "1"), ""},
		{"ftp base URL", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "ftp://acme.amocrm.ru"}, ev("amocrm", "deal", "1"), ""},
		{"base URL without host", &domain.CRMConnection{Kind: domain.CRMAmoCRM, BaseURL: "https:///leads"}, ev("amocrm", "deal", "1"), ""},
		{"http base URL", &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "http://crm.local:8080/"}, ev("bitrix24", "deal", "1"), "http://crm.local:8080/crm/deal/details/1/"},
	} {
		if got := crmLink(tt.conn, tt.e); got != tt.want {
			t.Errorf("%s: crmLink = %q, want %q", tt.name, got, tt.want)
		}
	}
}

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
