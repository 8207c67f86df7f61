package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Adjustments are bounded (±20 a day by default, in Russian when refused),
// never of a future day; a saved one is shown at once with a link to its
// day's sheet, where it counts; the list goes by period with paging and
// names managers by name; a day sheet's row offers "adjust" with the
// manager and day filled in (issue 13, item 3).
func TestAdjustmentsAreBoundedAndShownAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s) // today: Friday 2026-11-20
		c := env.login("head@acme.example")
		c.get("/w/acme/adjustments")
		add := func(manager, date, points string) (*http.Response, string) {
			t.Helper()
			return c.post("/w/acme/adjustments", url.Values{"manager": {manager}, "date": {date}, "points": {points}, "reason": {"проверка"}})
		}
		for _, tt := range []struct{ date, points, want string }{
			{"2026-11-18", "100000", "не больше ±20 баллов за день"},
			{"2027-03-10", "5", "день 2027-03-10 ещё не наступил"},
			{"2026-11-18", "пять", "нужно целое число"},
		} {
			resp, body := add("anna", tt.date, tt.points)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="adjust-error"`) || !strings.Contains(body, tt.want) {
				t.Errorf("adjust %s by %s: status %d, want 400 saying %q", tt.date, tt.points, resp.StatusCode, tt.want)
			}
		}
		if adjs, _ := s.FindAdjustments(t.Context(), "acme", mustDate("2026-01-01"), mustDate("2027-12-31")); len(adjs) != 0 {
			t.Fatalf("refused adjustments were stored: %+v", adjs)
		}

		resp, _ := add("anna", "2026-11-18", "+15")
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/w/acme/adjustments?period=2026-11&added=") {
			t.Fatalf("adjust +15: status %d to %q; want 303 to the month's list with the new one", resp.StatusCode, loc)
		}
		_, body := c.get(loc)
		if !strings.Contains(body, `id="adjust-added"`) || !strings.Contains(body, "Анна Петрова, 2026-11-18, баллы: &#43;15") ||
			!strings.Contains(body, `href="/w/acme/day/2026-11-18" id="adjust-sheet"`) {
			t.Errorf("no success note naming the adjustment and linking to its sheet\n%s", body)
		}
		list := body[strings.Index(body, `id="adjustments"`):]
		if !strings.Contains(list, "<td>Анна Петрова</td>") {
			t.Errorf("the list does not name the manager by name")
		}
		// The day's sum is bounded too: +15 and +10 make 25 > 20.
		if resp, body := add("anna", "2026-11-18", "10"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "уже &#43;15") {
			t.Errorf("a second adjustment past the day's limit: status %d, want 400", resp.StatusCode)
		}
		_, day := c.get("/w/acme/day/2026-11-18")
		if !strings.Contains(day, "<td class=\"num\">&#43;15 <a class=\"adjust\" href=\"/w/acme/adjustments?manager=anna&amp;date=2026-11-18#adjust-form\"") {
			t.Errorf("the day sheet does not show anna's +15 beside an adjust link\n%s", day)
		}
		_, body = c.get("/w/acme/adjustments?manager=boris&date=2026-11-17")
		if !strings.Contains(body, `<option value="boris" selected>`) || !strings.Contains(body, `name="date" value="2026-11-17"`) {
			t.Errorf("the adjust link does not fill in the manager and the day")
		}
		if _, day := env.login("anna@acme.example").get("/w/acme/day/2026-11-18"); strings.Contains(day, `class="adjust"`) {
			t.Errorf("a manager is offered to adjust")
		}

		// October, with 55 adjustments: two pages.
		for i := range 55 {
			a := &domain.Adjustment{Workspace: "acme", Manager: "vera", Date: mustDate("2026-10-01").AddDays(i % 28), Points: 1,
				Reason: "история", Author: "test", CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
			if err := s.CreateAdjustment(t.Context(), a); err != nil {
				t.Fatal(err)
			}
		}
		_, body = c.get("/w/acme/adjustments?period=2026-10")
		if got := strings.Count(body, "<td>Вера Ким</td>"); got != 50 || !strings.Contains(body, `name="period" value="2026-10"`) ||
			!strings.Contains(body, "Страница 1 из 2") || !strings.Contains(body, "2026-10 (1 октября – 31 октября): 55") {
			t.Errorf("October's first page: %d rows; want 50 of 55, the picker on 2026-10 and a page count", got)
		}
		_, body = c.get("/w/acme/adjustments?period=2026-10&page=2")
		if got := strings.Count(body, "<td>Вера Ким</td>"); got != 5 {
			t.Errorf("October's second page: %d rows; want 5", got)
		}
		if _, body := c.get("/w/acme/adjustments?period=2026-11"); strings.Contains(body, "<td>Вера Ким</td>") {
			t.Errorf("November lists October's adjustments")
		}
	})
}
