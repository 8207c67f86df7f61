package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// user add refuses a login e-mail that is not one bare address, in the
// reader's language, with the usage exit code, before it opens the store.
func TestUserAddRefusesBadEmail(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	for _, email := range []string{"bad", "anna@", "@acme.example", "Anna <anna@acme.example>", "a@acme.example, b@acme.example", " anna@acme.example", "anna@acme.example\nx"} {
		code, stdout, stderr := run(t, db, time.Now(), "user", "add", "--email", email, "--role", "admin")
		if code != 2 || !strings.Contains(stderr, "флаг --email: нужен один адрес") {
			t.Errorf("user add --email %q: exit %d, stderr %q, stdout %q; want 2 and the Russian refusal", email, code, stderr, stdout)
		}
	}
	code, stdout, stderr := run(t, db, time.Now(), "user", "add", "--email", "anna@acme.example", "--role", "admin")
	if code != 0 {
		t.Errorf("user add --email anna@acme.example: exit %d, stderr %q, stdout %q; want 0", code, stderr, stdout)
	}
}
