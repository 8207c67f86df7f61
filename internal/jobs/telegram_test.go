package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/notify/notifytest"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
	"reglament/internal/telegram"
)

// TestTelegramPollingOneProcessAtATime runs two processes' runners on one
// database against a fake Bot API that answers 409 to overlapping
// getUpdates, as Telegram does. Messages sent while they run are answered
// once each, the offset is stored, and no poll ever overlapped.
func TestTelegramPollingOneProcessAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: at("2026-11-16 17:00")}
		eng := setup(t, s, c)
		const token = "4242:POLL-SECRET"
		tg := notifytest.StartTelegram(t, token)
		code, _, err := telegram.CreateLinkCode(ctx, s, store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}, c.Now())
		if err != nil {
			t.Fatal(err)
		}
		runner := func(id string) *jobs.Runner {
			cfg := jobs.Config{Engine: eng, Notifier: &recorder{}, Lookback: time.Hour, PollInterval: 20 * time.Millisecond, ID: id,
				Telegram: &jobs.TelegramConfig{
					Client:   &telegram.Client{BaseURL: tg.URL, Token: token},
					Sender:   &notify.Telegram{BaseURL: tg.URL, Token: token},
					Bot:      &telegram.Bot{Engine: eng},
					LongPoll: 300 * time.Millisecond, PollFor: 300 * time.Millisecond, Every: 50 * time.Millisecond,
				}}
			r, err := jobs.New(ctx, s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				r.Stop(stop)
			})
			return r
		}
		a, b := runner("a"), runner("b")
		first := tg.Incoming(1001, "ru", "/start "+code)
		last := tg.Incoming(1001, "ru", "/today")
		tg.Incoming(2002, "en", "hello")
		for range 3 {
			if err := a.PollTelegram(ctx); err != nil {
				t.Fatal(err)
			}
			if err := b.PollTelegram(ctx); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		// The offset is stored after each reply is sent: wait for both.
		for time.Now().Before(deadline) {
			if n, _ := s.TelegramOffset(ctx, "4242"); n == last+2 && len(tg.Received()) >= 3 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		got := make(map[string][]string)
		for _, m := range tg.Received() {
			got[m["chat_id"].(string)] = append(got[m["chat_id"].(string)], m["text"].(string))
			if m["parse_mode"] != "HTML" {
				t.Errorf("reply without parse_mode HTML: %v", m)
			}
		}
		if len(got["1001"]) != 2 || !strings.Contains(got["1001"][0], "Анна Петрова") || !strings.Contains(got["1001"][1], "до дедлайна") {
			t.Errorf("chat 1001 got %q; want the link confirmation, then Anna's checklist", got["1001"])
		}
		if len(got["2002"]) != 1 || !strings.Contains(got["2002"][0], "/today") {
			t.Errorf("chat 2002 got %q; want the help", got["2002"])
		}
		if n, err := s.TelegramOffset(ctx, "4242"); err != nil || n != last+2 {
			t.Errorf("stored offset = %d, %v; want %d (after the three updates from %d)", n, err, last+2, first)
		}
		if n := tg.Conflicts(); n != 0 {
			t.Errorf("%d getUpdates overlapped (409): two processes polled at once", n)
		}
		if chat, err := s.FindTelegramChat(ctx, store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}); err != nil || chat != "1001" {
			t.Errorf("Anna's chat = %q, %v; want 1001", chat, err)
		}
	})
}
