package crmtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/domain"
)

// OAuthClient is a connector with an OAuth application.
type OAuthClient interface {
	Fetcher
	Exchange(ctx context.Context, code string) (crm.Token, error)
}

// OAuthLife is a connector's fake behind its OAuthFront, for TestOAuthLife.
type OAuthLife struct {
	Clock *Clock // the fake's and the clients' clock, standing at the start
	Fake  *Fake
	Front *OAuthFront // accepting Code once
	Code  string
	// Companies is how many companies the fake holds, all changed before
	// the clock's time.
	Companies int
	// Fetch is how many requests a fetch of them takes with a valid token.
	Fetch int
	// NewClient returns a client of the front's, starting from token, that
	// hands every refreshed pair to onRefresh and every page's records to
	// onPage.
	NewClient func(token crm.Token, onRefresh crm.TokenFunc, onPage func(context.Context, int)) OAuthClient
}

// TestOAuthLife follows an OAuth application's life: the code exchange (a
// wrong code refused without showing a secret, the right one once), a
// fetch whose pages OnPage counts, the token expiring by the clock:
// refreshed ahead of its expiry, not before the refresh margin, when the
// client knows the expiry; after the CRM refuses it when the client does
// not.
func TestOAuthLife(t *testing.T, l OAuthLife) {
	t.Helper()
	ctx := context.Background()
	lifetime := l.Front.wire.Lifetime
	start := l.Clock.Now()
	fetch := func(c OAuthClient) domain.RecordBatch {
		t.Helper()
		b, _, err := c.Fetch(ctx, crm.KindCompany, crm.Cursor{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var refreshed []crm.Token
	var records int
	newClient := func(token crm.Token, refreshed *[]crm.Token, records *int) OAuthClient {
		return l.NewClient(token, func(_ context.Context, tok crm.Token) error {
			*refreshed = append(*refreshed, tok)
			return nil
		}, func(_ context.Context, n int) { *records += n })
	}
	c := newClient(crm.Token{}, &refreshed, &records)
	_, err := c.Exchange(ctx, "wrong-code")
	if err == nil {
		t.Fatal("a wrong code was exchanged")
	}
	if strings.Contains(err.Error(), l.Fake.ClientSecret) || strings.Contains(err.Error(), "wrong-code") {
		t.Errorf("the error shows a secret: %v", err)
	}
	tok, err := c.Exchange(ctx, l.Code)
	if err != nil {
		t.Fatal(err)
	}
	// The exchange is paced like any request: it answers a moment after
	// the start.
	if d := tok.Expiry.Sub(start.Add(lifetime)); tok.AccessToken != l.Fake.AccessToken || tok.RefreshToken != l.Fake.RefreshToken ||
		d < 0 || d > time.Second {
		t.Fatalf("exchanged %#v (access %q), want the server's pair expiring %s after the exchange", tok, tok.AccessToken, lifetime)
	}
	if _, err := c.Exchange(ctx, l.Code); err == nil {
		t.Error("a spent code was exchanged again")
	}

	if b := fetch(c); len(b.Companies) != l.Companies || records != l.Companies {
		t.Errorf("fetched %d companies, OnPage counted %d, want %d and %d", len(b.Companies), records, l.Companies, l.Companies)
	}

	// Two minutes before the expiry the token is still used; 30 seconds
	// before, it is refreshed first, without a refusal.
	l.Clock.Advance(lifetime - 2*time.Minute)
	fetch(c)
	if len(refreshed) != 0 {
		t.Fatalf("refreshed %d times two minutes before the expiry, want 0", len(refreshed))
	}
	l.Clock.Advance(90 * time.Second)
	before := l.requests()
	fetch(c)
	if len(refreshed) != 1 || refreshed[0].AccessToken != l.Fake.AccessToken || l.Front.Refreshes != 1 {
		t.Fatalf("refreshed %d times (front saw %d), want once, to the server's pair", len(refreshed), l.Front.Refreshes)
	}
	if n := l.requests() - before; n != 1+l.Fetch {
		t.Errorf("the refreshing fetch took %d requests, want %d (the refresh, the fetch's %d): no refusal first", n, 1+l.Fetch, l.Fetch)
	}

	// A client that does not know the expiry learns it from a refusal.
	var refreshed2 []crm.Token
	var records2 int
	c2 := newClient(crm.Token{AccessToken: refreshed[0].AccessToken, RefreshToken: refreshed[0].RefreshToken}, &refreshed2, &records2)
	l.Clock.Advance(lifetime)
	before = l.requests()
	if b := fetch(c2); len(refreshed2) != 1 || l.Front.Refreshes != 2 || len(b.Companies) != l.Companies {
		t.Fatalf("refreshed %d times (front %d), %d companies; want 1, 2, %d", len(refreshed2), l.Front.Refreshes, len(b.Companies), l.Companies)
	}
	if n := l.requests() - before; n != 2+l.Fetch {
		t.Errorf("the fetch after expiry took %d requests, want %d (refused, the refresh, the fetch's %d)", n, 2+l.Fetch, l.Fetch)
	}
}

func (l OAuthLife) requests() int {
	l.Fake.Mu.Lock()
	defer l.Fake.Mu.Unlock()
	return l.Fake.Requests
}
