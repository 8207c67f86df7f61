package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"reglament/internal/domain"
	"reglament/internal/store"
)

// amoAuthorizePage stands for amoCRM's authorization page: it shows the
// integration asking for access and an «Allow» link back to the redirect
// URI with the code, the state it was given, the account's host as
// referer and the client id, as amoCRM's redirect carries them.
func amoAuthorizePage(t *testing.T, redirectURI string) *httptest.Server {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/oauth" || q.Get("client_id") == "" || q.Get("state") == "" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		back := url.Values{"code": {amoCode}, "state": {q.Get("state")}, "referer": {"acme.amocrm.ru"}, "client_id": {q.Get("client_id")}, "from_widget": {"1"}}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><body><h1>Предоставить доступ интеграции %s</h1><a id="allow" href="%s">Разрешить</a></body></html>`,
			html.EscapeString(q.Get("client_id")), html.EscapeString(redirectURI+"?"+back.Encode()))
	}))
	t.Cleanup(hs.Close)
	return hs
}

// setupShot writes a screenshot of the page open now at a laptop's and a
// phone's width (docs/screenshots with -screenshots), and fails when the
// page grows sideways on the phone.
func setupShot(t *testing.T, ctx context.Context, name, wait string) {
	t.Helper()
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
	}
	here, err := chromedp.Run(ctx, chromedp.Location())
	must(t, "location", err)
	for _, size := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"1440x900", 1440, 900, false}, {"390x844", 390, 844, true}} {
		var opts []chromedp.EmulateViewportOption
		if size.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
		}
		png, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h, opts...), chromedp.Navigate(here), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
				return nil, err
			}
			if size.mobile {
				width, err := chromedp.Evaluate[float64]("document.documentElement.scrollWidth")(ctx, tg)
				if err != nil {
					return nil, err
				}
				if width > 391 {
					t.Errorf("%s (%s) on a 390 px phone is %.0f px wide: it scrolls sideways", name, here, width)
				}
			}
			return chromedp.FullScreenshot(100)(ctx, tg)
		}))
		must(t, "screenshot "+name, err)
		must(t, "write "+name, os.WriteFile(filepath.Join(dir, name+"-"+size.name+".png"), png, 0o644))
	}
	must(t, "back to a laptop", chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)))
}

