package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/delivery"
	"reglament/internal/demo"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/hooks"
	"reglament/internal/jobs"
	"reglament/internal/store"
	"reglament/internal/web"
)

// serve runs the web application on addr over eng until ctx is cancelled.
// Notifications go through router, or to the log when it is nil (no
// channel configured). trustProxy honours X-Forwarded-Proto for the
// cookies' Secure flag (only behind a proxy that sets it). allowPrivate
// lets notification webhooks reach loopback, link-local and private
// addresses, which are refused otherwise (when saved and when sent).
func (m *Main) serve(ctx context.Context, env *runEnv, eng *engine.Engine, addr string, router *delivery.Router, trustProxy, allowPrivate bool, publicURL ...string) error {
	log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
	var notifier jobs.Notifier = jobs.LogNotifier{Logger: log}
	var bot *jobs.TelegramConfig
	if router != nil {
		router.Logger = log
		router.AllowPrivateWebhooks = allowPrivate
		bot = router.LinkBot(eng)
		notifier = router
	}
	dev, err := m.devSettings()
	if err != nil {
		return err
	}
	if dev.clock != nil {
		eng.Now = dev.clock.Now
		log.Warn("developer clock in use: now is read from a file", "file", dev.clock.path, "now", eng.Now())
	}
	// CRM webhooks (POST /hooks/{workspace}/{secret}) are stored as
	// pending changes; the handler's writer stops after the server has
	// shut down (deferred before ListenAndServe returns).
	// Each stored webhook queues a re-fetch job of its workspace; the
	// runner is built below, before the server listens.
	var runner *jobs.Runner
	refetch := func(workspaces []string) {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := runner.RefetchSoon(rctx, workspaces); err != nil {
			log.Error("cannot queue the CRM re-fetch", "workspaces", workspaces, "error", err)
		}
	}
	hooksHandler, err := hooks.New(hooks.Config{Store: eng.Store, Log: log, OnStored: refetch, Secrets: m.webhookSecrets(log)})
	if err != nil {
		return err
	}
	defer hooksHandler.Close()
	channels := web.Channels{Email: router != nil && router.Email != nil, Telegram: bot != nil}
	if bot != nil {
		// The bot's username makes t.me links with a person's link code;
		// without it the pages say the code to send instead.
		mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		name, err := bot.Client.GetMe(mctx)
		cancel()
		if err != nil {
			log.Warn("cannot read the Telegram bot's username: pages give link codes without a t.me link", "error", err.Error())
		}
		channels.BotUsername = name
	}
	// The syncer also serves the setup pages: connecting a CRM from the
	// browser and its first sync.
	crm, err := m.newCRMSyncer(eng.Store)
	if err != nil {
		return err
	}
	setup := web.SetupConfig{CRM: crm.syncer,
		// The first sync waits for the scheduled ones (the runner is
		// built below, before anything is served).
		LockCRM: func(ctx context.Context, workspace string) (func(), error) { return runner.LockCRM(ctx, workspace) }}
	if len(publicURL) > 0 {
		setup.PublicURL = publicURL[0]
	}
	srv, err := web.New(web.Config{Engine: eng, Log: log, TrustProxy: trustProxy, Hooks: hooksHandler,
		AllowPrivateWebhooks: allowPrivate, Channels: channels, Setup: setup})
	if err != nil {
		return err
	}
	// On an empty database (no account yet) the console gets a one-time
	// link that creates the first admin: there is no default password.
	setupLink, firstRun, err := web.CreateSetupLink(ctx, eng.Store, eng.Now)
	if err != nil {
		return err
	}
	// The daily rhythm (reminders, finalization, digests, statements) runs
	// in every serving process; the job queue makes each event happen once
	// across all of them.
	host, _ := os.Hostname()
	runner, err = jobs.New(ctx, eng.Store, jobs.Config{Engine: eng, Notifier: notifier, Logger: log, Telegram: bot,
		CRM: crm, PBX: crm, ID: fmt.Sprintf("%s_%d", host, os.Getpid()),
		PlanEvery: dev.planEvery, PollInterval: dev.pollInterval, JobTimeout: dev.jobTimeout,
		RescueStuckJobsAfter: dev.rescueAfter, SyncTimeout: dev.syncTimeout})
	if err != nil {
		return err
	}
	if err := runner.Start(ctx); err != nil {
		return fmt.Errorf("cli: start jobs: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			log.Warn("jobs did not stop cleanly", "error", err)
		}
	}()
	return srv.ListenAndServe(ctx, addr, func(a net.Addr) {
		fmt.Fprintln(m.Stdout, env.Lang().T("serve.listening", a.String()))
		if firstRun {
			base := "http://" + a.String()
			if len(publicURL) > 0 && publicURL[0] != "" {
				base = strings.TrimRight(publicURL[0], "/")
			}
			fmt.Fprintln(m.Stdout, env.Lang().T("serve.setup_link", base+setupLink, int(web.SetupLinkTTL/time.Hour)))
		}
	})
}

