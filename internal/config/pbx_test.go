package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const pbxBase = "workspace: acme\ntimezone: Europe/Moscow\nmanagers:\n  - id: anna\n    crm_ids: [\"1\"]\n"

func TestParsePBX(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "acme.yaml")
	for _, tc := range []struct {
		name string
		yaml string
		want *PBXConnection
	}{
		{"none", pbxBase, nil},
		{"mango", pbxBase + "pbx:\n  kind: mango\n  key: k-1\n  secret_file: mango.salt\n",
			&PBXConnection{Kind: "mango", Key: "k-1", SecretFile: filepath.Join(dir, "mango.salt")}},
		{"zadarma with base_url", pbxBase + "pbx:\n  kind: zadarma\n  base_url: https://api-sandbox.zadarma.com\n  key: zk\n",
			&PBXConnection{Kind: "zadarma", BaseURL: "https://api-sandbox.zadarma.com", Key: "zk"}},
	} {
		if _, err := ParseWorkspace(file, []byte(tc.yaml)); err != nil {
			t.Errorf("%s: ParseWorkspace: %v", tc.name, err)
		}
		got, err := ParsePBX(file, []byte(tc.yaml))
		if err != nil {
			t.Errorf("%s: ParsePBX: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestParsePBXErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown kind", pbxBase + "pbx:\n  kind: sipuni\n  key: k\n", `7: pbx.kind: unknown telephone exchange "sipuni" (known: mango, zadarma)`},
		{"no key", pbxBase + "pbx:\n  kind: mango\n", "7: pbx.key: required field is missing"},
		{"bad url", pbxBase + "pbx:\n  kind: mango\n  key: k\n  base_url: ftp://x\n", `9: pbx.base_url: invalid URL "ftp://x"`},
		{"unknown field", pbxBase + "pbx:\n  kind: mango\n  key: k\n  salt: s\n", `9: pbx: unknown field "salt" (known: kind, base_url, key, secret_file)`},
	} {
		_, err := ParseWorkspace("acme.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ParseWorkspace: %v, want %q", tc.name, err, tc.want)
		}
		if _, err := ParsePBX("acme.yaml", []byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ParsePBX: %v, want %q", tc.name, err, tc.want)
		}
	}
}
