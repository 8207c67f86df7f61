package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var settingsYAML = regexp.MustCompile(`(?s)<textarea name="yaml" id="settings-yaml"[^>]*>(.*?)</textarea>`)

// editorText returns the text of the settings editor in body.
func editorText(tb testing.TB, body string) string {
	tb.Helper()
	m := settingsYAML.FindStringSubmatch(body)
	if m == nil {
		tb.Fatalf("settings page has no YAML editor")
	}
	// The browser drops the newline that follows the start tag.
	return strings.TrimPrefix(html.UnescapeString(m[1]), "\n")
}

// storedYAML is the stored workspace id in the file format.
func (e *testEnv) storedYAML(id string) string {
	e.t.Helper()
	ws, err := e.store.FindWorkspace(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(config.FormatWorkspace(ws))
}

func TestHeadEditsSettingsAsYAML(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		_, body := c.get("/w/acme/settings")
		if !strings.Contains(body, `id="settings"`) {
			t.Errorf("the read-only overview is gone from the settings page")
		}
		text := editorText(t, body)
		if want := env.storedYAML("acme"); text != want {
			t.Fatalf("editor shows\n%s\nwant the stored workspace\n%s", text, want)
		}

		// Saving the text unchanged changes nothing.
		resp, body := c.post("/w/acme/settings", url.Values{"yaml": {text}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="settings-saved"`) || strings.Contains(body, `id="settings-changes"`) {
			t.Fatalf("unchanged save: status %d, want 200 and no changes\n%s", resp.StatusCode, body)
		}

		// A new holiday and an absence, edited as the head would.
		ws, err := config.ParseWorkspace("workspace.yaml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		ws.Holidays = append(ws.Holidays, mustDate("2026-12-31"))
		boris, ok := ws.Manager("boris")
		if !ok {
			t.Fatal("fixture has no manager boris")
		}
		boris.Absences = append(boris.Absences, domain.Absence{From: mustDate("2026-12-01"), To: mustDate("2026-12-05"), Reason: "vacation"})
		edited := string(config.FormatWorkspace(ws))
		resp, body = c.post("/w/acme/settings", url.Values{"yaml": {edited}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="settings-changes"`) {
			t.Fatalf("save: status %d, want 200 with a list of changes\n%s", resp.StatusCode, body)
		}
		got, err := s.FindWorkspace(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got.Holidays, mustDate("2026-12-31")) {
			t.Errorf("stored holidays %v lack 2026-12-31", got.Holidays)
		}
		if b, _ := got.Manager("boris"); !b.AbsentOn(mustDate("2026-12-03")) {
			t.Errorf("stored absences of boris %v lack 2026-12-01…05", b.Absences)
		}
		if text := editorText(t, body); text != env.storedYAML("acme") {
			t.Errorf("after saving the editor shows\n%s\nwant the stored workspace", text)
		}
		if !strings.Contains(body, "2026-12-31") {
			t.Errorf("the overview does not show the new holiday")
		}
		entries, err := s.FindAudit(t.Context(), "acme", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || entries[0].Actor != "head@acme.example" {
			t.Errorf("latest audit entries %+v, want the head as actor", entries[:min(len(entries), 1)])
		}
	})
}

func TestSettingsRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		c := env.login("head@acme.example")
		_, body := c.get("/w/acme/settings")
		text := editorText(t, body)
		before, beforeOther := env.storedYAML("acme"), env.storedYAML("other")
		lines := strings.Count(text, "\n")

		ws, err := config.ParseWorkspace("workspace.yaml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		// The version of 2026-11-01 scored final sheets: changing it is a conflict.
		ws.Regulation[0].Rules[0].Target = ws.Regulation[0].Rules[0].Target.Add(decimal.NewFromInt(1))
		conflicting := string(config.FormatWorkspace(ws))

		tests := []struct {
			name   string
			yaml   string
			status int
			want   string // in the error shown beside the editor
		}{
			{"unknown field", text + "bogus: 1\n", http.StatusBadRequest, fmt.Sprintf("workspace.yaml:%d: неизвестное поле &#34;bogus&#34;", lines+1)}, // in the page's Russian
			{"broken YAML", strings.Replace(text, "managers:", "managers: [", 1), http.StatusBadRequest, "workspace.yaml:"},
			{"empty", "", http.StatusBadRequest, "файл пуст"},
			{"other workspace", strings.Replace(text, "workspace: acme", "workspace: other", 1), http.StatusBadRequest, "файл — для рабочего пространства &#34;other&#34;"},
			{"final version changed", conflicting, http.StatusConflict, "версию регламента 2026-11-01 уже применяли итоговые листы"},
			{"crm by a head", text + "crm: {kind: amocrm, base_url: https://evil.example, token_file: /etc/passwd}\n", http.StatusForbidden, "может менять только администратор"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := c.post("/w/acme/settings", url.Values{"yaml": {tt.yaml}})
				if resp.StatusCode != tt.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
				}
				m := regexp.MustCompile(`(?s)<pre class="error" id="settings-error">(.*?)</pre>`).FindStringSubmatch(body)
				if m == nil || !strings.Contains(m[1], tt.want) {
					t.Errorf("error beside the editor %q, want it to contain %q", m, tt.want)
				}
				if got := editorText(t, body); got != tt.yaml {
					t.Errorf("the editor lost the text: got\n%s\nwant\n%s", got, tt.yaml)
				}
				if diff := cmp.Diff(before, env.storedYAML("acme")); diff != "" {
					t.Errorf("a refused save changed acme (-before +after):\n%s", diff)
				}
				if diff := cmp.Diff(beforeOther, env.storedYAML("other")); diff != "" {
					t.Errorf("a refused save changed other (-before +after):\n%s", diff)
				}
			})
		}

		// An admin may set the CRM connection.
		a := env.login("admin@example.com")
		a.get("/w/acme/settings") // for a CSRF token
		withCRM := text + "crm: {kind: bitrix24, base_url: \"https://acme.bitrix24.ru/rest/1/x/\"}\n"
		if resp, body := a.post("/w/acme/settings", url.Values{"yaml": {withCRM}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("admin saving a crm section: status %d, want 200\n%s", resp.StatusCode, body)
		}
		got, err := s.FindWorkspace(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if got.CRM == nil || got.CRM.Kind != domain.CRMBitrix24 {
			t.Errorf("stored CRM %+v, want the bitrix24 the admin saved", got.CRM)
		}
	})
}
