package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/demo"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// lastAudit returns the newest audit entry of workspace.
func lastAudit(t *testing.T, s *store.Store, workspace string) store.AuditEntry {
	t.Helper()
	entries, err := s.FindAudit(context.Background(), workspace, 1)
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit of %s: %v, %d entries", workspace, err, len(entries))
	}
	return entries[0]
}

func mustWorkspace(t *testing.T, env *testEnv, id string) *domain.Workspace {
	t.Helper()
	ws, err := env.eng.Workspace(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// wantRefusal checks a refused form: its status and a message naming the
// field (in Russian, the language of the test user's pages).
func wantRefusal(t *testing.T, what string, resp *http.Response, body string, status int, field string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d", what, resp.StatusCode, status)
	}
	i := strings.Index(body, `class="error"`)
	if i < 0 {
		t.Errorf("%s: no error message on the page", what)
		return
	}
	msg := body[i:min(len(body), i+400)]
	if !strings.Contains(msg, field) {
		t.Errorf("%s: the message does not name the field %q:\n%s", what, field, msg)
	}
}

func TestAbsenceForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		if resp, body := c.get("/w/acme/forms/absences?manager=boris"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="abs-form"`) {
			t.Fatalf("absence form: status %d\n%s", resp.StatusCode, body)
		}
		// Boris is away on Monday 16 (final) to Tuesday 24 November.
		resp, _ := c.post("/w/acme/forms/absences", url.Values{"action": {"add"}, "manager": {"boris"}, "from": {"2026-11-16"}, "to": {"2026-11-24"}, "reason": {"sick"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: status %d, want 303", resp.StatusCode)
		}
		loc := resp.Header.Get("Location")
		if !strings.Contains(loc, "final=4") {
			t.Errorf("redirect %q: want the 4 final days of the absence (16–19 November) counted", loc)
		}
		_, body := c.get(loc)
		if !strings.Contains(body, `id="abs-saved"`) || !strings.Contains(body, "4\u00a0дня") {
			t.Errorf("the page does not say the absence is saved with 4 final days\n%s", body)
		}
		ws := mustWorkspace(t, env, "acme")
		m, _ := ws.Manager("boris")
		want := domain.Absence{From: domain.MustDate("2026-11-16"), To: domain.MustDate("2026-11-24"), Reason: "sick"}
		if !slices.Contains(m.Absences, want) {
			t.Errorf("boris's absences %v; want %v among them", m.Absences, want)
		}
		if !m.AbsentOn(domain.MustDate("2026-11-23")) {
			t.Error("boris is not absent on 23 November")
		}
		if a := lastAudit(t, s, "acme"); a.Actor != "head@acme.example" || !strings.Contains(a.Detail, "boris") {
			t.Errorf("audit %+v; want the head as the actor and boris named", a)
		}

		refusals := []struct {
			what   string
			form   url.Values
			status int
			field  string
		}{
			{"ends before it starts", url.Values{"manager": {"anna"}, "from": {"2026-11-25"}, "to": {"2026-11-23"}, "reason": {"vacation"}}, 400, "По:"},
			{"overlaps", url.Values{"manager": {"boris"}, "from": {"2026-11-24"}, "to": {"2026-11-26"}, "reason": {"vacation"}}, 400, "С: пересекается"},
			{"no date", url.Values{"manager": {"anna"}, "from": {""}, "to": {"2026-11-23"}, "reason": {"vacation"}}, 400, "С: заполните"},
			{"bad date", url.Values{"manager": {"anna"}, "from": {"23.11.2026"}, "to": {"2026-11-23"}, "reason": {"vacation"}}, 400, "С: нужна дата"},
			{"unknown manager", url.Values{"manager": {"nobody"}, "from": {"2026-11-23"}, "to": {"2026-11-23"}, "reason": {"vacation"}}, 400, "Менеджер: нет менеджера"},
			{"unknown reason", url.Values{"manager": {"anna"}, "from": {"2026-11-23"}, "to": {"2026-11-23"}, "reason": {"party"}}, 400, "Причина:"},
		}
		for _, r := range refusals {
			r.form.Set("action", "add")
			resp, body := c.post("/w/acme/forms/absences", r.form)
			wantRefusal(t, r.what, resp, body, r.status, r.field)
		}
		if got := mustWorkspace(t, env, "acme"); !slices.EqualFunc(got.Managers, ws.Managers, func(a, b domain.Manager) bool { return slices.Equal(a.Absences, b.Absences) }) {
			t.Error("a refused form changed the absences")
		}

		// Removing it, named by its days.
		resp, _ = c.post("/w/acme/forms/absences", url.Values{"action": {"remove"}, "manager": {"boris"}, "from": {"2026-11-16"}, "to": {"2026-11-24"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: status %d", resp.StatusCode)
		}
		if m, _ := mustWorkspace(t, env, "acme").Manager("boris"); m.AbsentOn(domain.MustDate("2026-11-23")) {
			t.Error("the absence is still there after removing it")
		}
	})
}

// Only a head or an admin of the workspace may open and send the forms;
// every form needs its CSRF token.
func TestFormsRefuseOthers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		pages := []string{"/w/acme/forms/absences", "/w/acme/forms/holidays", "/w/acme/forms/managers", "/w/acme/forms/rules", "/w/acme/setup/norms"}
		for _, who := range []string{"anna@acme.example", "head@other.example"} {
			c := env.login(who)
			for _, p := range pages {
				if resp, _ := c.get(p); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s GET %s: status %d, want 403 or 404", who, p, resp.StatusCode)
				}
				if resp, _ := c.post(p, url.Values{"action": {"add"}, "manager": {"anna"}, "from": {"2026-11-23"}, "to": {"2026-11-23"}, "reason": {"vacation"}}); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s POST %s: status %d, want 403 or 404", who, p, resp.StatusCode)
				}
			}
		}
		c := env.login("head@acme.example")
		for _, p := range pages {
			if resp, _ := c.post(p, url.Values{"csrf": {"forged"}, "action": {"add"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with a forged CSRF token: status %d, want 403", p, resp.StatusCode)
			}
		}
		if m, _ := mustWorkspace(t, env, "acme").Manager("anna"); len(m.Absences) != 0 {
			t.Errorf("anna's absences %v after refused forms; want none", m.Absences)
		}
	})
}

func TestHolidaysForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		if resp, body := c.get("/w/acme/forms/holidays"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "№ 1466") {
			t.Fatalf("holidays form: status %d, want the decree of 2026 named\n%s", resp.StatusCode, body)
		}
		resp, _ := c.post("/w/acme/forms/holidays", url.Values{"action": {"add"}, "kind": {"holiday"}, "date": {"2026-11-27"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: status %d", resp.StatusCode)
		}
		if ws := mustWorkspace(t, env, "acme"); ws.IsWorkingDay(domain.MustDate("2026-11-27")) {
			t.Error("27 November is still a working day after adding it as a holiday")
		}
		if a := lastAudit(t, s, "acme"); a.Actor != "head@acme.example" {
			t.Errorf("audit actor %q; want the head", a.Actor)
		}
		resp, body := c.post("/w/acme/forms/holidays", url.Values{"action": {"add"}, "kind": {"holiday"}, "date": {"2026-11-18"}})
		wantRefusal(t, "a past day", resp, body, 400, "Дата: 18 ноября 2026 уже прошёл")
		resp, body = c.post("/w/acme/forms/holidays", url.Values{"action": {"add"}, "kind": {"working"}, "date": {"2026-11-27"}})
		wantRefusal(t, "a holiday made a working day", resp, body, 400, "Дата: 27 ноября 2026 уже в списке")
		resp, body = c.post("/w/acme/forms/holidays", url.Values{"action": {"add"}, "kind": {"bank"}, "date": {"2026-11-30"}})
		wantRefusal(t, "an unknown kind", resp, body, 400, "Что это за день")

		// Russia's calendar of 2026 adds the days from today on: 31 December.
		resp, _ = c.post("/w/acme/forms/holidays", url.Values{"action": {"russia"}, "year": {"2026"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "added=1") {
			t.Errorf("russia 2026: status %d, location %q; want 1 day added", resp.StatusCode, resp.Header.Get("Location"))
		}
		ws := mustWorkspace(t, env, "acme")
		if !slices.Contains(ws.Holidays, domain.MustDate("2026-12-31")) || slices.Contains(ws.Holidays, domain.MustDate("2026-06-12")) {
			t.Errorf("holidays %v; want 31 December added and no past day", ws.Holidays)
		}
		resp, _ = c.post("/w/acme/forms/holidays", url.Values{"action": {"remove"}, "kind": {"holiday"}, "date": {"2026-11-27"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: status %d", resp.StatusCode)
		}
		if ws := mustWorkspace(t, env, "acme"); !ws.IsWorkingDay(domain.MustDate("2026-11-27")) {
			t.Error("27 November is still a holiday after removing it")
		}
		// A past holiday cannot be removed: the final sheets were computed by it.
		resp, body = c.post("/w/acme/forms/holidays", url.Values{"action": {"remove"}, "kind": {"holiday"}, "date": {"2026-11-04"}})
		wantRefusal(t, "removing a past holiday", resp, body, 400, "Дата:")
	})
}

func TestManagersForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/forms/managers")
		resp, _ := c.post("/w/acme/forms/managers", url.Values{"action": {"add"}, "id": {"dasha"}, "name": {"Дарья Орлова"}, "team": {"north"}, "crm_ids": {"105, 106"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: status %d", resp.StatusCode)
		}
		resp, _ = c.post("/w/acme/forms/managers", url.Values{"action": {"save"}, "id": {"vera"}, "name": {"Вера Кимова"}, "team": {"north"}, "crm_ids": {"104 107"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: status %d", resp.StatusCode)
		}
		ws := mustWorkspace(t, env, "acme")
		d, ok := ws.Manager("dasha")
		if !ok || d.Name != "Дарья Орлова" || d.Team != "north" || !slices.Equal(d.CRMIDs, []string{"105", "106"}) {
			t.Errorf("dasha = %+v, %v", d, ok)
		}
		v, _ := ws.Manager("vera")
		if v.Name != "Вера Кимова" || v.Team != "north" || !slices.Equal(v.CRMIDs, []string{"104", "107"}) || len(v.Absences) != 1 {
			t.Errorf("vera = %+v; want renamed, moved, a second CRM user, her absence kept", v)
		}
		if a := lastAudit(t, s, "acme"); a.Actor != "head@acme.example" {
			t.Errorf("audit actor %q; want the head", a.Actor)
		}
		for _, r := range []struct {
			what  string
			form  url.Values
			field string
		}{
			{"a bad id", url.Values{"action": {"add"}, "id": {"Ivan Petrov"}, "name": {"Иван"}}, "Код менеджера:"},
			{"a taken id", url.Values{"action": {"add"}, "id": {"anna"}, "name": {"Анна"}}, "Код менеджера: код"},
			{"no name", url.Values{"action": {"save"}, "id": {"anna"}, "name": {" "}}, "Имя менеджера anna: заполните"},
			{"another's CRM user", url.Values{"action": {"save"}, "id": {"anna"}, "name": {"Анна"}, "crm_ids": {"101, 102"}}, "Пользователи CRM менеджера anna: пользователь CRM &#34;102&#34; уже у менеджера Борис Смирнов"},
		} {
			resp, body := c.post("/w/acme/forms/managers", r.form)
			wantRefusal(t, r.what, resp, body, 400, r.field)
		}
	})
}

func TestRulesForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		resp, body := c.get("/w/acme/forms/rules")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="r0.target" value="4"`) {
			t.Fatalf("rules form: status %d, want the calls norm 4 of the version in force\n%s", resp.StatusCode, body)
		}
		// The version of 16 November is used by final sheets: the form
		// makes the next one, from Monday 23 November, with calls ≥ 5, a
		// target of 3 for vera, and a new rule on meetings.
		form := url.Values{"rows": {"5"}, "effective": {"2026-11-23"}}
		set := func(i int, kv ...string) {
			for j := 0; j+1 < len(kv); j += 2 {
				form.Set("r"+string(rune('0'+i))+"."+kv[j], kv[j+1])
			}
		}
		set(0, "on", "1", "indicator", "calls_held", "op", "at_least", "target", "5", "pass", "1", "fail", "-2", "t.vera", "3")
		set(1, "on", "1", "indicator", "overdue_tasks", "op", "at_most", "target", "0", "pass", "1", "fail", "-2")
		set(2, "indicator", "deals_without_tasks", "op", "at_most", "target", "0", "pass", "1", "fail", "-2") // turned off
		set(3, "on", "1", "indicator", "won_amount", "op", "at_least", "target", "100 000", "pass", "2", "fail", "0", "manager", "anna")
		set(4, "new", "1", "indicator", "meetings_held", "op", "at_least", "target", "1", "pass", "1", "fail", "−1")
		resp, body = c.post("/w/acme/forms/rules", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: status %d\n%s", resp.StatusCode, body)
		}
		ws := mustWorkspace(t, env, "acme")
		old, _ := ws.Regulation.At(domain.MustDate("2026-11-20"))
		if old.Effective != domain.MustDate("2026-11-16") || len(old.Rules) != 4 || old.Rules[0].Target.IntPart() != 4 {
			t.Errorf("the version in force changed: %+v", old)
		}
		v, _ := ws.Regulation.At(domain.MustDate("2026-11-23"))
		if v.Effective != domain.MustDate("2026-11-23") || len(v.Rules) != 4 {
			t.Fatalf("new version %+v; want 4 rules from 23 November", v)
		}
		if r := v.Rules[0]; r.Target.IntPart() != 5 || r.TargetFor("vera").IntPart() != 3 {
			t.Errorf("calls rule %+v; want 5, and 3 for vera", r)
		}
		if r := v.Rules[2]; r.Target.IntPart() != 100000 || !slices.Equal(r.Managers, []string{"anna"}) {
			t.Errorf("won amount rule %+v; want 100000 for anna only", r)
		}
		if r := v.Rules[3]; r.Indicator != domain.MeetingsHeld || r.Fail != -1 {
			t.Errorf("new rule %+v; want meetings_held failing -1", r)
		}
		if a := lastAudit(t, s, "acme"); a.Actor != "head@acme.example" {
			t.Errorf("audit actor %q; want the head", a.Actor)
		}

		bad := func(what, field string, kv ...string) {
			t.Helper()
			f := url.Values{"rows": {"1"}, "effective": {"2026-11-24"}, "r0.on": {"1"}, "r0.indicator": {"calls_held"}, "r0.op": {"at_least"}, "r0.target": {"3"}, "r0.pass": {"1"}, "r0.fail": {"-2"}}
			for j := 0; j+1 < len(kv); j += 2 {
				f.Set(kv[j], kv[j+1])
			}
			resp, body := c.post("/w/acme/forms/rules", f)
			wantRefusal(t, what, resp, body, 400, field)
		}
		bad("a past day", "Действует с: 16 ноября 2026 уже прошёл", "effective", "2026-11-16")
		bad("a target not a number", "Правило 1 (Проведено разговоров), норма: нужно число", "r0.target", "много")
		bad("a negative target", "Правило 1 (Проведено разговоров), норма", "r0.target", "-1")
		bad("points out of bounds", "Правило 1 (Проведено разговоров), баллы за невыполнение", "r0.fail", "-5000")
		bad("an unknown indicator", "Правило 1 (calls), показатель", "r0.indicator", "calls")
		bad("a bad manager target", "Правило 1 (Проведено разговоров), норма для Вера Ким", "r0.t.vera", "x")
		bad("no rule on", "Правила: включите", "r0.on", "0")
		if got := mustWorkspace(t, env, "acme"); len(got.Regulation) != len(ws.Regulation) {
			t.Errorf("a refused form stored a version: %d versions, want %d", len(got.Regulation), len(ws.Regulation))
		}
	})
}

