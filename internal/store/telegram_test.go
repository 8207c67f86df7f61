package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/domain"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

func TestLinkCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		anna := store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}
		olga := store.TelegramPerson{Workspace: "acme", Role: store.RoleHead, Person: "Olga"}
		day := 24 * time.Hour

		if err := s.CreateLinkCode(ctx, store.TelegramPerson{Workspace: "nope", Role: store.RoleManager, Person: "anna"}, "h0", now, now.Add(day)); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("code for an unknown workspace: got %v; want not_found", err)
		}
		if err := s.CreateLinkCode(ctx, store.TelegramPerson{Workspace: "acme", Role: "boss", Person: "x"}, "h0", now, now.Add(day)); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("code for an unknown role: got %v; want invalid", err)
		}
		for _, c := range []struct {
			p    store.TelegramPerson
			hash string
		}{{anna, "old"}, {anna, "h1"}, {olga, "h2"}} {
			if err := s.CreateLinkCode(ctx, c.p, c.hash, now, now.Add(day)); err != nil {
				t.Fatalf("CreateLinkCode(%s, %s): %v", c.p, c.hash, err)
			}
		}
		if _, err := s.FindTelegramChat(ctx, anna); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("chat before linking: got %v; want not_found", err)
		}

		// A newer code replaces the unused older one.
		if _, err := s.UseLinkCode(ctx, "old", "111", now.Add(time.Minute)); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("replaced code: got %v; want not_found", err)
		}
		got, err := s.UseLinkCode(ctx, "h1", "111", now.Add(time.Minute))
		if err != nil || got != anna {
			t.Fatalf("UseLinkCode(h1) = %v, %v; want %v", got, err, anna)
		}
		if _, err := s.UseLinkCode(ctx, "h1", "222", now.Add(2*time.Minute)); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("used code: got %v; want invalid", err)
		}
		if _, err := s.UseLinkCode(ctx, "h2", "222", now.Add(day)); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("expired code: got %v; want invalid", err)
		}
		if _, err := s.FindTelegramChat(ctx, olga); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("an expired code linked Olga: %v", err)
		}
		if chat, err := s.FindTelegramChat(ctx, anna); err != nil || chat != "111" {
			t.Errorf("Anna's chat = %q, %v; want 111", chat, err)
		}
		if p, err := s.FindTelegramPerson(ctx, "111"); err != nil || p != anna {
			t.Errorf("chat 111 belongs to %v, %v; want %v", p, err, anna)
		}

		// Olga links chat 111 with a fresh code: the chat moves to her.
		if err := s.CreateLinkCode(ctx, olga, "h3", now.Add(day), now.Add(2*day)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UseLinkCode(ctx, "h3", "111", now.Add(day+time.Hour)); err != nil {
			t.Fatal(err)
		}
		if p, err := s.FindTelegramPerson(ctx, "111"); err != nil || p != olga {
			t.Errorf("chat 111 belongs to %v, %v; want %v", p, err, olga)
		}
		if _, err := s.FindTelegramChat(ctx, anna); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("Anna keeps the chat that moved to Olga: %v", err)
		}
		linked := 0
		for _, a := range auditActions(t, s, "acme") {
			if a == "telegram linked" {
				linked++
			}
		}
		if linked != 2 {
			t.Errorf("audit trail has %d \"telegram linked\" entries; want 2", linked)
		}
	})
}

func TestTelegramOffset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if n, err := s.TelegramOffset(ctx, "42"); err != nil || n != 0 {
			t.Fatalf("offset before any = %d, %v; want 0", n, err)
		}
		for _, set := range []int64{10, 7, 12} {
			if err := s.SetTelegramOffset(ctx, "42", set); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.TelegramOffset(ctx, "42"); err != nil || n != 12 {
			t.Errorf("offset = %d, %v; want 12 (never back to 7)", n, err)
		}
		if n, _ := s.TelegramOffset(ctx, "43"); n != 0 {
			t.Errorf("another bot's offset = %d; want 0", n)
		}
	})
}

func TestFailedDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, newWorkspace())
		first := store.FailedDelivery{Key: "acme/digest/2026-11-20/head:Olga", Workspace: "acme", Recipient: "head Olga", Channel: "email",
			Kind: "digest", Error: "notify: email: temporary failure: SMTP 451 try later", Attempts: 10, At: now}
		second := store.FailedDelivery{Key: "acme/reminder/2026-11-21/60m/anna", Workspace: "acme", Recipient: "manager anna", Channel: "telegram",
			Kind: "reminder", Error: "notify: telegram: permanent failure: HTTP 403: Forbidden: bot was blocked by the user", Attempts: 1, At: now.Add(time.Hour)}
		for _, f := range []store.FailedDelivery{first, second, first} {
			if err := s.RecordFailedDelivery(ctx, f); err != nil {
				t.Fatalf("RecordFailedDelivery(%s): %v", f.Key, err)
			}
		}
		if err := s.RecordFailedDelivery(ctx, store.FailedDelivery{Workspace: "acme"}); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("no key: got %v; want invalid", err)
		}
		got, err := s.FindFailedDeliveries(ctx, "acme", 10)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]store.FailedDelivery{second, first}, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())); diff != "" {
			t.Errorf("failed deliveries, newest first, once per key (-want +got):\n%s", diff)
		}
		if got, _ := s.FindFailedDeliveries(ctx, "other", 10); len(got) != 0 {
			t.Errorf("another workspace sees %d failed deliveries", len(got))
		}
	})
}
