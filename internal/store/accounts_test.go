package store_test

import (
	"testing"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustApply(t, s, newWorkspace())
		now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		head := &store.User{Email: " Head@Acme.Example ", PasswordHash: "h", Role: "head", Workspace: "acme", CreatedAt: now}
		if err := s.CreateUser(ctx, head, "test"); err != nil {
			t.Fatal(err)
		}
		if head.ID == 0 || head.Email != "head@acme.example" {
			t.Errorf("created user %+v: want an id and a lower-case email", head)
		}
		wantCode(t, s.CreateUser(ctx, &store.User{Email: "HEAD@acme.example", PasswordHash: "h", Role: "head", Workspace: "acme"}, "test"), domain.ECONFLICT)
		wantCode(t, s.CreateUser(ctx, &store.User{Email: "x@acme.example", Role: "head", Workspace: "nope"}, "test"), domain.ENOTFOUND)
		wantCode(t, s.CreateUser(ctx, &store.User{Email: "y@acme.example", Role: "manager", Workspace: "acme", Manager: "nobody"}, "test"), domain.ENOTFOUND)
		if err := s.CreateUser(ctx, &store.User{Email: "z@acme.example", Role: "admin", Workspace: "acme"}, "test"); err == nil {
			t.Errorf("an admin bound to a workspace was stored")
		}
		if err := s.CreateUser(ctx, &store.User{Email: "admin@example.com", Role: "admin"}, "test"); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUserByEmail(ctx, "HEAD@acme.example")
		if err != nil || got.ID != head.ID || got.Workspace != "acme" || !got.CreatedAt.Equal(now) {
			t.Errorf("FindUserByEmail = %+v, %v; want %+v", got, err, head)
		}
		wantCode(t, func() error { _, err := s.FindUserByEmail(ctx, "nobody@x"); return err }(), domain.ENOTFOUND)
		if users, err := s.FindUsers(ctx, "acme"); err != nil || len(users) != 1 {
			t.Errorf("FindUsers(acme) = %d users, %v; want 1", len(users), err)
		}

		sess := &store.Session{TokenHash: "abc", UserID: head.ID, CSRF: "csrf", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		gotSess, u, err := s.FindSession(ctx, "abc", now.Add(30*time.Minute))
		if err != nil || u.ID != head.ID || gotSess.CSRF != "csrf" {
			t.Errorf("FindSession = %+v, %+v, %v", gotSess, u, err)
		}
		_, _, err = s.FindSession(ctx, "abc", now.Add(2*time.Hour))
		wantCode(t, err, domain.EUNAUTHORIZED)
		if err := s.SetUserPassword(ctx, "head@acme.example", "h2"); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.FindSession(ctx, "abc", now)
		wantCode(t, err, domain.EUNAUTHORIZED) // a new password ends the sessions

		if err := s.CreateAPIToken(ctx, "tok", head.ID, "ci", now); err != nil {
			t.Fatal(err)
		}
		if u, err := s.FindUserByToken(ctx, "tok"); err != nil || u.Email != "head@acme.example" || u.PasswordHash != "h2" {
			t.Errorf("FindUserByToken = %+v, %v", u, err)
		}
		_, err = s.FindUserByToken(ctx, "nope")
		wantCode(t, err, domain.EUNAUTHORIZED)
		if err := s.SetUserLang(ctx, head.ID, "en"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.FindUser(ctx, head.ID); u.Lang != "en" {
			t.Errorf("lang = %q, want en", u.Lang)
		}
	})
}
