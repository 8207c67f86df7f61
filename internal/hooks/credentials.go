package hooks

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"reglament/internal/domain"
	"reglament/internal/secret"
)

// credentialsAD is the associated data a workspace's webhook credentials
// are sealed with: a sealed pair copied to another workspace, or mistaken
// for another secret, does not open.
func credentialsAD(workspace string) []byte {
	return []byte("reglament webhook credentials\x00" + workspace)
}

type credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// NewCredentials generates the HTTP Basic credentials of a workspace's
// webhooks (Pipedrive's http_auth_user and http_auth_password) and seals
// them for the store (PutWebhookCredentials). The user is
// "reglament-" and 8 random characters, the password 32 random bytes in
// base64url (43 characters), neither holding a character that needs
// escaping in a form or a header.
func NewCredentials(box *secret.Box, workspace string) (user, password string, sealed []byte, err error) {
	if box == nil {
		return "", "", nil, secret.ErrNoKey
	}
	user, password = "reglament-"+random(6), random(32)
	plain, err := json.Marshal(credentials{user, password})
	if err != nil {
		return "", "", nil, err
	}
	if sealed, err = box.Seal(plain, credentialsAD(workspace)); err != nil {
		return "", "", nil, err
	}
	return user, password, sealed, nil
}

// OpenCredentials opens what NewCredentials sealed for workspace. Its
// errors name no secret.
func OpenCredentials(box *secret.Box, workspace string, sealed []byte) (user, password string, err error) {
	plain, err := box.Open(sealed, credentialsAD(workspace))
	if err != nil {
		return "", "", fmt.Errorf("webhook credentials of %q: %w", workspace, err)
	}
	var c credentials
	if err := json.Unmarshal(plain, &c); err != nil || c.User == "" || c.Password == "" {
		return "", "", domain.Errorf(domain.EINVALID, "the stored webhook credentials of %q are not a user and password", workspace)
	}
	return c.User, c.Password, nil
}

// random returns n random bytes in base64url.
func random(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
