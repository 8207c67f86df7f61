package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var statementSum = regexp.MustCompile(`<tfoot>.*<td class="num strong">([^<]*)</td></tr></tfoot>`)

// Changing the point value never rewrites an issued statement: on 6
// December, November's statement is issued; the old way (the flat
// point_value in the YAML) and a version dated in November are refused in
// Russian, a version from 1 December (the date the form proposes) is
// saved, November keeps its money and says the version it used, December
// uses the new one — on the page, in CSV and in the API (issue 13, item 1).
func TestPaySettingsNeverRewriteAnIssuedStatement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		env.clock.Add(16 * 24 * time.Hour) // Sunday 2026-12-06, 12:00 in Moscow
		c := env.login("head@acme.example")
		statement := func(period string) (sum, body string) {
			t.Helper()
			_, body = c.get("/w/acme/statement?period=" + period)
			m := statementSum.FindStringSubmatch(strings.ReplaceAll(body, "\n", ""))
			if m == nil {
				t.Fatalf("statement %s has no sum\n%s", period, body)
			}
			return m[1], body
		}
		november, _ := statement("2026-11")

		_, body := c.get("/w/acme/settings")
		if !strings.Contains(body, `name="effective" value="2026-12-01"`) {
			t.Errorf("the pay form does not propose 2026-12-01, the first day of the next unissued period")
		}

		// The old way: point value 100 → 250 in the workspace file.
		text := editorText(t, body)
		if !strings.Contains(text, "point_value: 100\n") {
			t.Fatalf("the workspace file has no point_value: 100\n%s", text)
		}
		resp, body := c.post("/w/acme/settings", url.Values{"yaml": {strings.Replace(text, "point_value: 100\n", "point_value: 250\n", 1)}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "уже выданные ведомости") || !strings.Contains(body, "2026-12-01") {
			t.Errorf("point value rewritten from the start: status %d, want 409 saying in Russian which statements it would change\n%s", resp.StatusCode, body)
		}
		// A version inside November.
		form := url.Values{"form": {"pay"}, "effective": {"2026-11-30"}, "point_value": {"250"}, "currency": {"RUB"}, "mode": {"points"},
			"bonus_cap": {"2000"}, "fine_cap": {"1000"}}
		resp, body = c.post("/w/acme/settings", form)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="pay-error"`) || !strings.Contains(body, "не раньше 2026-12-01") {
			t.Errorf("a version from 2026-11-30: status %d, want 409 with the error in Russian", resp.StatusCode)
		}
		if got, _ := statement("2026-11"); got != november {
			t.Fatalf("November's sum after refusals = %s; want %s", got, november)
		}

		form.Set("effective", "2026-12-01")
		form.Set("point_value", "250")
		form.Set("bonus_cap", "5000")
		if resp, body := c.post("/w/acme/settings", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a version from 2026-12-01: status %d, want 303\n%s", resp.StatusCode, body)
		}
		if _, body := c.get("/w/acme/settings?pay=saved"); !strings.Contains(body, `id="pay-saved"`) || !strings.Contains(body, "с 2026-12-01") {
			t.Errorf("the settings page does not list the new version")
		}
		got, body := statement("2026-11")
		if got != november {
			t.Errorf("November's sum = %s after a version from 1 December; want it unchanged, %s", got, november)
		}
		if !strings.Contains(body, `<span id="pay-settings">Настройки оплаты: версия с самого начала</span>`) || !strings.Contains(body, "100,00\u00a0₽ за балл") {
			t.Errorf("November's statement does not say it used the version from the start at 100 RUB")
		}
		if _, body := statement("2026-12"); !strings.Contains(body, `<span id="pay-settings">Настройки оплаты: версия с 2026-12-01</span>`) {
			t.Errorf("December's statement does not say it used the version from 2026-12-01")
		}
		_, csv := c.get("/w/acme/statement?period=2026-11&format=csv")
		if !strings.Contains(csv, "Настройки оплаты") || !strings.Contains(csv, "с самого начала") {
			t.Errorf("November's CSV does not name its pay settings\n%s", csv)
		}

		api := env.api("head@acme.example")
		for period, want := range map[string]string{"2026-11": "", "2026-12": "2026-12-01"} {
			_, body := api.get("/api/v1/workspaces/acme/statements/" + period)
			var st struct {
				PaySettings *string `json:"pay_settings"`
				PointValue  string  `json:"point_value"`
			}
			if err := json.Unmarshal([]byte(body), &st); err != nil || st.PaySettings == nil || *st.PaySettings != want {
				t.Errorf("API statement %s: pay_settings %v (%v); want %q\n%s", period, st.PaySettings, err, want, body)
			}
		}

		entries, err := s.FindAudit(t.Context(), "acme", 1)
		if err != nil || len(entries) != 1 || entries[0].Actor != "head@acme.example" ||
			!strings.Contains(entries[0].Detail, "pay settings from 2026-12-01 added: point value 250 RUB") {
			t.Errorf("audit = %+v (%v); want the head adding the version", entries, err)
		}
		ws, err := s.FindWorkspace(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if v := ws.PayAt(domain.MustDate("2026-11-30")); !v.PointValue.Equal(v.PointValue.Round(0)) || v.PointValue.String() != "100" {
			t.Errorf("November's stored point value = %s; want 100", v.PointValue)
		}
	})
}
