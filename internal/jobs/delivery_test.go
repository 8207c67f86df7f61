package jobs_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/config"
	"reglament/internal/delivery"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/notify/notifytest"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// withContacts re-applies the fixture workspace with the notification
// settings change makes.
func withContacts(t *testing.T, eng *engine.Engine, change func(ws *domain.Workspace)) {
	t.Helper()
	data, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := config.ParseWorkspace("workspace.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	change(ws)
	if _, err := eng.Apply(context.Background(), ws, "test"); err != nil {
		t.Fatal(err)
	}
}

// TestReminderReachesTelegram runs the 17:00 reminder through the real
// router to a fake Bot API: Anna reads it in English, Boris in Russian,
// and Vera, who opted out, is not disturbed.
func TestReminderReachesTelegram(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 17:00")}
		eng := setup(t, s, c)
		withContacts(t, eng, func(ws *domain.Workspace) {
			ws.Managers[0].Contact = &domain.Contact{Telegram: "1001", Lang: "en", Notify: true}
			ws.Managers[1].Contact = &domain.Contact{Telegram: "1002", Lang: "ru", Notify: true}
			ws.Managers[2].Contact = &domain.Contact{Telegram: "1003", Lang: "ru", Notify: false}
		})
		const token = "777:JOBS-SECRET"
		tg := notifytest.StartTelegram(t, token)
		var log strings.Builder
		var mu sync.Mutex
		router := &delivery.Router{
			Telegram: &notify.Telegram{BaseURL: tg.URL, Token: token},
			Logger:   slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		}
		r := start(t, s, eng, router)
		if n := plan(t, r); n != 1 {
			t.Fatalf("17:00: planned %d jobs, want the 60-minute reminder", n)
		}
		drain(t, r)

		got := make(map[string]string)
		for _, m := range tg.Received() {
			got[m["chat_id"].(string)] = m["text"].(string)
		}
		if len(got) != 2 {
			t.Fatalf("Telegram got messages for %d chats, want 2 (anna, boris): %q", len(got), got)
		}
		if !strings.Contains(got["1001"], "60 min left") || !strings.Contains(got["1001"], "Анна Петрова") {
			t.Errorf("anna's reminder is not the English one:\n%s", got["1001"])
		}
		if !strings.Contains(got["1002"], "мин") || strings.Contains(got["1002"], "min left") {
			t.Errorf("boris's reminder is not the Russian one:\n%s", got["1002"])
		}
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(log.String(), "opted out") {
			t.Errorf("no debug line for vera's opt-out:\n%s", log.String())
		}
		if strings.Contains(log.String(), "JOBS-SECRET") {
			t.Errorf("the log shows the bot token:\n%s", log.String())
		}
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.WriteString(string(p))
}

// flakyHead fails the first delivery to one recipient temporarily and
// records every delivery that succeeded.
type flakyHead struct {
	mu        sync.Mutex
	fail      string
	failed    bool
	delivered []string
}

func (f *flakyHead) Deliver(_ context.Context, _ *domain.Workspace, to jobs.Recipient, msgs map[i18n.Lang]notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if to.String() == f.fail && !f.failed {
		f.failed = true
		return &notify.DeliveryError{Channel: "test", Temporary: true, RetryAfter: time.Millisecond, Reason: "busy"}
	}
	f.delivered = append(f.delivered, to.String()+": "+msgs[i18n.RU].Subject)
	return nil
}

// TestDigestFansOutToEachHeadOnce shows that the digest is one delivery
// per head and one for the webhook: when Pavel's fails for a moment and is
// retried, Olga and the webhook still get it exactly once.
func TestDigestFansOutToEachHeadOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 18:10")}
		eng := setup(t, s, c)
		withContacts(t, eng, func(ws *domain.Workspace) {
			ws.Notifications = domain.Notifications{
				Heads: []domain.Head{
					{Name: "Olga", Contact: domain.Contact{Telegram: "1", Lang: "ru", Notify: true}},
					{Name: "Pavel", Contact: domain.Contact{Email: "pavel@acme.example", Lang: "en", Notify: true}},
				},
				WebhookURL: "https://chat.acme.example/hooks/x",
			}
		})
		n := &flakyHead{fail: "head Pavel"}
		r := start(t, s, eng, n)
		plan(t, r)
		drain(t, r)
		plan(t, r) // planning again changes nothing
		drain(t, r)
		n.mu.Lock()
		defer n.mu.Unlock()
		digest := ": Итоги дня 2026-11-16 · ООО Ромашка"
		want := []string{"head Olga" + digest, "head Pavel" + digest, "webhook" + digest}
		got := slices.Clone(n.delivered)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		if !n.failed {
			t.Error("Pavel's delivery never failed: the test proves nothing")
		}
	})
}
