package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"reglament/internal/auth"
	"reglament/internal/crmsync"
	"reglament/internal/domain"
	"reglament/internal/store"
)

// SetupConfig is what the guided setup in the browser (issue 15) needs
// beyond the rest of the application.
type SetupConfig struct {
	// CRM connects a workspace's CRM (the OAuth code exchange, the check
	// of a Bitrix24 webhook), lists its users and runs the first sync. Nil:
	// the CRM step says to connect with the workspace file and `reglament
	// connect` instead. Its Secrets seal the tokens and client secrets.
	CRM *crmsync.Syncer
	// PublicURL is the address people reach the server at
	// (https://reglament.example), for the redirect URI the amoCRM
	// integration needs; empty: taken from the request.
	PublicURL string
	// AmoCRMAuthorizeURL is amoCRM's authorization page (default
	// https://www.amocrm.ru/oauth; Kommo's is https://www.kommo.com/oauth).
	AmoCRMAuthorizeURL string
	// KommoAuthorizeURL is Kommo's (amoCRM's international edition)
	// authorization page (default https://www.kommo.com/oauth).
	KommoAuthorizeURL string
	// AmoCRMAccount turns the referer of an amoCRM callback (the account's
	// host, acme.amocrm.ru) into the account's base URL, or refuses it.
	// Default: https://{referer} for a host under amocrm.ru, amocrm.com
	// or kommo.com; anything else is refused, since the client secret and
	// the code are sent there.
	AmoCRMAccount func(referer string) (string, bool)
	// SyncTimeout bounds the first sync (default 30 minutes).
	SyncTimeout time.Duration
	// LockCRM holds the workspace's CRM for the first sync, so that it
	// and the scheduled syncs of the serving process (jobs.Runner.LockCRM)
	// keep the account under its rate limit together. Default: the
	// store's lock across processes only (a no-op on SQLite).
	LockCRM func(ctx context.Context, workspace string) (unlock func(), err error)
	// HubSpotPipedrive is where HubSpot and Pipedrive are reached
	// (setup_crm_more.go); the zero value is the real services.
	HubSpotPipedrive HubSpotPipedriveConfig
}

