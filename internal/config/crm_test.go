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

	ws, err = ParseWorkspace("/etc/reglament/acme.yaml", []byte(crmBase+`crm:
  kind: amocrm
  base_url: https://acme.amocrm.ru
  oauth:
    client_id: 5c1a-app
    client_secret_file: secrets/amocrm.secret
    redirect_uri: https://reglament.example/oauth
`))
	if err != nil {
		t.Fatal(err)
	}
	want = &domain.CRMConnection{Kind: "amocrm", BaseURL: "https://acme.amocrm.ru", SyncEvery: 5 * time.Minute,
		OAuth: &domain.CRMOAuth{ClientID: "5c1a-app", ClientSecretFile: "/etc/reglament/secrets/amocrm.secret",
			RedirectURI: "https://reglament.example/oauth"}}
	if diff := cmp.Diff(want, ws.CRM); diff != "" {
		t.Errorf("crm (-want +got):\n%s", diff)
	}

	ws, err = ParseWorkspace("/etc/reglament/acme.yaml", []byte(crmBase+`crm:
  kind: bitrix24
  base_url: https://acme.bitrix24.ru
  oauth: {client_id: local.1, client_secret_file: /run/secrets/b24}
  application_token_file: b24.app
`))
	if err != nil {
		t.Fatal(err)
	}
	want = &domain.CRMConnection{Kind: "bitrix24", BaseURL: "https://acme.bitrix24.ru", SyncEvery: 5 * time.Minute,
		ApplicationTokenFile: "/etc/reglament/b24.app",
		OAuth:                &domain.CRMOAuth{ClientID: "local.1", ClientSecretFile: "/run/secrets/b24"}}
	if diff := cmp.Diff(want, ws.CRM); diff != "" {
		t.Errorf("crm (-want +got):\n%s", diff)
	}

	if ws := mustParseWorkspace(t, crmBase); ws.CRM != nil {
		t.Errorf("crm without a crm section = %+v, want nil", ws.CRM)
	}
}

func TestParseWorkspaceCRMErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"crm:\n  kind: zoho\n  base_url: https://x.example\n  token_file: t\n",
			`workspace.yaml:5: crm.kind: unknown CRM "zoho" (known: amocrm, bitrix24, hubspot, pipedrive)`},
		{"crm:\n  kind: hubspot\n  base_url: https://api.hubapi.com\n  oauth:\n    client_id: c\n    client_secret_file: s\n",
			`workspace.yaml:8: crm.oauth.redirect_uri: required field is missing`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n",
			`workspace.yaml:5: crm.token_file: required field is missing: give token_file or an oauth section`},
		{"crm:\n  kind: amocrm\n  base_url: acme.amocrm.ru\n  token_file: t\n",
			`workspace.yaml:6: crm.base_url: invalid URL "acme.amocrm.ru": want e.g. https://acme.amocrm.ru`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  token_file: t\n  sync_every: 10s\n",
			`workspace.yaml:8: crm.sync_every: must be at least 1m, got 10s`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  token_file: t\n  oauth: {client_id: x, client_secret_file: s, redirect_uri: https://r.example/cb}\n",
			`workspace.yaml:8: crm.oauth: give either token_file or oauth, not both (token_file at line 7)`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  oauth: {client_id: x, client_secret_file: s}\n",
			`workspace.yaml:7: crm.oauth.redirect_uri: required field is missing`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  oauth:\n    client_id: \"\"\n    client_secret_file: s\n    redirect_uri: https://r.example/cb\n",
			`workspace.yaml:8: crm.oauth.client_id: must not be empty`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  oauth:\n    client_id: x\n    client_secret_file: s\n    redirect_uri: /cb\n",
			`workspace.yaml:10: crm.oauth.redirect_uri: invalid URL "/cb": want the redirect URI registered with the integration, e.g. https://reglament.example/oauth`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  oauth: {client_id: x, client_secret_file: s, redirect_uri: https://r.example/cb, token: t}\n",
			`workspace.yaml:7: crm.oauth: unknown field "token" (known: client_id, client_secret_file, redirect_uri)`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  oauth: yes\n",
			`workspace.yaml:7: crm.oauth: want a mapping, got "yes"`},
		{"crm:\n  kind: amocrm\n  base_url: https://x.example\n  token_file: t\n  application_token_file: a\n",
			`workspace.yaml:8: crm.application_token_file: only a bitrix24 or a hubspot connection has an application_token_file`},
		{"crm:\n  kind: bitrix24\n  base_url: https://x.bitrix24.ru/rest/1/abc/\n  oauth: {client_id: x, client_secret_file: s}\n",
			`workspace.yaml:7: crm.oauth: base_url is an inbound webhook URL, which needs no OAuth: give the portal URL (e.g. https://acme.bitrix24.ru) or drop oauth`},
		{"crm:\n  kind: bitrix24\n  base_url: https://x.bitrix24.ru\n  application_token_file: \"\"\n",
			`workspace.yaml:7: crm.application_token_file: must not be empty`},
	} {
		_, err := ParseWorkspace("workspace.yaml", []byte(crmBase+tc.src))
		if got := errorLines(t, err); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

// TestFormatWorkspaceCRMRoundTrip holds FormatWorkspace's crm section to
// what ParseWorkspace reads back, for every way of authenticating.
func TestFormatWorkspaceCRMRoundTrip(t *testing.T) {
	for _, conn := range []*domain.CRMConnection{
		{Kind: "amocrm", BaseURL: "https://acme.amocrm.ru", TokenFile: "/etc/reglament/amocrm.token", SyncEvery: 5 * time.Minute},
		{Kind: "amocrm", BaseURL: "https://acme.amocrm.ru", SyncEvery: 10 * time.Minute,
			OAuth: &domain.CRMOAuth{ClientID: "5c1a-app", ClientSecretFile: "/etc/reglament/amocrm.secret", RedirectURI: "https://reglament.example/oauth"}},
		{Kind: "bitrix24", BaseURL: "https://acme.bitrix24.ru", SyncEvery: 5 * time.Minute, ApplicationTokenFile: "/etc/reglament/b24.app",
			OAuth: &domain.CRMOAuth{ClientID: "local.1", ClientSecretFile: "/etc/reglament/b24.secret"}},
		{Kind: "bitrix24", BaseURL: "https://acme.bitrix24.ru/rest/1/abc/", SyncEvery: time.Hour, ApplicationTokenFile: "/etc/reglament/b24.app"},
	} {
		ws := mustParseWorkspace(t, crmBase)
		ws.CRM = conn
		src := FormatWorkspace(ws)
		back, err := ParseWorkspace("/elsewhere/acme.yaml", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if diff := cmp.Diff(conn, back.CRM); diff != "" {
			t.Errorf("crm after a round trip (-want +got):\n%s\n%s", diff, src)
		}
	}
}

// HubSpot and Pipedrive connect by a token file or OAuth (with its
// redirect URI), and their sections survive FormatWorkspace.
func TestParseWorkspaceCRMHubSpotPipedrive(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want *domain.CRMConnection
	}{
		{"crm:\n  kind: pipedrive\n  base_url: https://api.pipedrive.com\n  token_file: pipedrive.token\n",
			&domain.CRMConnection{Kind: domain.CRMPipedrive, BaseURL: "https://api.pipedrive.com",
				TokenFile: "/etc/reglament/pipedrive.token", SyncEvery: 5 * time.Minute}},
		{"crm:\n  kind: hubspot\n  base_url: https://api.hubapi.com\n  oauth:\n    client_id: c-1\n    client_secret_file: hs.secret\n    redirect_uri: https://reglament.example/oauth\n",
			&domain.CRMConnection{Kind: domain.CRMHubSpot, BaseURL: "https://api.hubapi.com", SyncEvery: 5 * time.Minute,
				OAuth: &domain.CRMOAuth{ClientID: "c-1", ClientSecretFile: "/etc/reglament/hs.secret", RedirectURI: "https://reglament.example/oauth"}}},
	} {
		ws, err := ParseWorkspace("/etc/reglament/acme.yaml", []byte(crmBase+tc.src))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, ws.CRM); diff != "" {
			t.Errorf("crm (-want +got):\n%s", diff)
		}
		out := FormatWorkspace(ws)
		again, err := ParseWorkspace("/etc/reglament/acme.yaml", out)
		if err != nil {
			t.Fatalf("parse the formatted workspace: %v\n%s", err, out)
		}
		if diff := cmp.Diff(tc.want, again.CRM); diff != "" {
			t.Errorf("crm after FormatWorkspace (-want +got):\n%s", diff)
		}
	}
}
