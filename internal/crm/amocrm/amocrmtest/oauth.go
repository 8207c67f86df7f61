package amocrmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// TokenLifetime is how long an amoCRM OAuth access token lasts.
const TokenLifetime = 24 * time.Hour

// OAuthFront stands in front of a fake and adds what an OAuth integration
// meets beyond the fake's refresh grant: the authorization_code grant of
// POST /oauth2/access_token, and access tokens that expire TokenLifetime
// after they were issued by the fake's clock (401 until refreshed).
// Everything else goes to the fake. Point clients at the front's URL.
type OAuthFront struct {
	*httptest.Server
	fake  *Server
	inner http.Handler

	// Under the fake's Mu: the code the next exchange accepts (once) and
	// the redirect URI it must come with; the grants served.
	Code, RedirectURI    string
	Exchanges, Refreshes int
	issued               time.Time
}

// NewOAuthFront starts a front for fake accepting code once.
func NewOAuthFront(fake *Server, code, redirectURI string) *OAuthFront {
	f := &OAuthFront{fake: fake, inner: fake.Server.Config.Handler, Code: code, RedirectURI: redirectURI}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *OAuthFront) serve(w http.ResponseWriter, r *http.Request) {
	s := f.fake
	switch {
	case r.URL.Path == "/oauth2/access_token":
		body, _ := io.ReadAll(r.Body)
		var req map[string]string
		if json.Unmarshal(body, &req) == nil && req["grant_type"] == "authorization_code" {
			f.exchange(w, req)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		f.inner.ServeHTTP(rec, r)
		if rec.Code == http.StatusOK {
			s.Mu.Lock()
			f.issued = s.Now()
			f.Refreshes++
			s.Mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	case strings.HasPrefix(r.URL.Path, "/api/v4/"):
		s.Mu.Lock()
		expired := !f.issued.IsZero() && r.Header.Get("Authorization") == "Bearer "+s.AccessToken &&
			!s.Now().Before(f.issued.Add(TokenLifetime))
		if expired {
			s.Requests++
		}
		s.Mu.Unlock()
		if expired {
			problem(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
	}
	f.inner.ServeHTTP(w, r)
}

// exchange serves the authorization_code grant: a new pair for the code,
// which is spent.
func (f *OAuthFront) exchange(w http.ResponseWriter, req map[string]string) {
	s := f.fake
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests++
	if f.Code == "" || req["code"] != f.Code || req["client_id"] != s.ClientID ||
		req["client_secret"] != s.ClientSecret || req["redirect_uri"] != f.RedirectURI {
		problem(w, http.StatusBadRequest, "Bad Request")
		return
	}
	f.Code = ""
	f.Exchanges++
	f.issued = s.Now()
	s.tokenSerial++
	s.AccessToken = fmt.Sprintf("access-%d", s.tokenSerial)
	s.RefreshToken = fmt.Sprintf("refresh-%d", s.tokenSerial)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": int64(TokenLifetime / time.Second),
		"access_token": s.AccessToken, "refresh_token": s.RefreshToken})
}
