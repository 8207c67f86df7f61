package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "acme.db")
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	if code, _, stderr := run(t, db, now, "apply", "-f", fixtures+"workspace.yaml"); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	code, stdout, stderr := run(t, db, now, "user", "add", "--workspace", "acme", "--email", "head@acme.example", "--role", "head")
	if code != 0 || !strings.Contains(stdout, "head@acme.example") || !regexp.MustCompile(`Пароль: [A-Za-z0-9]{16} `).MatchString(stdout) {
		t.Fatalf("user add: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("long enough password\n"), 0o600)
	code, stdout, _ = run(t, db, now, "user", "add", "--workspace", "acme", "--email", "anna@acme.example", "--role", "manager", "--manager", "anna", "--password-file", pw)
	if code != 0 || strings.Contains(stdout, "Пароль") {
		t.Errorf("user add with a password file: exit %d, stdout %q; want no password printed", code, stdout)
	}
	code, stdout, _ = run(t, db, now, "user", "add", "--workspace", "acme", "--email", "wall@acme.example", "--role", "viewer")
	if code != 0 || !strings.Contains(stdout, "/t/") {
		t.Errorf("viewer: exit %d, stdout %q; want a wall screen link", code, stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--workspace", "acme", "--email", "head@acme.example", "--role", "head"}, "уже есть"},
		{[]string{"--workspace", "acme", "--email", "x@acme.example", "--role", "boss"}, "--role"},
		{[]string{"--workspace", "acme", "--email", "x@acme.example", "--role", "manager"}, "--manager"},
		{[]string{"--workspace", "acme", "--email", "x@acme.example", "--role", "manager", "--manager", "nobody"}, "nobody"},
		{[]string{"--workspace", "acme", "--email", "x@acme.example", "--role", "admin"}, "--workspace"},
		{[]string{"--workspace", "nope", "--email", "x@acme.example", "--role", "head"}, "nope"},
	} {
		code, _, stderr := run(t, db, now, append([]string{"user", "add"}, tt.args...)...)
		if code != exitInvalid || !strings.Contains(stderr, tt.want) {
			t.Errorf("user add %v: exit %d, stderr %q; want 2 naming %q", tt.args, code, stderr, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServes runs `reglament demo --addr`, logs in with a printed
// login, opens Today, and stops the server by cancelling the context.
func TestDemoServes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	var stdout, stderr syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return map[string]string{"LANG": "en_US.UTF-8"}[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 18, 11, 37, 0, 0, time.UTC) }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- m.Run(ctx, []string{"demo", "--db", db, "--addr", "127.0.0.1:0"}) }()
	listening := regexp.MustCompile(`listening on http://(\S+)`)
	var addr string
	for deadline := time.Now().Add(60 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("demo did not start serving:\n%s\n%s", stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"Control table for 2026-11-18", "Web logins", "head@demo.example", "anna@demo.example", "wall@demo.example", "/t/"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	password := regexp.MustCompile(`password for all: (\S+)\)`).FindStringSubmatch(out)
	if password == nil {
		t.Fatalf("no password in the demo output:\n%s", out)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	base := "http://" + addr
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if csrf == nil {
		t.Fatalf("no CSRF token on the login page")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf": {string(csrf[1])}, "email": {"head@demo.example"}, "password": {password[1]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Сегодня, среда, 18 ноября") {
		t.Errorf("after login: status %d, want Today:\n%.500s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo exited %d after cancel: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo did not stop when its context was cancelled")
	}
	if !strings.Contains(stderr.String(), `"msg":"request"`) {
		t.Errorf("no structured request log on stderr:\n%s", stderr.String())
	}
}
