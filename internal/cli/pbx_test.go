package cli

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"reglament/internal/pbx/mango/mangotest"
)

// TestPBXConnectUsersDisconnect connects a fake Mango Office through the
// command line, with its salt on stdin, lists its extensions beside the
// managers' pbx_ids, and disconnects it.
func TestPBXConnectUsersDisconnect(t *testing.T) {
	fake := mangotest.NewServer(time.Now)
	t.Cleanup(fake.Close)
	fake.Users = []mangotest.User{{Name: "Анна Петрова", Extension: "101"}, {Name: "Борис Иванов", Extension: "102"}}

	dir := t.TempDir()
	db := filepath.Join(dir, "reglament.db")
	yaml := "workspace: acme\ntimezone: Europe/Moscow\nmanagers:\n  - {id: anna, crm_ids: [\"1\"], pbx_ids: [\"101\"]}\n" +
		"  - {id: vera, crm_ids: [\"3\"], pbx_ids: [\"109\"]}\npbx:\n  kind: mango\n  base_url: " + fake.URL + "/vpbx\n  key: " + fake.Key + "\n"
	file := filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	env := map[string]string{"LANG": "en_US.UTF-8", "REGLAMENT_SECRET_KEY": key}
	if code, stdout, stderr := runWithEnv(t, db, env, "", "apply", "-f", file); code != 0 ||
		!strings.Contains(stdout, "the mango exchange of the pbx section is checked, not connected: reglament pbx connect --workspace acme -f "+file) {
		t.Fatalf("apply: exit %d, want it to say the exchange is not connected yet:\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runWithEnv(t, db, env, "", "pbx", "users", "--workspace", "acme"); code == 0 ||
		!strings.Contains(stderr, "has no telephone exchange connected: run reglament pbx connect") {
		t.Errorf("users before connecting: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runWithEnv(t, db, env, "", "pbx", "connect", "--workspace", "acme", "-f", file); code != 2 ||
		!strings.Contains(stderr, "pass --secret -") {
		t.Errorf("connect without a secret: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr := runWithEnv(t, db, env, "not-the-salt\n", "pbx", "connect", "--workspace", "acme", "-f", file, "--secret", "-")
	if code == 0 || !strings.Contains(stderr, "mango: /config/users/request: status 401") || strings.Contains(stderr, "not-the-salt") {
		t.Errorf("connect with a wrong salt: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := runWithEnv(t, db, env, fake.Salt+"\n", "pbx", "connect", "--workspace", "acme", "-f", file, "--secret", "-")
	if code != 0 || !strings.Contains(stdout, "acme: the mango exchange is connected, its key accepted and stored encrypted; 2 extensions") {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if code, stdout, _ := runWithEnv(t, db, env, "", "apply", "-f", file); code != 0 || strings.Contains(stdout, "not connected") {
		t.Errorf("apply once the exchange is connected: exit %d, still says it is not:\n%s", code, stdout)
	}
	code, stdout, stderr = runWithEnv(t, db, env, "", "pbx", "users", "--workspace", "acme")
	for _, want := range []string{"EXTENSION  EMPLOYEE      MANAGER", "101        Анна Петрова  anna", "102        Борис Иванов  nobody's: add it to a manager's pbx_ids",
		`manager vera: pbx_ids names "109", which the exchange does not have`} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("users: exit %d, stdout lacks %q:\n%s%s", code, want, stdout, stderr)
		}
	}
	ru := map[string]string{"LANG": "ru_RU.UTF-8", "REGLAMENT_SECRET_KEY": key}
	if code, stdout, _ := runWithEnv(t, db, ru, "", "pbx", "users", "--workspace", "acme"); code != 0 ||
		!strings.Contains(stdout, "НОМЕР") || !strings.Contains(stdout, "не указан ни у кого") {
		t.Errorf("users in Russian: exit %d:\n%s", code, stdout)
	}
	if code, _, stderr := runWithEnv(t, db, map[string]string{"LANG": "en_US.UTF-8"}, "", "pbx", "users", "--workspace", "acme"); code != 2 ||
		!strings.Contains(stderr, "no secret key configured") {
		t.Errorf("users without the secret key: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := runWithEnv(t, db, env, "", "pbx", "disconnect", "--workspace", "acme"); code != 0 || !strings.Contains(stdout, "disconnected") {
		t.Errorf("disconnect: exit %d: %s", code, stdout)
	}
	if code, _, stderr := runWithEnv(t, db, map[string]string{"LANG": "en_US.UTF-8"}, "", "pbx", "bogus", "--workspace", "acme"); code != 2 || !strings.Contains(stderr, "want: pbx connect") {
		t.Errorf("an unknown subcommand: exit %d, stderr %q", code, stderr)
	}
}
