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
	"reglament/internal/telegram"
)

func TestDeliveriesPageIsForHeads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		ctx := context.Background()
		for _, f := range []store.FailedDelivery{
			{Key: "acme/digest/2026-11-19/head:Olga", Workspace: "acme", Recipient: "head Olga", Channel: "email", Kind: "digest",
				Error: "notify: email: temporary failure: SMTP 451 4.3.0 mailbox busy", Attempts: 10, At: env.clock.Now().Add(-time.Hour)},
			{Key: "other/reminder/2026-11-20/60m/boris", Workspace: "other", Recipient: "manager boris", Channel: "telegram", Kind: "reminder",
				Error: "notify: telegram: permanent failure: HTTP 403: Forbidden: OTHER-WORKSPACE", Attempts: 1, At: env.clock.Now()},
		} {
			if err := s.RecordFailedDelivery(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		resp, body := env.login("head@acme.example").get("/w/acme/deliveries")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "SMTP 451 4.3.0 mailbox busy") || !strings.Contains(body, "head Olga") ||
			!strings.Contains(body, "2026-11-20 11:00") {
			t.Errorf("head: status %d; want 200 listing Olga's digest failed at 11:00 Moscow time\n%s", resp.StatusCode, body)
		}
		if strings.Contains(body, "OTHER-WORKSPACE") {
			t.Error("acme's head sees another workspace's failed delivery")
		}
		// Today tells the head of the week's failures (acme's one only) and
		// links to them; a manager's Today says nothing of them.
		if _, body := env.login("head@acme.example").get("/w/acme/today"); !strings.Contains(body, `id="failed-lately"`) ||
			!strings.Contains(body, "не доставленных за неделю: 1") {
			t.Errorf("head's Today does not point to the 1 failed delivery of the week\n%s", body)
		}
		if _, body := env.login("anna@acme.example").get("/w/acme/today"); strings.Contains(body, "failed-lately") {
			t.Error("a manager's Today mentions failed deliveries")
		}
		if resp, body := env.login("anna@acme.example").get("/w/acme/deliveries"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "mailbox busy") {
			t.Errorf("manager: status %d; want 403 without the list", resp.StatusCode)
		}
		if resp, _ := env.login("head@other.example").get("/w/acme/deliveries"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("head of another workspace: status %d; want 404", resp.StatusCode)
		}
		if resp, body := env.login("head@other.example").get("/w/other/deliveries"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "OTHER-WORKSPACE") {
			t.Errorf("head of other: status %d; want 200 with its own failure", resp.StatusCode)
		}
		for lang, want := range map[string]string{"ru": "Недоставленные уведомления", "en": "Failed deliveries"} {
			c := env.login("admin@example.com")
			req, _ := http.NewRequest(http.MethodGet, env.http.URL+"/w/acme/deliveries", nil)
			req.Header.Set("Accept-Language", lang)
			if resp, body := c.do(req); resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("admin in %s: status %d; want 200 titled %q", lang, resp.StatusCode, want)
			}
		}
	})
}

var tgCommand = regexp.MustCompile(`<code id="tg-command">/start ([A-Z0-9]+)</code>`)

func TestTelegramPageGivesTheOwnCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		env := newTestEnv(t, s)
		anna := env.login("anna@acme.example")
		resp, body := anna.get("/w/acme/telegram")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="tg-status"`) || strings.Contains(body, "tg-command") {
			t.Fatalf("anna's Telegram page: status %d; want 200, not linked, no code yet\n%s", resp.StatusCode, body)
		}
		resp, body = anna.post("/w/acme/telegram", nil)
		m := tgCommand.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("new code: status %d; want 200 with /start CODE\n%s", resp.StatusCode, body)
		}
		if !strings.Contains(body, "2026-11-21 12:00") {
			t.Errorf("the page does not say the code lasts until 2026-11-21 12:00:\n%s", body)
		}
		p, err := s.UseLinkCode(context.Background(), telegram.HashCode(m[1]), "1001", env.clock.Now())
		if err != nil || p != (store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}) {
			t.Fatalf("the shown code links %v, %v; want anna", p, err)
		}
		if _, body := anna.get("/w/acme/telegram"); !strings.Contains(body, "Telegram") || !strings.Contains(body, "/today") {
			t.Errorf("after linking the page does not say so:\n%s", body)
		}

		// A CSRF-less post makes no code; a viewer is nobody to notify.
		if resp, body := anna.post("/w/acme/telegram", map[string][]string{"csrf": {"forged"}}); resp.StatusCode == http.StatusOK || tgCommand.MatchString(body) {
			t.Errorf("forged CSRF: status %d; want a refusal without a code", resp.StatusCode)
		}
		wall := env.login("wall@acme.example")
		if _, body := wall.get("/w/acme/telegram"); !strings.Contains(body, `id="tg-nobody"`) {
			t.Errorf("viewer: want the nobody-to-notify note\n%s", body)
		}
		if resp, body := wall.post("/w/acme/telegram", nil); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "не менеджер и не руководитель") {
			t.Errorf("viewer asking for a code: status %d; want 403", resp.StatusCode)
		}
		other := env.login("head@other.example")
		other.get("/w/other/telegram") // for its CSRF token
		if resp, _ := other.post("/w/acme/telegram", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("head of another workspace: status %d; want 404", resp.StatusCode)
		}
	})
}
