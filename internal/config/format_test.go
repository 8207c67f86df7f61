package config

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
)

// roundTrip checks that ParseWorkspace(FormatWorkspace(ws)) gives ws back.
func roundTrip(tb testing.TB, ws *domain.Workspace) {
	tb.Helper()
	out := FormatWorkspace(ws)
	got, err := ParseWorkspace("/out/workspace.yaml", out)
	if err != nil {
		tb.Fatalf("ParseWorkspace of\n%s\nfailed: %v", out, err)
	}
	if diff := cmp.Diff(ws, got, cmpOptions); diff != "" {
		tb.Fatalf("round trip mismatch (-want +got):\n%s\nformatted:\n%s", diff, out)
	}
}

func TestFormatWorkspaceRoundTrip(t *testing.T) {
	example, err := os.ReadFile("testdata/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  string
	}{
		{"documented example", string(example)},
		{"minimal", base},
		{"empty lists, caps absent", "workspace: a\ntimezone: UTC\nholidays: []\nextra_working_days: []\nregulation: []\n" +
			"managers:\n  - {id: anna, crm_ids: [], absences: []}\n"},
		{"one cap", base + "caps: {fine: 500.5}\n"},
		{"other cap", base + "caps: {bonus: 0}\n"},
		{"weekend work, odd values", "workspace: b-2\nname: \"true\"\ntimezone: Asia/Yekaterinburg\ndeadline: \"9:05\"\ngrace: 90s\n" +
			"working_days: [sun, sat, wed]\nholidays: [2026-12-31, 2027-01-01]\nextra_working_days: [2026-12-26]\n" +
			"min_call_seconds: 0\ncurrency: KZT\npoint_value: 12.50\n" +
			"managers:\n  - {id: \"42\", name: \"no\", team: \"a: b\", crm_ids: [101, \"007\", x y]}\n" +
			"  - id: y\n    absences: [{from: 2026-11-01, to: 2026-11-01}, {from: 2026-11-03, to: 2026-11-09, reason: \"#sick\"}]\n" +
			"    contact: {}\n" +
			"  - id: z\n    contact: {telegram: \"-100\", email: z@x.example, lang: en, notify: false}\n" +
			"regulation:\n  - effective: 2026-11-01\n    rules:\n" +
			"      - {indicator: calls_held, at_least: 30, managers: [\"42\", y], targets: {\"42\": 5, y: 0}}\n" +
			"      - {indicator: won_amount, at_least: 1000.5, pass: 3, fail: 0, teams: [\"a: b\"]}\n" +
			"  - effective: 2026-12-01\n    rules: []\n"},
		{"crm and notifications", base + "crm: {kind: amocrm, base_url: https://acme.amocrm.ru, token_file: /etc/token}\n" +
			"notifications:\n  heads: [{name: Ольга, telegram: \"-1\"}, {name: P, email: p@a.example, lang: en}]\n  webhook_url: https://h.example/x\n"},
		{"bitrix without token, slow sync", base + "crm: {kind: bitrix24, base_url: \"https://b.example/rest/1/abc/\", sync_every: 1h30m}\n" +
			"notifications: {webhook_url: https://h.example/x}\n"},
		{"relative token file", base + "crm: {kind: amocrm, base_url: https://acme.amocrm.ru, token_file: secrets/token}\n"},
		{"rhythm only", base + "notifications: {reminders: [30m, 1h30m, 2h], statements_at: \"7:05\"}\n"},
		{"reminders off", base + "notifications: {reminders: []}\n"},
		{"rhythm equal to the defaults", base + "notifications: {reminders: [60m, 15m], statements_at: \"09:00\"}\n"},
		{"rhythm with heads", base + "notifications:\n  heads: [{name: O, telegram: \"1\"}]\n  statements_at: \"00:00\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := mustParseWorkspace(t, tt.src)
			roundTrip(t, ws)
		})
	}
}

// TestFormatWorkspaceExample pins the layout of a small workspace.
func TestFormatWorkspaceExample(t *testing.T) {
	ws := mustParseWorkspace(t, base+"caps: {bonus: 20000}\nregulation:\n  - effective: 2026-11-01\n    rules:\n      - {indicator: calls_held, at_least: 30}\n")
	want := `workspace: acme
name: acme
timezone: UTC
deadline: "18:00"
grace: 10m
working_days: [mon, tue, wed, thu, fri]
holidays: []
extra_working_days: []
min_call_seconds: 1
currency: RUB
point_value: 0
caps: {bonus: 20000}
managers:
  - id: anna
    name: anna
    crm_ids: ["101"]
    team: north
regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 30}
`
	if diff := cmp.Diff(want, string(FormatWorkspace(ws))); diff != "" {
		t.Errorf("FormatWorkspace mismatch (-want +got):\n%s", diff)
	}
}

// TestFormatWorkspaceRhythm pins how the rhythm is written: only when the
// workspace sets it, and [] for reminders turned off.
func TestFormatWorkspaceRhythm(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the notifications section, or "" for none
	}{
		{"unset: nothing written", base, ""},
		{"set", base + "notifications: {reminders: [1h, 15m], statements_at: 10:30}\n",
			"notifications:\n  reminders: [60m, 15m]\n  statements_at: \"10:30\"\n"},
		{"off", base + "notifications: {reminders: []}\n",
			"notifications:\n  reminders: []\n"},
		{"after the webhook", base + "notifications: {statements_at: \"8:00\", webhook_url: https://h.example/x}\n",
			"notifications:\n  webhook_url: https://h.example/x\n  statements_at: \"08:00\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(FormatWorkspace(mustParseWorkspace(t, tt.src)))
			got := ""
			if i := strings.Index(out, "notifications:"); i >= 0 {
				got = out[i:]
				if j := strings.Index(got, "regulation:"); j >= 0 {
					got = got[:j]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("notifications section (-want +got):\n%s\nformatted:\n%s", diff, out)
			}
		})
	}
}

// FuzzFormatWorkspace checks that every workspace a file can hold survives
// a round trip through FormatWorkspace.
func FuzzFormatWorkspace(f *testing.F) {
	if data, err := os.ReadFile("testdata/acme.yaml"); err == nil {
		f.Add(string(data))
	}
	f.Add(base)
	f.Add(base + "caps: {fine: 1}\nholidays: [2026-01-01]\n")
	f.Add(base + "notifications: {reminders: [45m, 5m], statements_at: \"10:30\"}\n")
	f.Add(base + "notifications: {reminders: []}\n")
	f.Add(base + "regulation:\n  - effective: 2026-11-01\n    rules: &r\n      - {indicator: calls_held, at_least: 1, targets: {anna: 2}}\n  - effective: 2026-11-02\n    rules: *r\n")
	f.Fuzz(func(t *testing.T, src string) {
		ws, err := ParseWorkspace("/f/workspace.yaml", []byte(src))
		if err != nil {
			return
		}
		roundTrip(t, ws)
	})
}
