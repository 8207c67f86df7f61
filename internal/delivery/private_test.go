package delivery_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"reglament/internal/delivery"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/jobs"
	"reglament/internal/notify"
)

// Issue 14 item 7: the router's webhook channel does not post to a
// loopback address (here a server on 127.0.0.1, as a database or a
// metadata service would be) unless the operator allows private webhooks.
func TestRouterRefusesPrivateWebhooks(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	ws := &domain.Workspace{ID: "acme", Notifications: domain.Notifications{WebhookURL: srv.URL + "/hooks/x"}}
	msgs := map[i18n.Lang]notify.Message{i18n.RU: {Subject: "s", Text: "t", HTML: "t"}}
	for _, allow := range []bool{false, true} {
		r := &delivery.Router{AllowPrivateWebhooks: allow, Logger: slog.New(slog.DiscardHandler)}
		err := r.Deliver(context.Background(), ws, jobs.Recipient{Webhook: true}, msgs)
		var d *notify.DeliveryError
		if allow {
			if err != nil {
				t.Errorf("allowed: %v, want delivered", err)
			}
			continue
		}
		if !errors.As(err, &d) || d.Temporary || !strings.Contains(d.Reason, "private") {
			t.Errorf("refused: %v; want a permanent failure saying the address is private", err)
		}
		if hits.Load() != 0 {
			t.Errorf("the loopback server was posted to")
		}
	}
	if hits.Load() != 1 {
		t.Errorf("%d posts, want 1 (the allowed one)", hits.Load())
	}
}
