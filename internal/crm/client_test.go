package crm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"reglament/internal/crm"
	"reglament/internal/crm/crmtest"
	"reglament/internal/domain"
)

// plainWire is the smallest wire: 2xx accepted, 5xx retried, 401 means
// the token expired, grants are POSTed forms to /token.
type plainWire struct{ base string }

func (plainWire) Judge(method string, resp *http.Response, _ []byte) error {
	e := &crm.Error{CRM: "plain", Method: method, Status: resp.StatusCode}
	switch s := resp.StatusCode; {
	case s < 300:
		return nil
	case s >= 500:
		return &crm.Retryable{Err: e}
	}
	return e
}

func (plainWire) Expired(e *crm.Error) bool { return e.Status == http.StatusUnauthorized }
func (plainWire) Records([]byte) int        { return 1 }

func (w plainWire) Grant(grant url.Values) crm.Request {
	j := w.Judge
	return crm.Request{Method: "POST /token", Judge: func(resp *http.Response, b []byte) error { return j("POST /token", resp, b) },
		New: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/token?"+grant.Encode(), nil)
		}}
}

func TestClientRefreshesOnceWhenTheTokenExpired(t *testing.T) {
	clock := crmtest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	valid, grants := "new", 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			grants++
			if r.URL.Query().Get("refresh_token") != "r0" || r.URL.Query().Get("client_secret") != "s" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Write([]byte(`{"access_token":"new","refresh_token":"r1","expires_in":3600}`))
			return
		}
		if r.Header.Get("Authorization") != valid {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	var saved []crm.Token
	pages := 0
	c := crm.NewClient(plainWire{srv.URL}, crm.Options{CRM: "plain", Token: crm.Token{AccessToken: "old", RefreshToken: "r0"},
		ClientID: "id", ClientSecret: "s", HTTPClient: srv.Client(), Now: clock.Now, Sleep: clock.Sleep, Rate: 10, Burst: 1,
		OnRefresh: func(_ context.Context, tok crm.Token) error { saved = append(saved, tok); return nil },
		OnPage:    func(context.Context, int) { pages++ }})
	call := func() error {
		_, err := c.Call(context.Background(), "GET /x", func(ctx context.Context, token string) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/x", nil)
			req.Header.Set("Authorization", token)
			return req, err
		})
		return err
	}
	if err := call(); err != nil {
		t.Fatalf("call with an expired token: %v", err)
	}
	if grants != 1 || len(saved) != 1 || saved[0].AccessToken != "new" || saved[0].RefreshToken != "r1" || pages != 1 || c.Requests() != 3 {
		t.Fatalf("grants %d, saved %v, pages %d, requests %d; want 1 grant, the new pair saved, 1 page, 3 requests", grants, saved, pages, c.Requests())
	}
	// Revoked for good: one refresh (refused), no loop.
	valid = "none"
	var e *crm.Error
	if err := call(); !errors.As(err, &e) || e.Status != http.StatusBadRequest || grants != 2 {
		t.Fatalf("call with a revoked pair: %v after %d grants, want the refused grant's 400 after 2", err, grants)
	}
}

func TestClientFetchKeepsTheCursor(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := crmtest.NewClock(t0)
	c := crm.NewClient(plainWire{}, crm.Options{CRM: "plain", HTTPClient: http.DefaultClient, Now: clock.Now, Sleep: clock.Sleep, Rate: 1})
	deal := func(id, title string) domain.Deal {
		return domain.Deal{RecordMeta: domain.RecordMeta{ExternalID: id}, Title: title}
	}
	var froms []time.Time
	scan := func(_ context.Context, from time.Time) (domain.RecordBatch, bool, error) {
		froms = append(froms, from)
		clock.Advance(time.Minute)
		if len(froms) == 1 {
			return domain.RecordBatch{Deals: []domain.Deal{deal("1", "a"), deal("2", "b")}}, true, nil
		}
		return domain.RecordBatch{Deals: []domain.Deal{deal("2", "b changed"), deal("3", "c")}}, true, nil
	}
	b, cur, err := c.Fetch(context.Background(), crm.KindDeal, crm.Cursor{}, scan)
	if err != nil {
		t.Fatal(err)
	}
	// The look again reads from the start less the overlap; the cursor is
	// where that look started.
	if diff := cmp.Diff([]time.Time{{}, t0.Add(-2 * time.Minute)}, froms); diff != "" {
		t.Errorf("scans from (-want +got):\n%s", diff)
	}
	if want := t0.Add(time.Minute); !cur.Since.Equal(want) {
		t.Errorf("cursor %s, want %s", cur.Since, want)
	}
	if diff := cmp.Diff([]domain.Deal{deal("1", "a"), deal("2", "b changed"), deal("3", "c")}, b.Deals); diff != "" {
		t.Errorf("deals (-want +got):\n%s", diff)
	}
	// An incremental fetch never looks again; a failed one keeps its cursor.
	froms = nil
	failing := func(_ context.Context, from time.Time) (domain.RecordBatch, bool, error) {
		froms = append(froms, from)
		return domain.RecordBatch{Deals: []domain.Deal{deal("1", "a")}}, true, errors.New("boom")
	}
	b, next, err := c.Fetch(context.Background(), crm.KindDeal, cur, failing)
	if err == nil || b.Len() != 0 || next != cur || len(froms) != 1 || !froms[0].Equal(cur.Since.Add(-2*time.Minute)) {
		t.Errorf("failed fetch: %d records, cursor %v, from %v, err %v; want none, %v, the overlap before it, an error", b.Len(), next, froms, err, cur)
	}
	if _, _, err := c.Fetch(context.Background(), crm.Kind("lead"), cur, failing); err == nil {
		t.Error("an unknown kind was fetched")
	}
}
