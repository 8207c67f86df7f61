package pipedrive_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/crm/pipedrive"
	"reglament/internal/domain"
)

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func TestVerifyWebhook(t *testing.T) {
	for _, tc := range []struct {
		name, user, password, header string
		ok                           bool
	}{
		{"right", "rg-hook", "s3cret", basic("rg-hook", "s3cret"), true},
		{"wrong password", "rg-hook", "s3cret", basic("rg-hook", "guess"), false},
		{"wrong user", "rg-hook", "s3cret", basic("admin", "s3cret"), false},
		{"no header", "rg-hook", "s3cret", "", false},
		{"bearer", "rg-hook", "s3cret", "Bearer s3cret", false},
		{"nothing configured", "", "", basic("", ""), false},
	} {
		err := pipedrive.VerifyWebhook(tc.user, tc.password, tc.header)
		if tc.ok != (err == nil) {
			t.Errorf("%s: err = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("%s: code %s, want unauthorized", tc.name, domain.ErrorCode(err))
		}
	}
}

func TestParseWebhook(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		body string
		want []crm.Change
	}{
		{`{"meta":{"action":"change","entity":"deal","entity_id":"42","timestamp":"2026-11-02T10:00:00Z","version":"2.0"},"data":{"id":42,"stage_id":3},"previous":{"stage_id":2}}`,
			[]crm.Change{{Kind: crm.KindDeal, ID: "42", At: at}, {Kind: crm.KindDealMove, ID: "42"}}}, // its stage changed
		{`{"meta":{"action":"change","entity":"deal","entity_id":"43","timestamp":"2026-11-02T10:00:00Z","version":"2.0"},"data":{"id":43,"stage_id":3,"title":"x"},"previous":{"title":"y"}}`,
			[]crm.Change{{Kind: crm.KindDeal, ID: "43", At: at}}}, // only its title
		{`{"meta":{"action":"delete","entity":"organization","entity_id":"7","timestamp":"2026-11-02T10:00:00Z","version":"2.0"},"data":null,"previous":{"id":7}}`,
			[]crm.Change{{Kind: crm.KindCompany, ID: "7", Deleted: true, At: at}}},
		{`{"meta":{"action":"create","entity":"activity","entity_id":"9","timestamp":"2026-11-02T10:00:00Z","version":"2.0"},"data":{"type":"call"}}`,
			[]crm.Change{{Kind: crm.KindTask, ID: "9", At: at}, {Kind: crm.KindActivity, ID: "9", At: at}}},
		{`{"meta":{"action":"change","entity":"person","entity_id":"3","version":"2.0"}}`,
			[]crm.Change{{Kind: crm.KindPerson, ID: "3"}}},
		{`{"meta":{"action":"delete","entity":"person","entity_id":"4","timestamp":"2026-11-02T10:00:00Z","version":"2.0"},"data":null,"previous":{"id":4}}`,
			[]crm.Change{{Kind: crm.KindPerson, ID: "4", Deleted: true, At: at}}},
		{`{"meta":{"action":"change","entity":"product","entity_id":"5","version":"2.0"}}`, nil},
	} {
		got, err := pipedrive.ParseWebhook([]byte(tc.body))
		if err != nil {
			t.Fatalf("ParseWebhook(%s): %v", tc.body, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseWebhook(%s) (-want +got):\n%s", tc.body, diff)
		}
	}
	for _, body := range []string{`[]`, `{"meta":{"action":"updated","object":"deal","id":1,"v":1}}`,
		`{"meta":{"action":"change","entity":"deal","entity_id":"1","version":"1.0"}}`} {
		if _, err := pipedrive.ParseWebhook([]byte(body)); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("ParseWebhook(%s): err = %v, want invalid", body, err)
		}
	}
}

// TestSpentWindowIsWaitedFor: an answer whose x-ratelimit-remaining is 0
// holds the next request for x-ratelimit-reset seconds.
func TestSpentWindowIsWaitedFor(t *testing.T) {
	clock := crmtest.NewClock(t0)
	var mu sync.Mutex
	var at []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, clock.Now())
		n := len(at)
		mu.Unlock()
		w.Header().Set("x-ratelimit-limit", "20")
		w.Header().Set("x-ratelimit-reset", "2")
		w.Header().Set("x-ratelimit-remaining", map[bool]string{true: "0", false: "5"}[n == 1])
		w.Write([]byte(`{"success":true,"data":[],"additional_data":{"next_cursor":null}}`))
	}))
	defer srv.Close()
	c := pipedrive.NewClient(pipedrive.Config{BaseURL: srv.URL, APIToken: "t", ClientConfig: crm.ClientConfig{Now: clock.Now, Sleep: clock.Sleep}})
	for range 2 {
		if _, _, err := c.Fetch(context.Background(), crm.KindCompany, crm.Cursor{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(at) != 2 || at[1].Sub(at[0]) < 2*time.Second {
		t.Errorf("requests at %v, want the second 2 s after the first", at)
	}
}
