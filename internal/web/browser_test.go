package web

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"reglament/internal/auth"
	"reglament/internal/demo"
	"reglament/internal/domain"
	"reglament/internal/engine"
	"reglament/internal/store"
	"reglament/internal/store/storetest"
	"reglament/internal/telegram"
)

var screenshots = flag.Bool("screenshots", false, "write the UI screenshots to docs/screenshots instead of a temporary folder")

// chromiumPath finds Debian's chromium; the browser tests skip without it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser tests skipped: chromium not found (apt-get install chromium; .ci/run installs it)")
	return ""
}

// demoEnv serves the demo company, as `reglament demo` builds it, at a
// fixed moment: Wednesday 2026-11-18, 15:37 in Moscow, before the deadline.
type demoEnv struct {
	url   string
	eng   *engine.Engine
	ws    *domain.Workspace
	now   time.Time
	token string // the wall screen's token
}

func newDemoEnv(t *testing.T) *demoEnv {
	t.Helper()
	ctx := context.Background()
	s := storetest.MustOpen(t, "sqlite://"+filepath.Join(t.TempDir(), "demo.db"))
	now := time.Date(2026, 11, 18, 15, 37, 0, 0, mustLocation(t, "Europe/Moscow"))
	eng := engine.New(s, func() time.Time { return now })
	ws := demo.Workspace(domain.DateOf(now))
	if _, err := eng.Apply(ctx, ws, "demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertRecords(ctx, ws.ID, demo.Records(ws, now), now, "demo", now); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.FinalizeDue(ctx, ws.ID, "demo"); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{eng: eng, ws: ws, now: now, token: auth.NewToken()}
	for _, u := range []store.User{
		{Email: "head@demo.example", Role: auth.Head, Workspace: demo.ID},
		{Email: "anna@demo.example", Role: auth.Manager, Workspace: demo.ID, Manager: demo.Disciplined},
		{Email: "wall@demo.example", Role: auth.Viewer, Workspace: demo.ID},
	} {
		u.PasswordHash = hash
		if err := s.CreateUser(ctx, &u, "test"); err != nil {
			t.Fatal(err)
		}
		if u.Role == auth.Viewer {
			if err := s.CreateAPIToken(ctx, auth.HashToken(env.token), u.ID, "wall", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The demo as served with a Telegram bot: its pages say where notifications go.
	srv, err := New(Config{Engine: eng, Channels: Channels{Telegram: true, BotUsername: "reglament_demo_bot"}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	env.url = hs.URL
	return env
}

// newBrowser starts a headless chromium with a fresh profile, in Russian.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "ru-RU"),
		chromedp.Flag("accept-lang", "ru-RU,ru"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	return bctx
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	must(t, "text of "+sel, err)
	return s
}

func browserLogin(t *testing.T, ctx context.Context, base, email, waitFor string) {
	t.Helper()
	must(t, "log in as "+email, chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	))
}

func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	env := newDemoEnv(t)
	base := env.url
	yesterday, _ := env.ws.PrevWorkingDay(domain.DateOf(env.now.In(env.ws.Location)))

	// The head logs in and sees Today: every manager against the rules.
	browserLogin(t, ctx, base, "head@demo.example", "#sheet")
	if h := textOf(t, ctx, "main h1"); !strings.Contains(h, "Сегодня, среда, 18 ноября") {
		t.Errorf("Today's heading = %q", h)
	}
	rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#sheet tbody tr")))
	must(t, "sheet rows", err)
	if len(rows) != len(env.ws.Managers) {
		t.Errorf("Today shows %d managers, want %d", len(rows), len(env.ws.Managers))
	}
	for _, class := range []string{"pass", "fail"} {
		if cells, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#sheet td."+class))); err != nil || len(cells) == 0 {
			t.Errorf("Today has no %s cells (%v)", class, err)
		}
	}

	// A past day is final; a number leads to the records behind it.
	must(t, "open the day sheet", chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/w/demo/day/%s", base, yesterday)),
		chromedp.WaitVisible(chromedp.ID("status")),
	))
	if s := textOf(t, ctx, "#status"); s != "итоговый" {
		t.Errorf("day sheet status %q, want итоговый", s)
	}
	link := fmt.Sprintf(`#sheet a[href$="/anna/%s/calls_held"]`, yesterday)
	// The cell says its outcome with a mark besides its colour; the
	// number is its .v.
	if mark := textOf(t, ctx, link+" .mark"); mark != "✓" && mark != "✗" && mark != "–" {
		t.Errorf("the cell's mark is %q, want ✓, ✗ or –", mark)
	}
	shown := textOf(t, ctx, link+" .v")
	must(t, "drill into a number", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.ID("evidence"))))
	if v := textOf(t, ctx, "#value"); v != shown {
		t.Errorf("why page explains %q, the sheet showed %q", v, shown)
	}
	counted, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#evidence tbody tr.pass")))
	must(t, "evidence rows", err)
	if fmt.Sprint(len(counted)) != shown {
		t.Errorf("why page lists %d counted records for a value of %s", len(counted), shown)
	}

	// Editing a rule shows the backtest preview before saving.
	next, _ := env.ws.NextWorkingDay(domain.DateOf(env.now.In(env.ws.Location)).AddDays(1))
	yaml := fmt.Sprintf("regulation:\n  - effective: %s\n    rules:\n      - {indicator: calls_held, at_least: 60}\n", next)
	must(t, "preview a rule change", chromedp.Do(ctx,
		chromedp.Navigate(base+"/w/demo/regulation"),
		chromedp.WaitVisible(chromedp.ID("yaml")),
		chromedp.SetValue(chromedp.ID("yaml"), yaml),
		chromedp.Click(chromedp.ID("preview")),
		chromedp.WaitVisible(chromedp.ID("backtest")),
	))
	preview, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#backtest tbody tr")))
	must(t, "backtest rows", err)
	if len(preview) != len(env.ws.Managers) {
		t.Errorf("backtest preview has %d rows, want %d", len(preview), len(env.ws.Managers))
	}
	anna, _ := env.ws.Manager("anna")
	if got := textOf(t, ctx, "#backtest"); anna == nil || !strings.Contains(got, anna.Name) {
		t.Errorf("backtest preview lacks anna by name:\n%s", got)
	}

	// The statement downloads as XLSX with the statement's numbers.
	dir := t.TempDir()
	_, err = chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)})
	must(t, "allow downloads", err)
	must(t, "open the statement", chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/statement?period=2026-11"), chromedp.WaitVisible(chromedp.ID("statement-xlsx"))))
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(dctx, browser.DownloadProgress)
	must(t, "click XLSX", chromedp.Do(ctx, chromedp.Click(chromedp.ID("statement-xlsx"))))
	var file string
	for ev, err := range progress {
		must(t, "download", err)
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	fitsAPhone(t, ctx, base)
	colourBlindSafe(t, ctx, base, yesterday.String())
	checkStatementXLSX(t, env, file)

	// Failed deliveries are a link on Settings for the head (none in the demo).
	must(t, "failed deliveries", chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/settings"),
		chromedp.Click(chromedp.ID("deliveries-link")), chromedp.WaitVisible(chromedp.ID("failed-none"))))

	screenshotsOf(t, ctx, base)

	// A manager cannot open a colleague's page.
	must(t, "log out", chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/today"), chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("email"))))
	browserLogin(t, ctx, base, "anna@demo.example", "#checklist")
	for _, p := range []string{"/w/demo/managers/" + demo.LateEntrant, "/w/demo/adjustments", "/w/demo/why/" + demo.LateEntrant + "/" + yesterday.String() + "/calls_held"} {
		step, cancel := context.WithTimeout(ctx, 20*time.Second)
		must(t, "open "+p, chromedp.Do(step, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.ID("error-page"))))
		cancel()
		if h := textOf(t, ctx, "#error-page h1"); !strings.HasPrefix(h, "403") {
			t.Errorf("manager opening %s: %q, want 403", p, h)
		}
	}
	// She asks for a Telegram link code from the menu, and the code the
	// page shows is the one that links her chat.
	must(t, "Telegram page", chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/today"),
		chromedp.Click(chromedp.CSS(`nav a[href="/w/demo/telegram"]`)), chromedp.WaitVisible(chromedp.ID("tg-form")),
		chromedp.Click(chromedp.ID("tg-new")), chromedp.WaitVisible(chromedp.ID("tg-command"))))
	command := textOf(t, ctx, "#tg-command")
	if !regexp.MustCompile(`^/start [A-HJKMNP-Z2-9]{8}$`).MatchString(command) {
		t.Fatalf("the Telegram page shows %q, want /start and an 8-character code", command)
	}
	linked, err := env.eng.Store.UseLinkCode(ctx, telegram.HashCode(strings.TrimPrefix(command, "/start ")), "5550001", env.now)
	if err != nil || linked.Person != demo.Disciplined {
		t.Errorf("the code on the page linked %+v (%v), want manager %s", linked, err, demo.Disciplined)
	}
	must(t, "own page", chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/managers/"+demo.Disciplined), chromedp.WaitVisible(chromedp.ID("points-chart"))))
	// Her month grid holds her row only.
	must(t, "own month", chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/month"), chromedp.WaitVisible(chromedp.ID("grid"))))
	if rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#grid tbody tr"))); err != nil || len(rows) != 1 {
		t.Errorf("manager's month grid: %d rows (%v), want her own only", len(rows), err)
	}
}

