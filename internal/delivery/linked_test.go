package delivery_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/jobs"
	"reglament/internal/notify"
)

// TestRouterUsesLinkedChats shows the precedence: a chat in the workspace
// YAML, then a chat the person linked with the bot, then e-mail; an
// opt-out wins over a link.
func TestRouterUsesLinkedChats(t *testing.T) {
	f := newFixture(t)
	linked := map[string]string{
		"manager anna":  "9001", // the YAML's 1001 wins
		"manager boris": "9002", // beats his e-mail
		"manager vera":  "9003", // opted out
		"manager gleb":  "9004", // no contact in the YAML at all
		"head Pavel":    "9005", // beats his e-mail
	}
	var asked []string
	f.router.LinkedChat = func(_ context.Context, workspace, role, person string) (string, error) {
		if workspace != "acme" {
			t.Errorf("lookup in workspace %q", workspace)
		}
		asked = append(asked, role+" "+person)
		return linked[role+" "+person], nil
	}
	for _, to := range []jobs.Recipient{{Manager: "anna"}, {Manager: "boris"}, {Manager: "vera"}, {Manager: "gleb"}, {Head: true, Name: "Pavel"}} {
		f.deliver(t, to, to.String())
	}
	want := []string{"1001: en html manager anna", "9002: ru html manager boris", "9004: ru html manager gleb", "9005: en html head Pavel"}
	if diff := cmp.Diff(want, f.telegram()); diff != "" {
		t.Errorf("telegram got (-want +got):\n%s", diff)
	}
	if got := f.smtp.Recipients(); len(got) != 0 {
		t.Errorf("e-mail sent to %q; the linked chats should have been used", got)
	}
	if diff := cmp.Diff([]string{"manager boris", "manager gleb", "head Pavel"}, asked); diff != "" {
		t.Errorf("looked up (-want +got):\n%s", diff)
	}

	// A failed lookup is retried later, not sent elsewhere.
	f.router.LinkedChat = func(context.Context, string, string, string) (string, error) { return "", errors.New("db down") }
	err := f.router.Deliver(context.Background(), f.ws, jobs.Recipient{Manager: "boris"}, msgs("x"))
	var d *notify.DeliveryError
	if !errors.As(err, &d) || !d.Temporary {
		t.Errorf("lookup failure: got %v; want a temporary delivery failure", err)
	}
	if got := f.smtp.Recipients(); len(got) != 0 {
		t.Errorf("e-mail sent to %q after a failed lookup", got)
	}
}
