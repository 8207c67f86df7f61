// Package auth holds what reglament's accounts mean: the roles and what each
// may see, password hashing (argon2id), random tokens stored only as their
// SHA-256 hash, and login throttling. It knows nothing of HTTP or SQL.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"reglament/internal/domain"
)

// Roles of a user.
const (
	// Admin is the integrator: every workspace, everything in it.
	Admin = "admin"
	// Head is the head of sales: one workspace, everything in it.
	Head = "head"
	// Manager is a salesperson: their own data and the leaderboard.
	Manager = "manager"
	// Viewer is the read-only wall screen of one workspace.
	Viewer = "viewer"
)

// Roles lists every role.
var Roles = []string{Admin, Head, Manager, Viewer}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Principal is who makes a request: the fields of a user that decide access.
type Principal struct {
	UserID    int64
	Email     string
	Role      string
	Workspace string // empty for an admin
	Manager   string // the manager id of a manager
}

// Access levels a route asks for.
const (
	// SeeWall is the leaderboard: every role of the workspace.
	SeeWall = iota
	// SeeOwn is one manager's own data: the manager themself, heads, admins.
	SeeOwn
	// SeeAll is every manager's data of the workspace: heads and admins.
	SeeAll
	// Change is any write (adjustments, regulation): heads and admins.
	Change
)

// Can reports whether p may reach workspace ws at the given level; for
// SeeOwn, manager names whose data is asked for. A user of another
// workspace gets ENOTFOUND, so that workspaces cannot be discovered; a user
// of the workspace without the right gets EFORBIDDEN.
func (p *Principal) Can(ws string, level int, manager string) error {
	if p == nil {
		return domain.Errorf(domain.EUNAUTHORIZED, "log in first")
	}
	if p.Role == Admin {
		return nil
	}
	if p.Workspace != ws {
		return domain.Errorf(domain.ENOTFOUND, "workspace %q not found", ws)
	}
	switch {
	case p.Role == Head:
		return nil
	case level == SeeWall:
		return nil
	case level == SeeOwn && p.Role == Manager && manager == p.Manager:
		return nil
	}
	return domain.Errorf(domain.EFORBIDDEN, "this page is not available to your account")
}

// argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane), which
// keeps a login well under 100 ms on a small server.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns the argon2id hash of password in PHC string form.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", domain.Errorf(domain.EINVALID, "password: at least 8 characters are required")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash made by
// HashPassword (with whatever parameters it recorded).
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// NewToken returns a random URL-safe token of 32 bytes of entropy.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand never fails on supported platforms.
		panic("auth: random token: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewPassword returns a random password of 16 characters that is easy to
// type: letters and digits without look-alikes.
func NewPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("auth: random password: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// HashToken returns the hex SHA-256 of a token, the only form in which
// session and API tokens are stored. Tokens carry 256 bits of entropy, so a
// fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
