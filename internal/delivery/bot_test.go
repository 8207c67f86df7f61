package delivery_test

import (
	"context"
	"os"
	"testing"
	"time"

	"reglament/internal/config"
	"reglament/internal/delivery"
	"reglament/internal/engine"
	"reglament/internal/jobs"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
	"reglament/internal/telegram"
)

// TestLinkBot wires the bot on a real store: a chat linked with a code is
// where the router then sends, and the poller's client speaks for the same
// bot.
func TestLinkBot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC)
		eng := engine.New(s, func() time.Time { return now })
		data, err := os.ReadFile("../engine/testdata/acme/workspace.yaml")
		if err != nil {
			t.Fatal(err)
		}
		ws, err := config.ParseWorkspace("workspace.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Apply(ctx, ws, "test"); err != nil {
			t.Fatal(err)
		}
		if cfg := (&delivery.Router{}).LinkBot(eng); cfg != nil {
			t.Error("a router without a bot got a poller")
		}
		f := newFixture(t)
		cfg := f.router.LinkBot(eng)
		if cfg == nil || cfg.Client.BotID() != "123456" || cfg.Client.BaseURL != f.tg.URL || cfg.Sender != f.router.Telegram || cfg.Bot.Engine != eng {
			t.Fatalf("LinkBot = %+v; want the router's bot", cfg)
		}
		code, _, err := telegram.CreateLinkCode(ctx, s, store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UseLinkCode(ctx, telegram.HashCode(code), "7007", now); err != nil {
			t.Fatal(err)
		}
		stored, err := s.FindWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.router.Deliver(ctx, stored, jobs.Recipient{Manager: "anna"}, msgs("linked")); err != nil {
			t.Fatal(err)
		}
		if got := f.telegram(); len(got) != 1 || got[0] != "7007: ru html linked" {
			t.Errorf("telegram got %q; want Anna's linked chat 7007 in Russian", got)
		}
	})
}
