package cli

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/notify"
	"reglament/internal/notify/notifytest"
)

// channelRouter parses serve's channel flags with env as the environment.
func channelRouter(t *testing.T, env map[string]string, args ...string) (*channelFlags, error) {
	t.Helper()
	m := &Main{Getenv: func(k string) string { return env[k] }}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := m.addChannelFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	_, err := c.router()
	return c, err
}

func writeSecret(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestChannelFlags(t *testing.T) {
	token := writeSecret(t, "bot.token", "123456:AAH-SECRET_token\n")
	password := writeSecret(t, "smtp.password", "SECRET-password\n")

	// Nothing configured: no router, serve logs every notification.
	m := &Main{Getenv: func(string) string { return "" }}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := m.addChannelFlags(fs)
	if r, err := c.router(); r != nil || err != nil {
		t.Errorf("no channel flags: router %v, error %v; want neither", r, err)
	}

	// The token file from the environment, SMTP from flags.
	m = &Main{Getenv: func(k string) string { return map[string]string{"REGLAMENT_TELEGRAM_TOKEN_FILE": token}[k] }}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	c = m.addChannelFlags(fs)
	if err := fs.Parse([]string{"--smtp-addr", "smtp.acme.example:587", "--smtp-user", "bot", "--smtp-password-file", password, "--smtp-from", "reglament@acme.example"}); err != nil {
		t.Fatal(err)
	}
	r, err := c.router()
	if err != nil {
		t.Fatal(err)
	}
	if tg, ok := r.Telegram.(*notify.Telegram); !ok || tg.Token != "123456:AAH-SECRET_token" || tg.BaseURL != "https://api.telegram.org" {
		t.Errorf("telegram = %+v; want the token from the file and the public API", r.Telegram)
	}
	if e, ok := r.Email.(*notify.Email); !ok || e.Password != "SECRET-password" || e.Username != "bot" || e.AllowInsecure {
		t.Errorf("email = %+v; want the user, the password from the file and STARTTLS required", r.Email)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--telegram-token-file", password}, "does not hold a bot token"},
		{[]string{"--telegram-token-file", filepath.Join(t.TempDir(), "missing")}, "flag --telegram-token-file: cannot read"},
		{[]string{"--telegram-token-file", writeSecret(t, "empty", "\n")}, "is empty"},
		{[]string{"--smtp-user", "bot"}, "flag --smtp-user needs --smtp-addr"},
		{[]string{"--smtp-addr", "smtp.acme.example"}, "flag --smtp-addr: want host:port"},
		{[]string{"--smtp-addr", "smtp.acme.example:587"}, "flag --smtp-from is required"},
		{[]string{"--smtp-addr", "smtp.acme.example:587", "--smtp-from", "not an address"}, "flag --smtp-from: invalid address"},
		{[]string{"--smtp-addr", "smtp.acme.example:25", "--smtp-from", "r@acme.example", "--smtp-insecure"}, "plain SMTP is allowed only to a relay on this host"},
		{[]string{"--smtp-addr", "smtp.acme.example:587", "--smtp-from", "r@acme.example", "--smtp-user", "bot"}, "flag --smtp-user needs --smtp-password-file"},
	} {
		_, err := channelRouter(t, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v; want an error containing %q", tc.args, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%q: the error shows a secret: %v", tc.args, err)
		}
	}
	if _, err := channelRouter(t, nil, "--smtp-addr", "127.0.0.1:25", "--smtp-from", "r@acme.example", "--smtp-insecure"); err != nil {
		t.Errorf("plain SMTP to a local relay: %v", err)
	}
}

// TestServeRefusesABadChannel shows that serve stops at once, before
// opening the database, when a channel is misconfigured.
func TestServeRefusesABadChannel(t *testing.T) {
	bad := writeSecret(t, "bot.token", "SECRET not a token")
	code, _, stderr := run(t, filepath.Join(t.TempDir(), "r.db"), time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC), "serve", "--addr", "127.0.0.1:0", "--telegram-token-file", bad)
	if code != 2 || !strings.Contains(stderr, "--telegram-token-file") || strings.Contains(stderr, "SECRET") {
		t.Errorf("exit %d, stderr %q; want 2, the flag named and no secret", code, stderr)
	}
}

// TestServeDeliversToTelegram runs `reglament serve` at 18:10 on a Monday
// with a bot configured: the planner finalizes the day and the digest
// reaches the head's Telegram chat through the fake Bot API, and the bot
// token never appears in serve's log.
func TestServeDeliversToTelegram(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	msk, _ := time.LoadLocation("Europe/Moscow")
	now := time.Date(2026, 11, 16, 18, 10, 0, 0, msk)
	base, err := os.ReadFile(fixtures + "workspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws := writeSecret(t, "workspace.yaml", string(base)+"notifications:\n  heads: [{name: Olga, telegram: \"-100200300\"}]\n")
	steps := [][]string{{"apply", "-f", ws}}
	for _, kind := range []string{"companies", "deals", "tasks", "activities"} {
		steps = append(steps, []string{"import", "--workspace", "acme", "--type", kind, fixtures + kind + ".csv"})
	}
	for _, args := range steps {
		if code, _, stderr := run(t, db, now, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}

	const token = "4242:SERVE-SECRET-token"
	tg := notifytest.StartTelegram(t, token)
	tokenFile := writeSecret(t, "bot.token", token+"\n")
	var stdout, stderr syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string {
			return map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_TELEGRAM_TOKEN_FILE": tokenFile}[k]
		},
		Now: func() time.Time { return now }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--telegram-api-url", tg.URL})
	}()
	var digest string
	for deadline := time.Now().Add(30 * time.Second); digest == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, msg := range tg.Received() {
			if text := msg["text"].(string); strings.Contains(text, "2026-11-16") && msg["chat_id"] == "-100200300" {
				digest = text
			}
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop when its context was cancelled")
	}
	if digest == "" {
		t.Fatalf("no digest for 2026-11-16 reached the head's chat; bot got %v\nlog:\n%s", tg.Received(), stderr.String())
	}
	if !strings.Contains(digest, "Итоги дня") {
		t.Errorf("the head's digest is not in Russian (the head's default):\n%s", digest)
	}
	if strings.Contains(stderr.String(), "SERVE-SECRET") {
		t.Errorf("serve's log shows the bot token:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"notification sent"`) {
		t.Errorf("no notification sent line in serve's log:\n%s", stderr.String())
	}
}