// A version final sheets were scored by cannot change through the form:
// once today's sheet is final the form starts versions from tomorrow, says
// so naming the field, and the version stays as it was.
func TestRulesFormKeepsAVersionInUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/forms/rules")
		form := url.Values{"rows": {"1"}, "effective": {"2026-11-20"}, "r0.on": {"1"}, "r0.indicator": {"calls_held"},
			"r0.op": {"at_least"}, "r0.target": {"6"}, "r0.pass": {"1"}, "r0.fail": {"-2"}}
		if resp, body := c.post("/w/acme/forms/rules", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a version from today: status %d\n%s", resp.StatusCode, body)
		}
		// 18:30: today's sheet is final, scored by that version.
		env.clock.Add(6*time.Hour + 30*time.Minute)
		if _, err := env.eng.FinalizeDue(context.Background(), "acme", "test"); err != nil {
			t.Fatal(err)
		}
		c.get("/w/acme/forms/rules")
		form.Set("r0.target", "2")
		resp, body := c.post("/w/acme/forms/rules", form)
		wantRefusal(t, "changing a version in use", resp, body, http.StatusBadRequest,
			"Действует с: 20 ноября 2026 уже прошёл или закрыт итоговой таблицей: можно с 21 ноября 2026")
		// The calendar of a final day stays too.
		c.get("/w/acme/forms/holidays")
		resp, body = c.post("/w/acme/forms/holidays", url.Values{"action": {"add"}, "kind": {"holiday"}, "date": {"2026-11-20"}})
		wantRefusal(t, "a final day made a holiday", resp, body, http.StatusBadRequest, "Дата: 20 ноября 2026 уже прошёл")
		v, _ := mustWorkspace(t, env, "acme").Regulation.At(domain.MustDate("2026-11-20"))
		if v.Effective != domain.MustDate("2026-11-20") || v.Rules[0].Target.IntPart() != 6 {
			t.Errorf("the version in use changed: %+v", v)
		}
		// The next version, from Monday, is the way.
		form.Set("effective", "2026-11-23")
		if resp, _ := c.post("/w/acme/forms/rules", form); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the next version: status %d", resp.StatusCode)
		}
	})
}

