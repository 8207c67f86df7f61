package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 14 item 6: recompute's --reason and --by are bounded to what a
// person writes, refused (exit 2) in the reader's language.
func TestRecomputeBoundsItsText(t *testing.T) {
	db := filepath.Join(t.TempDir(), "acme.db")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	if code, _, stderr := run(t, db, now, "apply", "-f", fixtures+"workspace.yaml"); code != 0 {
		t.Fatalf("apply: %d %s", code, stderr)
	}
	for _, tc := range []struct{ flag, value, want string }{
		{"--reason", strings.Repeat("я", 1001), "--reason: не длиннее 1000 символов, а указано 1001"},
		{"--by", strings.Repeat("b", 201), "--by: не длиннее 200 символов, а указано 201"},
	} {
		args := []string{"recompute", "--workspace", "acme", "--date", "2026-11-16", "--by", "head", "--reason", "x"}
		for i := range args {
			if args[i] == tc.flag {
				args[i+1] = tc.value
			}
		}
		code, _, stderr := run(t, db, now, args...)
		if code != exitInvalid || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s of %d characters: exit %d, stderr %.200q; want 2 saying %q", tc.flag, len([]rune(tc.value)), code, stderr, tc.want)
		}
	}
}
