package hooks_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/crm/crmtest"
	"reglament/internal/hooks"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const baseYAML = `timezone: Europe/Moscow
deadline: "18:00"
managers:
  - {id: anna, crm_ids: ["101"]}
regulation:
  - effective: 2026-11-01
    rules:
      - {indicator: calls_held, at_least: 1}
`

// fixture is a store with an amoCRM workspace "acme" and a Bitrix24 one
// "b24", each with a webhook secret, and a hooks handler served on a real
// loopback listener.
type fixture struct {
	st        *store.Store
	clock     *crmtest.Clock
	h         *hooks.Handler
	srv       *httptest.Server
	secrets   map[string]string
	appToken  string
	stored    [][]string // what OnStored was called with
	storedMu  sync.Mutex
	tokenFile string
}

func newFixture(t testing.TB, st *store.Store, cfg hooks.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{st: st, clock: crmtest.NewClock(start), secrets: map[string]string{}, appToken: "b24-app-token-1",
		tokenFile: filepath.Join(dir, "b24.app")}
	if err := os.WriteFile(f.tokenFile, []byte(f.appToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		"workspace: acme\n" + baseYAML + "crm:\n  kind: amocrm\n  base_url: https://acme.amocrm.ru\n  token_file: amo.token\n",
		"workspace: b24\n" + baseYAML + "crm:\n  kind: bitrix24\n  base_url: https://acme.bitrix24.ru/rest/1/abc/\n  application_token_file: b24.app\n",
		"workspace: nocrm\n" + baseYAML,
	} {
		ws, err := config.ParseWorkspace(filepath.Join(dir, "ws.yaml"), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyWorkspace(ctx, ws, "head", start); err != nil {
			t.Fatal(err)
		}
		f.rotate(t, ws.ID)
	}
	cfg.Store, cfg.Now = st, f.clock.Now
	cfg.OnStored = func(ws []string) {
		f.storedMu.Lock()
		f.stored = append(f.stored, ws)
		f.storedMu.Unlock()
	}
	h, err := hooks.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.h = h
	f.srv = httptest.NewServer(h)
	t.Cleanup(func() {
		f.srv.Close()
		h.Close()
	})
	return f
}

// rotate gives workspace a new webhook secret, as `reglament webhook-url` does.
func (f *fixture) rotate(t testing.TB, workspace string) {
	t.Helper()
	secret := auth.NewToken()
	if err := f.st.PutWebhookSecret(context.Background(), workspace, auth.HashToken(secret), "head", f.now()); err != nil {
		t.Fatal(err)
	}
	f.secrets[workspace] = secret
}

func (f *fixture) now() time.Time { return f.clock.Now() }

func (f *fixture) url(workspace, secret string) string {
	return f.srv.URL + "/hooks/" + workspace + "/" + secret
}

// post sends a form-encoded webhook and returns the status and body.
func post(t testing.TB, client *http.Client, u, body string) (int, string) {
	t.Helper()
	resp, err := client.Post(u, "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// amoDeal is an amoCRM webhook body: lead id changed (action update,
// status…) or was deleted (action delete).
func amoDeal(action string, id int64) string {
	v := url.Values{}
	p := fmt.Sprintf("leads[%s][0]", action)
	v.Set(p+"[id]", fmt.Sprint(id))
	v.Set(p+"[status_id]", "142")
	v.Set(p+"[pipeline_id]", "7155526")
	v.Set(p+"[last_modified]", fmt.Sprint(start.Unix()))
	v.Set("account[id]", "31247590")
	v.Set("account[subdomain]", "acme")
	return v.Encode()
}

func b24Event(event string, id int64, token string) string {
	v := url.Values{}
	v.Set("event", event)
	v.Set("event_handler_id", "7")
	v.Set("data[FIELDS][ID]", fmt.Sprint(id))
	v.Set("ts", fmt.Sprint(start.Unix()))
	v.Set("auth[domain]", "acme.bitrix24.ru")
	v.Set("auth[member_id]", "m1")
	v.Set("auth[application_token]", token)
	return v.Encode()
}

type change struct {
	Kind, ID string
	Deleted  bool
}

func pending(t testing.TB, st *store.Store, workspace string) []change {
	t.Helper()
	ps, err := st.PendingChanges(context.Background(), workspace, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []change
	for _, p := range ps {
		out = append(out, change{p.Kind, p.ExternalID, p.Deleted})
	}
	return out
}

func TestWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{})
		c := f.srv.Client()
		acme, b24 := f.secrets["acme"], f.secrets["b24"]

		refusals := []struct {
			name, url, body string
			status          int
		}{
			{"wrong secret", f.url("acme", f.secrets["b24"]), amoDeal("update", 11), http.StatusForbidden},
			{"unknown workspace", f.url("nobody", acme), amoDeal("update", 11), http.StatusForbidden},
			{"empty secret", f.url("acme", "x"), amoDeal("update", 11), http.StatusForbidden},
			{"workspace without crm", f.url("nocrm", f.secrets["nocrm"]), amoDeal("update", 11), http.StatusForbidden},
			{"amoCRM body not form-encoded", f.url("acme", acme), "leads[update][0][id]=%zz", http.StatusBadRequest},
			{"amoCRM body without an id", f.url("acme", acme), "account[id]=1", http.StatusBadRequest},
			{"amoCRM id not a number", f.url("acme", acme), "leads[update][0][id]=abc", http.StatusBadRequest},
			{"Bitrix24 wrong token", f.url("b24", b24), b24Event("ONCRMDEALUPDATE", 5, "forged"), http.StatusForbidden},
			{"Bitrix24 no token", f.url("b24", b24), "event=ONCRMDEALUPDATE&data[FIELDS][ID]=5", http.StatusForbidden},
			{"Bitrix24 unknown event", f.url("b24", b24), b24Event("ONCRMLEADUPDATE", 5, f.appToken), http.StatusBadRequest},
			{"Bitrix24 no id", f.url("b24", b24), b24Event("ONCRMDEALUPDATE", 0, f.appToken), http.StatusBadRequest},
		}
		var forbidden string
		for _, r := range refusals {
			status, body := post(t, c, r.url, r.body)
			if status != r.status {
				t.Errorf("%s: status %d (%q), want %d", r.name, status, body, r.status)
			}
			if status == http.StatusForbidden {
				if forbidden == "" {
					forbidden = body
				} else if body != forbidden {
					t.Errorf("%s: body %q, want the same as every refusal: %q", r.name, body, forbidden)
				}
			}
			if strings.Contains(body, acme) || strings.Contains(body, b24) || strings.Contains(body, f.appToken) {
				t.Errorf("%s: the answer %q shows a secret", r.name, body)
			}
		}
		for _, ws := range []string{"acme", "b24", "nocrm"} {
			if got := pending(t, st, ws); len(got) != 0 {
				t.Errorf("refused calls stored %v for %s, want nothing", got, ws)
			}
		}
		resp, err := c.Get(f.url("acme", acme))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET: status %d, want 405", resp.StatusCode)
		}

		// Valid calls are stored before they are answered.
		if status, body := post(t, c, f.url("acme", acme), amoDeal("update", 11)); status != http.StatusOK {
			t.Fatalf("valid amoCRM call: %d %q", status, body)
		}
		if status, body := post(t, c, f.url("acme", acme), amoDeal("delete", 12)); status != http.StatusOK {
			t.Fatalf("valid amoCRM delete: %d %q", status, body)
		}
		if status, body := post(t, c, f.url("b24", b24), b24Event("ONCRMDEALDELETE", 5, f.appToken)); status != http.StatusOK {
			t.Fatalf("valid Bitrix24 event: %d %q", status, body)
		}
		if diff := cmp.Diff([]change{{"deal", "11", false}, {"deal", "12", true}}, pending(t, st, "acme")); diff != "" {
			t.Errorf("acme's pending changes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]change{{"deal", "5", true}}, pending(t, st, "b24")); diff != "" {
			t.Errorf("b24's pending changes (-want +got):\n%s", diff)
		}
		f.storedMu.Lock()
		if diff := cmp.Diff([][]string{{"acme"}, {"acme"}, {"b24"}}, f.stored); diff != "" {
			t.Errorf("OnStored calls (-want +got):\n%s", diff)
		}
		f.storedMu.Unlock()

		// A body over the limit is refused before it is parsed.
		big := amoDeal("update", 13) + "&pad=" + strings.Repeat("x", 2<<20)
		if status, _ := post(t, c, f.url("acme", acme), big); status != http.StatusRequestEntityTooLarge {
			t.Errorf("2 MiB body: status %d, want 413", status)
		}
	})
}

func TestWebhookRotationAndTokenChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{CacheTTL: 2 * time.Second})
		c := f.srv.Client()
		old := f.secrets["acme"]
		if status, _ := post(t, c, f.url("acme", old), amoDeal("update", 1)); status != http.StatusOK {
			t.Fatalf("before rotation: status %d, want 200", status)
		}
		f.rotate(t, "acme")
		// Within the cache lifetime the old secret may still work; once it
		// has passed, only the new one does.
		f.clock.Advance(2 * time.Second)
		if status, _ := post(t, c, f.url("acme", old), amoDeal("update", 2)); status != http.StatusForbidden {
			t.Errorf("old secret after rotation: status %d, want 403", status)
		}
		if status, _ := post(t, c, f.url("acme", f.secrets["acme"]), amoDeal("update", 3)); status != http.StatusOK {
			t.Errorf("new secret after rotation: status %d, want 200", status)
		}
		if diff := cmp.Diff([]change{{"deal", "1", false}, {"deal", "3", false}}, pending(t, st, "acme")); diff != "" {
			t.Errorf("pending changes (-want +got):\n%s", diff)
		}

		// A new Bitrix24 application token is honoured the same way; a
		// missing token file refuses every event.
		b24 := f.url("b24", f.secrets["b24"])
		if status, _ := post(t, c, b24, b24Event("ONCRMDEALUPDATE", 7, f.appToken)); status != http.StatusOK {
			t.Fatalf("Bitrix24 event: status %d, want 200", status)
		}
		if err := os.WriteFile(f.tokenFile, []byte("b24-app-token-2\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(3 * time.Second)
		if status, _ := post(t, c, b24, b24Event("ONCRMDEALUPDATE", 8, f.appToken)); status != http.StatusForbidden {
			t.Errorf("Bitrix24 event with the replaced token: status %d, want 403", status)
		}
		if status, _ := post(t, c, b24, b24Event("ONCRMDEALUPDATE", 9, "b24-app-token-2")); status != http.StatusOK {
			t.Errorf("Bitrix24 event with the new token: status %d, want 200", status)
		}
		if err := os.Remove(f.tokenFile); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(3 * time.Second)
		if status, _ := post(t, c, b24, b24Event("ONCRMDEALUPDATE", 10, "b24-app-token-2")); status != http.StatusForbidden {
			t.Errorf("Bitrix24 event without a token file: status %d, want 403", status)
		}
		// Each deal update queues the deal's moves too.
		if diff := cmp.Diff([]change{{"deal", "7", false}, {"deal_move", "7", false}, {"deal", "9", false}, {"deal_move", "9", false}}, pending(t, st, "b24")); diff != "" {
			t.Errorf("b24's pending changes (-want +got):\n%s", diff)
		}
	})
}

