package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSetupHubSpotToken: in a real Chromium, a head pastes a
// HubSpot private app's token on the CRM step (whose HubSpot and Pipedrive
// blocks fit a phone), the page follows the first sync to its end, and the
// token is nowhere on it.
func TestBrowserSetupHubSpotToken(t *testing.T) {
	ctx := newBrowser(t)
	e := newMoreEnv(t, "sqlite://"+t.TempDir()+"/browser.db")
	e.company(t)
	base := e.http.URL
	e.hs.Mu.Lock()
	token := e.hs.AccessToken
	e.hs.Mu.Unlock()
	must(t, "log in", chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("email"), "olga@acme.example"), chromedp.SendKeys(chromedp.ID("password"), "a long passphrase"),
		chromedp.Click(chromedp.ID("login")), chromedp.WaitNotPresent(chromedp.ID("login-form"))))
	must(t, "the CRM step", chromedp.Do(ctx, chromedp.Navigate(base+"/w/acme/setup/crm"), chromedp.WaitVisible(chromedp.ID("hubspot-form")),
		chromedp.Click(chromedp.CSS("#hubspot-app summary")), chromedp.WaitVisible(chromedp.ID("hubspot-redirect-uri"))))
	if uri := textOf(t, ctx, "#hubspot-redirect-uri"); uri != base+hubSpotCallbackPath {
		t.Errorf("the HubSpot redirect URI shown is %q, want %q", uri, base+hubSpotCallbackPath)
	}
	setupShot(t, ctx, "setup-crm-hubspot", "#hubspot-form")
	must(t, "paste the token", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("hubspot-token"), token),
		chromedp.Click(chromedp.ID("hubspot-connect")),
		chromedp.WaitVisible(chromedp.ID("sync"))))
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	must(t, "the first sync ends on the page", chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.ID("to-people"))))
	cancel()
	page, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	must(t, "page", err)
	if strings.Contains(page, token) {
		t.Error("the CRM page shows the token")
	}
	if s := textOf(t, ctx, "#crm-state"); !strings.Contains(s, "HubSpot") {
		t.Errorf("the CRM page says %q, want HubSpot connected", s)
	}
	if _, _, err := e.store.CRMToken(context.Background(), "acme"); err != nil {
		t.Errorf("no token stored: %v", err)
	}
}
