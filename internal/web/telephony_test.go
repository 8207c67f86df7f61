package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// applyTelephony gives anna extension 501, a regulation version from
// today (2026-11-20) with rules on calls_unlogged and unknown_numbers, and
// imports three conversations of hers the CRM never saw, one it did.
func applyTelephony(t *testing.T, env *testEnv) {
	t.Helper()
	ctx := context.Background()
	ws, err := env.eng.Workspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	updated := *ws
	updated.Managers = slices.Clone(ws.Managers)
	updated.Managers[0].PBXIDs = []string{"501"}
	updated.Regulation = append(slices.Clone(ws.Regulation), domain.RegulationVersion{Effective: domain.MustDate("2026-11-20"),
		Rules: []domain.Rule{
			{Indicator: domain.CallsUnlogged, Op: domain.AtMost, Target: decimal.Zero, Pass: 1, Fail: -2},
			{Indicator: domain.UnknownNumbers, Op: domain.AtMost, Target: decimal.Zero, Pass: 0, Fail: -1},
		}})
	if _, err := env.eng.Apply(ctx, &updated, "test"); err != nil {
		t.Fatalf("apply: %v", err)
	}
	for _, f := range []struct{ kind, data string }{
		{"pbx_calls", "external_id,pbx_user,started_at,talk_seconds,direction,phone\n" +
			"p1,501,2026-11-20 10:15,95,out,+7 912 000-00-01\n" +
			"p2,501,2026-11-20 11:00,40,in,+7 912 000-00-02\n" +
			"p3,501,2026-11-20 11:30,60,out,\n" +
			"p4,501,2026-11-20 11:45,30,out,+7 912 000-00-04\n"},
		{"activities", "external_id,kind,responsible,happened_at,entered_at,duration_seconds,outcome,deal_id,deleted_at,phone\n" +
			"t1,call,101,2026-11-20 11:46,2026-11-20 11:50,30,held,,,+79120000004\n"},
	} {
		if _, err := env.eng.Import(ctx, "acme", f.kind, f.kind+".csv", strings.NewReader(f.data), "test"); err != nil {
			t.Fatalf("import %s: %v", f.kind, err)
		}
	}
}

// A manager's Today says how many conversations are not in the CRM, each
// with its time, number and talk time, and links to why; the why page
// pairs each PBX call with its CRM call or says why none matched.
func TestTelephonyOnTodayAndWhy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		applyTelephony(t, env)
		anna := env.login("anna@acme.example")
		resp, body := anna.get("/w/acme/today")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET today: %d\n%s", resp.StatusCode, body)
		}
		for _, want := range []string{
			"<a href=\"/w/acme/why/anna/2026-11-20/calls_unlogged\">3\u00a0разговора не внесены в CRM</a>",
			"<li>10:15 · &#43;7 912 000-00-01 · 95 с</li>",
			"<li>11:00 · &#43;7 912 000-00-02 · 40 с</li>",
			"<li>11:30 · номер скрыт · 60 с</li>",
			`id="check-unknown_numbers"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("Today lacks %q", want)
			}
		}
		unlogged := body[strings.Index(body, `id="check-calls_unlogged"`):strings.Index(body, `id="check-unknown_numbers"`)]
		if strings.Contains(unlogged, "11:45") {
			t.Errorf("Today lists p4, which the CRM call t1 matches")
		}
		head := env.login("head@acme.example")
		resp, body = head.get("/w/acme/why/anna/2026-11-20/calls_unlogged")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET why: %d\n%s", resp.StatusCode, body)
		}
		for _, want := range []string{
			"звонок АТС",
			"не внесён в CRM · разговор 95 с · ближайший звонок в CRM #t1, 20 ноября 2026, 11:46, &#43;79120000004 — дальше 5 мин",
			"не внесён в CRM · разговор 60 с · ближайший звонок в CRM #t1, 20 ноября 2026, 11:46, &#43;79120000004 — дальше 5 мин",
			"внесён в CRM · звонок в CRM #t1, 20 ноября 2026, 11:46, &#43;79120000004",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("why page lacks %q", want)
			}
		}
		resp, body = head.get("/w/acme/why/anna/2026-11-20/unknown_numbers")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "разговоры 95 с всего") {
			t.Errorf("why unknown_numbers: %d, lacks the talk time of +7 912 000-00-01", resp.StatusCode)
		}
	})
}

// A manager's page of PBX conversations pairs each PBX call with its CRM
// call or says why none matched, and lists the numbers no contact has with
// their talk time and a link to create the contact in the CRM.
func TestTelephonyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		applyTelephony(t, env)
		head := env.login("head@acme.example")
		_, body := head.get("/w/acme/managers/anna")
		if !strings.Contains(body, `href="/w/acme/managers/anna/telephony"`) {
			t.Errorf("the manager's page does not link to the PBX conversations")
		}
		resp, body := head.get("/w/acme/managers/anna/telephony?period=2026-W47")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET telephony: %d\n%s", resp.StatusCode, body)
		}
		for _, want := range []string{
			`<div class="big" id="tel-talked">4</div>`,
			`<div class="big" id="tel-crm">1</div>`,
			`<div class="big" id="tel-unlogged">3</div>`,
			`id="tel-day-2026-11-20"`,
			"3\u00a0разговора не внесены в CRM",
			"не внесён в CRM · разговор 95 с",
			"внесён в CRM · звонок в CRM #t1",
			"1 мин 35 с", // +7 912 000-00-01 in all
			`href="?period=2026-W46"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("telephony page lacks %q", want)
			}
		}
		if words := latinWords(body, acmeData, map[string]bool{"CRM": true}); len(words) > 0 {
			t.Errorf("the Russian telephony page shows English words %q", words)
		}
		_, today := env.login("anna@acme.example").get("/w/acme/today")
		if words := latinWords(today, acmeData, map[string]bool{"CRM": true}); len(words) > 0 {
			t.Errorf("Today with the telephone checklist shows English words %q", words)
		}
		// Asked in English, the page and Today show no Russian but the
		// fixture's names.
		en, enAnna := env.login("head@acme.example"), env.login("anna@acme.example")
		for _, c := range []*client{en, enAnna} {
			c.get("/w/acme/today") // the session's CSRF token
			c.post("/lang", url.Values{"lang": {"en"}})
		}
		englishPages(t, map[string]*client{"head": en, "anna": enAnna}, []russianReq{
			{"head", "GET", "/w/acme/managers/anna/telephony?period=2026-W47", nil},
			{"head", "GET", "/w/acme/why/anna/2026-11-20/calls_unlogged", nil},
			{"head", "GET", "/w/acme/why/anna/2026-11-20/unknown_numbers", nil},
			{"anna", "GET", "/w/acme/today", nil},
		})
		if _, body := en.get("/w/acme/managers/anna/telephony?period=2026-W47"); !strings.Contains(body, "3\u00a0conversations not in the CRM") {
			t.Errorf("the English page does not count the conversations not in the CRM")
		}
		// acme's fixture has no CRM connection: no link to create a contact.
		if strings.Contains(body, "создать контакт в CRM") {
			t.Errorf("a link to create a contact without a CRM")
		}
		// Another manager's page is not anna's to see.
		anna := env.login("anna@acme.example")
		if resp, _ := anna.get("/w/acme/managers/boris/telephony"); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("anna sees boris's PBX conversations: %d", resp.StatusCode)
		}
		if resp, _ := anna.get("/w/acme/managers/anna/telephony?period=2026-11"); resp.StatusCode != http.StatusOK {
			t.Errorf("anna cannot see her own PBX conversations: %d", resp.StatusCode)
		}
	})
}
