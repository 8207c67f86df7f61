package amocrm_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crm/crmtest"
)

const redirectURI = "https://reglament.example/oauth"

// TestExchangeAndRefreshByExpiry follows an OAuth integration's life: the
// code exchange, a fetch, the 24-hour token expiring by the clock
// (refreshed before use when the client knows the expiry, after a 401 when
// it does not).
func TestExchangeAndRefreshByExpiry(t *testing.T) {
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
	crmtest.TestOAuthLife(t, crmtest.OAuthLife{Clock: clock, Fake: &server.Fake, Front: front, Code: "auth-code-1",
		Companies: 3, Fetch: 1, // one page
		NewClient: func(token crm.Token, onRefresh crm.TokenFunc, onPage func(context.Context, int)) crmtest.OAuthClient {
			return amocrm.NewClient(amocrm.Config{
				BaseURL: front.URL, ClientConfig: crm.ClientConfig{
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

				RedirectURI: redirectURI,
			})
		}})
}
