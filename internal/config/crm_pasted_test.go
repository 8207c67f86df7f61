package config

import (
	"testing"

	"reglament/internal/domain"
)

// TestParseWorkspaceCRMPasted: a HubSpot or Pipedrive connection with
// neither token_file nor oauth is one whose token was pasted on the setup
// page (stored sealed in the database); the workspace file shown in
// Settings says so and parses back to the same connection. amoCRM still
// needs one of the two.
func TestParseWorkspaceCRMPasted(t *testing.T) {
	for _, kind := range []string{domain.CRMHubSpot, domain.CRMPipedrive} {
		ws := mustParseWorkspace(t, crmBase+"crm:\n  kind: "+kind+"\n  base_url: https://api.example.com\n")
		if ws.CRM == nil || ws.CRM.Kind != kind || ws.CRM.TokenFile != "" || ws.CRM.OAuth != nil {
			t.Fatalf("%s: crm = %+v, want a connection with no token file and no oauth", kind, ws.CRM)
		}
		again := mustParseWorkspace(t, string(FormatWorkspace(ws)))
		if !again.CRM.Equal(ws.CRM) {
			t.Errorf("%s: formatted and parsed again: %+v, want %+v", kind, again.CRM, ws.CRM)
		}
	}
	if _, err := ParseWorkspace("workspace.yaml", []byte(crmBase+"crm:\n  kind: amocrm\n  base_url: https://x.example\n")); err == nil {
		t.Error("amoCRM with neither token_file nor oauth parsed, want refused")
	}
}