func ptr[T any](v T) *T { return &v }

func checkStatementXLSX(t *testing.T, env *demoEnv, file string) {
	t.Helper()
	if file == "" {
		t.Fatal("the XLSX download did not complete")
	}
	f, err := excelize.OpenFile(file)
	must(t, "open the downloaded XLSX", err)
	defer f.Close()
	rows, err := f.GetRows("2026-11", excelize.Options{RawCellValue: true})
	must(t, "read the XLSX", err)
	st, err := env.eng.Statement(context.Background(), demo.ID, domain.MonthOf(domain.DateOf(env.now)))
	must(t, "statement", err)
	if len(rows) != len(st.Lines)+2 || rows[0][0] != "Менеджер" || rows[len(rows)-1][0] != "Итого" {
		t.Fatalf("XLSX has %d rows, header %q; want %d managers under a Russian header and the totals", len(rows), rows[0], len(st.Lines))
	}
	// The money column is before the capped mark and the pay settings
	// version: "Сумма" in points pay, "Премия" after the base bonus and its
	// reduction in bonus pay (the demo's).
	money := len(rows[0]) - 3
	if st.PayMode == domain.PayBonus && rows[0][money] != "Премия, "+st.Currency {
		t.Errorf("XLSX money column %q; want the bonus of bonus pay", rows[0][money])
	}
	for i, l := range st.Lines {
		r := rows[i+1]
		if r[0] != l.Manager || r[1] != l.Name || r[8] != itoa(l.Total) || len(r) <= money || !sameDecimal(r[money], l.Money.String()) {
			t.Errorf("XLSX row %d = %q; want %s %s total %d money %s", i+1, r, l.Manager, l.Name, l.Total, l.Money)
		}
	}
}

