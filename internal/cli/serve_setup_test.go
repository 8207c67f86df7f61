package cli

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServePrintsSetupLink: serve on an empty database prints a one-time
// link on its console, the link opens the form that creates the first
// admin, and the request log does not hold the link's token.
func TestServePrintsSetupLink(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	var stdout, stderr syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return map[string]string{"LANG": "ru_RU.UTF-8"}[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 18, 11, 37, 0, 0, time.UTC) }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- m.Run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}) }()
	linkRE := regexp.MustCompile(`откройте (http://\S+/setup\?token=(\S+)) и создайте администратора`)
	var link, token string
	for deadline := time.Now().Add(60 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := linkRE.FindStringSubmatch(stdout.String()); m != nil {
			link, token = m[1], m[2]
		}
	}
	if link == "" {
		cancel()
		t.Fatalf("serve on an empty database printed no setup link:\n%s\n%s", stdout.String(), stderr.String())
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `id="first-form"`) {
		t.Errorf("the setup link: %d\n%.800s", resp.StatusCode, page)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr.String(), token) {
		t.Errorf("the log holds the setup link's token:\n%s", stderr.String())
	}
}
