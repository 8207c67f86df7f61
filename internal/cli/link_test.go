package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"reglament/internal/store"
	"reglament/internal/telegram"
)

func TestLink(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reglament.db")
	now := time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC)
	if code, _, stderr := run(t, db, now, "apply", "-f", fixtures+"workspace.yaml"); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run(t, db, now, "link", "--workspace", "acme", "--manager", "anna")
	if code != 0 {
		t.Fatalf("link: exit %d: %s", code, stderr)
	}
	m := regexp.MustCompile(`(?m)^Отправьте боту: /start ([A-Z0-9]{8})$`).FindStringSubmatch(stdout)
	if m == nil || !strings.Contains(stdout, "действует один раз, до 2026-11-17 17:00") {
		t.Fatalf("link printed:\n%s\nwant the /start command and the expiry in Moscow time", stdout)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.UseLinkCode(context.Background(), telegram.HashCode(m[1]), "1001", now.Add(time.Minute))
	if err != nil || p != (store.TelegramPerson{Workspace: "acme", Role: store.RoleManager, Person: "anna"}) {
		t.Errorf("the printed code links %v, %v; want anna", p, err)
	}

	for _, c := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"--workspace", "acme"}, 2, "--manager"},
		{[]string{"--workspace", "acme", "--manager", "anna", "--head", "Olga"}, 2, "--manager"},
		{[]string{"--manager", "anna"}, 2, "--workspace"},
		{[]string{"--workspace", "acme", "--manager", "zoe"}, 2, "zoe"},
		{[]string{"--workspace", "nope", "--manager", "anna"}, 2, "nope"},
		{[]string{"--workspace", "acme", "--head", "Olga"}, 2, "Olga"},
	} {
		code, _, stderr := run(t, db, now, append([]string{"link"}, c.args...)...)
		if code != c.exit || !strings.Contains(stderr, c.want) {
			t.Errorf("link %q: exit %d, stderr %q; want exit %d naming %q", c.args, code, stderr, c.exit, c.want)
		}
	}
}
