package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// latinAllowed are the Latin words a Russian page may show: names of
// products and formats that Russian speakers write in Latin letters too.
var latinAllowed = map[string]bool{
	"reglament": true, // the product's name
	"EN":        true, // the language switch offers English by its code
	"English":   true, // and names it in English, as language switches do
	"CRM":       true,
	"CSV":       true,
	"XLSX":      true,
	"YAML":      true, // the settings and regulation files' format
	"API":       true,
	"Telegram":  true,
	"amoCRM":    true,
	"Bitrix24":  true,
	"HubSpot":   true,
	"Pipedrive": true,
	"OK":        true,
	"RUB":       true, // a currency code, as the pay form asks it to be typed
	// The HTTP header a token goes in is a code the user types.
	"Authorization": true,
	"Bearer":        true,
}

// acmeData are the words of the acme fixture that people typed: ids of
// the workspace, its managers and teams, an absence's reason, e-mails.
var acmeData = map[string]bool{
	"acme": true, "other": true, "anna": true, "boris": true, "vera": true,
	"north": true, "south": true, "vacation": true, "test": true,
	// Keys of the workspace file a refusal names, as the user wrote them.
	"managers": true, "timezone": true,
}

var (
	// Contents that are not the page's words: scripts, styles, a file
	// the user edits (its keys are the file format's), codes to copy.
	skipBlocks = regexp.MustCompile(`(?s)<(script|style|textarea|code|title)\b.*?</(script|style|textarea|code|title)>`)
	tag        = regexp.MustCompile(`(?s)<[^>]*>`)
	// quoted is what a Russian sentence quotes: the period, the name or
	// the command the user typed or is to type.
	quoted = regexp.MustCompile(`«[^»]*»|"[^"]*"`)
	// titleAttr is the hover text and placeholders people read too.
	titleAttr = regexp.MustCompile(`\b(?:title|placeholder|aria-label)="([^"]*)"`)
	// token is a run of non-space characters; word a Latin-only word in it.
	token = regexp.MustCompile(`\S+`)
	word  = regexp.MustCompile(`^[\p{P}\p{S}]*([A-Za-z][A-Za-z'-]*)[\p{P}\p{S}]*$`)
)

// latinWords returns the Latin-only words a reader sees on page body,
// outside e-mails, URLs, ids (with digits, dots or underscores) and the
// allowed words.
func latinWords(body string, allowed ...map[string]bool) []string {
	var text strings.Builder
	for _, m := range titleAttr.FindAllStringSubmatch(body, -1) {
		text.WriteString(" " + m[1] + " ")
	}
	body = skipBlocks.ReplaceAllString(body, " ")
	text.WriteString(tag.ReplaceAllString(body, " "))
	said := quoted.ReplaceAllString(html.UnescapeString(text.String()), " ")
	seen := map[string]bool{}
	var found []string
	for _, tok := range token.FindAllString(said, -1) {
		if strings.HasPrefix(tok, "--") || strings.HasPrefix(tok, "(--") { // a command's flag
			continue
		}
		if strings.Contains(tok, "@") || strings.Contains(tok, "://") || strings.Contains(tok, "_") {
			continue
		}
		m := word.FindStringSubmatch(tok)
		if m == nil {
			continue
		}
		w := m[1]
		ok := latinAllowed[w]
		for _, a := range allowed {
			ok = ok || a[w]
		}
		if !ok && !seen[w] {
			seen[w] = true
			found = append(found, w)
		}
	}
	sort.Strings(found)
	return found
}

