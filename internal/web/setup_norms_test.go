package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/demo"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// freshWorkspace adds workspace "fresh": acme's company, managers and CRM
// records but no regulation and no final sheet, as after the first sync of
// the guided setup; and its head, head@fresh.example.
func freshWorkspace(t *testing.T, env *testEnv) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace("workspace.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	ws.ID, ws.Regulation = "fresh", nil
	if _, err := env.eng.Apply(ctx, ws, "test"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		path := filepath.Join(fixtures, kind+".csv")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.eng.Import(ctx, "fresh", kind, path, f, "test"); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.store.CreateUser(ctx, &store.User{Email: "head@fresh.example", Role: auth.Head, Workspace: "fresh", PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
}

var (
	ruleRowRe    = regexp.MustCompile(`(?s)<tr id="rule-(\d+)"[^>]*>(.*?)</tr>`)
	selectedRe   = regexp.MustCompile(`name="r\d+\.indicator"[^>]*>.*?<option value="([a-z_]+)" selected>`)
	targetRe     = regexp.MustCompile(`name="r\d+\.target" value="([^"]*)"`)
	backtestRowR = regexp.MustCompile(`<tr id="bt-([a-z]+)"><td>[^<]*</td><td class="num">(\d+)</td><td class="num strong [a-z]+">([^<]*)</td><td class="num">([^<]*)</td>(?:<td class="num old">([^<]*)</td><td class="num old">[^<]*</td>)?</tr>`)
)

// normsRows returns the indicator and target of each rule row of a Norms
// page, the new-rule row left out.
func normsRows(body string) map[string]string {
	rows := map[string]string{}
	for _, m := range ruleRowRe.FindAllStringSubmatch(body, -1) {
		ind, target := selectedRe.FindStringSubmatch(m[2]), targetRe.FindStringSubmatch(m[2])
		if ind != nil && target != nil {
			rows[ind[1]] = target[1]
		}
	}
	return rows
}

// The Norms step of a workspace just synced: the article's nine rules,
// each target suggested from the records (no sheet is final yet), and the
// backtest of the last four weeks per manager with points and money.
func TestNormsStepStarter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		freshWorkspace(t, env)
		c := env.login("head@fresh.example")
		resp, body := c.get("/w/fresh/setup/norms")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("norms: status %d\n%s", resp.StatusCode, body)
		}
		rows := normsRows(body)
		if len(rows) != 9 {
			t.Errorf("%d rules %v; want the article's nine", len(rows), rows)
		}
		for _, ind := range []string{"overdue_tasks", "deals_without_tasks"} {
			if rows[ind] != "0" {
				t.Errorf("%s target %q; want 0 (presence of)", ind, rows[ind])
			}
		}
		// The suggestion is what the history gives: the CLI's function on the
		// same days, drafted from the records.
		ws := mustWorkspace(t, env, "fresh")
		today := ws.Today(env.clock.Now())
		from, to, _ := domain.SuggestPeriod(ws, today, domain.SuggestDays)
		var sheets []domain.DaySheet
		for _, d := range ws.WorkingDays(from, to) {
			sh, err := env.eng.Draft(context.Background(), ws, d)
			if err != nil {
				t.Fatal(err)
			}
			sheets = append(sheets, *sh)
		}
		for _, sg := range domain.SuggestTargets(ws, nil, domain.StarterRules(), false, sheets) {
			if got := rows[string(sg.Indicator)]; got != sg.Target.Decimal.String() {
				t.Errorf("%s: the page suggests %q; want %s", sg.Indicator, got, sg.Target.Decimal)
			}
		}
		if !strings.Contains(body, `id="norms-basis"`) || !strings.Contains(body, "посчитаны по записям CRM") {
			t.Error("the page does not say the days were computed from the CRM records")
		}
		bt := backtestRowR.FindAllStringSubmatch(body, -1)
		if len(bt) != 3 {
			t.Fatalf("backtest rows %q; want one per manager (3)", bt)
		}
		// The save creates the regulation from today, a working Friday.
		form := url.Values{"action": {"save"}, "rows": {"10"}, "effective": {"2026-11-20"}}
		for i, ind := range domain.ArticleIndicators {
			p := "r" + string(rune('0'+i)) + "."
			form.Set(p+"on", "1")
			form.Set(p+"indicator", string(ind))
			form.Set(p+"op", string(domain.DefaultOp(ind)))
			form.Set(p+"target", rows[string(ind)])
			form.Set(p+"pass", "1")
			form.Set(p+"fail", "-2")
		}
		form.Set("r2.target", "7") // calls: the head raises the norm
		resp, body = c.post("/w/fresh/setup/norms", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: status %d\n%s", resp.StatusCode, body)
		}
		ws = mustWorkspace(t, env, "fresh")
		v, ok := ws.Regulation.At(domain.MustDate("2026-11-20"))
		if !ok || len(v.Rules) != 9 || v.Rules[2].Indicator != domain.CallsHeld || v.Rules[2].Target.IntPart() != 7 {
			t.Fatalf("regulation %+v; want the nine rules from 20 November, calls at least 7", ws.Regulation)
		}
		if a := lastAudit(t, s, "fresh"); a.Actor != "head@fresh.example" {
			t.Errorf("audit actor %q; want the head", a.Actor)
		}
		if _, body := c.get(resp.Header.Get("Location")); !strings.Contains(body, `id="norms-saved"`) {
			t.Error("the page does not say the regulation is saved")
		}
	})
}