// Moving the last manager out of a team the rules name is refused naming
// the team field, before the workspace file would refuse it by its line.
func TestManagersFormKeepsTeamsOfRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		c.get("/w/acme/forms/rules")
		form := url.Values{"rows": {"1"}, "effective": {"2026-11-23"}, "r0.on": {"1"}, "r0.indicator": {"calls_held"},
			"r0.op": {"at_least"}, "r0.target": {"6"}, "r0.pass": {"1"}, "r0.fail": {"-2"}, "r0.team": {"north"}}
		if resp, body := c.post("/w/acme/forms/rules", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a rule for north: status %d\n%s", resp.StatusCode, body)
		}
		if v, _ := mustWorkspace(t, env, "acme").Regulation.At(domain.MustDate("2026-11-23")); !slices.Equal(v.Rules[0].Teams, []string{"north"}) {
			t.Fatalf("the rule's teams %v; want north", v.Rules[0].Teams)
		}
		c.get("/w/acme/forms/managers")
		resp, body := c.post("/w/acme/forms/managers", url.Values{"action": {"save"}, "id": {"anna"}, "name": {"Анна Петрова"}, "team": {"south"}, "crm_ids": {"101"}})
		wantRefusal(t, "emptying a team of the rules", resp, body, 400, "Команда менеджера anna: правила регламента с 23 ноября 2026 называют команду &#34;north&#34;")
	})
}

