package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/riverqueue/river"

	"reglament/internal/delivery"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/notify/notifytest"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// TestFailedDeliveriesAreRecorded sends through the real router: Anna's
// reminder meets a bot token the Bot API refuses (permanent: recorded after
// one attempt), and a digest for the webhook meets a 503 on its last
// attempt (recorded when attempts run out). Neither record nor log line
// holds the token or the webhook's secret path.
func TestFailedDeliveriesAreRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: at("2026-11-16 17:00")}
		eng := setup(t, s, c)
		const hookSecret = "T000/B000/HOOKSECRET"
		withContacts(t, eng, func(ws *domain.Workspace) {
			ws.Managers[0].Contact = &domain.Contact{Telegram: "1001", Lang: "en", Notify: true}
			ws.Notifications.WebhookURL = "https://chat.acme.example/hooks/" + hookSecret
		})
		tg := notifytest.StartTelegram(t, "777:RIGHT-TOKEN")
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		defer hook.Close()
		var log strings.Builder
		var mu sync.Mutex
		logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))
		router := &delivery.Router{
			Telegram: &notify.Telegram{BaseURL: tg.URL, Token: "777:WRONG-SECRET"},
			Webhook:  func(string) notify.Sender { return &notify.Webhook{URL: hook.URL + "/hooks/" + hookSecret} },
			Logger:   logger,
		}
		r, err := jobs.New(context.Background(), s, jobs.Config{Engine: eng, Notifier: router, Logger: logger, Lookback: time.Hour, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r.Stop(ctx)
		}()
		msg := map[i18n.Lang]notify.Message{i18n.RU: {Subject: "Итоги дня", Text: "итоги", HTML: "итоги"}}
		if _, err := r.Client().Insert(context.Background(), jobs.DeliverArgs{Key: "acme/digest/2026-11-13/webhook", Workspace: "acme",
			To: jobs.Recipient{Webhook: true}, Messages: msg}, &river.InsertOpts{MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
		plan(t, r)
		drain(t, r)

		got, err := s.FindFailedDeliveries(context.Background(), "acme", 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.FailedDelivery{
			{Key: "acme/digest/2026-11-13/webhook", Workspace: "acme", Recipient: "webhook", Channel: "webhook", Kind: "digest",
				Error: "notify: webhook: temporary failure: HTTP 503", Attempts: 1, At: c.Now()},
			{Key: "acme/reminder/2026-11-16/60m/anna", Workspace: "acme", Recipient: "manager anna", Channel: "telegram", Kind: "reminder",
				Error: "notify: telegram: permanent failure: HTTP 401: Unauthorized", Attempts: 1, At: c.Now()},
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(store.FailedDelivery{}, "ID"),
			cmpopts.SortSlices(func(a, b store.FailedDelivery) bool { return a.Key < b.Key })); diff != "" {
			t.Errorf("failed deliveries (-want +got):\n%s", diff)
		}
		mu.Lock()
		defer mu.Unlock()
		if n := strings.Count(log.String(), "delivery failed for good"); n != 2 {
			t.Errorf("log has %d \"delivery failed for good\" lines, want 2:\n%s", n, log.String())
		}
		for _, secret := range []string{"WRONG-SECRET", "HOOKSECRET"} {
			if strings.Contains(log.String(), secret) {
				t.Errorf("the log shows %s:\n%s", secret, log.String())
			}
			for _, f := range got {
				if strings.Contains(f.Error, secret) {
					t.Errorf("failed delivery %s shows %s: %s", f.Key, secret, f.Error)
				}
			}
		}
	})
}

// TestSMTPTemporaryRefusalIsRetried sends a statement line to Boris by
// e-mail through the real router and an SMTP server that answers 451 to
// the first RCPT: the job retries and the mail arrives once, with nothing
// recorded as failed.
func TestSMTPTemporaryRefusalIsRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// Noon: no reminder is due, so the planner the runner starts with
		// sends Boris nothing but this statement line.
		c := &clock{t: at("2026-11-16 12:00")}
		eng := setup(t, s, c)
		withContacts(t, eng, func(ws *domain.Workspace) {
			ws.Managers[1].Contact = &domain.Contact{Email: "boris@acme.example", Lang: "ru", Notify: true}
		})
		srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{StartTLS: true, User: "reglament", Password: "pw-SECRET"})
		srv.RefuseNextRecipients("451 4.3.0 mailbox busy, try later", 1)
		router := &delivery.Router{
			Email: &notify.Email{Addr: srv.Addr, Username: "reglament", Password: "pw-SECRET", From: "reglament@acme.example",
				TLSConfig: srv.TLSConfig(), Timeout: 5 * time.Second},
			Logger: slog.New(slog.DiscardHandler),
		}
		r := start(t, s, eng, router)
		msg := map[i18n.Lang]notify.Message{i18n.RU: {Subject: "Ведомость", Text: "Борис: +3", HTML: "Борис: +3"}}
		if _, err := r.Client().Insert(context.Background(), jobs.DeliverArgs{Key: "acme/statement/2026-11/boris", Workspace: "acme",
			To: jobs.Recipient{Manager: "boris"}, Messages: msg}, nil); err != nil {
			t.Fatal(err)
		}
		drain(t, r)
		got := srv.Received()
		if len(got) != 1 || !got[0].TLS || got[0].To[0] != "boris@acme.example" {
			t.Fatalf("SMTP server received %+v; want one mail to boris over TLS", got)
		}
		if n := srv.Refused(); n != 1 {
			t.Errorf("the server refused %d recipients, want 1: the retry was not tested", n)
		}
		if failed, _ := s.FindFailedDeliveries(context.Background(), "acme", 10); len(failed) != 0 {
			t.Errorf("a delivery that succeeded on retry is recorded as failed: %+v", failed)
		}
	})
}