func (m *Main) runServe(ctx context.Context, env *runEnv, args []string) error {
	addr := env.fs.String("addr", "127.0.0.1:8080", "address to listen on")
	trustProxy := env.fs.Bool("trust-proxy", false, "behind a TLS-terminating reverse proxy: trust X-Forwarded-Proto for Secure cookies")
	allowPrivate := env.fs.Bool("allow-private-webhooks", false, "let notification webhook_url point at loopback, link-local and private addresses (refused by default)")
	publicURL := env.fs.String("public-url", m.Getenv("REGLAMENT_PUBLIC_URL"), "the address people reach the server at (https://reglament.example), for the setup link and the amoCRM redirect URI (env REGLAMENT_PUBLIC_URL; default: the request's)")
	channels := m.addChannelFlags(env.fs)
	pool := m.addPoolFlags(env.fs)
	if _, err := parse(env.fs, args); err != nil {
		return err
	}
	if err := pool.check(); err != nil {
		return err
	}
	// Read and check the channels' secrets before anything else, so that a
	// mistake stops serve at once with a message naming the flag.
	router, err := channels.router()
	if err != nil {
		return err
	}
	st, err := store.OpenPool(ctx, *env.dbPath, pool.Pool)
	if err != nil {
		return err
	}
	defer st.Close()
	return m.serve(ctx, env, engine.New(st, m.Now), *addr, router, *trustProxy, *allowPrivate, *publicURL)
}

// poolFlags are serve's bounds of a PostgreSQL pool (store.Pool): each
// request takes a connection in turn, so many clients queue instead of
// opening a connection each until PostgreSQL refuses every client.
type poolFlags struct {
	store.Pool
	bad []string // flags whose environment default was not a number
}

// addPoolFlags defines --db-max-conns, --db-max-waiting and --db-max-wait,
// with defaults from REGLAMENT_DB_MAX_CONNS, REGLAMENT_DB_MAX_WAITING and
// REGLAMENT_DB_MAX_WAIT.
func (m *Main) addPoolFlags(fs *flag.FlagSet) *poolFlags {
	p := &poolFlags{}
	envInt := func(name, key string, def int) int {
		v := m.Getenv(key)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			p.bad = append(p.bad, name)
		}
		return n
	}
	wait := store.DefaultMaxWait
	if v := m.Getenv("REGLAMENT_DB_MAX_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			p.bad = append(p.bad, "db-max-wait")
		}
		wait = d
	}
	fs.IntVar(&p.MaxConns, "db-max-conns", envInt("db-max-conns", "REGLAMENT_DB_MAX_CONNS", 0),
		"PostgreSQL: connections open at most, per process (0: the DSN's pool_max_conns, else "+strconv.Itoa(store.DefaultMaxConns)+"); keep processes × this under the server's max_connections (env REGLAMENT_DB_MAX_CONNS)")
	fs.IntVar(&p.MaxWaiting, "db-max-waiting", envInt("db-max-waiting", "REGLAMENT_DB_MAX_WAITING", store.DefaultMaxWaiting),
		"PostgreSQL: requests waiting for a connection at most; more are answered 503 with Retry-After (env REGLAMENT_DB_MAX_WAITING)")
	fs.DurationVar(&p.MaxWait, "db-max-wait", wait,
		"PostgreSQL: the longest a request waits for a connection before 503 with Retry-After (env REGLAMENT_DB_MAX_WAIT)")
	return p
}

// check refuses bounds that are not positive (but --db-max-conns 0, the
// default), naming the flag.
func (p *poolFlags) check() error {
	if p.MaxConns < 0 {
		p.bad = append(p.bad, "db-max-conns")
	}
	if p.MaxWaiting <= 0 {
		p.bad = append(p.bad, "db-max-waiting")
	}
	if p.MaxWait <= 0 {
		p.bad = append(p.bad, "db-max-wait")
	}
	if len(p.bad) > 0 {
		return usagef("flag --%s: want a positive number (a duration such as 10s for --db-max-wait)", p.bad[0])
	}
	return nil
}

