package bitrix24_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
)

func newOAuthClient(t *testing.T, clock *crmtest.Clock, server *bitrix24test.Server, front *bitrix24test.OAuthFront,
	token crm.Token, refreshed *[]crm.Token, records *int) *bitrix24.Client {
	t.Helper()
	return bitrix24.NewClient(bitrix24.Config{
		BaseURL: bitrix24.RESTEndpoint(front.URL), TokenURL: front.TokenURL(),
		Token: token.AccessToken, RefreshToken: token.RefreshToken, Expiry: token.Expiry,
		ClientID: server.ClientID, ClientSecret: server.ClientSecret,
		OnRefresh: func(_ context.Context, tok crm.Token) error {
			*refreshed = append(*refreshed, tok)
			return nil
		},
		OnPage:     func(_ context.Context, n int) { *records += n },
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Now:        clock.Now, Sleep: clock.Sleep,
		Backoff: crm.Backoff{Rand: crmtest.Rand()},
	})
}

// TestExchangeAndRefreshByExpiry follows an OAuth application's life: the
// code exchange, fetches whose pages OnPage counts (a batch included), the
// 1-hour token expiring by the clock (refreshed before use when the client
// knows the expiry, after expired_token when it does not).
func TestExchangeAndRefreshByExpiry(t *testing.T) {
	ctx := context.Background()
	clock := crmtest.NewClock(t0)
	server := bitrix24test.NewServer(clock.Now)
	t.Cleanup(server.Close)
	front := bitrix24test.NewOAuthFront(server, "auth-code-1")
	t.Cleanup(front.Close)
	const companies = 2*bitrix24.PageSize + 7 // three pages, one batch
	server.Mu.Lock()
	for id := int64(1); id <= companies; id++ {
		server.Companies[id] = &bitrix24test.Company{ID: id, Title: "C", AssignedBy: 5, CreatedBy: 5,
			Created: t0.Add(-time.Hour), Modified: t0.Add(-time.Hour)}
	}
	server.Mu.Unlock()

	var refreshed []crm.Token
	var records int
	c := newOAuthClient(t, clock, server, front, crm.Token{}, &refreshed, &records)
	_, err := c.Exchange(ctx, "wrong-code")
	if err == nil {
		t.Fatal("a wrong code was exchanged")
	}
	if strings.Contains(err.Error(), server.ClientSecret) || strings.Contains(err.Error(), "wrong-code") {
		t.Errorf("the error shows a secret: %v", err)
	}
	tok, err := c.Exchange(ctx, "auth-code-1")
	if err != nil {
		t.Fatal(err)
	}
	if d := tok.Expiry.Sub(t0.Add(time.Hour)); tok.AccessToken != server.AccessToken || tok.RefreshToken != server.RefreshToken ||
		d < 0 || d > time.Second {
		t.Fatalf("exchanged %#v (access %q), want the server's pair expiring an hour after the exchange", tok, tok.AccessToken)
	}
	if _, err := c.Exchange(ctx, "auth-code-1"); err == nil {
		t.Error("a spent code was exchanged again")
	}

	b, _, err := c.Fetch(ctx, crm.KindCompany, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Companies) != companies || records != companies {
		t.Errorf("fetched %d companies, OnPage counted %d, want %d and %d", len(b.Companies), records, companies, companies)
	}

	clock.Advance(time.Hour - 30*time.Second)
	before := server.Requests
	if _, _, err := c.Fetch(ctx, crm.KindCompany, crm.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if len(refreshed) != 1 || refreshed[0].AccessToken != server.AccessToken || front.Refreshes != 1 {
		t.Fatalf("refreshed %d times (front saw %d), want once, to the server's pair", len(refreshed), front.Refreshes)
	}
	if n := server.Requests - before; n != 3 {
		t.Errorf("the refreshing fetch took %d requests, want 3 (refresh, one batch of the %d companies' pages, changes during the scan): no expired_token first", n, companies)
	}

	var refreshed2 []crm.Token
	var records2 int
	c2 := newOAuthClient(t, clock, server, front, crm.Token{AccessToken: refreshed[0].AccessToken, RefreshToken: refreshed[0].RefreshToken},
		&refreshed2, &records2)
	clock.Advance(bitrix24test.TokenLifetime)
	before = server.Requests
	if b, _, err = c2.Fetch(ctx, crm.KindCompany, crm.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if len(refreshed2) != 1 || front.Refreshes != 2 || len(b.Companies) != companies {
		t.Fatalf("refreshed %d times (front %d), %d companies; want 1, 2, %d", len(refreshed2), front.Refreshes, len(b.Companies), companies)
	}
	if n := server.Requests - before; n != 4 {
		t.Errorf("the fetch after expiry took %d requests, want 4 (expired_token, refresh, one batch, changes during the scan)", n)
	}
}

func TestRESTEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.bitrix24.ru":       "https://acme.bitrix24.ru/rest/",
		"https://acme.bitrix24.ru/":      "https://acme.bitrix24.ru/rest/",
		"https://acme.bitrix24.ru/rest":  "https://acme.bitrix24.ru/rest/",
		"https://acme.bitrix24.ru/rest/": "https://acme.bitrix24.ru/rest/",
	} {
		if got := bitrix24.RESTEndpoint(in); got != want {
			t.Errorf("RESTEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}
