package delivery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/delivery"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
	"reglament/internal/notify/notifytest"
)

const (
	botToken     = "123456:BOT-SECRET-token"
	smtpPassword = "smtp-SECRET-password"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// webhookReceiver records the text of every webhook post.
type webhookReceiver struct {
	URL    string
	mu     sync.Mutex
	texts  []string
	status int
}

func startWebhook(t *testing.T) *webhookReceiver {
	w := &webhookReceiver{status: http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		json.NewDecoder(r.Body).Decode(&body)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.texts = append(w.texts, body.Text)
		rw.WriteHeader(w.status)
	}))
	t.Cleanup(srv.Close)
	w.URL = srv.URL + "/hooks/SECRET-hook"
	return w
}

func (w *webhookReceiver) Texts() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.texts...)
}

// fixture is a router over a fake bot, SMTP server and webhook, with its
// log captured at debug level.
type fixture struct {
	router *delivery.Router
	tg     *notifytest.Telegram
	smtp   *notifytest.SMTP
	hook   *webhookReceiver
	log    *syncBuffer
	ws     *domain.Workspace
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{
		tg:   notifytest.StartTelegram(t, botToken),
		smtp: notifytest.StartSMTP(t, notifytest.SMTPOptions{User: "reglament", Password: smtpPassword}),
		hook: startWebhook(t),
		log:  &syncBuffer{},
	}
	f.router = &delivery.Router{
		Telegram: &notify.Telegram{BaseURL: f.tg.URL, Token: botToken},
		Email: &notify.Email{Addr: f.smtp.Addr, Username: "reglament", Password: smtpPassword,
			From: "reglament@acme.example", AllowInsecure: true, Timeout: 5 * time.Second},
		Logger: slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		// The test's chat server listens on loopback.
		AllowPrivateWebhooks: true,
	}
	f.ws = &domain.Workspace{
		ID: "acme",
		Managers: []domain.Manager{
			{ID: "anna", Contact: &domain.Contact{Telegram: "1001", Lang: "en", Notify: true}},
			{ID: "boris", Contact: &domain.Contact{Email: "boris@acme.example", Lang: "ru", Notify: true}},
			{ID: "vera", Contact: &domain.Contact{Telegram: "1003", Lang: "ru", Notify: false}},
			{ID: "gleb"},
			{ID: "dina", Contact: &domain.Contact{Telegram: "1005", Email: "dina@acme.example", Lang: "en", Notify: true}},
		},
		Notifications: domain.Notifications{
			Heads: []domain.Head{
				{Name: "Olga", Contact: domain.Contact{Telegram: "-100200300", Lang: "ru", Notify: true}},
				{Name: "Pavel", Contact: domain.Contact{Email: "pavel@acme.example", Lang: "en", Notify: true}},
			},
			WebhookURL: f.hook.URL,
		},
	}
	t.Cleanup(func() {
		for _, secret := range []string{botToken, "BOT-SECRET", smtpPassword, "SECRET-hook"} {
			if strings.Contains(f.log.String(), secret) {
				t.Errorf("the log shows a secret %q:\n%s", secret, f.log.String())
			}
		}
	})
	return f
}

// msgs composes a message in both languages, telling them apart.
func msgs(what string) map[i18n.Lang]notify.Message {
	return map[i18n.Lang]notify.Message{
		i18n.RU: {Subject: "ru " + what, Text: "ru text " + what, HTML: "ru html " + what},
		i18n.EN: {Subject: "en " + what, Text: "en text " + what, HTML: "en html " + what},
	}
}

func (f *fixture) telegram() []string {
	var out []string
	for _, m := range f.tg.Received() {
		out = append(out, m["chat_id"].(string)+": "+m["text"].(string))
	}
	return out
}

func (f *fixture) deliver(t *testing.T, to jobs.Recipient, what string) {
	t.Helper()
	if err := f.router.Deliver(context.Background(), f.ws, to, msgs(what)); err != nil {
		t.Fatalf("Deliver to %s: %v", to, err)
	}
}

