package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"reglament/internal/domain"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustBox(tb testing.TB, key []byte) *Box {
	tb.Helper()
	b, err := NewBox(key)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	box := mustBox(t, testKey(7))
	plain := []byte(`{"access_token":"a-very-secret-token"}`)
	sealed, err := box.Seal(plain, []byte("acme"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("a-very-secret-token")) {
		t.Fatal("the sealed bytes contain the plaintext")
	}
	if sealed[0] != version {
		t.Errorf("version byte = %d, want %d", sealed[0], version)
	}
	got, err := box.Open(sealed, []byte("acme"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Errorf("Open = %q, want %q", got, plain)
	}
	// A random nonce: sealing twice gives different bytes.
	again, err := box.Seal(plain, []byte("acme"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(again[1+idSize:header], sealed[1+idSize:header]) || bytes.Equal(again, sealed) {
		t.Error("two seals share a nonce")
	}
	empty, err := box.Seal(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(empty, nil); err != nil || len(got) != 0 {
		t.Errorf("Open(empty) = %q, %v", got, err)
	}
}

func TestOpenTampered(t *testing.T) {
	box := mustBox(t, testKey(7))
	sealed, err := box.Seal([]byte("refresh-token"), []byte("acme"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1 + idSize; i < len(sealed); i++ {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := box.Open(bad, []byte("acme")); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d flipped: err = %v, want ErrCorrupt", i, err)
		}
	}
	if _, err := box.Open(sealed[:len(sealed)-1], []byte("acme")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated: err = %v, want ErrCorrupt", err)
	}
	if _, err := box.Open(sealed[:3], []byte("acme")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("short: err = %v, want ErrCorrupt", err)
	}
	// Another workspace's row: the associated data differs.
	if _, err := box.Open(sealed, []byte("other")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("other associated data: err = %v, want ErrCorrupt", err)
	}
	future := bytes.Clone(sealed)
	future[0] = 2
	if _, err := box.Open(future, []byte("acme")); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version 2: err = %v, want one naming the version", err)
	}
}

func TestOpenWrongKey(t *testing.T) {
	sealed, err := mustBox(t, testKey(7)).Seal([]byte("refresh-token"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = mustBox(t, testKey(8)).Open(sealed, nil)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("err = %v, want ErrWrongKey", err)
	}
	if !strings.Contains(err.Error(), "does not match") {
		t.Errorf("err = %q, want it to say the key does not match", err)
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("code = %q, want invalid", domain.ErrorCode(err))
	}
}

func TestParseKey(t *testing.T) {
	key := testKey(0xab)
	for _, s := range []string{
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		"  " + base64.StdEncoding.EncodeToString(key) + "\n",
	} {
		got, err := ParseKey(s)
		if err != nil {
			t.Errorf("ParseKey(%q): %v", s, err)
			continue
		}
		if !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%q) = %x, want %x", s, got, key)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"   \n", "empty"},
		{base64.StdEncoding.EncodeToString(testKey(1)[:16]), "decodes as base64 to 16 bytes, want 32"},
		{hex.EncodeToString(testKey(1)[:16]), "base64 to 24 bytes"},
		{"not a key at all!", "neither 64 hexadecimal digits nor base64"},
		{strings.Repeat("zz", 32) + "!", "neither 64 hexadecimal digits nor base64"},
	} {
		_, err := ParseKey(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKey(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
		if err != nil && len(tc.in) > 4 && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
			t.Errorf("ParseKey(%q): the error quotes the key: %v", tc.in, err)
		}
	}
	if _, err := NewBox(testKey(1)[:31]); err == nil {
		t.Error("NewBox accepted a 31-byte key")
	}
}

func TestSourceBox(t *testing.T) {
	key := testKey(3)
	b64 := base64.StdEncoding.EncodeToString(key)
	files := map[string]string{"/etc/key": hex.EncodeToString(key) + "\n", "/etc/bad": "short"}
	read := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	sealed, err := mustBox(t, key).Seal([]byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		src     Source
		wantErr string // empty: the box opens sealed
	}{
		{"env base64", Source{Getenv: env(map[string]string{EnvKey: b64})}, ""},
		{"env file", Source{Getenv: env(map[string]string{EnvKeyFile: "/etc/key"})}, ""},
		{"flag file wins", Source{File: "/etc/key", Getenv: env(map[string]string{EnvKey: "garbage"})}, ""},
		{"none", Source{Getenv: env(nil)}, "no secret key configured: set REGLAMENT_SECRET_KEY"},
		{"both env", Source{Getenv: env(map[string]string{EnvKey: b64, EnvKeyFile: "/etc/key"})}, "set only one"},
		{"bad env", Source{Getenv: env(map[string]string{EnvKey: "c2hvcnQ="})}, "secret key from REGLAMENT_SECRET_KEY: the key decodes as base64 to 5 bytes"},
		{"bad file", Source{File: "/etc/bad"}, "secret key from --secret-key-file /etc/bad: the key is neither"},
		{"missing file", Source{Getenv: env(map[string]string{EnvKeyFile: "/etc/none"})}, "cannot read the secret key file /etc/none: file does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.src.ReadFile = read
			box, err := tc.src.Box()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if domain.ErrorCode(err) != domain.EINVALID {
					t.Errorf("code = %q, want invalid", domain.ErrorCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := box.Open(sealed, nil); err != nil {
				t.Errorf("the loaded key does not open a secret sealed with it: %v", err)
			}
		})
	}
}