func TestLatinWords(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []string
	}{
		{`<p>Ошибка: adjustment: a reason is required</p>`, []string{"a", "adjustment", "is", "reason", "required"}},
		{`<p>Анна (anna@acme.example), https://x.example/a, calls_held, 2026-W47, CRM</p>`, nil},
		{`<textarea>workspace: acme</textarea><code>reglament link</code><p title="call">звонок</p>`, []string{"call"}},
		{`<p>+10m0s; user.create</p>`, nil},
		{`<p>период «week»: нужен месяц</p>`, nil}, // codes with digits and dots are ids, caught elsewhere
	} {
		got := latinWords(tt.body)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("latinWords(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

// rawCodes are machine spellings a Russian page must not show although
// latinWords lets them pass as ids: audit actions, Go durations, ISO weeks.
var rawCodes = regexp.MustCompile(`\b(?:user|token|webhook)\.(?:create|role|remove|revoke|secret)\b|[+-]?\b\d+[hm]\d+[ms]\d*s?\b|\b\d{4}-W\d{2}\b`)

// russianReq is one request of TestRussianPages: who sends it, how, where.
type russianReq struct {
	who, method, path string
	form              url.Values
}

// russianWants are words some pages must say, beyond saying no English.
var russianWants = map[string][]string{
	"head /w/acme/statement?period=2026-11":          {"Ведомость за ноябрь 2026", "Сумма, ₽", "100,00\u00a0₽ за балл"},
	"head /w/acme/statement?period=2026-W47":         {"Ведомость за 16 ноября – 22 ноября", "← 9 ноября – 15 ноября"},
	"viewer /w/acme/wall":                            {"Неделя 16 ноября – 22 ноября", "Месяц ноябрь 2026"},
	"head /w/acme/day/2026-11-16":                    {"150\u202f000,50"},
	"head /w/acme/why/anna/2026-11-16/won_amount":    {"не меньше 100\u202f000 · выполнено 150\u202f000,50", "<title>Сумма выигранных сделок · Анна Петрова · 16 ноября 2026"},
	"head /w/acme/regulation":                        {"не меньше 100\u202f000"},
	"head /w/acme/managers/nobody":                   {"менеджер не найден"},
	"head /w/acme/adjustments":                       {"фиксация дня", "пользователь создан", "компаний", "записано"},
	"head /w/acme/settings":                          {"18:00 (+10 мин)", "19 ноября – 20 ноября (vacation)"},
	"manager /w/acme/why/anna/2026-11-16/calls_held": {"звонок", "16 ноября 2026, 10:05"},
	"head /w/acme/day/2026-11-22":                    {"22 ноября 2026 — нерабочий день", `href="/w/acme/today"`},
	"head /w/acme/statement?period=week":             {"нужен месяц ГГГГ-ММ или неделя ГГГГ-Wнн"},
}

// TestRussianPages renders every page and the main errors in Russian as
// each role sees them and fails on English words: what a Russian reader
// sees is Russian but for names, ids, e-mails, URLs and the few words of
// latinAllowed. The same requests in English must show no Russian but the
// fixture's names and what the test typed.
func TestRussianPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s) // today: Friday 2026-11-20
		head := env.login("head@acme.example")
		// Leave traces in the audit log: an adjustment, a user, a token.
		head.get("/w/acme/adjustments")
		if resp, body := head.post("/w/acme/adjustments", url.Values{"manager": {"boris"}, "date": {"2026-11-17"}, "points": {"2"}, "reason": {"звонок клиенту"}}); resp.StatusCode >= 400 {
			t.Fatalf("add adjustment: %d\n%s", resp.StatusCode, body)
		}
		head.get("/w/acme/settings")
		if resp, body := head.post("/w/acme/users", url.Values{"email": {"new@acme.example"}, "role": {"head"}}); resp.StatusCode >= 400 {
			t.Fatalf("add user: %d\n%s", resp.StatusCode, body)
		}
		head.get("/w/acme/settings")
		head.post("/w/acme/tokens", url.Values{"user": {"2"}, "name": {"отчёты"}})

		type req = russianReq
		var reqs []req
		get := func(who string, paths ...string) {
			for _, p := range paths {
				reqs = append(reqs, req{who, "GET", p, nil})
			}
		}
		post := func(who, path string, form url.Values) { reqs = append(reqs, req{who, "POST", path, form}) }
		pages := []string{
			"/w/acme/today",
			"/w/acme/day/2026-11-16", "/w/acme/day/2026-11-20", "/w/acme/day/2026-11-04",
			"/w/acme/month", "/w/acme/month?period=2026-11", "/w/acme/month?period=2026-11&indicator=calls_held",
			"/w/acme/statement", "/w/acme/statement?period=2026-W47", "/w/acme/statement?period=2026-11",
			"/w/acme/wall",
			"/w/acme/managers/anna",
		}
		for _, ind := range []string{"calls_held", "overdue_tasks", "deals_without_tasks", "won_amount", "meetings_held", "late_entries"} {
			pages = append(pages, "/w/acme/why/anna/2026-11-16/"+ind, "/w/acme/why/anna/2026-11-20/"+ind)
		}
		get("head", pages...)
		get("head", "/w/acme/adjustments", "/w/acme/adjustments?period=2026-11", "/w/acme/regulation",
			"/w/acme/settings", "/w/acme/deliveries", "/w/acme/telegram", "/w/acme/managers/boris", "/w/acme/day")
		get("head", formsPages...) // the forms and the Norms step (forms_russian_test.go)
		// The guided setup (setup_russian_test.go).
		reqs = append(reqs, setupRussianReqs...)
		get("manager", pages...)
		get("manager", "/w/acme/telegram")
		get("viewer", "/w/acme/wall")
		get("admin", "/workspaces", "/w/acme/today", "/w/acme/settings")
		get("anonymous", "/login")
		// The errors people meet.
		get("head",
			"/w/acme/day/2026-11-22", // a Sunday
			"/w/acme/day/2026-13-45",
			"/w/acme/day/2026-11-22?x=1",
			"/w/acme/why/nobody/2026-11-16/calls_held",
			"/w/acme/why/anna/2026-11-16/nothing",
			"/w/acme/why/anna/2026-11-16/calls_held?page=99",
			"/w/acme/month?period=2026-99",
			"/w/acme/month?period=2026-11&indicator=nothing",
			"/w/acme/statement?period=week",
			"/w/acme/adjustments?period=x",
			"/w/acme/managers/nobody",
			"/w/nowhere/today",
			"/no/such/page",
		)
		get("manager", "/w/acme/settings", "/w/acme/managers/boris", "/w/acme/why/boris/2026-11-16/calls_held")
		get("viewer", "/w/acme/today")
		for _, form := range []url.Values{
			{"manager": {"boris"}, "date": {"2026-11-17"}, "points": {"2"}, "reason": {""}},
			{"manager": {"boris"}, "date": {"2027-03-01"}, "points": {"2"}, "reason": {"причина"}},
			{"manager": {"boris"}, "date": {"2026-11-17"}, "points": {"100000"}, "reason": {"причина"}},
			{"manager": {"boris"}, "date": {"2026-11-17"}, "points": {"0"}, "reason": {"причина"}},
			{"manager": {"boris"}, "date": {"2026-11-17"}, "points": {"два"}, "reason": {"причина"}},
			{"manager": {"boris"}, "date": {"вчера"}, "points": {"2"}, "reason": {"причина"}},
			{"manager": {"boris"}, "date": {"2026-11-22"}, "points": {"2"}, "reason": {"причина"}},
			{"manager": {"nobody"}, "date": {"2026-11-17"}, "points": {"2"}, "reason": {"причина"}},
		} {
			post("head", "/w/acme/adjustments", form)
		}
		for _, yaml := range []string{
			"regulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 5}\n", // in the past
			"regulation: [",
			"regulation:\n  - effective: 2026-12-01\n    rules:\n      - {indicator: nothing, at_least: 5}\n",
		} {
			post("head", "/w/acme/regulation", url.Values{"action": {"save"}, "yaml": {yaml}})
		}
		post("head", "/w/acme/regulation", url.Values{"action": {"preview"}, "yaml": {"regulation:\n  - effective: 2026-11-23\n    rules:\n      - {indicator: calls_held, at_least: 30}\n"}})
		post("head", "/w/acme/settings", url.Values{"yaml": {"workspace: acme\ntimezone: Mars/Olympus\n"}})
		post("head", "/w/acme/settings", url.Values{"yaml": {"workspace: [\n"}})
		post("head", "/w/acme/users", url.Values{"email": {"bad"}, "role": {"head"}})
		post("head", "/w/acme/users", url.Values{"email": {"x@acme.example"}, "role": {"boss"}})
		post("head", "/w/acme/day/2026-11-16/recompute", url.Values{"reason": {""}})
		post("head", "/w/acme/day/2026-11-16/recompute", url.Values{"reason": {"проверка"}})
		post("manager", "/w/acme/telegram", url.Values{})
		post("head", "/w/acme/telegram", url.Values{})
		post("head", "/w/acme/users/3", url.Values{"action": {"save"}, "role": {"manager"}})
		post("head", "/w/acme/users/3", url.Values{"action": {"save"}, "role": {"boss"}})
		post("head", "/w/acme/tokens", url.Values{"user": {"999"}, "name": {"x"}})
		post("head", "/w/acme/tokens/revoke", url.Values{"token": {strings.Repeat("0", 64)}})
		post("head", "/w/acme/settings", url.Values{"form": {"pay"}, "effective": {"2026-11-01"}, "point_value": {"150"}, "currency": {"RUB"}, "mode": {"points"}})
		post("head", "/w/acme/settings", url.Values{"form": {"pay"}, "effective": {"2027-01-01"}, "point_value": {"много"}, "currency": {"рубли"}, "mode": {"points"}})

		clients := map[string]*client{
			"head":      head,
			"manager":   env.login("anna@acme.example"),
			"viewer":    env.login("wall@acme.example"),
			"admin":     env.login("admin@example.com"),
			"anonymous": env.client(),
		}
		for _, lang := range []string{"ru", "en"} {
			for _, c := range clients {
				c.post("/lang", url.Values{"lang": {lang}})
			}
			if lang == "en" {
				englishPages(t, clients, reqs)
				continue
			}
			for _, r := range reqs {
				c := clients[r.who]
				var resp *http.Response
				var body string
				if r.method == "GET" {
					resp, body = c.get(r.path)
				} else {
					c.get(strings.SplitN(r.path, "/recompute", 2)[0]) // a fresh CSRF token
					resp, body = c.post(r.path, r.form)
				}
				if resp.StatusCode >= 300 && resp.StatusCode < 400 {
					continue
				}
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s %s: status %d", r.who, r.method, r.path, resp.StatusCode)
				}
				if !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s %s %s: status %d, %s, want an HTML page\n%.300s", r.who, r.method, r.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
					continue
				}
				if resp.StatusCode >= 400 && !strings.Contains(body, `class="nav"`) && r.who != "anonymous" {
					t.Errorf("%s %s %s: error page %d without the menu", r.who, r.method, r.path, resp.StatusCode)
				}
				if w := latinWords(body, acmeData); len(w) > 0 {
					t.Errorf("%s %s %s (%d): English words on a Russian page: %s", r.who, r.method, r.path, resp.StatusCode, strings.Join(w, " "))
				}
				for _, w := range russianWants[r.who+" "+r.path] {
					if !strings.Contains(body, w) {
						t.Errorf("%s %s %s: page lacks %q", r.who, r.method, r.path, w)
					}
				}
				visible := tag.ReplaceAllString(skipBlocks.ReplaceAllString(body, " "), " ")
				if codes := rawCodes.FindAllString(visible, -1); len(codes) > 0 {
					t.Errorf("%s %s %s: raw codes on a Russian page: %q", r.who, r.method, r.path, codes)
				}
			}
		}
	})
}

