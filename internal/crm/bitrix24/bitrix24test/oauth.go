package bitrix24test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"
)

// TokenLifetime is how long a Bitrix24 OAuth access token lasts.
const TokenLifetime = time.Hour

// OAuthFront stands in front of a fake and adds what an OAuth application
// meets beyond the fake's refresh grant: the authorization_code grant at
// /oauth/token/ (the oauth.bitrix.info endpoint), and access tokens that
// expire TokenLifetime after they were issued by the fake's clock
// (401 expired_token until refreshed). Everything else goes to the fake.
// Point clients, and their TokenURL, at the front's URL.
type OAuthFront struct {
	*httptest.Server
	fake  *Server
	inner http.Handler

	// Under the fake's Mu: the code the next exchange accepts (once); the
	// grants served.
	Code                 string
	Exchanges, Refreshes int
	issued               time.Time
}

// NewOAuthFront starts a front for fake accepting code once.
func NewOAuthFront(fake *Server, code string) *OAuthFront {
	f := &OAuthFront{fake: fake, inner: fake.Server.Config.Handler, Code: code}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// TokenURL is the front's OAuth token endpoint.
func (f *OAuthFront) TokenURL() string { return f.URL + "/oauth/token/" }

func (f *OAuthFront) serve(w http.ResponseWriter, r *http.Request) {
	s := f.fake
	switch {
	case r.URL.Path == "/oauth/token/":
		if r.URL.Query().Get("grant_type") == "authorization_code" {
			f.exchange(w, r.URL.Query())
			return
		}
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
	case strings.HasPrefix(r.URL.Path, "/rest/") && !strings.HasPrefix(r.URL.Path, s.WebhookPath):
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		s.Mu.Lock()
		expired := !f.issued.IsZero() && form.Get("auth") == s.AccessToken && !s.Now().Before(f.issued.Add(TokenLifetime))
		if expired {
			s.Requests++
		}
		s.Mu.Unlock()
		if expired {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "expired_token", "error_description": "The access token provided has expired."})
			return
		}
	}
	f.inner.ServeHTTP(w, r)
}

// exchange serves the authorization_code grant: a new pair for the code,
// which is spent.
func (f *OAuthFront) exchange(w http.ResponseWriter, q url.Values) {
	s := f.fake
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests++
	if f.Code == "" || q.Get("code") != f.Code || q.Get("client_id") != s.ClientID || q.Get("client_secret") != s.ClientSecret {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "Invalid authorization code"})
		return
	}
	f.Code = ""
	f.Exchanges++
	f.issued = s.Now()
	s.tokenSerial++
	s.AccessToken = fmt.Sprintf("access-%d", s.tokenSerial)
	s.RefreshToken = fmt.Sprintf("refresh-%d", s.tokenSerial)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": s.AccessToken, "refresh_token": s.RefreshToken,
		"expires_in": int64(TokenLifetime / time.Second), "scope": "crm,task", "domain": "acme.bitrix24.ru",
		"member_id": "m1", "client_endpoint": "https://acme.bitrix24.ru/rest/", "status": "L"})
}
