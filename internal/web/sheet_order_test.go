package web

import (
	"net/url"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// A sheet sorts by any column, filters by team and sums what it shows; a
// final day lists its versions; a statement switches between its month
// and its week (issue 13, item 12).
func TestSheetSortsFiltersAndTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		head := env.login("head@acme.example")
		order := func(body string) []string {
			var names []string
			for _, n := range []string{"Анна Петрова", "Борис Смирнов", "Вера Ким"} {
				if i := strings.Index(body, ">"+n+"</a>"); i >= 0 {
					names = append(names, n)
				}
			}
			// by position
			for i := range names {
				for j := i + 1; j < len(names); j++ {
					if strings.Index(body, ">"+names[j]+"</a>") < strings.Index(body, ">"+names[i]+"</a>") {
						names[i], names[j] = names[j], names[i]
					}
				}
			}
			return names
		}
		_, asc := head.get("/w/acme/day/2026-11-16?sort=name&dir=asc")
		_, desc := head.get("/w/acme/day/2026-11-16?sort=name&dir=desc")
		if a, d := order(asc), order(desc); len(a) != 3 || a[0] != d[2] || a[2] != d[0] {
			t.Errorf("sorted by name: ascending %v, descending %v", a, d)
		}
		if !strings.Contains(asc, `class="sort asc" href="/w/acme/day/2026-11-16?dir=desc&amp;sort=name"`) {
			t.Error("the name header does not offer the other direction")
		}
		if !strings.Contains(asc, `href="/w/acme/day/2026-11-16?dir=desc&amp;sort=calls_held"`) {
			t.Error("an indicator's header does not sort by it")
		}
		_, south := head.get("/w/acme/day/2026-11-16?team=south")
		if got := order(south); len(got) != 2 || strings.Contains(strings.Join(got, ","), "Анна") {
			t.Errorf("the south team shows %v", got)
		}
		if !strings.Contains(south, `id="team-filter"`) || !strings.Contains(south, `id="totals"`) {
			t.Error("the day sheet lacks the team filter or the totals row")
		}

		// A recomputed day lists its two versions, who asked and why.
		head.get("/w/acme/day/2026-11-16")
		head.post("/w/acme/day/2026-11-16/recompute", url.Values{"reason": {"CRM исправили задним числом"}})
		_, day := head.get("/w/acme/day/2026-11-16")
		if !strings.Contains(day, `id="versions"`) || !strings.Contains(day, "CRM исправили задним числом") || strings.Count(day, "<tr") < 3 {
			t.Errorf("the recomputed day does not list its versions")
		}
		if _, mine := env.login("anna@acme.example").get("/w/acme/day/2026-11-16"); strings.Contains(mine, `id="versions"`) {
			t.Error("a manager sees the sheet's versions")
		}

		_, st := head.get("/w/acme/statement?period=2026-11")
		for _, want := range []string{`id="pick-week" href="?period=2026-W44"`, `type="month" name="period" value="2026-11"`, `type="week" name="period" value="2026-W44"`} {
			if !strings.Contains(st, want) {
				t.Errorf("the statement's picker lacks %s", want)
			}
		}
	})
}

// A manager's charts show a scale and the norm (issue 13, item 13).
func TestChartsShowScaleAndNorm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		_, body := env.login("head@acme.example").get("/w/acme/managers/anna?period=2026-11")
		for _, want := range []string{`class="norm"`, "норма 4", `class="scale"`} {
			if !strings.Contains(body, want) {
				t.Errorf("anna's charts lack %s", want)
			}
		}
	})
}
