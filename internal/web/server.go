// Package web is reglament's web application: server-rendered pages in
// Russian and English for heads of sales, managers and the wall screen, and
// the JSON API under /api/v1. It calls the engine for every number, so the
// pages, the API and the CLI always agree.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/notify"
	"reglament/internal/store"
)

//go:embed templates static openapi.json
var assets embed.FS

// Config is what a Server needs. Zero durations and limits take defaults.
type Config struct {
	Engine *engine.Engine
	Log    *slog.Logger
	// RequestTimeout bounds the work of one request (default 30s).
	RequestTimeout time.Duration
	// MaxBodyBytes bounds a request body (default 1 MiB).
	MaxBodyBytes int64
	// AllowPrivateWebhooks lets a head set a notifications webhook_url on
	// a loopback, link-local or private address (serve
	// --allow-private-webhooks); otherwise saving one is refused.
	AllowPrivateWebhooks bool
	// Resolver resolves a webhook URL's host when it is saved; nil is the
	// system's.
	Resolver notify.Resolver
	// SessionTTL is how long a login lasts (default 14 days).
	SessionTTL time.Duration
	// LoginAttempts failed logins per account and address are allowed per
	// LoginWindow (defaults 5 per 15 minutes).
	LoginAttempts int
	LoginWindow   time.Duration
	// MetricsToken, when set, is the bearer token /metrics asks for
	// (Authorization: Bearer …); without it /metrics is open, as suits a
	// server listening on a private address. When empty, New takes it from
	// the environment: REGLAMENT_METRICS_TOKEN, or the first line of the
	// file REGLAMENT_METRICS_TOKEN_FILE names.
	MetricsToken string
	// TrustProxy makes the session and CSRF cookies Secure when a reverse
	// proxy in front says the browser used HTTPS (X-Forwarded-Proto: https).
	// Only set it when every request comes through such a proxy: otherwise
	// a client could claim HTTPS itself. Nothing else reads the header.
	TrustProxy bool
	// SessionCleanupEvery is how often ListenAndServe removes expired
	// sessions from the store (default 1h; negative disables it).
	SessionCleanupEvery time.Duration
	// Channels says which notification channels the serving process has,
	// for pages that tell people where their notifications go.
	Channels Channels
	// Hooks, when set, serves the CRM webhooks under /hooks/ (see package
	// hooks): outside authentication and CSRF, since a CRM has no session
	// and the handler checks the secret in the URL itself, but inside the
	// request log, panic recovery and the limits. The log and the metrics
	// never see the secret.
	Hooks http.Handler
	// Setup is the guided setup in the browser (setup.go).
	Setup SetupConfig
}

// metricsTokenFromEnv reads the metrics token from REGLAMENT_METRICS_TOKEN
// or, as for every secret, from the file REGLAMENT_METRICS_TOKEN_FILE names.
func metricsTokenFromEnv() (string, error) {
	if v := strings.TrimSpace(os.Getenv("REGLAMENT_METRICS_TOKEN")); v != "" {
		return v, nil
	}
	path := os.Getenv("REGLAMENT_METRICS_TOKEN_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("web: REGLAMENT_METRICS_TOKEN_FILE: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return "", fmt.Errorf("web: REGLAMENT_METRICS_TOKEN_FILE: %s is empty", path)
	}
	return line, nil
}

