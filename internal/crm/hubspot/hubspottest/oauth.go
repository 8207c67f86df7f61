package hubspottest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"reglament/internal/crm/crmtest"
)

// oauth is HubSpot's OAuth on the wire: grants posted as a form to
// /oauth/v1/token, access tokens in the Authorization header of /crm/
// calls, 401 EXPIRED_AUTHENTICATION.
var oauth = crmtest.OAuthWire{
	TokenPath: "/oauth/v1/token",
	Lifetime:  TokenLifetime,
	Grant: func(r *http.Request) url.Values {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method != http.MethodPost {
			return url.Values{}
		}
		grant, _ := url.ParseQuery(string(body))
		return grant
	},
	Token: func(r *http.Request) (string, bool) {
		if !strings.HasPrefix(r.URL.Path, "/crm/") {
			return "", false
		}
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return token, true
	},
	Issued: func(w http.ResponseWriter, access, refresh string) {
		writeJSON(w, http.StatusOK, map[string]any{"token_type": "bearer", "refresh_token": refresh, "access_token": access,
			"expires_in": int64(TokenLifetime / time.Second)})
	},
	Refused: func(w http.ResponseWriter, grant url.Values) {
		status := "BAD_REFRESH_TOKEN"
		if grant.Get("grant_type") == "authorization_code" {
			status = "BAD_AUTH_CODE"
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": status, "message": "missing or unknown " + grant.Get("grant_type"),
			"correlationId": "fake"})
	},
	Expired: func(w http.ResponseWriter) {
		problem(w, http.StatusUnauthorized, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.")
	},
}

// OAuthFront stands in front of a fake and adds the authorization_code
// grant and access tokens that expire TokenLifetime after they were issued
// by the fake's clock (401 until refreshed). Point clients at its URL.
type OAuthFront = crmtest.OAuthFront

// NewOAuthFront starts a front for fake accepting code once, with
// redirectURI.
func NewOAuthFront(fake *Server, code, redirectURI string) *OAuthFront {
	return crmtest.NewOAuthFront(&fake.Fake, fake.Server.Config.Handler, oauth, code, url.Values{"redirect_uri": {redirectURI}})
}
