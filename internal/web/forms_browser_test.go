package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"reglament/internal/domain"
	"reglament/internal/store/storetest"
)

// formsBrowserEnv serves the acme test workspace (today Friday
// 2026-11-20, final up to Thursday) to a real Chromium, logged in as its
// head.
func formsBrowserEnv(t *testing.T) (context.Context, *testEnv, string) {
	t.Helper()
	ctx := newBrowser(t)
	env := newTestEnv(t, storetest.MustOpen(t, "sqlite://"+filepath.Join(t.TempDir(), "acme.db")))
	hs := httptest.NewServer(env.srv)
	t.Cleanup(hs.Close)
	browserLogin(t, ctx, hs.URL, "head@acme.example", "main h1")
	return ctx, env, hs.URL
}

// phoneWidth opens path on a 390 px phone and returns the page's width.
func phoneWidth(t *testing.T, ctx context.Context, url, wait string) float64 {
	t.Helper()
	width, err := chromedp.Run(ctx, chromedp.Action[float64](func(ctx context.Context, tg *chromedp.Target) (float64, error) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)),
			chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
			return 0, err
		}
		return chromedp.Evaluate[float64]("document.documentElement.scrollWidth")(ctx, tg)
	}))
	must(t, "the width of "+url+" on a phone", err)
	return width
}

// formScreenshot writes a full-page screenshot to docs/screenshots with
// -screenshots, else to a temporary folder (so that taking one is tested).
func formScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(t, "screenshot "+name, err)
	must(t, "write "+name, os.WriteFile(filepath.Join(dir, name), png, 0o644))
}

// The head records a sick leave on a phone: the form fits the screen,
// the absence is stored and listed, and a span ending before it starts is
// refused naming the field.
func TestBrowserAbsenceForm(t *testing.T) {
	ctx, env, base := formsBrowserEnv(t)
	if w := phoneWidth(t, ctx, base+"/w/acme/forms/absences", "#abs-form"); w > 391 {
		t.Errorf("the absence form on a 390 px phone is %.0f px wide: it scrolls sideways", w)
	}
	formScreenshot(t, ctx, "forms-absence-390x844.png")
	must(t, "record a sick leave", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("abs-manager"), "boris"),
		chromedp.SetValue(chromedp.ID("abs-reason"), "sick"),
		chromedp.SetValue(chromedp.ID("abs-from"), "2026-11-23"),
		chromedp.SetValue(chromedp.ID("abs-to"), "2026-11-25"),
		chromedp.Click(chromedp.ID("abs-save")),
		chromedp.WaitVisible(chromedp.ID("abs-saved")),
	))
	if row := textOf(t, ctx, "#abs-list"); !strings.Contains(row, "Борис Смирнов") || !strings.Contains(row, "23 ноября – 25 ноября") || !strings.Contains(row, "больничный") {
		t.Errorf("the list of absences lacks Boris's sick leave:\n%s", row)
	}
	ws := mustWorkspace(t, env, "acme")
	if m, _ := ws.Manager("boris"); !m.AbsentOn(domain.MustDate("2026-11-24")) {
		t.Errorf("boris is not absent on 24 November: %v", m.Absences)
	}
	must(t, "a span ending before it starts", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("abs-manager"), "anna"),
		chromedp.SetValue(chromedp.ID("abs-from"), "2026-11-27"),
		chromedp.SetValue(chromedp.ID("abs-to"), "2026-11-26"),
		chromedp.Click(chromedp.ID("abs-save")),
		chromedp.WaitVisible(chromedp.ID("abs-error")),
	))
	if msg := textOf(t, ctx, "#abs-error"); !strings.HasPrefix(msg, "По: 26 ноября 2026 раньше начала (27 ноября 2026)") {
		t.Errorf("the refusal says %q; want it to name the field По", msg)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("abs-from"))); err != nil || v != "2026-11-27" {
		t.Errorf("the refused form lost what was typed: from = %q (%v)", v, err)
	}
	if m, _ := mustWorkspace(t, env, "acme").Manager("anna"); len(m.Absences) != 0 {
		t.Errorf("a refused absence was stored: %v", m.Absences)
	}
	for _, p := range []struct{ path, wait string }{
		{"/w/acme/forms/holidays", "#hol-form"}, {"/w/acme/forms/managers", "#mgr-add"}, {"/w/acme/forms/rules", "#rules-form"},
	} {
		if w := phoneWidth(t, ctx, base+p.path, p.wait); w > 391 {
			t.Errorf("%s on a 390 px phone is %.0f px wide: it scrolls sideways", p.path, w)
		}
	}
	must(t, "back to a laptop", chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)))
}

// The head agrees the norms: the suggestions and the backtest are on the
// page, a drastic target turns the backtest's points negative, and saving
// creates the version from the chosen day.
func TestBrowserNormsStep(t *testing.T) {
	ctx, env, base := formsBrowserEnv(t)
	if w := phoneWidth(t, ctx, base+"/w/acme/setup/norms", "#norms-form"); w > 391 {
		t.Errorf("the Norms step on a 390 px phone is %.0f px wide: it scrolls sideways", w)
	}
	formScreenshot(t, ctx, "setup-norms-390x844.png")
	must(t, "back to a laptop", chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900), chromedp.Navigate(base+"/w/acme/setup/norms"), chromedp.WaitVisible(chromedp.ID("norms-backtest"))))
	formScreenshot(t, ctx, "setup-norms-1440x900.png")
	rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#norms-backtest tbody tr")))
	must(t, "backtest rows", err)
	if len(rows) != 3 {
		t.Fatalf("the backtest has %d rows, want one per manager (3)", len(rows))
	}
	if s := textOf(t, ctx, "#rule-0 .suggestion"); !strings.Contains(s, "%") {
		t.Errorf("the calls rule shows no suggestion with its pass rate: %q", s)
	}
	must(t, "preview a drastic norm", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`input[name="r0.target"]`), "40"),
		chromedp.SetValue(chromedp.CSS(`input[name="r0.fail"]`), "-5"),
		chromedp.Click(chromedp.ID("norms-preview")),
		chromedp.WaitVisible(chromedp.ID("norms-backtest")),
	))
	for _, id := range []string{"anna", "boris", "vera"} {
		if pts := textOf(t, ctx, "#bt-"+id+" td.strong"); !strings.HasPrefix(pts, "-") && !strings.HasPrefix(pts, "−") {
			t.Errorf("%s: %q points under calls ≥ 40 with −5; want negative", id, pts)
		}
	}
	must(t, "save from Monday", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("effective"), "2026-11-23"),
		chromedp.Click(chromedp.ID("norms-save")),
		chromedp.WaitVisible(chromedp.ID("norms-saved")),
	))
	ws := mustWorkspace(t, env, "acme")
	v, ok := ws.Regulation.At(domain.MustDate("2026-11-23"))
	if !ok || v.Effective != domain.MustDate("2026-11-23") || v.Rules[0].Indicator != domain.CallsHeld || v.Rules[0].Target.IntPart() != 40 || v.Rules[0].Fail != -5 {
		t.Errorf("the saved version %+v; want calls at least 40, -5, from 23 November", v)
	}
	if old, _ := ws.Regulation.At(domain.MustDate("2026-11-20")); old.Rules[0].Target.IntPart() != 4 {
		t.Errorf("the version in force changed: %+v", old)
	}
}
