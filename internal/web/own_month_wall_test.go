package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Issue 12: the month grid shows any indicator of the period's regulation,
// an own one by its label, each day's value linked to the records behind
// it ("—" on days whose regulation lacked it), and its CSV follows.
func TestMonthGridShowsOwnIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		applyOwnRegulation(t, env, false)
		env.clock.Add(8 * time.Hour) // 20:00 on Friday 20 November: the day is due
		if _, err := env.eng.FinalizeDue(context.Background(), "acme", "test"); err != nil {
			t.Fatal(err)
		}
		c := env.login("head@acme.example")
		_, body := c.get("/w/acme/month?period=2026-11")
		for _, want := range []string{`<option value="proposals_sent">КП отправлено</option>`,
			`<option value="sales_in_progress">Сделки продаж в работе</option>`, `<option value="calls_held">`} {
			if !strings.Contains(body, want) {
				t.Errorf("the month grid offers no %s", want)
			}
		}
		resp, body := c.get("/w/acme/month?period=2026-11&indicator=proposals_sent")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d\n%s", resp.StatusCode, body)
		}
		for _, want := range []string{`id="month-shows"`, "КП отправлено", `<option value="proposals_sent" selected>`,
			`href="/w/acme/why/anna/2026-11-20/proposals_sent"`, `indicator=proposals_sent&amp;format=csv`} {
			if !strings.Contains(body, want) {
				t.Errorf("the grid of proposals_sent lacks %q", want)
			}
		}
		// Monday 16th was scored under the version without it.
		if !regexp.MustCompile(`(?s)<td class="val">—</td>`).MatchString(body) {
			t.Errorf("a day whose regulation lacked the indicator does not show —")
		}
		if strings.Contains(body, `href="/w/acme/why/anna/2026-11-16/proposals_sent"`) {
			t.Errorf("a day without the indicator links to its records")
		}
		resp, body = c.get("/w/acme/month?period=2026-11&indicator=sales_in_progress&format=csv")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "month-acme-2026-11-sales_in_progress.csv") {
			t.Fatalf("csv: status %d, disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		rows := readCSV(t, body)
		col := -1
		for i, h := range rows[0] {
			if h == "2026-11-20" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("csv header %v lacks 2026-11-20", rows[0])
		}
		for _, row := range rows[1:] {
			if row[col] == "" || row[col] == "—" {
				t.Errorf("csv: %s on 2026-11-20 = %q, want the day's value", row[0], row[col])
			}
		}
		if resp, _ := c.get("/w/acme/month?period=2026-11&indicator=nonsense"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("an unknown indicator: status %d, want 400", resp.StatusCode)
		}
		// The built-ins as well.
		if _, body := c.get("/w/acme/month?period=2026-11&indicator=calls_held"); !strings.Contains(body, `href="/w/acme/why/anna/2026-11-16/calls_held"`) {
			t.Errorf("the grid of calls_held does not link a day's calls")
		}
	})
}

// Issue 12: the wall screen's board of the day says what each manager
// still misses, own indicators by their label like the built-ins.
func TestWallShowsMissedOwnIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		applyOwnRegulation(t, env, false)
		c := env.login("wall@acme.example")
		resp, body := c.get("/w/acme/wall")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		today := body[strings.Index(body, `id="rank-today"`):]
		today = today[:strings.Index(today, "</ol>")]
		for _, want := range []string{"КП отправлено: 0 из 2", "Проведено разговоров: "} {
			if !strings.Contains(today, want) {
				t.Errorf("the board of the day lacks %q:\n%s", want, today)
			}
		}
		if strings.Contains(today, "proposals_sent") {
			t.Errorf("the board names an own indicator by its id:\n%s", today)
		}
	})
}
