package bitrix24test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// TokenLifetime is how long a Bitrix24 OAuth access token lasts.
const TokenLifetime = time.Hour

// oauth is Bitrix24's OAuth on the wire: grants in the query of
// /oauth/token/ (the oauth.bitrix.info endpoint), access tokens in the auth
// parameter of /rest/ calls (not of the inbound webhook), 401 expired_token.
var oauth = crmtest.OAuthWire{
	TokenPath: "/oauth/token/",
	Lifetime:  TokenLifetime,
	Grant:     func(r *http.Request) url.Values { return r.URL.Query() },
	Token: func(r *http.Request) (string, bool) {
		if !strings.HasPrefix(r.URL.Path, "/rest/") || strings.Count(strings.TrimPrefix(r.URL.Path, "/rest/"), "/") > 0 {
			return "", false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		return form.Get("auth"), true
	},
	Issued: func(w http.ResponseWriter, access, refresh string) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "refresh_token": refresh,
			"expires_in": int64(TokenLifetime / time.Second), "scope": "crm,task", "domain": "acme.bitrix24.ru",
			"member_id": "m1", "client_endpoint": "https://acme.bitrix24.ru/rest/", "status": "L"})
	},
	Refused: func(w http.ResponseWriter, grant url.Values) {
		what := map[string]string{"authorization_code": "authorization code"}[grant.Get("grant_type")]
		if what == "" {
			what = "refresh token"
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "Invalid " + what})
	},
	Expired: func(w http.ResponseWriter) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "expired_token", "error_description": "The access token provided has expired."})
	},
}

// OAuthFront stands in front of a fake and adds the authorization_code
// grant at /oauth/token/ and access tokens that expire TokenLifetime after
// they were issued by the fake's clock (401 expired_token until
// refreshed). Point clients, and their TokenURL, at the front's URL.
type OAuthFront = crmtest.OAuthFront

// NewOAuthFront starts a front for fake accepting code once.
func NewOAuthFront(fake *Server, code string) *OAuthFront {
	return crmtest.NewOAuthFront(&fake.Fake, fake.Server.Config.Handler, oauth, code, nil)
}
