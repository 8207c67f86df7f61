package cli

import (
	"strings"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/domain"
)

// Pipedrive's HTML 403, its block of a client that kept going past 429s,
// outlasting every retry is a rate limit too: exit 75, not an internal
// error; any other 403 is not.
func TestPipedriveBlockIsRateLimited(t *testing.T) {
	ws := &domain.Workspace{ID: "acme", Location: time.UTC, CRM: &domain.CRMConnection{Kind: domain.CRMPipedrive}}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	err := rateLimited(ws, now, &crm.Error{CRM: "pipedrive", Method: "GET /api/v2/deals", Status: 403, Code: pipedrive.CodeBlocked, Tries: 6})
	if err == nil || !strings.Contains(err.Error(), "pipedrive") {
		t.Fatalf("rateLimited(HTML 403 block) = %v, want a temporary error naming pipedrive", err)
	}
	if err := rateLimited(ws, now, &crm.Error{CRM: "pipedrive", Status: 403, Code: "forbidden"}); err != nil {
		t.Errorf("rateLimited(a JSON 403) = %v, want nil", err)
	}
}
