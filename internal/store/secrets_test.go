package store_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestCRMOAuthConnectionAndToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		at := time.Date(2026, 3, 2, 9, 30, 0, 123000, time.UTC)
		ws := newWorkspace()
		mustApply(t, s, ws)
		if err := s.SaveCRMToken(ctx, "acme", []byte{1, 2}, at); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("save without a crm connection: err = %v, want not_found", err)
		}
		ws.CRM = &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "https://acme.bitrix24.ru/rest/1/x/",
			ApplicationTokenFile: "/etc/reglament/b24.app", SyncEvery: 5 * time.Minute}
		mustApply(t, s, ws)
		if err := s.SaveCRMToken(ctx, "acme", []byte{1, 2}, at); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("save for a connection without oauth: err = %v, want invalid", err)
		}

		ws.CRM = &domain.CRMConnection{Kind: domain.CRMBitrix24, BaseURL: "https://acme.bitrix24.ru",
			ApplicationTokenFile: "/etc/reglament/b24.app", SyncEvery: 5 * time.Minute,
			OAuth: &domain.CRMOAuth{ClientID: "local.1", ClientSecretFile: "/etc/reglament/b24.secret"}}
		mustApply(t, s, ws)
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ws.CRM, got.CRM); diff != "" {
			t.Errorf("stored crm (-want +got):\n%s", diff)
		}
		if res := mustApply(t, s, ws); len(res.Changes) != 0 {
			t.Errorf("applying the same oauth connection again changed %q, want nothing", res.Changes)
		}
		if _, _, err := s.CRMToken(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("token before any save: err = %v, want not_found", err)
		}

		// Stored verbatim, every byte value included.
		sealed := make([]byte, 300)
		for i := range sealed {
			sealed[i] = byte(i * 7)
		}
		if err := s.SaveCRMToken(ctx, "acme", sealed, at); err != nil {
			t.Fatal(err)
		}
		mustToken(t, s, sealed, at)
		next := []byte{0, 0xff, 0x80, 'x'}
		if err := s.SaveCRMToken(ctx, "acme", next, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		mustToken(t, s, next, at.Add(time.Hour))
		if err := s.SaveCRMToken(ctx, "acme", nil, at); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("save of nothing: err = %v, want invalid", err)
		}

		// The tokens survive changes that keep the account and application.
		ws.CRM.OAuth.RedirectURI = "https://reglament.example/oauth"
		ws.CRM.SyncEvery = 10 * time.Minute
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"crm connection changed: sync interval, oauth"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		ws.CRM.ApplicationTokenFile = ""
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes, []string{"crm connection changed: application token file"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		mustToken(t, s, next, at.Add(time.Hour))

		// Another application: the tokens were its predecessor's.
		ws.CRM.OAuth.ClientID = "local.2"
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes,
			[]string{"crm connection changed: oauth, stored oauth tokens dropped (run reglament connect again)"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		if _, _, err := s.CRMToken(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("token after an application change: err = %v, want not_found", err)
		}

		// Another account, and removing the connection, drop them too.
		if err := s.SaveCRMToken(ctx, "acme", next, at); err != nil {
			t.Fatal(err)
		}
		ws.CRM.BaseURL = "https://other.bitrix24.ru"
		if res := mustApply(t, s, ws); !slices.Equal(res.Changes,
			[]string{"crm connection changed: base url, stored oauth tokens dropped (run reglament connect again)"}) {
			t.Errorf("changes = %q", res.Changes)
		}
		if err := s.SaveCRMToken(ctx, "acme", next, at); err != nil {
			t.Fatal(err)
		}
		ws.CRM = nil
		mustApply(t, s, ws)
		if _, _, err := s.CRMToken(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("token after removing the connection: err = %v, want not_found", err)
		}
	})
}

func mustToken(t *testing.T, s *store.Store, want []byte, wantAt time.Time) {
	t.Helper()
	got, at, err := s.CRMToken(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("sealed token = %x, want %x", got, want)
	}
	if !at.Equal(wantAt) {
		t.Errorf("stored at %s, want %s", at, wantAt)
	}
}
