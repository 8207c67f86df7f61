package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var diffCell = regexp.MustCompile(`<td class="num strong [^"]*">([^<]*)</td>`)

// The preview scores the past days under the new rules: a drastic change
// (calls ≥ 40 with −5 for failing it) shows a difference, and the button
// and the table name the same days (issue 13, item 2).
func TestRegulationPreviewScoresThePastByTheNewRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		// Today is Friday 2026-11-20: the last 30 days are 21 October – 19 November.
		const period = "30 днях (21 октября – 19 ноября)"
		if _, body := c.get("/w/acme/regulation"); !strings.Contains(body, period) {
			t.Errorf("the preview button does not name the days %q", period)
		}
		drastic := "regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls_held, at_least: 40, fail: -5}\n"
		resp, body := c.post("/w/acme/regulation", url.Values{"action": {"preview"}, "yaml": {drastic}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="backtest"`) {
			t.Fatalf("preview: status %d, want the backtest table\n%s", resp.StatusCode, body)
		}
		section := body[strings.Index(body, `id="backtest"`):]
		if !strings.Contains(section, "30 дней (21 октября – 19 ноября)") || !strings.Contains(body, `id="preview">Проверить на последних `+period) {
			t.Errorf("the button and the table do not name the same days\n%s", section)
		}
		cells := diffCell.FindAllStringSubmatch(section, -1)
		if len(cells) == 0 {
			t.Fatalf("no difference cells in the preview\n%s", section)
		}
		for _, m := range cells {
			if m[1] == "0" {
				t.Errorf("a manager's difference is 0 under calls ≥ 40 with −5 each day; want the past scored by the new rules")
			}
		}
	})
}