// deuteranopiaContrast is the difference in relative luminance between a
// met and a missed cell's background as a person without green cones sees
// them (Machado, Oliveira and Fernandes 2009, severity 1, on linear RGB):
// colour alone must not be the only difference between them.
const deuteranopiaContrast = `(() => {
  const rgb = s => s.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lin = c => { c /= 255; return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const seen = ([r, g, b]) => { const R = lin(r), G = lin(g), B = lin(b);
    return [0.367322*R + 0.860646*G - 0.227968*B, 0.280085*R + 0.672501*G + 0.047413*B, -0.011820*R + 0.042940*G + 0.968881*B]; };
  const lum = ([r, g, b]) => 0.2126*r + 0.7152*g + 0.0722*b;
  const bg = sel => rgb(getComputedStyle(document.querySelector(sel)).backgroundColor);
  return Math.abs(lum(seen(bg("#sheet td.pass"))) - lum(seen(bg("#sheet td.fail"))));
})()`

// colourBlindSafe checks that a met and a missed cell differ for a
// deuteranope in lightness, not only in hue (issue 13, item 6: the pale
// green and pale pink were 0.04 apart, the same grey to them).
func colourBlindSafe(t *testing.T, ctx context.Context, base, day string) {
	t.Helper()
	diff, err := chromedp.Run(ctx, chromedp.Action[float64](func(ctx context.Context, tg *chromedp.Target) (float64, error) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/w/demo/day/"+day), chromedp.WaitVisible(chromedp.CSS("#sheet td.fail"))); err != nil {
			return 0, err
		}
		return chromedp.Evaluate[float64](deuteranopiaContrast)(ctx, tg)
	}))
	must(t, "met and missed cells as a deuteranope sees them", err)
	if diff < 0.15 {
		t.Errorf("a met and a missed cell differ by %.3f in lightness to a deuteranope; want at least 0.15", diff)
	}
}

