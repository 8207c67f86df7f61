package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// formsPages are the pages of the forms and the Norms step, for
// TestRussianPages and TestFormsInRussianAndEnglish.
var formsPages = []string{"/w/acme/forms/absences", "/w/acme/forms/absences?manager=vera", "/w/acme/forms/holidays",
	"/w/acme/forms/managers", "/w/acme/forms/rules", "/w/acme/setup/norms"}

// The forms and their refusals say nothing in English on a Russian page,
// and nothing in Russian on an English one.
func TestFormsInRussianAndEnglish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		head := env.login("head@acme.example")
		var reqs []russianReq
		for _, p := range formsPages {
			reqs = append(reqs, russianReq{"head", "GET", p, nil})
		}
		for _, r := range []struct {
			path string
			form url.Values
		}{
			{"/w/acme/forms/absences", url.Values{"action": {"add"}, "manager": {"anna"}, "from": {"2026-11-25"}, "to": {"2026-11-23"}, "reason": {"vacation"}}},
			{"/w/acme/forms/absences", url.Values{"action": {"add"}, "manager": {"vera"}, "from": {"2026-11-20"}, "to": {"2026-11-23"}, "reason": {"sick"}}},
			{"/w/acme/forms/holidays", url.Values{"action": {"add"}, "kind": {"holiday"}, "date": {"2026-11-02"}}},
			{"/w/acme/forms/managers", url.Values{"action": {"add"}, "id": {"Ivan"}, "name": {"Иван"}}},
			{"/w/acme/forms/managers", url.Values{"action": {"save"}, "id": {"anna"}, "name": {"Анна Петрова"}, "crm_ids": {"102"}}},
			{"/w/acme/forms/rules", url.Values{"rows": {"1"}, "effective": {"2026-11-23"}, "r0.on": {"1"}, "r0.indicator": {"calls_held"}, "r0.op": {"at_least"}, "r0.target": {"x"}, "r0.pass": {"1"}, "r0.fail": {"-2"}}},
			{"/w/acme/setup/norms", url.Values{"action": {"preview"}, "rows": {"1"}, "effective": {"2026-11-23"}, "r0.on": {"1"}, "r0.indicator": {"won_amount"}, "r0.op": {"at_least"}, "r0.target": {"1"}, "r0.pass": {"1"}, "r0.fail": {"99999"}}},
		} {
			reqs = append(reqs, russianReq{"head", "POST", r.path, r.form})
		}
		for _, r := range reqs {
			var resp *http.Response
			var body string
			if r.method == "GET" {
				resp, body = head.get(r.path)
			} else {
				head.get(r.path)
				resp, body = head.post(r.path, r.form)
			}
			if resp.StatusCode >= 500 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s %s: status %d, %s", r.method, r.path, resp.StatusCode, resp.Header.Get("Content-Type"))
				continue
			}
			if r.method == "POST" && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("POST %s: status %d, want 400", r.path, resp.StatusCode)
			}
			if w := latinWords(body, acmeData); len(w) > 0 {
				t.Errorf("%s %s (%d): English words on a Russian page: %s", r.method, r.path, resp.StatusCode, strings.Join(w, " "))
			}
		}
		head.post("/lang", url.Values{"lang": {"en"}})
		englishPages(t, map[string]*client{"head": head}, reqs)
	})
}