// Server is the web application. It is an http.Handler.
type Server struct {
	eng      *engine.Engine
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	cfg      Config
	pages    *pages
	metrics  *metrics
	throttle *auth.Throttle
	static   http.Handler
	handler  http.Handler
	mux      *http.ServeMux // the routes, for setup.go's hasRoute
	setupRun setupRunner    // the first syncs setup pages start
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("web: engine is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 14 * 24 * time.Hour
	}
	if cfg.LoginAttempts <= 0 {
		cfg.LoginAttempts = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.SessionCleanupEvery == 0 {
		cfg.SessionCleanupEvery = time.Hour
	}
	if cfg.MetricsToken == "" {
		token, err := metricsTokenFromEnv()
		if err != nil {
			return nil, err
		}
		cfg.MetricsToken = token
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		eng: cfg.Engine, store: cfg.Engine.Store, log: cfg.Log, now: cfg.Engine.Now, cfg: cfg, pages: p,
		metrics: newMetrics(),
		// Failed logins are counted in the database: one limit for every
		// instance, kept across restarts.
		throttle: auth.NewThrottle(cfg.LoginAttempts, cfg.LoginWindow, cfg.Engine.Now, cfg.Engine.Store),
		static:   assetFiles,
	}
	mux := http.NewServeMux()
	s.mux = mux
	s.routes(mux)
	// Outermost first: every request is logged and measured, a panic
	// anywhere below becomes a 500, headers are set before any handler
	// writes, and the body and time limits apply before authentication
	// reads the form. A webhook URL's secret is masked before anything
	// logs it, and webhooks skip authentication (routeHooks). A form is
	// read before authentication checks its CSRF token, so that one over
	// the body limit is answered 413, not "form expired" (readForm).
	s.handler = hideHookSecret(s.logRequests(s.recoverPanics(compress(securityHeaders(s.limit(s.routeHooks(s.readForm(s.authenticate(mux)))))))))
	return s, nil
}

// hookURLKey holds the real URL of a webhook call, whose request the log
// sees with the secret masked.
type hookURLKey struct{}

// hideHookSecret masks the secret of a webhook URL (/hooks/{ws}/{secret})
// for everything outside routeHooks, the request log first of all.
func hideHookSecret(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/hooks/")
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		workspace, _, _ := strings.Cut(rest, "/")
		masked := *r.URL
		masked.Path, masked.RawPath = "/hooks/"+workspace+"/…", ""
		r = r.WithContext(context.WithValue(r.Context(), hookURLKey{}, r.URL))
		r.URL, r.RequestURI = &masked, masked.RequestURI()
		next.ServeHTTP(w, r)
	})
}

// routeHooks hands webhook calls, with their real URL, to cfg.Hooks, and
// everything else to app.
func (s *Server) routeHooks(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		real, ok := r.Context().Value(hookURLKey{}).(*url.URL)
		if !ok || s.cfg.Hooks == nil {
			app.ServeHTTP(w, r)
			return
		}
		state(r).pattern = "POST /hooks/{workspace}/{secret}"
		r = r.WithContext(r.Context())
		r.URL, r.RequestURI = real, real.RequestURI()
		s.cfg.Hooks.ServeHTTP(w, r)
	})
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Channels are the notification channels of the serving process.
type Channels struct {
	Telegram    bool
	BotUsername string // the Telegram bot's username, for t.me links; "" when unknown
	Email       bool
}

