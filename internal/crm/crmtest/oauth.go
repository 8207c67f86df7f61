package crmtest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"
)

// OAuthWire is how one CRM's OAuth looks on the wire, for its fake and
// its OAuthFront.
type OAuthWire struct {
	TokenPath string        // the path of the token endpoint
	Lifetime  time.Duration // how long an access token lasts
	// Grant reads the parameters of a request to TokenPath; it leaves the
	// request's body readable.
	Grant func(r *http.Request) url.Values
	// Token returns the access token an API request carries; ok is false
	// for a request that is no API call (it is passed on as it is).
	Token func(r *http.Request) (token string, ok bool)
	// Issued answers a grant with a token pair lasting Lifetime; Refused
	// refuses a grant; Expired refuses an API call with an expired token.
	Issued  func(w http.ResponseWriter, access, refresh string)
	Refused func(w http.ResponseWriter, grant url.Values)
	Expired func(w http.ResponseWriter)
}

// ServeRefresh serves a refresh_token grant at the fake's token endpoint.
// Hold Mu.
func (f *Fake) ServeRefresh(w http.ResponseWriter, r *http.Request, wire OAuthWire) {
	f.refresh(r, wire)(w, r)
}

// refresh serves a refresh_token grant (hold Mu) and returns its answer,
// which may be written after Mu is unlocked.
func (f *Fake) refresh(r *http.Request, wire OAuthWire) http.HandlerFunc {
	grant := wire.Grant(r)
	if !f.Refresh(grant) {
		return func(w http.ResponseWriter, _ *http.Request) { wire.Refused(w, grant) }
	}
	access, refresh := f.AccessToken, f.RefreshToken
	return func(w http.ResponseWriter, _ *http.Request) { wire.Issued(w, access, refresh) }
}

// Admit does, under Mu, what every fake does alike with a request within
// its rate limit: the refresh grant at the token endpoint, 404 for a path
// that is no API call, the next fault injected for the path, and the
// wire's refusal of a token that is not the current one. It returns the
// fault to serve, or the answer that ends the request, to write once Mu is
// unlocked.
func (f *Fake) Admit(r *http.Request, wire OAuthWire) (Fault, http.HandlerFunc) {
	if r.URL.Path == wire.TokenPath {
		return 0, f.refresh(r, wire)
	}
	token, api := wire.Token(r)
	if !api {
		return 0, http.NotFound
	}
	f.PerPath[r.URL.Path]++
	fault := f.NextFault(r.URL.Path)
	if token != f.AccessToken {
		return fault, func(w http.ResponseWriter, _ *http.Request) { wire.Expired(w) }
	}
	return fault, nil
}

// OAuthFront stands in front of a fake and adds what an OAuth application
// meets beyond the fake's refresh grant: the authorization_code grant, and
// access tokens that expire Lifetime after they were issued by the fake's
// clock (refused until refreshed). Everything else goes to the fake.
// Point clients at the front's URL.
type OAuthFront struct {
	*httptest.Server
	fake  *Fake
	inner http.Handler
	wire  OAuthWire
	want  url.Values

	// Under the fake's Mu: the code the next exchange accepts (once); the
	// grants served.
	Code                 string
	Exchanges, Refreshes int
	issued               time.Time
}

// NewOAuthFront starts a front for the fake serving inner, accepting code
// once in an exchange that also carries want (a redirect URI).
func NewOAuthFront(fake *Fake, inner http.Handler, wire OAuthWire, code string, want url.Values) *OAuthFront {
	f := &OAuthFront{fake: fake, inner: inner, wire: wire, want: want, Code: code}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// TokenURL is the front's OAuth token endpoint.
func (f *OAuthFront) TokenURL() string { return f.URL + f.wire.TokenPath }

func (f *OAuthFront) serve(w http.ResponseWriter, r *http.Request) {
	s := f.fake
	if r.URL.Path == f.wire.TokenPath {
		if grant := f.wire.Grant(r); grant.Get("grant_type") == "authorization_code" {
			f.exchange(w, grant)
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
	}
	if token, ok := f.wire.Token(r); ok {
		s.Mu.Lock()
		expired := !f.issued.IsZero() && token == s.AccessToken && !s.Now().Before(f.issued.Add(f.wire.Lifetime))
		if expired {
			s.Requests++
		}
		s.Mu.Unlock()
		if expired {
			f.wire.Expired(w)
			return
		}
	}
	f.inner.ServeHTTP(w, r)
}

// exchange serves the authorization_code grant: a new pair for the code,
// which is spent.
func (f *OAuthFront) exchange(w http.ResponseWriter, grant url.Values) {
	s := f.fake
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests++
	ok := f.Code != "" && grant.Get("code") == f.Code && grant.Get("client_id") == s.ClientID &&
		grant.Get("client_secret") == s.ClientSecret
	for k := range f.want {
		ok = ok && grant.Get(k) == f.want.Get(k)
	}
	if !ok {
		f.wire.Refused(w, grant)
		return
	}
	f.Code = ""
	f.Exchanges++
	f.issued = s.Now()
	s.issue()
	f.wire.Issued(w, s.AccessToken, s.RefreshToken)
}
