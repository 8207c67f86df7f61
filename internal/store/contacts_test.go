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

func TestApplyNotificationRhythm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		at := now
		apply := func(ws *domain.Workspace, want []string) {
			t.Helper()
			at = at.Add(time.Hour)
			res, err := s.ApplyWorkspace(ctx, ws, "head", at)
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if diff := cmp.Diff(want, res.Changes); diff != "" {
				t.Errorf("apply changes (-want +got):\n%s", diff)
			}
			got, err := s.FindWorkspace(ctx, ws.ID)
			if err != nil {
				t.Fatalf("FindWorkspace: %v", err)
			}
			// cmp tells a nil list (the default rhythm) from an empty one
			// (reminders off).
			if diff := cmp.Diff(ws.Notifications, got.Notifications); diff != "" {
				t.Errorf("stored notifications (-want +got):\n%s", diff)
			}
		}
		// A workspace without a rhythm stores no row and reads back nil.
		mustApply(t, s, newWorkspace())
		apply(newWorkspace(), nil)
		if n := countRows(t, s, `SELECT COUNT(*) FROM notification_rhythms`); n != 0 {
			t.Errorf("rhythm rows without a rhythm = %d, want 0", n)
		}

		ws := newWorkspace()
		ws.Notifications.Reminders = []time.Duration{30 * time.Minute, 2 * time.Hour}
		ws.Notifications.StatementsAt = &domain.Clock{Hour: 10, Minute: 30}
		apply(ws, []string{"reminders set to 30m, 120m", "statements time set to 10:30"})
		apply(ws, nil) // idempotent

		ws.Notifications.Reminders = []time.Duration{}
		apply(ws, []string{"reminders turned off"})
		apply(ws, nil)

		ws.Notifications.Reminders = nil
		apply(ws, []string{"reminders reset to the default"})

		ws.Notifications.StatementsAt = &domain.Clock{}
		apply(ws, []string{"statements time set to 00:00"})
		ws.Notifications.StatementsAt = nil
		ws.Notifications.Reminders = []time.Duration{15 * time.Minute, 60 * time.Minute}
		apply(ws, []string{"reminders set to 15m, 60m", "statements time reset to the default"})
		// The order is the workspace's; a reordering is a change.
		ws.Notifications.Reminders = []time.Duration{60 * time.Minute, 15 * time.Minute}
		apply(ws, []string{"reminders set to 60m, 15m"})

		ws.Notifications.Reminders = nil
		apply(ws, []string{"reminders reset to the default"})
		if n := countRows(t, s, `SELECT COUNT(*) FROM notification_rhythms`); n != 0 {
			t.Errorf("rhythm rows after resetting both = %d, want 0", n)
		}

		entries, err := s.FindAudit(ctx, "acme", 1)
		if err != nil {
			t.Fatalf("FindAudit: %v", err)
		}
		if len(entries) != 1 || entries[0].Detail != "reminders reset to the default" {
			t.Errorf("latest audit = %+v, want the reset", entries)
		}
	})
}

func TestApplyNotificationRhythmInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, n := range []domain.Notifications{
			{Reminders: []time.Duration{90 * time.Second}},
			{Reminders: []time.Duration{0}},
			{Reminders: []time.Duration{-time.Minute}},
			{Reminders: []time.Duration{12 * time.Hour}},
			{Reminders: []time.Duration{time.Hour, 60 * time.Minute}},
			{StatementsAt: &domain.Clock{Hour: 24}},
			{StatementsAt: &domain.Clock{Minute: 60}},
		} {
			ws := newWorkspace()
			ws.Notifications = n
			_, err := s.ApplyWorkspace(ctx, ws, "head", now)
			wantCode(t, err, domain.EINVALID)
		}
		if _, err := s.FindWorkspace(ctx, "acme"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("FindWorkspace after refused applies: %v, want not found", err)
		}
	})
}