// On a workspace with rules, the step shows the rules in force with their
// suggestions and current pass rates, and the backtest follows the edited
// rules: a drastic norm turns points negative.
func TestNormsStepBacktest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		_, body := c.get("/w/acme/setup/norms")
		rows := normsRows(body)
		if len(rows) != 4 {
			t.Fatalf("rules %v; want the 4 of the version in force", rows)
		}
		if !strings.Contains(body, "не меньше") || !strings.Contains(body, "\u00a0%)") {
			t.Error("the page shows no comparison or pass rate in Russian")
		}
		form := url.Values{"action": {"preview"}, "rows": {"1"}, "effective": {"2026-11-23"},
			"r0.on": {"1"}, "r0.indicator": {"calls_held"}, "r0.op": {"at_least"}, "r0.target": {"40"}, "r0.pass": {"1"}, "r0.fail": {"-5"}}
		resp, body := c.post("/w/acme/setup/norms", form)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("preview: status %d\n%s", resp.StatusCode, body)
		}
		bt := backtestRowR.FindAllStringSubmatch(body, -1)
		if len(bt) != 3 {
			t.Fatalf("backtest rows %q; want 3", bt)
		}
		for _, m := range bt {
			// Each scored day costs 5 points and 500 RUB at 100 a point.
			if !strings.HasPrefix(m[3], "-") || m[3] != "-"+itoa(5*atoi(t, m[2])) {
				t.Errorf("%s: %s points over %s days; want -5 a day", m[1], m[3], m[2])
			}
		}
		// Beside it, the points the rules in force gave: the stored sheets'.
		stored, err := env.eng.Backtest(context.Background(), "acme", mustWorkspace(t, env, "acme").Regulation,
			domain.Period{Kind: "days", From: domain.MustDate("2026-10-23"), To: domain.MustDate("2026-11-19")})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range bt {
			for _, l := range stored {
				if l.Manager == m[1] && m[5] != itoa(l.OldPoints) && m[5] != "+"+itoa(l.OldPoints) {
					t.Errorf("%s: %q points now; want %d, the stored sheets'", m[1], m[5], l.OldPoints)
				}
			}
		}
		if ws := mustWorkspace(t, env, "acme"); len(ws.Regulation) != 2 {
			t.Errorf("a preview stored a version: %d versions", len(ws.Regulation))
		}
		form.Set("r0.target", "сорок")
		resp, body = c.post("/w/acme/setup/norms", form)
		wantRefusal(t, "a bad target", resp, body, 400, "Правило 1 (Проведено разговоров), норма")
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The demo company's newest version defines own indicators two weeks ago:
// the history the Norms step learns from holds them on every day, those
// before computed from the stored records as the backtest does.
func TestNormsHistoryHoldsOwnIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		ctx := context.Background()
		now := env.clock.Now()
		ws := demo.Workspace(domain.DateOf(now))
		if _, err := env.eng.Apply(ctx, ws, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertRecords(ctx, ws.ID, demo.Records(ws, now), now, "demo", now); err != nil {
			t.Fatal(err)
		}
		if _, err := env.eng.FinalizeDue(ctx, ws.ID, "test"); err != nil {
			t.Fatal(err)
		}
		ws = mustWorkspace(t, env, ws.ID)
		base, _ := newestVersion(ws)
		if len(base.Own()) == 0 {
			t.Fatal("the demo's newest version has no own indicator")
		}
		today := ws.Today(now)
		sheets, err := env.srv.history(ctx, ws, today.AddDays(-normsBacktestDays), today.AddDays(-1))
		if err != nil {
			t.Fatal(err)
		}
		lacking := 0
		for _, sh := range sheets {
			for _, l := range sh.Lines {
				if !l.Values.Has(base.Own()[0].ID) {
					lacking++
				}
			}
		}
		if lacking == 0 {
			t.Fatal("every stored line holds the own indicator already: the test proves nothing")
		}
		if err := env.srv.fillOwn(ctx, ws, base, sheets); err != nil {
			t.Fatal(err)
		}
		for _, sh := range sheets {
			for _, l := range sh.Lines {
				for _, d := range base.Own() {
					if !l.Values.Has(d.ID) {
						t.Errorf("%s %s lacks %s", sh.Date, l.Manager, d.ID)
					}
				}
			}
		}
	})
}