// TestBrowserSetup walks the guided setup as a new head does, in a real
// Chromium on an empty database: the first-run link, the company, amoCRM
// connected by OAuth through the fake's authorization page and callback
// with the first sync shown as it runs, the people (two CRM accounts of
// one person merged), the norms, the invitations, and, after the
// deadline, the first final day sheet. Then a second company connects the
// fake Bitrix24 by its inbound webhook and gets to its final sheet too.
func TestBrowserSetup(t *testing.T) {
	ctx := newBrowser(t)
	e := newSetupEnv(t)
	base := e.http.URL
	authorize := amoAuthorizePage(t, base+amoCRMCallbackPath)
	e.srv.cfg.Setup.AmoCRMAuthorizeURL = authorize.URL + "/oauth"
	bg := context.Background()

	// 1. The link serve printed opens the first-run form.
	link, ok, err := CreateSetupLink(bg, e.store, e.clock.Now)
	if err != nil || !ok {
		t.Fatalf("CreateSetupLink: %v %v", ok, err)
	}
	must(t, "open the setup link", chromedp.Do(ctx, chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.ID("first-form"))))
	setupShot(t, ctx, "setup-first", "#first-form")
	must(t, "create the admin", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), "olga@acme.example"),
		chromedp.SendKeys(chromedp.ID("password"), "a long passphrase"),
		chromedp.SendKeys(chromedp.ID("password2"), "a long passphrase"),
		chromedp.Click(chromedp.ID("first-create")),
		chromedp.WaitVisible(chromedp.ID("company-form"))))

	// 2. The company: Moscow, 18:00 and Russia's holidays are filled in.
	if tz, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("timezone"))); err != nil || tz != "Europe/Moscow" {
		t.Errorf("the time zone offered first is %q, want Moscow", tz)
	}
	holidays, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("holidays")))
	must(t, "holidays", err)
	if !strings.Contains(holidays, "2026-11-04") || !strings.Contains(holidays, "2027-01-01") {
		t.Errorf("the holidays are not prefilled for this and next year:\n%s", holidays)
	}
	must(t, "name the company", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Акме"), chromedp.SendKeys(chromedp.ID("ws-id"), "acme")))
	setupShot(t, ctx, "setup-company", "#company-form")
	must(t, "name the company again after the reloads", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("name"), "Акме"), chromedp.SetValue(chromedp.ID("ws-id"), "acme"),
		chromedp.Click(chromedp.ID("company-save")), chromedp.WaitVisible(chromedp.ID("setup-steps"))))
	if s := textOf(t, ctx, "#step-company"); !strings.Contains(s, "готово") {
		t.Errorf("the company step: %q", s)
	}

	// 3. amoCRM: the redirect URI to paste, the integration's keys, the
	// button to amoCRM's page, allow, back through the callback.
	must(t, "the CRM step", chromedp.Do(ctx, chromedp.Click(chromedp.ID("step-crm-link")), chromedp.WaitVisible(chromedp.ID("amocrm-form"))))
	if uri := textOf(t, ctx, "#redirect-uri"); uri != base+amoCRMCallbackPath {
		t.Errorf("the redirect URI shown is %q, want %q", uri, base+amoCRMCallbackPath)
	}
	setupShot(t, ctx, "setup-crm", "#amocrm-form")
	must(t, "save the integration", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("client-id"), e.amo.ClientID),
		chromedp.SendKeys(chromedp.ID("client-secret"), e.amo.ClientSecret),
		chromedp.Click(chromedp.ID("amocrm-save")),
		chromedp.WaitVisible(chromedp.ID("amocrm-connect"))))
	if s := textOf(t, ctx, "#amocrm-connect"); s != "Подключить amoCRM" {
		t.Errorf("the button says %q", s)
	}
	must(t, "allow in amoCRM", chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("amocrm-connect")),
		chromedp.WaitVisible(chromedp.ID("allow")),
		chromedp.Click(chromedp.ID("allow")),
		chromedp.WaitVisible(chromedp.ID("sync"))))
	after, err := chromedp.Run(ctx, chromedp.Location())
	must(t, "location", err)
	if strings.Contains(after, "code=") || strings.Contains(after, "state=") {
		t.Errorf("after the callback the address bar holds %s", after)
	}
	// The page reloads itself until the sync is done.
	waitCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
	must(t, "the first sync ends on the page", chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.ID("to-people"))))
	cancel()
	page, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	must(t, "page", err)
	e.amo.Mu.Lock()
	access, refresh := e.amo.AccessToken, e.amo.RefreshToken
	e.amo.Mu.Unlock()
	for _, secretText := range []string{access, refresh, e.amo.ClientSecret, amoCode} {
		if strings.Contains(page, secretText) {
			t.Errorf("the CRM page shows %q", secretText)
		}
	}
	setupShot(t, ctx, "setup-crm-synced", "#to-people")

	// 4. People: Anna, and Boris under two accounts merged by one name.
	must(t, "the people step", chromedp.Do(ctx, chromedp.Click(chromedp.ID("to-people")), chromedp.WaitVisible(chromedp.ID("people"))))
	if s := textOf(t, ctx, "#person-11"); !strings.Contains(s, "Анна Смирнова") || textOf(t, ctx, "#records-11") != "8" {
		t.Errorf("Anna's row: %q, records %q; want her 8 records of this morning", s, textOf(t, ctx, "#records-11"))
	}
	must(t, "tick the managers", chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("m-11")), chromedp.Click(chromedp.ID("m-12")), chromedp.Click(chromedp.ID("m-13")),
		chromedp.SetValue(chromedp.ID("name-13"), "Борис Петров"),
		chromedp.SetValue(chromedp.ID("team-11"), "Север"), chromedp.SetValue(chromedp.ID("team-12"), "Север"),
		chromedp.Click(chromedp.ID("people-save")), chromedp.WaitVisible(chromedp.ID("people-saved"))))
	setupShot(t, ctx, "setup-people", "#people")
	ws, err := e.eng.Workspace(bg, "acme")
	must(t, "workspace", err)
	if len(ws.Managers) != 2 {
		t.Fatalf("managers after the people step: %+v", ws.Managers)
	}
	boris := ws.Managers[slices.IndexFunc(ws.Managers, func(m domain.Manager) bool { return m.Name == "Борис Петров" })]
	if !slices.Equal(boris.CRMIDs, []string{"12", "13"}) || boris.Team != "Север" || boris.ID != "boris-petrov" {
		t.Errorf("Boris merged = %+v, want one manager with CRM users 12 and 13", boris)
	}

	// 5. Norms: the Norms step saves the article's rules.
	must(t, "the norms step", chromedp.Do(ctx, chromedp.Navigate(base+"/w/acme/setup"), chromedp.WaitVisible(chromedp.ID("setup-steps"))))
	normsHref, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("step-norms-link"), "href"))
	must(t, "norms link", err)
	if normsHref.Value == "/w/acme/setup/norms" {
		must(t, "save the norms", chromedp.Do(ctx, chromedp.Click(chromedp.ID("step-norms-link")), chromedp.WaitVisible(chromedp.ID("norms-form")),
			chromedp.SetValue(chromedp.ID("effective"), "2026-11-18"),
			chromedp.Click(chromedp.ID("norms-save")), chromedp.WaitVisible(chromedp.ID("norms-saved"))))
	} else {
		must(t, "the starter rules", chromedp.Do(ctx, chromedp.Click(chromedp.ID("starter-save")), chromedp.WaitVisible(chromedp.ID("setup-steps"))))
	}

	// 6. Invitations: Anna's login and her Telegram code.
	must(t, "the invite step", chromedp.Do(ctx, chromedp.Navigate(base+"/w/acme/setup"), chromedp.Click(chromedp.ID("step-invite-link")),
		chromedp.WaitVisible(chromedp.ID("invites"))))
	annaID := ws.Managers[slices.IndexFunc(ws.Managers, func(m domain.Manager) bool { return m.Name == "Анна Смирнова" })].ID
	must(t, "Anna's login", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("email-"+annaID), "anna@acme.example"),
		chromedp.Click(chromedp.ID("login-"+annaID)), chromedp.WaitVisible(chromedp.ID("login-password"))))
	password := textOf(t, ctx, "#login-password")
	if u, err := e.store.FindUserByEmail(bg, "anna@acme.example"); err != nil || u.Manager != annaID || len(password) != 16 {
		t.Errorf("Anna's login = %+v (%v), password %q", u, err, password)
	}
	must(t, "Anna's Telegram code", chromedp.Do(ctx, chromedp.Click(chromedp.ID("tg-"+annaID)), chromedp.WaitVisible(chromedp.ID("invite-tg-command"))))
	if cmd := textOf(t, ctx, "#invite-tg-command"); !regexp.MustCompile(`^/start [A-HJKMNP-Z2-9]{8}$`).MatchString(cmd) {
		t.Errorf("the Telegram command is %q", cmd)
	}
	if href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("invite-tg-link"), "href")); err != nil || !strings.HasPrefix(href.Value, "https://t.me/reglament_test_bot?start=") {
		t.Errorf("the t.me link is %q (%v)", href.Value, err)
	}
	must(t, "Boris's login", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("email-"+boris.ID), "boris@acme.example"),
		chromedp.Click(chromedp.ID("login-"+boris.ID)), chromedp.WaitVisible(chromedp.ID("login-password"))))
	setupShot(t, ctx, "setup-invite", "#invites")

	// 7. The deadline passes; the day is finalized (the jobs do it at
	// cutoff+grace); the checklist leads to the final day sheet.
	e.clock.Add(8*time.Hour + 30*time.Minute) // 18:30
	if _, err := e.eng.FinalizeDue(bg, "acme", "test"); err != nil {
		t.Fatal(err)
	}
	must(t, "the checklist", chromedp.Do(ctx, chromedp.Navigate(base+"/w/acme/setup"), chromedp.WaitVisible(chromedp.ID("setup-steps"))))
	for _, step := range []string{"company", "crm", "people", "norms", "invite", "sheet"} {
		if s := textOf(t, ctx, "#step-"+step); !strings.Contains(s, "готово") {
			t.Errorf("step %s on the checklist: %q", step, s)
		}
	}
	setupShot(t, ctx, "setup", "#setup-steps")
	must(t, "the first final sheet", chromedp.Do(ctx, chromedp.Click(chromedp.ID("step-sheet-link")), chromedp.WaitVisible(chromedp.ID("status"))))
	if s := textOf(t, ctx, "#status"); s != "итоговый" {
		t.Errorf("the day sheet's status is %q, want итоговый", s)
	}
	sheet, err := e.store.FindSheet(bg, "acme", domain.MustDate("2026-11-18"))
	if err != nil || len(sheet.Lines) != 2 {
		t.Fatalf("the final sheet of 2026-11-18: %+v, %v", sheet, err)
	}

	// The same pages in English.
	must(t, "English", chromedp.Do(ctx, chromedp.Navigate(base+"/w/acme/setup/crm"), chromedp.WaitVisible(chromedp.ID("amocrm-form")),
		chromedp.Click(chromedp.CSS(`button[name="lang"]`)), chromedp.WaitVisible(chromedp.CSS(`button[name="lang"][value="ru"]`))))
	if h := textOf(t, ctx, "main h1"); h != "Connect the CRM" {
		t.Errorf("the CRM page in English says %q", h)
	}
	for _, p := range []struct{ path, wait, want string }{
		{"/w/acme/setup", "#setup-steps", "Setup step by step"},
		{"/w/acme/setup/company", "#company-form", "Company"},
		{"/w/acme/setup/people", "#people", "People"},
		{"/w/acme/setup/invite", "#invites", "Invitations"},
	} {
		must(t, p.path, chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait))))
		if h := textOf(t, ctx, "main h1"); h != p.want {
			t.Errorf("%s in English says %q, want %q", p.path, h, p.want)
		}
	}
	setupShot(t, ctx, "setup-en", "#invites")
	must(t, "back to Russian", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[name="lang"]`)), chromedp.WaitVisible(chromedp.CSS(`button[name="lang"][value="en"]`))))

	// 8. A second company on Bitrix24: the inbound webhook, checked at once.
	must(t, "a second company", chromedp.Do(ctx, chromedp.Navigate(base+"/setup/company"), chromedp.WaitVisible(chromedp.ID("company-form")),
		chromedp.SendKeys(chromedp.ID("name"), "Бета"), chromedp.SendKeys(chromedp.ID("ws-id"), "beta"),
		chromedp.Click(chromedp.ID("company-save")), chromedp.WaitVisible(chromedp.ID("setup-steps")),
		chromedp.Click(chromedp.ID("step-crm-link")), chromedp.WaitVisible(chromedp.ID("bitrix24-form"))))
	must(t, "a wrong webhook", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("webhook-url"), e.b24.URL+"/rest/1/wrong-secret/"),
		chromedp.Click(chromedp.ID("bitrix24-connect")), chromedp.WaitVisible(chromedp.ID("crm-error"))))
	if s := textOf(t, ctx, "#crm-error"); !strings.Contains(s, "не принял") {
		t.Errorf("a wrong webhook: %q", s)
	}
	if body, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(body, "wrong-secret") {
		t.Error("the page repeats the webhook's secret")
	}
	must(t, "the webhook", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("webhook-url"), e.b24.URL+e.b24.WebhookPath),
		chromedp.Click(chromedp.ID("bitrix24-connect")), chromedp.WaitVisible(chromedp.ID("sync"))))
	waitCtx, cancel = context.WithTimeout(ctx, 90*time.Second)
	must(t, "the Bitrix24 sync ends on the page", chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.ID("to-people"))))
	cancel()
	if body, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(body, strings.Trim(e.b24.WebhookPath, "/")) {
		t.Error("the page shows the webhook's secret path")
	}
	must(t, "Bitrix24 people", chromedp.Do(ctx, chromedp.Click(chromedp.ID("to-people")), chromedp.WaitVisible(chromedp.ID("people"))))
	if s := textOf(t, ctx, "#person-1"); !strings.Contains(s, "Анна Смирнова") {
		t.Errorf("Bitrix24's first user: %q", s)
	}
	must(t, "tick Bitrix24's managers", chromedp.Do(ctx, chromedp.Click(chromedp.ID("m-1")), chromedp.Click(chromedp.ID("m-2")),
		chromedp.Click(chromedp.ID("people-save")), chromedp.WaitVisible(chromedp.ID("people-saved"))))
	beta, err := e.eng.Workspace(bg, "beta")
	must(t, "beta", err)
	beta.Regulation = domain.Regulation{{Effective: domain.MustDate("2026-11-18"), Rules: domain.StarterRules()}}
	if _, err := e.eng.Apply(bg, beta, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.FinalizeDue(bg, "beta", "test"); err != nil {
		t.Fatal(err)
	}
	must(t, "beta's final sheet", chromedp.Do(ctx, chromedp.Navigate(base+"/w/beta/setup"), chromedp.Click(chromedp.ID("step-sheet-link")),
		chromedp.WaitVisible(chromedp.ID("status"))))
	if s := textOf(t, ctx, "#status"); s != "итоговый" {
		t.Errorf("beta's day sheet status is %q", s)
	}
	bsheet, err := e.store.FindSheet(bg, "beta", domain.MustDate("2026-11-18"))
	if err != nil || len(bsheet.Lines) != 2 {
		t.Fatalf("beta's final sheet: %+v, %v", bsheet, err)
	}
	var companies int
	for _, l := range bsheet.Lines {
		companies += int(l.Values.Count(domain.CompaniesAdded))
	}
	if companies != 3 {
		t.Errorf("beta's sheet counts %d companies added, want the fake's 3", companies)
	}
	_ = store.SetupSyncDone
}
