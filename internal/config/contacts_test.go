package config

import (
	"testing"
	"time"

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
			`workspace.yaml:5: notifications: unknown field "slack" (known: heads, webhook_url, reminders, statements_at)`},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(tc.src))
		if got := errorLines(t, err); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestParseWorkspaceRhythm(t *testing.T) {
	clock := func(h, m int) *domain.Clock { return &domain.Clock{Hour: h, Minute: m} }
	tests := []struct {
		name       string
		src        string
		reminders  []time.Duration
		statements *domain.Clock
	}{
		// Absent: nil, so that the planner's default rhythm (60m, 15m;
		// 09:00) applies.
		{"no notifications section", contactBase + "managers: [{id: anna}]\n", nil, nil},
		{"a section without the rhythm", contactBase + "managers: [{id: anna}]\nnotifications: {webhook_url: https://h.example/x}\n", nil, nil},
		{"empty values count as absent", contactBase + "managers: [{id: anna}]\nnotifications:\n  reminders:\n  statements_at:\n", nil, nil},
		{"both set", contactBase + "managers: [{id: anna}]\nnotifications:\n  reminders: [60m, 15m]\n  statements_at: \"09:00\"\n",
			[]time.Duration{time.Hour, 15 * time.Minute}, clock(9, 0)},
		{"one reminder, in the given order of units", contactBase + "managers: [{id: anna}]\nnotifications:\n  reminders: [1h30m]\n",
			[]time.Duration{90 * time.Minute}, nil},
		{"given order is kept", contactBase + "managers: [{id: anna}]\nnotifications:\n  reminders: [5m, 2h, 30m]\n",
			[]time.Duration{5 * time.Minute, 2 * time.Hour, 30 * time.Minute}, nil},
		{"the longest", contactBase + "managers: [{id: anna}]\nnotifications:\n  reminders: [11h59m]\n", []time.Duration{11*time.Hour + 59*time.Minute}, nil},
		{"[] turns reminders off", contactBase + "managers: [{id: anna}]\nnotifications:\n  reminders: []\n", []time.Duration{}, nil},
		{"statements unquoted, H:MM", contactBase + "managers: [{id: anna}]\nnotifications:\n  statements_at: 7:05\n", nil, clock(7, 5)},
		{"statements at midnight", contactBase + "managers: [{id: anna}]\nnotifications:\n  statements_at: \"00:00\"\n", nil, clock(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := mustParseWorkspace(t, tt.src)
			if diff := cmp.Diff(tt.reminders, ws.Notifications.Reminders); diff != "" {
				t.Errorf("reminders (-want +got):\n%s", diff)
			}
			if (tt.reminders == nil) != (ws.Notifications.Reminders == nil) {
				t.Errorf("reminders nil = %v, want %v", ws.Notifications.Reminders == nil, tt.reminders == nil)
			}
			if diff := cmp.Diff(tt.statements, ws.Notifications.StatementsAt); diff != "" {
				t.Errorf("statements_at (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseWorkspaceRhythmErrors(t *testing.T) {
	n := contactBase + "managers: [{id: anna}]\nnotifications:\n"
	for _, tc := range []struct{ src, want string }{
		{n + "  reminders: 15m\n",
			`workspace.yaml:5: notifications.reminders: want a list, got "15m"`},
		{n + "  reminders: [15]\n",
			`workspace.yaml:5: notifications.reminders[0]: invalid duration "15": want e.g. 15m`},
		{n + "  reminders: [60m, soon]\n",
			`workspace.yaml:5: notifications.reminders[1]: invalid duration "soon": want e.g. 15m`},
		{n + "  reminders: [0m]\n",
			`workspace.yaml:5: notifications.reminders[0]: must be more than 0 and less than 12h before the deadline, got 0m`},
		{n + "  reminders: [-15m]\n",
			`workspace.yaml:5: notifications.reminders[0]: must be more than 0 and less than 12h before the deadline, got -15m`},
		{n + "  reminders: [12h]\n",
			`workspace.yaml:5: notifications.reminders[0]: must be more than 0 and less than 12h before the deadline, got 12h`},
		{n + "  reminders: [90s]\n",
			`workspace.yaml:5: notifications.reminders[0]: want a whole number of minutes, got 90s`},
		{n + "  reminders: [\"\"]\n",
			`workspace.yaml:5: notifications.reminders[0]: must not be empty`},
		{n + "  reminders:\n    - 60m\n    - 15m\n    - 1h\n",
			`workspace.yaml:8: notifications.reminders[2]: reminder 60m listed twice (first at line 6)`},
		{n + "  reminders: {first: 60m}\n",
			`workspace.yaml:5: notifications.reminders: want a list, got a mapping`},
		{n + "  statements_at: \"24:00\"\n",
			`workspace.yaml:5: notifications.statements_at: invalid time of day "24:00": want HH:MM, e.g. "09:00"`},
		{n + "  statements_at: morning\n",
			`workspace.yaml:5: notifications.statements_at: invalid time of day "morning": want HH:MM, e.g. "09:00"`},
		{n + "  statements_at: [\"09:00\"]\n",
			`workspace.yaml:5: notifications.statements_at: want a single value, got a list`},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(tc.src))
		if got := errorLines(t, err); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}
