package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
)

const crmBase = `workspace: acme
timezone: Europe/Moscow
managers: [{id: anna, crm_ids: ["101"]}]
`

func TestParseWorkspaceCRM(t *testing.T) {
	ws, err := ParseWorkspace("/etc/reglament/acme.yaml", []byte(crmBase+`crm:
  kind: amocrm
  base_url: https://acme.amocrm.ru
  token_file: amocrm.token
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &domain.CRMConnection{Kind: "amocrm", BaseURL: "https://acme.amocrm.ru",
		TokenFile: "/etc/reglament/amocrm.token", SyncEvery: 5 * time.Minute}
	if diff := cmp.Diff(want, ws.CRM); diff != "" {
		t.Errorf("crm (-want +got):\n%s", diff)
	}

	ws = mustParseWorkspace(t, crmBase+`crm:
  kind: bitrix24
  base_url: https://acme.bitrix24.ru/rest/1/secret/
  sync_every: 15m
`)
	want = &domain.CRMConnection{Kind: "bitrix24", BaseURL: "https://acme.bitrix24.ru/rest/1/secret/", SyncEvery: 15 * time.Minute}
	if diff := cmp.Diff(want, ws.CRM); diff != "" {
		t.Errorf("crm (-want +got):\n%s", diff)
	}

	if ws := mustParseWorkspace(t, crmBase); ws.CRM != nil {
		t.Errorf("crm without a crm section = %+v, want nil", ws.CRM)
	}
}

func TestParseWorkspaceCRMErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"crm:\n  kind: pipedrive\n  base_url: https://x.example\n  token_file: t\n",
			`workspace.yaml:5: crm.kind: unknown CRM "pipedrive" (known: amocrm, bitrix24)`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n",
			`workspace.yaml:5: crm.token_file: required field is missing`},
		{"crm:\n  kind: amocrm\n  base_url: acme.amocrm.ru\n  token_file: t\n",
			`workspace.yaml:6: crm.base_url: invalid URL "acme.amocrm.ru": want e.g. https://acme.amocrm.ru`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  token_file: t\n  sync_every: 10s\n",
			`workspace.yaml:8: crm.sync_every: must be at least 1m, got 10s`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  token_file: t\n  oauth: {client_id: x}\n",
			`workspace.yaml:8: crm: unknown field "oauth" (known: kind, base_url, token_file, sync_every)`},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(crmBase+tc.src))
		if got := errorLines(t, err); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}