// TestGroupCommit holds the writer open (a long linger) until a batch is
// full: the calls sent together are stored by one transaction, and each
// is answered only after it.
func TestGroupCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n = 8
		f := newFixture(t, st, hooks.Config{MaxBatch: n, Linger: time.Hour})
		c := f.srv.Client()
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			ws := "acme"
			body := amoDeal("update", int64(100+i))
			if i%2 == 1 {
				ws, body = "b24", b24Event("ONCRMDEALUPDATE", int64(100+i), f.appToken)
			}
			wg.Go(func() { statuses[i], _ = post(t, c, f.url(ws, f.secrets[ws]), body) })
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK {
				t.Errorf("call %d: status %d, want 200", i, s)
			}
		}
		f.storedMu.Lock()
		if diff := cmp.Diff([][]string{{"acme", "b24"}}, f.stored); diff != "" {
			t.Errorf("commits (-want +got): %s", diff)
		}
		f.storedMu.Unlock()
		// A Bitrix24 deal update queues the deal and its moves.
		if a, b := len(pending(t, st, "acme")), len(pending(t, st, "b24")); a != n/2 || b != n {
			t.Errorf("stored %d + %d changes, want %d + %d", a, b, n/2, n)
		}
	})
}

// TestPoisonedBatch: a batch whose transaction fails is stored call by
// call, so that only the bad call fails.
func TestPoisonedBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n = 4
		f := newFixture(t, st, hooks.Config{MaxBatch: n, Linger: time.Hour})
		c := f.srv.Client()
		// The cache still knows "nocrm2" after its workspace is gone: its
		// change then breaks the batch's foreign key.
		ctx := context.Background()
		ws, err := config.ParseWorkspace("ws.yaml", []byte("workspace: gone\n"+baseYAML+
			"crm:\n  kind: amocrm\n  base_url: https://gone.amocrm.ru\n  token_file: /t\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyWorkspace(ctx, ws, "head", start); err != nil {
			t.Fatal(err)
		}
		f.rotate(t, "gone")
		// Warm the cache with a first batch, then remove the workspace.
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { post(t, c, f.url("gone", f.secrets["gone"]), amoDeal("update", int64(i+1))) })
		}
		wg.Wait()
		if _, err := st.DB().ExecContext(ctx, `DELETE FROM workspaces WHERE id = 'gone'`); err != nil {
			t.Skipf("cannot remove a workspace directly on %s: %v", st.Dialect(), err)
		}
		statuses := make([]int, n)
		for i := range n {
			ws := "acme"
			if i == 0 {
				ws = "gone"
			}
			wg.Go(func() { statuses[i], _ = post(t, c, f.url(ws, f.secrets[ws]), amoDeal("update", int64(200+i))) })
		}
		wg.Wait()
		if statuses[0] != http.StatusInternalServerError {
			t.Errorf("call of the removed workspace: status %d, want 500", statuses[0])
		}
		for i := 1; i < n; i++ {
			if statuses[i] != http.StatusOK {
				t.Errorf("call %d beside the bad one: status %d, want 200", i, statuses[i])
			}
		}
		if got := len(pending(t, st, "acme")); got != n-1 {
			t.Errorf("stored %d changes of acme, want %d", got, n-1)
		}
	})
}

func TestClosedHandlerRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{})
		f.h.Close()
		if status, _ := post(t, f.srv.Client(), f.url("acme", f.secrets["acme"]), amoDeal("update", 1)); status != http.StatusServiceUnavailable {
			t.Errorf("after Close: status %d, want 503", status)
		}
		if got := pending(t, st, "acme"); len(got) != 0 {
			t.Errorf("after Close stored %v", got)
		}
	})
}

// TestOnStoredPanic: a panicking OnStored is logged and the writer goes on.
func TestOnStoredPanic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, hooks.Config{})
		h, err := hooks.New(hooks.Config{Store: st, Now: f.clock.Now, OnStored: func([]string) { panic("enqueue failed") }})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(func() {
			srv.Close()
			h.Close()
		})
		for i := range 3 {
			if status, _ := post(t, srv.Client(), srv.URL+"/hooks/acme/"+f.secrets["acme"], amoDeal("update", int64(i+1))); status != http.StatusOK {
				t.Errorf("call %d after a panicking OnStored: status %d, want 200", i+1, status)
			}
		}
		if got := len(pending(t, st, "acme")); got != 3 {
			t.Errorf("stored %d changes, want 3", got)
		}
	})
}