// amoCRMHost is the host of an amoCRM or Kommo account.
var amoCRMHost = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}\.(amocrm\.ru|amocrm\.com|kommo\.com)$`)

func defaultAmoCRMAccount(referer string) (string, bool) {
	host := strings.ToLower(strings.TrimSpace(referer))
	if !amoCRMHost.MatchString(host) {
		return "", false
	}
	return "https://" + host, true
}

// Setup durations.
const (
	// SetupLinkTTL is how long the first-run link `serve` prints works.
	SetupLinkTTL = 24 * time.Hour
	// oauthStateTTL is how long an authorization started on the CRM page
	// may take to come back.
	oauthStateTTL = 30 * time.Minute
	// setupSyncStale is when a first sync that reports nothing is taken
	// for one whose process died, so that it may be started again.
	setupSyncStale = 10 * time.Minute
)

// setupRunner owns the first syncs started from the setup pages: each
// runs in a goroutine that stops when the server closes, and is waited for.
type setupRunner struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (r *setupRunner) init() {
	r.once.Do(func() { r.ctx, r.cancel = context.WithCancel(context.Background()) })
}

// goRun runs fn in the background with the runner's context.
func (r *setupRunner) goRun(fn func(ctx context.Context)) {
	r.init()
	r.wg.Go(func() { fn(r.ctx) })
}

// stop cancels the background work and waits for it.
func (r *setupRunner) stop() {
	r.init()
	r.cancel()
	r.wg.Wait()
}

// Close stops the first syncs the setup pages started and waits for them.
// ListenAndServe does it on shutdown; tests that serve with httptest call
// it themselves.
func (s *Server) Close() { s.setupRun.stop() }

// setupRoutes adds the setup pages' routes.
func (s *Server) setupRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /setup", s.firstRunPage)
	s.handle(mux, "POST /setup", s.firstRunPost)
	s.handle(mux, "GET /setup/company", s.newCompanyPage)
	s.handle(mux, "POST /setup/company", s.newCompanyPost)
	s.handle(mux, "GET /setup/oauth/amocrm", s.amoCRMCallback)
	s.handle(mux, "GET /setup/oauth/bitrix24", s.bitrix24Callback)
	s.handle(mux, "GET "+hubSpotCallbackPath, s.hubSpotCallback)
	s.handle(mux, "GET "+pipedriveCallbackPath, s.pipedriveCallback)
	s.handle(mux, "GET /w/{ws}/setup", s.setupChecklist)
	s.handle(mux, "GET /w/{ws}/setup/company", s.companyPage)
	s.handle(mux, "POST /w/{ws}/setup/company", s.companyPost)
	s.handle(mux, "GET /w/{ws}/setup/crm", s.crmPage)
	s.handle(mux, "POST /w/{ws}/setup/crm", s.crmPost)
	s.handle(mux, "GET /w/{ws}/setup/people", s.peoplePage)
	s.handle(mux, "POST /w/{ws}/setup/people", s.peoplePost)
	s.handle(mux, "GET /w/{ws}/setup/invite", s.invitePage)
	s.handle(mux, "POST /w/{ws}/setup/invite", s.invitePost)
	s.handle(mux, "POST /w/{ws}/setup/starter", s.starterRegulationPost)
}

// setupStep is one line of the checklist.
type setupStep struct {
	Key  string // company, crm, people, norms, invite, sheet
	Done bool
	Link string
	Note string // what stands, said in the reader's language
}

type setupData struct {
	Steps []setupStep
	// NormsPage: the Norms step has a page of its own; otherwise the
	// checklist offers the article's starter regulation.
	NormsPage bool
}

// setupChecklist shows what of the setup is done, each step a link to
// its page: a head may leave at any step and come back here.
func (s *Server) setupChecklist(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	data, err := s.setupSteps(r, ws)
	if err != nil {
		return err
	}
	return s.render(w, r, "setup", &page{Title: state(r).lang.T("setup.title"), WS: ws, Nav: "settings", Data: data})
}

func (s *Server) setupSteps(r *http.Request, ws *domain.Workspace) (*setupData, error) {
	ctx, l := r.Context(), state(r).lang
	base := "/w/" + ws.ID + "/setup"
	data := &setupData{NormsPage: s.hasRoute("GET", base+"/norms")}
	data.Steps = append(data.Steps, setupStep{Key: "company", Done: true, Link: base + "/company", Note: ws.Name})

	crmStep := setupStep{Key: "crm", Link: base + "/crm"}
	if ws.CRM != nil {
		crmStep.Note = crmName(ws.CRM.Kind)
		crmStep.Done = ws.CRM.OAuth == nil
		if ws.CRM.OAuth != nil {
			_, _, err := s.store.CRMToken(ctx, ws.ID)
			crmStep.Done = err == nil
		}
		if p, err := s.store.FindSetupSync(ctx, ws.ID); err == nil {
			crmStep.Note += " · " + l.T("setup.sync."+p.Status)
		}
	}
	data.Steps = append(data.Steps, crmStep)

	data.Steps = append(data.Steps, setupStep{Key: "people", Done: len(ws.Managers) > 0, Link: base + "/people",
		Note: l.Plural(len(ws.Managers), "setup.n_managers")})

	norms := setupStep{Key: "norms", Done: len(ws.Regulation) > 0}
	if data.NormsPage {
		norms.Link = base + "/norms"
	} else {
		norms.Link = "/w/" + ws.ID + "/regulation"
	}
	data.Steps = append(data.Steps, norms)

	users, err := s.store.FindUsers(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	logins := 0
	for _, u := range users {
		if u.Role == auth.Manager {
			logins++
		}
	}
	data.Steps = append(data.Steps, setupStep{Key: "invite", Done: logins > 0 && logins >= len(ws.Managers), Link: base + "/invite",
		Note: l.T("setup.invite.count", logins, len(ws.Managers))})

	sheet := setupStep{Key: "sheet", Link: "/w/" + ws.ID + "/today"}
	today := domain.DateOf(s.now().In(ws.Location))
	sheets, err := s.store.FindSheetPoints(ctx, ws.ID, today.AddDays(-62), today)
	if err != nil {
		return nil, err
	}
	if len(sheets) > 0 {
		day := sheets[len(sheets)-1].Date
		sheet.Done, sheet.Link, sheet.Note = true, "/w/"+ws.ID+"/day/"+day.String(), l.Date(day)
	}
	data.Steps = append(data.Steps, sheet)
	return data, nil
}

// hasRoute reports whether the server routes method and path to a page of
// its own (not the catch-all "page not found").
func (s *Server) hasRoute(method, path string) bool {
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		return false
	}
	_, pattern := s.mux.Handler(req)
	return pattern != "" && pattern != "/"
}

// crmName is how pages name a CRM.
func crmName(kind string) string {
	switch kind {
	case domain.CRMAmoCRM:
		return "amoCRM"
	case domain.CRMBitrix24:
		return "Bitrix24"
	case domain.CRMHubSpot:
		return "HubSpot"
	case domain.CRMPipedrive:
		return "Pipedrive"
	}
	return kind
}

// actor is who the audit log says made a setup change.
func actor(r *http.Request) string {
	if u := state(r).user; u != nil {
		return u.Email
	}
	return "setup"
}

// applyWorkspace stores ws as `reglament apply` would, with the request's
// user as the actor.
func (s *Server) applyWorkspace(r *http.Request, ws *domain.Workspace) (store.ApplyResult, error) {
	return s.eng.Apply(r.Context(), ws, actor(r))
}