// handlerFunc is a handler that returns its error for one renderer to show.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(mux *http.ServeMux, pattern string, h handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		state(r).pattern = pattern
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", s.static)
	s.handle(mux, "GET /healthz", s.healthz)
	s.handle(mux, "GET /metrics", s.serveMetrics)

	s.handle(mux, "GET /{$}", s.home)
	s.handle(mux, "GET /login", s.loginPage)
	s.handle(mux, "POST /login", s.login)
	s.handle(mux, "POST /logout", s.logout)
	s.handle(mux, "POST /lang", s.setLang)
	s.handle(mux, "GET /t/{token}", s.tokenLogin)
	s.handle(mux, "GET /workspaces", s.workspacesPage)

	s.handle(mux, "GET /w/{ws}/today", s.todayPage)
	s.handle(mux, "GET /w/{ws}/day", s.dayRedirect)
	s.handle(mux, "GET /w/{ws}/day/{date}", s.dayPage)
	s.handle(mux, "POST /w/{ws}/day/{date}/recompute", s.recomputeDay)
	s.handle(mux, "GET /w/{ws}/why/{manager}/{date}/{indicator}", s.whyPage)
	s.handle(mux, "GET /w/{ws}/month", s.monthPage)
	s.handle(mux, "GET /w/{ws}/statement", s.statementPage)
	s.handle(mux, "GET /w/{ws}/adjustments", s.adjustmentsPage)
	s.handle(mux, "POST /w/{ws}/adjustments", s.addAdjustment)
	s.handle(mux, "GET /w/{ws}/wall", s.wallPage)
	s.handle(mux, "GET /w/{ws}/regulation", s.regulationPage)
	s.handle(mux, "POST /w/{ws}/regulation", s.regulationPost)
	s.handle(mux, "GET /w/{ws}/managers/{manager}", s.managerPage)
	s.handle(mux, "GET /w/{ws}/managers/{manager}/telephony", s.telephonyPage)
	s.handle(mux, "GET /w/{ws}/settings", s.settingsPage)
	s.handle(mux, "POST /w/{ws}/settings", s.settingsPost)
	s.handle(mux, "POST /w/{ws}/users", s.addUser)
	s.handle(mux, "POST /w/{ws}/users/{id}", s.changeUser)
	s.handle(mux, "POST /w/{ws}/tokens", s.createToken)
	s.handle(mux, "POST /w/{ws}/tokens/revoke", s.revokeToken)
	s.handle(mux, "GET /w/{ws}/telegram", s.telegramPage)
	s.handle(mux, "POST /w/{ws}/telegram", s.telegramCode)
	s.handle(mux, "GET /w/{ws}/deliveries", s.deliveriesPage)
	s.formsRoutes(mux) // forms_apply.go: the forms instead of YAML and the Norms step
	s.setupRoutes(mux)

	s.handle(mux, "GET /api/v1/openapi.json", s.apiOpenAPI)
	s.handle(mux, "GET /api/v1/workspaces", s.apiWorkspaces)
	s.handle(mux, "GET /api/v1/workspaces/{ws}", s.apiWorkspace)
	s.handle(mux, "GET /api/v1/workspaces/{ws}/managers", s.apiManagers)
	s.handle(mux, "GET /api/v1/workspaces/{ws}/sheets/{date}", s.apiSheet)
	s.handle(mux, "GET /api/v1/workspaces/{ws}/statements/{period}", s.apiStatement)
	s.handle(mux, "GET /api/v1/workspaces/{ws}/adjustments", s.apiAdjustments)
	s.handle(mux, "POST /api/v1/workspaces/{ws}/adjustments", s.apiAddAdjustment)
	s.handle(mux, "GET /api/v1/workspaces/{ws}/regulation", s.apiRegulation)
	s.handle(mux, "POST /api/v1/workspaces/{ws}/regulation", s.apiAddRegulation)
	s.handle(mux, "POST /api/v1/workspaces/{ws}/backtests", s.apiBacktest)
	s.handle(mux, "/api/", func(http.ResponseWriter, *http.Request) error {
		return notFound("no such API endpoint")
	})
	s.handle(mux, "/", func(http.ResponseWriter, *http.Request) error {
		return notFound("page not found")
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DB().PingContext(r.Context()); err != nil {
		return fmt.Errorf("web: healthz: %w", err)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully, giving requests in flight a few seconds to finish. ready, when
// not nil, receives the listening address once the socket is open.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web: listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      s.cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	// The session cleanup lives as long as the server: it stops when
	// ListenAndServe returns, and is waited for.
	defer s.Close() // the first syncs the setup pages started
	cleanupCtx, stopCleanup := context.WithCancel(ctx)
	var cleanup sync.WaitGroup
	if s.cfg.SessionCleanupEvery > 0 {
		cleanup.Go(func() { s.cleanSessions(cleanupCtx, s.cfg.SessionCleanupEvery) })
	}
	defer func() {
		stopCleanup()
		cleanup.Wait()
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	<-errc
	return nil
}

// cleanSessions removes expired sessions now and then every interval until
// ctx is cancelled. Expired sessions already open nothing; this only keeps
// the table from growing with every login ever made.
func (s *Server) cleanSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.store.DeleteExpiredSessions(ctx, s.now())
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("session cleanup", "err", err.Error())
		case n > 0:
			s.log.Info("session cleanup", "removed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// checkWebhookURL refuses a changed notifications webhook_url whose host
// is, or resolves to, a loopback, link-local or private address, unless
// the operator allows those (issue 14). An unchanged one is left alone:
// delivery checks every address it connects to anyway.
func (s *Server) checkWebhookURL(ctx context.Context, old, edited *domain.Workspace) error {
	u := edited.Notifications.WebhookURL
	if s.cfg.AllowPrivateWebhooks || u == "" || u == old.Notifications.WebhookURL {
		return nil
	}
	return notify.CheckWebhookURL(ctx, s.cfg.Resolver, u)
}
