package store_test

import (
	"strings"
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestSetupLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		day := 24 * time.Hour
		if has, err := s.HasAccounts(ctx); err != nil || has {
			t.Fatalf("HasAccounts on an empty database = %v, %v; want false", has, err)
		}
		must(t, s.CreateSetupLink(ctx, "h1", now, now.Add(day)))
		must(t, s.CreateSetupLink(ctx, "h2", now, now.Add(day)))
		for _, c := range []struct {
			hash string
			at   time.Time
			want string
		}{{"h1", now, store.SetupLinkValid}, {"h1", now.Add(day), store.SetupLinkExpired}, {"nope", now, store.SetupLinkUnknown}} {
			if got, err := s.SetupLinkState(ctx, c.hash, c.at); err != nil || got != c.want {
				t.Errorf("SetupLinkState(%s, %s) = %q, %v; want %q", c.hash, c.at, got, err, c.want)
			}
		}
		if err := s.UseSetupLink(ctx, "h1", &store.User{Email: "x@a.example", Role: "admin"}, now.Add(day)); domain.ErrorMessage(err) != store.SetupLinkExpired {
			t.Errorf("an expired link: got %v; want %s", err, store.SetupLinkExpired)
		}
		admin := &store.User{Email: " Olga@Acme.example ", Role: "admin", PasswordHash: "hash"}
		must(t, s.UseSetupLink(ctx, "h1", admin, now.Add(time.Hour)))
		if admin.ID == 0 || admin.Email != "olga@acme.example" {
			t.Errorf("the first admin = %+v", admin)
		}
		if u, err := s.FindUserByEmail(ctx, "olga@acme.example"); err != nil || u.Role != "admin" || u.PasswordHash != "hash" {
			t.Errorf("stored admin = %+v, %v", u, err)
		}
		if err := s.UseSetupLink(ctx, "h1", &store.User{Email: "y@a.example", Role: "admin"}, now.Add(time.Hour)); domain.ErrorMessage(err) != store.SetupLinkUsed {
			t.Errorf("a used link: got %v; want %s", err, store.SetupLinkUsed)
		}
		if got, _ := s.SetupLinkState(ctx, "h1", now); got != store.SetupLinkUsed {
			t.Errorf("state of the used link = %q", got)
		}
		if err := s.UseSetupLink(ctx, "h2", &store.User{Email: "olga@acme.example", Role: "admin"}, now.Add(time.Hour)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("the same e-mail again: got %v; want conflict", err)
		}
		if got, _ := s.SetupLinkState(ctx, "h2", now); got != store.SetupLinkValid {
			t.Errorf("a refused account spent the link: %q", got)
		}
		if has, err := s.HasAccounts(ctx); err != nil || !has {
			t.Errorf("HasAccounts after the first admin = %v, %v; want true", has, err)
		}
	})
}

func TestOAuthStateAndClientSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		head := &store.User{Email: "head@acme.example", Role: "head", Workspace: "acme"}
		must(t, s.CreateUser(ctx, head, "test"))
		st := store.OAuthState{StateHash: "s1", SessionHash: "sess", UserID: head.ID, Workspace: "acme", Kind: "amocrm",
			CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		must(t, s.CreateOAuthState(ctx, st))
		must(t, s.CreateOAuthState(ctx, store.OAuthState{StateHash: "s2", SessionHash: "sess", UserID: head.ID, Workspace: "acme",
			Kind: "amocrm", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
		if _, err := s.UseOAuthState(ctx, "s1", "other", now); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("another session's state: got %v; want forbidden", err)
		}
		if _, err := s.UseOAuthState(ctx, "s2", "sess", now.Add(time.Hour)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("an expired state: got %v; want forbidden", err)
		}
		got, err := s.UseOAuthState(ctx, "s1", "sess", now.Add(time.Minute))
		if err != nil || got.Workspace != "acme" || got.UserID != head.ID || got.Kind != "amocrm" {
			t.Errorf("UseOAuthState = %+v, %v", got, err)
		}
		if _, err := s.UseOAuthState(ctx, "s1", "sess", now.Add(time.Minute)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("a replayed state: got %v; want forbidden", err)
		}
		if _, err := s.UseOAuthState(ctx, "nope", "sess", now); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("an unknown state: got %v; want forbidden", err)
		}
		// A day past their expiry, states are dropped when a new one is made.
		must(t, s.CreateOAuthState(ctx, store.OAuthState{StateHash: "s3", SessionHash: "sess", UserID: head.ID, Workspace: "acme",
			Kind: "amocrm", CreatedAt: now.Add(26 * time.Hour), ExpiresAt: now.Add(27 * time.Hour)}))
		if _, err := s.UseOAuthState(ctx, "s2", "sess", now); domain.ErrorCode(err) != domain.EFORBIDDEN || !strings.Contains(err.Error(), "unknown") {
			t.Errorf("a state long expired: got %v; want it gone", err)
		}

		if _, _, _, err := s.CRMClientSecret(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("no secret yet: got %v; want not found", err)
		}
		must(t, s.SaveCRMClientSecret(ctx, "acme", "amocrm", "c1", []byte("sealed-1"), now))
		must(t, s.SaveCRMClientSecret(ctx, "acme", "amocrm", "c2", []byte("sealed-2"), now))
		if kind, id, sealed, err := s.CRMClientSecret(ctx, "acme"); err != nil || kind != "amocrm" || id != "c2" || string(sealed) != "sealed-2" {
			t.Errorf("CRMClientSecret = %s %s %q %v", kind, id, sealed, err)
		}
		if err := s.SaveCRMClientSecret(ctx, "nope", "amocrm", "c1", []byte("x"), now); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("secret of an unknown workspace: got %v; want not found", err)
		}
	})
}

func TestSetupSyncAndCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		if _, err := s.FindSetupSync(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("before the first sync: got %v; want not found", err)
		}
		must(t, s.StartSetupSync(ctx, "acme", now, time.Hour))
		if err := s.StartSetupSync(ctx, "acme", now.Add(time.Minute), time.Hour); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("a second start while running: got %v; want conflict", err)
		}
		must(t, s.UpdateSetupSync(ctx, store.SetupSync{Workspace: "acme", Status: store.SetupSyncRunning, Kind: "deals", Records: 40, UpdatedAt: now.Add(time.Second)}))
		p, err := s.FindSetupSync(ctx, "acme")
		if err != nil || p.Status != store.SetupSyncRunning || p.Kind != "deals" || p.Records != 40 || !p.StartedAt.Equal(now) {
			t.Errorf("FindSetupSync = %+v, %v", p, err)
		}
		// A run whose process died (no update for longer than stale) may be started again.
		must(t, s.StartSetupSync(ctx, "acme", now.Add(2*time.Hour), time.Hour))

		b := &domain.RecordBatch{
			Companies: []domain.Company{{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c1"}, Name: "A", Responsible: "7", CreatedAt: now.Add(-time.Hour)},
				{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "c2"}, Name: "B", Responsible: "8", CreatedAt: now.Add(-40 * 24 * time.Hour)}},
			Deals: []domain.Deal{{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "d1"}, Title: "D", Responsible: "7", Status: domain.DealOpen, CreatedAt: now.Add(-2 * time.Hour)},
				{RecordMeta: domain.RecordMeta{Source: "csv", ExternalID: "d2"}, Title: "E", Responsible: "9", Status: domain.DealOpen, CreatedAt: now.Add(-2 * time.Hour)}},
		}
		if _, err := s.UpsertRecords(ctx, "acme", b, now, "test", now); err != nil {
			t.Fatal(err)
		}
		counts, err := s.CRMUserCounts(ctx, "acme", now.Add(-30*24*time.Hour))
		want := []store.CRMUserCount{{CRMID: "7", Records: 2}, {CRMID: "9", Records: 1}}
		if err != nil || len(counts) != 2 || counts[0] != want[0] || counts[1] != want[1] {
			t.Errorf("CRMUserCounts = %+v, %v; want %+v", counts, err, want)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
