package bitrix24_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/bitrix24"
	"reglament/internal/crm/bitrix24/bitrix24test"
	"reglament/internal/crm/crmtest"
)

// TestExchangeAndRefreshByExpiry follows an OAuth application's life: the
// code exchange, fetches whose pages OnPage counts (a batch included), the
// 1-hour token expiring by the clock (refreshed before use when the client
// knows the expiry, after expired_token when it does not).
func TestExchangeAndRefreshByExpiry(t *testing.T) {
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
	crmtest.TestOAuthLife(t, crmtest.OAuthLife{Clock: clock, Fake: &server.Fake, Front: front, Code: "auth-code-1",
		Companies: companies, Fetch: 2, // one batch of the three pages, the look at changes during the scan
		NewClient: func(token crm.Token, onRefresh crm.TokenFunc, onPage func(context.Context, int)) crmtest.OAuthClient {
			return bitrix24.NewClient(bitrix24.Config{
				BaseURL: bitrix24.RESTEndpoint(front.URL), TokenURL: front.TokenURL(),
				ClientConfig: crm.ClientConfig{
					Token:        token.AccessToken,
					RefreshToken: token.RefreshToken,
					Expiry:       token.Expiry,
					ClientID:     server.ClientID,
					ClientSecret: server.ClientSecret,
					OnRefresh:    onRefresh,
					OnPage:       onPage,
					HTTPClient:   &http.Client{Timeout: 5 * time.Second},
					Now:          clock.Now,
					Sleep:        clock.Sleep,
					Backoff:      crm.Backoff{Rand: crmtest.Rand()},
				},
			})
		}})
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
