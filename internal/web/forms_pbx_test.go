package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestManagersFormMapsExtensions: the managers form lists the extensions
// of the PBX log with whose they are, unmapped ones first and marked, and
// maps one to a manager; an extension given to two managers is refused
// naming the field.
func TestManagersFormMapsExtensions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		ctx := context.Background()
		now := env.clock.Now()
		call := func(id, ext string, ago, talk int) domain.PBXCall {
			return domain.PBXCall{RecordMeta: domain.RecordMeta{Source: domain.PBXMango, ExternalID: id},
				PBXUser: ext, StartedAt: now.AddDate(0, 0, -ago), TalkSeconds: talk, Direction: domain.DirectionOut, Phone: "+79120000000"}
		}
		batch := &domain.RecordBatch{PBXCalls: []domain.PBXCall{
			call("1", "201", 1, 60), call("2", "201", 2, 90), call("3", "202", 3, 30),
			call("4", "203", 40, 600), // older than the form looks
		}}
		if _, err := s.UpsertRecords(ctx, "acme", batch, now, "test", now); err != nil {
			t.Fatal(err)
		}
		c := env.login("head@acme.example")
		resp, body := c.get("/w/acme/forms/managers")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("managers form: status %d", resp.StatusCode)
		}
		i := strings.Index(body, `id="mgr-extensions"`)
		if i < 0 {
			t.Fatalf("no extensions panel\n%s", body)
		}
		panel := body[i:]
		panel = panel[:strings.Index(panel, "</section>")]
		if !strings.Contains(panel, "<td>201</td>") || !strings.Contains(panel, "<td>202</td>") || strings.Contains(panel, "<td>203</td>") {
			t.Errorf("panel lists %q; want 201 and 202 of the last 30 days, not 203", panel)
		}
		if n := strings.Count(panel, "не сопоставлен"); n != 2 {
			t.Errorf("%d extensions marked unmapped, want 2\n%s", n, panel)
		}

		resp, _ = c.post("/w/acme/forms/managers", url.Values{"action": {"save"}, "id": {"anna"}, "name": {"Анна Петрова"}, "crm_ids": {"101"}, "pbx_ids": {"201"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: status %d, want 303", resp.StatusCode)
		}
		ws := mustWorkspace(t, env, "acme")
		if a, _ := ws.Manager("anna"); !slices.Equal(a.PBXIDs, []string{"201"}) {
			t.Errorf("anna's pbx_ids = %q, want [201]", a.PBXIDs)
		}
		_, body = c.get("/w/acme/forms/managers")
		panel = body[strings.Index(body, `id="mgr-extensions"`):]
		panel = panel[:strings.Index(panel, "</section>")]
		if strings.Count(panel, "не сопоставлен") != 1 || !strings.Contains(panel, "Анна Петрова") {
			t.Errorf("after mapping 201 to Anna the panel says\n%s", panel)
		}
		if strings.Index(panel, "<td>202</td>") > strings.Index(panel, "<td>201</td>") {
			t.Errorf("the unmapped extension 202 is not listed first\n%s", panel)
		}

		resp, body = c.post("/w/acme/forms/managers", url.Values{"action": {"save"}, "id": {"boris"}, "name": {"Борис Смирнов"}, "crm_ids": {"102"}, "pbx_ids": {"202, 201"}})
		wantRefusal(t, "another's extension", resp, body, 400, "Внутренние номера АТС менеджера boris: внутренний номер &#34;201&#34; уже у менеджера Анна Петрова")
	})
}

// TestPeopleStepShowsExtensions: the People step lists the PBX log's
// extensions with whose they are and sends the head to the managers form
// to map them.
func TestPeopleStepShowsExtensions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		now := env.clock.Now()
		batch := &domain.RecordBatch{PBXCalls: []domain.PBXCall{{RecordMeta: domain.RecordMeta{Source: domain.PBXZadarma, ExternalID: "z1"},
			PBXUser: "105", StartedAt: now.Add(-time.Hour), TalkSeconds: 75, Direction: domain.DirectionIn, Phone: "+79120000001"}}}
		if _, err := s.UpsertRecords(context.Background(), "acme", batch, now, "test", now); err != nil {
			t.Fatal(err)
		}
		c := env.login("head@acme.example")
		resp, body := c.get("/w/acme/setup/people")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("people step: status %d", resp.StatusCode)
		}
		i := strings.Index(body, `id="mgr-extensions"`)
		if i < 0 {
			t.Fatalf("the People step does not list the PBX log's extensions\n%s", body)
		}
		panel := body[i:]
		panel = panel[:strings.Index(panel, "</section>")]
		if !strings.Contains(panel, "<td>105</td>") || !strings.Contains(panel, "не сопоставлен") || !strings.Contains(panel, `href="/w/acme/forms/managers#mgr-extensions"`) {
			t.Errorf("the panel does not show extension 105 unmapped with a link to map it\n%s", panel)
		}
	})
}
