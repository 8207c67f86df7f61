package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// From the command line as from the web: `apply` of a file that rewrites
// the point value of an issued month is refused, a pay_versions entry from
// the first open day is applied and named by the statements; `adjust`
// refuses more than ±20 points a day and a future day, in Russian (issue
// 13, items 1 and 3).
func TestPayVersionsAndAdjustmentLimitsFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "acme.db")
	msk, _ := time.LoadLocation("Europe/Moscow")
	nov20 := time.Date(2026, 11, 20, 12, 0, 0, 0, msk)
	mustRun := func(now time.Time, args ...string) string {
		t.Helper()
		code, out, errOut := run(t, db, now, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}
	mustRun(nov20, "apply", "-f", fixtures+"workspace.yaml", "--by", "head")
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		mustRun(nov20, "import", "--workspace", "acme", "--type", kind, fixtures+kind+".csv")
	}
	mustRun(nov20, "snapshot", "--workspace", "acme", "--all-due")

	src, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec6 := time.Date(2026, 12, 6, 12, 0, 0, 0, msk)
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rewritten := write("rewritten.yaml", strings.Replace(string(src), "point_value: 100\n", "point_value: 250\n", 1))
	code, _, errOut := run(t, db, dec6, "apply", "-f", rewritten, "--by", "head")
	if code == 0 || !strings.Contains(errOut, "уже выданные ведомости") || !strings.Contains(errOut, "2026-12-01") {
		t.Errorf("apply rewriting November's point value: exit %d, stderr %q; want a refusal naming 2026-12-01", code, errOut)
	}
	versioned := write("versioned.yaml", string(src)+"pay_versions:\n  - {effective: 2026-12-01, point_value: 250}\n")
	if out := mustRun(dec6, "apply", "-f", versioned, "--by", "head"); !strings.Contains(out, "pay settings from 2026-12-01 added") {
		t.Errorf("apply of a version from 2026-12-01 says\n%s", out)
	}
	if out := mustRun(dec6, "statement", "--workspace", "acme", "--period", "2026-11"); !strings.Contains(out, "100.00 RUB за балл") ||
		!strings.Contains(out, "Настройки оплаты: версия с самого начала") {
		t.Errorf("November's statement after the change:\n%s", out)
	}
	if out := mustRun(dec6, "statement", "--workspace", "acme", "--period", "2026-12"); !strings.Contains(out, "250.00 RUB за балл") ||
		!strings.Contains(out, "Настройки оплаты: версия с 2026-12-01") {
		t.Errorf("December's statement:\n%s", out)
	}

	for _, tt := range []struct{ date, points, want string }{
		{"2026-11-17", "25", "не больше ±20 баллов за день"},
		{"2026-12-10", "5", "ещё не наступил"},
	} {
		code, _, errOut := run(t, db, dec6, "adjust", "--workspace", "acme", "--manager", "boris", "--date", tt.date,
			"--points", tt.points, "--reason", "проверка", "--by", "head")
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Errorf("adjust %s by %s: exit %d, stderr %q; want %q", tt.date, tt.points, code, errOut, tt.want)
		}
	}
}
