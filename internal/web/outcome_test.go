package web

import (
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// A cell says its outcome without colour too, and a rule missed that costs
// nothing is not a violation (issue 13, item 6); a why page states the
// rule and its points in words, shows a record counted against the manager
// as a violation, and calls a task's time its due time (item 9).
func TestOutcomesSaidWithoutColour(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		head := env.login("head@acme.example")
		_, day := head.get("/w/acme/day/2026-11-19")
		for _, c := range []struct{ cell, want string }{
			// anna's won amount: at least 100000, pass 2, fail 0.
			{`<td class="num miss"`, `<a href="/w/acme/why/anna/2026-11-19/won_amount"><span class="mark" aria-hidden="true">–</span>`},
			{`<td class="num fail"`, `<a href="/w/acme/why/anna/2026-11-19/calls_held"><span class="mark" aria-hidden="true">✗</span>`},
			{`<td class="num pass"`, `<a href="/w/acme/why/anna/2026-11-19/deals_without_tasks"><span class="mark" aria-hidden="true">✓</span>`},
		} {
			if !strings.Contains(day, c.want) {
				t.Errorf("the day sheet lacks %s", c.want)
			}
			i := strings.Index(day, c.want)
			if i < 0 || !strings.Contains(day[max(0, i-120):i], c.cell) {
				t.Errorf("the cell of %s is not %s", c.want, c.cell)
			}
		}
		if strings.Contains(day, `<td class="num fail"`+` title="не меньше 100000: +0"`) {
			t.Error("a rule worth nothing is shown as a violation")
		}

		_, why := head.get("/w/acme/why/anna/2026-11-19/overdue_tasks")
		for _, want := range []string{`id="rule">✗ Норма: не больше 0 · выполнено 1 · -2`, `<tr class="against">`,
			`<span class="mark" aria-hidden="true">✗</span>`, `<td>срок `} {
			if !strings.Contains(why, want) {
				t.Errorf("the why page of overdue tasks lacks %s", want)
			}
		}
		if strings.Contains(why, `<tr class="pass">`) {
			t.Error("an overdue task is shown as a tick")
		}
		_, why = head.get("/w/acme/why/anna/2026-11-19/calls_held")
		if !strings.Contains(why, `id="rule">✗ Норма: не меньше 4 · выполнено`) {
			t.Error("the why page of calls does not state the rule in words")
		}
	})
}