// fitsAPhone checks that pages laid out on a phone (390 px wide) do not
// grow sideways: wide tables and text scroll inside their cards (issue 13,
// item 13: the regulation page grew to 702 px).
func fitsAPhone(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	for _, p := range []struct{ path, wait string }{
		{"/w/demo/regulation", "#yaml"}, {"/w/demo/today", "#sheet"}, {"/w/demo/managers/anna", "#points-chart"},
		{"/w/demo/settings", "#users"}, {"/w/demo/statement", "#statement"},
	} {
		width, err := chromedp.Run(ctx, chromedp.Action[float64](func(ctx context.Context, tg *chromedp.Target) (float64, error) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)),
				chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
				return 0, err
			}
			return chromedp.Evaluate[float64]("document.documentElement.scrollWidth")(ctx, tg)
		}))
		must(t, "the width of "+p.path+" on a phone", err)
		if width > 391 {
			t.Errorf("%s on a 390 px phone is %.0f px wide: it scrolls sideways", p.path, width)
		}
	}
	must(t, "back to a laptop", chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)))
}

// screenshotsOf captures Today, the month grid, the wall screen and the
// users on the settings page at a laptop, a phone and a TV size.
func screenshotsOf(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		must(t, "screenshot folder", os.MkdirAll(dir, 0o755))
	}
	sizes := []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"1440x900", 1440, 900, false}, {"390x844", 390, 844, true}, {"1920x1080", 1920, 1080, false}}
	pages := []struct {
		name, path, wait string
		scroll           bool // to the awaited element, below the fold
	}{
		{"today", "/w/demo/today", "#sheet", false},
		{"month", "/w/demo/month?period=2026-11", "#grid", false},
		{"wall", "/w/demo/wall", "#rank-month", false},
		{"users", "/w/demo/settings", "#users", true},
	}
	for _, s := range sizes {
		var opts []chromedp.EmulateViewportOption
		if s.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
		}
		for _, p := range pages {
			png, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.w, s.h, opts...), chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
					return nil, err
				}
				if p.scroll {
					if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(p.wait))); err != nil {
						return nil, err
					}
				}
				return chromedp.CaptureScreenshot()(ctx, tg)
			}))
			must(t, "screenshot "+p.name+" "+s.name, err)
			must(t, "write screenshot", os.WriteFile(filepath.Join(dir, p.name+"-"+s.name+".png"), png, 0o644))
		}
	}
}
