package amocrm_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/crmtest"
)

const redirectURI = "https://reglament.example/oauth"

func newOAuthClient(t *testing.T, clock *crmtest.Clock, server *amocrmtest.Server, front *amocrmtest.OAuthFront,
	token crm.Token, refreshed *[]crm.Token, records *int) *amocrm.Client {
	t.Helper()
	return amocrm.NewClient(amocrm.Config{
		BaseURL: front.URL, Token: token.AccessToken, RefreshToken: token.RefreshToken, Expiry: token.Expiry,
		ClientID: server.ClientID, ClientSecret: server.ClientSecret, RedirectURI: redirectURI,
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

// TestExchangeAndRefreshByExpiry follows an OAuth integration's life: the
// code exchange, a fetch, the token expiring by the clock (refreshed before
// use when the client knows the expiry, after a 401 when it does not).
func TestExchangeAndRefreshByExpiry(t *testing.T) {
	ctx := context.Background()
	clock := crmtest.NewClock(t0)
	server := amocrmtest.NewServer(clock.Now)
	t.Cleanup(server.Close)
	front := amocrmtest.NewOAuthFront(server, "auth-code-1", redirectURI)
	t.Cleanup(front.Close)
	server.Mu.Lock()
	for id := int64(1); id <= 3; id++ {
		server.Companies[id] = &amocrmtest.Company{ID: id, Name: "C", ResponsibleUserID: 7, CreatedAt: t0.Unix() - 100, UpdatedAt: t0.Unix() - 100}
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
	// The exchange is paced like any request: it answers a moment after t0.
	if d := tok.Expiry.Sub(t0.Add(24 * time.Hour)); tok.AccessToken != server.AccessToken || tok.RefreshToken != server.RefreshToken ||
		d < 0 || d > time.Second {
		t.Fatalf("exchanged %#v (access %q), want the server's pair expiring 24 h after the exchange", tok, tok.AccessToken)
	}
	if _, err := c.Exchange(ctx, "auth-code-1"); err == nil {
		t.Error("a spent code was exchanged again")
	}

	b, _, err := c.Fetch(ctx, crm.KindCompany, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Companies) != 3 || records != 3 {
		t.Errorf("fetched %d companies, OnPage counted %d, want 3 and 3", len(b.Companies), records)
	}

	// Two minutes before the expiry the token is still used; 30 seconds
	// before, it is refreshed first, without a 401.
	clock.Advance(24*time.Hour - 2*time.Minute)
	if _, _, err := c.Fetch(ctx, crm.KindCompany, crm.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if len(refreshed) != 0 {
		t.Fatalf("refreshed %d times two minutes before the expiry, want 0", len(refreshed))
	}
	clock.Advance(90 * time.Second)
	before := server.Requests
	if _, _, err := c.Fetch(ctx, crm.KindCompany, crm.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if len(refreshed) != 1 || refreshed[0].AccessToken != server.AccessToken || front.Refreshes != 1 {
		t.Fatalf("refreshed %d times (front saw %d), want once, to the server's pair", len(refreshed), front.Refreshes)
	}
	if n := server.Requests - before; n != 2 {
		t.Errorf("the refreshing fetch took %d requests, want 2 (refresh, page): no 401 first", n)
	}

	// A client that does not know the expiry learns it from a 401.
	var refreshed2 []crm.Token
	var records2 int
	c2 := newOAuthClient(t, clock, server, front, crm.Token{AccessToken: refreshed[0].AccessToken, RefreshToken: refreshed[0].RefreshToken},
		&refreshed2, &records2)
	clock.Advance(amocrmtest.TokenLifetime)
	before = server.Requests
	b, _, err = c2.Fetch(ctx, crm.KindCompany, crm.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(refreshed2) != 1 || front.Refreshes != 2 || len(b.Companies) != 3 {
		t.Fatalf("refreshed %d times (front %d), %d companies; want 1, 2, 3", len(refreshed2), front.Refreshes, len(b.Companies))
	}
	if n := server.Requests - before; n != 3 {
		t.Errorf("the fetch after expiry took %d requests, want 3 (401, refresh, page)", n)
	}
}
