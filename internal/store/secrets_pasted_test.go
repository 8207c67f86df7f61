package store_test

import (
	"bytes"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestCRMTokenPasted: a HubSpot or Pipedrive connection with no token file
// and no OAuth keeps the token pasted on the setup page, sealed; one with a
// token file has no place for it.
func TestCRMTokenPasted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
		ws := newWorkspace()
		ws.CRM = &domain.CRMConnection{Kind: domain.CRMPipedrive, BaseURL: "https://api.pipedrive.com", TokenFile: "/etc/reglament/pd.token",
			SyncEvery: 5 * time.Minute}
		mustApply(t, s, ws)
		if err := s.SaveCRMToken(ctx, "acme", []byte{1, 2}, at); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("save for a token_file connection: err = %v, want invalid", err)
		}
		ws.CRM.TokenFile = ""
		mustApply(t, s, ws)
		if err := s.SaveCRMToken(ctx, "acme", []byte{1, 2}, at); err != nil {
			t.Fatalf("save for a pasted-token connection: %v", err)
		}
		if got, _, err := s.CRMToken(ctx, "acme"); err != nil || !bytes.Equal(got, []byte{1, 2}) {
			t.Errorf("CRMToken = %v, %v; want the sealed bytes", got, err)
		}
	})
}
