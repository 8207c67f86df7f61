package web

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
	"reglament/internal/store"
)

// Cookie names.
const (
	sessionCookie = "reglament_session"
	csrfCookie    = "reglament_csrf" // before login: double-submit token of the login form
	langCookie    = "reglament_lang" // language chosen before login
)

// reqState is what the middleware learns about a request: who makes it,
// in which language to answer, the CSRF token its forms must carry.
type reqState struct {
	pattern   string
	user      *store.User
	principal *auth.Principal
	session   *store.Session
	bearer    bool // authenticated by an API token: no cookies, no CSRF
	csrf      string
	lang      i18n.Lang
}

type stateKey struct{}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: i18n.EN}
}

func principalOf(u *store.User) *auth.Principal {
	return &auth.Principal{UserID: u.ID, Email: u.Email, Role: u.Role, Workspace: u.Workspace, Manager: u.Manager}
}

// authenticate finds the user (API token or session cookie), picks the
// language, and checks the CSRF token of every unsafe request made with
// cookies.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			// Metrics belong to the operator, not to a user: they have
			// their own token (Config.MetricsToken), need no session and
			// set no cookie.
			next.ServeHTTP(w, r)
			return
		}
		st := state(r)
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.renderError(w, r, domain.Errorf(domain.EUNAUTHORIZED, "Authorization: want a Bearer token"))
				return
			}
			u, err := s.store.FindUserByToken(ctx, auth.HashToken(strings.TrimSpace(token)))
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			st.user, st.principal, st.bearer = u, principalOf(u), true
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, u, err := s.store.FindSession(ctx, auth.HashToken(c.Value), s.now())
			switch domain.ErrorCode(err) {
			case "":
				st.user, st.principal, st.session, st.csrf = u, principalOf(u), sess, sess.CSRF
			case domain.EUNAUTHORIZED:
				http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
			default:
				s.renderError(w, r, err)
				return
			}
		}
		if st.csrf == "" && !st.bearer {
			if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
				st.csrf = c.Value
			} else {
				st.csrf = auth.NewToken()
				http.SetCookie(w, s.cookie(r, csrfCookie, st.csrf, 0))
			}
		}
		st.lang = s.language(r, st.user)
		if !st.bearer && unsafeMethod(r.Method) {
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue("csrf")
			}
			if !csrfMatches(sent, st.csrf) {
				s.renderError(w, r, domain.Errorf(domain.EFORBIDDEN, "the form expired or came from another site: reload the page and try again"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// cookie builds a cookie of ours: HttpOnly, SameSite=Lax, Secure behind
// TLS. maxAge 0 is a browser-session cookie, negative deletes it.
func (s *Server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.overHTTPS(r)}
}

// overHTTPS reports whether the browser reached us over HTTPS: directly
// over TLS, or, with Config.TrustProxy, through a proxy that says so in
// X-Forwarded-Proto (the first value, when proxies chained several).
func (s *Server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.cfg.TrustProxy {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// language is the user's choice, else the pre-login choice, else the
// browser's Accept-Language, else Russian, the first audience.
func (s *Server) language(r *http.Request, u *store.User) i18n.Lang {
	if u != nil {
		if l, ok := i18n.Parse(u.Lang); ok {
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage picks ru or en from an Accept-Language header by quality.
func acceptLanguage(h string) i18n.Lang {
	best, bestQ := i18n.RU, -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			} else {
				continue
			}
		}
		if l, ok := i18n.Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// require checks that the request's user may reach workspace ws at level
// (for auth.SeeOwn, the data of manager).
func (s *Server) require(r *http.Request, ws string, level int, manager string) error {
	st := state(r)
	if st.principal == nil {
		return domain.Errorf(domain.EUNAUTHORIZED, "log in first")
	}
	return st.principal.Can(ws, level, manager)
}

// workspace checks access and loads the workspace of the request's {ws}.
func (s *Server) workspace(r *http.Request, level int, manager string) (*domain.Workspace, error) {
	id := r.PathValue("ws")
	if err := s.require(r, id, level, manager); err != nil {
		return nil, err
	}
	return s.eng.Workspace(r.Context(), id)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if st.user == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, homeOf(st.user), http.StatusSeeOther)
	return nil
}

func homeOf(u *store.User) string {
	switch u.Role {
	case auth.Admin:
		return "/workspaces"
	case auth.Viewer:
		return "/w/" + u.Workspace + "/wall"
	}
	return "/w/" + u.Workspace + "/today"
}

type loginData struct {
	Email, Next, Error string
	// FirstRun: no account exists yet, so the page says where the first
	// one is made (the link serve printed, setup_first.go).
	FirstRun bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	has, err := s.store.HasAccounts(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "login", &page{Title: state(r).lang.T("web.login.title"), Data: loginData{Next: safeNext(r.URL.Query().Get("next")), FirstRun: !has}})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	key := email + "|" + clientIP(r)
	fail := func(status int, msg string) error {
		return s.renderStatus(w, r, status, "login", &page{Title: st.lang.T("web.login.title"),
			Data: loginData{Email: email, Next: next, Error: msg}})
	}
	ok, wait, err := s.throttle.Allowed(r.Context(), key)
	if err != nil {
		return err
	}
	if !ok {
		s.metrics.login("throttled")
		minutes := int(wait.Round(time.Minute) / time.Minute)
		return fail(http.StatusTooManyRequests, st.lang.T("web.login.throttled", max(minutes, 1)))
	}
	u, err := s.store.FindUserByEmail(r.Context(), email)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return err
	}
	if u == nil || u.PasswordHash == "" || !auth.CheckPassword(u.PasswordHash, password) {
		if u == nil {
			// Spend the same time as a real check, so that timing does not
			// tell which emails have accounts.
			auth.CheckPassword(dummyHash(), password)
		}
		if err := s.throttle.Fail(r.Context(), key); err != nil {
			return err
		}
		s.metrics.login("failed")
		return fail(http.StatusUnauthorized, st.lang.T("web.login.failed"))
	}
	if err := s.throttle.Reset(r.Context(), key); err != nil {
		return err
	}
	s.metrics.login("ok")
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	if next == "" {
		next = homeOf(u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// dummyHash is checked against when an email is unknown. It is made on
// first use, so that commands that never serve do not pay for it.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword("not a real password")
	return h
})

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *store.User) error {
	token, now := auth.NewToken(), s.now()
	sess := &store.Session{TokenHash: auth.HashToken(token), UserID: u.ID, CSRF: auth.NewToken(), CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, int(s.cfg.SessionTTL/time.Second)))
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if st := state(r); st.session != nil {
		if err := s.store.DeleteSession(r.Context(), st.session.TokenHash, s.now()); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// tokenLogin opens the wall screen of a viewer from its token link, so that
// a TV needs no keyboard. Only viewer tokens work here: the tokens of other
// roles are for the API and must not travel in URLs.
func (s *Server) tokenLogin(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.FindUserByToken(r.Context(), auth.HashToken(r.PathValue("token")))
	if err != nil {
		return err
	}
	if u.Role != auth.Viewer {
		return domain.Errorf(domain.EUNAUTHORIZED, "unknown wall screen token")
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, homeOf(u), http.StatusSeeOther)
	return nil
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		return invalid("unknown language %q", r.PostFormValue("lang"))
	}
	if st.user != nil {
		if err := s.store.SetUserLang(r.Context(), st.user.ID, string(l)); err != nil {
			return err
		}
	} else {
		http.SetCookie(w, s.cookie(r, langCookie, string(l), 365*24*3600))
	}
	back := "/"
	if ref, err := url.Parse(r.Header.Get("Referer")); err == nil && ref.Host == r.Host {
		back = safeNext(ref.RequestURI())
	}
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
