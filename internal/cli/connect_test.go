package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/crm"
	"reglament/internal/crm/amocrm/amocrmtest"
	"reglament/internal/crmsync"
)

// runWithEnv is run with environment variables and stdin.
func runWithEnv(t *testing.T, db string, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Now:    time.Now,
	}
	code := m.Run(context.Background(), append(args, "--db", db))
	return code, stdout.String(), stderr.String()
}

// TestConnectThenSync authorizes an amoCRM OAuth integration through the
// command line, then syncs with the stored, encrypted tokens; the sync logs
// each kind as a JSON line on a stderr that is not a terminal.
func TestConnectThenSync(t *testing.T) {
	fake := amocrmtest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	front := amocrmtest.NewOAuthFront(fake, "code-42", "https://reglament.example/oauth")
	t.Cleanup(front.Close)
	created := time.Now().Add(-time.Hour).Unix()
	fake.Mu.Lock()
	fake.ClientSecret = "cs-cli-83be"
	fake.Companies[1] = &amocrmtest.Company{ID: 1, ResponsibleUserID: 101, CreatedBy: 101, Name: "Рога и копыта",
		CreatedAt: created, UpdatedAt: created}
	fake.Mu.Unlock()

	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	if err := os.WriteFile(filepath.Join(dir, "client.secret"), []byte(fake.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers: [{id: anna, crm_ids: [\"101\"]}]\ncrm:\n  kind: amocrm\n  base_url: " +
		front.URL + "\n  oauth:\n    client_id: " + fake.ClientID + "\n    client_secret_file: client.secret\n    redirect_uri: https://reglament.example/oauth\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	none := map[string]string{"LANG": "en_US.UTF-8"}
	if code, _, stderr := runWithEnv(t, db, none, "", "apply", "-f", filepath.Join(dir, "acme.yaml")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}

	if code, _, stderr := runWithEnv(t, db, none, "", "sync", "--workspace", "acme"); code != 2 ||
		!strings.Contains(stderr, "no secret key configured: set REGLAMENT_SECRET_KEY") {
		t.Errorf("sync without a key: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runWithEnv(t, db, none, "", "connect", "--workspace", "acme", "--code", "code-42"); code != 2 ||
		!strings.Contains(stderr, "no secret key configured") {
		t.Errorf("connect without a key: exit %d, stderr %q", code, stderr)
	}
	bad := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": "c2hvcnQ="}
	if code, _, stderr := runWithEnv(t, db, bad, "", "connect", "--workspace", "acme", "--code", "code-42"); code != 2 ||
		!strings.Contains(stderr, "secret key from REGLAMENT_SECRET_KEY: the key decodes as base64 to 5 bytes, want 32") {
		t.Errorf("connect with a short key: exit %d, stderr %q", code, stderr)
	}

	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	env := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": key}
	code, stdout, stderr := runWithEnv(t, db, env, "code-42\n", "connect", "--workspace", "acme", "--code", "-")
	if code != 0 || !strings.Contains(stdout, "Connected: acme (amocrm), tokens encrypted and stored") {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, out := range []string{stdout, stderr} {
		if strings.Contains(out, fake.AccessToken) || strings.Contains(out, fake.RefreshToken) || strings.Contains(out, fake.ClientSecret) {
			t.Errorf("connect printed a secret:\n%s", out)
		}
	}
	if code, _, stderr := runWithEnv(t, db, env, "", "connect", "--workspace", "acme", "--code", "code-42"); code != 2 ||
		!strings.Contains(stderr, "amocrm refused the authorization code") {
		t.Errorf("connect with a spent code: exit %d, stderr %q", code, stderr)
	}

	// The key from a file given on the command line.
	keyFile := filepath.Join(dir, "secret.key")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runWithEnv(t, db, none, "", "sync", "--workspace", "acme", "--full", "--secret-key-file", keyFile)
	if code != 0 || !strings.Contains(stdout, "company    1 fetched, 1 written, 0 unchanged") {
		t.Fatalf("sync: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var rec struct {
			Msg, Workspace, Kind string
			Records, Requests    int
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("stderr line %q is not JSON: %v", line, err)
		}
		if rec.Msg != "sync kind done" || rec.Workspace != "acme" || rec.Requests < 1 {
			t.Errorf("log line %q", line)
		}
		if rec.Kind == "company" && rec.Records != 1 {
			t.Errorf("company records logged %d, want 1", rec.Records)
		}
		kinds = append(kinds, rec.Kind)
	}
	if strings.Join(kinds, ",") != "company,contact,deal,task,activity,deal_move" {
		t.Errorf("logged kinds %q, want one line per kind in order", kinds)
	}

	other := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, 32))}
	if code, _, stderr := runWithEnv(t, db, other, "", "sync", "--workspace", "acme"); code != 2 ||
		!strings.Contains(stderr, "the secret key does not match the key the stored secret was sealed with") {
		t.Errorf("sync with another key: exit %d, stderr %q", code, stderr)
	}
}

func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	b := &progressBar{w: &out, label: func(k crm.Kind) string { return string(k) }}
	b.update(crmsync.Progress{Kind: crm.KindCompany})
	b.update(crmsync.Progress{Kind: crm.KindCompany, Records: 250, Requests: 1})
	b.update(crmsync.Progress{Kind: crm.KindCompany, Records: 250, Requests: 2, Done: true})
	b.update(crmsync.Progress{Kind: crm.KindDeal, Records: 5, Requests: 3})
	b.update(crmsync.Progress{Kind: crm.KindActivity, Records: 12, Requests: 9})
	b.clear()
	want := "\r[....................] 0/6 company: 0 · 0 req" +
		"\r[....................] 0/6 company: 250 · 1 req" +
		"\r[###.................] 1/6 company: 250 · 2 req" +
		"\r[######..............] 2/6 deal: 5 · 3 req     " + // blanks the rest of the longer line before; contacts are 1/6
		"\r[#############.......] 4/6 activity: 12 · 9 req" +
		"\r" + strings.Repeat(" ", 47) + "\r"
	if got := out.String(); got != want {
		t.Errorf("bar output\n got %q\nwant %q", got, want)
	}
	if strings.Contains(out.String(), "\n") {
		t.Error("the bar wrote a newline: it must stay on one line")
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is a terminal")
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
}
