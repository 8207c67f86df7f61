package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestPBXConnection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
		c := store.PBXConnection{Workspace: "acme", Kind: domain.PBXMango, BaseURL: "https://app.mango-office.ru/vpbx",
			Sealed: []byte{0, 1, 2, 255}, ConnectedAt: at, ConnectedBy: "olga"}
		if err := s.SavePBXConnection(ctx, c); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("save for a workspace that does not exist: err = %v, want not_found", err)
		}
		mustApply(t, s, newWorkspace())
		if _, err := s.FindPBXConnection(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("find before any save: err = %v, want not_found", err)
		}
		if err := s.SavePBXConnection(ctx, store.PBXConnection{Workspace: "acme", Kind: "sipuni", Sealed: []byte{1}}); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("save of an unknown kind: err = %v, want invalid", err)
		}
		if err := s.SavePBXConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Kind, c.BaseURL, c.Sealed = domain.PBXZadarma, "https://api.zadarma.com", []byte{9, 8}
		if err := s.SavePBXConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindPBXConnection(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("stored connection (-want +got):\n%s", diff)
		}
		if err := s.DeletePBXConnection(ctx, "acme", "olga", at); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePBXConnection(ctx, "acme", "olga", at); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("second delete: err = %v, want not_found", err)
		}
	})
}
