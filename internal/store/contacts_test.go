package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// withContacts is newWorkspace with Anna's contact, two heads and a webhook.
func withContacts() *domain.Workspace {
	ws := newWorkspace()
	ws.Managers[0].Contact = &domain.Contact{Telegram: "123456", Lang: "en", Notify: true}
	ws.Notifications = domain.Notifications{
		Heads: []domain.Head{
			{Name: "Olga", Contact: domain.Contact{Telegram: "-100200300", Lang: "ru", Notify: true}},
			{Name: "Pavel", Contact: domain.Contact{Email: "pavel@acme.example", Lang: "en", Notify: true}},
		},
		WebhookURL: "https://chat.acme.example/hooks/abc",
	}
	return ws
}

func TestApplyContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		res := mustApply(t, s, withContacts())
		want := []string{"workspace acme created", "manager anna added", "manager boris added", "regulation 2026-11-01 added",
			"contact of manager anna added", "head Olga added", "head Pavel added", "notification webhook added"}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("first apply (-want +got):\n%s", diff)
		}
		got, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatalf("FindWorkspace: %v", err)
		}
		if diff := cmp.Diff(withContacts(), got, cmpOpts); diff != "" {
			t.Errorf("stored workspace (-want +got):\n%s", diff)
		}

		// Idempotent: the same settings again change nothing.
		res, err = s.ApplyWorkspace(ctx, withContacts(), "head", now.Add(time.Hour))
		if err != nil {
			t.Fatalf("second apply: %v", err)
		}
		if len(res.Changes) != 0 {
			t.Errorf("second apply changes = %q, want none", res.Changes)
		}

		// Anna opts out, Boris gets a contact, Pavel leaves, the webhook goes.
		ws := withContacts()
		ws.Managers[0].Contact.Notify = false
		ws.Managers[1].Contact = &domain.Contact{Email: "boris@acme.example", Notify: true}
		ws.Notifications.Heads = ws.Notifications.Heads[:1]
		ws.Notifications.WebhookURL = ""
		res, err = s.ApplyWorkspace(ctx, ws, "head", now.Add(2*time.Hour))
		if err != nil {
			t.Fatalf("third apply: %v", err)
		}
		want = []string{"contact of manager anna changed", "contact of manager boris added", "head Pavel removed", "notification webhook removed"}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("third apply (-want +got):\n%s", diff)
		}
		got, err = s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatalf("FindWorkspace: %v", err)
		}
		ws.Managers[1].Contact.Lang = domain.DefaultLang // stored with the default language
		if diff := cmp.Diff(ws, got, cmpOpts); diff != "" {
			t.Errorf("stored workspace after the change (-want +got):\n%s", diff)
		}

		// Removing a manager removes their contact with them.
		ws.Managers = ws.Managers[1:]
		res, err = s.ApplyWorkspace(ctx, ws, "head", now.Add(3*time.Hour))
		if err != nil {
			t.Fatalf("fourth apply: %v", err)
		}
		want = []string{"manager anna removed", "contact of manager anna removed"}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("fourth apply (-want +got):\n%s", diff)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM contacts WHERE workspace = 'acme' AND person = 'anna'`); n != 0 {
			t.Errorf("anna's contact rows = %d, want 0", n)
		}
	})
}

func TestApplyContactsInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := withContacts()
		ws.Notifications.Heads = append(ws.Notifications.Heads, ws.Notifications.Heads[0])
		_, err := s.ApplyWorkspace(ctx, ws, "head", now)
		wantCode(t, err, domain.EINVALID)
		ws = withContacts()
		ws.Managers[0].Contact.Lang = "de"
		_, err = s.ApplyWorkspace(ctx, ws, "head", now)
		wantCode(t, err, domain.EINVALID)
	})
}
