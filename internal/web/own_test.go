package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// applyOwnRegulation adds to acme a regulation version from today
// (2026-11-20) with two own indicators (DESIGN.md section 10) and a rule
// on one, and, with bonus set, bonus pay (section 11). It goes through
// the engine's Apply, as the settings page does.
func applyOwnRegulation(t *testing.T, env *testEnv, bonus bool) {
	t.Helper()
	ctx := context.Background()
	ws, err := env.eng.Workspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	updated := *ws
	updated.Regulation = append(slices.Clone(ws.Regulation), domain.RegulationVersion{Effective: domain.MustDate("2026-11-20"),
		Indicators: []domain.IndicatorDef{
			{ID: "sales_in_progress", Name: "Сделки продаж в работе", Base: domain.DealsInProgress, Where: domain.Filter{Pipeline: []string{"Продажи"}}},
			{ID: "proposals_sent", Name: "КП отправлено", Base: domain.DealMoves, Where: domain.Filter{ToStage: []string{"КП отправлено"}}},
		},
		Rules: []domain.Rule{
			{Indicator: domain.CallsHeld, Op: domain.AtLeast, Target: decimal.NewFromInt(4), Pass: 1, Fail: -2},
			{Indicator: "proposals_sent", Op: domain.AtLeast, Target: decimal.NewFromInt(2), Pass: 1, Fail: -2},
		}})
	if bonus {
		// Pay settings are versioned (issue 13): the bonus applies from 16
		// November, the first day no issued statement covers on the 20th,
		// so November and week 47 pay it.
		h := ws.PayHistory()
		v := h[len(h)-1]
		v.Effective = domain.MustDate("2026-11-16")
		v.Pay = domain.Pay{Mode: domain.PayBonus, BaseMonth: decimal.NewFromInt(15000), BaseWeek: decimal.NewFromInt(3500)}
		updated.SetPayHistory(append(h, v))
	}
	if _, err := env.eng.Apply(ctx, &updated, "test"); err != nil {
		t.Fatalf("apply own regulation: %v", err)
	}
	got, err := env.eng.Workspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := got.Regulation.At(domain.MustDate("2026-11-20")); !ok || len(v.Indicators) != 2 {
		t.Skip("the store does not keep a version's own indicators yet")
	}
	if bonus && got.Pay.Mode != domain.PayBonus {
		t.Skip("the store does not keep the pay mode yet")
	}
}

// Own indicators show after the built-ins on the day sheet, Today, the
// API and a manager's charts, named as the regulation names them, each
// number linked to a why page that says the definition and why each
// record matched the filter or not.
func TestOwnIndicatorsShowLikeBuiltins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		applyOwnRegulation(t, env, false)
		c := env.login("head@acme.example")
		for _, tt := range []struct {
			path string
			want []string
		}{
			{"/w/acme/day/2026-11-20", []string{`title="Сделки продаж в работе"`, `title="КП отправлено"`,
				`href="/w/acme/why/anna/2026-11-20/sales_in_progress"`, `href="/w/acme/why/boris/2026-11-20/proposals_sent"`}},
			{"/w/acme/today", []string{`href="/w/acme/why/anna/2026-11-20/proposals_sent"`}},
			{"/w/acme/why/anna/2026-11-20/sales_in_progress", []string{"Сделки продаж в работе", `id="definition"`,
				"Сделок в работе · воронка: Продажи", "другая воронка: —"}},
			{"/w/acme/why/anna/2026-11-20/proposals_sent", []string{"КП отправлено", "Переходов этапа · на этап: КП отправлено"}},
			{"/w/acme/regulation", []string{"Сделки продаж в работе", "Переходов этапа · на этап: КП отправлено"}},
		} {
			resp, body := c.get(tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d, want 200\n%s", tt.path, resp.StatusCode, body)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: page lacks %q", tt.path, w)
				}
			}
			if strings.Contains(body, "ind.proposals_sent") || strings.Contains(body, "short.proposals_sent") {
				t.Errorf("GET %s: an own indicator is shown by a missing catalog key", tt.path)
			}
		}
		// The day sheet heads the built-ins first, then the own indicators.
		_, body := c.get("/w/acme/day/2026-11-20")
		if i, j := strings.Index(body, `title="Внесено с опозданием"`), strings.Index(body, `title="Сделки продаж в работе"`); i < 0 || j < i {
			t.Errorf("own indicators do not follow the built-ins (late_entries at %d, own at %d)", i, j)
		}
		// A manager sees the own norm still short on Today, by its name.
		anna := env.login("anna@acme.example")
		if _, body := anna.get("/w/acme/today"); !strings.Contains(body, `<a href="/w/acme/why/anna/2026-11-20/proposals_sent">КП отправлено</a>`) {
			t.Errorf("Today's checklist does not name the own norm still short")
		}
		// An indicator no version defines is not found.
		if resp, _ := c.get("/w/acme/why/anna/2026-11-20/nonsense"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("why of an unknown indicator: status %d, want 404", resp.StatusCode)
		}
		// The API names the sheet's indicators and holds the own values.
		_, js := env.api("head@acme.example").get("/api/v1/workspaces/acme/sheets/2026-11-20")
		var sheet struct {
			Indicators []struct {
				ID, Name, Definition string
				Builtin              bool
			} `json:"indicators"`
			Managers []struct {
				Indicators map[string]any `json:"indicators"`
			} `json:"managers"`
		}
		if err := json.Unmarshal([]byte(js), &sheet); err != nil {
			t.Fatal(err)
		}
		if n := len(sheet.Indicators); n != len(domain.Indicators)+2 || sheet.Indicators[n-1].Name != "КП отправлено" || sheet.Indicators[n-1].Builtin {
			t.Errorf("API sheet indicators = %+v; want the built-ins, then sales_in_progress and КП отправлено", sheet.Indicators)
		}
		if len(sheet.Managers) == 0 || sheet.Managers[0].Indicators["proposals_sent"] == nil {
			t.Errorf("API sheet lines lack the own values:\n%s", js)
		}
	})
}

