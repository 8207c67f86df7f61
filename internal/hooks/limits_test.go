package hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/hooks"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

// Issue 14 item 7: a call of over 10,000 fields is refused with a message
// that says so, not as a body that is not form-encoded; one of 10,000 is
// taken.
func TestWebhookTooManyFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{})
		c := f.srv.Client()
		u := f.url("acme", f.secrets["acme"])
		body := func(fields int) string {
			var b strings.Builder
			b.WriteString("leads[update][0][id]=21")
			for i := 1; i < fields; i++ {
				fmt.Fprintf(&b, "&custom_fields[%d]=x", i)
			}
			return b.String()
		}
		status, answer := post(t, c, u, body(hooks.MaxFields+1))
		if status != http.StatusBadRequest || !strings.Contains(answer, "10001 fields") || strings.Contains(answer, "form-encoded") {
			t.Errorf("10,001 fields: %d %q; want 400 saying the call has too many fields", status, answer)
		}
		if status, answer := post(t, c, u, body(hooks.MaxFields)); status != http.StatusOK {
			t.Errorf("10,000 fields: %d %q, want 200", status, answer)
		}
		if diff := cmp.Diff([]change{{"deal", "21", false}}, pending(t, st, "acme")); diff != "" {
			t.Errorf("pending changes (-want +got):\n%s", diff)
		}
	})
}

// Issue 12: an amoCRM lead status webhook queues the lead's moves beside
// the lead; an update of a lead does not.
func TestAmoCRMStatusWebhookQueuesMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{})
		c := f.srv.Client()
		u := f.url("acme", f.secrets["acme"])
		for _, b := range []string{amoDeal("update", 31), amoDeal("status", 32), amoDeal("delete", 33)} {
			if status, answer := post(t, c, u, b); status != http.StatusOK {
				t.Fatalf("%s: %d %q", b, status, answer)
			}
		}
		want := []change{{"deal", "31", false}, {"deal", "32", false}, {"deal_move", "32", false}, {"deal", "33", true}}
		if diff := cmp.Diff(want, pending(t, st, "acme")); diff != "" {
			t.Errorf("pending changes (-want +got):\n%s", diff)
		}
	})
}
