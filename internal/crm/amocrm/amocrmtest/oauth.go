package amocrmtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// oauth is amoCRM's OAuth on the wire: grants posted as JSON to
// /oauth2/access_token, access tokens in the Authorization header of
// /api/v4/ calls, problem+json refusals.
var oauth = crmtest.OAuthWire{
	TokenPath: "/oauth2/access_token",
	Lifetime:  TokenLifetime,
	Grant: func(r *http.Request) url.Values {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req map[string]string
		grant := url.Values{}
		if r.Method == http.MethodPost && json.Unmarshal(body, &req) == nil {
			for k, v := range req {
				grant.Set(k, v)
			}
		}
		return grant
	},
	Token: func(r *http.Request) (string, bool) {
		if !strings.HasPrefix(r.URL.Path, "/api/v4/") {
			return "", false
		}
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return token, true
	},
	Issued: func(w http.ResponseWriter, access, refresh string) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": int64(TokenLifetime / time.Second),
			"access_token": access, "refresh_token": refresh})
	},
	Refused: func(w http.ResponseWriter, _ url.Values) { problem(w, http.StatusBadRequest, "Bad Request") },
	Expired: func(w http.ResponseWriter) { problem(w, http.StatusUnauthorized, "Unauthorized") },
}

// OAuthFront stands in front of a fake and adds the authorization_code
// grant of POST /oauth2/access_token and access tokens that expire
// TokenLifetime after they were issued by the fake's clock (401 until
// refreshed). Point clients at the front's URL.
type OAuthFront = crmtest.OAuthFront

// NewOAuthFront starts a front for fake accepting code once, with
// redirectURI.
func NewOAuthFront(fake *Server, code, redirectURI string) *OAuthFront {
	return crmtest.NewOAuthFront(&fake.Fake, fake.Server.Config.Handler, oauth, code, url.Values{"redirect_uri": {redirectURI}})
}