// runUser manages web accounts: user add --workspace W --email E --role R.
func (m *Main) runUser(ctx context.Context, env *runEnv, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("want: user add --workspace W --email E --role admin|head|manager|viewer [--manager M] [--password-file F] [--token]")
	}
	workspace := env.fs.String("workspace", "", "workspace id (not for an admin)")
	email := env.fs.String("email", "", "login email")
	role := env.fs.String("role", "", "admin, head, manager or viewer")
	manager := env.fs.String("manager", "", "manager id (for a manager)")
	passwordFile := env.fs.String("password-file", "", "file holding the password (default: generate and print one)")
	token := env.fs.Bool("token", false, "also create an API token and print it (a viewer always gets one)")
	if _, err := parse(env.fs, args[1:]); err != nil {
		return err
	}
	if err := requireAll("email", *email, "role", *role); err != nil {
		return err
	}
	if err := checkEmail(*email); err != nil {
		return err
	}
	if !auth.ValidRole(*role) {
		return usagef("flag --role: want admin, head, manager or viewer, got %q", *role)
	}
	switch {
	case *role == auth.Admin && *workspace != "":
		return usagef("an admin sees every workspace: leave out --workspace")
	case *role != auth.Admin && *workspace == "":
		return usagef("flag --workspace is required for a %s", *role)
	case *role == auth.Manager && *manager == "":
		return usagef("flag --manager is required for a manager")
	case *role != auth.Manager && *manager != "":
		return usagef("flag --manager is only for a manager")
	}
	password := ""
	if *passwordFile != "" {
		b, err := readInput(*passwordFile)
		if err != nil {
			return err
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	generated := password == "" && *role != auth.Viewer
	if generated {
		password = auth.NewPassword()
	}
	u := &store.User{Email: *email, Role: *role, Workspace: *workspace, Manager: *manager, CreatedAt: m.Now()}
	if password != "" {
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
	}
	eng, closeStore, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	if err := eng.Store.CreateUser(ctx, u, m.actor("")); err != nil {
		return err
	}
	lang := env.Lang()
	fmt.Fprintln(m.Stdout, lang.T("user.created", u.Email, u.Role))
	if generated {
		fmt.Fprintln(m.Stdout, lang.T("user.password", password))
	}
	if *token || *role == auth.Viewer {
		t := auth.NewToken()
		if err := eng.Store.CreateAPIToken(ctx, auth.HashToken(t), u.ID, "cli", m.Now()); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, lang.T("user.token", t))
		if *role == auth.Viewer {
			fmt.Fprintln(m.Stdout, lang.T("demo.wall", "/t/"+t))
		}
	}
	return nil
}

// checkEmail refuses a login e-mail that is not one bare address: a login
// is typed on the login page as it is stored, so a display name ("Anna
// <anna@acme.example>"), a list, a missing domain or stray spaces are a
// mistake to say at once, not an account nobody can log in to.
func checkEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return usagef("flag --email: want one address such as anna@acme.example, got %q", email)
	}
	return nil
}

// demoUser is one login the demo creates.
type demoUser struct {
	email, role, workspace, manager string
}

// demoUsers creates (or resets) one user per role in the demo workspace
// with a fresh password, and a wall screen token, and prints the logins.
func (m *Main) demoUsers(ctx context.Context, env *runEnv, eng *engine.Engine, addr string) error {
	password := auth.NewPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	users := []demoUser{
		{"admin@demo.example", auth.Admin, "", ""},
		{"head@demo.example", auth.Head, demo.ID, ""},
		{demo.Disciplined + "@demo.example", auth.Manager, demo.ID, demo.Disciplined},
		{demo.LateEntrant + "@demo.example", auth.Manager, demo.ID, demo.LateEntrant},
		{"wall@demo.example", auth.Viewer, demo.ID, ""},
	}
	lang := env.Lang()
	fmt.Fprintln(m.Stdout)
	fmt.Fprintln(m.Stdout, lang.T("demo.logins", password))
	for _, d := range users {
		u := &store.User{Email: d.email, Role: d.role, Workspace: d.workspace, Manager: d.manager, PasswordHash: hash, CreatedAt: m.Now()}
		err := eng.Store.CreateUser(ctx, u, "demo")
		if domain.ErrorCode(err) == domain.ECONFLICT {
			err = eng.Store.SetUserPassword(ctx, d.email, hash)
			if err == nil {
				u, err = eng.Store.FindUserByEmail(ctx, d.email)
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "  %-16s %s\n", lang.T("web.role."+d.role), d.email)
		if d.role == auth.Viewer {
			t := auth.NewToken()
			if err := eng.Store.CreateAPIToken(ctx, auth.HashToken(t), u.ID, "demo", m.Now()); err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, lang.T("demo.wall", "http://"+addr+"/t/"+t))
		}
	}
	return nil
}
