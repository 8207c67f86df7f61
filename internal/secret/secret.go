// Package secret seals small secrets (OAuth token pairs) for storage at rest
// with AES-256-GCM under one 32-byte key the operator provides, from the
// environment (REGLAMENT_SECRET_KEY) or a key file.
//
// A sealed secret is versioned so that the format can change without
// rereading old rows blindly:
//
//	version (1 byte, 1) | key id (4 bytes) | nonce (12 bytes, random) | ciphertext and GCM tag
//
// The key id is derived from the key by a one-way hash, so opening with
// another key fails with ErrWrongKey, which says so, rather than with a bare
// authentication failure; it reveals nothing usable about the key. The
// caller's associated data (e.g. the workspace id) is authenticated too: a
// secret copied to another row does not open there.
package secret

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"reglament/internal/domain"
)

// KeySize is the size of a key: AES-256.
const KeySize = 32

// The environment variables a key is read from.
const (
	EnvKey     = "REGLAMENT_SECRET_KEY"
	EnvKeyFile = "REGLAMENT_SECRET_KEY_FILE"
)

const (
	version   = 1
	idSize    = 4
	nonceSize = 12
	header    = 1 + idSize + nonceSize
)

// ErrNoKey is returned when a secret must be sealed or opened and no key is
// configured.
var ErrNoKey = domain.Errorf(domain.EINVALID,
	"no secret key configured: set %s (32 bytes, base64 or hex) or %s (a file holding it), or pass --secret-key-file", EnvKey, EnvKeyFile)

// ErrWrongKey is returned when a secret was sealed with another key.
var ErrWrongKey = domain.Errorf(domain.EINVALID,
	"the secret key does not match the key the stored secret was sealed with")

// ErrCorrupt is returned when a sealed secret was altered or truncated.
var ErrCorrupt = domain.Errorf(domain.EINVALID, "the stored secret is corrupt or was tampered with")

// Box seals and opens secrets under one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
	id   [idSize]byte
}

// NewBox returns a Box for a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, domain.Errorf(domain.EINVALID, "secret key: want %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCMWithNonceSize(block, nonceSize)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	b := &Box{aead: aead}
	sum := sha256.Sum256(append([]byte("reglament secret key id\x00"), key...))
	copy(b.id[:], sum[:idSize])
	return b, nil
}

// Seal encrypts plaintext, binding it to associated data ad, with a fresh
// random nonce.
func (b *Box) Seal(plaintext, ad []byte) ([]byte, error) {
	out := make([]byte, header, header+len(plaintext)+b.aead.Overhead())
	out[0] = version
	copy(out[1:], b.id[:])
	nonce := out[1+idSize : header]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: random nonce: %w", err)
	}
	return b.aead.Seal(out, nonce, plaintext, ad), nil
}

// Open decrypts what Seal returned for the same associated data. It fails
// with ErrWrongKey if another key sealed it and ErrCorrupt if it was altered.
func (b *Box) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < header+b.aead.Overhead() {
		return nil, ErrCorrupt
	}
	if sealed[0] != version {
		return nil, domain.Errorf(domain.EINVALID, "the stored secret has format version %d; this program reads version %d", sealed[0], version)
	}
	if !bytes.Equal(sealed[1:1+idSize], b.id[:]) {
		return nil, ErrWrongKey
	}
	plain, err := b.aead.Open(nil, sealed[1+idSize:header], sealed[header:], ad)
	if err != nil {
		return nil, ErrCorrupt
	}
	return plain, nil
}

// ParseKey decodes a key written as 64 hexadecimal digits or as base64
// (standard or URL alphabet, padded or not) of 32 bytes. Surrounding white
// space is ignored. The error never quotes the key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("the key is empty")
	}
	if len(s) == 2*KeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("the key decodes as base64 to %d bytes, want %d (generate one with: openssl rand -base64 32)", len(k), KeySize)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("the key is neither 64 hexadecimal digits nor base64 of %d bytes (generate one with: openssl rand -base64 32)", KeySize)
}

// Source says where the key comes from: a key file named on the command
// line wins over the environment, where REGLAMENT_SECRET_KEY and
// REGLAMENT_SECRET_KEY_FILE may not both be set.
type Source struct {
	File     string                            // --secret-key-file; empty to read the environment
	Getenv   func(string) string               // default os.Getenv
	ReadFile func(name string) ([]byte, error) // default os.ReadFile
}

// Box loads the key and returns a Box. With no key configured it returns
// ErrNoKey; a malformed key is an EINVALID error naming where it came from
// and the accepted formats, never the key.
func (s Source) Box() (*Box, error) {
	getenv, read := s.Getenv, s.ReadFile
	if getenv == nil {
		getenv = os.Getenv
	}
	if read == nil {
		read = os.ReadFile
	}
	file, where := s.File, "--secret-key-file "+s.File
	var text string
	switch env, envFile := getenv(EnvKey), getenv(EnvKeyFile); {
	case file != "":
	case env != "" && envFile != "":
		return nil, domain.Errorf(domain.EINVALID, "both %s and %s are set: set only one", EnvKey, EnvKeyFile)
	case env != "":
		text, where = env, EnvKey
	case envFile != "":
		file, where = envFile, EnvKeyFile+"="+envFile
	default:
		return nil, ErrNoKey
	}
	if file != "" {
		var err error
		if text, err = ReadFile(read, file, "secret key file"); err != nil {
			return nil, err
		}
	}
	key, err := ParseKey(text)
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "secret key from %s: %v", where, err)
	}
	return NewBox(key)
}

// ReadFile reads a file holding one secret (a key, a token, a client
// secret) with read (os.ReadFile when nil) and returns it trimmed. Its
// errors are EINVALID and name the file as what ("the client secret file
// /etc/x is empty"), never its content.
func ReadFile(read func(name string) ([]byte, error), name, what string) (string, error) {
	if read == nil {
		read = os.ReadFile
	}
	b, err := read(name)
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return "", domain.Errorf(domain.EINVALID, "cannot read the %s %s: %v", what, name, err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", domain.Errorf(domain.EINVALID, "the %s %s is empty", what, name)
	}
	return v, nil
}