// A form changes what it shows and nothing else: the demo company's
// workspace (pay versions, contacts, notifications, own indicators, a
// CRM) is the same after an absence is added but for that absence.
func TestFormKeepsWhatItDoesNotShow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		ctx := context.Background()
		today := domain.DateOf(env.clock.Now())
		ws := demo.Workspace(today)
		if _, err := env.eng.Apply(ctx, ws, "test"); err != nil {
			t.Fatal(err)
		}
		hash, _ := auth.HashPassword(testPassword)
		if err := s.CreateUser(ctx, &store.User{Email: "head@demo.example", Role: auth.Head, Workspace: ws.ID, PasswordHash: hash}, "test"); err != nil {
			t.Fatal(err)
		}
		before := mustWorkspace(t, env, ws.ID)
		c := env.login("head@demo.example")
		c.get("/w/" + ws.ID + "/forms/absences")
		m := before.Managers[0]
		resp, body := c.post("/w/"+ws.ID+"/forms/absences", url.Values{"action": {"add"}, "manager": {m.ID}, "from": {"2026-12-01"}, "to": {"2026-12-04"}, "reason": {"vacation"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: status %d\n%s", resp.StatusCode, body)
		}
		after := mustWorkspace(t, env, ws.ID)
		if len(after.Managers[0].Absences) != len(m.Absences)+1 {
			t.Fatalf("absences %v; want one more than %v", after.Managers[0].Absences, m.Absences)
		}
		after.Managers[0].Absences = m.Absences
		if diff := cmp.Diff(config.FormatWorkspace(before), config.FormatWorkspace(after)); diff != "" {
			t.Errorf("the form changed more than the absence (-before +after):\n%s", diff)
		}
		if !after.CRM.Equal(before.CRM) || !cmp.Equal(after.Notifications, before.Notifications) || len(after.PayVersions) != len(before.PayVersions) {
			t.Errorf("the form changed the CRM, the notifications or the pay")
		}
	})
}