func TestRouterManagers(t *testing.T) {
	f := newFixture(t)
	f.deliver(t, jobs.Recipient{Manager: "anna"}, "reminder")  // Telegram, in English
	f.deliver(t, jobs.Recipient{Manager: "boris"}, "reminder") // e-mail, in Russian
	f.deliver(t, jobs.Recipient{Manager: "vera"}, "reminder")  // opted out
	f.deliver(t, jobs.Recipient{Manager: "gleb"}, "reminder")  // no contact
	f.deliver(t, jobs.Recipient{Manager: "dina"}, "reminder")  // Telegram first
	f.deliver(t, jobs.Recipient{Manager: "nobody"}, "reminder")

	if diff := cmp.Diff([]string{"1001: en html reminder", "1005: en html reminder"}, f.telegram()); diff != "" {
		t.Errorf("Telegram got (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"boris@acme.example"}, f.smtp.Recipients()); diff != "" {
		t.Errorf("SMTP recipients (-want +got):\n%s", diff)
	}
	if mail := f.smtp.Messages(); len(mail) != 1 || !strings.Contains(mail[0], "ru text reminder") {
		t.Errorf("mail to boris = %q; want the Russian text", mail)
	}
	for _, want := range []string{"the person opted out", "no contact"} {
		if !strings.Contains(f.log.String(), want) {
			t.Errorf("no debug line %q in the log:\n%s", want, f.log.String())
		}
	}
	if len(f.hook.Texts()) != 0 {
		t.Errorf("webhook got a manager's message: %q", f.hook.Texts())
	}
}

func TestRouterFallsBackToEmailWithoutABot(t *testing.T) {
	f := newFixture(t)
	f.router.Telegram = nil
	f.deliver(t, jobs.Recipient{Manager: "anna"}, "reminder") // chat id only: no usable channel
	f.deliver(t, jobs.Recipient{Manager: "dina"}, "reminder") // has an address too
	if got := f.telegram(); len(got) != 0 {
		t.Errorf("Telegram got %q without a bot", got)
	}
	if diff := cmp.Diff([]string{"dina@acme.example"}, f.smtp.Recipients()); diff != "" {
		t.Errorf("SMTP recipients (-want +got):\n%s", diff)
	}
	if !strings.Contains(f.log.String(), "no usable channel") {
		t.Errorf("no debug line for anna's missing channel:\n%s", f.log.String())
	}
}

func TestRouterHeads(t *testing.T) {
	f := newFixture(t)
	f.deliver(t, jobs.Recipient{Head: true, Name: "Olga"}, "digest")
	f.deliver(t, jobs.Recipient{Head: true, Name: "Pavel"}, "digest")
	f.deliver(t, jobs.Recipient{Webhook: true}, "digest")
	f.deliver(t, jobs.Recipient{Head: true, Name: "Gone"}, "digest") // removed since it was queued
	if diff := cmp.Diff([]string{"-100200300: ru html digest"}, f.telegram()); diff != "" {
		t.Errorf("Telegram got (-want +got):\n%s", diff)
	}
	if mail := f.smtp.Messages(); len(mail) != 1 || !strings.Contains(mail[0], "en text digest") || !strings.Contains(mail[0], "To: pavel@acme.example") {
		t.Errorf("mail = %q; want one English digest to Pavel", mail)
	}
	if diff := cmp.Diff([]string{"ru text digest"}, f.hook.Texts()); diff != "" {
		t.Errorf("webhook got (-want +got):\n%s", diff)
	}

	// A job for all the heads at once (queued before fan-out) reaches each.
	f.deliver(t, jobs.Recipient{Head: true}, "statement")
	if got := len(f.telegram()) + len(f.smtp.Messages()) + len(f.hook.Texts()); got != 6 {
		t.Errorf("after a delivery to all heads: %d messages in all, want 6", got)
	}
}

func TestRouterSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	f := newFixture(t)
	f.tg.Limit(1)
	err := f.router.Deliver(context.Background(), f.ws, jobs.Recipient{Manager: "anna"}, msgs("reminder"))
	var d *notify.DeliveryError
	if !errors.As(err, &d) || !d.Temporary || d.RetryAfter != 7*time.Second {
		t.Fatalf("rate-limited: got %v; want a temporary failure retrying after 7s", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the error shows the bot token: %v", err)
	}

	f.router.Email.(*notify.Email).Password = "wrong-" + smtpPassword
	err = f.router.Deliver(context.Background(), f.ws, jobs.Recipient{Manager: "boris"}, msgs("reminder"))
	if err == nil || notify.IsTemporary(err) {
		t.Fatalf("wrong SMTP password: got %v; want a permanent failure", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the error shows the SMTP password: %v", err)
	}
	f.router.Logger.Error("delivery failed for good", "error", err) // as the jobs worker logs it

	f.hook.mu.Lock()
	f.hook.status = http.StatusServiceUnavailable
	f.hook.mu.Unlock()
	err = f.router.Deliver(context.Background(), f.ws, jobs.Recipient{Webhook: true}, msgs("digest"))
	if !notify.IsTemporary(err) || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("webhook 503: got %v; want a temporary failure without the URL", err)
	}
	// newFixture's cleanup checks the captured log for every secret.
}
