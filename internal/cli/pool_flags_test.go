package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serve refuses pool bounds that are not positive, naming the flag, before
// it opens the store or listens.
func TestServeRefusesBadPoolBounds(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	for _, tt := range []struct {
		args []string
		flag string
	}{
		{[]string{"--db-max-conns", "-1"}, "--db-max-conns"},
		{[]string{"--db-max-waiting", "0"}, "--db-max-waiting"},
		{[]string{"--db-max-wait", "0s"}, "--db-max-wait"},
		{[]string{"--db-max-wait", "soon"}, "--db-max-wait"},
	} {
		code, _, stderr := run(t, db, time.Now(), append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
		if code != 2 || !strings.Contains(stderr, strings.TrimLeft(tt.flag, "-")) {
			t.Errorf("serve %s: exit %d, stderr %q; want 2 naming %s", strings.Join(tt.args, " "), code, stderr, tt.flag)
		}
	}
}
