package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"reglament/internal/i18n"
	"reglament/internal/notify/notifytest"
)

// webhookReceiver keeps the raw bodies posted to it.
type webhookReceiver struct {
	mu     sync.Mutex
	bodies []string
	types  []string
}

func (h *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.types = append(h.types, r.Header.Get("Content-Type"))
	h.mu.Unlock()
}

// TestMessagesAsReceived sends the reminder, the digest and the statement
// in both languages through the real senders to a fake Bot API, an SMTP
// server (STARTTLS and AUTH) and a webhook receiver, and compares what each
// of them received with the golden files testdata/received-*.txt.
func TestMessagesAsReceived(t *testing.T) {
	const token, password = "123:RECEIVED-SECRET", "smtp-RECEIVED-pass"
	tg := notifytest.StartTelegram(t, token)
	smtpSrv := notifytest.StartSMTP(t, notifytest.SMTPOptions{StartTLS: true, User: "reglament", Password: password})
	hook := &webhookReceiver{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	senders := []Sender{
		&Telegram{BaseURL: tg.URL, Token: token},
		&Email{Addr: smtpSrv.Addr, Username: "reglament", Password: password, From: "reglament@acme.test", TLSConfig: smtpSrv.TLSConfig(), Timeout: 5 * time.Second},
		&Webhook{URL: hookSrv.URL},
	}
	addresses := []string{"1001", "anna@acme.test", ""}

	ws := testWorkspace(t)
	line, ev := annaAt17()
	sheet, st := digestAndStatement(t)
	for _, lang := range []i18n.Lang{i18n.RU, i18n.EN} {
		reminder, ok := Reminder(lang, ws, &ws.Managers[0], Gaps(line, ev, amoLink), 60*time.Minute)
		if !ok {
			t.Fatal("no reminder")
		}
		for _, c := range []struct {
			name string
			msg  Message
		}{
			{"reminder", reminder},
			{"digest", Digest(lang, ws, sheet)},
			{"statement", Statement(lang, ws, st, "")},
		} {
			before := len(tg.Received())
			for i, s := range senders {
				if err := s.Send(context.Background(), addresses[i], c.msg); err != nil {
					t.Fatalf("%s %s via %T: %v", c.name, lang, s, err)
				}
			}
			var b strings.Builder
			sent := tg.Received()[before:]
			if len(sent) != 1 {
				t.Fatalf("Bot API got %d messages, want 1", len(sent))
			}
			b.WriteString("=== telegram sendMessage\n")
			keys := make([]string, 0, len(sent[0]))
			for k := range sent[0] {
				if k != "text" {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "%s: %v\n", k, sent[0][k])
			}
			b.WriteString("text:\n" + sent[0]["text"].(string) + "\n")

			mails := smtpSrv.Received()
			got := mails[len(mails)-1]
			msg, err := mail.ReadMessage(strings.NewReader(got.Data))
			if err != nil {
				t.Fatal(err)
			}
			subject, parts := mailParts(t, got.Data)
			fmt.Fprintf(&b, "\n=== e-mail (tls %v, auth %s)\nFrom: %s\nTo: %s\nSubject: %s\n", got.TLS, got.User, msg.Header.Get("From"), msg.Header.Get("To"), subject)
			b.WriteString("--- text/plain\n" + parts["text/plain"] + "\n--- text/html\n" + parts["text/html"] + "\n")

			hook.mu.Lock()
			fmt.Fprintf(&b, "\n=== webhook (%s)\n%s\n", hook.types[len(hook.types)-1], hook.bodies[len(hook.bodies)-1])
			hook.mu.Unlock()

			out := b.String()
			for _, secret := range []string{token, password, "RECEIVED"} {
				if strings.Contains(out, secret) {
					t.Errorf("%s %s: a secret reached a recipient", c.name, lang)
				}
			}
			golden(t, "received-"+c.name+"-"+string(lang)+".txt", out)
		}
	}
}