// acmeRussian are the Russian words of the acme fixture and of what the
// test typed: names, the company's name, reasons.
var acmeRussian = map[string]bool{
	"Анна": true, "Петрова": true, "Борис": true, "Смирнов": true, "Вера": true, "Ким": true, "ООО": true, "Ромашка": true,
	"звонок": true, "клиенту": true, "отчёты": true, "причина": true, "проверка": true,
	"Монтаж": true, "Поставка": true, // deal titles in the CRM
	"Русский": true, // the language switch names Russian in Russian
}

var cyrillicWord = regexp.MustCompile(`[\p{Cyrillic}]+`)

// englishPages requests reqs as English readers and fails on Russian words
// outside the fixture's names and what the test typed.
func englishPages(t *testing.T, clients map[string]*client, reqs []russianReq) {
	t.Helper()
	for _, r := range reqs {
		c := clients[r.who]
		var resp *http.Response
		var body string
		if r.method == "GET" {
			resp, body = c.get(r.path)
		} else {
			c.get(strings.SplitN(r.path, "/recompute", 2)[0])
			resp, body = c.post(r.path, r.form)
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		text := quoted.ReplaceAllString(html.UnescapeString(tag.ReplaceAllString(skipBlocks.ReplaceAllString(body, " "), " ")), " ")
		var found []string
		seen := map[string]bool{}
		for _, w := range cyrillicWord.FindAllString(text, -1) {
			if !acmeRussian[w] && !seen[w] {
				seen[w] = true
				found = append(found, w)
			}
		}
		if len(found) > 0 {
			t.Errorf("%s %s %s (%d): Russian words on an English page: %s", r.who, r.method, r.path, resp.StatusCode, strings.Join(found, " "))
		}
	}
}

// A saved settings file lists its changes in Russian, and the audit log
// says them so too.
func TestSettingsChangesSaidInRussian(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		_, page := c.get("/w/acme/settings")
		m := regexp.MustCompile(`(?s)<textarea name="yaml" id="settings-yaml"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no settings file on the page")
		}
		yaml := html.UnescapeString(m[1])
		changed := strings.Replace(yaml, "min_call_seconds: 10", "min_call_seconds: 15", 1)
		if changed == yaml {
			t.Fatalf("the settings file has no min_call_seconds: 10:\n%s", yaml)
		}
		resp, body := c.post("/w/acme/settings", url.Values{"yaml": {changed}})
		if resp.StatusCode == http.StatusSeeOther {
			_, body = c.get(resp.Header.Get("Location"))
		}
		if !strings.Contains(body, "изменены настройки: мин. длительность звонка") {
			t.Errorf("saved settings do not list their change in Russian:\n%.2000s", body)
		}
		if _, adj := c.get("/w/acme/adjustments"); !strings.Contains(adj, "настройки сохранены") || !strings.Contains(adj, "изменены настройки: мин. длительность звонка") {
			t.Errorf("the audit log does not say the change in Russian")
		}
	})
}
