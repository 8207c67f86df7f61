package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
)

const contactBase = `workspace: acme
timezone: Europe/Moscow
`

func TestParseWorkspaceContacts(t *testing.T) {
	ws := mustParseWorkspace(t, contactBase+`managers:
  - id: anna
    contact: {telegram: "123456", lang: en}
  - id: boris
    contact: {email: boris@acme.example, notify: false}
  - id: vera
notifications:
  heads:
    - {name: Olga, telegram: "-100200300"}
    - {name: Pavel, email: pavel@acme.example, lang: en}
  webhook_url: https://chat.acme.example/hooks/abc
`)
	want := []*domain.Contact{
		{Telegram: "123456", Lang: "en", Notify: true},
		{Email: "boris@acme.example", Lang: "ru", Notify: false},
		nil,
	}
	for i, m := range ws.Managers {
		if diff := cmp.Diff(want[i], m.Contact); diff != "" {
			t.Errorf("manager %s contact (-want +got):\n%s", m.ID, diff)
		}
	}
	wantN := domain.Notifications{
		Heads: []domain.Head{
			{Name: "Olga", Contact: domain.Contact{Telegram: "-100200300", Lang: "ru", Notify: true}},
			{Name: "Pavel", Contact: domain.Contact{Email: "pavel@acme.example", Lang: "en", Notify: true}},
		},
		WebhookURL: "https://chat.acme.example/hooks/abc",
	}
	if diff := cmp.Diff(wantN, ws.Notifications); diff != "" {
		t.Errorf("notifications (-want +got):\n%s", diff)
	}
}

func TestParseWorkspaceContactErrors(t *testing.T) {
	manager := contactBase + "managers:\n  - id: anna\n    contact:\n"
	heads := contactBase + "managers: [{id: anna}]\nnotifications:\n"
	for _, tc := range []struct{ src, want string }{
		{manager + "      telegram: '@anna'\n",
			`workspace.yaml:6: managers[0].contact.telegram: invalid Telegram chat id "@anna": want digits, with a leading '-' for a group`},
		{manager + "      email: anna-at-acme\n",
			`workspace.yaml:6: managers[0].contact.email: invalid e-mail address "anna-at-acme": want e.g. anna@acme.example`},
		{manager + "      email: Anna <anna@acme.example>\n",
			`workspace.yaml:6: managers[0].contact.email: invalid e-mail address "Anna <anna@acme.example>": want e.g. anna@acme.example`},
		{manager + "      lang: de\n",
			`workspace.yaml:6: managers[0].contact.lang: unknown language "de" (known: ru, en)`},
		{manager + "      notify: sometimes\n",
			`workspace.yaml:6: managers[0].contact.notify: want true or false, got "sometimes"`},
		{manager + "      phone: '+7'\n",
			`workspace.yaml:6: managers[0].contact: unknown field "phone" (known: telegram, email, lang, notify)`},
		{heads + "  webhook_url: ftp://chat.example\n",
			`workspace.yaml:5: notifications.webhook_url: invalid URL "ftp://chat.example": want e.g. https://hooks.slack.com/services/…`},
		{heads + "  heads:\n    - {name: Olga}\n",
			`workspace.yaml:6: notifications.heads[0]: a head needs a telegram chat id or an e-mail address`},
		{heads + "  heads:\n    - {telegram: '1'}\n",
			`workspace.yaml:6: notifications.heads[0].name: required field is missing`},
		{heads + "  heads:\n    - {name: Olga, telegram: '1'}\n    - {name: Olga, telegram: '2'}\n",
			`workspace.yaml:7: notifications.heads[1].name: duplicate head "Olga" (first at line 6)`},
		{heads + "  heads:\n    - {name: Olga, telegram: '1', notify: false}\n",
			`workspace.yaml:6: notifications.heads[0]: unknown field "notify" (known: name, telegram, email, lang)`},
		{heads + "  slack: https://x.example\n",
			`workspace.yaml:5: notifications: unknown field "slack" (known: heads, webhook_url)`},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(tc.src))
		if got := errorLines(t, err); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}