// Bonus pay (DESIGN.md section 11) speaks of a bonus and its reduction,
// never of a fine: the statement page, its CSV and XLSX and the month grid
// in Russian and in English.
func TestBonusPaySaysNoFine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		applyOwnRegulation(t, env, true)
		c := env.login("head@acme.example")
		for _, lang := range []string{"ru", "en"} {
			c.post("/lang", map[string][]string{"lang": {lang}})
			for _, path := range []string{"/w/acme/statement?period=2026-11", "/w/acme/statement?period=2026-W47",
				"/w/acme/statement?period=2026-11&format=csv", "/w/acme/month?period=2026-11", "/w/acme/month?period=2026-11&format=csv"} {
				resp, body := c.get(path)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: status %d", path, resp.StatusCode)
				}
				noFine(t, lang+" "+path, body)
			}
			_, body := c.get("/w/acme/statement?period=2026-11&format=xlsx")
			f, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := f.GetRows("2026-11")
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, r := range rows {
				all.WriteString(strings.Join(r, "\t") + "\n")
			}
			noFine(t, lang+" xlsx", all.String())
		}
		c.post("/lang", map[string][]string{"lang": {"ru"}})
		_, page := c.get("/w/acme/statement?period=2026-11")
		for _, want := range []string{"Базовая премия, ₽", "Снижение премии, ₽", "Премия, ₽", "Базовая премия 15\u202f000,00 ₽"} {
			if !strings.Contains(page, want) {
				t.Errorf("bonus statement page lacks %q", want)
			}
		}
		_, body := c.get("/w/acme/statement?period=2026-11&format=csv")
		rows := readCSV(t, body)
		if h := rows[0]; !slices.Contains(h, "Снижение премии, RUB") || h[11] != "Премия, RUB" {
			t.Errorf("bonus statement CSV header = %q", h)
		}
		// The reduction is the base less the bonus paid, never below zero.
		for _, r := range rows[1:] {
			base, _ := decimal.NewFromString(r[9])
			cut, _ := decimal.NewFromString(r[10])
			paid, _ := decimal.NewFromString(r[11])
			if !base.Equal(decimal.NewFromInt(15000)) || cut.IsNegative() || paid.IsNegative() ||
				paid.LessThan(base) && !base.Sub(cut).Equal(paid) {
				t.Errorf("bonus row %q: base, reduction and bonus do not add up", r)
			}
		}
	})
}

func noFine(t *testing.T, where, body string) {
	t.Helper()
	low := strings.ToLower(body)
	for _, bad := range []string{"штраф", "fine"} {
		if strings.Contains(low, bad) {
			i := strings.Index(low, bad)
			t.Errorf("%s: bonus pay says %q: …%s…", where, bad, body[max(0, i-80):min(len(body), i+40)])
		}
	}
}

// Issue 14: a manager named like a formula is written as text in the web
// statement and month CSVs, and the numbers stay numbers.
func TestCSVNeutralizesFormulas(t *testing.T) {
	names := []string{`=HYPERLINK("http://evil.example","x")`, "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-1+1", "\tTab", "\rCR"}
	st := &domain.Statement{Period: "2026-11", Currency: "RUB", PayMode: domain.PayPoints}
	data := &monthData{Statement: st, Days: []domain.Date{domain.MustDate("2026-11-16")}}
	for _, n := range names {
		line := domain.StatementLine{Manager: n, Name: n, Total: -3, Money: domain.NewMoney(decimal.NewFromInt(-300))}
		st.Lines = append(st.Lines, line)
		data.Rows = append(data.Rows, gridRow{Manager: domain.Manager{ID: n, Name: n}, Line: line,
			Cells: []gridCell{{Text: "-3", Class: "neg"}}})
	}
	ws := &domain.Workspace{ID: "acme", Currency: "RUB"}
	for name, tab := range map[string]table{"statement": statementTable("ru", ws, st), "month": monthTable("ru", ws, data)} {
		rec := httptest.NewRecorder()
		if err := writeCSV(rec, name+".csv", tab); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, rec.Body.String())
		for i, row := range rows[1:] {
			if want := "'" + names[i]; row[0] != want || row[1] != want {
				t.Errorf("%s row %d: %q, %q; want %q", name, i+1, row[0], row[1], want)
			}
			for j, c := range row[2:] {
				if c != "" && strings.ContainsRune("=+@\t\r'", rune(c[0])) {
					t.Errorf("%s row %d column %d: %q", name, i+1, j+2, c)
				}
			}
			if !slices.Contains(row, "-3") || !slices.Contains(row, "-300.00") {
				t.Errorf("%s row %d = %q: want -3 and -300.00 as numbers", name, i+1, row)
			}
		}
	}
}
